# language: vi
Tính năng: AX-10 Đầu vào xấu
  Gói tin hỏng, nguy hiểm hoặc quá cỡ nhận một lỗi rõ ràng (FAIL/4xx kèm thông báo), không làm trục
  ngừng hoạt động: một văn bản hợp lệ gửi ngay sau đó vẫn được nhận và chuyển.

  Bối cảnh:
    Cho trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh

  @AX-10 @mandatory
  Khung kịch bản: Gói tin <đầu vào> bị từ chối rõ ràng và trục vẫn hoạt động
    Khi đơn vị kiểm thử trong tỉnh gửi tới trục một gói tin "<đầu vào>"
    Thì trục từ chối gói tin xấu bằng một lỗi rõ ràng kèm thông báo
    Và trục vẫn nhận và chuyển một văn bản hợp lệ gửi ngay sau đó

    @EDX-01
    Dữ liệu: XML hỏng hoặc nguy hiểm
      | đầu vào                       |
      | không phải XML                |
      | rỗng                          |
      | XML bị cắt cụt                |
      | có thực thể ngoài (XXE)       |
      | bom thực thể (billion laughs) |
      | vượt dung lượng tối đa        |

    @EDX-33
    Dữ liệu: Tệp đính kèm hỏng
      | đầu vào                    |
      | có tệp đính kèm base64 sai |
