"""Stage history written before the first-leave flags existed gets them, for the report's funnel."""

from opportunity_plus.overrides.stage_history import backfill_first_leaves


def execute():
	backfill_first_leaves()
