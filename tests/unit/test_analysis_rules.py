from datetime import date

import pytest

from opportunity_plus.rules import RuleError
from opportunity_plus.rules.analysis import (
	Figures,
	describe_competitors,
	fold_status_rows,
	forecast,
	forecast_months,
	funnel,
	is_open,
	merge_rows,
	month_bounds,
	month_from_number,
	month_of,
	months_between,
	order_stages,
	rate,
	reached_per_stage,
	total_of,
	validate_forecast_months,
	weighted_amount,
)


def test_rates_are_percentages_and_empty_when_nothing_to_divide():
	assert rate(1, 3) == 33.33
	assert rate(2, 2) == 100.0
	assert rate(0, 5) == 0.0
	assert rate(3, 0) is None


def test_weighted_amount_is_amount_times_probability():
	assert weighted_amount(1000, 25) == 250
	assert weighted_amount(None, 50) == 0
	assert weighted_amount(1000, None) == 0


def test_open_means_not_converted_lost_or_closed():
	assert is_open("Open") and is_open("Quotation") and is_open("Replied") and is_open(None)
	assert not any(is_open(status) for status in ("Converted", "Lost", "Closed"))


def test_figures_fold_statuses_into_open_won_lost_and_rates():
	# (key, status, count, amount, weighted, days to close summed over the rows)
	rows = [
		("Ann", "Open", 2, 3000, 900, 40),
		("Ann", "Quotation", 1, 1000, 700, 5),
		("Ann", "Converted", 3, 6000, 6000, 90),
		("Ann", "Lost", 1, 500, 0, 10),
		("Ann", "Closed", 1, 100, 0, 4),
		("Bob", "Lost", 2, 800, 0, 20),
	]
	groups = fold_status_rows(rows)
	assert list(groups) == ["Ann", "Bob"]
	ann = groups["Ann"]
	assert (ann.opportunities, ann.open, ann.won, ann.lost) == (8, 3, 3, 1)
	assert ann.win_rate_of_closed == 75.0  # 3 won of 4 decided
	assert ann.win_rate_of_all == 37.5  # 3 won of 8
	assert (ann.amount, ann.weighted) == (10600, 7600)
	assert (ann.open_amount, ann.open_weighted, ann.won_amount, ann.lost_amount) == (4000, 1600, 6000, 500)
	# days to close only over won and lost: (90 + 10) / 4
	assert ann.avg_days_to_close == 25.0

	bob = groups["Bob"]
	assert bob.win_rate_of_closed == 0.0 and bob.win_rate_of_all == 0.0 and bob.avg_days_to_close == 10.0

	total = total_of(groups.values())
	assert (total.opportunities, total.won, total.lost, total.lost_amount) == (10, 3, 3, 1300)
	assert total.win_rate_of_closed == 50.0


def test_rows_with_stay_totals_give_the_average_days_in_a_stage_per_group():
	# (..., seconds of completed stays, number of stays): Ann left stages 3 times in 6 days in all
	day = 86400
	groups = fold_status_rows(
		[("Ann", "Open", 2, 0, 0, 0, 2 * day, 1), ("Ann", "Lost", 1, 0, 0, 0, 4 * day, 2)]
	)
	assert groups["Ann"].stays == 3
	assert groups["Ann"].avg_days_in_stage == 2.0


def test_a_group_without_decided_opportunities_has_no_conversion_rate_or_time_to_close():
	figures = Figures().add("Open", 4, 100, 10, 99)
	assert figures.win_rate_of_closed is None and figures.avg_days_to_close is None
	assert figures.win_rate_of_all == 0.0


def test_average_days_in_stage_comes_from_completed_stays():
	figures = Figures().add_stays(3 * 86400, 2).add_stays(86400, 2)
	assert figures.avg_days_in_stage == 1.0
	assert Figures().avg_days_in_stage is None
	row = figures.as_row()
	assert row["avg_days_in_stage"] == 1.0 and row["opportunities"] == 0


def test_months_are_year_month_buckets_across_years():
	assert month_of(date(2025, 1, 31)) == "2025-01"
	assert month_from_number(202601) == "2026-01"
	assert month_from_number(None) is None
	months = months_between(date(2024, 11, 15), date(2026, 2, 1))
	assert months[0] == "2024-11" and months[-1] == "2026-02" and len(months) == 16
	assert months.count("2025-01") == 1 and "2026-01" in months  # January 2025 and 2026 stay apart
	assert months_between(date(2025, 2, 1), date(2025, 1, 1)) == []


def test_month_bounds_handle_december_and_leap_years():
	assert month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
	assert month_bounds("2025-12") == (date(2025, 12, 1), date(2025, 12, 31))


def test_forecast_months_start_with_the_current_month():
	assert forecast_months(date(2025, 11, 20), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
	assert validate_forecast_months("6") == 6
	for wrong in (0, 37, "six", None):
		with pytest.raises(RuleError):
			validate_forecast_months(wrong)


def test_forecast_keeps_every_month_and_splits_by_pipeline_and_owner():
	rows = [
		("2025-12", "Main", "ann", 2, 1000, 300),
		("2025-12", "Main", "bob", 1, 500, 250),
		("2026-02", "Projects", "ann", 1, 4000, 3200),
		("2027-01", "Main", "ann", 9, 9, 9),  # after the horizon
		("2025-10", "Main", "ann", 1, 200, 20),  # before it: overdue
		("2024-01", "Main", "ann", 1, 100, 10),
	]
	overdue, months = forecast(["2025-12", "2026-01", "2026-02"], rows)
	assert (overdue.month, overdue.figures.opportunities, overdue.figures.amount) == ("Overdue", 2, 300)
	assert overdue.parts[("Main", "ann")].weighted == 30
	assert [m.month for m in months] == ["2025-12", "2026-01", "2026-02"]
	assert (months[0].figures.opportunities, months[0].figures.weighted) == (3, 550)
	assert months[1].figures.opportunities == 0 and months[1].parts == {}
	assert months[0].parts[("Main", "bob")].amount == 500
	assert months[2].figures.open_weighted == 3200


def test_stages_follow_pipeline_order_then_unknown_then_empty():
	main = ["Prospecting", "Proposal", "Won", "Lost"]
	other = ["Intake", "Proposal", "Done"]
	present = ["Won", "Zeta", None, "Alpha", "Intake"]
	assert order_stages([main, other], present) == [
		"Prospecting",
		"Proposal",
		"Won",
		"Lost",
		"Intake",
		"Done",
		"Alpha",
		"Zeta",
		None,
	]


def test_funnel_steps_in_stage_order_with_rates_and_days():
	steps = funnel(
		["Prospecting", "Proposal", "Won"],
		reached={"Prospecting": 10, "Proposal": 4, "Won": 1},
		moved_on={"Prospecting": 8, "Proposal": 3},
		stays={"Prospecting": (8 * 2 * 86400, 8)},
	)
	assert [(s.stage, s.reached, s.moved_on) for s in steps] == [
		("Prospecting", 10, 8),
		("Proposal", 4, 3),
		("Won", 1, 0),
	]
	assert steps[0].moved_on_rate == 80.0 and steps[0].avg_days_in_stage == 2.0
	assert steps[2].avg_days_in_stage is None


def test_competitors_read_most_frequent_first():
	assert (
		describe_competitors({"Beta": 1, "Acme": 2, "Gamma": 1, None: 4}) == "Acme (2), Beta (1), Gamma (1)"
	)
	assert describe_competitors({}) == ""


def test_reached_counts_an_opportunity_once_whether_it_is_in_the_stage_left_it_or_came_back():
	# Qualification: 5 there now, 7 left it, 2 of those 7 came back -> 10 distinct opportunities
	# Proposal: nobody there now, 3 left it; Won: 4 there, none left
	reached = reached_per_stage(
		current={"Qualification": 5, "Won": 4, None: 1},
		moved_on={"Qualification": 7, "Proposal": 3},
		returned={"Qualification": 2},
	)
	assert reached == {"Qualification": 10, "Proposal": 3, "Won": 4}


def test_a_month_grouping_spans_at_most_twenty_years():
	from opportunity_plus.rules.analysis import check_month_range

	check_month_range(date(2006, 1, 1), date(2025, 12, 31))  # 240 months: fine
	with pytest.raises(RuleError):
		check_month_range(date(2006, 1, 1), date(2026, 1, 1))
	with pytest.raises(RuleError):
		check_month_range(date(1, 1, 1), date(9999, 12, 31))


def test_forecast_adds_the_amount_weighted_by_the_predicted_probability_when_given():
	rows = [
		("2026-03", "Main", "ann", 2, 3000, 900, 1200),
		("2026-03", "Main", "bob", 1, 1000, 500, 100),
		("2026-01", "Main", "ann", 1, 400, 40),  # overdue, a row without the predicted figure
	]
	overdue, months = forecast(["2026-02", "2026-03"], rows)
	assert months[1].figures.predicted_weighted == 1300
	assert months[1].parts[("Main", "ann")].predicted_weighted == 1200
	assert overdue.figures.predicted_weighted == 0 and overdue.figures.weighted == 40


def test_merge_rows_adds_the_rows_of_one_key_and_keeps_the_others():
	from decimal import Decimal

	rows = [
		("Lead", "Open", 2, Decimal("100.5"), None),
		("Won", "Converted", 1, Decimal("50"), 3),
		("Lead", "Open", 1, 20.25, 4),
		("Lead", "Lost", 1, 0, 0),
	]
	assert merge_rows(rows, 2) == [
		("Lead", "Open", 3, 120.75, 4),
		("Won", "Converted", 1, Decimal("50"), 3),
		("Lead", "Lost", 1, 0, 0),
	]
	assert merge_rows([(None, 1), (None, 2), ("x", None)], 1) == [(None, 3), ("x", None)]
