from datetime import date

import pytest

from opportunity_plus.rules import RuleError
from opportunity_plus.rules.opportunity_code import (
	CodeContext,
	abbreviate,
	example,
	parse_template,
	render,
	series_key,
	validate_counter_start,
)

CONTEXT = CodeContext(on=date(2025, 1, 7), company_abbr="VN", pipeline_abbr="B2B")


def test_keywords_are_filled_and_the_counter_padded():
	assert render("CH-{YYYY}{MM}-{#####}", CONTEXT, 42) == "CH-202501-00042"
	assert render("{COMPANY}/{PIPELINE}/{YY}{DD}/{###}-X", CONTEXT, 7) == "VN/B2B/2507/007-X"


def test_counter_overflowing_its_digits_still_gives_a_unique_code():
	assert render("A-{##}", CONTEXT, 123) == "A-123"


def test_series_key_excludes_the_counter_so_each_month_restarts():
	assert series_key("CH-{YYYY}{MM}-{#####}", CONTEXT) == ("CH-202501-", "", 5)
	feb = CodeContext(on=date(2025, 2, 1))
	assert series_key("CH-{YYYY}{MM}-{#####}", feb)[0] == "CH-202502-"


@pytest.mark.parametrize(
	"template, expected",
	[
		("CH-{YEAR}-{###}", "Unknown keyword {YEAR}"),
		("CH-{YYYY}", "exactly one counter"),
		("{##}-{##}", "exactly one counter"),
		("CH-{YYYY-{##}", "unbalanced braces"),
		("", "empty"),
		("{" + "#" * 13 + "}", "at most 12 digits"),
	],
)
def test_bad_templates_are_refused_naming_the_problem(template, expected):
	with pytest.raises(RuleError) as error:
		parse_template(template)
	assert expected in str(error.value)


def test_example_uses_the_counter_start():
	assert example("OPP-{YYYY}-{####}", 25) == "OPP-2026-0025"


def test_counter_start_must_be_positive():
	with pytest.raises(RuleError):
		validate_counter_start(0)
	validate_counter_start(1)


def test_abbreviation_drops_vietnamese_accents():
	assert abbreviate("Quy trình bán hàng dự án") == "QTBHDA"
	assert abbreviate("Đại lý") == "DL"
	assert abbreviate("Main Pipeline") == "MP"
