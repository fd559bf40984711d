"""Opportunities moved before the totals of completed stays existed get them from their history."""

from opportunity_plus.overrides.stage_history import backfill_stay_totals
from opportunity_plus.setup.custom_fields import make_custom_fields


def execute():
	make_custom_fields()  # the totals' columns (after_migrate would add them only after the patches)
	backfill_stay_totals()
