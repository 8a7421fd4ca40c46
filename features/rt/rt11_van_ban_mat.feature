# language: vi
@RT-11
Tính năng: RT-11 Văn bản mật
  Hệ thống không bao giờ gửi văn bản mật qua trục.

  Bối cảnh:
    Cho hệ thống được kiểm thử đã kết nối trục tỉnh

  @mandatory
  Kịch bản: Hệ thống chặn gửi văn bản mật
    Khi hệ thống được yêu cầu gửi một văn bản mật tới đơn vị kiểm thử trong tỉnh
    Thì hệ thống từ chối gửi văn bản mật
    Và không có văn bản nào của hệ thống đến nơi nhận trong thời gian quan sát
