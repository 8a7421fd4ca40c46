# language: vi
@RT-04
Tính năng: RT-04 Nhận văn bản điện tử
  Văn bản gửi đến được tải về và xác nhận trong thời hạn; hệ thống kiểm tra hộp thư đủ thường xuyên
  (thực tế: ít nhất 3 lần mỗi buổi làm việc); văn bản được chuyển lại không bị vào sổ hai lần.

  Bối cảnh:
    Cho hệ thống được kiểm thử đã kết nối trục tỉnh

  @mandatory
  Kịch bản: Văn bản đến được tải về và xác nhận trong thời hạn
    Khi đơn vị kiểm thử gửi cho hệ thống một "Công văn" đã ký số
    Thì hệ thống tải văn bản về và xác nhận "done" trong thời hạn nhận

  @mandatory
  Kịch bản: Hệ thống kiểm tra hộp thư đủ thường xuyên
    Thì khoảng cách giữa hai lần kiểm tra hộp thư của hệ thống không vượt quá giới hạn

  @mandatory @EDX-45
  Kịch bản: Văn bản được chuyển lại không bị vào sổ hai lần
    Cho trục sẽ chuyển văn bản tiếp theo cho hệ thống hai lần
    Khi đơn vị kiểm thử gửi cho hệ thống một "Công văn" đã ký số
    Thì hệ thống tải về và xác nhận cả hai lần chuyển
    Và văn bản chỉ được vào sổ một lần
