"""Opportunities carry what their board card shows of their labels and followers
(opportunity_plus.overrides.card_summary): the fields come first (the app's after_migrate would add
them only after the patches), then one set-based pass fills them from the child tables."""

from opportunity_plus.overrides.card_summary import rebuild_card_summaries
from opportunity_plus.setup.custom_fields import make_custom_fields


def execute():
	make_custom_fields()
	rebuild_card_summaries()
