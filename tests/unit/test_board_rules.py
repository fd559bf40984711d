from datetime import date, datetime, timedelta

import pytest

from opportunity_plus.rules import RuleError
from opportunity_plus.rules.board import (
	Condition,
	card_flags,
	check_lost_move,
	check_quick_add,
	column_totals,
	days_in_stage,
	filter_conditions,
	is_overdue,
	is_stale,
	like_pattern,
	names_of,
	page_bounds,
	parse_filters,
	rank_between,
	ranks_above,
	stage_view,
	weighted_amount,
)
from opportunity_plus.rules.pipeline import Stage

NEW = Stage("New", probability=10, stale_after_days=7)
NEVER_STALE = Stage("Talks", probability=50, stale_after_days=0)
WON = Stage("Won", stage_type="Won", probability=100, stale_after_days=3)
LOST = Stage("Lost", stage_type="Lost", probability=0)
NOW = datetime(2026, 3, 10, 12, 0)


# ------------------------------------------------------------------------------------- filters


def test_filters_are_normalised_and_empty_ones_dropped():
	assert parse_filters(None) == {}
	assert parse_filters("") == {}
	assert parse_filters(
		{
			"owner": " a@example.com ",
			"label": "Hot, Cold,,Hot",
			"search": "",
			"closing_from": "2026-01-05",
			"company": None,
		}
	) == {"owner": "a@example.com", "label": ["Hot", "Cold"], "closing_from": "2026-01-05"}
	assert parse_filters('{"label": ["Hot"], "opportunity_type": "Sales"}') == {
		"label": ["Hot"],
		"opportunity_type": "Sales",
	}


@pytest.mark.parametrize(
	"raw, message",
	[
		({"status": "Open"}, "cannot filter by status"),
		({"owner": ["a"]}, "needs a text value"),
		({"owner": 5}, "needs a text value"),
		({"label": [1]}, "needs a list"),
		({"label": {"a": 1}}, "needs a list"),
		({"closing_to": "10/03/2026"}, "needs a date"),
		({"search": "x" * 200}, "too long"),
		({"closing_from": "2026-02-01", "closing_to": "2026-01-01"}, "starts after it ends"),
		("{not json", "could not be read"),
		(["owner", "=", "x"], "could not be read"),
	],
)
def test_filters_outside_the_whitelist_are_refused(raw, message):
	with pytest.raises(RuleError) as error:
		parse_filters(raw)
	assert message in str(error.value)


def test_conditions_name_only_whitelisted_fields_and_operators():
	conditions = filter_conditions(
		parse_filters(
			{
				"search": "50%_off",
				"owner": "a@example.com",
				"label": ["Hot"],
				"closing_from": "2026-01-01",
				"closing_to": "2026-01-31",
				"company": "Acme",
				"opportunity_type": "Sales",
			}
		)
	)
	assert conditions == [
		Condition("opportunity_owner", "=", "a@example.com"),
		Condition("label", "any", ["Hot"]),
		Condition("company", "=", "Acme"),
		Condition("opportunity_type", "=", "Sales"),
		Condition("expected_closing", ">=", "2026-01-01"),
		Condition("expected_closing", "<=", "2026-01-31"),
		Condition("search", "contains", "%50\\%\\_off%"),
	]


def test_like_pattern_takes_wildcards_literally():
	assert like_pattern("a%b_c\\d") == "%a\\%b\\_c\\\\d%"


def test_page_bounds():
	assert page_bounds(None, None) == (0, 20)
	assert page_bounds("40", "20") == (40, 20)
	assert page_bounds(0, 10_000) == (0, 100)
	for start, length in ((-1, 20), ("x", 20)):
		with pytest.raises(RuleError):
			page_bounds(start, length)


# --------------------------------------------------------------------------------------- cards


def test_days_in_stage_counts_whole_days():
	assert days_in_stage(None, NOW) is None
	assert days_in_stage(NOW - timedelta(hours=23), NOW) == 0
	assert days_in_stage(NOW - timedelta(days=3, hours=1), NOW) == 3
	assert days_in_stage(NOW + timedelta(hours=2), NOW) == 0  # clock skew never goes negative


def test_stale_after_the_stage_limit_and_never_when_zero_or_closed():
	assert not is_stale(7, NEW)
	assert is_stale(8, NEW)
	assert not is_stale(400, NEVER_STALE)
	assert not is_stale(10, WON)
	assert not is_stale(None, NEW)


def test_overdue_only_for_open_stages_with_a_past_closing_date():
	today = NOW.date()
	assert is_overdue(today - timedelta(days=1), today, NEW)
	assert not is_overdue(today, today, NEW)
	assert not is_overdue(today - timedelta(days=1), today, WON)
	assert not is_overdue(None, today, NEW)


def test_card_flags():
	assert card_flags(NOW - timedelta(days=9), date(2026, 3, 1), NEW, NOW) == {
		"days_in_stage": 9,
		"is_stale": True,
		"is_overdue": True,
	}


def test_weighted_amount():
	assert weighted_amount(2000, 35) == 700
	assert weighted_amount(None, 50) == 0
	assert weighted_amount(100, None) == 0


def test_column_totals_fill_empty_stages_and_ignore_strangers():
	rows = [
		{"sales_stage": "New", "count": 3, "amount": 1500, "weighted": 150},
		{"sales_stage": "Elsewhere", "count": 9, "amount": 9, "weighted": 9},
	]
	assert column_totals([NEW, WON], rows) == {
		"New": {"count": 3, "amount": 1500.0, "weighted": 150.0},
		"Won": {"count": 0, "amount": 0.0, "weighted": 0.0},
	}


def test_stage_view_marks_closed_columns_collapsible_and_lost_needing_reasons():
	assert stage_view(NEW)["collapsible"] is False
	assert stage_view(WON)["collapsible"] is True
	assert stage_view(LOST)["require_lost_reasons"] is True
	assert stage_view(NEW)["stale_after_days"] == 7


# --------------------------------------------------------------------------------------- moves


def test_rank_between_neighbours():
	assert rank_between(None, None) == 0.0
	assert rank_between(None, 5.0) == 4.0
	assert rank_between(5.0, None) == 6.0
	assert rank_between(1.0, 2.0) == 1.5
	assert rank_between(-3.0, -1.0) == -2.0


def test_rank_between_equal_or_too_close_neighbours_asks_for_renumbering():
	assert rank_between(0.0, 0.0) is None
	assert rank_between(1.0, 1.0 + 1e-9) is None
	assert rank_between(2.0, 1.0) is None


def test_ranks_above_keep_order_and_come_before_the_card_below():
	ranks = ranks_above(3, 0.0)
	assert ranks == [-3.0, -2.0, -1.0]
	assert ranks_above(2, None) == [-2.0, -1.0]
	assert ranks_above(1, 10.0) == [9.0]


def test_names_from_multiselect_and_table_multiselect_values():
	assert names_of(None, "lost_reason") == []
	assert names_of(["Price", "Price", " Timing "], "lost_reason") == ["Price", "Timing"]
	assert names_of('[{"lost_reason": "Price"}, {"lost_reason": ""}]', "lost_reason") == ["Price"]
	assert names_of("Price", "lost_reason") == ["Price"]
	assert names_of({"competitor": "Rival"}, "competitor") == ["Rival"]


def test_lost_move_needs_a_reason():
	check_lost_move(LOST, ["Price"])
	check_lost_move(NEW, [])
	with pytest.raises(RuleError) as error:
		check_lost_move(LOST, [])
	assert "lost reason" in str(error.value) and "Lost" in str(error.value)
	with pytest.raises(RuleError):
		check_lost_move(Stage("Parked", require_lost_reasons=True), [])


def test_quick_add_only_into_open_stages_for_leads_and_customers():
	check_quick_add(NEW, "New", "Lead")
	check_quick_add(NEW, "New", "Customer")
	with pytest.raises(RuleError, match="not part of this pipeline"):
		check_quick_add(None, "Nowhere", "Lead")
	with pytest.raises(RuleError, match="cannot start in Won"):
		check_quick_add(WON, "Won", "Lead")
	with pytest.raises(RuleError, match="Lead or a Customer"):
		check_quick_add(NEW, "New", "Prospect")


def test_page_start_past_any_real_column_is_refused():
	assert page_bounds(10_000_000, 20) == (10_000_000, 20)
	with pytest.raises(RuleError):
		page_bounds(10**15, 20)
