"""Arguments of the app's whitelisted methods, read strictly.

A request may send anything: broken JSON, a dict where a name is expected, a date that does not
exist, a page of a billion rows. Every reader here either returns the value in the expected type or
stops the request with a translated message naming the argument (``frappe.ValidationError``, HTTP
417), before anything is read or written. Never a traceback, never a guess.
"""

import json
from datetime import date, datetime

import frappe
from frappe import _
from frappe.utils import cint

from opportunity_plus.messages import bold, esc


def invalid(label: str, expected: str):
	frappe.throw(_("{0} is not valid: {1}.").format(bold(label), esc(expected)), title=_("Invalid Value"))


def json_arg(value, expected_type: type, label: str):
	"""A JSON argument (sent as text or already decoded) of ``expected_type`` (dict or list)."""
	if value is None or value == "":
		return None
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			invalid(label, _("it must be JSON"))
	if value is not None and not isinstance(value, expected_type):
		invalid(label, _("it must be a list") if expected_type is list else _("it must be an object"))
	return value


def list_arg(value, label: str) -> list[str]:
	"""A list of names: a JSON list, a comma-separated text or a list; every item a plain value."""
	if value is None or value == "":
		return []
	if isinstance(value, str):
		stripped = value.strip()
		value = json_arg(stripped, list, label) if stripped.startswith("[") else stripped.split(",")
	if not isinstance(value, list | tuple):
		invalid(label, _("it must be a list of names"))
	if any(isinstance(item, dict | list | tuple) for item in value):
		invalid(label, _("it must be a list of names"))
	return [str(item).strip() for item in value if item is not None and str(item).strip()]


def text_arg(value, label: str, max_length: int = 140) -> str | None:
	"""A name or short text: a string (or number) of at most ``max_length`` characters."""
	if value is None:
		return None
	if isinstance(value, int | float) and not isinstance(value, bool):
		value = str(value)
	if not isinstance(value, str):
		invalid(label, _("it must be a text"))
	if len(value) > max_length:
		invalid(label, _("it is longer than {0} characters").format(cint(max_length)))
	return value


def date_arg(value, label: str) -> date | None:
	"""A date as ``YYYY-MM-DD`` (or a date); None when empty."""
	if value is None or value == "":
		return None
	if isinstance(value, datetime):
		return value.date()
	if isinstance(value, date):
		return value
	if isinstance(value, str):
		try:
			return date.fromisoformat(value.strip()[:10])
		except ValueError:
			pass
	invalid(label, _("it must be a date like 2026-12-31"))


def datetime_arg(value, label: str) -> datetime | None:
	"""A date and time as ``YYYY-MM-DD HH:MM[:SS[.ffffff]]`` (or a date, meaning its midnight)."""
	if value is None or value == "":
		return None
	if isinstance(value, datetime):
		return value
	if isinstance(value, date):
		return datetime(value.year, value.month, value.day)
	if isinstance(value, str):
		try:
			return datetime.fromisoformat(value.strip()).replace(tzinfo=None)
		except ValueError:
			pass
	invalid(label, _("it must be a date and time like 2026-12-31 09:30:00"))


def int_arg(value, label: str, minimum: int, maximum: int) -> int:
	"""A whole number between ``minimum`` and ``maximum``."""
	try:
		number = int(value)
		if isinstance(value, float) and number != value:
			raise ValueError
	except (TypeError, ValueError):
		invalid(label, _("it must be a whole number"))
	if not minimum <= number <= maximum:
		invalid(label, _("it must be between {0} and {1}").format(cint(minimum), cint(maximum)))
	return number
