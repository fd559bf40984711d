"""How an opportunity moves through the stages of its pipeline.

The adapter describes the opportunity before and after an edit with :class:`OpportunityState`
and asks :func:`plan_save` what the saved document must look like.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from opportunity_plus.rules import RuleError, _
from opportunity_plus.rules.pipeline import LOST, WON, Stage, find_stage, first_stage, stage_of_type

# Native Opportunity statuses that a closed stage implies.
STATUS_FOR_STAGE_TYPE = {WON: "Converted", LOST: "Lost"}
CLOSED_STATUSES = ("Converted", "Lost")

# Who or what moved an opportunity, as its stage history's "via" says
VIA_BOARD = "Board"
VIA_LIST = "List"  # a bulk action
VIA_DEMO = "Demo"
VIA_DATA_IMPORT = "Data Import"
VIA_DESK = "Desk"
VIA_SYSTEM = "System"


@dataclass(frozen=True)
class MoveContext:
	"""Who or what saves an opportunity into a stage: set on the document before it is saved."""

	via: str
	# (doctype, name) of the document that caused the move, such as a submitted quotation
	reference: tuple[str, str] | None = None
	# the stage's requirements (amount, submitted quotation, lost reasons) are not checked: the
	# sales flow follows what already happened on a quotation or order
	skip_requirements: bool = False


class StageChange(NamedTuple):
	"""A stage change planned when the opportunity is validated, recorded once it is saved."""

	from_stage: str | None
	to_stage: str
	from_entered_on: datetime | None
	seconds_in_from_stage: int | None


@dataclass(frozen=True)
class OpportunityState:
	"""What the stage rules need to know of an opportunity."""

	pipeline: str | None = None
	stage: str | None = None
	status: str = "Open"
	probability: float | None = None
	amount: float = 0
	lost_reason_count: int = 0
	has_submitted_quotation: bool = False
	has_active_quotation: bool = False


@dataclass(frozen=True)
class SavePlan:
	"""The values to write on the opportunity, and whether the stage changed."""

	pipeline: str
	stage: str
	status: str
	probability: float | None
	stage_changed: bool
	previous_stage: str | None = None


def check_requirements(stage: Stage, state: OpportunityState) -> None:
	"""Raise RuleError listing every requirement of ``stage`` that ``state`` does not meet."""
	missing = []
	if stage.require_amount and not (state.amount or 0) > 0:
		missing.append(_("an amount"))
	if stage.require_submitted_quotation and not state.has_submitted_quotation:
		missing.append(_("a submitted quotation"))
	if (stage.require_lost_reasons or stage.stage_type == LOST) and not state.lost_reason_count:
		missing.append(_("at least one lost reason"))
	if stage.stage_type == LOST and state.has_active_quotation:
		raise RuleError(
			_("Cannot move to {stage}: a quotation has been made. Declare the quotation lost instead."),
			stage=stage.sales_stage,
		)
	if missing:
		raise RuleError(
			_("To move to {stage} the opportunity needs {missing}."),
			stage=stage.sales_stage,
			missing=", ".join(missing),
		)


def status_for_stage(stage: Stage, current_status: str) -> str:
	"""Won means Converted, Lost means Lost, and an Open stage reopens a closed opportunity."""
	if stage.stage_type in STATUS_FOR_STAGE_TYPE:
		return STATUS_FOR_STAGE_TYPE[stage.stage_type]
	if current_status in CLOSED_STATUSES:
		return "Open"
	return current_status


def probability_after_move(
	stage: Stage, before: float | None, after: float | None, stage_changed: bool, is_new: bool
) -> float | None:
	"""The stage's default probability applies on a move unless the user typed one in the same save."""
	if stage.probability is None:
		return after
	if is_new:
		return stage.probability if after is None else after
	if stage_changed and (after is None or after == before):
		return stage.probability
	return after


def stage_for_native_status(stages: Sequence[Stage], status: str) -> Stage | None:
	"""The stage matching a status set by ERPNext itself (declared lost, converted)."""
	if status == "Lost":
		return stage_of_type(stages, LOST)
	if status == "Converted":
		return stage_of_type(stages, WON)
	return None


def plan_save(
	stages: Sequence[Stage],
	pipeline: str,
	after: OpportunityState,
	before: OpportunityState | None,
	pipeline_label: str | None = None,
	reopen_stage: str | None = None,
	enforce_requirements: bool = True,
) -> SavePlan:
	"""Decide pipeline, stage, status and probability of an opportunity being saved.

	``stages`` are the stages of ``after.pipeline`` (already defaulted by the caller to the
	default pipeline when empty). ``before`` is None for a new opportunity. ``reopen_stage``
	is where a closed opportunity goes back to when ERPNext reopens it (its last open stage).
	``enforce_requirements`` is False for moves the sales flow makes itself: a submitted
	quotation or order is the evidence, so entry requirements do not block ERPNext's flow.
	"""
	is_new = before is None
	stage_name = after.stage
	pipeline_changed = not is_new and before.pipeline != pipeline

	if is_new:
		# no stage chosen: the first one; a stage of another pipeline is refused below (a wrong import row)
		if not stage_name:
			stage_name = first_stage(stages).sales_stage
	elif pipeline_changed:
		if not find_stage(stages, stage_name):
			stage_name = first_stage(stages).sales_stage
	elif not stage_name:
		stage_name = first_stage(stages).sales_stage

	# ERPNext itself closed the opportunity (Declare Lost, quotation ordered): follow with the stage.
	if (
		not is_new
		and stage_name == before.stage
		and after.status != before.status
		and after.status in CLOSED_STATUSES
	):
		closing = stage_for_native_status(stages, after.status)
		if closing:
			stage_name = closing.sales_stage

	# ERPNext reopened a closed opportunity ("Reopen"): back to its last open stage.
	current = find_stage(stages, stage_name)
	if (
		not is_new
		and stage_name == before.stage
		and before.status in CLOSED_STATUSES
		and after.status not in CLOSED_STATUSES
		and current
		and current.is_closed
	):
		reopen = find_stage(stages, reopen_stage)
		stage_name = (
			reopen.sales_stage if reopen and not reopen.is_closed else first_stage(stages).sales_stage
		)

	stage = find_stage(stages, stage_name)
	if not stage:
		raise RuleError(
			_("Sales Stage {stage} is not part of the sales pipeline {pipeline}."),
			stage=stage_name,
			pipeline=pipeline_label or pipeline,
		)

	stage_changed = is_new or stage_name != before.stage
	if stage_changed and (enforce_requirements or stage.stage_type == LOST):
		check_requirements(stage, after)

	status = status_for_stage(stage, after.status) if stage_changed else after.status
	probability = probability_after_move(
		stage,
		None if is_new else before.probability,
		after.probability,
		stage_changed,
		is_new,
	)
	return SavePlan(
		pipeline=pipeline,
		stage=stage_name,
		status=status,
		probability=probability,
		stage_changed=stage_changed,
		previous_stage=None if is_new else before.stage,
	)


def first_of_each(rows: Sequence, key: str) -> list:
	"""The rows whose ``key`` value is the first of its kind, in their order: a lost reason or a
	competitor listed twice on an opportunity is kept once."""
	seen, kept = set(), []
	for row in rows:
		if row.get(key) not in seen:
			seen.add(row.get(key))
			kept.append(row)
	return kept
