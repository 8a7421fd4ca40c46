# language: vi
@RT-01
Tính năng: RT-01 Kết nối, xác thực với trục
  Hệ thống quản lý văn bản xác thực với trục tỉnh bằng thông tin được cấp,
  mã định danh của cơ quan đã được đăng ký và hệ thống đọc được danh bạ cơ quan.

  Bối cảnh:
    Cho hệ thống được kiểm thử đã kết nối trục tỉnh

  @mandatory @EDX-60
  Kịch bản: Hệ thống xác thực với trục bằng thông tin được cấp
    Thì hệ thống gọi trục thành công bằng thông tin xác thực được cấp
    Và mã định danh của hệ thống có trong danh bạ của trục
    Và hệ thống đã đọc danh bạ cơ quan từ trục
    Và trục từ chối khóa bí mật sai của hệ thống
