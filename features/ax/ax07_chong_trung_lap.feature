# language: vi
Tính năng: AX-07 Chống trùng lặp
  Văn bản mới gửi lại với cùng DocumentId tới cùng nơi nhận bị từ chối (409) hoặc được khử trùng;
  gói tin đã được nơi nhận xác nhận không bao giờ được chuyển lại.

  Bối cảnh:
    Cho trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh

  @AX-07 @mandatory @EDX-22 @EDX-25
  Kịch bản: Văn bản mới gửi lại với cùng DocumentId bị từ chối hoặc được khử trùng
    Khi đơn vị kiểm thử trong tỉnh gửi qua trục một văn bản đã ký số tới đơn vị kiểm thử thứ hai trong tỉnh
    Và đơn vị kiểm thử trong tỉnh gửi lại qua trục văn bản mới đó với cùng DocumentId
    Thì trục từ chối bản gửi lại hoặc không chuyển nó lần thứ hai
    Và trục chuyển văn bản tới mỗi nơi nhận đúng một lần trong thời gian quan sát

  @AX-07 @mandatory @EDX-22
  Kịch bản: Gói tin đã xác nhận không bao giờ được chuyển lại
    Khi đơn vị kiểm thử trong tỉnh gửi qua trục một văn bản đã ký số tới đơn vị kiểm thử thứ hai trong tỉnh
    Và trục chuyển văn bản tới từng nơi nhận trong thời hạn nhận
    Và đơn vị kiểm thử trong tỉnh gửi lại qua trục văn bản mới đó với cùng DocumentId
    Thì trục từ chối bản gửi lại hoặc không chuyển nó lần thứ hai
    Và trục chuyển văn bản tới mỗi nơi nhận đúng một lần trong thời gian quan sát
    Và trục không liệt kê lại gói tin nơi nhận đã xác nhận
