"""The integer keys of opportunities and Sales Stages (overrides/stage_keys.py) and the stays per
opportunity, pipeline and stage kept with them (overrides/stays_by_stage.py): keys given by the server,
never by a request, kept through renames; stays kept on every move and rebuilt exactly from history."""

import frappe
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.overrides.stage_keys import backfill_keys
from opportunity_plus.overrides.stays_by_stage import rebuild_stays
from opportunity_plus.tests.test_server_fields import rest_insert, rest_update
from opportunity_plus.tests.utils import make_opportunity, make_user

SALES = "opp-plus-stage-keys@example.com"
MANAGER = "opp-plus-stage-keys-manager@example.com"


STAY_FIELDS = [
	"sales_stage",
	"sales_pipeline",
	"opportunity_key",
	"stage_key",
	"stays",
	"first_leave",
	"in_stage_now",
]


def stays_of(opportunity: str, fields=None) -> list[tuple]:
	return [
		tuple(row)
		for row in frappe.get_all(
			"Opportunity Stage Stay",
			filters={"opportunity": opportunity},
			fields=fields or STAY_FIELDS,
			order_by="sales_stage asc, sales_pipeline asc",
			as_list=True,
		)
	]


def move(opp, *stages):
	for stage in stages:
		opp.sales_stage = stage
		opp.save()
	return opp


def stage_key(stage: str) -> int:
	return frappe.db.get_value("Sales Stage", stage, "stage_key")


class TestStageKeys(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(SALES, ["Sales User"])
		make_user(MANAGER, ["Sales Manager"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_every_new_opportunity_gets_its_own_key_and_a_request_cannot_choose_it(self):
		first, second = make_opportunity(), make_opportunity()
		self.assertGreater(first.opportunity_key, 0)
		self.assertNotEqual(first.opportunity_key, second.opportunity_key)

		frappe.set_user(SALES)
		template = make_opportunity(save=False).as_dict()
		forged = rest_insert(
			{**{k: v for k, v in template.items() if v is not None}, "opportunity_key": first.opportunity_key}
		)
		rest_update("Opportunity", second.name, {"opportunity_key": first.opportunity_key, "title": "x"})
		frappe.set_user("Administrator")

		self.assertNotIn(forged.opportunity_key, (0, first.opportunity_key))
		self.assertEqual(
			frappe.db.get_value("Opportunity", second.name, "opportunity_key"), second.opportunity_key
		)

	def test_every_move_adds_the_stay_it_ended_and_marks_the_stage_the_opportunity_is_back_in(self):
		opp = move(make_opportunity(), "Qualification", "Needs Analysis", "Qualification")
		key, pipeline = opp.opportunity_key, opp.sales_pipeline
		p, q, n = (stage_key(s) for s in ("Prospecting", "Qualification", "Needs Analysis"))
		self.assertEqual(
			stays_of(opp.name),
			[
				("Needs Analysis", pipeline, key, n, 1, 1, 0),
				("Prospecting", pipeline, key, p, 1, 1, 0),
				("Qualification", pipeline, key, q, 1, 1, 1),  # back in Qualification
			],
		)
		move(opp, "Needs Analysis")
		self.assertEqual(
			stays_of(opp.name),
			[
				("Needs Analysis", pipeline, key, n, 1, 1, 1),
				("Prospecting", pipeline, key, p, 1, 1, 0),
				("Qualification", pipeline, key, q, 2, 1, 0),  # two stays, one opportunity
			],
		)

	def test_an_opportunity_written_without_its_hooks_gets_a_key_at_its_next_move(self):
		opp = make_opportunity()
		frappe.db.set_value("Opportunity", opp.name, "opportunity_key", 0, update_modified=False)
		move(frappe.get_doc("Opportunity", opp.name), "Qualification")
		key = frappe.db.get_value("Opportunity", opp.name, "opportunity_key")
		self.assertGreater(key, 0)
		self.assertEqual(stays_of(opp.name, ["sales_stage", "opportunity_key"]), [("Prospecting", key)])

	def test_stays_go_with_their_opportunity(self):
		opp = move(make_opportunity(), "Qualification")
		self.assertEqual(len(stays_of(opp.name)), 1)
		frappe.delete_doc("Opportunity", opp.name)
		self.assertEqual(stays_of(opp.name), [])

	def test_a_sales_stage_keeps_its_key_through_a_rename_and_a_forged_update(self):
		name = frappe.get_doc({"doctype": "Sales Stage", "stage_name": "Stage Keys Test"}).insert().name
		key = stage_key(name)
		self.assertGreater(key, 0)
		self.assertNotEqual(key, stage_key("Prospecting"))

		frappe.set_user(MANAGER)
		rest_update("Sales Stage", name, {"stage_key": stage_key("Prospecting")})
		frappe.set_user("Administrator")
		self.assertEqual(stage_key(name), key)

		renamed = frappe.rename_doc("Sales Stage", name, "Stage Keys Test Renamed", force=True)
		self.assertEqual(stage_key(renamed), key)

	def test_stays_rebuilt_from_history_match_those_kept_on_every_move(self):
		opps = [
			move(make_opportunity(), "Qualification", "Needs Analysis", "Qualification"),
			move(make_opportunity(), "Qualification"),
		]
		fields = [*STAY_FIELDS, "opportunity", "seconds_in_stage"]
		everything = frappe.get_all(
			"Opportunity Stage Stay", fields=fields, order_by="opportunity, sales_stage"
		)
		kept = [stays_of(opp.name, fields) for opp in opps]
		self.assertEqual([len(rows) for rows in kept], [3, 1])
		frappe.db.delete("Opportunity Stage Stay")
		rebuild_stays()
		self.assertEqual([stays_of(opp.name, fields) for opp in opps], kept)
		rebuilt = frappe.get_all("Opportunity Stage Stay", fields=fields, order_by="opportunity, sales_stage")
		self.assertEqual(rebuilt, everything, "every opportunity's stays, not only these")

	def test_the_backfill_numbers_opportunities_after_the_largest_key(self):
		opp = make_opportunity()
		frappe.db.set_value("Opportunity", opp.name, "opportunity_key", 0, update_modified=False)
		largest = frappe.db.sql("select max(opportunity_key) from tabOpportunity")[0][0]
		backfill_keys()
		self.assertEqual(frappe.db.get_value("Opportunity", opp.name, "opportunity_key"), largest + 1)
		self.assertGreater(make_opportunity().opportunity_key, largest + 1, "the sequence went past it")
