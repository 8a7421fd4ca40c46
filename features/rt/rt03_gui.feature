# language: vi
@RT-03
Tính năng: RT-03 Gửi văn bản điện tử
  Hệ thống gửi gói tin đạt mọi quy tắc bắt buộc của edXML tới một nơi nhận, nhiều nơi nhận cùng lúc
  và nơi nhận ngoài tỉnh (qua trục quốc gia).

  Bối cảnh:
    Cho hệ thống được kiểm thử đã kết nối trục tỉnh

  @mandatory @EDX-02 @EDX-07 @EDX-13
  Kịch bản: Gửi tới một nơi nhận trong tỉnh
    Khi hệ thống gửi một "Công văn" tới đơn vị kiểm thử trong tỉnh
    Thì mỗi nơi nhận nhận được văn bản đúng một lần trong thời hạn
    Và gói tin đạt mọi quy tắc bắt buộc của edXML

  @mandatory @EDX-07
  Kịch bản: Gửi tới nhiều nơi nhận cùng lúc
    Khi hệ thống gửi một "Thông báo" tới đơn vị kiểm thử trong tỉnh và đơn vị kiểm thử thứ hai trong tỉnh
    Thì mỗi nơi nhận nhận được văn bản đúng một lần trong thời hạn
    Và gói tin đạt mọi quy tắc bắt buộc của edXML

  @mandatory @EDX-07
  Kịch bản: Gửi ra ngoài tỉnh qua trục quốc gia
    Khi hệ thống gửi một "Công văn" tới đơn vị kiểm thử tỉnh khác và đơn vị kiểm thử trung ương
    Thì mỗi nơi nhận nhận được văn bản đúng một lần trong thời hạn
    Và gói tin đạt mọi quy tắc bắt buộc của edXML
