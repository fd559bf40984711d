"""Opportunities and Sales Stages get the integer keys the by-stage report joins and groups by, and
the stays per opportunity, pipeline and stage are built from the stage history
(opportunity_plus.overrides.stage_keys, opportunity_plus.overrides.stays_by_stage). The custom fields
and sequences come first: the app's after_migrate would add them only after the patches."""

from opportunity_plus.overrides.stage_keys import backfill_keys, make_sequences
from opportunity_plus.overrides.stays_by_stage import rebuild_stays
from opportunity_plus.setup.custom_fields import make_custom_fields


def execute():
	make_custom_fields()
	make_sequences()
	backfill_keys()
	rebuild_stays()
