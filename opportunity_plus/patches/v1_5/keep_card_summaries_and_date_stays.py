"""Opportunities carry what their board card shows of their labels and followers
(opportunity_plus.overrides.card_summary), and their stays in stages their company and date
(opportunity_plus.overrides.stays_by_stage): the custom fields come first (the app's after_migrate
would add them only after the patches), then one set-based pass fills each."""

from opportunity_plus.overrides.card_summary import rebuild_card_summaries
from opportunity_plus.overrides.stays_by_stage import date_stays
from opportunity_plus.setup.custom_fields import make_custom_fields


def execute():
	make_custom_fields()
	rebuild_card_summaries()
	date_stays()
