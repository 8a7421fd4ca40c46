# language: vi
Tính năng: AX-11 Chống giả mạo yêu cầu
  Một yêu cầu bắt được trên đường truyền không cho phép làm gì khác: trục chỉ dùng các tham số đã ký,
  đối chiếu hash-file với nội dung gói tin, từ chối yêu cầu phát lại và tiêu đề giao thức lặp lại.

  Bối cảnh:
    Cho trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh

  @AX-11 @mandatory
  Kịch bản: Trục từ chối yêu cầu gửi gói tin được phát lại nguyên văn
    Khi đơn vị kiểm thử trong tỉnh gửi qua trục một gói tin trạng thái rồi phát lại nguyên yêu cầu đó
    Thì trục từ chối yêu cầu phát lại
    Và đơn vị kiểm thử nhận gói tin trạng thái đúng một lần

  @AX-11 @mandatory
  Kịch bản: Trục không dùng tham số không được ký
    Khi một bên không có khóa bí mật thêm docId không ký vào yêu cầu tải hộp thư đã bắt được của đơn vị kiểm thử
    Thì trục không trả và không xác nhận văn bản theo docId không được ký

  @AX-11 @mandatory
  Kịch bản: Trục từ chối gói tin có hash-file không khớp nội dung
    Khi đơn vị kiểm thử trong tỉnh gửi qua trục một văn bản kèm hash-file của văn bản khác
    Thì trục từ chối gói tin vì hash-file không khớp nội dung
    Và nơi nhận không nhận được văn bản có hash-file sai

  @AX-11 @mandatory
  Kịch bản: Trục từ chối yêu cầu có tiêu đề systemid lặp lại
    Khi đơn vị kiểm thử trong tỉnh gọi trục với thêm một tiêu đề systemid mang mã của đơn vị kiểm thử khác
    Thì trục từ chối yêu cầu có tiêu đề giao thức lặp lại
