"""Time spans written the way a person reads them: '3 days', '5 hours'."""

from opportunity_plus.rules import _

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR

# (threshold in seconds, unit in seconds, singular, plural)
UNITS = [
	(DAY, DAY, _("{0} day"), _("{0} days")),
	(HOUR, HOUR, _("{0} hour"), _("{0} hours")),
	(MINUTE, MINUTE, _("{0} minute"), _("{0} minutes")),
]


def describe_duration(seconds: float | None, translate=lambda text: text) -> str:
	"""Round down to the largest whole unit; under a minute reads 'less than a minute'."""
	if seconds is None:
		return ""
	seconds = max(0, int(seconds))
	for threshold, unit, singular, plural in UNITS:
		if seconds >= threshold:
			count = seconds // unit
			return translate(singular if count == 1 else plural).format(count)
	return translate(_("less than a minute"))
