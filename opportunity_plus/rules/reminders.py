"""Which open opportunities get which reminder on a given day, who is told, and how each person's
daily digest is put together.

Three events, each reported at most once per opportunity and key (Overdue again every day when the
settings ask for a daily repeat):

- Closing Soon: the expected closing date is today or within the next N days (key: that date);
- Overdue: the expected closing date has passed and the opportunity is still open (key: that date);
- Stale: the opportunity has stayed in its stage longer than the stage's "stale after" days, as
  the board marks it (key: the stage and the moment it was entered).

Changing the expected closing date, or moving the opportunity to another stage, makes a new key,
so the new situation is reminded again.

Everything due on a day goes into one digest per person: grouped by event, most urgent group first
(Overdue, Closing Soon, Stale), at most ``DIGEST_LIMIT`` items shown per group and the number of the
others. Each person's preference (digest on or off, which events, opportunities they follow) narrows
what the settings send. Nothing here imports frappe.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import urlencode

from opportunity_plus.rules import _
from opportunity_plus.rules.analysis import NOT_OPEN_STATUSES, is_open
from opportunity_plus.rules.board import days_in_stage, is_stale
from opportunity_plus.rules.pipeline import Stage

CLOSING_SOON = "Closing Soon"
OVERDUE = "Overdue"
STALE = "Stale"
EVENTS = (CLOSING_SOON, OVERDUE, STALE)
URGENCY = (OVERDUE, CLOSING_SOON, STALE)  # the digest's groups, most urgent first

DEFAULT_DAYS_BEFORE_CLOSING = 3
DIGEST_LIMIT = 20  # items shown per group; the others are counted, with a link to them

OWNER = "Owner"
FOLLOWER = "Follower"


@dataclass(frozen=True)
class ReminderSettings:
	enabled: bool = False
	days_before_closing: int = DEFAULT_DAYS_BEFORE_CLOSING
	remind_followers: bool = False
	remind_stale: bool = False
	repeat_overdue: bool = False  # overdue opportunities are in every day's digest, not only once
	digest_by_default: bool = True  # people who have not chosen get the digest


@dataclass(frozen=True)
class Preference:
	"""One person's choice; people without one get ``default_preference(settings)``."""

	digest: bool = True
	events: frozenset = frozenset(EVENTS)
	as_follower: bool = True  # also the opportunities they follow (when the settings remind followers)


def default_preference(settings: ReminderSettings) -> Preference:
	return Preference(digest=settings.digest_by_default)


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


def still_blocks(event: str, last_sent_on: date | None, today: date, repeat_overdue: bool) -> bool:
	"""Whether a reminder already sent keeps its event out of today's digest: always, except an
	Overdue one under a daily repeat, which comes back each day until it was sent today."""
	if repeat_overdue and event == OVERDUE:
		return not last_sent_on or last_sent_on >= today
	return True


def people(
	opportunity_owner: str | None, creator: str | None, followers: Iterable[str] = ()
) -> list[tuple[str, str]]:
	"""(user, OWNER or FOLLOWER): the owner (the creator when no owner is set), then each follower
	who is not the owner, once each."""
	result: list[tuple[str, str]] = []
	seen = set()
	for person, role in [(opportunity_owner or creator, OWNER), *((f, FOLLOWER) for f in followers)]:
		if person and person != "Guest" and person not in seen:
			seen.add(person)
			result.append((person, role))
	return result


def wants(preference: Preference, settings: ReminderSettings, event: str, role: str) -> bool:
	"""Whether a person gets ``event`` about an opportunity they are ``role`` of: the settings send
	it and their preference keeps it."""
	if not preference.digest or event not in preference.events:
		return False
	if event == STALE and not settings.remind_stale:
		return False
	return role == OWNER or (settings.remind_followers and preference.as_follower)


@dataclass(frozen=True)
class Item:
	"""One line of a digest."""

	reminder: Reminder
	role: str = OWNER
	amount: float = 0.0


@dataclass(frozen=True)
class Group:
	event: str
	items: tuple  # the items shown, most urgent first
	total: int

	@property
	def more(self) -> int:
		return self.total - len(self.items)


def urgency(item: Item) -> tuple:
	"""Fewest days first (the freshest miss, the nearest date, the newest stale card: what can still
	be saved), then the largest amount."""
	return (item.reminder.days, -(item.amount or 0), item.reminder.opportunity)


def digest_groups(items: Iterable[Item], limit: int = DIGEST_LIMIT) -> list[Group]:
	"""The digest's groups in ``URGENCY`` order, empty ones left out."""
	by_event: dict[str, list[Item]] = {}
	for item in items:
		by_event.setdefault(item.reminder.event, []).append(item)
	groups = []
	for event in URGENCY:
		found = sorted(by_event.get(event, []), key=urgency)
		if found:
			groups.append(Group(event, tuple(found[: max(0, limit)]), len(found)))
	return groups


def digest_subject(total: int) -> tuple[str, dict]:
	"""The untranslated subject of a digest of ``total`` items and its parameters."""
	if total == 1:
		return _("1 opportunity to follow up today"), {}
	return _("{count} opportunities to follow up today"), {"count": total}


def item_phrase(reminder: Reminder) -> tuple[str, dict]:
	"""The untranslated "how urgent" part of a digest line and its parameters."""
	days = reminder.days
	if reminder.event == CLOSING_SOON:
		if days == 0:
			return _("closes today"), {}
		if days == 1:
			return _("closes tomorrow"), {}
		return _("closes in {days} days"), {"days": days}
	if reminder.event == OVERDUE:
		if days == 1:
			return _("1 day overdue"), {}
		return _("{days} days overdue"), {"days": days}
	return _("{days} days in this stage"), {"days": days}


def group_link(event: str, user: str, today: date, days_before: int) -> str:
	"""Where the whole group can be seen: the opportunity list filtered like the group (Overdue,
	Closing Soon), or the board filtered on the person (which marks stale cards)."""
	if event == STALE:
		return "/app/opportunity-board?" + urlencode({"owner": user})
	if event == OVERDUE:
		closing = ["<", today.isoformat()]
	else:
		horizon = date.fromordinal(today.toordinal() + max(0, int(days_before or 0)))
		closing = ["Between", [today.isoformat(), horizon.isoformat()]]
	return "/app/opportunity?" + urlencode(
		{
			"opportunity_owner": user,
			"status": json.dumps(["not in", sorted(NOT_OPEN_STATUSES)]),
			"expected_closing": json.dumps(closing),
		}
	)
