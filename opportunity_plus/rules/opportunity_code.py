"""Opportunity codes made from a template with keywords, e.g. ``CH-{YYYY}{MM}-{#####}``.

A template is text with keywords in braces. Exactly one keyword is the counter, written as
``#`` repeated once per digit. The counter runs per *series*: the code with the counter left
out, so ``CH-202611-`` and ``CH-202612-`` count separately (a new month starts again).
"""

import re
from dataclasses import dataclass
from datetime import date

from opportunity_plus.rules import RuleError, _

KEYWORD = re.compile(r"\{([^{}]*)\}")
COUNTER = re.compile(r"#+")

# keyword -> (description, example value)
KEYWORDS = {
	"YYYY": (_("Year, four digits"), "2026"),
	"YY": (_("Year, two digits"), "26"),
	"MM": (_("Month, two digits"), "11"),
	"DD": (_("Day of the month, two digits"), "23"),
	"COMPANY": (_("Abbreviation of the opportunity's company"), "ABC"),
	"PIPELINE": (_("Abbreviation of the opportunity's sales pipeline"), "SALES"),
	"#####": (_("Counter, zero-padded to as many digits as there are #"), "00001"),
}

MAX_DIGITS = 12


@dataclass(frozen=True)
class CodeContext:
	"""What a code is rendered from."""

	on: date
	company_abbr: str = ""
	pipeline_abbr: str = ""


@dataclass(frozen=True)
class ParsedTemplate:
	prefix: str  # everything before the counter, keywords still in place
	suffix: str  # everything after the counter
	digits: int


def parse_template(template: str) -> ParsedTemplate:
	"""Check a template and split it around its counter; raise RuleError naming what is wrong."""
	template = (template or "").strip()
	if not template:
		raise RuleError(_("The opportunity code template is empty."))
	if template.count("{") != template.count("}"):
		raise RuleError(
			_("The opportunity code template {template} has unbalanced braces."), template=template
		)

	counters = []
	for match in KEYWORD.finditer(template):
		keyword = match.group(1)
		if COUNTER.fullmatch(keyword):
			counters.append(match)
		elif keyword not in KEYWORDS:
			raise RuleError(
				_("Unknown keyword {{{keyword}}} in the opportunity code template. Known keywords: {known}."),
				keyword=keyword,
				known=", ".join("{" + k + "}" for k in KEYWORDS),
			)
	if len(counters) != 1:
		raise RuleError(
			_("The opportunity code template needs exactly one counter such as {{#####}}, found {count}."),
			count=len(counters),
		)
	counter = counters[0]
	digits = len(counter.group(1))
	if digits > MAX_DIGITS:
		raise RuleError(_("The counter can have at most {max} digits."), max=MAX_DIGITS)
	return ParsedTemplate(prefix=template[: counter.start()], suffix=template[counter.end() :], digits=digits)


def _fill(text: str, context: CodeContext) -> str:
	values = {
		"YYYY": f"{context.on.year:04d}",
		"YY": f"{context.on.year % 100:02d}",
		"MM": f"{context.on.month:02d}",
		"DD": f"{context.on.day:02d}",
		"COMPANY": context.company_abbr or "",
		"PIPELINE": context.pipeline_abbr or "",
	}
	return KEYWORD.sub(lambda m: values[m.group(1)], text)


def series_key(template: str, context: CodeContext) -> tuple[str, str, int]:
	"""Return (prefix, suffix, digits) with keywords filled in; the counter runs per prefix+suffix."""
	parsed = parse_template(template)
	return _fill(parsed.prefix, context), _fill(parsed.suffix, context), parsed.digits


def format_code(prefix: str, counter: int, digits: int, suffix: str = "") -> str:
	return f"{prefix}{counter:0{digits}d}{suffix}"


def render(template: str, context: CodeContext, counter: int) -> str:
	prefix, suffix, digits = series_key(template, context)
	return format_code(prefix, counter, digits, suffix)


def example(template: str, counter_start: int = 1) -> str:
	"""An example code for the settings page, rendered with sample values."""
	context = CodeContext(on=date(2026, 11, 23), company_abbr="ABC", pipeline_abbr="SALES")
	return render(template, context, max(counter_start, 1))


def validate_counter_start(start: int) -> None:
	if start is None or int(start) < 1:
		raise RuleError(_("The counter start must be 1 or more."))


def abbreviate(text: str, max_length: int = 6) -> str:
	"""Upper-case initials without accents: 'Quy trình bán hàng' -> 'QTBH'."""
	import unicodedata

	plain = unicodedata.normalize("NFKD", (text or "").replace("đ", "d").replace("Đ", "D"))
	plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
	words = re.findall(r"[A-Za-z0-9]+", plain)
	return "".join(word[0] for word in words).upper()[:max_length]
