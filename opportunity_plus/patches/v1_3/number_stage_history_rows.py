"""Stage history written with random names gets autoincrement names: one rename, one INSERT ... SELECT
of every row in time order, one drop (opportunity_plus.overrides.stage_history.renumber_history)."""

from opportunity_plus.overrides.stage_history import renumber_history


def execute():
	renumber_history()
