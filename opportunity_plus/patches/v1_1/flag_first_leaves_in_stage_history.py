"""Stage history written before the first-leave flags existed gets them, for the report's funnel."""

from opportunity_plus.opportunity.stage_history import backfill_first_leaves


def execute():
	backfill_first_leaves()
