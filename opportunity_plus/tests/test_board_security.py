"""The board, report, workspace and chart under hostile input and thin permissions."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string

from opportunity_plus.api import board, workspace
from opportunity_plus.opportunity_plus.dashboard_chart_source.opportunity_forecast import (
	opportunity_forecast,
)
from opportunity_plus.tests.utils import get_company, make_opportunity, make_pipeline, make_user

SALES = "board-sec-sales@example.com"
SELECT_ONLY = "board-sec-select@example.com"
SELECT_ROLE = "Opportunity Picker (Test)"
NOBODY = "board-sec-nobody@example.com"
NEW, NEXT = "Sec New", "Sec Next"
PAYLOAD = "<img src=x onerror=alert(1)>"


def report(**filters):
	from frappe.desk.query_report import run

	return run("Opportunity Analysis", filters={"company": get_company(), **filters})


class TestBoardSecurity(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(SALES, ["Sales User"])
		if not frappe.db.exists("Role", SELECT_ROLE):
			frappe.get_doc({"doctype": "Role", "role_name": SELECT_ROLE, "desk_access": 1}).insert()
		if not frappe.db.exists("Custom DocPerm", {"parent": "Opportunity", "role": SELECT_ROLE}):
			from frappe.permissions import add_permission, update_permission_property

			add_permission("Opportunity", SELECT_ROLE, 0)
			update_permission_property("Opportunity", SELECT_ROLE, 0, "read", 0)
			update_permission_property("Opportunity", SELECT_ROLE, 0, "select", 1)
		make_user(SELECT_ONLY, [SELECT_ROLE])

	def setUp(self):
		frappe.set_user("Administrator")
		self.pipeline = make_pipeline(
			"Sec " + random_string(6), [(NEW, "Open", 10), (NEXT, "Open", 50), ("Sec Won", "Won", 100)]
		).name

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.message_log = []

	def opp(self, **fields):
		return make_opportunity(sales_pipeline=self.pipeline, sales_stage=NEW, **fields)

	def test_an_unknown_pipeline_is_named_as_text_not_html(self):
		with self.assertRaises(frappe.DoesNotExistError) as missing:
			board.get_board(pipeline=PAYLOAD)
		self.assertNotIn("<img", str(missing.exception))
		self.assertIn("&lt;img src=x onerror=alert(1)&gt;", str(missing.exception))

	def test_select_permission_alone_shows_no_card_count_or_sum(self):
		self.opp(opportunity_amount=1234567, base_opportunity_amount=1234567)
		frappe.set_user(SELECT_ONLY)
		self.assertTrue(frappe.only_has_select_perm("Opportunity"))
		with self.assertRaises(frappe.PermissionError):
			board.get_board(pipeline=self.pipeline)
		with self.assertRaises(frappe.PermissionError):
			board.get_totals(self.pipeline)
		self.assertEqual(workspace.open_pipeline_value()["value"], 0)
		self.assertEqual(workspace.weighted_forecast()["value"], 0)
		with self.assertRaises(frappe.PermissionError):  # the report is not theirs either
			report(group_by="Pipeline")

	def test_a_move_checks_permission_before_it_locks_the_row(self):
		doc = self.opp()
		make_user(NOBODY, ["Purchase User"])
		locks = []
		real_get_doc = frappe.get_doc

		def spy(*args, **kwargs):
			locks.append(kwargs.get("for_update"))
			return real_get_doc(*args, **kwargs)

		frappe.set_user(NOBODY)
		frappe.get_doc = spy
		try:
			with self.assertRaises(frappe.PermissionError) as refused:
				board.move_card(doc.name, NEXT, str(doc.modified))
			with self.assertRaises(frappe.PermissionError) as missing:
				board.move_card("CRM-OPP-NO-SUCH-ONE", NEXT, str(doc.modified))
		finally:
			frappe.get_doc = real_get_doc
			frappe.set_user("Administrator")
		self.assertNotIn(True, locks, "no row was locked for a user who may not write it")
		# the same answer whether or not the opportunity exists
		self.assertEqual(
			str(refused.exception).replace(doc.name, "X"),
			str(missing.exception).replace("CRM-OPP-NO-SUCH-ONE", "X"),
		)
		self.assertEqual(frappe.db.get_value("Opportunity", doc.name, "sales_stage"), NEW)

	def test_a_move_without_the_version_the_board_showed_is_refused(self):
		doc = self.opp()
		for modified in ("", None):
			with self.subTest(modified=modified), self.assertRaises(frappe.ValidationError):
				board.move_card(doc.name, NEXT, modified)
		with self.assertRaises(frappe.ValidationError):
			board.move_card(doc.name, NEXT, "not a date")
		self.assertEqual(frappe.db.get_value("Opportunity", doc.name, "sales_stage"), NEW)

	def test_renumbering_a_column_needs_write_permission_on_every_card_renumbered(self):
		first, second, moved = self.opp(), self.opp(), self.opp()
		for name in (first.name, second.name):
			frappe.db.set_value("Opportunity", name, "board_rank", 5.0, update_modified=False)
		frappe.db.set_value("Opportunity", moved.name, "board_rank", 9.0, update_modified=False)
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": SALES,
				"allow": "Opportunity",
				"for_value": moved.name,
				"apply_to_all_doctypes": 1,
			}
		).insert()
		frappe.set_user(SALES)
		# no room between two cards of rank 5.0: renumbering would write cards the user may not
		board.move_card(moved.name, NEW, str(moved.reload().modified), after=first.name, before=second.name)
		frappe.set_user("Administrator")
		ranks = dict(
			frappe.get_all(
				"Opportunity",
				{"name": ("in", [first.name, second.name])},
				["name", "board_rank"],
				as_list=True,
			)
		)
		self.assertEqual(ranks, {first.name: 5.0, second.name: 5.0})

	def test_the_chart_source_ignores_filters_of_a_chart_the_user_may_not_read(self):
		chart = frappe.get_doc(
			{
				"doctype": "Dashboard Chart",
				"chart_name": "Sec Secret " + random_string(5),
				"chart_type": "Custom",
				"source": "Opportunity Forecast",
				"filters_json": json.dumps({"company": "Not My Company " + random_string(4)}),
				"is_public": 0,
			}
		).insert()
		frappe.set_user(SALES)
		self.assertIsNone(opportunity_forecast.saved_filters(chart.name))
		frappe.set_user("Administrator")
		self.assertIn("Not My Company", opportunity_forecast.saved_filters(chart.name))

	def test_a_month_grouping_over_centuries_is_refused_not_built(self):
		with self.assertRaises(frappe.ValidationError):
			report(group_by="Month", from_date="0001-01-01", to_date="9999-12-31")
		rows = report(group_by="Month", from_date="2020-01-01", to_date="2021-12-31")["result"]
		self.assertLess(len(rows), 30)

	def test_malformed_arguments_get_a_clear_validation_error(self):
		cases = [
			(board.get_board, {"pipeline": self.pipeline, "filters": "{bad"}),
			(board.get_cards, {"pipeline": self.pipeline, "stage": NEW, "start": -1}),
			(board.get_cards, {"pipeline": self.pipeline, "stage": NEW, "start": 10**15}),
			(workspace.open_pipeline_value, {"filters": "{bad"}),
			(workspace.won_this_month, {"filters": "[bad"}),
			(report, {"group_by": "Stage", "from_date": "2026-13-45", "to_date": "2026-12-31"}),
		]
		for method, kwargs in cases:
			with (
				self.subTest(method=method.__name__, kwargs=kwargs),
				self.assertRaises(frappe.ValidationError),
			):
				method(**kwargs)
