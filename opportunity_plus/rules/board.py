"""The Opportunity Board as plain rules: which filters it accepts, how cards and columns read, and
where a dropped card goes in its column.

The adapter (``opportunity_plus.api.board``) turns the conditions returned here into database
queries; nothing here builds SQL.
"""

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from opportunity_plus.rules import RuleError, _
from opportunity_plus.rules.pipeline import LOST, WON, Stage

DAY_SECONDS = 24 * 60 * 60
DEFAULT_PAGE_LENGTH = 20
MAX_PAGE_LENGTH = 100
MAX_START = 10_000_000
MAX_TEXT_LENGTH = 140
MAX_LIST_LENGTH = 50

# Where a moved card goes: ranks are floats, lower first; a new gap is one STEP wide.
RANK_STEP = 1.0
MIN_RANK_GAP = 1e-6


@dataclass(frozen=True)
class FilterSpec:
	"""One filter the board accepts: the field it applies to, the operator and the value type."""

	field: str
	operator: str
	kind: str  # "text", "date" or "list"


# The whitelist: nothing else reaches the database. Keys are the names used in the URL.
FILTERS: dict[str, FilterSpec] = {
	"owner": FilterSpec("opportunity_owner", "=", "text"),
	"label": FilterSpec("label", "any", "list"),
	"company": FilterSpec("company", "=", "text"),
	"opportunity_type": FilterSpec("opportunity_type", "=", "text"),
	"closing_from": FilterSpec("expected_closing", ">=", "date"),
	"closing_to": FilterSpec("expected_closing", "<=", "date"),
	"search": FilterSpec("search", "contains", "text"),
}
# Fields a free text search looks in.
SEARCH_FIELDS = ("title", "party_name", "customer_name", "opportunity_code")


@dataclass(frozen=True)
class Condition:
	field: str
	operator: str
	value: object


def parse_filters(raw) -> dict:
	"""Validate the filters sent by the board; return them normalised (empty values dropped).

	``raw`` is a dict or its JSON text. Unknown filters, wrong value types and impossible dates are
	refused with a RuleError naming the filter.
	"""
	if raw in (None, "", {}):
		return {}
	if isinstance(raw, str):
		try:
			raw = json.loads(raw)
		except ValueError:
			raise RuleError(_("The board filters could not be read.")) from None
	if not isinstance(raw, Mapping):
		raise RuleError(_("The board filters could not be read."))

	filters = {}
	for key, value in raw.items():
		spec = FILTERS.get(key)
		if not spec:
			raise RuleError(_("The board cannot filter by {filter}."), filter=str(key)[:MAX_TEXT_LENGTH])
		value = _parse_value(key, spec, value)
		if value not in (None, "", []):
			filters[key] = value

	if (
		filters.get("closing_from")
		and filters.get("closing_to")
		and filters["closing_from"] > filters["closing_to"]
	):
		raise RuleError(_("The expected closing range starts after it ends."))
	return filters


def _parse_value(key: str, spec: FilterSpec, value):
	if value is None:
		return None
	if spec.kind == "list":
		if isinstance(value, str):
			value = [part for part in value.split(",")]
		if not isinstance(value, list | tuple) or len(value) > MAX_LIST_LENGTH:
			raise RuleError(_("The filter {filter} needs a list of values."), filter=key)
		items = []
		for item in value:
			if not isinstance(item, str) or len(item) > MAX_TEXT_LENGTH:
				raise RuleError(_("The filter {filter} needs a list of values."), filter=key)
			item = item.strip()
			if item and item not in items:
				items.append(item)
		return items
	if not isinstance(value, str):
		raise RuleError(_("The filter {filter} needs a text value."), filter=key)
	value = value.strip()
	if len(value) > MAX_TEXT_LENGTH:
		raise RuleError(_("The filter {filter} is too long."), filter=key)
	if spec.kind == "date" and value:
		try:
			return date.fromisoformat(value).isoformat()
		except ValueError:
			raise RuleError(_("The filter {filter} needs a date (YYYY-MM-DD)."), filter=key) from None
	return value


def filter_conditions(filters: Mapping) -> list[Condition]:
	"""The conditions of already parsed filters, in the whitelist's order."""
	conditions = []
	for key, spec in FILTERS.items():
		value = filters.get(key)
		if value in (None, "", []):
			continue
		if spec.operator == "contains":
			value = like_pattern(value)
		conditions.append(Condition(spec.field, spec.operator, value))
	return conditions


def like_pattern(text: str) -> str:
	"""A LIKE pattern matching ``text`` anywhere, with the wildcards of ``text`` taken literally."""
	escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
	return f"%{escaped}%"


def page_bounds(start, page_length) -> tuple[int, int]:
	"""Validated paging: start >= 0, 1 <= page_length <= MAX_PAGE_LENGTH."""
	try:
		start = int(start or 0)
		page_length = int(page_length or DEFAULT_PAGE_LENGTH)
	except (TypeError, ValueError):
		raise RuleError(_("Paging values must be whole numbers.")) from None
	if not 0 <= start <= MAX_START:
		raise RuleError(_("Paging values are out of range."))
	return start, min(max(page_length, 1), MAX_PAGE_LENGTH)


# ---------------------------------------------------------------------------------------- cards


def days_in_stage(entered_on: datetime | None, now: datetime) -> int | None:
	"""Whole days since the card entered its stage (None when unknown)."""
	if not entered_on:
		return None
	return max(0, int((now - entered_on).total_seconds() // DAY_SECONDS))


def is_stale(days: int | None, stage: Stage | None) -> bool:
	"""Stale ("rotting") when the card stayed longer than the stage allows; 0 days means never."""
	if days is None or not stage or stage.is_closed:
		return False
	limit = stage.stale_after_days or 0
	return limit > 0 and days > limit


def is_overdue(expected_closing: date | None, today: date, stage: Stage | None) -> bool:
	"""An open opportunity whose expected closing date has passed."""
	if not expected_closing or (stage and stage.is_closed):
		return False
	return expected_closing < today


def weighted_amount(amount: float | None, probability: float | None) -> float:
	return (amount or 0) * (probability or 0) / 100


def card_flags(
	entered_on: datetime | None, expected_closing: date | None, stage: Stage | None, now: datetime
) -> dict:
	days = days_in_stage(entered_on, now)
	return {
		"days_in_stage": days,
		"is_stale": is_stale(days, stage),
		"is_overdue": is_overdue(expected_closing, now.date(), stage),
	}


def column_totals(stages: Sequence[Stage], rows: Iterable[Mapping]) -> dict[str, dict]:
	"""Per stage: count, amount and weighted amount from aggregate rows; zero for empty stages."""
	totals = {stage.sales_stage: {"count": 0, "amount": 0.0, "weighted": 0.0} for stage in stages}
	for row in rows:
		if row["sales_stage"] in totals:
			totals[row["sales_stage"]] = {
				"count": int(row["count"] or 0),
				"amount": float(row["amount"] or 0),
				"weighted": float(row["weighted"] or 0),
			}
	return totals


def stage_view(stage: Stage) -> dict:
	"""What the board needs of a stage to draw its column."""
	return {
		"sales_stage": stage.sales_stage,
		"stage_type": stage.stage_type,
		"color": stage.color,
		"probability": stage.probability,
		"stale_after_days": stage.stale_after_days or 0,
		"is_closed": stage.is_closed,
		"require_amount": stage.require_amount,
		"require_lost_reasons": stage.require_lost_reasons or stage.stage_type == LOST,
		"require_submitted_quotation": stage.require_submitted_quotation,
		"collapsible": stage.stage_type in (WON, LOST),
	}


# ---------------------------------------------------------------------------------------- moves


def rank_between(above: float | None, below: float | None) -> float | None:
	"""A rank for a card dropped between two neighbours (None where there is no neighbour).

	Returns None when the neighbours are too close (or equal) to fit a rank between them: the
	caller then renumbers the cards above the drop place with :func:`ranks_above`.
	"""
	if above is None and below is None:
		return 0.0
	if above is None:
		return below - RANK_STEP
	if below is None:
		return above + RANK_STEP
	if below - above > MIN_RANK_GAP:
		middle = (above + below) / 2
		if above < middle < below and math.isfinite(middle):
			return middle
	return None


def ranks_above(count: int, below: float | None) -> list[float]:
	"""Ranks for ``count`` cards (top first) that must all come before a card ranked ``below``."""
	base = 0.0 if below is None else below
	return [base - RANK_STEP * (count - index) for index in range(count)]


def names_of(values, key: str) -> list[str]:
	"""Names from a MultiSelect (["a"]) or a Table MultiSelect ([{key: "a"}]) value, deduplicated."""
	if values in (None, ""):
		return []
	if isinstance(values, str):
		try:
			values = json.loads(values)
		except ValueError:
			values = [values]
	if isinstance(values, Mapping) or not isinstance(values, list | tuple):
		values = [values]
	names = []
	for value in values:
		name = value.get(key) if isinstance(value, Mapping) else value
		if isinstance(name, str) and name.strip() and name.strip() not in names:
			names.append(name.strip())
	return names


def check_lost_move(stage: Stage, lost_reasons: Sequence[str]) -> None:
	"""A move to a Lost stage (or one requiring reasons) needs at least one lost reason."""
	if (stage.stage_type == LOST or stage.require_lost_reasons) and not lost_reasons:
		raise RuleError(
			_("Choose at least one lost reason to move the opportunity to {stage}."), stage=stage.sales_stage
		)


PARTY_TYPES = ("Lead", "Customer")


def check_quick_add(stage: Stage | None, stage_name: str, party_type: str) -> None:
	"""Quick add creates opportunities in open stages, for a lead or a customer."""
	if not stage:
		raise RuleError(_("Sales Stage {stage} is not part of this pipeline."), stage=stage_name)
	if stage.is_closed:
		raise RuleError(
			_("New opportunities cannot start in {stage}: add them to an open stage, then move them."),
			stage=stage_name,
		)
	if party_type not in PARTY_TYPES:
		raise RuleError(_("An opportunity from the board is for a Lead or a Customer."))
