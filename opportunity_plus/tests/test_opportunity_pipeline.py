import frappe
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.tests.utils import DEFAULT_PIPELINE, lost_reason, make_opportunity, make_pipeline


class TestOpportunityPipeline(FrappeTestCase):
	def test_new_opportunity_gets_default_pipeline_first_stage_probability_and_code(self):
		opp = make_opportunity()
		self.assertEqual(opp.sales_pipeline, DEFAULT_PIPELINE)
		self.assertEqual(opp.sales_stage, "Prospecting")
		self.assertEqual(opp.probability, 10)
		self.assertEqual(opp.status, "Open")
		self.assertTrue(opp.stage_entered_on)
		self.assertRegex(opp.opportunity_code, r"^CH-\d{6}-\d{5}$")

	def test_codes_increase_within_a_series(self):
		first = make_opportunity().opportunity_code
		second = make_opportunity().opportunity_code
		self.assertEqual(first[:-5], second[:-5])
		self.assertEqual(int(second[-5:]), int(first[-5:]) + 1)

	def test_stage_outside_the_pipeline_is_refused_naming_both(self):
		make_pipeline("Test Other Pipeline", [("Test Intake", "Open", 5)])
		opp = make_opportunity()
		opp.sales_stage = "Test Intake"
		with self.assertRaises(frappe.ValidationError) as error:
			opp.save()
		self.assertIn("Test Intake", str(error.exception))
		self.assertIn(DEFAULT_PIPELINE, str(error.exception))

	def test_move_applies_stage_probability_unless_typed(self):
		opp = make_opportunity()
		opp.sales_stage = "Qualification"
		opp.save()
		self.assertEqual(opp.probability, 20)
		opp.sales_stage = "Needs Analysis"
		opp.probability = 55
		opp.save()
		self.assertEqual(opp.reload().probability, 55)

	def test_history_flags_the_first_time_out_of_a_stage_at_all_and_per_pipeline(self):
		from opportunity_plus.overrides.stage_history import first_leaves

		opp = make_opportunity()
		first = opp.sales_stage
		opp.sales_stage = "Qualification"
		opp.save()
		row = frappe.get_all(
			"Opportunity Stage History",
			filters={"opportunity": opp.name, "from_stage": first},
			fields=["first_leave", "first_leave_in_pipeline"],
		)
		self.assertEqual([(r.first_leave, r.first_leave_in_pipeline) for r in row], [(1, 1)])
		self.assertEqual(first_leaves(opp.name, DEFAULT_PIPELINE, first), (0, 0))
		self.assertEqual(first_leaves(opp.name, "Some Other Pipeline", first), (0, 1))
		self.assertEqual(first_leaves(opp.name, DEFAULT_PIPELINE, "Qualification"), (1, 1))
		self.assertEqual(first_leaves(opp.name, DEFAULT_PIPELINE, None), (0, 0))

	def test_requirements_block_a_move_with_a_clear_message(self):
		opp = make_opportunity()
		opp.sales_stage = "Proposal/Price Quote"
		with self.assertRaises(frappe.ValidationError) as error:
			opp.save()
		self.assertIn("needs an amount", str(error.exception))
		opp.reload()
		opp.opportunity_amount = 1000
		opp.sales_stage = "Proposal/Price Quote"
		opp.save()
		self.assertEqual(opp.reload().sales_stage, "Proposal/Price Quote")

	def test_won_converts_lost_needs_reasons_and_open_stage_reopens(self):
		opp = make_opportunity()
		opp.sales_stage = "Won"
		opp.save()
		self.assertEqual(opp.reload().status, "Converted")
		self.assertEqual(opp.probability, 100)

		opp.sales_stage = "Lost"
		with self.assertRaises(frappe.ValidationError) as error:
			opp.save()
		self.assertIn("lost reason", str(error.exception))
		opp.reload()
		opp.sales_stage = "Lost"
		opp.append("lost_reasons", {"lost_reason": lost_reason()})
		opp.save()
		self.assertEqual(opp.reload().status, "Lost")

		opp.sales_stage = "Qualification"
		opp.save()
		self.assertEqual(opp.reload().status, "Open")

	def test_a_lost_reason_or_competitor_listed_twice_is_kept_once(self):
		if not frappe.db.exists("Competitor", "Twice Rival"):
			frappe.get_doc({"doctype": "Competitor", "competitor_name": "Twice Rival"}).insert()
		opp = make_opportunity()
		opp.sales_stage = "Lost"
		for reason in (lost_reason(), lost_reason("Went quiet"), lost_reason()):
			opp.append("lost_reasons", {"lost_reason": reason})
		for _ in range(2):
			opp.append("competitors", {"competitor": "Twice Rival"})
		opp.save()
		opp.reload()
		self.assertEqual(
			[(row.idx, row.lost_reason) for row in opp.lost_reasons],
			[(1, lost_reason()), (2, "Went quiet")],
		)
		self.assertEqual([row.competitor for row in opp.competitors], ["Twice Rival"])

	def test_native_declare_lost_moves_to_the_lost_stage(self):
		opp = make_opportunity()
		opp.declare_enquiry_lost([{"lost_reason": lost_reason()}], [], "Went elsewhere")
		opp.reload()
		self.assertEqual((opp.status, opp.sales_stage), ("Lost", "Lost"))

	def test_changing_pipeline_restarts_unless_the_stage_exists_there(self):
		make_pipeline("Test Shared Pipeline", [("Test Intake", "Open", 5), ("Qualification", "Open", 25)])
		opp = make_opportunity()
		opp.sales_stage = "Qualification"
		opp.save()
		opp.sales_pipeline = "Test Shared Pipeline"
		opp.save()
		self.assertEqual(opp.reload().sales_stage, "Qualification")

		opp2 = make_opportunity()
		opp2.sales_stage = "Needs Analysis"
		opp2.save()
		opp2.sales_pipeline = "Test Shared Pipeline"
		opp2.save()
		self.assertEqual((opp2.reload().sales_stage, opp2.probability), ("Test Intake", 5))

	def test_disabled_pipeline_cannot_take_new_opportunities(self):
		make_pipeline("Test Disabled Pipeline", [("Test Intake", "Open", 5)], disabled=1)
		with self.assertRaises(frappe.ValidationError) as error:
			make_opportunity(sales_pipeline="Test Disabled Pipeline")
		self.assertIn("disabled", str(error.exception))

	def test_codes_cannot_be_edited_unless_allowed(self):
		opp = make_opportunity()
		opp.opportunity_code = "HAND-1"
		with self.assertRaises(frappe.ValidationError):
			opp.save()
		settings = frappe.get_single("Opportunity Plus Settings")
		settings.allow_code_edit = 1
		settings.save()
		try:
			opp.reload()
			opp.opportunity_code = "HAND-1"
			opp.save()
			other = make_opportunity()
			other.opportunity_code = "HAND-1"
			with self.assertRaises(frappe.DuplicateEntryError):
				other.save()
		finally:
			settings.allow_code_edit = 0
			settings.save()

	def test_company_currency_amount_is_set_on_the_server(self):
		opp = make_opportunity(opportunity_amount=1500, conversion_rate=1)
		self.assertEqual(opp.base_opportunity_amount, 1500)

	def test_deleting_an_opportunity_takes_its_stage_history_along(self):
		opp = make_opportunity()
		opp.sales_stage = "Qualification"
		opp.save()
		self.assertEqual(frappe.db.count("Opportunity Stage History", {"opportunity": opp.name}), 2)
		frappe.delete_doc("Opportunity", opp.name)
		self.assertFalse(frappe.db.exists("Opportunity", opp.name))
		self.assertEqual(frappe.db.count("Opportunity Stage History", {"opportunity": opp.name}), 0)

	def test_an_opportunity_made_before_the_app_gets_its_code_when_next_saved(self):
		opp = make_opportunity()
		frappe.db.set_value("Opportunity", opp.name, "opportunity_code", None)
		opp.reload()
		opp.title = "edited later"
		opp.save()
		self.assertRegex(opp.reload().opportunity_code, r"^CH-\d{6}-\d{5}$")
