"""Where ERPNext's sales flow (Quotation, Sales Order) takes an opportunity in its pipeline.

Every function returns the stage to move to, or None to leave the opportunity where it is.
Automatic moves never take an opportunity out of a Won or Lost stage: only a person does
that, or the cancellation of the very document that closed it.
"""

from collections.abc import Iterable, Sequence

from opportunity_plus.rules.pipeline import LOST, WON, Stage, find_stage, stage_index, stage_of_type


def _closed(stages: Sequence[Stage], stage: str | None) -> bool:
	current = find_stage(stages, stage)
	return bool(current and current.is_closed)


def after_quotation_submitted(stages: Sequence[Stage], current: str | None, quotation_stage: str | None):
	"""Move to the quotation stage unless the opportunity is already there, further along or closed."""
	if not quotation_stage or not find_stage(stages, quotation_stage) or _closed(stages, current):
		return None
	if stage_index(stages, current) >= stage_index(stages, quotation_stage):
		return None
	return quotation_stage


def after_quotation_cancelled(
	stages: Sequence[Stage],
	current: str | None,
	moved_from: str | None,
	moved_to: str | None,
	other_active_quotation: bool,
):
	"""Step back to the stage the quotation moved it from, if nothing else moved it since."""
	if other_active_quotation or not moved_from or current != moved_to:
		return None
	return moved_from if find_stage(stages, moved_from) else None


def after_quotation_lost(stages: Sequence[Stage], current: str | None, other_active_quotation: bool = False):
	"""A lost quotation loses the opportunity, unless it was won or another quotation is still active."""
	lost = stage_of_type(stages, LOST)
	current_stage = find_stage(stages, current)
	if (
		not lost
		or other_active_quotation
		or current == lost.sales_stage
		or (current_stage and current_stage.stage_type == WON)
	):
		return None
	return lost.sales_stage


def after_order_submitted(stages: Sequence[Stage], current: str | None):
	"""A submitted sales order wins the opportunity."""
	won = stage_of_type(stages, WON)
	if not won or current == won.sales_stage:
		return None
	return won.sales_stage


def after_order_cancelled(
	stages: Sequence[Stage], current: str | None, moved_from: str | None, other_submitted_order: bool
):
	"""Step back from Won to where the order found it, unless another order still wins it."""
	won = stage_of_type(stages, WON)
	if other_submitted_order or not won or current != won.sales_stage or not moved_from:
		return None
	return moved_from if find_stage(stages, moved_from) else None


def merge_names(existing: Iterable[str], incoming: Iterable[str]) -> list[str]:
	"""Existing names first, then new ones, without duplicates (lost reasons, competitors)."""
	merged = list(dict.fromkeys(name for name in existing if name))
	for name in incoming:
		if name and name not in merged:
			merged.append(name)
	return merged
