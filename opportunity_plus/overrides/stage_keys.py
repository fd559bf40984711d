"""Small integer keys that join an opportunity to its stays in stages and group those by stage.

The by-stage report reads the stays of every opportunity of its period. Looked up by the opportunity's
name (a utf8mb4 varchar) and grouped by the stage's name, that costs more than all the rest of the
report; looked up and grouped by integers, far less. So:

- every Opportunity gets an ``opportunity_key`` from the sequence ``opportunity_plus_opportunity_key_seq``
  when it is first saved (the demo reserves blocks of them);
- every Sales Stage gets a ``stage_key`` from ``opportunity_plus_stage_key_seq`` (it survives a rename);
- the stays summed per opportunity, pipeline and stage (Opportunity Stage Stay, ``stays_by_stage.py``)
  carry both, and the report joins and groups by them.

The keys are the server's: a request cannot set them (``keep_key``). A record that has none (written
by a path that skips the document's hooks) gets one at its next stage move; ``backfill_keys`` gives
every existing record its key in one set-based statement per doctype (install and the 1.4 patch).
"""

import frappe
from frappe.query_builder.functions import Max
from pypika.analytics import RowNumber

OPPORTUNITY_KEY_SEQUENCE = "opportunity_plus_opportunity_key_seq"
STAGE_KEY_SEQUENCE = "opportunity_plus_stage_key_seq"
SEQUENCES = [OPPORTUNITY_KEY_SEQUENCE, STAGE_KEY_SEQUENCE]
LARGEST_BLOCK = 100_000
KEY_CACHE = 1000


def make_sequences() -> None:
	"""Create the key sequences (idempotent), each starting after the largest key already given."""
	for sequence, doctype, field in (
		(OPPORTUNITY_KEY_SEQUENCE, "Opportunity", "opportunity_key"),
		(STAGE_KEY_SEQUENCE, "Sales Stage", "stage_key"),
	):
		# cached: a key only has to be unique, gaps do not matter, and bulk writers take thousands
		frappe.db.create_sequence(
			sequence.removesuffix("_seq"), slug="_seq", check_not_exists=True, cache=KEY_CACHE
		)
		if frappe.db.has_column(doctype, field):
			continue_after(sequence, largest_key(doctype, field))


def drop_sequences() -> None:
	for sequence in SEQUENCES:
		frappe.db.sql_ddl(f"drop sequence if exists `{sequence}`")


def largest_key(doctype: str, field: str) -> int:
	table = frappe.qb.DocType(doctype)
	return int(frappe.qb.from_(table).select(Max(table[field])).run()[0][0] or 0)


def continue_after(sequence: str, last: int) -> None:
	"""Make ``sequence`` give numbers after ``last`` (never back: SETVAL ignores a smaller value)."""
	if last:
		frappe.db.sql(f"select setval(`{sequence}`, %s)", (int(last),))


def next_keys(sequence: str, count: int) -> list[int]:
	"""``count`` new keys from ``sequence`` (one of this module's constants), in one statement per
	block: MariaDB's Sequence engine table ``seq_1_to_N`` gives the N rows, N an integer checked here."""
	count = int(count)
	keys: list[int] = []
	while len(keys) < count:
		block = min(count - len(keys), LARGEST_BLOCK)
		keys += [row[0] for row in frappe.db.sql(f"select nextval(`{sequence}`) from seq_1_to_{block:d}")]
	return keys


def reserve_opportunity_keys(count: int) -> list[int]:
	return next_keys(OPPORTUNITY_KEY_SEQUENCE, count)


def keep_key(doc, field: str, sequence: str) -> None:
	"""A new record takes the next key from ``sequence``, a saved one keeps its own, whatever the
	request sent in ``field``."""
	if doc.is_new():
		doc.set(field, next_keys(sequence, 1)[0])
	else:
		before = doc.get_doc_before_save()
		doc.set(field, before.get(field) if before else doc.get(field))


def keep_opportunity_key(doc) -> None:
	"""Opportunity validate."""
	keep_key(doc, "opportunity_key", OPPORTUNITY_KEY_SEQUENCE)


def keep_stage_key(doc, method=None) -> None:
	"""Sales Stage validate."""
	keep_key(doc, "stage_key", STAGE_KEY_SEQUENCE)


def opportunity_key_of(doc) -> int:
	"""The opportunity's key, given now if it has none (a record written without its hooks)."""
	if not doc.get("opportunity_key"):
		doc.opportunity_key = next_keys(OPPORTUNITY_KEY_SEQUENCE, 1)[0]
		frappe.db.set_value(
			"Opportunity", doc.name, "opportunity_key", doc.opportunity_key, update_modified=False
		)
	return doc.opportunity_key


def stage_key_of(stage: str | None) -> int | None:
	"""The Sales Stage's key, given now if it has none."""
	if not stage:
		return None
	key = frappe.get_cached_value("Sales Stage", stage, "stage_key")
	if not key and frappe.db.exists("Sales Stage", stage):
		key = next_keys(STAGE_KEY_SEQUENCE, 1)[0]
		frappe.db.set_value("Sales Stage", stage, "stage_key", key, update_modified=False)
		frappe.clear_document_cache("Sales Stage", stage)
	return key or None


def stage_names_by_key() -> dict[int, str]:
	return {
		row.stage_key: row.name
		for row in frappe.get_all(
			"Sales Stage", fields=["name", "stage_key"], filters={"stage_key": (">", 0)}
		)
	}


def backfill_keys() -> None:
	"""Give every opportunity and Sales Stage without a key one, in creation order: one set-based
	statement each, whatever the size."""
	number_rows("Opportunity", "opportunity_key", OPPORTUNITY_KEY_SEQUENCE)
	number_rows("Sales Stage", "stage_key", STAGE_KEY_SEQUENCE)


def number_rows(doctype: str, field: str, sequence: str) -> None:
	"""Number the rows of ``doctype`` that have no ``field`` yet after the largest one given, in
	creation order, and move ``sequence`` past them."""
	table = frappe.qb.DocType(doctype)
	start = largest_key(doctype, field)
	order = RowNumber().orderby(table.creation, table.name)
	numbered = (
		frappe.qb.from_(table)
		.select(table.name, (order + start).as_("new_key"))
		.where((table[field] == 0) | table[field].isnull())
	).as_("numbered")
	frappe.qb.update(table).join(numbered).on(numbered.name == table.name).set(
		table[field], numbered.new_key
	).run()
	continue_after(sequence, largest_key(doctype, field))
