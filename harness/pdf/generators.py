"""The body of each of the 14 pilot document types: subject line and paragraphs, deterministic for a seed."""

from __future__ import annotations

from collections.abc import Callable

from harness.pdf.agencies import IssuingBody, agency_abbreviation, deputy_title, office_head
from harness.pdf.drafting import ROMAN, WEEKDAYS, Drafting, P, S, cap, listed, low
from harness.pdf.layout import BodyParagraph, date_vi, vn_number
from harness.pdf.topics import EMERGENCIES


def _basis(c: Drafting) -> list[BodyParagraph]:
    a = c.a
    out: list[BodyParagraph] = []
    if a.kind == "province":
        out.append(
            P(
                "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số"
                " điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
                S.BASIS,
            )
        )
    elif a.parent is None:
        out.append(
            P(
                "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của Luật"
                " Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
                S.BASIS,
            )
        )
    else:
        out.append(
            P(
                f"Căn cứ Quyết định số {c.r.randint(100, 3000)}/QĐ-{agency_abbreviation(a.parent)}"
                f" {date_vi(c.earlier(400, 1500))} của {a.parent} quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu"
                f" tổ chức của {a.full};",
                S.BASIS,
            )
        )
    out += [P(b, S.BASIS) for b in c.t.basis]
    lead = c.lead
    out.append(
        P(
            f"Theo đề nghị của {office_head(lead)} tại Tờ trình số {c.r.randint(12, 980)}/TTr-"
            f"{agency_abbreviation(lead)} {date_vi(c.earlier(3, 15))}.",
            S.BASIS,
        )
    )
    return out


def _authority_heading(c: Drafting, collective: bool) -> str:
    return c.a.full.upper() if collective else c.a.head_full.upper()


def _quyet_dinh(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t, year = c.a, c.t, c.when.year
    body = [P(_authority_heading(c, a.kind == "province"), S.HEADING), *_basis(c), P("QUYẾT ĐỊNH:", S.HEADING)]
    if c.r.random() < 0.5:
        subject = f"Ban hành Kế hoạch {t.name} năm {year}"
        body.append(P(f"Điều 1. Ban hành kèm theo Quyết định này Kế hoạch {t.name} năm {year} {a.scope}.", S.LEAD))
        executors = a.executors
    else:
        subject = f"Về việc thành lập Tổ công tác {t.name}"
        body.append(P(f"Điều 1. Thành lập Tổ công tác {t.name} {a.scope}, gồm các ông (bà) có tên sau:", S.LEAD))
        units = list(_UNITS[a.kind])
        c.r.shuffle(units)
        hon, name = c.person()
        body.append(P(f"1. {hon} {name}, {a.deputy_title}, Tổ trưởng;"))
        hon, name = c.person()
        body.append(P(f"2. {hon} {name}, {deputy_title(c.lead)}, Tổ phó;"))
        members = units[: c.r.randint(3, 5)]
        for i, unit in enumerate(members, start=3):
            hon, name = c.person()
            end = "." if i == len(members) + 2 else ";"
            body.append(P(f"{i}. {hon} {name}, {deputy_title(unit)}, thành viên{end}"))
        tasks = "; ".join(low(x) for x in c.tasks(3))
        body.append(
            P(
                f"Điều 2. Tổ công tác có nhiệm vụ giúp {a.head_title} chỉ đạo, đôn đốc {tasks}. Tổ công tác tự giải"
                f" thể sau khi hoàn thành nhiệm vụ.",
                S.LEAD,
            )
        )
        executors = f"{a.executors}, các thành viên Tổ công tác"
    effect = "Điều 2" if len(body) and body[-1].text.startswith("Điều 1") else "Điều 3"
    body.append(P(f"{effect}. Quyết định này có hiệu lực thi hành kể từ ngày ký.", S.LEAD))
    last = "Điều 3" if effect == "Điều 2" else "Điều 4"
    body.append(
        P(
            f"{last}. {executors} và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.",
            S.LEAD,
        )
    )
    return subject, body


_UNITS: dict[str, tuple[str, ...]] = {
    "province": (
        "Sở Nội vụ",
        "Sở Tài chính",
        "Sở Kế hoạch và Đầu tư",
        "Sở Tư pháp",
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Công an tỉnh",
        "Sở Thông tin và Truyền thông",
    ),
    "ministry": (
        "Văn phòng Bộ",
        "Vụ Pháp chế",
        "Vụ Tổ chức cán bộ",
        "Vụ Kế hoạch - Tài chính",
        "Trung tâm Công nghệ thông tin",
        "Thanh tra Bộ",
    ),
    "other": ("Văn phòng", "Phòng Tổ chức - Hành chính", "Phòng Kế hoạch - Tài chính", "Phòng Nghiệp vụ"),
}


def _chi_thi(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    subs = a.subordinates
    body = [
        P(
            f"Thời gian qua, công tác {t.name} {a.scope} đã được các cấp, các ngành quan tâm triển khai và đạt được"
            " những kết quả tích cực. Tuy nhiên, việc thực hiện ở một số cơ quan, đơn vị còn chậm, chưa đồng bộ;"
            " công tác phối hợp giữa các cơ quan có lúc chưa chặt chẽ; ý thức, trách nhiệm của một bộ phận cán bộ,"
            " công chức chưa cao."
        ),
        P(f"Để {t.goal}, {a.head_title} yêu cầu:"),
        P(f"1. {', '.join(subs)}:", S.SECTION),
    ]
    tasks = c.tasks(5)
    letters = "abcdđ"
    for i, task in enumerate(tasks[:3]):
        body.append(P(f"{letters[i]}) {task};" if i < 2 else f"{letters[i]}) {task}."))
    body.append(P(f"2. {c.lead}:", S.SECTION))
    body.append(P(f"a) Chủ trì, phối hợp với các cơ quan liên quan hướng dẫn, đôn đốc việc {low(tasks[3])};"))
    body.append(P(f"b) {tasks[4] if len(tasks) > 4 else tasks[0]}."))
    body.append(
        P(
            f"3. Giao {c.lead} theo dõi, kiểm tra việc thực hiện Chỉ thị này; định kỳ trước ngày 15 tháng 12 hằng năm"
            f" tổng hợp, báo cáo {a.head_title} kết quả thực hiện."
        )
    )
    body.append(
        P(
            f"{a.head_title} yêu cầu Thủ trưởng các cơ quan, đơn vị và các tổ chức, cá nhân có liên quan nghiêm túc"
            " triển khai thực hiện Chỉ thị này./."
        )
    )
    return f"Về việc {t.action}", body


def _bao_cao(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    body = [
        P(f"Thực hiện {c.doc_ref()}, {a.short} báo cáo kết quả thực hiện công tác {t.name} {c.period} như sau:"),
        P("I. KẾT QUẢ THỰC HIỆN", S.SECTION),
        P("1. Công tác chỉ đạo, điều hành", S.SECTION),
        P(
            f"{a.short} đã ban hành {c.r.randint(6, 28)} văn bản chỉ đạo, điều hành về công tác {t.name}, trong đó"
            f" có Kế hoạch số {c.r.randint(40, 700)}/KH-{a.abbr} {date_vi(c.earlier(120, 200))} về {t.goal};"
            " thường xuyên đôn đốc, kiểm tra các cơ quan, đơn vị trong quá trình triển khai thực hiện."
        ),
        P("2. Kết quả thực hiện các chỉ tiêu, nhiệm vụ", S.SECTION),
    ]
    results = [
        f"{cap(what)}: {c.amount(unit)}, {c.r.choice(('tăng', 'giảm'))} {vn_number(c.r.uniform(2, 18), 1)}%"
        " so với cùng kỳ năm trước"
        for what, unit in t.indicators
    ]
    results += [
        f"Về nhiệm vụ {low(task)}: các cơ quan, đơn vị đã chủ động triển khai, bước đầu có chuyển biến"
        for task in c.tasks(2)
    ]
    body += listed(results)
    body += [
        P("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", S.SECTION),
        P(
            "Bên cạnh những kết quả đạt được, việc triển khai ở một số cơ quan, đơn vị còn chậm so với yêu cầu; chất"
            " lượng dữ liệu báo cáo chưa cao, còn tình trạng báo cáo chưa đúng thời hạn. Nguyên nhân chủ yếu là người"
            " đứng đầu một số cơ quan, đơn vị chưa thực sự quan tâm chỉ đạo; nguồn lực bố trí cho nhiệm vụ còn hạn chế."
        ),
        P("III. PHƯƠNG HƯỚNG, NHIỆM VỤ TRONG THỜI GIAN TỚI", S.SECTION),
    ]
    body += [P(f"{i}. {task}.") for i, task in enumerate(c.tasks(3), start=1)]
    body.append(P("IV. ĐỀ XUẤT, KIẾN NGHỊ", S.SECTION))
    superior = c.t.ministry if a.kind == "province" else (a.parent or "Văn phòng Chính phủ")
    body.append(
        P(
            f"Đề nghị {superior} tiếp tục quan tâm hướng dẫn, hỗ trợ kinh phí và nguồn lực để {a.short} hoàn thành"
            f" các nhiệm vụ về {t.name} trong thời gian tới."
        )
    )
    body.append(P(f"Trên đây là báo cáo kết quả thực hiện công tác {t.name} {c.period} của {a.full}./."))
    return f"Kết quả thực hiện công tác {t.name} {c.period}", body


def _chuong_trinh(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t, year = c.a, c.t, c.when.year
    body = [
        P("I. MỤC TIÊU", S.SECTION),
        P("1. Mục tiêu chung", S.SECTION),
        P(f"{cap(t.goal)}, góp phần thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội năm {year}."),
        P("2. Mục tiêu cụ thể", S.SECTION),
    ]
    body += listed([f"Phấn đấu {what} đạt {c.amount(unit)}" for what, unit in t.indicators])
    body.append(P("II. NỘI DUNG CHƯƠNG TRÌNH", S.SECTION))
    for i, task in enumerate(c.tasks(4), start=1):
        quarter = ROMAN[c.r.randint(0, 3)]
        body.append(P(f"{i}. {task}. Thời gian thực hiện: quý {quarter} năm {year}."))
    body += [
        P("III. TỔ CHỨC THỰC HIỆN", S.SECTION),
        P(
            f"1. {c.lead} chủ trì, phối hợp với các cơ quan, đơn vị liên quan triển khai Chương trình; theo dõi, đôn"
            f" đốc và định kỳ hằng quý báo cáo {a.head_title} kết quả thực hiện."
        ),
        P(
            f"2. {', '.join(a.subordinates)} căn cứ Chương trình này xây dựng kế hoạch cụ thể của cơ quan, đơn vị"
            " mình, bảo đảm hoàn thành đúng tiến độ./."
        ),
    ]
    return f"Công tác {t.name} năm {year}", body


def _ke_hoach(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t, year = c.a, c.t, c.when.year
    body = [
        P(f"Thực hiện {c.doc_ref()}, {a.short} ban hành Kế hoạch triển khai công tác {t.name} năm {year} như sau:"),
        P("I. MỤC ĐÍCH, YÊU CẦU", S.SECTION),
        P("1. Mục đích", S.SECTION),
        P(f"{cap(t.goal)}; nâng cao trách nhiệm của người đứng đầu các cơ quan, đơn vị {a.scope}."),
        P("2. Yêu cầu", S.SECTION),
        P(
            "Xác định cụ thể nội dung, thời hạn và trách nhiệm của từng cơ quan, đơn vị; bảo đảm sự phối hợp chặt"
            " chẽ, thường xuyên trong quá trình triển khai; kết quả thực hiện phải được đánh giá, báo cáo định kỳ."
        ),
        P("II. NHIỆM VỤ, GIẢI PHÁP", S.SECTION),
    ]
    for i, task in enumerate(c.tasks(5), start=1):
        deadline = date_vi(c.workday_after(60, 300))
        body.append(P(f"{i}. {task}."))
        body.append(P(f"Cơ quan chủ trì: {c.lead}; thời hạn hoàn thành: trước {deadline}."))
    body += [
        P("III. KINH PHÍ THỰC HIỆN", S.SECTION),
        P(
            "Kinh phí thực hiện Kế hoạch được bố trí từ nguồn ngân sách nhà nước theo phân cấp hiện hành và các"
            " nguồn kinh phí hợp pháp khác theo quy định của pháp luật."
        ),
        P("IV. TỔ CHỨC THỰC HIỆN", S.SECTION),
        P(
            f"1. {c.lead} chủ trì, phối hợp với các cơ quan liên quan hướng dẫn, đôn đốc, kiểm tra việc triển khai"
            f" Kế hoạch; tổng hợp, báo cáo {a.head_title} trước ngày 15 tháng 12 năm {year}."
        ),
        P(
            f"2. {', '.join(a.subordinates)} căn cứ nội dung Kế hoạch, chủ động xây dựng kế hoạch cụ thể của cơ quan,"
            f" đơn vị mình và gửi báo cáo kết quả thực hiện về {c.lead} để tổng hợp."
        ),
        P(
            "Trong quá trình triển khai thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị kịp thời phản"
            f" ánh về {c.lead} để tổng hợp, báo cáo {a.head_title} xem xét, giải quyết./."
        ),
    ]
    return f"Triển khai công tác {t.name} năm {year}", body


def superior(a: IssuingBody) -> str:
    if a.provincial:
        return f"Hội đồng nhân dân {a.locality}"
    if a.kind == "ministry":
        return "Thủ tướng Chính phủ"
    return a.parent or "Ủy ban nhân dân tỉnh"


def _to_trinh(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t, year = c.a, c.t, c.when.year
    to = superior(a)
    scheme = f"Đề án {t.name} giai đoạn {year} - {year + 4}"
    budget = vn_number(c.r.randint(20, 400) * 50)
    body = [
        P(f"{a.short} kính trình {to} xem xét, phê duyệt {scheme} với các nội dung chủ yếu như sau:"),
        P("I. SỰ CẦN THIẾT", S.SECTION),
        P(
            f"Trong những năm qua, công tác {t.name} {a.scope} đã đạt được nhiều kết quả quan trọng. Tuy nhiên, yêu"
            " cầu nhiệm vụ trong giai đoạn mới đặt ra nhiều vấn đề cần giải quyết đồng bộ, lâu dài, đòi hỏi phải có"
            f" đề án tổng thể với mục tiêu, lộ trình và nguồn lực cụ thể. Vì vậy, việc ban hành {scheme} là cần thiết."
        ),
        P("II. MỤC TIÊU VÀ NỘI DUNG CHỦ YẾU", S.SECTION),
        P(f"1. Mục tiêu: {t.goal}."),
        P("2. Nội dung chủ yếu:"),
    ]
    body += listed(c.tasks(3))
    body += [
        P("III. KINH PHÍ THỰC HIỆN", S.SECTION),
        P(
            f"Tổng kinh phí dự kiến khoảng {budget} triệu đồng, từ nguồn ngân sách nhà nước và các nguồn vốn hợp"
            " pháp khác; được bố trí theo kế hoạch hằng năm."
        ),
        P(f"(Gửi kèm theo dự thảo {scheme} và các tài liệu liên quan)."),
        P(f"{a.short} kính trình {to} xem xét, quyết định./."),
    ]
    return f"Về việc đề nghị phê duyệt {scheme}", body


def regulation_note(c: Drafting) -> str:
    a = c.a
    issuer = a.full if a.kind == "province" else a.head_full
    return f"(Ban hành kèm theo Quyết định số {c.r.randint(12, 3200)}/QĐ-{a.abbr} {date_vi(c.when)} của {issuer})"


def _quy_che(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    subs = ", ".join(low(s) for s in a.subordinates)
    body = [
        P("Chương I\nQUY ĐỊNH CHUNG", S.HEADING),
        P("Điều 1. Phạm vi điều chỉnh", S.SECTION),
        P(
            "Quy chế này quy định nguyên tắc, nội dung, hình thức và trách nhiệm phối hợp giữa các cơ quan, đơn vị"
            f" trong công tác {t.name} {a.scope}."
        ),
        P("Điều 2. Đối tượng áp dụng", S.SECTION),
        P(f"Quy chế này áp dụng đối với {subs} và các tổ chức, cá nhân có liên quan."),
        P("Điều 3. Nguyên tắc phối hợp", S.SECTION),
        P(f"1. Bảo đảm sự lãnh đạo, chỉ đạo thống nhất của {a.short}; tuân thủ quy định của pháp luật."),
        P("2. Phát huy vai trò chủ động, tinh thần trách nhiệm của từng cơ quan, đơn vị; bảo đảm kịp thời, chặt chẽ."),
        P(
            "3. Thông tin trao đổi giữa các cơ quan được thực hiện chủ yếu bằng văn bản điện tử, được ký số và gửi,"
            " nhận qua hệ thống quản lý văn bản và điều hành."
        ),
        P("Chương II\nNỘI DUNG VÀ HÌNH THỨC PHỐI HỢP", S.HEADING),
        P("Điều 4. Nội dung phối hợp", S.SECTION),
    ]
    body += [P(f"{i}. {task}.") for i, task in enumerate(c.tasks(3), start=1)]
    body += [
        P("Điều 5. Hình thức phối hợp", S.SECTION),
        P("1. Trao đổi ý kiến bằng văn bản hoặc qua hệ thống thông tin."),
        P("2. Tổ chức họp, hội nghị, làm việc trực tiếp hoặc trực tuyến."),
        P("3. Thành lập đoàn kiểm tra liên ngành, tổ công tác khi cần thiết."),
        P("Chương III\nTỔ CHỨC THỰC HIỆN", S.HEADING),
        P("Điều 6. Trách nhiệm thi hành", S.SECTION),
        P(f"1. {c.lead} có trách nhiệm theo dõi, đôn đốc, kiểm tra việc thực hiện Quy chế này."),
        P(
            "2. Trong quá trình thực hiện, nếu có vướng mắc, các cơ quan, đơn vị phản ánh về"
            f" {c.lead} để tổng hợp, báo cáo {a.head_title} xem xét, sửa đổi, bổ sung cho phù hợp./."
        ),
    ]
    return f"Phối hợp trong công tác {t.name}", body


def _quy_dinh(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    subs = ", ".join(low(s) for s in a.subordinates)
    tasks = c.tasks(5)
    body = [
        P("Chương I\nQUY ĐỊNH CHUNG", S.HEADING),
        P("Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng", S.SECTION),
        P(f"1. Quy định này quy định trách nhiệm của các cơ quan, đơn vị trong công tác {t.name} {a.scope}."),
        P(f"2. Quy định này áp dụng đối với {subs} và cán bộ, công chức, viên chức có liên quan."),
        P("Điều 2. Nguyên tắc chung", S.SECTION),
        P(
            "Người đứng đầu cơ quan, đơn vị chịu trách nhiệm trước cấp có thẩm quyền về kết quả thực hiện nhiệm vụ"
            " được giao; bảo đảm công khai, minh bạch, đúng thẩm quyền và thời hạn."
        ),
        P("Chương II\nTRÁCH NHIỆM CỤ THỂ", S.HEADING),
        P(f"Điều 3. Trách nhiệm của {c.lead}", S.SECTION),
        P(f"1. {tasks[0]}."),
        P(f"2. {tasks[1]}."),
        P("Điều 4. Trách nhiệm của các cơ quan, đơn vị", S.SECTION),
        P(f"1. {tasks[2]}."),
        P(f"2. {tasks[3]}."),
        P(f"3. {tasks[4]}."),
        P("Chương III\nĐIỀU KHOẢN THI HÀNH", S.HEADING),
        P("Điều 5. Tổ chức thực hiện", S.SECTION),
        P(
            f"Thủ trưởng các cơ quan, đơn vị có trách nhiệm tổ chức thực hiện Quy định này. Trong quá trình thực"
            f" hiện, nếu có vướng mắc, phản ánh về {c.lead} để tổng hợp, báo cáo {a.head_title} xem xét, quyết định./."
        ),
    ]
    return f"Trách nhiệm của các cơ quan, đơn vị trong công tác {t.name}", body


def _huong_dan(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t, year = c.a, c.t, c.when.year
    subs = ", ".join(low(s) for s in a.subordinates)
    body = [
        P(f"Thực hiện {c.doc_ref()}, {a.short} hướng dẫn {subs} thực hiện một số nội dung về {t.name} như sau:"),
        P("I. YÊU CẦU CHUNG", S.SECTION),
        P(
            f"Các cơ quan, đơn vị quán triệt đầy đủ mục tiêu {t.goal}; bố trí nhân lực, kinh phí phù hợp và phân"
            " công rõ trách nhiệm của tập thể, cá nhân trong tổ chức thực hiện."
        ),
        P("II. NỘI DUNG HƯỚNG DẪN", S.SECTION),
    ]
    for i, task in enumerate(c.tasks(4), start=1):
        body.append(P(f"{i}. {task}.", S.SECTION))
        body.append(
            P(
                f"Thời hạn thực hiện: trước {date_vi(c.workday_after(30, 200))}. Kết quả thực hiện được tổng hợp"
                f" trong báo cáo định kỳ gửi {c.lead}."
            )
        )
    hon, name = c.person()
    body += [
        P("III. TỔ CHỨC THỰC HIỆN", S.SECTION),
        P(
            f"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị các cơ quan, đơn vị phản ánh về {c.lead}"
            f" ({low(hon)} {name}, điện thoại: {c.f.numerify('09## ### ###')}) để được hướng dẫn"
            f" trong năm {year}./."
        ),
    ]
    return f"Thực hiện một số nội dung về {t.name}", body


def _phieu_chuyen(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    hon, name = c.person()
    street, commune = c.f.street_name(), c.f.commune_name()
    address = f"số {c.r.randint(1, 260)} đường {street}, xã {commune}, {a.place}"
    body = [
        P(
            f"{a.short} nhận được đơn đề {date_vi(c.earlier(5, 30))} của {low(hon)} {name}, trú tại {address},"
            f" kiến nghị về việc chậm giải quyết hồ sơ liên quan đến công tác {t.name}."
        ),
        P(
            f"Thực hiện ý kiến chỉ đạo của {a.deputy_title}, {a.short} chuyển đơn nêu trên đến {c.lead} để xem"
            " xét, giải quyết theo thẩm quyền và trả lời công dân theo quy định của pháp luật (gửi kèm theo đơn và"
            " các tài liệu có liên quan)./."
        ),
    ]
    return f"Đơn kiến nghị của {low(hon)} {name}", body


def _giay_moi(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    day = c.workday_after(3, 12)
    hon, name = c.person()
    event = f"Hội nghị sơ kết công tác {t.name} {c.period}"
    body = [P(f"{a.full} trân trọng kính mời:")]
    invitees = [f"Đại diện lãnh đạo {low(s)}" for s in a.subordinates] + [f"Lãnh đạo {c.lead}"]
    body += listed(invitees)
    body += [
        P(f"Tới dự {event}."),
        P(f"Chủ trì: {hon} {name}, {a.deputy_title}."),
        P(
            f"Thời gian: {c.r.choice(('07 giờ 30', '08 giờ 00', '14 giờ 00'))} phút,"
            f" {WEEKDAYS[day.weekday()]}, {date_vi(day)}."
        ),
        P(
            f"Địa điểm: Hội trường tầng {c.r.randint(2, 5)}, trụ sở {a.full}, số {c.r.randint(1, 120)} đường"
            f" {c.f.street_name()}, {a.place}."
        ),
        P(
            f"Giao {c.lead} chuẩn bị báo cáo, tài liệu phục vụ Hội nghị; đề nghị các đại biểu nghiên cứu tài liệu"
            " trên hệ thống quản lý văn bản và điều hành trước khi dự họp."
        ),
        P("Rất mong các đại biểu tham dự đúng thời gian, thành phần./."),
    ]
    return f"Dự {event}", body


def _thong_bao(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    _, name = c.person()
    meeting = c.earlier(1, 6)
    subs = ", ".join(low(s) for s in a.subordinates)
    tasks = c.tasks(3)
    body = [
        P(
            f"Ngày {meeting.day:02d}/{meeting.month:02d}/{meeting.year}, tại trụ sở {a.full}, đồng chí {name},"
            f" {a.deputy_title} chủ trì cuộc họp về công tác {t.name}. Tham dự cuộc họp có đại diện lãnh đạo"
            f" {subs}."
        ),
        P(
            f"Sau khi nghe {c.lead} báo cáo tình hình triển khai và ý kiến phát biểu của các đại biểu dự họp, đồng chí"
            f" {a.deputy_title} kết luận như sau:"
        ),
        P(
            "1. Ghi nhận, đánh giá cao sự cố gắng của các cơ quan, đơn vị trong thời gian qua; tuy nhiên, tiến độ"
            " một số nhiệm vụ còn chậm, cần tập trung chỉ đạo quyết liệt hơn."
        ),
        P("2. Trong thời gian tới, yêu cầu các cơ quan, đơn vị tập trung thực hiện tốt các nhiệm vụ sau:"),
        P(f"a) {tasks[0]};"),
        P(f"b) {tasks[1]};"),
        P(f"c) {tasks[2]}."),
        P(f"3. Giao {c.lead} theo dõi, đôn đốc và báo cáo kết quả thực hiện trước {date_vi(c.workday_after(20, 45))}."),
        P(f"{a.short} thông báo để các cơ quan, đơn vị biết, thực hiện./."),
    ]
    return f"Kết luận của {a.deputy_title} tại cuộc họp về công tác {t.name}", body


def _cong_van(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a, t = c.a, c.t
    hon, name = c.person()
    tasks = c.tasks(4)
    body = [
        P(
            f"Thực hiện {c.doc_ref()}, để {t.goal}, {a.short} đề nghị các cơ quan, đơn vị triển khai thực hiện"
            " một số nội dung sau:"
        )
    ]
    body += [P(f"{i}. {task}.") for i, task in enumerate(tasks, start=1)]
    body += [
        P(
            f"{len(tasks) + 1}. Giao {c.lead} theo dõi, đôn đốc, tổng hợp kết quả thực hiện, báo cáo {a.head_title}"
            f" trước {date_vi(c.workday_after(20, 60))}."
        ),
        P(
            f"Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên hệ {low(hon)} {name}, chuyên viên {c.lead},"
            f" điện thoại: {c.f.numerify('09## ### ###')} để được phối hợp giải quyết./."
        ),
    ]
    return t.action, body


def _cong_dien(c: Drafting) -> tuple[str, list[BodyParagraph]]:
    a = c.a
    emergency = c.r.choice(EMERGENCIES)
    lo = c.r.randint(37, 38) if "nắng" in emergency.situation else c.r.randint(100, 150)
    hi = lo + (2 if lo < 50 else c.r.randint(80, 150))
    top = hi + (2 if lo < 50 else c.r.randint(50, 100))
    situation = emergency.situation.format(place=a.place, a=lo, b=hi, c=top, days=c.r.randint(2, 5))
    if a.provincial:
        lower = "các quận, huyện, thị xã" if a.locality == "thành phố" else "các huyện, thành phố, thị xã"
        addressed = [
            f"Giám đốc các sở, Thủ trưởng các ban, ngành cấp {a.locality}",
            f"Chủ tịch Ủy ban nhân dân {lower}",
        ]
    elif a.kind == "ministry":
        addressed = ["Thủ trưởng các cơ quan, đơn vị thuộc Bộ"]
    else:
        addressed = ["Trưởng các phòng, đơn vị trực thuộc"]
    body = [P(a.head_full.upper() + " điện:", S.HEADING)]
    body += listed(addressed)
    body.append(P(situation))
    body.append(
        P(
            f"Để chủ động ứng phó, bảo đảm an toàn tính mạng, tài sản của Nhân dân, {a.head_title} yêu cầu các cơ"
            " quan, đơn vị, địa phương tập trung thực hiện ngay các nội dung sau:"
        )
    )
    body += [P(f"{i}. {order}.") for i, order in enumerate(emergency.orders, start=1)]
    n = len(emergency.orders) + 1
    body.append(
        P(
            f"{n}. Tổ chức trực ban nghiêm túc, thường xuyên báo cáo tình hình về {a.short} (qua Văn phòng) để theo"
            " dõi, chỉ đạo./."
        )
    )
    return emergency.subject, body


GENERATORS: dict[str, Callable[[Drafting], tuple[str, list[BodyParagraph]]]] = {
    "QĐ": _quyet_dinh,
    "CT": _chi_thi,
    "BC": _bao_cao,
    "CTr": _chuong_trinh,
    "KH": _ke_hoach,
    "TTr": _to_trinh,
    "QC": _quy_che,
    "QyĐ": _quy_dinh,
    "HD": _huong_dan,
    "PC": _phieu_chuyen,
    "GM": _giay_moi,
    "TB": _thong_bao,
    "": _cong_van,
    "CĐ": _cong_dien,
}
