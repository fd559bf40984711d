"""Giving opportunities their code from the template in Opportunity Plus Settings."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import getdate

from opportunity_plus.messages import bold
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.opportunity_code import CodeContext, format_code, series_key

# Counters live in Frappe's own `tabSeries`, one row per series, under this prefix.
SERIES_PREFIX = "OPPORTUNITY-PLUS-CODE:"
MAX_ATTEMPTS = 1000


def get_code_settings():
	return frappe.get_cached_doc("Opportunity Plus Settings")


def next_counter(key: str, start: int) -> int:
	"""Take the next number of a series (safe with concurrent inserts)."""
	return reserve_numbers(key, 1, start)


def reserve_numbers(key: str, count: int, start: int = 1) -> int:
	"""Take ``count`` consecutive numbers of a ``tabSeries`` counter in one atomic upsert; returns the
	first of them. A new counter starts at ``start``, an existing one continues after its value.

	The upsert takes the row's exclusive lock at once, so concurrent transactions queue on it
	instead of deadlocking as a read-then-insert would. The lock is held until commit.
	"""
	series = DocType("Series")
	(
		frappe.qb.into(series)
		.columns(series.name, series.current)
		.insert(key, max(start, 1) + count - 1)
		.on_duplicate_key_update(series.current, series.current + count)
		.run()
	)
	end = int(frappe.qb.from_(series).select(series.current).where(series.name == key).run()[0][0])
	return end - count + 1


def code_context(doc) -> CodeContext:
	company_abbr = frappe.get_cached_value("Company", doc.company, "abbr") if doc.company else ""
	pipeline_abbr = (
		frappe.get_cached_value("Sales Pipeline", doc.sales_pipeline, "abbreviation")
		if doc.sales_pipeline
		else ""
	)
	return CodeContext(
		on=getdate(doc.transaction_date or frappe.utils.nowdate()),
		company_abbr=company_abbr or "",
		pipeline_abbr=pipeline_abbr or "",
	)


def new_code(doc) -> str:
	settings = get_code_settings()
	try:
		prefix, suffix, digits = series_key(settings.code_template, code_context(doc))
	except RuleError as e:
		frappe.throw(e.translated(_), title=_("Opportunity Code"))
	key = f"{SERIES_PREFIX}{prefix}{{#}}{suffix}"[:100]
	for _attempt in range(MAX_ATTEMPTS):
		code = format_code(prefix, next_counter(key, settings.code_counter_start or 1), digits, suffix)
		# a code typed by hand may already hold the next number: skip it
		if not frappe.db.exists("Opportunity", {"opportunity_code": code}):
			return code
	frappe.throw(_("Could not find a free opportunity code for series {0}.").format(bold(prefix)))


def set_code(doc) -> None:
	"""Give a new opportunity its code; keep a typed code only when the settings allow editing."""
	settings = get_code_settings()
	editable = bool(settings.allow_code_edit)
	before = doc.get_doc_before_save()
	if doc.is_new() or not (before and before.opportunity_code):
		# new, or made before the app was installed: give it its code now
		if not (editable and doc.opportunity_code):
			doc.opportunity_code = new_code(doc)
	elif before and doc.opportunity_code != before.opportunity_code:
		if not editable:
			frappe.throw(
				_(
					"Opportunity codes cannot be edited. A System Manager can allow it in Opportunity Plus Settings."
				),
				title=_("Opportunity Code"),
			)
		if not doc.opportunity_code:
			frappe.throw(_("The opportunity code cannot be empty."), title=_("Opportunity Code"))

	doc.opportunity_code = (doc.opportunity_code or "").strip()
	duplicate = frappe.db.get_value(
		"Opportunity", {"opportunity_code": doc.opportunity_code, "name": ("!=", doc.name)}, "name"
	)
	if duplicate:
		frappe.throw(
			_("Opportunity code {0} is already used by {1}.").format(
				bold(doc.opportunity_code),
				frappe.utils.get_link_to_form("Opportunity", duplicate),  # safe-html: Frappe link to a name
			),
			frappe.DuplicateEntryError,
			title=_("Opportunity Code"),
		)


def delete_counters() -> None:
	series = DocType("Series")
	frappe.qb.from_(series).delete().where(series.name.like(f"{SERIES_PREFIX}%")).run()
