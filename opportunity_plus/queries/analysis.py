"""Database side of the Opportunity Analysis: permission-aware queries, aggregated in the database.

Every query counts only the opportunities the current user may read, with the report's filters:
``readable_condition`` of ``read_permission.py`` (which says how). User input only ever reaches the
database as filter values or query parameters; field names come from this module.
"""

from dataclasses import dataclass, fields
from datetime import date

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Coalesce, Count, CustomFunction, Extract, NullIf, Sum
from frappe.utils import getdate
from pypika.enums import DatePart
from pypika.queries import Table
from pypika.terms import Case, Criterion, EmptyCriterion

from opportunity_plus.arguments import date_arg, json_arg
from opportunity_plus.day_summaries import read as summaries
from opportunity_plus.messages import bold
from opportunity_plus.overrides.stage_keys import stage_names_by_key
from opportunity_plus.queries.labels import has_any_label
from opportunity_plus.queries.read_permission import readable_condition
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.analysis import (
	FORECAST,
	GROUPINGS,
	LOST_STATUSES,
	MONTH,
	NOT_OPEN_STATUSES,
	OWNER,
	PIPELINE,
	SOURCE,
	STAGE,
	TERRITORY,
	check_month_range,
	merge_rows,
	month_bounds,
	month_from_number,
	month_key,
	validate_forecast_months,
)

DATE_FIELDS = ("transaction_date", "expected_closing")
DateDiff = CustomFunction("DATEDIFF", ["end", "start"])


@dataclass
class AnalysisFilters:
	company: str
	group_by: str = STAGE
	date_field: str = "transaction_date"
	from_date: date | None = None
	to_date: date | None = None
	pipeline: str | None = None
	owner: str | None = None
	label: str | None = None
	opportunity_type: str | None = None
	source: str | None = None
	territory: str | None = None
	status: str | None = None
	months: int = 6


def default_company() -> str | None:
	from erpnext import get_default_company

	return frappe.defaults.get_user_default("Company") or get_default_company()


def parse_filters(filters: dict | str | None, require_dates: bool = True) -> AnalysisFilters:
	"""Validate the report's filters; only known names and values of the expected kinds get through."""
	filters = frappe._dict(json_arg(filters, dict, _("Filters")) or {})
	known = {f.name for f in fields(AnalysisFilters)}
	values = {
		name: (value.strip() if isinstance(value, str) else value)
		for name, value in filters.items()
		if name in known and value not in (None, "", [])
	}
	values["company"] = values.get("company") or default_company()
	if not values["company"]:
		frappe.throw(_("Please select a Company."), title=_("Opportunity Analysis"))
	for name in (
		"company",
		"pipeline",
		"owner",
		"label",
		"opportunity_type",
		"source",
		"territory",
		"status",
	):
		if name in values and not isinstance(values[name], str):
			frappe.throw(
				_("Invalid value for filter {0}.").format(bold(name)), title=_("Opportunity Analysis")
			)

	group_by = values.get("group_by") or STAGE
	if group_by not in GROUPINGS:
		frappe.throw(_("Unknown grouping {0}.").format(bold(group_by)), title=_("Opportunity Analysis"))
	date_field = values.get("date_field") or "transaction_date"
	if date_field not in DATE_FIELDS:
		frappe.throw(_("Unknown date {0}.").format(bold(date_field)), title=_("Opportunity Analysis"))
	try:
		months = validate_forecast_months(values.get("months") or 6)
	except RuleError as e:
		frappe.throw(e.translated(_), title=_("Opportunity Analysis"))

	from_date = date_arg(values.get("from_date"), _("From Date"))
	to_date = date_arg(values.get("to_date"), _("To Date"))
	if require_dates and group_by != FORECAST and not (from_date and to_date):
		frappe.throw(_("Please set From Date and To Date."), title=_("Opportunity Analysis"))
	if from_date and to_date and from_date > to_date:
		frappe.throw(_("From Date must be before To Date."), title=_("Opportunity Analysis"))
	if group_by == MONTH and from_date and to_date:
		try:
			check_month_range(from_date, to_date)
		except RuleError as e:
			frappe.throw(e.translated(_), title=_("Opportunity Analysis"))

	values.update(
		group_by=group_by, date_field=date_field, months=months, from_date=from_date, to_date=to_date
	)
	return AnalysisFilters(**values)


def list_filters(f: AnalysisFilters, with_dates: bool = True) -> list:
	conditions = [["Opportunity", "company", "=", f.company]]
	for fieldname, value in (
		("sales_pipeline", f.pipeline),
		("opportunity_owner", f.owner),
		("opportunity_type", f.opportunity_type),
		("source", f.source),
		("status", f.status),
	):
		if value:
			conditions.append(["Opportunity", fieldname, "=", value])
	if f.territory:
		conditions.append(["Opportunity", "territory", "descendants of (inclusive)", f.territory])
	if with_dates and f.from_date and f.to_date:
		conditions.append(["Opportunity", f.date_field, "between", [f.from_date, f.to_date]])
	return conditions


def readable(f: AnalysisFilters, with_dates: bool = True, days: list[date] | None = None) -> Criterion | None:
	"""The opportunities the user may read that match the filters, as a condition on
	``tabOpportunity`` (Frappe's own list conditions, see ``read_permission``); None when the user
	may read no opportunity at all. ``days``: only the opportunities of those dates."""
	try:
		condition = readable_condition(list_filters(f, with_dates)) or EmptyCriterion()
	except frappe.PermissionError:
		frappe.clear_last_message()
		return None
	if f.label:
		condition &= has_any_label([f.label])
	if days:
		condition &= DocType("Opportunity").transaction_date.isin(days)
	return condition


# ---------------------------------------------------------------- expressions


def amount_of(opp):
	"""The amount in company currency: ERPNext's base_opportunity_amount; where that was never
	computed (ERPNext computes it only in the form), the amount times the exchange rate."""
	return Coalesce(
		NullIf(opp.base_opportunity_amount, 0),
		opp.opportunity_amount * Coalesce(NullIf(opp.conversion_rate, 0), 1),
		0,
	)


def weighted_of(opp):
	return amount_of(opp) * Coalesce(opp.probability, 0) / 100


def days_to_close_of(opp):
	"""Days from the opportunity date (else its creation) to the moment it entered its current stage
	(for a won or lost opportunity: when it was won or lost, as stage history records it; else its
	last modification, for opportunities closed before stage history was kept)."""
	return DateDiff(
		Coalesce(opp.stage_entered_on, opp.modified), Coalesce(opp.transaction_date, opp.creation)
	)


def dimension_of(opp, f: AnalysisFilters):
	if f.group_by == STAGE:
		return opp.sales_stage
	if f.group_by == OWNER:
		return opp.opportunity_owner
	if f.group_by == PIPELINE:
		return opp.sales_pipeline
	if f.group_by == SOURCE:
		return opp.source
	if f.group_by == TERRITORY:
		return opp.territory
	if f.group_by == MONTH:
		field = opp[f.date_field]
		return Extract(DatePart.year, field) * 100 + Extract(DatePart.month, field)
	return None


def decode_key(f: AnalysisFilters, key):
	return month_from_number(key) if f.group_by == MONTH else key


# ---------------------------------------------------------------- queries


class OpportunityWithoutStageIndex(Table):
	"""``tabOpportunity`` in a FROM clause, with MariaDB told not to use the by-stage report's index
	(setup/indexes.py). That index holds every column the by-stage figures read, so they come from it
	alone; a query that also reads other columns (the owner, the source, the time in stages) would
	look up every opportunity of the period in the table by its name, two to three times slower than
	the plan MariaDB makes without it (for a year of three, reading the table)."""

	INDEX = "opportunity_plus_stage_report_index"

	def __init__(self):
		super().__init__("tabOpportunity")

	def get_sql(self, **kwargs) -> str:
		return f"{super().get_sql(**kwargs)} IGNORE INDEX (`{self.INDEX}`)"


def status_rows(
	f: AnalysisFilters, grouped: bool = True, with_stays: bool = False, statuses: tuple | None = None
) -> list[tuple]:
	"""``(key, status, count, amount, weighted, days to close)`` per group and status; ``with_stays``
	adds the total seconds and number of the completed stays in stages, from the totals every
	opportunity keeps of its own (``stage_stay_seconds``, ``stage_stays``), so no history is read.

	With ``grouped`` False (or a grouping that is not a single field), key is None: one row per status.
	``statuses`` keeps only those statuses. From the day summaries where they answer, else exact."""
	plan = summaries.date_plan(f)
	if plan is None:
		return exact_status_rows(f, grouped, with_stays, statuses)
	rows = summaries.status_rows(f, plan, grouped, with_stays, statuses)
	rows = [(decode_key(f, row[0]), *row[1:]) for row in rows]
	if plan.marked:
		rows += exact_status_rows(f, grouped, with_stays, statuses, days=plan.marked)
	return merge_rows(rows, 2)


def exact_status_rows(
	f: AnalysisFilters,
	grouped: bool = True,
	with_stays: bool = False,
	statuses: tuple | None = None,
	days: list[date] | None = None,
) -> list[tuple]:
	"""``status_rows`` from the opportunities themselves (of ``days`` only, when given)."""
	readable_ones = readable(f, days=days)
	if readable_ones is None:
		return []
	opp = DocType("Opportunity")
	dimension = dimension_of(opp, f) if grouped else None
	selected = [
		opp.status,
		Count(opp.name),
		Sum(amount_of(opp)),
		Sum(weighted_of(opp)),
		Sum(days_to_close_of(opp)),
	]
	if with_stays:
		selected += [Sum(opp.stage_stay_seconds), Sum(opp.stage_stays)]
	covered = not with_stays and (dimension is None or f.group_by in (STAGE, PIPELINE))
	query = frappe.qb.from_(opp if covered else OpportunityWithoutStageIndex()).where(readable_ones)
	if statuses:
		query = query.where(opp.status.isin(sorted(statuses)))
	if dimension is None:
		rows = query.select(*selected).groupby(opp.status).run()
		return [(None, *row) for row in rows]
	rows = query.select(dimension, *selected).groupby(dimension, opp.status).run()
	return [(decode_key(f, row[0]), *row[1:]) for row in rows]


def stage_stays(f: AnalysisFilters) -> dict:
	"""Completed stays per stage left: stage -> (total seconds, number of stays, opportunities that
	moved on, of those the ones back in that stage now). From the day summaries where they answer,
	else exact (``exact_stay_rows``)."""
	plan = summaries.date_plan(f)
	if plan is None:
		rows = exact_stay_rows(f)
	else:
		rows = summaries.stay_rows(f, plan)
		if plan.marked:
			rows += exact_stay_rows(f, days=plan.marked)
		rows = merge_rows(rows, 1)
	stage_names = stage_names_by_key()
	return {
		stage_names[key]: (seconds or 0, int(count or 0), int(moved or 0), int(back or 0))
		for key, seconds, count, moved, back in rows
		if key in stage_names
	}


def exact_stay_rows(f: AnalysisFilters, days: list[date] | None = None) -> list[tuple]:
	"""``(stage key, seconds, stays, moved on, came back)`` per stage left, of the opportunities of
	``days`` only when given.

	Read from Opportunity Stage Stay (one row per opportunity, pipeline and stage it left, kept on every
	move: ``overrides/stays_by_stage.py``), joined by the opportunity's integer key and grouped by the
	stage's (``overrides/stage_keys.py`` says why). Within a pipeline, each row of that pipeline is
	an opportunity that left the stage there; across pipelines, the row flagged ``first_leave`` is."""
	stay, opp = DocType("Opportunity Stage Stay"), DocType("Opportunity")
	if stays_alone_answer(f):
		# every opportunity of the company and period counts, and each stay carries both
		query = (
			frappe.qb.from_(stay)
			.where(stay.company == f.company)
			.where(stay.transaction_date[f.from_date : f.to_date])
		)
		if days:
			query = query.where(stay.transaction_date.isin(days))
	else:
		readable_ones = readable(f, days=days)
		if readable_ones is None:
			return []
		query = (
			frappe.qb.from_(opp)
			.join(stay)
			.on(stay.opportunity_key == opp.opportunity_key)
			.where(readable_ones)
		)
	if f.pipeline:
		query = query.where(stay.sales_pipeline == f.pipeline)
		moved_on, came_back = Count(stay.stage_key), Sum(stay.in_stage_now)
	else:
		moved_on, came_back = Sum(stay.first_leave), Sum(stay.first_leave * stay.in_stage_now)
	rows = (
		query.select(stay.stage_key, Sum(stay.seconds_in_stage), Sum(stay.stays), moved_on, came_back)
		.groupby(stay.stage_key)
		.run()
	)
	return [tuple(row) for row in rows]


def stays_alone_answer(f: AnalysisFilters) -> bool:
	"""Whether the stays can be read by their own company and date, without the opportunities: the
	user may read every opportunity (Frappe adds no condition of its own) and the filters are the
	company and a period of the opportunity date only. A pipeline filter is on the opportunity's
	current pipeline, which its stays in another one do not carry."""
	if f.pipeline or f.status or f.date_field != "transaction_date" or not (f.from_date and f.to_date):
		return False
	return summaries.reads_everything(f)


def lost_reason_rows(f: AnalysisFilters) -> tuple[list[tuple], dict]:
	"""``(reason, lost opportunities, lost value)`` per lost reason (None: no reason given), and
	reason -> {competitor: opportunities} for the competitors recorded on those opportunities.
	From the day summaries where they answer, else exact."""
	plan = summaries.date_plan(f)
	if plan is None:
		rows, competitor_rows = exact_lost_reason_rows(f)
	else:
		rows, competitor_rows = summaries.lost_reason_rows(f, plan)
		if plan.marked:
			marked_rows, marked_competitors = exact_lost_reason_rows(f, days=plan.marked)
			rows, competitor_rows = rows + marked_rows, competitor_rows + marked_competitors
		rows, competitor_rows = merge_rows(rows, 1), merge_rows(competitor_rows, 2)
	competitors: dict = {}
	for lost_reason, name, count in competitor_rows:
		competitors.setdefault(lost_reason, {})[name] = int(count)
	return rows, competitors


def exact_lost_reason_rows(f: AnalysisFilters, days: list[date] | None = None) -> tuple[list, list]:
	"""``(reason, lost, lost value)`` and ``(reason, competitor, lost)`` rows from the opportunities
	(of ``days`` only, when given).

	An opportunity lists a reason or a competitor once (``events.drop_repeated_lost_details``), so
	its joined rows are counted as they are, without a distinct count."""
	readable_ones = readable(f, days=days)
	if readable_ones is None:
		return [], []
	opp = DocType("Opportunity")
	reason = DocType("Opportunity Lost Reason Detail")
	competitor = DocType("Competitor Detail")
	base = (
		frappe.qb.from_(opp)
		.left_join(reason)
		.on(
			(reason.parent == opp.name)
			& (reason.parenttype == "Opportunity")
			& (reason.parentfield == "lost_reasons")
		)
		.where(readable_ones)
		.where(opp.status.isin(sorted(LOST_STATUSES)))
	)
	rows = (
		base.select(reason.lost_reason, Count(opp.name), Sum(amount_of(opp)))
		.groupby(reason.lost_reason)
		.run()
	)
	competitor_rows = (
		base.join(competitor)
		.on(
			(competitor.parent == opp.name)
			& (competitor.parenttype == "Opportunity")
			& (competitor.parentfield == "competitors")
		)
		.select(reason.lost_reason, competitor.competitor, Count(opp.name))
		.groupby(reason.lost_reason, competitor.competitor)
		.run()
	)
	return [tuple(row) for row in rows], [tuple(row) for row in competitor_rows]


def forecast_rows(f: AnalysisFilters, months: list[str]) -> list[tuple]:
	"""``(month, pipeline, owner, count, amount, weighted, weighted by the predicted win probability)``
	of open opportunities expected to close by the end of the last of ``months`` (earlier months are
	overdue). The report's date range does not apply: the forecast looks ahead from today.
	From the day summaries where they answer, else exact."""
	plan = summaries.closing_plan(f, months)
	if plan is None:
		rows = exact_forecast_rows(f, months)
	else:
		rows = summaries.forecast_rows(f, plan, months)
		if plan.marked:
			rows += exact_forecast_rows(f, months, closing_months=plan.marked)
		rows = merge_rows(rows, 3)
	return [(month_from_number(row[0]), *row[1:]) for row in rows]


def exact_forecast_rows(
	f: AnalysisFilters, months: list[str], closing_months: list[date] | None = None
) -> list[tuple]:
	"""``forecast_rows`` from the opportunities, the month undecoded; only those expected to close in
	``closing_months`` (first days) when given."""
	readable_ones = readable(f, with_dates=False)
	if readable_ones is None or not months:
		return []
	opp = DocType("Opportunity")
	closing = opp.expected_closing
	month = Extract(DatePart.year, closing) * 100 + Extract(DatePart.month, closing)
	query = (
		frappe.qb.from_(opp)
		.select(
			month,
			opp.sales_pipeline,
			opp.opportunity_owner,
			Count(opp.name),
			Sum(amount_of(opp)),
			Sum(weighted_of(opp)),
			Sum(amount_of(opp) * opp.predicted_win_probability / 100),
		)
		.where(readable_ones)
		.where(opp.status.notin(sorted(NOT_OPEN_STATUSES)))
		.where(closing.isnotnull())
		.where(closing <= month_bounds(months[-1])[1])
		.groupby(month, opp.sales_pipeline, opp.opportunity_owner)
	)
	if closing_months:
		query = query.where(closes_in(opp, closing_months))
	return [tuple(row) for row in query.run()]


def closes_in(opp, months: list[date]) -> Criterion:
	"""The opportunity is expected to close in one of ``months`` (each given by its first day)."""
	bounds = [month_bounds(month_key(day.year, day.month)) for day in months]
	return Criterion.any([opp.expected_closing[start:end] for start, end in bounds])


def pipeline_stage_lists(pipeline: str | None = None) -> list[list[str]]:
	"""Stage names of the pipeline given, else of every pipeline, the default one first."""
	if pipeline:
		pipelines = [pipeline]
	else:
		pipelines = frappe.get_all(
			"Sales Pipeline", order_by="is_default desc, disabled asc, name asc", pluck="name"
		)
	stages = frappe.get_all(
		"Sales Pipeline Stage",
		filters={"parenttype": "Sales Pipeline", "parent": ("in", pipelines or [""])},
		fields=["parent", "sales_stage"],
		order_by="idx asc",
	)
	by_pipeline: dict = {name: [] for name in pipelines}
	for row in stages:
		by_pipeline[row.parent].append(row.sales_stage)
	return [by_pipeline[name] for name in pipelines]


def company_currency(company: str) -> str | None:
	return frappe.get_cached_value("Company", company, "default_currency")
