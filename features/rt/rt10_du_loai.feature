# language: vi
@RT-10
Tính năng: RT-10 Đủ 14 loại văn bản
  Mỗi loại trong 14 loại văn bản thí điểm được gửi và nhận thành công ít nhất một lần.

  Bối cảnh:
    Cho hệ thống được kiểm thử đã kết nối trục tỉnh

  @mandatory
  Khung kịch bản: Gửi và nhận <loại>
    Khi hệ thống gửi một "<loại>" tới đơn vị kiểm thử trong tỉnh
    Thì mỗi nơi nhận nhận được văn bản đúng một lần trong thời hạn
    Và gói tin đạt mọi quy tắc bắt buộc của edXML
    Và mọi tệp PDF mang chữ ký số hợp lệ của người có thẩm quyền và của cơ quan gửi
    Khi đơn vị kiểm thử gửi cho hệ thống một "<loại>" đã ký số
    Thì đơn vị kiểm thử nhận được trạng thái "01" trong thời hạn
    Khi văn thư "tiếp nhận" văn bản
    Thì đơn vị kiểm thử nhận được trạng thái "03" trong thời hạn

    Dữ liệu:
      | loại        |
      | Quyết định  |
      | Chỉ thị     |
      | Báo cáo     |
      | Chương trình |
      | Kế hoạch    |
      | Tờ trình    |
      | Quy chế     |
      | Quy định    |
      | Hướng dẫn   |
      | Phiếu chuyển |
      | Giấy mời    |
      | Thông báo   |
      | Công văn    |
      | Công điện   |
