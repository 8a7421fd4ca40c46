# language: vi
@RT-09
Tính năng: RT-09 Văn bản hỏa tốc, khẩn
  Văn bản hỏa tốc (độ khẩn 3, 4) được tải về và vào sổ trong thời hạn hỏa tốc, trước các văn bản thường.

  Bối cảnh:
    Cho hệ thống được kiểm thử đã kết nối trục tỉnh

  @recommended @EDX-19
  Kịch bản: Văn bản hỏa tốc được vào sổ trước
    Khi đơn vị kiểm thử gửi cho hệ thống 10 văn bản thường rồi một văn bản hỏa tốc trong cùng một lần nhận
    Thì văn bản hỏa tốc được vào sổ trước các văn bản thường
    Và hệ thống tải văn bản hỏa tốc về trong thời hạn hỏa tốc
