"""Colours of stages and labels: the desk puts them into style attributes, so only real colours."""

import re

from opportunity_plus.rules import RuleError, _

COLOR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{3,20})$")


def check_color(value: str | None, what: str) -> None:
	"""A hex colour (#5E64FF, #abc) or a colour name (red), or nothing; else a RuleError."""
	if value and not COLOR.match(value.strip()):
		raise RuleError(_("The colour of {what} must be like #5E64FF."), what=what)
