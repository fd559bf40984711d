# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe.model.rename_doc import rename_doc
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.tests.utils import DEFAULT_PIPELINE, make_opportunity, make_pipeline


class TestSalesPipeline(FrappeTestCase):
	def test_invalid_pipeline_is_refused_with_the_rule_message(self):
		with self.assertRaises(frappe.ValidationError) as error:
			make_pipeline("Test Bad Pipeline", [("Won", "Won", 100), ("Prospecting", "Open", 10)])
		self.assertIn("must be an Open stage", str(error.exception))

	def test_abbreviation_is_derived_from_the_name(self):
		pipeline = make_pipeline("Dự án Doanh nghiệp", [("Prospecting", "Open", 10)])
		self.assertEqual(pipeline.abbreviation, "DADN")

	def test_exactly_one_default(self):
		pipeline = make_pipeline("Test Second Pipeline", [("Prospecting", "Open", 10)], is_default=1)
		self.assertEqual(frappe.get_all("Sales Pipeline", {"is_default": 1}, pluck="name"), [pipeline.name])
		self.assertEqual(
			frappe.db.get_single_value("Opportunity Plus Settings", "default_pipeline"), pipeline.name
		)
		pipeline.is_default = 0
		with self.assertRaises(frappe.ValidationError):
			pipeline.save()
		main = frappe.get_doc("Sales Pipeline", DEFAULT_PIPELINE)
		main.is_default = 1
		main.save()
		self.assertEqual(
			frappe.get_all("Sales Pipeline", {"is_default": 1}, pluck="name"), [DEFAULT_PIPELINE]
		)

	def test_removing_a_stage_in_use_is_refused_with_count_and_link(self):
		opp = make_opportunity()
		opp.sales_stage = "Qualification"
		opp.save()
		pipeline = frappe.get_doc("Sales Pipeline", DEFAULT_PIPELINE)
		pipeline.stages = [row for row in pipeline.stages if row.sales_stage != "Qualification"]
		with self.assertRaises(frappe.LinkExistsError) as error:
			pipeline.save()
		message = str(error.exception)
		self.assertIn("Qualification", message)
		self.assertIn("/app/opportunity?", message)

	def test_removing_an_unused_stage_is_allowed(self):
		pipeline = make_pipeline(
			"Test Trim Pipeline", [("Prospecting", "Open", 10), ("Qualification", "Open", 20)]
		)
		pipeline.stages = pipeline.stages[:1]
		pipeline.save()
		self.assertEqual(len(pipeline.reload().stages), 1)

	def test_deleting_or_disabling_a_pipeline_in_use_is_refused(self):
		pipeline = make_pipeline("Test Busy Pipeline", [("Prospecting", "Open", 10)])
		make_opportunity(sales_pipeline=pipeline.name)
		pipeline.disabled = 1
		with self.assertRaises(frappe.ValidationError) as error:
			pipeline.save()
		self.assertIn("1 open opportunities", str(error.exception))
		with self.assertRaises(frappe.LinkExistsError):
			frappe.delete_doc("Sales Pipeline", pipeline.name)
		with self.assertRaises(frappe.ValidationError):
			frappe.delete_doc("Sales Pipeline", DEFAULT_PIPELINE)

	def test_renaming_a_sales_stage_keeps_pipelines_and_opportunities_consistent(self):
		make_pipeline("Test Rename Pipeline", [("Test Old Stage", "Open", 10)])
		opp = make_opportunity(sales_pipeline="Test Rename Pipeline")
		self.assertEqual(opp.sales_stage, "Test Old Stage")
		rename_doc("Sales Stage", "Test Old Stage", "Test New Stage", force=True)
		self.assertEqual(
			frappe.get_all("Sales Pipeline Stage", {"parent": "Test Rename Pipeline"}, pluck="sales_stage"),
			["Test New Stage"],
		)
		opp.reload()
		self.assertEqual(opp.sales_stage, "Test New Stage")
		opp.title = "still valid after the rename"
		opp.save()

	def test_renaming_a_pipeline_keeps_opportunities_and_settings_pointing_at_it(self):
		pipeline = make_pipeline("Test Rename Me", [("Prospecting", "Open", 10)], is_default=1)
		opp = make_opportunity()
		self.assertEqual(opp.sales_pipeline, pipeline.name)
		rename_doc("Sales Pipeline", pipeline.name, "Test Renamed", force=True)
		self.assertEqual(frappe.db.get_value("Opportunity", opp.name, "sales_pipeline"), "Test Renamed")
		self.assertEqual(
			frappe.db.get_single_value("Opportunity Plus Settings", "default_pipeline"), "Test Renamed"
		)
		opp.reload()
		opp.title = "saved after the rename"
		opp.save()
