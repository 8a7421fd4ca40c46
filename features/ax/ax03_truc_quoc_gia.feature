# language: vi
Tính năng: AX-03 Liên thông trục quốc gia
  Gói tin tới cơ quan của tỉnh khác hoặc của trung ương rời trục tỉnh qua trục quốc gia và đến nơi;
  gói tin từ bên ngoài đến được cơ quan trong tỉnh.

  Bối cảnh:
    Cho trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh
    Và trục được kiểm thử có đơn vị kiểm thử ở tỉnh khác và ở trung ương

  @AX-03 @mandatory
  Kịch bản: Văn bản tới tỉnh khác và tới trung ương đi qua trục quốc gia
    Khi đơn vị kiểm thử trong tỉnh gửi qua trục một văn bản đã ký số tới đơn vị kiểm thử tỉnh khác và đơn vị kiểm thử trung ương
    Thì trục chuyển văn bản tới từng nơi nhận trong thời hạn nhận
    Và vết chuyển của văn bản liên thông ngoài tỉnh có trục quốc gia

  @AX-03 @mandatory
  Kịch bản: Văn bản từ tỉnh khác qua trục quốc gia đến cơ quan trong tỉnh
    Khi đơn vị kiểm thử tỉnh khác gửi qua trục một văn bản đã ký số tới đơn vị kiểm thử trong tỉnh
    Thì trục chuyển văn bản tới từng nơi nhận trong thời hạn nhận
    Và vết chuyển của văn bản liên thông ngoài tỉnh có trục quốc gia
