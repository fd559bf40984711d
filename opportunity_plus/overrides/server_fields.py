"""The Opportunity fields the app maintains: only the server sets them, never a request.

The time the current stage was entered and the totals of the stages left feed time in stage, the
stale marks, the reminders and the Opportunity Analysis; the board rank orders the board's columns.
A form, an import or a REST call may send any of them: ``keep_server_fields`` (first thing in the
Opportunity's validate) puts back what the saved document had (nothing, for a new one). The app's
own code changes the board rank through ``set_board_rank``; the stage fields are set later in the
same validate, from the stage move itself.
"""

import frappe

# fieldname -> value of a new opportunity
SERVER_FIELDS = {
	"stage_entered_on": None,
	"stage_stay_seconds": 0,
	"stage_stays": 0,
	"board_rank": 0,
	"predicted_win_probability": 0,
	"probability_at_close": None,
}
BOARD_RANK_FLAG = "opportunity_plus_board_rank"


def keep_server_fields(doc) -> None:
	"""Restore every server-maintained field from the saved document (defaults for a new one)."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	for fieldname, default in SERVER_FIELDS.items():
		if fieldname == "board_rank" and doc.flags.get(BOARD_RANK_FLAG) is not None:
			doc.board_rank = doc.flags.get(BOARD_RANK_FLAG)
			continue
		doc.set(fieldname, before.get(fieldname) if before else default)


def set_board_rank(doc, rank: float) -> None:
	"""Give ``doc`` a board rank that its next save keeps (the board's own moves and quick add)."""
	doc.flags[BOARD_RANK_FLAG] = rank
	doc.board_rank = rank
