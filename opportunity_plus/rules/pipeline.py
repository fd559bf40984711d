"""What a sales pipeline is: its stages, their order and types, and what makes it valid."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from opportunity_plus.rules import RuleError, _

OPEN = "Open"
WON = "Won"
LOST = "Lost"
STAGE_TYPES = (OPEN, WON, LOST)


@dataclass(frozen=True)
class Stage:
	"""One row of a pipeline: a native Sales Stage with the pipeline's settings for it."""

	sales_stage: str
	stage_type: str = OPEN
	probability: float | None = None
	color: str | None = None
	stale_after_days: int = 0
	require_amount: bool = False
	require_submitted_quotation: bool = False
	require_lost_reasons: bool = False

	@property
	def is_closed(self) -> bool:
		return self.stage_type in (WON, LOST)


def find_stage(stages: Iterable[Stage], sales_stage: str | None) -> Stage | None:
	for stage in stages:
		if stage.sales_stage == sales_stage:
			return stage
	return None


def first_stage(stages: Sequence[Stage]) -> Stage:
	"""The stage where new opportunities start."""
	if not stages:
		raise RuleError(_("A sales pipeline needs at least one stage."))
	return stages[0]


def stage_of_type(stages: Iterable[Stage], stage_type: str) -> Stage | None:
	"""The first stage of a type (Won or Lost), or None when the pipeline has none."""
	for stage in stages:
		if stage.stage_type == stage_type:
			return stage
	return None


def stage_index(stages: Sequence[Stage], sales_stage: str | None) -> int:
	"""Position of a stage in the pipeline, -1 when it is not part of it."""
	for index, stage in enumerate(stages):
		if stage.sales_stage == sales_stage:
			return index
	return -1


def validate_pipeline(stages: Sequence[Stage], quotation_stage: str | None = None) -> None:
	"""Raise RuleError for the first problem that makes a pipeline unusable."""
	if not stages:
		raise RuleError(_("A sales pipeline needs at least one stage."))

	seen = set()
	for row, stage in enumerate(stages, start=1):
		if not stage.sales_stage:
			raise RuleError(_("Row {row}: choose a Sales Stage."), row=row)
		if stage.sales_stage in seen:
			raise RuleError(
				_("Sales Stage {stage} appears more than once in this pipeline."), stage=stage.sales_stage
			)
		seen.add(stage.sales_stage)
		if stage.stage_type not in STAGE_TYPES:
			raise RuleError(
				_("Row {row}: stage type must be Open, Won or Lost, not {stage_type}."),
				row=row,
				stage_type=stage.stage_type,
			)
		if stage.probability is not None and not 0 <= stage.probability <= 100:
			raise RuleError(
				_("Row {row}: the probability of {stage} must be between 0 and 100."),
				row=row,
				stage=stage.sales_stage,
			)
		if (stage.stale_after_days or 0) < 0:
			raise RuleError(
				_("Row {row}: days before {stage} is stale cannot be negative (0 means never)."),
				row=row,
				stage=stage.sales_stage,
			)

	if stages[0].stage_type != OPEN:
		raise RuleError(
			_("The first stage ({stage}) is where new opportunities start, so it must be an Open stage."),
			stage=stages[0].sales_stage,
		)
	for stage_type in (WON, LOST):
		of_type = [s.sales_stage for s in stages if s.stage_type == stage_type]
		if len(of_type) > 1:
			raise RuleError(
				_("A pipeline can have only one {stage_type} stage, but {stages} are all {stage_type}."),
				stage_type=stage_type,
				stages=", ".join(of_type),
			)

	if quotation_stage:
		stage = find_stage(stages, quotation_stage)
		if not stage:
			raise RuleError(
				_("The quotation stage {stage} is not one of this pipeline's stages."), stage=quotation_stage
			)
		if stage.stage_type != OPEN:
			raise RuleError(
				_("The quotation stage {stage} must be an Open stage, not {stage_type}."),
				stage=quotation_stage,
				stage_type=stage.stage_type,
			)


def removed_stages(before: Iterable[str], after: Iterable[str]) -> list[str]:
	"""Sales stages present before an edit and missing after it, in their old order."""
	remaining = set(after)
	return [stage for stage in before if stage not in remaining]
