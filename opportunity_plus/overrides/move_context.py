"""The one place where a stage move's context is put on an Opportunity document and read back.

Callers that move an opportunity (the board, bulk actions, the sales flow) call
:func:`set_move_context` before saving it; the form, Data Import and background jobs set nothing and
get their context from the request. Validation reads :func:`move_context` to know whether the stage
requirements apply, and the stage history reads it for its "via" and reference."""

import frappe

from opportunity_plus.rules.stage_move import (
	VIA_DATA_IMPORT,
	VIA_DESK,
	VIA_SYSTEM,
	MoveContext,
	StageChange,
)

CONTEXT_FLAG = "opportunity_plus_move"
CHANGE_FLAG = "opportunity_plus_stage_change"


def set_move_context(doc, via: str, reference=None, skip_requirements: bool = False) -> None:
	"""Say who or what saves ``doc`` (``via``), the document that caused it (``reference``, a document
	or None) and whether the stage requirements are skipped."""
	doc.flags[CONTEXT_FLAG] = MoveContext(
		via=via,
		reference=(reference.doctype, reference.name) if reference is not None else None,
		skip_requirements=skip_requirements,
	)


def move_context(doc) -> MoveContext:
	"""The context set on ``doc``; else the form (Desk), Data Import or the system, from the request."""
	context = doc.flags.get(CONTEXT_FLAG)
	if context:
		return context
	if frappe.flags.in_import:
		return MoveContext(VIA_DATA_IMPORT)
	if getattr(frappe.local, "request", None):
		return MoveContext(VIA_DESK)
	return MoveContext(VIA_SYSTEM)


def plan_stage_change(doc, change: StageChange) -> None:
	"""Keep the stage change planned in validate until on_update records it."""
	doc.flags[CHANGE_FLAG] = change


def take_stage_change(doc) -> StageChange | None:
	"""The planned stage change, once: recording it clears it."""
	change = doc.flags.get(CHANGE_FLAG)
	doc.flags[CHANGE_FLAG] = None
	return change
