from opportunity_plus.durations import DAY, HOUR, describe_duration


def test_durations_read_in_the_largest_whole_unit():
	assert describe_duration(3 * DAY + 5 * HOUR) == "3 days"
	assert describe_duration(DAY) == "1 day"
	assert describe_duration(2 * HOUR + 59 * 60) == "2 hours"
	assert describe_duration(61) == "1 minute"
	assert describe_duration(59) == "less than a minute"
	assert describe_duration(None) == ""


def test_durations_are_translated_before_filling_in():
	assert describe_duration(2 * DAY, lambda text: text.replace("days", "ngày")) == "2 ngày"
