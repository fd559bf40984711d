"""The demo data command: counts, consistency with the pipeline rules, codes and speed."""

import time

import frappe
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.demo.loader import make_demo
from opportunity_plus.tests.utils import make_opportunity

PIPELINES = ("Dự án", "Bán lẻ")


def made(result: dict) -> dict:
	"""Filters for the opportunities of one demo run."""
	return {"name": ("in", result["names"])}


class TestDemoData(FrappeTestCase):
	def check_consistency(self, result: dict, count: int) -> None:
		names = frappe.get_all("Opportunity", filters=made(result), pluck="name")
		self.assertEqual(len(names), count)
		self.assertEqual(result["opportunities"], count)
		opp = frappe.qb.DocType("Opportunity")
		stage = frappe.qb.DocType("Sales Pipeline Stage")
		history = frappe.qb.DocType("Opportunity Stage History")
		in_run = opp.name.isin(result["names"])

		# every stage belongs to its pipeline, and the status and probability follow its type
		rows = (
			frappe.qb.from_(opp)
			.left_join(stage)
			.on((stage.parent == opp.sales_pipeline) & (stage.sales_stage == opp.sales_stage))
			.select(opp.name, opp.status, opp.probability, stage.stage_type, stage.probability)
			.where(in_run)
			.run()
		)
		for name, status, probability, stage_type, stage_probability in rows:
			self.assertIsNotNone(stage_type, f"{name}: stage outside its pipeline")
			self.assertEqual(status, {"Won": "Converted", "Lost": "Lost"}.get(stage_type, status))
			if stage_type == "Open":
				self.assertIn(status, ("Open", "Quotation"))
			self.assertEqual(probability, stage_probability or 0)

		# codes all set on what the demo made, and unique across the site
		made_codes = frappe.qb.from_(opp).select(opp.opportunity_code).where(in_run).run(pluck=True)
		self.assertTrue(all(made_codes))
		codes = (
			frappe.qb.from_(opp)
			.select(opp.opportunity_code)
			.where(opp.opportunity_code.isnotnull())
			.run(pluck=True)
		)
		self.assertEqual(len(codes), len(set(codes)))

		# history: a creation row each, and the last move ends in the current stage
		first_rows = (
			frappe.qb.from_(history)
			.select(history.opportunity)
			.where(history.opportunity.isin(result["names"]))
			.where(history.from_stage.isnull())
			.run(pluck=True)
		)
		self.assertEqual(sorted(first_rows), sorted(names))
		self.assertGreater(result["history_rows"], count)
		# history rows are numbered from the history's sequence: integers, in the order written
		numbers = (
			frappe.qb.from_(history)
			.select(history.name)
			.where(history.opportunity.isin(result["names"]))
			.orderby(history.name)
			.run(pluck=True)
		)
		self.assertGreaterEqual(len(numbers), result["history_rows"])  # the sales flow's moves too
		self.assertTrue(all(isinstance(number, int) for number in numbers))
		self.assertEqual(len(set(numbers)), len(numbers))
		sample = names[:: max(1, count // 50)]
		for name in sample:
			current = frappe.db.get_value(
				"Opportunity", name, ["sales_stage", "stage_entered_on"], as_dict=True
			)
			last = frappe.get_all(
				"Opportunity Stage History",
				filters={"opportunity": name},
				fields=["to_stage", "changed_on"],
				order_by="changed_on desc, creation desc, name desc",
				limit=1,
			)[0]
			self.assertEqual(
				(last.to_stage, last.changed_on), (current.sales_stage, current.stage_entered_on)
			)

	def test_demo_makes_consistent_opportunities_across_pipelines(self):
		result = make_demo(400, seed=3, commit=False)
		self.check_consistency(result, 400)
		pipelines = set(frappe.get_all("Opportunity", filters=made(result), pluck="sales_pipeline"))
		self.assertTrue(set(PIPELINES) <= pipelines)
		owners = frappe.get_all("Opportunity", filters=made(result), pluck="opportunity_owner")
		self.assertGreaterEqual(len(set(owners)), 4)
		titles = frappe.get_all("Opportunity", filters=made(result), pluck="title")
		self.assertTrue(any("Công ty" in title for title in titles), "Vietnamese names")
		months = {
			str(d)[:7] for d in frappe.get_all("Opportunity", filters=made(result), pluck="transaction_date")
		}
		self.assertGreaterEqual(len(months), 30, "spread over three years")
		labelled = frappe.db.count(
			"Opportunity Label Detail",
			{"parenttype": "Opportunity", "parent": ("in", result["names"])},
		)
		self.assertGreater(labelled, 0)
		# the bulk-written history carries the report's first-leave flags, as a real move writes them
		left = frappe.get_all(
			"Opportunity Stage History",
			filters={"opportunity": ("in", result["names"]), "from_stage": ("is", "set")},
			fields=["opportunity", "from_stage", "first_leave", "first_leave_in_pipeline"],
		)
		self.assertEqual(
			sum(row.first_leave for row in left), len({(row.opportunity, row.from_stage) for row in left})
		)
		self.assertTrue(all(row.first_leave == row.first_leave_in_pipeline for row in left))

		# ERPNext's sales flow ran on a few: the quotation moved its opportunity, the order won it
		self.assertGreaterEqual(result["quotations"], 1)
		quoted = frappe.get_all(
			"Quotation",
			filters={"docstatus": 1, "opportunity": ("in", result["names"])},
			pluck="opportunity",
		)
		self.assertEqual(len(quoted), result["quotations"])
		if result["sales_orders"]:
			self.assertIn(
				"Converted", {frappe.db.get_value("Opportunity", name, "status") for name in quoted}
			)

		# a new opportunity continues the numbering of the codes without a collision
		new = make_opportunity()
		self.assertEqual(frappe.db.count("Opportunity", {"opportunity_code": new.opportunity_code}), 1)

		# running it again adds more, reusing the master records
		customers = frappe.db.count("Customer")
		again = make_demo(50, seed=3, commit=False, with_sales_flow=False)
		self.assertEqual(again["opportunities"], 50)
		self.assertEqual(frappe.db.count("Customer"), customers)

	def test_ten_thousand_opportunities_are_consistent(self):
		# how fast it seeds is the benchmark's business (README), not a timed test's
		make_demo(10, seed=1, commit=False, with_sales_flow=False)  # master records first
		result = make_demo(10_000, seed=8, commit=False, with_sales_flow=False)
		self.check_consistency(result, 10_000)

	def test_history_names_continue_the_sequence_a_real_move_uses(self):
		from opportunity_plus.overrides.stage_history import reserve_history_names

		block = reserve_history_names(5)
		self.assertEqual(block, list(range(block[0], block[0] + 5)))
		result = make_demo(20, seed=5, commit=False, with_sales_flow=False)
		demo_numbers = frappe.get_all(
			"Opportunity Stage History", filters={"opportunity": ("in", result["names"])}, pluck="name"
		)
		self.assertGreater(min(demo_numbers), block[-1])
		# a move after the demo gets the next number, no collision with the rows written in bulk
		opportunity = frappe.get_doc("Opportunity", result["names"][0])
		stages = [s.sales_stage for s in frappe.get_doc("Sales Pipeline", opportunity.sales_pipeline).stages]
		opportunity.sales_stage = next(s for s in stages if s != opportunity.sales_stage)
		opportunity.flags.ignore_mandatory = True
		opportunity.flags.ignore_validate = False
		before = frappe.db.count("Opportunity Stage History", {"opportunity": opportunity.name})
		try:
			opportunity.save(ignore_permissions=True)
		except frappe.ValidationError:
			frappe.clear_messages()
			return  # a stage rule refused this move: the numbering was checked above
		moved = frappe.get_all(
			"Opportunity Stage History",
			filters={"opportunity": opportunity.name},
			pluck="name",
			order_by="name desc",
			limit=1,
		)[0]
		self.assertEqual(
			frappe.db.count("Opportunity Stage History", {"opportunity": opportunity.name}), before + 1
		)
		self.assertGreater(moved, max(demo_numbers))

	def test_a_large_run_keeps_only_its_latest_names(self):
		from opportunity_plus.demo import loader

		keep, pool = loader.ALL_NAMES_UP_TO, loader.SALES_FLOW_POOL
		loader.ALL_NAMES_UP_TO, loader.SALES_FLOW_POOL = 30, 10
		try:
			result = make_demo(50, seed=6, commit=False, with_sales_flow=False)
		finally:
			loader.ALL_NAMES_UP_TO, loader.SALES_FLOW_POOL = keep, pool
		self.assertEqual(result["opportunities"], 50)
		self.assertFalse(result["all_names"])
		self.assertEqual(len(result["names"]), 10)
		latest = frappe.get_all("Opportunity", order_by="creation desc", pluck="name", limit=1)
		self.assertTrue(set(result["names"]) <= set(frappe.get_all("Opportunity", pluck="name")))
		self.assertTrue(latest)

	def test_the_bench_command_is_registered(self):
		from opportunity_plus.commands import commands

		command = {c.name: c for c in commands}["opportunity-plus-demo"]
		self.assertEqual({p.name for p in command.params} >= {"count", "seed"}, True)
