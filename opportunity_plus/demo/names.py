"""Names the demo data is made of: Vietnamese and English people, companies, products."""

VI_FAMILY = [
	"Nguyễn",
	"Trần",
	"Lê",
	"Phạm",
	"Hoàng",
	"Huỳnh",
	"Phan",
	"Vũ",
	"Võ",
	"Đặng",
	"Bùi",
	"Đỗ",
	"Hồ",
	"Ngô",
	"Dương",
]
VI_MIDDLE = ["Văn", "Thị", "Minh", "Quốc", "Thu", "Ngọc", "Đức", "Thanh", "Hoài", "Gia", "Bảo", "Hữu"]
VI_GIVEN = [
	"An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh",
	"Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang",
	"Trung", "Tuấn", "Uyên", "Việt", "Yến",
]  # fmt: skip
EN_FIRST = [
	"James",
	"Emily",
	"Michael",
	"Sarah",
	"David",
	"Laura",
	"Daniel",
	"Olivia",
	"Peter",
	"Grace",
	"Henry",
	"Chloe",
]
EN_LAST = [
	"Smith",
	"Johnson",
	"Brown",
	"Taylor",
	"Walker",
	"Wilson",
	"Clark",
	"Evans",
	"Turner",
	"Morgan",
	"Hughes",
]

VI_COMPANY_FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Tập đoàn", "Doanh nghiệp tư nhân"]
VI_COMPANY_WORDS = [
	"Minh Phát", "Hoàng Long", "An Khang", "Phúc Thịnh", "Đại Việt", "Sao Mai", "Thành Công", "Hưng Thịnh",
	"Bình Minh", "Trường Sơn", "Kim Ngân", "Tân Tiến", "Hải Đăng", "Việt Á", "Ngọc Lan", "Phương Nam",
	"Đông Á", "Thái Bình", "Nam Việt", "Hòa Phát Xanh", "Bảo An", "Quang Minh", "Vạn Xuân", "Song Hà",
]  # fmt: skip
VI_COMPANY_TRADES = [
	"Thương mại",
	"Xây dựng",
	"Công nghệ",
	"Dược phẩm",
	"Logistics",
	"Thực phẩm",
	"Nội thất",
	"Giáo dục",
	"",
]
EN_COMPANY_WORDS = [
	"Sunrise", "Blue Ocean", "Northwind", "Greenfield", "Silverline", "Pacific", "Lotus", "Evergreen",
	"Harbor", "Summit", "Redwood", "Golden Gate",
]  # fmt: skip
EN_COMPANY_FORMS = [
	"Trading Co., Ltd.",
	"Logistics JSC",
	"Technologies",
	"Retail Group",
	"Foods Co.",
	"Consulting",
]

CITIES = [
	"Hà Nội",
	"TP. Hồ Chí Minh",
	"Đà Nẵng",
	"Hải Phòng",
	"Cần Thơ",
	"Nha Trang",
	"Huế",
	"Bắc Ninh",
	"Biên Hòa",
]

# (item code, item name, unit, base price in USD-like units, item group)
ITEMS = [
	("OP-DEMO-CRM-LIC", "Phần mềm CRM - bản quyền 1 năm", "Nos", 1200, "Products"),
	("OP-DEMO-ERP-IMPL", "Gói triển khai ERP", "Nos", 8500, "Services"),
	("OP-DEMO-TRAIN", "Đào tạo người dùng (ngày)", "Nos", 400, "Services"),
	("OP-DEMO-SUPPORT", "Dịch vụ bảo trì năm", "Nos", 1500, "Services"),
	("OP-DEMO-LAPTOP", "Laptop ThinkPad T14", "Nos", 1100, "Products"),
	("OP-DEMO-SERVER", "Máy chủ Dell PowerEdge R750", "Nos", 7200, "Products"),
	("OP-DEMO-POS", "Máy bán hàng POS cảm ứng", "Nos", 650, "Products"),
	("OP-DEMO-PRINTER", "Máy in hóa đơn nhiệt", "Nos", 120, "Products"),
	("OP-DEMO-CLOUD", "Cloud hosting package (monthly)", "Nos", 90, "Services"),
	("OP-DEMO-CONSULT", "Tư vấn chuyển đổi số (giờ)", "Nos", 60, "Services"),
	("OP-DEMO-NETWORK", "Thiết bị mạng WiFi doanh nghiệp", "Nos", 300, "Products"),
	("OP-DEMO-CAMERA", "Camera an ninh IP", "Nos", 180, "Products"),
]

# (label, colour)
LABELS = [
	("Khách VIP", "#E24C4C"),
	("Ưu tiên cao", "#F08A24"),
	("Cần gọi lại", "#ECAD4B"),
	("Dự án lớn", "#5E64FF"),
	("Gia hạn", "#18A999"),
	("Đối tác", "#7CB342"),
	("Hot lead", "#D63384"),
]

LOST_REASONS = [
	"Giá cao hơn đối thủ",
	"Khách hàng hoãn dự án",
	"Chọn nhà cung cấp khác",
	"Không đủ ngân sách",
	"Không liên lạc được",
]

OPPORTUNITY_TOPICS = [
	"Triển khai phần mềm bán hàng",
	"Nâng cấp hệ thống máy chủ",
	"Trang bị laptop cho văn phòng",
	"Gia hạn hợp đồng bảo trì",
	"Lắp đặt camera an ninh",
	"Chuyển đổi số quy trình kho",
	"Mở rộng chuỗi cửa hàng",
	"Đào tạo nhân viên kinh doanh",
	"Hệ thống POS cho cửa hàng mới",
	"Office network upgrade",
	"CRM rollout",
	"Cloud migration",
]

# demo sales users: (email, first name, last name)
SALES_USERS = [
	("demo.sales.minhanh@example.com", "Minh Anh", "Nguyễn"),
	("demo.sales.quocbao@example.com", "Quốc Bảo", "Trần"),
	("demo.sales.thuha@example.com", "Thu Hà", "Lê"),
	("demo.sales.duclong@example.com", "Đức Long", "Phạm"),
	("demo.sales.emily@example.com", "Emily", "Carter"),
	("demo.sales.thanhtung@example.com", "Thanh Tùng", "Hoàng"),
	("demo.sales.ngoclan@example.com", "Ngọc Lan", "Vũ"),
	("demo.sales.vanhai@example.com", "Văn Hải", "Đặng"),
	("demo.sales.thuytrang@example.com", "Thùy Trang", "Bùi"),
	("demo.sales.minhkhoa@example.com", "Minh Khoa", "Đỗ"),
	("demo.sales.haiyen@example.com", "Hải Yến", "Hồ"),
	("demo.sales.quanghuy@example.com", "Quang Huy", "Ngô"),
	("demo.sales.kimngan@example.com", "Kim Ngân", "Dương"),
	("demo.sales.baochau@example.com", "Bảo Châu", "Lý"),
	("demo.sales.trungkien@example.com", "Trung Kiên", "Phan"),
	("demo.sales.daniel@example.com", "Daniel", "Brooks"),
	("demo.sales.sophie@example.com", "Sophie", "Martin"),
	("demo.sales.lucas@example.com", "Lucas", "Nguyen"),
	("demo.sales.olivia@example.com", "Olivia", "Tran"),
	("demo.sales.ethan@example.com", "Ethan", "Le"),
]
