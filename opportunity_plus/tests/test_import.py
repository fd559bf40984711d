"""Importing opportunities with Frappe's own Data Import, from real .csv and .xlsx files.

The importer commits after every row (as it does for users), so these tests delete what they made.
"""

import csv
import io
import os

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string
from frappe.utils.xlsxutils import make_xlsx

from opportunity_plus.tests.utils import make_lead, make_opportunity, make_user, on_throwaway_site

HEADER = [
	"Title",
	"Opportunity From",
	"Party",
	"Sales Pipeline",
	"Sales Stage",
	"Opportunity Amount",
	"Expected Closing Date",
	"Opportunity Code",
	"Label (Labels)",
	"User (Followers)",
]
LABELS = ("Test Nhập Khách VIP", "Test Nhập Ưu tiên cao")
OUTSIDE_STAGE = "Test Nhập Đặt cọc"  # a Sales Stage that no pipeline of the test uses
FOLLOWER = "opp-plus-import-follower@example.com"
TEMPLATE = os.path.join(
	os.path.dirname(os.path.dirname(__file__)), "templates", "opportunity_import_template.csv"
)


def csv_bytes(rows: list[list]) -> bytes:
	out = io.StringIO()
	csv.writer(out).writerows(rows)
	return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
	return make_xlsx(rows, "Opportunity").getvalue()


@on_throwaway_site
class TestDataImport(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for label in LABELS:
			if not frappe.db.exists("Opportunity Label", label):
				frappe.get_doc({"doctype": "Opportunity Label", "label_name": label}).insert()
		if not frappe.db.exists("Sales Stage", OUTSIDE_STAGE):
			frappe.get_doc({"doctype": "Sales Stage", "stage_name": OUTSIDE_STAGE}).insert()
		make_user(FOLLOWER, ["Sales User"])
		cls.customer = cls.ensure_customer("Công ty TNHH Test Nhập Minh Phát")
		frappe.db.commit()

	@staticmethod
	def ensure_customer(customer_name: str) -> str:
		name = frappe.db.get_value("Customer", {"customer_name": customer_name})
		if name:
			return name
		group = frappe.db.get_value("Customer Group", {"is_group": 0})
		territory = frappe.db.get_value("Territory", {"is_group": 0})
		return (
			frappe.get_doc(
				{
					"doctype": "Customer",
					"customer_name": customer_name,
					"customer_group": group,
					"territory": territory,
				}
			)
			.insert()
			.name
		)

	def setUp(self):
		self.marker = random_string(6)
		self.data_imports = []
		self.also_delete = []
		self.set_code_editable(1)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		names = frappe.get_all("Opportunity", filters={"title": ("like", f"%{self.marker}%")}, pluck="name")
		for name in names + self.also_delete:
			# its stage history goes with it (a later opportunity may get the same name back)
			frappe.db.delete("Opportunity Stage History", {"opportunity": name})
			frappe.delete_doc("Opportunity", name, force=True, ignore_permissions=True)
		for name in self.data_imports:
			frappe.delete_doc("Data Import", name, force=True, ignore_permissions=True)
		self.set_code_editable(0)
		frappe.db.commit()

	def set_code_editable(self, value: int) -> None:
		frappe.db.set_single_value("Opportunity Plus Settings", "allow_code_edit", value)
		frappe.clear_document_cache("Opportunity Plus Settings", "Opportunity Plus Settings")

	def run_import(self, file_name: str, content: bytes):
		file = frappe.get_doc(
			{"doctype": "File", "file_name": file_name, "content": content, "is_private": 1}
		).insert()
		data_import = frappe.get_doc(
			{
				"doctype": "Data Import",
				"reference_doctype": "Opportunity",
				"import_type": "Insert New Records",
				"import_file": file.file_url,
			}
		).insert()
		self.data_imports.append(data_import.name)
		frappe.db.commit()
		data_import.start_import()  # runs at once in tests, as in Frappe's own importer tests
		return data_import.reload()

	def logs(self, data_import) -> dict:
		"""File row number -> (success, messages as one text, docname)."""
		out = {}
		for log in frappe.get_all(
			"Data Import Log",
			filters={"data_import": data_import.name},
			fields=["row_indexes", "success", "messages", "docname"],
			order_by="log_index",
		):
			messages = frappe.parse_json(log.messages or "[]")
			if isinstance(messages, str):  # successful rows store an encoded empty list
				messages = frappe.parse_json(messages)
			messages = " ".join(m.get("message", "") if isinstance(m, dict) else str(m) for m in messages)
			for row in frappe.parse_json(log.row_indexes):
				out[row] = (bool(log.success), messages, log.docname)
		return out

	def mixed_rows(self) -> list[list]:
		m = self.marker
		taken = make_opportunity(opportunity_code=f"TEST-NHAP-{m}-TAKEN")
		frappe.db.commit()
		self.also_delete.append(taken.name)
		lead = make_lead(first_name=f"Nguyễn Thị Lan {m}").name
		frappe.db.commit()
		return [
			HEADER,
			# row 2 + 3: good, two labels, a typed code kept, a follower
			[f"Triển khai phần mềm kế toán {m}", "Customer", self.customer, "Main Pipeline", "Qualification",
				150000000, "2026-12-31", f"TEST-NHAP-{m}-OK", LABELS[0], FOLLOWER],
			[None, None, None, None, None, None, None, None, LABELS[1], None],
			# row 4: stage of no pipeline of its own
			[f"Giai đoạn sai {m}", "Lead", lead, "Main Pipeline", OUTSIDE_STAGE, None, None, None, None, None],
			# row 5: a stage whose requirement (an amount) is missing
			[f"Thiếu giá trị {m}", "Lead", lead, "Main Pipeline", "Proposal/Price Quote", None, None, None, None, None],
			# row 6: a code another opportunity already has
			[f"Mã trùng {m}", "Lead", lead, "Main Pipeline", None, None, None, f"TEST-NHAP-{m}-TAKEN", None, None],
			# row 7: good, no stage: the first stage of the default pipeline, a generated code
			[f"Tư vấn chuyển đổi số cho chị Lan {m}", "Lead", lead, None, None, None, "2027-02-28", None, None, None],
		]  # fmt: skip

	def check_mixed_import(self, data_import) -> None:
		m = self.marker
		self.assertEqual(data_import.status, "Partial Success")
		logs = self.logs(data_import)
		self.assertEqual({row for row, log in logs.items() if log[0]}, {2, 3, 7})
		self.assertIn(f"{OUTSIDE_STAGE} is not part of the sales pipeline Main Pipeline", logs[4][1])
		self.assertIn("needs an amount", logs[5][1])
		self.assertIn(f"TEST-NHAP-{m}-TAKEN", logs[6][1])
		self.assertIn("already used", logs[6][1])

		good = frappe.get_doc("Opportunity", logs[2][2])
		self.assertEqual(good.title, f"Triển khai phần mềm kế toán {m}", "Vietnamese text intact")
		self.assertEqual(
			(good.sales_pipeline, good.sales_stage, good.probability), ("Main Pipeline", "Qualification", 20)
		)
		self.assertEqual(good.opportunity_code, f"TEST-NHAP-{m}-OK")
		self.assertEqual([r.label for r in good.opportunity_labels], list(LABELS))
		self.assertEqual([r.user for r in good.opportunity_followers], [FOLLOWER])
		self.assertTrue(frappe.db.exists("DocShare", {"share_name": good.name, "user": FOLLOWER}))
		history = frappe.get_all(
			"Opportunity Stage History", filters={"opportunity": good.name}, fields=["to_stage", "via"]
		)
		self.assertEqual([(h.to_stage, h.via) for h in history], [("Qualification", "Data Import")])

		plain = frappe.get_doc("Opportunity", logs[7][2])
		self.assertEqual(plain.title, f"Tư vấn chuyển đổi số cho chị Lan {m}")
		self.assertEqual((plain.sales_pipeline, plain.sales_stage), ("Main Pipeline", "Prospecting"))
		self.assertRegex(plain.opportunity_code, r"^CH-\d{6}-\d{5}$")
		self.assertEqual(
			frappe.get_all(
				"Opportunity", filters={"title": ("like", f"%{m}%")}, pluck="title", order_by="title"
			),
			sorted([good.title, plain.title]),
			"bad rows are not imported",
		)

	def test_csv_imports_good_rows_and_lists_bad_rows_with_reasons(self):
		self.check_mixed_import(self.run_import(f"co-hoi-{self.marker}.csv", csv_bytes(self.mixed_rows())))

	def test_xlsx_imports_good_rows_and_lists_bad_rows_with_reasons(self):
		self.check_mixed_import(self.run_import(f"co-hoi-{self.marker}.xlsx", xlsx_bytes(self.mixed_rows())))

	def test_unknown_label_holds_the_file_naming_the_row_until_fixed(self):
		m = self.marker
		label = f"Test Nhập Nhãn mới {m}"
		lead = make_lead(first_name=f"Trần Văn Bình {m}").name
		rows = [
			HEADER,
			[f"Cơ hội tốt {m}", "Lead", lead, None, None, None, None, None, LABELS[0], None],
			[f"Cơ hội nhãn lạ {m}", "Lead", lead, None, None, None, None, None, label, None],
		]
		data_import = self.run_import(f"nhan-la-{m}.csv", csv_bytes(rows))

		self.assertEqual(data_import.status, "Pending")
		warnings = [w for w in frappe.parse_json(data_import.template_warnings) if w.get("row")]
		self.assertEqual([w["row"] for w in warnings], [3])
		self.assertIn(label, warnings[0]["message"])
		self.assertFalse(frappe.get_all("Opportunity", filters={"title": ("like", f"%{m}%")}))

		# fixed (the label now exists): the same import runs again and brings in both rows
		frappe.get_doc({"doctype": "Opportunity Label", "label_name": label}).insert()
		self.addCleanup(frappe.delete_doc, "Opportunity Label", label, force=True)
		frappe.db.commit()
		data_import.start_import()
		self.assertEqual(data_import.reload().status, "Success")
		self.assertEqual(len(frappe.get_all("Opportunity", filters={"title": ("like", f"%{m}%")})), 2)

	def test_the_ready_template_imports(self):
		with open(TEMPLATE, encoding="utf-8") as f:
			rows = list(csv.reader(f))
		self.assertFalse(
			rows[0][0].startswith("\ufeff"), "no BOM: Frappe would not recognise the first column"
		)
		minh_phat = self.ensure_customer("Công ty TNHH Minh Phát")
		hoang_long = self.ensure_customer("Công ty Cổ phần Hoàng Long")
		lead = make_lead(first_name="Nguyễn Thị Lan").name
		for label in ("Khách VIP", "Ưu tiên cao", "Cần gọi lại"):
			if not frappe.db.exists("Opportunity Label", label):
				frappe.get_doc({"doctype": "Opportunity Label", "label_name": label}).insert()
		frappe.db.commit()
		parties = {
			"Công ty TNHH Minh Phát": minh_phat,
			"Công ty Cổ phần Hoàng Long": hoang_long,
			"CRM-LEAD-2026-00001": lead,
		}
		party = rows[0].index("Party")
		title = rows[0].index("Title")
		for row in rows[1:]:
			if row[party]:
				row[party] = parties[row[party]]
			if row[title]:
				row[title] = f"{row[title]} {self.marker}"

		data_import = self.run_import(f"mau-nhap-{self.marker}.csv", csv_bytes(rows))

		self.assertEqual(data_import.status, "Success", self.logs(data_import))
		imported = frappe.get_all(
			"Opportunity",
			filters={"title": ("like", f"%{self.marker}%")},
			fields=["title", "sales_stage", "opportunity_amount"],
			order_by="title",
		)
		self.assertEqual(len(imported), 3)
		self.assertIn(f"Trang bị 20 laptop cho văn phòng Đà Nẵng {self.marker}", [r.title for r in imported])
