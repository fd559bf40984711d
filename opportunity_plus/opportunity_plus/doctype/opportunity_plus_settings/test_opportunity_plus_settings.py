# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.api.pipeline import preview_code
from opportunity_plus.tests.utils import make_opportunity


class TestOpportunityPlusSettings(FrappeTestCase):
	def tearDown(self):
		frappe.db.rollback()
		frappe.clear_document_cache("Opportunity Plus Settings", "Opportunity Plus Settings")

	def test_unknown_keyword_is_refused_naming_it(self):
		settings = frappe.get_single("Opportunity Plus Settings")
		settings.code_template = "OPP-{YEAR}-{####}"
		with self.assertRaises(frappe.ValidationError) as error:
			settings.save()
		self.assertIn("{YEAR}", str(error.exception))

	def test_template_and_counter_start_drive_new_codes(self):
		settings = frappe.get_single("Opportunity Plus Settings")
		settings.code_template = "T{PIPELINE}-{COMPANY}-{YY}-{###}"
		settings.code_counter_start = 500
		settings.save()
		opp = make_opportunity()
		abbr = frappe.get_cached_value("Company", opp.company, "abbr")
		self.assertRegex(opp.opportunity_code, rf"^TMAIN-{abbr}-\d\d-5\d\d$")

	def test_keywords_and_preview_for_the_settings_page(self):
		settings = frappe.get_single("Opportunity Plus Settings")
		settings.run_method("onload")
		keywords = [row["keyword"] for row in settings.get_onload()["code_keywords"]]
		self.assertIn("{PIPELINE}", keywords)
		self.assertEqual(preview_code("X-{YYYY}-{###}", 7), {"example": "X-2026-007"})
		self.assertIn("{NOPE}", preview_code("X-{NOPE}-{###}")["error"])
