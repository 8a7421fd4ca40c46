# language: vi
@RT-06
Tính năng: RT-06 Theo dõi nhật ký gửi, nhận
  Hệ thống tải về và xác nhận các gói tin trạng thái trả về cho văn bản nó đã gửi.

  Bối cảnh:
    Cho hệ thống được kiểm thử đã kết nối trục tỉnh

  @mandatory
  Kịch bản: Hệ thống nhận trạng thái của văn bản đã gửi
    Khi hệ thống gửi một "Công văn" tới đơn vị kiểm thử trong tỉnh
    Thì mỗi nơi nhận nhận được văn bản đúng một lần trong thời hạn
    Khi nơi nhận trả trạng thái "01, 03" cho văn bản đó
    Thì hệ thống tải về và xác nhận các gói tin trạng thái trong thời hạn
    Và sổ văn bản đi của hệ thống ghi nhận trạng thái "03"
