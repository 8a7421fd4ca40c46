# language: vi
Tính năng: AX-06 Cách ly hộp thư
  Không cơ quan nào liệt kê, đọc hay xác nhận được gói tin trong hộp thư của cơ quan khác; trục trả lời
  như với một docId không tồn tại, để không lộ cả sự tồn tại của gói tin.

  Bối cảnh:
    Cho trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh

  @AX-06 @mandatory
  Kịch bản: Cơ quan khác không liệt kê, đọc hay xác nhận được gói tin của nơi nhận
    Khi đơn vị kiểm thử trong tỉnh gửi qua trục một văn bản đã ký số tới đơn vị kiểm thử thứ hai trong tỉnh
    Và trục giữ gói tin chờ trong hộp thư của nơi nhận
    Thì trục không liệt kê gói tin đó cho đơn vị gửi
    Và trục trả lời các lời gọi đọc và xác nhận của đơn vị gửi trên gói tin đó như với một docId không tồn tại
    Và trục vẫn giữ nguyên gói tin chờ trong hộp thư của nơi nhận
