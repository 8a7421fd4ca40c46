# language: vi
Tính năng: AX-09 Tải
  Trục chịu được tải đã thỏa thuận (ngưỡng trong load/thresholds.yaml) mà không lỗi, không mất văn bản.
  Kịch bản này là một đợt gửi dồn dập ngắn; phép thử tải đầy đủ nằm trong load/.

  Bối cảnh:
    Cho trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh

  @AX-09 @mandatory
  Kịch bản: Trục chịu một đợt gửi dồn dập mà không lỗi, không mất văn bản
    Khi đơn vị kiểm thử trong tỉnh gửi dồn dập qua trục các văn bản tới đơn vị kiểm thử thứ hai trong tỉnh theo mục scenario_burst của tệp ngưỡng tải
    Thì trục nhận mọi văn bản gửi dồn dập mà không có lỗi
    Và trục chuyển mỗi văn bản gửi dồn dập đúng một lần
    Và thời gian trục nhận văn bản ở phân vị 95 không vượt ngưỡng tải
