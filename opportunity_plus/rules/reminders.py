"""Which open opportunities get which reminder on a given day, and who is told.

Three events, each sent at most once per opportunity and key:

- Closing Soon: the expected closing date is today or within the next N days (key: that date);
- Overdue: the expected closing date has passed and the opportunity is still open (key: that date);
- Stale: the opportunity has stayed in its stage longer than the stage's "stale after" days, as
  the board marks it (key: the stage and the moment it was entered).

Changing the expected closing date, or moving the opportunity to another stage, makes a new key,
so the new situation is reminded again. Nothing here imports frappe.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from opportunity_plus.rules import _
from opportunity_plus.rules.analysis import is_open
from opportunity_plus.rules.board import days_in_stage, is_stale
from opportunity_plus.rules.pipeline import Stage

CLOSING_SOON = "Closing Soon"
OVERDUE = "Overdue"
STALE = "Stale"
EVENTS = (CLOSING_SOON, OVERDUE, STALE)

DEFAULT_DAYS_BEFORE_CLOSING = 3


@dataclass(frozen=True)
class ReminderSettings:
	enabled: bool = False
	days_before_closing: int = DEFAULT_DAYS_BEFORE_CLOSING
	remind_followers: bool = False
	remind_stale: bool = False


@dataclass(frozen=True)
class Candidate:
	"""What the reminder rules need to know of an opportunity."""

	name: str
	status: str = "Open"
	expected_closing: date | None = None
	sales_stage: str | None = None
	stage_entered_on: datetime | date | None = None
	stale_after_days: int = 0


@dataclass(frozen=True)
class Reminder:
	opportunity: str
	event: str
	key: str
	days: int  # days left (Closing Soon), days late (Overdue), days in the stage (Stale)

	@property
	def reminder_key(self) -> str:
		"""Unique per opportunity, event and key: what the log remembers."""
		return f"{self.opportunity}|{self.event}|{self.key}"


def as_date(value: datetime | date | None) -> date | None:
	if value is None:
		return None
	return value.date() if isinstance(value, datetime) else value


def closing_reminder(candidate: Candidate, today: date, days_before: int) -> Reminder | None:
	closing = as_date(candidate.expected_closing)
	if not closing:
		return None
	days_left = (closing - today).days
	if days_left < 0:
		return Reminder(candidate.name, OVERDUE, closing.isoformat(), -days_left)
	if days_left <= max(0, int(days_before or 0)):
		return Reminder(candidate.name, CLOSING_SOON, closing.isoformat(), days_left)
	return None


def stale_reminder(candidate: Candidate, now: datetime) -> Reminder | None:
	"""Stale exactly when the board marks the card stale: more whole days in the stage than the
	stage allows (0 = never)."""
	entered = candidate.stage_entered_on
	if not candidate.sales_stage or not entered:
		return None
	if not isinstance(entered, datetime):
		entered = datetime.combine(entered, time())
	days = days_in_stage(entered, now)
	if not is_stale(
		days, Stage(candidate.sales_stage, stale_after_days=int(candidate.stale_after_days or 0))
	):
		return None
	entered_key = entered.isoformat(sep=" ", timespec="seconds")
	return Reminder(candidate.name, STALE, f"{candidate.sales_stage}@{entered_key}", days)


def reminders_due(
	candidates: Iterable[Candidate],
	now: datetime,
	settings: ReminderSettings,
	already_sent: Iterable[str] = (),
) -> list[Reminder]:
	"""The reminders to send at ``now``: open opportunities only, each event and key once."""
	if not settings.enabled:
		return []
	today = now.date()
	sent = set(already_sent)
	due = []
	for candidate in candidates:
		if not is_open(candidate.status):
			continue
		found = [closing_reminder(candidate, today, settings.days_before_closing)]
		if settings.remind_stale:
			found.append(stale_reminder(candidate, now))
		for reminder in found:
			if reminder and reminder.reminder_key not in sent:
				sent.add(reminder.reminder_key)
				due.append(reminder)
	return due


def recipients(
	opportunity_owner: str | None,
	creator: str | None,
	followers: Iterable[str] = (),
	include_followers: bool = False,
) -> list[str]:
	"""The opportunity owner (the creator when no owner is set), then the followers if asked, once each."""
	people = [opportunity_owner or creator]
	if include_followers:
		people.extend(followers)
	result = []
	for person in people:
		if person and person not in result and person != "Guest":
			result.append(person)
	return result


def message(reminder: Reminder, limit_days: int = 0) -> tuple[str, dict]:
	"""The untranslated subject template of a reminder and its parameters.

	The caller fills in ``title`` (the opportunity) and ``date`` (formatted expected closing)."""
	days = reminder.days
	if reminder.event == CLOSING_SOON:
		if days == 0:
			return _("{title} is expected to close today."), {}
		if days == 1:
			return _("{title} is expected to close tomorrow, {date}."), {}
		return _("{title} is expected to close in {days} days, on {date}."), {"days": days}
	if reminder.event == OVERDUE:
		if days == 1:
			return _("{title} was expected to close yesterday, {date}, and is still open."), {}
		return _("{title} was expected to close on {date}, {days} days ago, and is still open."), {
			"days": days
		}
	stage = reminder.key.split("@", 1)[0]
	return (
		_("{title} has been in stage {stage} for {days} days (stale after {limit} days)."),
		{"stage": stage, "days": days, "limit": limit_days},
	)
