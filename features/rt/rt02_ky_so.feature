# language: vi
@RT-02
Tính năng: RT-02 Ký số văn bản đi
  Mọi tệp PDF hệ thống gửi đi mang chữ ký số hợp lệ theo Nghị định 30: chữ ký của người có thẩm quyền
  và của cơ quan trên văn bản chính, chữ ký của cơ quan trên từng phụ lục; chứng thư tin cậy và đúng cơ quan gửi.

  Bối cảnh:
    Cho hệ thống được kiểm thử đã kết nối trục tỉnh

  @mandatory @SIG-02 @SIG-03 @SIG-06 @SIG-12 @SIG-13
  Kịch bản: Văn bản đi mang đủ chữ ký số hợp lệ
    Khi hệ thống gửi một "Công văn" tới đơn vị kiểm thử trong tỉnh
    Thì mỗi nơi nhận nhận được văn bản đúng một lần trong thời hạn
    Và mọi tệp PDF mang chữ ký số hợp lệ của người có thẩm quyền và của cơ quan gửi
