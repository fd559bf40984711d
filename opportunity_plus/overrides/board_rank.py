"""Where a card dropped on the board goes in its column: its ``board_rank``.

Ranks are an ordering hint the app owns (``server_fields.py`` keeps what a request sends for them
out); when two neighbours leave no room between them, the top of the column is renumbered.
"""

import frappe
from frappe.query_builder import Order
from frappe.query_builder.functions import Min
from frappe.utils import flt

from opportunity_plus.rules.board import rank_between, ranks_above

RENUMBER_LIMIT = 500


def _column(pipeline: str, stage: str, exclude: str | None = None):
	opp = frappe.qb.DocType("Opportunity")
	query = frappe.qb.from_(opp).where(opp.sales_pipeline == pipeline).where(opp.sales_stage == stage)
	if exclude:
		query = query.where(opp.name != exclude)
	return query, opp


def _neighbour(name: str | None, pipeline: str, stage: str, exclude: str):
	if not name or name == exclude:
		return None
	query, opp = _column(pipeline, stage, exclude)
	rows = query.select(opp.name, opp.board_rank, opp.creation).where(opp.name == name).run(as_dict=True)
	return rows[0] if rows else None


def rank_for_drop(doc, pipeline: str, stage: str, above: str | None, below: str | None) -> float:
	"""The board_rank that puts ``doc`` between the cards ``above`` and ``below`` of a column.

	Ranks are an ordering hint, not document data: when there is no room between the neighbours
	the cards from the top of the column down to ``above`` get fresh ranks (without touching their
	``modified``), in the same transaction as the move.
	"""
	above_row = _neighbour(above, pipeline, stage, doc.name)
	below_row = _neighbour(below, pipeline, stage, doc.name)
	if not above_row and not below_row:
		return flt(doc.board_rank) if doc.sales_stage == stage else top_rank(pipeline, stage, doc.name)

	if above_row and not below_row:
		below_row = _successor(above_row, pipeline, stage, doc.name)
	rank = rank_between(
		flt(above_row.board_rank) if above_row else None, flt(below_row.board_rank) if below_row else None
	)
	if rank is not None:
		return rank

	# no room: renumber the top of the column down to the card above the drop place
	query, opp = _column(pipeline, stage, doc.name)
	rows = (
		query.select(opp.name)
		.orderby(opp.board_rank, order=Order.asc)
		.orderby(opp.creation, order=Order.desc)
		.limit(RENUMBER_LIMIT)
		.run(pluck=True)
	)
	if above_row.name not in rows:
		return flt(above_row.board_rank)
	prefix = rows[: rows.index(above_row.name) + 1]
	if not all(frappe.has_permission("Opportunity", "write", name) for name in prefix):
		# the column's order is shared: only a user who may change every card above renumbers it
		return flt(above_row.board_rank)
	ranks = ranks_above(len(prefix) + 1, flt(below_row.board_rank))
	for name, rank in zip(prefix, ranks, strict=False):
		frappe.db.set_value("Opportunity", name, "board_rank", rank, update_modified=False)
	return ranks[-1]


def _successor(row, pipeline: str, stage: str, exclude: str):
	"""The card right after ``row`` in the column's order (board_rank, then newest first)."""
	query, opp = _column(pipeline, stage, exclude)
	rank = flt(row.board_rank)
	rows = (
		query.select(opp.name, opp.board_rank, opp.creation)
		.where((opp.board_rank > rank) | ((opp.board_rank == rank) & (opp.creation < row.creation)))
		.orderby(opp.board_rank, order=Order.asc)
		.orderby(opp.creation, order=Order.desc)
		.limit(1)
		.run(as_dict=True)
	)
	return rows[0] if rows else None


def top_rank(pipeline: str, stage: str, exclude: str | None = None) -> float:
	"""A rank that puts a card first in its column."""
	query, opp = _column(pipeline, stage, exclude)
	lowest = query.select(Min(opp.board_rank)).run()[0][0]
	return rank_between(None, flt(lowest)) if lowest is not None else 0.0
