# language: vi
Tính năng: AX-04 Chuyển trạng thái
  Gói tin trạng thái của nơi nhận về đến cơ quan đã gửi văn bản, định tuyến theo ResponseFor/OrganId,
  trong tỉnh cũng như qua trục quốc gia.

  Bối cảnh:
    Cho trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh
    Và trục được kiểm thử có đơn vị kiểm thử ở tỉnh khác và ở trung ương

  @AX-04 @mandatory @EDX-42 @EDX-49
  Kịch bản: Trạng thái "01" rồi "03" của từng nơi nhận về đến đơn vị gửi
    Khi đơn vị kiểm thử trong tỉnh gửi qua trục một văn bản đã ký số tới đơn vị kiểm thử thứ hai trong tỉnh và đơn vị kiểm thử tỉnh khác
    Và trục chuyển văn bản tới từng nơi nhận trong thời hạn nhận
    Và từng đơn vị kiểm thử nhận văn bản gửi qua trục trạng thái "01" rồi "03"
    Thì trục chuyển mọi trạng thái về đơn vị gửi theo ResponseFor trong thời hạn trạng thái
