# language: vi
Tính năng: AX-08 Bền vững dữ liệu
  Không gói tin nào trục đã nhận (đã trả DocId) bị mất khi trục bị tắt đột ngột rồi khởi động lại,
  và không gói tin nào bị chuyển hai lần.

  Bối cảnh:
    Cho trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh

  @AX-08 @mandatory
  Kịch bản: Gói tin đã nhận không mất khi trục bị tắt đột ngột rồi khởi động lại
    Cho bộ kiểm thử được phép tắt đột ngột và khởi động lại trục được kiểm thử
    Khi đơn vị kiểm thử trong tỉnh gửi qua trục một văn bản đã ký số tới đơn vị kiểm thử thứ hai trong tỉnh và đơn vị kiểm thử tỉnh khác
    Và trục bị tắt đột ngột (kill -9) rồi khởi động lại
    Thì trục chuyển văn bản tới từng nơi nhận trong thời hạn nhận
    Và trục chuyển văn bản tới mỗi nơi nhận đúng một lần trong thời gian quan sát
