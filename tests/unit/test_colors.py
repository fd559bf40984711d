import pytest

from opportunity_plus.rules import RuleError
from opportunity_plus.rules.colors import check_color


@pytest.mark.parametrize("value", [None, "", "#5E64FF", "#abc", "red", "SteelBlue"])
def test_real_colours_pass(value):
	check_color(value, "Won")


@pytest.mark.parametrize(
	"value", ['#fff" onmouseover="x()', "red;background:url(x)", "#12345", "expression(x)"]
)
def test_anything_else_is_refused_with_the_name(value):
	with pytest.raises(RuleError) as refused:
		check_color(value, "Won")
	assert "Won" in str(refused.value)
