# language: vi
Tính năng: AX-01 Xác thực
  Mọi thao tác của trục (giao thức VXP) từ chối chữ ký HMAC sai, hệ thống chưa đăng ký và trường
  "from" không phải mã đã đăng ký của bên gọi; lời gọi đúng thông tin xác thực thì thành công.
  Lời gọi bị từ chối không để lại tác động nào: không gửi, không xác nhận, không đổi danh bạ.

  Bối cảnh:
    Cho trục được kiểm thử là trục tỉnh có các đơn vị kiểm thử trong tỉnh

  @AX-01 @mandatory
  Khung kịch bản: Thao tác <thao tác> chỉ phục vụ bên gọi xác thực đúng
    Khi đơn vị kiểm thử gọi thao tác "<thao tác>" của trục với khóa bí mật sai
    Thì trục từ chối lời gọi vì không xác thực được bên gọi
    Khi đơn vị kiểm thử gọi thao tác "<thao tác>" của trục với mã hệ thống chưa đăng ký
    Thì trục từ chối lời gọi vì không xác thực được bên gọi
    Và các lời gọi bị từ chối không để lại tác động nào trên trục
    Khi đơn vị kiểm thử gọi thao tác "<thao tác>" của trục với thông tin xác thực được cấp
    Thì trục thực hiện lời gọi thành công

    Dữ liệu: Gửi và hộp thư
      | thao tác             |
      | sendEdoc             |
      | getReceivedEdocList  |
      | getEdoc              |
      | downloadEdoc         |
      | updateStatus         |
      | getSentEdocList      |
      | countReceiveEdoc     |
      | countReceiveStatus   |

    Dữ liệu: Danh bạ cơ quan
      | thao tác             |
      | getAgenciesList      |
      | getAgenciesListQD20  |
      | getSynchronizeUnit   |
      | registerAgency       |
      | deleteAgency         |

  @AX-01 @mandatory @EDX-61
  Kịch bản: Trục từ chối gói tin khai "from" không phải mã đã đăng ký của bên gọi
    Khi đơn vị kiểm thử gửi qua trục một văn bản khai "from" là mã của đơn vị kiểm thử khác
    Thì trục từ chối gói tin vì "from" không phải mã đã đăng ký của bên gọi
    Khi đơn vị kiểm thử gửi qua trục một gói tin trạng thái khai "from" là mã của đơn vị kiểm thử khác
    Thì trục từ chối gói tin vì "from" không phải mã đã đăng ký của bên gọi
    Và không đơn vị kiểm thử nào nhận được gói tin khai sai "from" qua trục
