"""What the win prediction knows about each opportunity, read from the database in pages.

Opportunities are read in pages of ``PAGE`` (keyset on the name), and for each page one query per
related table (stage history, timeline activity, submitted quotations, labels) fetches the rest for
the whole page: a fixed number of queries per page, never one per opportunity, and never more than a
page in memory. The values become ``rules.win_prediction.Features``, banded by the rules module, so
training, the backtest and scoring band them the same way.

A closed opportunity is described as it was just before it was won or lost (its last open stage,
the time it spent there, its activity up to then); an open one as it is now.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import frappe
from frappe.query_builder import DocType, Order
from frappe.query_builder.functions import Coalesce, Count, Max, Sum
from frappe.utils import flt, get_datetime, now_datetime
from pypika.functions import Floor
from pypika.terms import Case

from opportunity_plus.queries.analysis import amount_of
from opportunity_plus.rules.analysis import LOST_STATUSES, NOT_OPEN_STATUSES, WON_STATUSES
from opportunity_plus.rules.win_prediction import Features, median_from_histogram

PAGE = 5000
DAY_SECONDS = 86400
CLOSED_STATUSES = sorted(WON_STATUSES | LOST_STATUSES)


@dataclass(frozen=True)
class Scored:
	"""One opportunity of a page: what the model reads, and what the backtest compares it with."""

	name: str
	won: bool
	closed_on: datetime | None
	features: Features
	stage_default: float | None  # default probability of the (last open) stage in its pipeline
	typed: float | None  # the probability it had (just before closing, for a closed one)
	current: float  # the prediction stored on it now (0: none)


class PipelineStages:
	"""Order and default probability of every pipeline's stages (one query, cached for the run)."""

	def __init__(self):
		stage = DocType("Sales Pipeline Stage")
		rows = (
			frappe.qb.from_(stage)
			.select(stage.parent, stage.sales_stage, stage.idx, stage.probability, stage.stage_type)
			.where(stage.parenttype == "Sales Pipeline")
			.run()
		)
		self.positions: dict = {}
		self.probability: dict = {}
		self.open: set = set()
		for pipeline, sales_stage, idx, probability, stage_type in rows:
			self.positions[(pipeline, sales_stage)] = int(idx or 0)
			self.probability[(pipeline, sales_stage)] = flt(probability)
			if (stage_type or "Open") == "Open":
				self.open.add((pipeline, sales_stage))


def closing_time(opp):
	return Coalesce(opp.stage_entered_on, opp.modified)


def base_query(closed: bool):
	opp = DocType("Opportunity")
	query = frappe.qb.from_(opp).select(
		opp.name,
		opp.status,
		opp.sales_pipeline,
		opp.sales_stage,
		opp.stage_entered_on,
		closing_time(opp).as_("closed_on"),
		opp.opportunity_owner,
		opp.source,
		opp.opportunity_type,
		opp.territory,
		opp.customer_group,
		amount_of(opp).as_("amount"),
		opp.probability,
		opp.probability_at_close,
		opp.predicted_win_probability,
	)
	if closed:
		return query.where(opp.status.isin(CLOSED_STATUSES)), opp
	return query.where(opp.status.notin(sorted(NOT_OPEN_STATUSES))), opp


def pages(
	closed: bool,
	names: list[str] | None = None,
	now: datetime | None = None,
	page: int = PAGE,
	learning: bool = False,
	since: datetime | None = None,
) -> Iterator[list[Scored]]:
	"""Closed (won or lost) or open opportunities, ``page`` at a time, in name order; ``names``
	limits them to those opportunities (one, when an opportunity is saved), ``since`` the closed ones
	to those closed then or later. ``learning``: with the stages each closed one passed through (what
	training counts)."""
	now = now or now_datetime()
	stages = PipelineStages()
	last = None
	while True:
		query, opp = base_query(closed)
		if names is not None:
			if not names:
				return
			query = query.where(opp.name.isin(names))
		if since is not None:
			query = query.where(closing_time(opp) >= since)
		if last is not None:
			query = query.where(opp.name > last)
		rows = query.orderby(opp.name, order=Order.asc).limit(page).run(as_dict=True)
		if not rows:
			return
		yield describe(rows, closed, now, stages, learning)
		if len(rows) < page:
			return
		last = rows[-1].name


def describe(
	rows: list, closed: bool, now: datetime, stages: PipelineStages, learning: bool = False
) -> list[Scored]:
	names = [row.name for row in rows]
	moves = history_of(names, closed, stages)
	activity = last_activity(names, closed, now)
	quoted = quoted_opportunities(names)
	labels = labels_of(names)
	passed = stages_passed(names) if closed and learning else {}
	result = []
	for row in rows:
		backward, closing_stage, closing_seconds = moves.get(row.name, (None, None, None))
		pipeline = row.sales_pipeline or ""
		reference = get_datetime(row.closed_on) if closed else now
		if closed:
			stage = closing_stage
			days = None if closing_seconds is None else closing_seconds / DAY_SECONDS
			typed = flt(row.probability_at_close) if row.probability_at_close not in (None, "") else None
		else:
			stage = row.sales_stage
			entered = get_datetime(row.stage_entered_on) if row.stage_entered_on else None
			days = max(0.0, (now - entered).total_seconds() / DAY_SECONDS) if entered else None
			backward = backward or 0
			typed = flt(row.probability)
		touched = activity.get(row.name)
		features = Features(
			pipeline=pipeline,
			stage=stage,
			days_in_stage=days,
			backward_moves=backward,
			owner=row.opportunity_owner,
			source=row.source,
			opportunity_type=row.opportunity_type,
			territory=row.territory,
			customer_group=row.customer_group,
			labels=tuple(labels.get(row.name, ())),
			stages_passed=tuple(
				stage for stage in passed.get(row.name, ()) if (pipeline, stage) in stages.open
			),
			amount=flt(row.amount),
			has_quotation=row.name in quoted,
			days_since_activity=(
				max(0.0, (reference - get_datetime(touched)).total_seconds() / DAY_SECONDS)
				if touched
				else None
			),
		)
		result.append(
			Scored(
				name=row.name,
				won=row.status in WON_STATUSES,
				closed_on=get_datetime(row.closed_on) if closed else None,
				features=features,
				stage_default=stages.probability.get((pipeline, stage)) if stage else None,
				typed=typed,
				current=flt(row.predicted_win_probability),
			)
		)
	return result


def history_of(names: list[str], closed: bool, stages: PipelineStages) -> dict:
	"""opportunity -> (moves back to an earlier stage of its pipeline, and for a closed one the
	stage it was in before it closed and the seconds it spent there), counted in the database: one
	row per opportunity, and one per closing move. ``names`` are in name order: the history of the
	page is read as one range of its index."""
	history, opp = DocType("Opportunity Stage History"), DocType("Opportunity")

	def position(stage_field):
		case = Case()
		for (pipeline, stage), idx in stages.positions.items():
			case = case.when((history.sales_pipeline == pipeline) & (stage_field == stage), idx)
		return case.else_(None)

	backward = Case().when(position(history.to_stage) < position(history.from_stage), 1).else_(0)
	# the move that closed it: the last one into the stage it is in now
	closing = Case().when(
		(history.to_stage == opp.sales_stage) & history.from_stage.isnotnull(), history.name
	)
	rows = (
		frappe.qb.from_(history)
		.join(opp)
		.on(opp.name == history.opportunity)
		.select(history.opportunity, Sum(backward) if stages.positions else 0, Max(closing))
		.where(history.opportunity[names[0] : names[-1]])
		.groupby(history.opportunity)
		.run()
	)
	result = {name: (int(back or 0), None, None) for name, back, _closing in rows}
	if not closed:
		return result
	closing_moves = [closing for _name, _back, closing in rows if closing is not None]
	if closing_moves:
		for name, stage, seconds in (
			frappe.qb.from_(history)
			.select(history.opportunity, history.from_stage, history.seconds_in_from_stage)
			.where(history.name.isin(closing_moves))
			.run()
		):
			result[name] = (result[name][0], stage, seconds)
	return result


def stages_passed(names: list[str]) -> dict:
	"""opportunity -> the stages of its (current) pipeline it has left, each once."""
	history, opp = DocType("Opportunity Stage History"), DocType("Opportunity")
	rows = (
		frappe.qb.from_(history)
		.join(opp)
		.on(opp.name == history.opportunity)
		.select(history.opportunity, history.from_stage)
		.distinct()
		.where(history.opportunity[names[0] : names[-1]])
		.where(history.from_stage.isnotnull())
		.where(history.sales_pipeline == opp.sales_pipeline)
		.where(opp.status.isin(CLOSED_STATUSES))
		.run()
	)
	passed: dict = {}
	for name, stage in rows:
		passed.setdefault(name, []).append(stage)
	return passed


def last_activity(names: list[str], closed: bool, now: datetime) -> dict:
	"""opportunity -> time of its last call, email or other communication, or note, on its timeline
	(for a closed one: the last before it closed). ``names`` are in name order (one index range)."""
	opp, comm, note = DocType("Opportunity"), DocType("Communication"), DocType("CRM Note")
	latest: dict = {}

	def keep(rows):
		for name, when in rows:
			if when and (name not in latest or get_datetime(when) > latest[name]):
				latest[name] = get_datetime(when)

	query = (
		frappe.qb.from_(comm)
		.join(opp)
		.on(opp.name == comm.reference_name)
		.select(comm.reference_name, Max(comm.communication_date))
		.where(comm.reference_doctype == "Opportunity")
		.where(comm.reference_name[names[0] : names[-1]])
		.where(comm.communication_date <= (closing_time(opp) if closed else now))
		.groupby(comm.reference_name)
	)
	keep(query.run())
	query = (
		frappe.qb.from_(note)
		.join(opp)
		.on(opp.name == note.parent)
		.select(note.parent, Max(note.added_on))
		.where(note.parenttype == "Opportunity")
		.where(note.parent[names[0] : names[-1]])
		.where(note.added_on <= (closing_time(opp) if closed else now))
		.groupby(note.parent)
	)
	keep(query.run())
	return latest


def quoted_opportunities(names: list[str]) -> set:
	quotation = DocType("Quotation")
	return set(
		frappe.qb.from_(quotation)
		.select(quotation.opportunity)
		.distinct()
		.where(quotation.docstatus == 1)
		.where(quotation.opportunity.isin(names))
		.run(pluck=True)
	)


def labels_of(names: list[str]) -> dict:
	detail = DocType("Opportunity Label Detail")
	rows = (
		frappe.qb.from_(detail)
		.select(detail.parent, detail.label)
		.where(detail.parenttype == "Opportunity")
		.where(detail.parentfield == "opportunity_labels")
		.where(detail.parent[names[0] : names[-1]])
		.run()
	)
	labels: dict = {}
	for parent, label in rows:
		labels.setdefault(parent, []).append(label)
	return labels


def usual_days(before: datetime | None = None) -> dict:
	"""(pipeline, stage) -> median days of a completed stay in it, from the stage history (the moves
	made before ``before`` when given), counted per whole day in the database."""
	history = DocType("Opportunity Stage History")
	days = Floor(history.seconds_in_from_stage / DAY_SECONDS)
	query = (
		frappe.qb.from_(history)
		.select(history.sales_pipeline, history.from_stage, days, Count("*"))
		.where(history.from_stage.isnotnull())
		.where(history.seconds_in_from_stage.isnotnull())
		.groupby(history.sales_pipeline, history.from_stage, days)
	)
	if before is not None:
		query = query.where(history.changed_on < before)
	histograms: dict = {}
	for pipeline, stage, whole_days, count in query.run():
		histograms.setdefault((pipeline or "", stage), {})[int(whole_days or 0)] = int(count)
	return {key: median_from_histogram(histogram) for key, histogram in histograms.items()}
