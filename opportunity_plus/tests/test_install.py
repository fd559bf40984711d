import frappe
from frappe.installer import install_app, remove_app
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.overrides.stage_keys import SEQUENCES as KEY_SEQUENCES
from opportunity_plus.setup.custom_fields import PROPERTY_SETTERS, get_custom_fields
from opportunity_plus.setup.indexes import INDEXES, RETIRED_INDEXES, SEQUENCES
from opportunity_plus.setup.install import after_migrate
from opportunity_plus.tests.utils import on_throwaway_site

APP = "opportunity_plus"


def comparable(rows) -> list[tuple]:
	"""Rows in a stable order, whatever mix of values and NULLs their columns hold."""
	return sorted(tuple("" if value is None else str(value) for value in row) for row in rows)


DOCTYPES = [
	"Sales Pipeline",
	"Sales Pipeline Stage",
	"Opportunity Label",
	"Opportunity Label Detail",
	"Opportunity Follower",
	"Opportunity Plus Settings",
	"Opportunity Win Factor",
	"Opportunity Stage Stay",
]
FIELDS = [field["fieldname"] for field in get_custom_fields()["Opportunity"]]


def our_property_setters() -> int:
	return sum(
		frappe.db.count(
			"Property Setter",
			{"doc_type": doctype, "field_name": fieldname or ("is", "not set"), "property": prop},
		)
		for doctype, fieldname, prop, _value, _type in PROPERTY_SETTERS
	)


def has_sequence(name: str) -> bool:
	return bool(
		frappe.db.sql(
			"""select 1 from information_schema.tables
			where table_schema = database() and table_name = %s and table_type = 'SEQUENCE'""",
			(name,),
		)
	)


def reset_hooks():
	"""bench runs install and uninstall in their own processes; in one process, forget cached hooks."""
	frappe.clear_cache()
	frappe.local.doc_events_hooks = None


@on_throwaway_site
class TestInstall(FrappeTestCase):
	def assert_installed(self):
		for doctype in DOCTYPES:
			self.assertTrue(frappe.db.exists("DocType", doctype), doctype)
		meta = frappe.get_meta("Opportunity", cached=False)
		for fieldname in FIELDS:
			self.assertTrue(meta.has_field(fieldname), fieldname)
		self.assertEqual(our_property_setters(), len(PROPERTY_SETTERS))
		self.assertFalse(meta.get_field("title").hidden)
		self.assertEqual(frappe.db.get_value("Sales Pipeline", {"is_default": 1}), "Main Pipeline")
		self.assertEqual(
			frappe.db.get_single_value("Opportunity Plus Settings", "default_pipeline"), "Main Pipeline"
		)
		for doctype, name, _columns in INDEXES:  # the board and report queries rely on them
			self.assertTrue(frappe.db.has_index(f"tab{doctype}", name), name)
		for doctype, name in RETIRED_INDEXES:
			self.assertFalse(frappe.db.has_index(f"tab{doctype}", name), name)
		for name in SEQUENCES + KEY_SEQUENCES:  # history and stays rows, opportunity and stage keys
			self.assertTrue(has_sequence(name), name)
		# every opportunity and stage has its key, those the site had before the app too
		self.assertFalse(frappe.db.exists("Opportunity", {"opportunity_key": 0}))
		self.assertFalse(frappe.db.exists("Sales Stage", {"stage_key": 0}))
		self.assertEqual(frappe.get_meta("Opportunity Stage History").autoname, "autoincrement")

	def test_installed_site_has_doctypes_fields_and_default_pipeline(self):
		self.assert_installed()
		stages = frappe.get_all(
			"Sales Pipeline Stage", {"parent": "Main Pipeline"}, ["sales_stage", "stage_type"], order_by="idx"
		)
		self.assertEqual(stages[0].sales_stage, "Prospecting")
		self.assertEqual([s.stage_type for s in stages[-2:]], ["Won", "Lost"])

	def test_migrate_twice_changes_nothing(self):
		after_migrate()
		counts = (
			frappe.db.count("Custom Field"),
			frappe.db.count("Property Setter"),
			frappe.db.count("Sales Pipeline"),
		)
		modified = frappe.db.get_value("Sales Pipeline", "Main Pipeline", "modified")
		after_migrate()
		self.assertEqual(
			counts,
			(
				frappe.db.count("Custom Field"),
				frappe.db.count("Property Setter"),
				frappe.db.count("Sales Pipeline"),
			),
		)
		self.assertEqual(modified, frappe.db.get_value("Sales Pipeline", "Main Pipeline", "modified"))

	def test_uninstall_leaves_nothing_and_reinstall_works(self):
		remove_app(APP, yes=True, no_backup=True)
		reset_hooks()
		try:
			self.assertNotIn(APP, frappe.get_installed_apps())
			for doctype in DOCTYPES:
				self.assertFalse(frappe.db.exists("DocType", doctype), doctype)
				self.assertFalse(frappe.db.table_exists(doctype), doctype)
			self.assertFalse(
				frappe.db.exists("Custom Field", {"dt": "Opportunity", "fieldname": ("in", FIELDS)})
			)
			columns = frappe.db.get_table_columns("Opportunity")
			self.assertFalse(set(FIELDS) & set(columns))
			self.assertEqual(our_property_setters(), 0)
			for table in ("tabOpportunity", "tabOpportunity Lost Reason Detail"):
				self.assertFalse(
					frappe.db.sql(f"show index from `{table}` where Key_name like 'opportunity\\_plus\\_%%'"),
					table,
				)
			self.assertFalse(frappe.db.exists("Module Def", "Opportunity Plus"))
			for name in SEQUENCES + KEY_SEQUENCES:
				self.assertFalse(has_sequence(name), name)
			self.assertNotIn("stage_key", frappe.db.get_table_columns("Sales Stage"))
			self.assertFalse(
				frappe.db.sql("select name from tabSeries where name like 'OPPORTUNITY-PLUS-CODE:%'")
			)
			self.assertTrue(frappe.get_meta("Opportunity", cached=False).get_field("title").hidden)
		finally:
			install_app(APP)
			frappe.db.commit()
			reset_hooks()
		self.assert_installed()

	def test_history_with_random_names_is_renumbered_in_time_order(self):
		"""The v1.3 patch: a site whose history rows have random varchar names gets them numbered."""
		from opportunity_plus.overrides.stage_history import (
			HISTORY_SEQUENCE,
			HISTORY_TABLE,
			history_has_autoincrement_names,
			renumber_history,
			reserve_history_names,
		)

		history = frappe.qb.DocType("Opportunity Stage History")
		insert = frappe.qb.into(history).columns(
			history.name, history.opportunity, history.to_stage, history.changed_on, history.creation
		)
		for number, at in zip(
			reserve_history_names(3), ("2026-03-02", "2026-03-01", "2026-03-03"), strict=True
		):
			insert = insert.insert(number, "OPP-RENUMBER-TEST", "Prospecting", at, at)
		insert.run()
		columns = (
			"opportunity, from_stage, to_stage, changed_on, creation, seconds_in_from_stage, first_leave"
		)
		before = frappe.db.sql(f"select {columns} from `{HISTORY_TABLE}`")
		try:
			# as a site written by 1.2: varchar names made of random hashes
			frappe.db.sql_ddl(f"alter table `{HISTORY_TABLE}` modify `name` varchar(140) not null")
			frappe.db.sql(f"update `{HISTORY_TABLE}` set `name` = left(md5(concat(rand(), `name`)), 10)")
			frappe.db.commit()
			self.assertFalse(history_has_autoincrement_names())

			renumber_history()
			self.assertTrue(history_has_autoincrement_names())
			after = frappe.db.sql(f"select {columns} from `{HISTORY_TABLE}` order by name")
			self.assertEqual(comparable(after), comparable(before))  # every row, unchanged
			in_time = [(row[3], row[4]) for row in after]
			self.assertEqual(in_time, sorted(in_time))  # numbered in time order
			count = len(after)
			self.assertEqual(
				frappe.db.sql(f"select min(name), max(name) from `{HISTORY_TABLE}`")[0], (1, count)
			)
			# the next move continues after the last number
			self.assertGreater(frappe.db.sql(f"select nextval(`{HISTORY_SEQUENCE}`)")[0][0], count)

			renumber_history()  # again: a migrated site is left as it is
			self.assertEqual(frappe.db.sql(f"select {columns} from `{HISTORY_TABLE}` order by name"), after)
		finally:
			frappe.db.delete("Opportunity Stage History", {"opportunity": "OPP-RENUMBER-TEST"})
			after_migrate()  # the app's indexes on the new table
			frappe.db.commit()
		for doctype, name, _columns in INDEXES:
			self.assertTrue(frappe.db.has_index(f"tab{doctype}", name), name)
