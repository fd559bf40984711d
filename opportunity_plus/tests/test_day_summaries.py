"""Day summaries: the Opportunity Analysis gives the same figures from them as from the opportunities,
for every grouping and filter they answer; a change not yet counted is read from the opportunities;
renames, deletions and ERPNext's db_set keep them right; readers Frappe limits never read them."""

import time
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import patch

import frappe
from frappe.model.rename_doc import rename_doc
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, today

from opportunity_plus.day_summaries import CLOSING_MONTH, OPPORTUNITY_DATE, REFRESH, SUMMARY
from opportunity_plus.day_summaries import read as summaries
from opportunity_plus.day_summaries import refresh as refresh_module
from opportunity_plus.day_summaries.marks import mark_forecasts
from opportunity_plus.day_summaries.refresh import COLUMNS, rebuild, refresh_batch, refresh_marked
from opportunity_plus.opportunity_plus.report.opportunity_analysis.opportunity_analysis import execute
from opportunity_plus.opportunity_plus.report.opportunity_analysis.test_opportunity_analysis import (
	ANN,
	COMPANY,
	FOLLOWER,
	FROM,
	LOST,
	NORTH,
	PIPELINE,
	PRICE,
	PROPOSAL,
	TO,
	build_data_set,
	move,
)
from opportunity_plus.queries import analysis as queries
from opportunity_plus.tests.utils import get_company, make_opportunity, on_throwaway_site

GROUPINGS = ("Stage", "Owner", "Pipeline", "Month", "Source", "Territory", "Lost Reason", "Forecast")
FILTERS = ({}, {"pipeline": PIPELINE}, {"status": "Open"}, {"status": "Lost"}, {"pipeline": "No Such"})


def report(**filters) -> list:
	"""The report's rows and summary as a user sees them (money rounded to cents)."""
	_columns, data, _message, _chart, summary = execute(
		{"company": COMPANY, "from_date": FROM, "to_date": TO, **filters}
	)
	return [normalised(row) for row in data], [normalised(card) for card in summary or []]


def normalised(row: dict) -> dict:
	return {key: round(value, 2) if isinstance(value, float) else value for key, value in row.items()}


def exact_report(**filters) -> list:
	with (
		patch.object(summaries, "date_plan", return_value=None),
		patch.object(summaries, "closing_plan", return_value=None),
	):
		return report(**filters)


def refresh_all() -> None:
	while refresh_batch():
		pass


def marked(kind: str = OPPORTUNITY_DATE) -> set:
	return {getdate(day) for day in frappe.get_all(REFRESH, {"company": COMPANY, "kind": kind}, pluck="day")}


def summary_rows() -> list:
	rows = frappe.get_all(SUMMARY, fields=list(COLUMNS))
	return sorted(tuple(str(row[column]) for column in COLUMNS) for row in rows)


class TestDaySummaries(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.opps = build_data_set()

	def setUp(self):
		frappe.db.savepoint("day_summaries")
		refresh_all()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="day_summaries")

	def f(self, **filters):
		return queries.parse_filters({"company": COMPANY, "from_date": FROM, "to_date": TO, **filters})

	def test_every_grouping_gives_the_figures_of_the_opportunities(self):
		self.assertFalse(marked() | marked(CLOSING_MONTH), "every change is counted")
		self.assertEqual(summaries.date_plan(self.f()).marked, [])
		for group_by in GROUPINGS:
			for filters in FILTERS:
				with self.subTest(group_by=group_by, **filters):
					self.assertEqual(
						report(group_by=group_by, **filters), exact_report(group_by=group_by, **filters)
					)

	def test_the_report_reads_the_summaries(self):
		# one summary row made wrong on purpose shows in the report: it is what the report reads
		before, _cards = report(group_by="Territory")
		row = frappe.get_all(SUMMARY, {"company": COMPANY, "dimension": "Territory", "value": NORTH}, limit=1)
		frappe.db.set_value(SUMMARY, row[0].name, "opportunities", 1000)
		after, _cards = report(group_by="Territory")
		north = next(r for r in before if r["key"] == NORTH)["opportunities"]
		self.assertGreater(next(r for r in after if r["key"] == NORTH)["opportunities"], north + 900)

	def test_a_change_not_yet_counted_is_read_from_the_opportunity(self):
		stale = summary_rows()
		opp = move(frappe.get_doc("Opportunity", self.opps[7].name), LOST, "2026-05-20", reasons=[PRICE])
		self.assertEqual(opp.status, "Lost")
		self.assertEqual(marked(), {getdate(opp.transaction_date)})
		self.assertEqual(summary_rows(), stale, "the job has not run yet")
		for group_by in GROUPINGS:
			with self.subTest(group_by=group_by):
				self.assertEqual(report(group_by=group_by), exact_report(group_by=group_by))
		seen = report(group_by="Stage")
		refresh_all()
		self.assertFalse(marked())
		self.assertNotEqual(summary_rows(), stale)
		self.assertEqual(report(group_by="Stage"), seen)

	def test_erpnexts_db_set_and_a_deletion_mark_their_days(self):
		opp = frappe.get_doc("Opportunity", self.opps[8].name)
		opp.db_set("status", "Closed")  # as ERPNext sets a status (quotation, auto-close)
		self.assertIn(getdate(opp.transaction_date), marked())
		self.assertEqual(report(group_by="Owner"), exact_report(group_by="Owner"))
		refresh_all()
		frappe.delete_doc("Opportunity", self.opps[6].name, force=True, ignore_permissions=True)
		self.assertEqual(marked(), {getdate(self.opps[6].transaction_date)})
		refresh_all()
		self.assertEqual(report(group_by="Stage"), exact_report(group_by="Stage"))
		self.assertEqual(report(group_by="Forecast"), exact_report(group_by="Forecast"))

	def test_a_moved_expected_closing_date_marks_both_months(self):
		opp = frappe.get_doc("Opportunity", self.opps[8].name)
		old = getdate(opp.expected_closing).replace(day=1)
		opp.expected_closing = "2027-06-15"
		opp.save(ignore_permissions=True)
		self.assertEqual(marked(CLOSING_MONTH), {old, getdate("2027-06-01")})
		self.assertEqual(report(group_by="Forecast", months=12), exact_report(group_by="Forecast", months=12))

	def test_a_renamed_territory_is_counted_under_its_new_name(self):
		new = "OA Far North"
		rename_doc("Territory", NORTH, new, force=True)
		self.assertTrue(marked(), "the days that named the old territory")
		rows, _cards = report(group_by="Territory")
		self.assertEqual(rows, exact_report(group_by="Territory")[0])
		self.assertIn(new, [row["key"] for row in rows])
		self.assertNotIn(NORTH, [row["key"] for row in rows])
		refresh_all()
		self.assertEqual(report(group_by="Territory")[0], rows)

	def test_a_change_queues_the_refresh_after_its_commit(self):
		frappe.flags.in_test = False  # tests refresh when they mean to; a site queues it
		try:
			with patch("frappe.enqueue") as enqueue:
				move(frappe.get_doc("Opportunity", self.opps[3].name), PROPOSAL, "2026-06-01")
		finally:
			frappe.flags.in_test = True
		self.assertTrue(enqueue.called)
		args, kwargs = enqueue.call_args
		self.assertEqual(args[0], "opportunity_plus.day_summaries.refresh.refresh_marked")
		self.assertTrue(kwargs["deduplicate"] and kwargs["enqueue_after_commit"])

	def test_new_predictions_mark_the_forecast(self):
		mark_forecasts()
		open_months = {
			getdate(day).replace(day=1)
			for day in frappe.get_all(
				"Opportunity",
				{"company": COMPANY, "status": "Open", "expected_closing": ("is", "set")},
				pluck="expected_closing",
			)
		}
		self.assertTrue(open_months)
		self.assertEqual(marked(CLOSING_MONTH), open_months)

	def test_rebuild_gives_what_the_refresh_gave(self):
		refreshed = [row for row in summary_rows() if row[0] == COMPANY]
		rebuild()
		self.assertEqual([row for row in summary_rows() if row[0] == COMPANY], refreshed)
		self.assertFalse(frappe.db.count(REFRESH))

	def test_readers_frappe_limits_and_other_filters_read_the_opportunities(self):
		self.assertIsNotNone(summaries.date_plan(self.f()))
		self.assertIsNotNone(summaries.date_plan(self.f(pipeline=PIPELINE, status="Open")))
		for other in ({"owner": ANN}, {"source": "OA Web"}, {"territory": NORTH}, {"label": "OA Hot"}):
			self.assertIsNone(summaries.date_plan(self.f(**other)), other)
		self.assertIsNone(summaries.date_plan(self.f(date_field="expected_closing")))
		frappe.set_user(FOLLOWER)  # reads only what is shared with them
		self.assertIsNone(summaries.date_plan(self.f()))
		self.assertIsNone(summaries.closing_plan(self.f(), ["2026-12"]))

	def test_more_marked_days_than_the_report_reads_one_by_one_means_the_exact_query(self):
		move(frappe.get_doc("Opportunity", self.opps[3].name), PROPOSAL, "2026-06-01")
		move(frappe.get_doc("Opportunity", self.opps[5].name), PROPOSAL, "2026-06-02")
		self.assertEqual(len(summaries.date_plan(self.f()).marked), 2)
		with patch.object(summaries, "MOST_MARKED_DAYS", 1):
			self.assertIsNone(summaries.date_plan(self.f()))
			self.assertEqual(report(group_by="Stage"), exact_report(group_by="Stage"))

	def test_a_batch_removes_only_the_marks_it_counted(self):
		move(frappe.get_doc("Opportunity", self.opps[3].name), PROPOSAL, "2026-06-01")
		move(frappe.get_doc("Opportunity", self.opps[1].name), PROPOSAL, "2026-06-02")
		oldest = frappe.get_all(REFRESH, order_by="name asc", limit=1, pluck="name")[0]
		self.assertEqual(refresh_batch(limit=1), 1)
		self.assertFalse(frappe.db.exists(REFRESH, oldest))
		self.assertTrue(frappe.db.count(REFRESH))
		self.assertEqual(report(group_by="Stage"), exact_report(group_by="Stage"))


def save_amount(site: str, name: str, amount: float) -> None:
	"""Another user's save, in its own thread and connection, committed."""
	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	frappe.flags.in_test = True  # this test counts the marks itself: no job queued
	try:
		doc = frappe.get_doc("Opportunity", name)
		doc.opportunity_amount = amount
		doc.save()
		frappe.db.commit()
	finally:
		frappe.destroy()


def count_every_mark(seconds: float = 60) -> None:
	"""Run the refresh until no mark is left (waiting while another refresh, a worker's, runs)."""
	deadline = time.monotonic() + seconds
	while frappe.db.count(REFRESH) and time.monotonic() < deadline:
		if not refresh_marked():
			time.sleep(0.2)
		frappe.db.commit()


@on_throwaway_site
class TestConcurrentRefresh(FrappeTestCase):
	def test_a_save_committed_while_the_refresh_counts_its_day_is_not_lost(self):
		company, site = get_company(), frappe.local.site
		opp = make_opportunity(company=company, currency="USD", opportunity_amount=100, conversion_rate=1)
		frappe.db.commit()
		real_recompute, saved = refresh_module.recompute, []

		def save_meanwhile(*args):
			# the first batch has read its marks (its snapshot): another user saves and commits now
			if not saved:
				with ThreadPoolExecutor(max_workers=1) as pool:
					pool.submit(save_amount, site, opp.name, 250).result()
				saved.append(True)
			real_recompute(*args)

		def total_amount() -> float:
			_columns, data, *_rest = execute(
				{"company": company, "from_date": today(), "to_date": today(), "group_by": "Stage"}
			)
			return next(row for row in data if row.get("is_total"))["total_amount"]

		try:
			count_every_mark()
			opp.reload()
			opp.opportunity_amount = 150
			opp.save()
			frappe.db.commit()
			before = total_amount()
			with patch.object(refresh_module, "recompute", save_meanwhile):
				frappe.db.commit()
				refresh_batch()
				frappe.db.commit()
			# the rows were counted from the snapshot (150); the later save kept its mark
			self.assertIn(getdate(today()), {getdate(d) for d in frappe.get_all(REFRESH, pluck="day")})
			self.assertEqual(total_amount(), before + 100)
			count_every_mark()
			self.assertFalse(frappe.db.count(REFRESH))
			self.assertEqual(total_amount(), before + 100)
		finally:
			frappe.db.rollback()
			frappe.delete_doc("Opportunity", opp.name, force=True)
			frappe.db.commit()
			count_every_mark()
