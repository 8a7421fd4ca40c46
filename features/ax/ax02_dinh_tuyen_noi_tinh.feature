# language: vi
Tính năng: AX-02 Định tuyến nội tỉnh
  Gói tin gửi tới các cơ quan trong tỉnh đến mọi nơi nhận được ghi trong gói tin, mỗi nơi đúng một lần.

  Bối cảnh:
    Cho trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh

  @AX-02 @mandatory @EDX-07 @EDX-08
  Kịch bản: Văn bản tới các cơ quan trong tỉnh đến mỗi nơi nhận đúng một lần
    Khi đơn vị kiểm thử trong tỉnh gửi qua trục một văn bản đã ký số tới các đơn vị kiểm thử khác trong tỉnh
    Thì trục chuyển văn bản tới từng nơi nhận trong thời hạn nhận
    Và trục chuyển văn bản tới mỗi nơi nhận đúng một lần trong thời gian quan sát
