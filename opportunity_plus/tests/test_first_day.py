"""A Vietnamese sales user's first day (issue 14), on the server side.

- the new form's defaults come from the server's own rules (``api.new_opportunity.get_defaults``);
- Opportunity Type is a translated doctype (the form stores "Sales", shows "Bán hàng");
- Task is linked to opportunities like Sales Order, Contract, Issue and Project (Create > Task,
  Connections), and existing documents are linked with ``api.related.link_existing``;
- a pipeline whose stage names are Vietnamese (diacritics, spaces, "/") works on the board, in
  filters, the report, the import and the stage history.
"""

import csv
import io

import frappe
from erpnext.crm.doctype.opportunity.opportunity import make_quotation
from erpnext.selling.doctype.quotation.quotation import make_sales_order as make_sales_order_from_quotation
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, nowdate, random_string

from opportunity_plus.api import board
from opportunity_plus.api.create import make_task
from opportunity_plus.api.new_opportunity import get_defaults
from opportunity_plus.api.related import link_existing
from opportunity_plus.overrides.dashboard import get_dashboard_data
from opportunity_plus.queries.pipeline import get_default_pipeline
from opportunity_plus.tests.sales_fixtures import make_customer, make_service_item
from opportunity_plus.tests.utils import (
	get_company,
	make_label,
	make_opportunity,
	make_pipeline,
	make_user,
	on_throwaway_site,
)

SELLER = "opp-plus-first-day-seller@example.com"
OUTSIDER = "opp-plus-first-day-outsider@example.com"

# a pipeline typed by a Vietnamese admin: diacritics, spaces and "/"
PIPELINE = "Quy trình Bán lẻ / Dự án"
NEW = "Mới tiếp nhận"
SURVEY = "Khảo sát / Tư vấn"
QUOTED = "Đã gửi báo giá"
WON = "Thắng hợp đồng"
LOST = "Thất bại / Huỷ"
STAGES = [(NEW, "Open", 10), (SURVEY, "Open", 30), (QUOTED, "Open", 60), (WON, "Won", 100), (LOST, "Lost", 0)]
LABEL = "Khách VIP / Ưu tiên"


def pipeline() -> str:
	if not frappe.db.exists("Sales Pipeline", PIPELINE):
		make_pipeline(PIPELINE, STAGES, quotation_stage=QUOTED)
	return PIPELINE


def customer_opportunity(customer: str | None = None, **fields):
	company = get_company()
	return make_opportunity(
		opportunity_from="Customer",
		party_name=customer or make_customer(),
		company=company,
		currency=frappe.get_cached_value("Company", company, "default_currency"),
		conversion_rate=1,
		opportunity_amount=1500,
		sales_pipeline=pipeline(),
		items=[{"item_code": make_service_item(), "qty": 1, "rate": 1500, "uom": "Nos"}],
		**fields,
	)


def draft_quotation(customer: str):
	company = get_company()
	return frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": customer,
			"company": company,
			"currency": frappe.get_cached_value("Company", company, "default_currency"),
			"conversion_rate": 1,
			"valid_till": add_days(nowdate(), 30),
			"items": [{"item_code": make_service_item(), "qty": 1, "rate": 1500, "uom": "Nos"}],
		}
	).insert(ignore_permissions=True)


def history(opportunity: str) -> list[tuple]:
	return [
		(row.from_stage, row.to_stage)
		for row in frappe.get_all(
			"Opportunity Stage History",
			filters={"opportunity": opportunity},
			fields=["from_stage", "to_stage"],
			order_by="changed_on asc, creation asc",
		)
	]


class TestNewOpportunityDefaults(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		pipeline()
		make_user(SELLER, ["Sales User"])
		make_user(OUTSIDER, ["Purchase User"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_defaults_of_a_pipeline_are_what_the_save_gives(self):
		frappe.set_user(SELLER)
		defaults = get_defaults(PIPELINE)
		self.assertEqual(defaults["sales_pipeline"], PIPELINE)
		self.assertEqual((defaults["sales_stage"], defaults["probability"]), (NEW, 10))
		self.assertEqual(defaults["opportunity_owner"], SELLER)
		self.assertEqual([s["sales_stage"] for s in defaults["stages"]], [s for s, _t, _p in STAGES])
		frappe.set_user("Administrator")
		saved = customer_opportunity()
		self.assertEqual(
			(saved.sales_stage, saved.probability), (defaults["sales_stage"], defaults["probability"])
		)

	def test_without_a_pipeline_the_default_pipeline_and_its_first_stage(self):
		frappe.set_user(SELLER)
		defaults = get_defaults()
		self.assertEqual(defaults["sales_pipeline"], get_default_pipeline())
		if defaults["sales_pipeline"]:
			frappe.set_user("Administrator")
			saved = make_opportunity()
			self.assertEqual(saved.sales_pipeline, defaults["sales_pipeline"])
			self.assertEqual(
				(saved.sales_stage, saved.probability), (defaults["sales_stage"], defaults["probability"])
			)

	def test_an_unknown_pipeline_and_a_user_who_may_not_create_are_refused(self):
		frappe.set_user(SELLER)
		with self.assertRaises(frappe.PermissionError):
			get_defaults("Không có quy trình này")
		frappe.set_user(OUTSIDER)
		with self.assertRaises(frappe.PermissionError):
			get_defaults(PIPELINE)

	def test_opportunity_type_is_shown_translated_and_stored_by_name(self):
		self.assertTrue(frappe.get_meta("Opportunity Type").translated_doctype)
		from frappe.translate import get_translated_doctypes

		self.assertIn("Opportunity Type", get_translated_doctypes())
		# what the form stores after opportunity.js replaced __("Sales") with the real name
		if frappe.db.exists("Opportunity Type", "Sales"):
			saved = customer_opportunity(opportunity_type="Sales")
			self.assertEqual(saved.opportunity_type, "Sales")


class TestRelatedDocuments(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		pipeline()
		make_user(SELLER, ["Sales User"])
		make_user(OUTSIDER, ["Purchase User"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_task_links_back_like_the_other_documents(self):
		self.assertTrue(frappe.get_meta("Task").has_field("opportunity"))
		data = get_dashboard_data({})
		self.assertIn("Task", {item for group in data["transactions"] for item in group["items"]})
		opp = customer_opportunity()
		task = make_task(opp.name)
		self.assertEqual((task.doctype, task.opportunity), ("Task", opp.name))
		task.insert()
		self.assertEqual(frappe.db.get_value("Task", task.name, "opportunity"), opp.name)

	def test_an_existing_task_and_project_are_linked(self):
		opp = customer_opportunity()
		task = frappe.get_doc({"doctype": "Task", "subject": "Gọi lại " + random_string(5)}).insert()
		project = frappe.get_doc(
			{"doctype": "Project", "project_name": "Dự án " + random_string(6), "company": get_company()}
		).insert()
		for doctype, name in (("Task", task.name), ("Project", project.name)):
			result = link_existing(opp.name, doctype, name)
			self.assertTrue(result["changed"])
			self.assertEqual(frappe.db.get_value(doctype, name, "opportunity"), opp.name)
			self.assertFalse(link_existing(opp.name, doctype, name)["changed"])  # again: nothing to do
		other = customer_opportunity()
		with self.assertRaises(frappe.ValidationError):
			link_existing(other.name, "Task", task.name)  # already linked elsewhere

	def test_a_linked_draft_quotation_and_order_follow_the_sales_flow(self):
		customer = make_customer()
		opp = customer_opportunity(customer)
		quotation = draft_quotation(customer)
		frappe.set_user(SELLER)
		link_existing(opp.name, "Quotation", quotation.name)
		frappe.set_user("Administrator")
		quotation.reload()
		self.assertEqual(quotation.opportunity, opp.name)
		quotation.submit()
		self.assertEqual(frappe.db.get_value("Opportunity", opp.name, "sales_stage"), QUOTED)

		order = make_sales_order_from_quotation(quotation.name)
		order.delivery_date = add_days(nowdate(), 10)
		for item in order.items:
			item.delivery_date = order.delivery_date
		order.insert()
		order.submit()
		self.assertEqual(
			frappe.db.get_value("Opportunity", opp.name, ["sales_stage", "status"]), (WON, "Converted")
		)
		self.assertEqual(history(opp.name), [(None, NEW), (NEW, QUOTED), (QUOTED, WON)])

	def test_only_a_draft_of_the_same_party_can_be_linked(self):
		customer = make_customer()
		opp = customer_opportunity(customer)
		submitted = draft_quotation(customer)
		submitted.submit()
		with self.assertRaises(frappe.ValidationError) as refused:
			link_existing(opp.name, "Quotation", submitted.name)
		self.assertNotIsInstance(refused.exception, frappe.PermissionError)
		other_party = draft_quotation(make_customer())
		with self.assertRaises(frappe.ValidationError):
			link_existing(opp.name, "Quotation", other_party.name)
		self.assertFalse(frappe.db.get_value("Quotation", other_party.name, "opportunity"))

	def test_write_permission_on_both_documents_and_only_known_doctypes(self):
		opp = customer_opportunity()
		task = frappe.get_doc({"doctype": "Task", "subject": "Việc " + random_string(5)}).insert()
		frappe.set_user(SELLER)  # a Sales User may not edit tasks (ERPNext: Projects User)
		with self.assertRaises(frappe.PermissionError):
			link_existing(opp.name, "Task", task.name)
		frappe.set_user(OUTSIDER)
		with self.assertRaises(frappe.PermissionError):
			link_existing(opp.name, "Task", task.name)
		frappe.set_user("Administrator")
		with self.assertRaises(frappe.ValidationError):
			link_existing(opp.name, "User", "Administrator")
		with self.assertRaises(frappe.PermissionError):
			link_existing("CRM-OPP-KHONG-CO", "Task", task.name)
		self.assertFalse(frappe.db.get_value("Task", task.name, "opportunity"))


class TestVietnameseStageNames(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		pipeline()
		make_label(LABEL)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_board_move_filters_and_history(self):
		opp = customer_opportunity(opportunity_labels=[{"label": LABEL}])
		data = board.get_board(PIPELINE, {"label": [LABEL]})
		self.assertEqual([c["sales_stage"] for c in data["columns"]], [s for s, _t, _p in STAGES])
		first = next(c for c in data["columns"] if c["sales_stage"] == NEW)
		self.assertIn(opp.name, [card["name"] for card in first["cards"]])

		modified = str(frappe.db.get_value("Opportunity", opp.name, "modified"))
		board.move_card(opp.name, SURVEY, modified)
		self.assertEqual(frappe.db.get_value("Opportunity", opp.name, "sales_stage"), SURVEY)
		self.assertEqual(history(opp.name), [(None, NEW), (NEW, SURVEY)])
		survey = next(c for c in board.get_board(PIPELINE)["columns"] if c["sales_stage"] == SURVEY)
		self.assertIn(opp.name, [card["name"] for card in survey["cards"]])
		# the list's filter and the stage link search
		self.assertIn(
			opp.name, frappe.get_list("Opportunity", filters={"sales_stage": SURVEY}, pluck="name", limit=0)
		)
		from opportunity_plus.api.pipeline import stage_query

		self.assertEqual(
			[row[0] for row in stage_query("Sales Stage", "/ tư", filters={"sales_pipeline": PIPELINE})],
			[SURVEY],
		)

	def test_report_groups_by_the_vietnamese_stages(self):
		from opportunity_plus.opportunity_plus.report.opportunity_analysis.opportunity_analysis import execute

		opp = customer_opportunity()
		_columns, data, *_rest = execute(
			{
				"company": get_company(),
				"from_date": add_days(nowdate(), -1),
				"to_date": add_days(nowdate(), 1),
				"group_by": "Stage",
				"pipeline": PIPELINE,
			}
		)
		keys = [row["key"] for row in data if not row.get("is_total") and not row.get("indent")]
		self.assertEqual(keys[: len(STAGES)], [s for s, _t, _p in STAGES][: len(keys)])
		new_row = next(row for row in data if row.get("key") == NEW)
		self.assertGreaterEqual(new_row["opportunities"], 1)
		self.assertTrue(opp.name)

	@on_throwaway_site
	def test_import_with_vietnamese_pipeline_and_stage(self):
		marker = random_string(6)
		customer = make_customer()
		out = io.StringIO()
		csv.writer(out).writerows(
			[
				["Title", "Opportunity From", "Party", "Sales Pipeline", "Sales Stage", "Opportunity Amount"],
				[f"Nhập {marker}", "Customer", customer, PIPELINE, SURVEY, 2500],
			]
		)
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"nhap-{marker}.csv",
				"content": out.getvalue().encode("utf-8"),
				"is_private": 1,
			}
		).insert()
		data_import = frappe.get_doc(
			{
				"doctype": "Data Import",
				"reference_doctype": "Opportunity",
				"import_type": "Insert New Records",
				"import_file": file.file_url,
			}
		).insert()
		frappe.db.commit()
		try:
			data_import.start_import()
			name = frappe.db.get_value("Opportunity", {"title": f"Nhập {marker}"})
			self.assertTrue(
				name, frappe.get_all("Data Import Log", {"data_import": data_import.name}, ["messages"])
			)
			self.assertEqual(
				frappe.db.get_value("Opportunity", name, ["sales_pipeline", "sales_stage", "probability"]),
				(PIPELINE, SURVEY, 30),
			)
			self.assertEqual(history(name), [(None, SURVEY)])
		finally:
			frappe.db.rollback()
			for name in frappe.get_all("Opportunity", {"title": f"Nhập {marker}"}, pluck="name"):
				frappe.db.delete("Opportunity Stage History", {"opportunity": name})
				frappe.delete_doc("Opportunity", name, force=True, ignore_permissions=True)
			frappe.delete_doc("Data Import", data_import.name, force=True, ignore_permissions=True)
			frappe.db.commit()
