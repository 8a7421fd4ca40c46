# language: vi
Tính năng: AX-12 Sức bền trước nút lạ và máy khách chậm
  Một chú thích trong TraceHeader không làm dừng việc chuyển gói tin; các kết nối gửi yêu cầu dở dang
  không làm trục ngừng phục vụ các cơ quan khác.

  Bối cảnh:
    Cho trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh

  @AX-12 @mandatory
  Kịch bản: Văn bản có chú thích trong TraceHeader vẫn được chuyển
    Khi đơn vị kiểm thử trong tỉnh gửi qua trục một văn bản có chú thích trong TraceHeader
    Thì trục chuyển văn bản tới từng nơi nhận trong thời hạn nhận

  @AX-12 @mandatory
  Kịch bản: Máy khách chậm không làm trục ngừng phục vụ cơ quan khác
    Khi một máy khách giữ nhiều kết nối tới trục, mỗi kết nối chỉ gửi một nửa dòng yêu cầu
    Thì trục vẫn nhận và chuyển văn bản giữa các đơn vị kiểm thử trong thời hạn nhận
