# language: vi
@RT-12
Tính năng: RT-12 Gói tin lỗi
  Gói tin lỗi (XML hỏng, base64 hỏng, sai nơi nhận, trùng lặp) bị từ chối rõ ràng (xác nhận 'fail'
  và/hoặc trạng thái 02) và không chặn các gói tin phía sau.

  Bối cảnh:
    Cho hệ thống được kiểm thử đã kết nối trục tỉnh

  @mandatory
  Khung kịch bản: Gói tin lỗi "<lỗi>" không chặn văn bản phía sau
    Khi trục chuyển cho hệ thống một gói tin "<lỗi>" rồi một văn bản hợp lệ
    Thì hệ thống từ chối gói tin lỗi một cách rõ ràng
    Và đơn vị kiểm thử nhận được trạng thái "01" trong thời hạn

    @EDX-01
    Dữ liệu: XML hỏng
      | lỗi            |
      | không phải XML |

    @EDX-33
    Dữ liệu: Base64 hỏng
      | lỗi         |
      | base64 hỏng |

    @EDX-07
    Dữ liệu: Sai nơi nhận
      | lỗi          |
      | sai nơi nhận |

    Dữ liệu: Trùng lặp
      | lỗi       |
      | trùng lặp |
