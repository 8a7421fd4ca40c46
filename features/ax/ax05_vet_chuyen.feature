# language: vi
Tính năng: AX-05 Vết chuyển (TraceHeader)
  Mỗi chặng (trục tỉnh gửi, trục quốc gia, trục tỉnh nhận) thêm đúng một TraceHeader mang mã của mình,
  theo thứ tự, sau TraceHeader của đơn vị gửi.

  Bối cảnh:
    Cho trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh
    Và trục được kiểm thử có đơn vị kiểm thử ở tỉnh khác và ở trung ương

  @AX-05 @mandatory @EDX-23 @EDX-24
  Kịch bản: Mỗi chặng chuyển thêm đúng một TraceHeader
    Khi đơn vị kiểm thử trong tỉnh gửi qua trục một văn bản đã ký số tới đơn vị kiểm thử thứ hai trong tỉnh, đơn vị kiểm thử tỉnh khác và đơn vị kiểm thử trung ương
    Và đơn vị kiểm thử tỉnh khác gửi qua trục một văn bản đã ký số tới đơn vị kiểm thử trong tỉnh
    Và trục chuyển văn bản tới từng nơi nhận trong thời hạn nhận
    Thì vết chuyển của mỗi văn bản nhận được là đơn vị gửi rồi lần lượt từng trục, mỗi chặng một TraceHeader
