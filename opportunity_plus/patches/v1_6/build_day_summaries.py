"""The Opportunity Analysis reads its sums from day summaries (opportunity_plus.day_summaries): build
them from every opportunity in one set-based pass per grouping. The report is exact before and after:
until they exist it reads the opportunities themselves."""

from opportunity_plus.day_summaries.refresh import rebuild
from opportunity_plus.setup.indexes import make_indexes


def execute():
	make_indexes()  # the app's after_migrate would add the summaries' index only after the patches
	rebuild()
