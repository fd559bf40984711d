"""Day summaries: the Opportunity Analysis's figures per company and day, kept from the opportunities.

An exact report adds up every opportunity of its period, so it grows with the data. These rows (one
doctype, Opportunity Day Summary) hold the same sums per company, day, pipeline, status and group, so a
year is at most a few hundred rows per day whatever the number of opportunities:

- ``marks``: every change to an opportunity marks its day (and its expected closing month) as out of
  date, in the change's own transaction (Opportunity Summary Refresh);
- ``refresh``: a background job recomputes the marked days from the opportunities and removes exactly
  the marks it has counted; ``rebuild`` recomputes everything in set-based statements (patch, demo);
- ``read``: the report's sums from these rows, plus the marked days counted from the opportunities
  themselves, so the figures are always exact. Only for a reader Frappe lets read every opportunity
  and only with filters the rows carry (company, period, pipeline, status); anyone else, or any other
  filter, gets the exact query over the opportunities.
"""

SUMMARY = "Opportunity Day Summary"
REFRESH = "Opportunity Summary Refresh"

OPPORTUNITY_DATE = "Opportunity Date"
CLOSING_MONTH = "Expected Closing Month"

# dimensions of the rows of one opportunity date, and of one expected closing month
STAGE, OWNER, SOURCE, TERRITORY = "Stage", "Owner", "Source", "Territory"
STAY, LOST_REASON, COMPETITOR = "Stay", "Lost Reason", "Competitor"
FORECAST = "Forecast"
DATE_DIMENSIONS = (STAGE, OWNER, SOURCE, TERRITORY, STAY, LOST_REASON, COMPETITOR)
CLOSING_DIMENSIONS = (FORECAST,)
DIMENSIONS_OF_KIND = {OPPORTUNITY_DATE: DATE_DIMENSIONS, CLOSING_MONTH: CLOSING_DIMENSIONS}

# an Opportunity Day Summary row: what it sums over, then the sums
KEY_COLUMNS = ("company", "day", "dimension", "sales_pipeline", "status", "value", "detail")
FIGURE_COLUMNS = (
	"opportunities",
	"amount",
	"weighted",
	"predicted_weighted",
	"days_to_close",
	"stay_seconds",
	"stays",
	"came_back",
	"first_leaves",
	"first_leaves_back",
)
