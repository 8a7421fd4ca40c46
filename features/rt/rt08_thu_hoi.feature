# language: vi
@RT-08
Tính năng: RT-08 Thu hồi, cập nhật, thay thế
  Hệ thống trả lời yêu cầu thu hồi, cập nhật, thay thế bằng 15 (đồng ý) hoặc 16 (từ chối);
  là bên gửi, hệ thống thu hồi được văn bản của mình.

  Bối cảnh:
    Cho hệ thống được kiểm thử đã kết nối trục tỉnh

  @recommended @EDX-25 @EDX-47
  Khung kịch bản: Trả lời yêu cầu <yêu cầu> văn bản
    Khi đơn vị kiểm thử gửi cho hệ thống một "Công văn" đã ký số
    Thì đơn vị kiểm thử nhận được trạng thái "01" trong thời hạn
    Khi văn thư "tiếp nhận" văn bản
    Thì đơn vị kiểm thử nhận được trạng thái "03" trong thời hạn
    Khi đơn vị kiểm thử gửi yêu cầu "<yêu cầu>" văn bản đó
    Và văn thư "<trả lời>" văn bản
    Thì đơn vị kiểm thử nhận được trạng thái "<mã>" trong thời hạn

    Dữ liệu:
      | yêu cầu  | trả lời         | mã |
      | thu hồi  | đồng ý yêu cầu  | 15 |
      | cập nhật | từ chối yêu cầu | 16 |
      | thay thế | đồng ý yêu cầu  | 15 |

  @recommended @EDX-25
  Kịch bản: Hệ thống thu hồi văn bản đã gửi
    Khi hệ thống gửi một "Công văn" tới đơn vị kiểm thử trong tỉnh
    Thì mỗi nơi nhận nhận được văn bản đúng một lần trong thời hạn
    Khi hệ thống thu hồi văn bản đó
    Thì nơi nhận nhận được yêu cầu thu hồi văn bản đó trong thời hạn
