"""Opportunity Analysis on a known data set: every figure against hand-computed values, and
against ERPNext's Sales Pipeline Analytics and Opportunity Summary by Sales Stage."""

from datetime import datetime
from unittest.mock import patch

import frappe
from erpnext.crm.report.opportunity_summary_by_sales_stage.opportunity_summary_by_sales_stage import (
	execute as native_summary_by_stage,
)
from erpnext.crm.report.sales_pipeline_analytics.sales_pipeline_analytics import (
	execute as native_pipeline_analytics,
)
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_months, getdate, nowdate

from opportunity_plus.opportunity_plus.report.opportunity_analysis.opportunity_analysis import execute
from opportunity_plus.rules.analysis import forecast_months
from opportunity_plus.tests.utils import (
	lost_reason,
	make_company,
	make_opportunity,
	make_pipeline,
	make_user,
)

COMPANY = "OA Analysis Co"
PIPELINE = "OA Pipeline"
LEAD, PROPOSAL, NEGOTIATION, WON, LOST = "OA Lead", "OA Proposal", "OA Negotiation", "OA Won", "OA Lost"
ANN, BOB, FOLLOWER = "oa-ann@example.com", "oa-bob@example.com", "oa-follower@example.com"
WEB, REFERRAL = "OA Web", "OA Referral"
NORTH, SOUTH = "OA North", "OA South"
PRICE, TIMING = "OA Price", "OA Timing"
RIVAL, OTHER = "OA Rival", "OA Other"
HOT = "OA Hot"
TODAY = getdate(nowdate())
FROM, TO = "2025-01-01", str(TODAY)


def ensure(doctype: str, name: str, **fields) -> str:
	if not frappe.db.exists(doctype, name):
		frappe.get_doc({"doctype": doctype, **fields}).insert(ignore_permissions=True)
	return name


def ensure_company() -> str:
	return make_company(COMPANY, "OAAC")


def at(when: str):
	"""Opportunity saves inside this context enter their stage at ``when``."""
	return patch(
		"opportunity_plus.overrides.opportunity.now_datetime", return_value=datetime.fromisoformat(when)
	)


def create(title, owner, source, territory, created, amount, expected=None, labels=(), **fields):
	with at(f"{created} 09:00"):
		return make_opportunity(
			title=title,
			company=COMPANY,
			sales_pipeline=PIPELINE,
			opportunity_owner=owner,
			source=source,
			territory=territory,
			transaction_date=created,
			currency="USD",
			opportunity_amount=amount,
			expected_closing=expected,
			opportunity_labels=[{"label": label} for label in labels],
			**fields,
		)


def move(doc, stage, when, reasons=(), competitors=()):
	with at(f"{when} 09:00"):
		doc.reload()
		for reason in reasons:
			doc.append("lost_reasons", {"lost_reason": reason})
		for competitor in competitors:
			doc.append("competitors", {"competitor": competitor})
		doc.sales_stage = stage
		doc.save()
	return doc


def build_data_set() -> dict:
	"""Nine opportunities over two years (see the expected figures in the tests)."""
	ensure_company()
	if not frappe.db.exists("Sales Pipeline", PIPELINE):
		make_pipeline(
			PIPELINE,
			[
				(LEAD, "Open", 10),
				(PROPOSAL, "Open", 50),
				(NEGOTIATION, "Open", 80),
				(WON, "Won", 100),
				(LOST, "Lost", 0),
			],
		)
	for user in (ANN, BOB):
		make_user(user, ["Sales User"])
	make_user(FOLLOWER, ["Purchase User"])  # no role that reads opportunities: only shares
	for source in (WEB, REFERRAL):
		ensure("Lead Source", source, source_name=source)
	for territory in (NORTH, SOUTH):
		ensure("Territory", territory, territory_name=territory, parent_territory="All Territories")
	for competitor in (RIVAL, OTHER):
		ensure("Competitor", competitor, competitor_name=competitor)
	for reason in (PRICE, TIMING):
		lost_reason(reason)
	ensure("Opportunity Label", HOT, label_name=HOT, color="#E24C4C")
	for name in frappe.get_all("Opportunity", filters={"company": COMPANY}, pluck="name"):
		frappe.delete_doc("Opportunity", name, force=True, ignore_permissions=True)

	o = {}
	o[1] = create("O1", ANN, WEB, NORTH, "2025-01-10", 1000, "2025-02-15")
	move(o[1], PROPOSAL, "2025-01-20")
	move(o[1], WON, "2025-02-09")
	o[2] = create("O2", ANN, WEB, SOUTH, "2025-03-05", 2000, "2025-04-01")
	move(o[2], LOST, "2025-03-25", reasons=[PRICE], competitors=[RIVAL])
	o[3] = create("O3", BOB, REFERRAL, NORTH, "2025-06-15", 4000, "2026-01-15", labels=[HOT])
	move(o[3], PROPOSAL, "2025-06-20")
	move(o[3], NEGOTIATION, "2025-07-05")
	o[4] = create("O4", BOB, WEB, NORTH, "2026-01-10", 3000, "2026-01-31")
	move(o[4], WON, "2026-02-01")
	o[5] = create("O5", ANN, REFERRAL, SOUTH, "2026-01-20", 5000, "2026-03-15")
	move(o[5], PROPOSAL, "2026-02-10")
	move(o[5], LOST, "2026-03-02", reasons=[PRICE, TIMING], competitors=[RIVAL, OTHER])
	o[6] = create("O6", None, None, NORTH, "2026-02-14", 500, "2026-02-28")
	o[7] = create("O7", ANN, WEB, NORTH, "2026-05-05", 10000, str(add_months(TODAY, 1)), labels=[HOT])
	move(o[7], PROPOSAL, "2026-05-15")
	o[8] = create("O8", BOB, REFERRAL, SOUTH, "2026-08-01", 2500, str(TODAY), probability=30)
	o[9] = create("O9", ANN, WEB, NORTH, "2025-11-11", 700)
	o[9].reload()
	o[9].status = "Closed"  # as ERPNext's auto-close does
	o[9].save()
	return {key: doc.reload() for key, doc in o.items()}


def run(**filters) -> tuple[list, dict, dict, dict | None, list]:
	"""Columns, rows by key, the total row, the chart and the summary of the report."""
	columns, data, _message, chart, summary = execute({"company": COMPANY, **filters})
	rows = {row["key"]: row for row in data if not row.get("is_total") and row.get("indent", 0) == 0}
	total = next(row for row in data if row.get("is_total"))
	return columns, rows, total, chart, summary


def figures(row: dict, *names: str) -> tuple:
	return tuple(row[name] for name in names)


COUNTS = ("opportunities", "open", "won", "lost", "conversion_rate", "win_rate")
AMOUNTS = ("total_amount", "weighted_amount", "avg_days_to_close", "avg_days_in_stage")


class TestOpportunityAnalysis(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.opps = build_data_set()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_the_data_set_is_what_the_figures_assume(self):
		o = self.opps
		self.assertEqual(
			[o[i].status for i in range(1, 10)],
			["Converted", "Lost", "Open", "Converted", "Lost", "Open", "Open", "Open", "Closed"],
		)
		self.assertEqual((o[3].probability, o[7].probability, o[8].probability), (80, 50, 30))
		self.assertEqual(str(o[5].stage_entered_on), "2026-03-02 09:00:00")

	def test_by_stage_in_pipeline_order_with_funnel_and_time_in_stage(self):
		columns, rows, total, chart, summary = run(
			group_by="Stage", from_date=FROM, to_date=TO, pipeline=PIPELINE
		)
		self.assertEqual(list(rows), [LEAD, PROPOSAL, NEGOTIATION, WON, LOST])
		self.assertEqual(figures(rows[LEAD], *COUNTS), (3, 2, 0, 0, None, 0.0))
		self.assertEqual(figures(rows[LEAD], *AMOUNTS), (3700, 870, None, round(88 / 6, 1)))
		self.assertEqual(
			figures(rows[PROPOSAL], *COUNTS, *AMOUNTS), (1, 1, 0, 0, None, 0.0, 10000, 5000, None, 18.3)
		)
		self.assertEqual(figures(rows[NEGOTIATION], *AMOUNTS), (4000, 3200, None, None))
		self.assertEqual(
			figures(rows[WON], *COUNTS, *AMOUNTS), (2, 0, 2, 0, 100.0, 100.0, 4000, 4000, 26.0, None)
		)
		self.assertEqual(figures(rows[LOST], *COUNTS, *AMOUNTS), (2, 0, 0, 2, 0.0, 0.0, 7000, 0, 30.5, None))
		# funnel: everyone started in Lead; six moved on from it, three from Proposal
		funnel = {key: figures(row, "reached", "moved_on", "moved_on_rate") for key, row in rows.items()}
		self.assertEqual(
			funnel,
			{
				LEAD: (9, 6, 66.67),
				PROPOSAL: (4, 3, 75.0),
				NEGOTIATION: (1, 0, 0.0),
				WON: (2, 0, 0.0),
				LOST: (2, 0, 0.0),
			},
		)
		self.assertEqual(figures(total, *COUNTS), (9, 4, 2, 2, 50.0, 22.22))
		self.assertEqual(figures(total, *AMOUNTS), (28700, 13070, round(113 / 4, 1), round(143 / 9, 1)))
		self.assertEqual(
			[(s["label"], s["value"]) for s in summary],
			[
				("Opportunities", 9),
				("Conversion Rate", "50.0%"),
				("Pipeline Value", 17000),
				("Weighted Forecast", 9000),
				("Lost Value", 7000),
			],
		)
		self.assertEqual(chart["type"], "bar")
		self.assertEqual(chart["data"]["labels"], [LEAD, PROPOSAL, NEGOTIATION, WON, LOST])
		self.assertEqual(chart["data"]["datasets"][0]["values"], [9, 4, 1, 2, 2])
		days = next(c for c in columns if c["fieldname"] == "avg_days_to_close")
		self.assertIn("stage history", days["description"])

	def test_an_opportunity_that_came_back_to_a_stage_is_reached_once(self):
		back = create("O10", BOB, WEB, NORTH, "2026-09-01", 100)
		try:
			move(back, PROPOSAL, "2026-09-05")
			move(back, LEAD, "2026-09-12")
			_columns, rows, _total, _chart, _summary = run(
				group_by="Stage", from_date=FROM, to_date=TO, pipeline=PIPELINE
			)
			funnel = {key: figures(rows[key], "reached", "moved_on") for key in (LEAD, PROPOSAL)}
			# one more in Lead (there now, and it left it once) and in Proposal (left it)
			self.assertEqual(funnel, {LEAD: (10, 7), PROPOSAL: (5, 4)})
			# the same across all pipelines (counted through first_leave instead of the pipeline's rows)
			rows = run(group_by="Stage", from_date=FROM, to_date=TO)[1]
			funnel = {key: figures(rows[key], "reached", "moved_on") for key in (LEAD, PROPOSAL)}
			self.assertEqual(funnel, {LEAD: (10, 7), PROPOSAL: (5, 4)})
			# Bob's: 4 days in Lead and 7 in Proposal, on top of his 42 days in 3 stays before
			owner_rows = run(group_by="Owner", from_date=FROM, to_date=TO)[1]
			self.assertEqual(owner_rows[BOB]["avg_days_in_stage"], round((42 + 4 + 7) / 5, 1))
			move(back, PROPOSAL, "2026-09-20")  # out of Lead a second time: still one opportunity
			_columns, rows, _total, _chart, _summary = run(
				group_by="Stage", from_date=FROM, to_date=TO, pipeline=PIPELINE
			)
			funnel = {key: figures(rows[key], "reached", "moved_on") for key in (LEAD, PROPOSAL)}
			self.assertEqual(funnel, {LEAD: (10, 7), PROPOSAL: (5, 4)})
			flags = frappe.get_all(
				"Opportunity Stage History",
				filters={"opportunity": back.name, "from_stage": ("is", "set")},
				fields=["from_stage", "first_leave", "first_leave_in_pipeline"],
				order_by="changed_on asc",
				as_list=True,
			)
			self.assertEqual([tuple(row) for row in flags], [(LEAD, 1, 1), (PROPOSAL, 1, 1), (LEAD, 0, 0)])
		finally:
			frappe.delete_doc("Opportunity", back.name, force=True, ignore_permissions=True)

	def test_stay_totals_rebuilt_from_history_match_those_kept_on_every_move(self):
		from opportunity_plus.overrides.stage_history import backfill_stay_totals

		fields = ["name", "stage_stay_seconds", "stage_stays"]
		kept = frappe.get_all("Opportunity", filters={"company": COMPANY}, fields=fields, order_by="name")
		left_stages = frappe.db.count(
			"Opportunity Stage History",
			{"opportunity": ("in", [row.name for row in kept]), "from_stage": ("is", "set")},
		)
		self.assertEqual(sum(row.stage_stays for row in kept), left_stages)
		self.assertGreater(left_stages, 0)
		frappe.db.set_value("Opportunity", {"company": COMPANY}, {"stage_stay_seconds": 0, "stage_stays": 0})
		backfill_stay_totals()
		rebuilt = frappe.get_all("Opportunity", filters={"company": COMPANY}, fields=fields, order_by="name")
		self.assertEqual(rebuilt, kept)

	def test_first_leave_flags_rebuilt_from_history_match_those_set_on_every_move(self):
		from opportunity_plus.overrides.stage_history import backfill_first_leaves

		names = frappe.get_all("Opportunity", filters={"company": COMPANY}, pluck="name")
		fields = ["name", "first_leave", "first_leave_in_pipeline"]
		filters = {"opportunity": ("in", names)}
		kept = frappe.get_all("Opportunity Stage History", filters=filters, fields=fields, order_by="name")
		# one flagged row per opportunity and stage it left
		left = {(r.opportunity, r.from_stage) for r in frappe.get_all(
			"Opportunity Stage History", filters={**filters, "from_stage": ("is", "set")},
			fields=["opportunity", "from_stage"],
		)}  # fmt: skip
		self.assertEqual(sum(row.first_leave for row in kept), len(left))
		self.assertGreater(len(left), 0)
		frappe.db.set_value(
			"Opportunity Stage History", filters, {"first_leave": 0, "first_leave_in_pipeline": 0}
		)
		backfill_first_leaves()
		rebuilt = frappe.get_all("Opportunity Stage History", filters=filters, fields=fields, order_by="name")
		self.assertEqual(rebuilt, kept)

	def test_stays_read_alone_give_the_figures_of_the_stays_joined_to_their_opportunities(self):
		from opportunity_plus.queries import analysis as queries

		f = queries.parse_filters({"company": COMPANY, "from_date": FROM, "to_date": TO})
		self.assertTrue(queries.stays_alone_answer(f), "the Administrator reads every opportunity")
		alone = queries.stage_stays(f)
		with patch.object(queries, "stays_alone_answer", return_value=False):
			joined = queries.stage_stays(f)
		self.assertEqual(alone, joined)
		self.assertGreater(sum(moved for _s, _c, moved, _b in alone.values()), 0)
		# not for a filter on the opportunity itself, nor for a reader limited by Frappe's rules
		by_pipeline = queries.parse_filters(
			{"company": COMPANY, "from_date": FROM, "to_date": TO, "pipeline": PIPELINE}
		)
		self.assertFalse(queries.stays_alone_answer(by_pipeline))
		frappe.set_user(FOLLOWER)
		try:
			self.assertFalse(queries.stays_alone_answer(f))
		finally:
			frappe.set_user("Administrator")

	def test_stays_follow_their_opportunitys_date(self):
		from opportunity_plus.overrides.stays_by_stage import date_stays

		frappe.db.savepoint("stays_follow")
		try:
			opp = frappe.get_doc("Opportunity", self.opps[5].name)
			opp.transaction_date = "2025-12-24"
			opp.save(ignore_permissions=True)
			stays = {"opportunity": opp.name}
			dates = set(frappe.get_all("Opportunity Stage Stay", stays, pluck="transaction_date"))
			self.assertEqual(dates, {getdate("2025-12-24")})
			# the only opportunity of December 2025 now: it left Lead, then Proposal
			_columns, rows, *_rest = run(group_by="Stage", from_date="2025-12-01", to_date="2025-12-31")
			moved_on = {key: row["moved_on"] for key, row in rows.items() if row["moved_on"]}
			self.assertEqual(moved_on, {LEAD: 1, PROPOSAL: 1})
			# the patch gives every stay its opportunity's company and date again
			frappe.db.set_value("Opportunity Stage Stay", stays, {"company": None, "transaction_date": None})
			date_stays()
			self.assertEqual(
				set(frappe.get_all("Opportunity Stage Stay", stays, pluck="transaction_date")),
				{getdate("2025-12-24")},
			)
			self.assertEqual(set(frappe.get_all("Opportunity Stage Stay", stays, pluck="company")), {COMPANY})
		finally:
			frappe.db.rollback(save_point="stays_follow")

	def test_by_owner(self):
		_columns, rows, total, chart, _summary = run(group_by="Owner", from_date=FROM, to_date=TO)
		self.assertEqual(list(rows), [ANN, BOB, None])
		self.assertEqual(figures(rows[ANN], *COUNTS), (5, 1, 1, 2, 33.33, 20.0))
		self.assertEqual(figures(rows[ANN], *AMOUNTS), (18700, 6070, 30.3, 16.8))
		self.assertEqual(figures(rows[BOB], *COUNTS), (3, 2, 1, 0, 100.0, 33.33))
		self.assertEqual(figures(rows[BOB], *AMOUNTS), (9500, 6950, 22.0, 14.0))
		self.assertEqual(
			figures(rows[None], *COUNTS, "total_amount", "weighted_amount"), (1, 1, 0, 0, None, 0.0, 500, 50)
		)
		self.assertEqual(rows[None]["group"], "Not Assigned")
		self.assertEqual(total["opportunities"], 9)
		self.assertEqual([d["name"] for d in chart["data"]["datasets"]], ["Open", "Won", "Lost"])
		self.assertEqual(chart["data"]["datasets"][2]["values"], [2, 0, 0])

	def test_groupings_the_stage_index_does_not_hold_name_an_index_that_exists(self):
		from opportunity_plus.queries.analysis import OpportunityWithoutStageIndex

		# MariaDB refuses a query that names an index the table does not have
		self.assertTrue(frappe.db.has_index("tabOpportunity", OpportunityWithoutStageIndex.INDEX))
		self.assertIn(
			f"IGNORE INDEX (`{OpportunityWithoutStageIndex.INDEX}`)",
			OpportunityWithoutStageIndex().get_sql(quote_char="`"),
		)

	def test_by_month_keeps_years_apart_over_more_than_twelve_months(self):
		_columns, rows, total, chart, _summary = run(group_by="Month", from_date=FROM, to_date=TO)
		count = (TODAY.year - 2025) * 12 + TODAY.month
		months = forecast_months(getdate(FROM), count)
		self.assertEqual(list(rows), months)  # every month from January 2025 to this one
		per_month = {key: row["opportunities"] for key, row in rows.items() if row["opportunities"]}
		self.assertEqual(
			per_month,
			{
				"2025-01": 1,
				"2025-03": 1,
				"2025-06": 1,
				"2025-11": 1,
				"2026-01": 2,
				"2026-02": 1,
				"2026-05": 1,
				"2026-08": 1,
			},
		)
		self.assertEqual(figures(rows["2025-01"], *COUNTS, "total_amount"), (1, 0, 1, 0, 100.0, 100.0, 1000))
		self.assertEqual(figures(rows["2026-01"], *COUNTS, "total_amount"), (2, 0, 1, 1, 50.0, 50.0, 8000))
		self.assertEqual(rows["2026-01"]["avg_days_to_close"], round((22 + 41) / 2, 1))
		self.assertEqual(total["opportunities"], 9)
		self.assertEqual(len(chart["data"]["labels"]), count)

	def test_by_source_pipeline_and_territory(self):
		_c, rows, _t, _chart, _s = run(group_by="Source", from_date=FROM, to_date=TO)
		self.assertEqual({k: r["opportunities"] for k, r in rows.items()}, {WEB: 5, REFERRAL: 3, None: 1})
		self.assertEqual(figures(rows[REFERRAL], "won", "lost", "total_amount"), (0, 1, 11500))
		_c, rows, _t, _chart, _s = run(group_by="Territory", from_date=FROM, to_date=TO)
		self.assertEqual(figures(rows[NORTH], "opportunities", "won", "total_amount"), (6, 2, 19200))
		self.assertEqual(figures(rows[SOUTH], "opportunities", "lost", "total_amount"), (3, 2, 9500))
		_c, rows, _t, _chart, _s = run(group_by="Pipeline", from_date=FROM, to_date=TO)
		self.assertEqual(figures(rows[PIPELINE], *COUNTS), (9, 4, 2, 2, 50.0, 22.22))

	def test_by_lost_reason_with_competitors(self):
		columns, rows, total, chart, summary = run(group_by="Lost Reason", from_date=FROM, to_date=TO)
		self.assertEqual(list(rows), [PRICE, TIMING])
		self.assertEqual(
			figures(
				rows[PRICE],
				"opportunities",
				"share_of_lost",
				"lost_amount",
				"share_of_lost_value",
				"competitors",
			),
			(2, 100.0, 7000, 100.0, f"{RIVAL} (2), {OTHER} (1)"),
		)
		self.assertEqual(
			figures(
				rows[TIMING],
				"opportunities",
				"share_of_lost",
				"lost_amount",
				"share_of_lost_value",
				"competitors",
			),
			(1, 50.0, 5000, 71.43, f"{OTHER} (1), {RIVAL} (1)"),
		)
		self.assertEqual(figures(total, "opportunities", "lost_amount"), (2, 7000))
		self.assertEqual(chart["data"]["datasets"][0]["values"], [2, 1])
		self.assertEqual(summary[4]["value"], 7000)
		self.assertIn("competitors", [c["fieldname"] for c in columns])

	def test_forecast_by_expected_closing_month_per_pipeline_and_owner(self):
		_columns, data, _message, chart, summary = execute(
			{"company": COMPANY, "group_by": "Forecast", "months": 3}
		)
		months = forecast_months(TODAY, 3)
		top = [row for row in data if row["indent"] == 0 and not row.get("is_total")]
		self.assertEqual([row["key"] for row in top], ["Overdue", *months])
		by_key = {row["key"]: row for row in top}
		self.assertEqual(
			figures(by_key["Overdue"], "opportunities", "total_amount", "weighted_amount"), (2, 4500, 3250)
		)
		self.assertEqual(
			figures(by_key[months[0]], "opportunities", "total_amount", "weighted_amount"), (1, 2500, 750)
		)
		self.assertEqual(
			figures(by_key[months[1]], "opportunities", "total_amount", "weighted_amount"), (1, 10000, 5000)
		)
		self.assertEqual(by_key[months[2]]["opportunities"], 0)
		parts = [
			(row["key"], row["sales_pipeline"], row["opportunity_owner"], row["weighted_amount"])
			for row in data
			if row["indent"] == 1
		]
		self.assertEqual(
			parts,
			[
				("Overdue", PIPELINE, BOB, 3200),
				("Overdue", PIPELINE, None, 50),
				(months[0], PIPELINE, BOB, 750),
				(months[1], PIPELINE, ANN, 5000),
			],
		)
		total = data[-1]
		self.assertEqual(figures(total, "opportunities", "total_amount", "weighted_amount"), (4, 17000, 9000))
		self.assertEqual(chart["data"]["datasets"][0]["values"], [3250, 750, 5000, 0])
		# (a site whose win prediction is shown has a fourth card: the forecast weighted by it)
		self.assertEqual([s["value"] for s in summary[:3]], [4, 17000, 9000])

		# per owner: the owner filter narrows the forecast to their opportunities
		_c, data, _m, _chart, _s = execute(
			{"company": COMPANY, "group_by": "Forecast", "months": 3, "owner": ANN}
		)
		self.assertEqual(figures(data[-1], "opportunities", "weighted_amount"), (1, 5000))

	def test_filters_narrow_every_figure(self):
		_c, rows, total, _chart, _s = run(group_by="Stage", from_date=FROM, to_date=TO, label=HOT)
		self.assertEqual(
			{k: r["opportunities"] for k, r in rows.items() if r["opportunities"]},
			{PROPOSAL: 1, NEGOTIATION: 1},
		)
		self.assertEqual(total["total_amount"], 14000)
		_c, _rows, total, _chart, _s = run(
			group_by="Owner", from_date=FROM, to_date=TO, territory="All Territories"
		)
		self.assertEqual(total["opportunities"], 9)  # a territory includes the ones under it
		_c, _rows, total, _chart, _s = run(
			group_by="Owner", from_date=FROM, to_date=TO, territory=SOUTH, status="Lost"
		)
		self.assertEqual(figures(total, "opportunities", "lost", "total_amount"), (2, 2, 7000))
		_c, _rows, total, _chart, _s = run(group_by="Owner", from_date="2026-01-01", to_date=TO, source=WEB)
		self.assertEqual(figures(total, "opportunities", "won"), (2, 1))  # O4 and O7
		_c, _rows, total, _chart, _s = run(
			group_by="Owner", date_field="expected_closing", from_date="2026-01-01", to_date="2026-03-31"
		)
		self.assertEqual(total["opportunities"], 4)  # O3, O4, O5, O6
		_c, _rows, total, _chart, _s = run(
			group_by="Owner", from_date=FROM, to_date=TO, owner=BOB, opportunity_type="Sales"
		)
		self.assertEqual(total["opportunities"], 3)

	def test_filter_values_are_values_not_sql(self):
		_c, _rows, total, _chart, _s = run(
			group_by="Stage", from_date=FROM, to_date=TO, source="x' or '1'='1"
		)
		self.assertEqual(total["opportunities"], 0)
		_c, _rows, total, _chart, _s = run(group_by="Stage", from_date=FROM, to_date=TO, label="100% hot")
		self.assertEqual(total["opportunities"], 0)
		for wrong in (
			{"group_by": "name; drop table"},
			{"date_field": "modified"},
			{"months": 99, "group_by": "Forecast"},
		):
			with self.assertRaises(frappe.ValidationError):
				execute({"company": COMPANY, "from_date": FROM, "to_date": TO, **wrong})
		with self.assertRaises(frappe.ValidationError):
			execute({"company": COMPANY, "from_date": TO, "to_date": FROM})

	def test_a_follower_sees_only_the_opportunity_shared_with_them(self):
		o7 = self.opps[7]
		o7.append("opportunity_followers", {"user": FOLLOWER})
		o7.save()
		frappe.set_user(FOLLOWER)
		_c, rows, total, _chart, summary = run(
			group_by="Stage", from_date=FROM, to_date=TO, pipeline=PIPELINE
		)
		self.assertEqual(
			figures(total, "opportunities", "open", "total_amount", "weighted_amount"), (1, 1, 10000, 5000)
		)
		self.assertEqual(rows[PROPOSAL]["opportunities"], 1)
		self.assertEqual(figures(rows[LEAD], "reached", "moved_on", "avg_days_in_stage"), (1, 1, 10.0))
		self.assertEqual(summary[0]["value"], 1)
		_c, data, _m, _chart, _s = execute({"company": COMPANY, "group_by": "Forecast", "months": 3})
		self.assertEqual(figures(data[-1], "opportunities", "weighted_amount"), (1, 5000))
		_c, rows, total, _chart, _s = run(group_by="Lost Reason", from_date=FROM, to_date=TO)
		self.assertEqual((rows, total["opportunities"]), ({}, 0))

	def test_agrees_with_opportunity_summary_by_sales_stage(self):
		# created in 2026 (a range of less than twelve months)
		common = {"company": COMPANY, "from_date": "2026-01-01", "to_date": TO}
		for data_based_on, field in (("Number", "opportunities"), ("Amount", "total_amount")):
			_cols, native, *_rest = native_summary_by_stage(
				{**common, "based_on": "Source", "data_based_on": data_based_on}
			)
			native_by_source = {
				None if row["source"] == "Not Assigned" else row["source"]: sum(
					v or 0 for k, v in row.items() if k != "source"
				)
				for row in native
			}
			native_by_stage = {}
			for row in native:
				for stage, value in row.items():
					if stage != "source" and value:
						native_by_stage[stage] = native_by_stage.get(stage, 0) + value

			_c, ours, *_ = run(group_by="Source", **common)
			self.assertEqual({k: r[field] for k, r in ours.items() if r[field]}, native_by_source)
			_c, ours, *_ = run(group_by="Stage", **common)
			self.assertEqual({k: r[field] for k, r in ours.items() if r[field]}, native_by_stage)
		self.assertEqual(native_by_stage, {WON: 3000, LOST: 5000, LEAD: 3000, PROPOSAL: 10000})

	def test_agrees_with_sales_pipeline_analytics_on_twelve_months(self):
		# expected closing from November 2025 to October 2026: twelve months, each name once, and none
		# of the opportunities that close from today on (O7, O8), whatever day the tests run
		common = {"company": COMPANY, "from_date": "2025-11-01", "to_date": "2026-10-31"}
		month_names = {
			key: getdate(f"{key}-01").strftime("%B") for key in forecast_months(getdate("2025-11-01"), 12)
		}
		for based_on, field in (("Number", "opportunities"), ("Amount", "total_amount")):
			_cols, native, *_rest = native_pipeline_analytics(
				{**common, "pipeline_by": "Sales Stage", "range": "Monthly", "based_on": based_on}
			)
			native_by_stage = {
				row["sales_stage"]: sum(v for k, v in row.items() if k != "sales_stage") for row in native
			}
			native_by_month = {
				key: sum(row.get(name, 0) for row in native) for key, name in month_names.items()
			}

			_c, ours, *_ = run(group_by="Stage", date_field="expected_closing", **common)
			self.assertEqual(
				{k: r[field] for k, r in ours.items() if r[field]},
				{k: v for k, v in native_by_stage.items() if v},
			)
			_c, ours, *_ = run(group_by="Month", date_field="expected_closing", **common)
			self.assertEqual({k: r[field] for k, r in ours.items()}, native_by_month)
		self.assertEqual(native_by_stage, {NEGOTIATION: 4000, WON: 3000, LOST: 5000, LEAD: 500})

	def test_amounts_are_in_company_currency_even_when_erpnext_left_the_base_amount_empty(self):
		# ERPNext computes base_opportunity_amount only in the form; the report falls back on
		# amount times exchange rate, so opportunities made by code or import count with their amount
		o1 = self.opps[1]
		base = frappe.db.get_value("Opportunity", o1.name, "base_opportunity_amount")
		self.assertIn(base, (0, 1000))
		_c, rows, *_ = run(group_by="Stage", from_date=FROM, to_date=TO, pipeline=PIPELINE)
		self.assertEqual(rows[WON]["total_amount"], 4000)
