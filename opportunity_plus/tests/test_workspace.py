"""The "Opportunity Plus" workspace: it loads, and its number cards and chart sum the right things."""

import json
from datetime import datetime
from unittest.mock import patch

import frappe
from frappe.share import add_docshare
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_months, get_first_day, getdate, nowdate

from opportunity_plus.api import workspace
from opportunity_plus.tests.utils import lost_reason, make_company, make_opportunity, make_user

COMPANY = "Opp Plus Workspace Co"
READER = "opp-plus-workspace-reader@example.com"
CARDS = ("Open Pipeline Value", "Weighted Forecast", "Won This Month")


def ensure_company() -> str:
	return make_company(COMPANY, "OPWS")


def opportunity(amount, stage="Prospecting", expected=None, company=COMPANY, moved_on=None, **fields):
	doc = make_opportunity(
		company=company,
		currency="USD",
		conversion_rate=1,
		opportunity_amount=amount,
		expected_closing=expected,
		**fields,
	)
	if stage != "Prospecting":
		if stage == "Lost":
			doc.append("lost_reasons", {"lost_reason": lost_reason()})
		doc.sales_stage = stage
		with patch(
			"opportunity_plus.overrides.opportunity.now_datetime", return_value=moved_on or datetime.now()
		):
			doc.save()
	return doc


class TestWorkspace(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		ensure_company()
		today = getdate(nowdate())
		cls.open_next_month = opportunity(1000, "Qualification", add_months(today, 1))  # weighted 200
		cls.open_in_two_months = opportunity(3000, "Needs Analysis", add_months(today, 2))  # weighted 900
		cls.overdue = opportunity(500, "Prospecting", add_months(today, -2))  # weighted 50
		cls.won_now = opportunity(2000, "Won")
		last_month = datetime.combine(add_months(get_first_day(today), -1), datetime.min.time())
		cls.won_last_month = opportunity(4000, "Won", moved_on=last_month)
		cls.lost = opportunity(700, "Lost")
		other = frappe.db.get_value("Company", {"name": ("!=", COMPANY)})
		cls.other_company = opportunity(99999, "Qualification", company=other) if other else None

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_number_cards_sum_open_weighted_and_won_this_month(self):
		filters = json.dumps({"company": COMPANY})
		self.assertEqual(workspace.open_pipeline_value(filters)["value"], 4500)
		self.assertEqual(workspace.weighted_forecast(filters)["value"], 1150)
		won = workspace.won_this_month(filters)
		self.assertEqual(won["value"], 2000)
		self.assertEqual(won["route"], ["List", "Opportunity"])
		self.assertEqual(won["route_options"]["status"], ["=", "Converted"])

	def test_cards_count_only_what_the_user_may_read(self):
		make_user(READER, ["Purchase User"])
		add_docshare("Opportunity", self.open_next_month.name, READER, flags={"ignore_share_permission": 1})
		frappe.set_user(READER)
		self.assertEqual(workspace.open_pipeline_value({"company": COMPANY})["value"], 1000)
		self.assertEqual(workspace.weighted_forecast({"company": COMPANY})["value"], 200)
		self.assertEqual(workspace.won_this_month({"company": COMPANY})["value"], 0)

	def test_forecast_chart_by_expected_closing_month(self):
		chart = workspace.forecast_by_month({"company": COMPANY})
		self.assertEqual(len(chart["labels"]), 13)
		weighted, amount = (dataset["values"] for dataset in chart["datasets"])
		self.assertEqual((weighted[0], amount[0]), (50, 500), "overdue")
		self.assertEqual(weighted[1:4], [0, 200, 900])
		self.assertEqual(amount[1:4], [0, 1000, 3000])
		self.assertEqual(sum(weighted), 1150)

	def test_workspace_loads_with_its_cards_chart_and_shortcuts(self):
		from frappe.desk.desktop import get_desktop_page

		page = get_desktop_page(
			json.dumps({"name": "Opportunity Plus", "title": "Opportunity Plus", "public": 1})
		)
		self.assertEqual([c.number_card_name for c in page["number_cards"]["items"]], list(CARDS))
		self.assertEqual([c.chart_name for c in page["charts"]["items"]], ["Opportunity Forecast"])
		shortcuts = {s.link_to for s in page["shortcuts"]["items"]}
		self.assertTrue(
			{"Opportunity", "Sales Pipeline", "Opportunity Label", "Opportunity Plus Settings"} <= shortcuts
		)
		for card in CARDS:
			method = frappe.db.get_value("Number Card", card, "method")
			result = frappe.get_attr(method)(json.dumps({"company": COMPANY}))
			self.assertIn("value", result)
		source = frappe.get_attr(
			"opportunity_plus.opportunity_plus.dashboard_chart_source.opportunity_forecast.opportunity_forecast.get"
		)
		data = source(chart_name="Opportunity Forecast", filters=json.dumps({"company": COMPANY}))
		self.assertEqual(sum(data["datasets"][0]["values"]), 1150)
