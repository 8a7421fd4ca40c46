# language: vi
@RT-05
Tính năng: RT-05 Trả trạng thái xử lý
  Sau khi nhận, hệ thống trả 01 (đã đến), rồi 03 (đã tiếp nhận) hoặc 02 (từ chối, có lý do),
  rồi 04/05/06 theo tiến độ; mọi gói tin trạng thái hợp lệ, đúng địa chỉ, mã không đi lùi.

  Bối cảnh:
    Cho hệ thống được kiểm thử đã kết nối trục tỉnh

  @mandatory @EDX-40 @EDX-42 @EDX-45 @EDX-46
  Kịch bản: Trạng thái tiếp nhận và xử lý theo đúng thứ tự
    Khi đơn vị kiểm thử gửi cho hệ thống một "Công văn" đã ký số
    Thì đơn vị kiểm thử nhận được trạng thái "01" trong thời hạn
    Khi văn thư "tiếp nhận" văn bản
    Thì đơn vị kiểm thử nhận được trạng thái "03" trong thời hạn
    Khi văn thư "phân công xử lý" văn bản
    Thì đơn vị kiểm thử nhận được trạng thái "04" trong thời hạn
    Khi văn thư "xử lý" văn bản
    Thì đơn vị kiểm thử nhận được trạng thái "05" trong thời hạn
    Khi văn thư "hoàn thành" văn bản
    Thì đơn vị kiểm thử nhận được trạng thái "06" trong thời hạn
    Và mọi gói tin trạng thái của hệ thống hợp lệ, đúng địa chỉ và không đi lùi

  @mandatory @EDX-40 @EDX-44 @EDX-46
  Kịch bản: Từ chối tiếp nhận có lý do
    Khi đơn vị kiểm thử gửi cho hệ thống một "Công văn" đã ký số
    Thì đơn vị kiểm thử nhận được trạng thái "01" trong thời hạn
    Khi văn thư từ chối văn bản với lý do "Văn bản không thuộc thẩm quyền giải quyết"
    Thì đơn vị kiểm thử nhận được trạng thái "02" kèm lý do trong thời hạn
    Và mọi gói tin trạng thái của hệ thống hợp lệ, đúng địa chỉ và không đi lùi
