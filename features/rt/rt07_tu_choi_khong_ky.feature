# language: vi
@RT-07
Tính năng: RT-07 Từ chối văn bản không ký số
  Văn bản có tệp không ký số, bị sửa, ký bởi cơ quan khác, hoặc ký bằng chứng thư không tin cậy,
  hết hạn, bị thu hồi bị từ chối bằng trạng thái 02 kèm lý do.

  Bối cảnh:
    Cho hệ thống được kiểm thử đã kết nối trục tỉnh

  @mandatory @EDX-44
  Khung kịch bản: Từ chối văn bản có chữ ký <lỗi>
    Khi đơn vị kiểm thử gửi cho hệ thống một văn bản có chữ ký "<lỗi>"
    Thì đơn vị kiểm thử nhận được trạng thái "02" kèm lý do trong thời hạn
    Và hệ thống không tiếp nhận văn bản đó

    @SIG-02
    Dữ liệu: Không ký
      | lỗi          |
      | không ký số  |

    @SIG-03
    Dữ liệu: Bị sửa
      | lỗi               |
      | bị sửa sau khi ký |

    @SIG-12
    Dữ liệu: Sai cơ quan
      | lỗi                                |
      | ký bằng chứng thư của cơ quan khác |

    @SIG-06 @SIG-07 @SIG-08
    Dữ liệu: Chứng thư không hợp lệ
      | lỗi                          |
      | chứng thư không được tin cậy |
      | chứng thư đã hết hạn         |
      | chứng thư đã bị thu hồi      |
