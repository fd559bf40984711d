"""Arithmetic of the Opportunity Analysis: rates, weighted amounts, months, funnel and forecast.

The database does the counting and summing (one row per group and status); these functions fold
those rows into the figures a sales manager reads. Nothing here imports frappe.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from opportunity_plus.rules import RuleError, _

# Native Opportunity statuses, as ERPNext sets them.
WON_STATUSES = frozenset({"Converted"})
LOST_STATUSES = frozenset({"Lost"})
# "Closed" is ERPNext's auto-close of a replied opportunity: neither open, nor won, nor lost.
NOT_OPEN_STATUSES = frozenset({"Converted", "Lost", "Closed"})

SECONDS_PER_DAY = 86400

# Groupings of the report (values of its "Group By" filter).
STAGE = "Stage"
OWNER = "Owner"
PIPELINE = "Pipeline"
MONTH = "Month"
SOURCE = "Source"
TERRITORY = "Territory"
LOST_REASON = "Lost Reason"
FORECAST = "Forecast"
GROUPINGS = (STAGE, OWNER, PIPELINE, MONTH, SOURCE, TERRITORY, LOST_REASON, FORECAST)

MAX_FORECAST_MONTHS = 36
# a month grouping makes one row a month: a range of more years is refused, not built
MAX_RANGE_YEARS = 20


def is_open(status: str | None) -> bool:
	return (status or "Open") not in NOT_OPEN_STATUSES


def rate(part: float, whole: float) -> float | None:
	"""``part`` as a percentage of ``whole``, to two decimals; None when there is nothing to divide by."""
	if not whole:
		return None
	return round(100.0 * part / whole, 2)


def weighted_amount(amount: float | None, probability: float | None) -> float:
	"""The expected value of an opportunity: its amount times its probability (in %)."""
	return (amount or 0) * (probability or 0) / 100.0


def average(total: float, count: int, digits: int = 1) -> float | None:
	if not count:
		return None
	return round(total / count, digits)


@dataclass
class Figures:
	"""The figures of one group of opportunities (a stage, an owner, a month...)."""

	opportunities: int = 0
	open: int = 0
	won: int = 0
	lost: int = 0
	amount: float = 0.0
	weighted: float = 0.0
	open_amount: float = 0.0
	open_weighted: float = 0.0
	won_amount: float = 0.0
	lost_amount: float = 0.0
	days_to_close_total: float = 0.0
	stay_seconds_total: float = 0.0
	stays: int = 0
	predicted_weighted: float = 0.0  # amount times predicted win probability (the forecast only)

	def add(
		self,
		status: str | None,
		count: int,
		amount: float | None = 0,
		weighted: float | None = 0,
		days_to_close: float | None = 0,
	) -> "Figures":
		"""Add the sums of ``count`` opportunities that all have ``status``."""
		count, amount, weighted = int(count or 0), float(amount or 0), float(weighted or 0)
		self.opportunities += count
		self.amount += amount
		self.weighted += weighted
		if status in WON_STATUSES:
			self.won += count
			self.won_amount += amount
		elif status in LOST_STATUSES:
			self.lost += count
			self.lost_amount += amount
		elif is_open(status):
			self.open += count
			self.open_amount += amount
			self.open_weighted += weighted
		if status in WON_STATUSES or status in LOST_STATUSES:
			self.days_to_close_total += float(days_to_close or 0)
		return self

	def add_stays(self, seconds_total: float | None, stays: int | None) -> "Figures":
		"""Add completed stays in a stage (from stage history): their total length and number."""
		self.stay_seconds_total += float(seconds_total or 0)
		self.stays += int(stays or 0)
		return self

	def merge(self, other: "Figures") -> "Figures":
		for name in self.__dataclass_fields__:
			setattr(self, name, getattr(self, name) + getattr(other, name))
		return self

	@property
	def closed(self) -> int:
		"""Won or lost (an opportunity closed without either counts in neither)."""
		return self.won + self.lost

	@property
	def win_rate_of_closed(self) -> float | None:
		"""Won as a share of the closed (won + lost) opportunities: the report's "Conversion Rate"."""
		return rate(self.won, self.closed)

	@property
	def win_rate_of_all(self) -> float | None:
		"""Won as a share of all opportunities: the report's "Win Rate"."""
		return rate(self.won, self.opportunities)

	@property
	def avg_days_to_close(self) -> float | None:
		return average(self.days_to_close_total, self.closed)

	@property
	def avg_days_in_stage(self) -> float | None:
		return average(self.stay_seconds_total / SECONDS_PER_DAY, self.stays)

	def as_row(self) -> dict:
		return {
			"opportunities": self.opportunities,
			"open": self.open,
			"won": self.won,
			"lost": self.lost,
			"conversion_rate": self.win_rate_of_closed,
			"win_rate": self.win_rate_of_all,
			"total_amount": round(self.amount, 2),
			"weighted_amount": round(self.weighted, 2),
			"open_amount": round(self.open_amount, 2),
			"open_weighted_amount": round(self.open_weighted, 2),
			"won_amount": round(self.won_amount, 2),
			"lost_amount": round(self.lost_amount, 2),
			"avg_days_to_close": self.avg_days_to_close,
			"avg_days_in_stage": self.avg_days_in_stage,
		}


def fold_status_rows(rows: Iterable[Sequence]) -> dict:
	"""Fold ``(key, status, count, amount, weighted, days_to_close)`` rows into Figures per key;
	rows may carry two more values, the total seconds and number of completed stays in stages.

	Keys keep the order of their first row.
	"""
	groups: dict = {}
	for key, status, count, amount, weighted, days, *stays in rows:
		figures = groups.setdefault(key, Figures()).add(status, count, amount, weighted, days)
		if stays:
			figures.add_stays(*stays)
	return groups


def merge_rows(rows: Iterable[Sequence], key_length: int) -> list[tuple]:
	"""Rows that share their first ``key_length`` values made one, the rest of their values added
	(None counts as 0); keys keep the order of their first row. The report adds the rows of days
	counted from the opportunities to those of day summaries this way."""
	merged: dict = {}
	for row in rows:
		key, values = tuple(row[:key_length]), list(row[key_length:])
		if key in merged:
			merged[key] = [add_values(a, b) for a, b in zip(merged[key], values, strict=True)]
		else:
			merged[key] = values
	return [(*key, *values) for key, values in merged.items()]


def add_values(a, b):
	a, b = a or 0, b or 0
	if isinstance(a, float) != isinstance(b, float):  # a Decimal from one query, a float from another
		return float(a) + float(b)
	return a + b


def total_of(groups: Iterable[Figures]) -> Figures:
	total = Figures()
	for figures in groups:
		total.merge(figures)
	return total


# ---------------------------------------------------------------- months


def month_key(year: int, month: int) -> str:
	return f"{int(year):04d}-{int(month):02d}"


def month_of(value: date | None) -> str | None:
	return month_key(value.year, value.month) if value else None


def month_from_number(number: int | None) -> str | None:
	"""202501 (year * 100 + month, as the database returns it) -> '2025-01'."""
	if not number:
		return None
	return month_key(int(number) // 100, int(number) % 100)


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
	index = year * 12 + (month - 1) + months
	return index // 12, index % 12 + 1


def months_between(start: date, end: date) -> list[str]:
	"""Every year-month from the month of ``start`` to the month of ``end``, both included."""
	if end < start:
		return []
	year, month = start.year, start.month
	months = []
	while (year, month) <= (end.year, end.month):
		months.append(month_key(year, month))
		year, month = add_months(year, month, 1)
	return months


def check_month_range(start: date, end: date) -> None:
	"""A month grouping over ``start``..``end`` stays a readable report (one row a month)."""
	if (end.year - start.year) * 12 + end.month - start.month >= MAX_RANGE_YEARS * 12:
		raise RuleError(
			_("Grouped by month, the dates may span at most {years} years."), years=MAX_RANGE_YEARS
		)


def forecast_months(today: date, count: int) -> list[str]:
	"""The current month and the ``count - 1`` months after it."""
	count = validate_forecast_months(count)
	return [month_key(*add_months(today.year, today.month, offset)) for offset in range(count)]


def month_bounds(key: str) -> tuple[date, date]:
	"""First and last day of a 'YYYY-MM' month."""
	year, month = (int(part) for part in key.split("-"))
	next_year, next_month = add_months(year, month, 1)
	return date(year, month, 1), date.fromordinal(date(next_year, next_month, 1).toordinal() - 1)


def validate_forecast_months(count) -> int:
	try:
		count = int(count)
	except (TypeError, ValueError):
		raise RuleError(_("The number of months must be a whole number."))
	if not 1 <= count <= MAX_FORECAST_MONTHS:
		raise RuleError(
			_("The number of months must be between 1 and {maximum}."), maximum=MAX_FORECAST_MONTHS
		)
	return count


# ---------------------------------------------------------------- stages and funnel


def order_stages(pipelines: Iterable[Sequence[str]], present: Iterable[str | None] = ()) -> list[str | None]:
	"""Stages in pipeline order: the stages of each pipeline in turn (the first pipeline given leads),
	then stages found in the data that no pipeline lists (alphabetically), then the empty stage."""
	ordered: list[str | None] = []
	seen = set()
	for stages in pipelines:
		for stage in stages:
			if stage not in seen:
				seen.add(stage)
				ordered.append(stage)
	present = list(present)
	extra = sorted({stage for stage in present if stage and stage not in seen})
	ordered.extend(extra)
	if any(stage is None or stage == "" for stage in present):
		ordered.append(None)
	return ordered


@dataclass(frozen=True)
class FunnelStep:
	"""How many opportunities reached a stage, how many moved on from it, and how long they stayed."""

	stage: str
	reached: int
	moved_on: int
	stay_seconds_total: float = 0.0
	stays: int = 0

	@property
	def moved_on_rate(self) -> float | None:
		return rate(self.moved_on, self.reached)

	@property
	def avg_days_in_stage(self) -> float | None:
		return average(self.stay_seconds_total / SECONDS_PER_DAY, self.stays)


def funnel(
	stages: Sequence[str],
	reached: dict,
	moved_on: dict,
	stays: dict | None = None,
) -> list[FunnelStep]:
	"""Funnel steps in stage order from counts per stage.

	``reached``: distinct opportunities that were ever in the stage; ``moved_on``: distinct opportunities
	that left it; ``stays``: stage -> (total seconds, number) of completed stays."""
	stays = stays or {}
	steps = []
	for stage in stages:
		seconds, count = stays.get(stage, (0, 0))
		steps.append(
			FunnelStep(
				stage=stage,
				reached=int(reached.get(stage, 0) or 0),
				moved_on=int(moved_on.get(stage, 0) or 0),
				stay_seconds_total=float(seconds or 0),
				stays=int(count or 0),
			)
		)
	return steps


def reached_per_stage(current: dict, moved_on: dict, returned: dict) -> dict:
	"""Distinct opportunities that were ever in each stage, without a pass over every stage visit.

	An opportunity that was ever in a stage is either in it now (``current``) or left it at least
	once (``moved_on``: distinct opportunities that left it); ``returned`` counts the opportunities
	that are in both (they left the stage and came back to it), so they are not counted twice."""
	stages = set(current) | set(moved_on)
	return {
		stage: int(current.get(stage) or 0) + int(moved_on.get(stage) or 0) - int(returned.get(stage) or 0)
		for stage in stages
		if stage
	}


# ---------------------------------------------------------------- lost reasons


def describe_competitors(counts: dict) -> str:
	"""{'Acme': 2, 'Beta': 1} -> 'Acme (2), Beta (1)', most frequent first."""
	ordered = sorted(((name, n) for name, n in counts.items() if name), key=lambda item: (-item[1], item[0]))
	return ", ".join(f"{name} ({count})" for name, count in ordered)


# ---------------------------------------------------------------- forecast


@dataclass
class ForecastMonth:
	month: str
	figures: Figures = field(default_factory=Figures)
	parts: dict = field(default_factory=dict)  # (pipeline, owner) -> Figures


OVERDUE = "Overdue"


def forecast(months: Sequence[str], rows: Iterable[Sequence]) -> tuple[ForecastMonth, list[ForecastMonth]]:
	"""Open opportunities by expected-closing month, split by pipeline and owner.

	``rows``: ``(month 'YYYY-MM', pipeline, owner, count, amount, weighted)``, optionally followed by
	the amount weighted by the predicted win probability. Returns the overdue bucket (months before
	the first of ``months``: still open though their date has passed) and every month of ``months``,
	empty or not; later months are left out."""
	overdue = ForecastMonth(OVERDUE)
	by_month = {month: ForecastMonth(month) for month in months}
	first = months[0] if months else None
	for month, pipeline, owner, count, amount, weighted, *predicted in rows:
		entry = by_month.get(month)
		if entry is None and first and month and month < first:
			entry = overdue
		if entry is None:
			continue
		part = entry.parts.setdefault((pipeline, owner), Figures())
		for figures in (entry.figures, part):
			figures.add("Open", count, amount, weighted)
			figures.predicted_weighted += float(predicted[0] or 0) if predicted else 0.0
	return overdue, [by_month[month] for month in months]
