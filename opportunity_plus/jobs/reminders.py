"""Daily reminders about open opportunities, as one digest per person and day.

The rules (``opportunity_plus.rules.reminders``) decide which reminder is due and how a digest is
put together; this adapter loads what they need with a few set-based queries (the opportunities due,
the reminders already sent about them, their followers, people's preferences and users: each one
query, joined in the database), then writes in bulk:

- Opportunity Reminder Log: one row per reminder (opportunity, event and key, unique), written with
  multi-row inserts, so that nothing is reported twice (Overdue is repeated daily only when the
  settings ask, then ``last_sent_on`` says it was in today's digest);
- one Notification Log (an Alert, not emailed by Frappe) per person, holding the digest;
- at most one email per person (``frappe.sendmail``, through the Email Queue), in their language,
  when their notification settings allow emails.

The work is one transaction: a job stopped half way sent nothing and remembered nothing. The cost
grows with the number of people and of reminders due, not with opportunities times events times people.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import IfNull
from frappe.utils import add_days, cint, fmt_money, format_date, get_datetime, get_url, getdate, now_datetime

from opportunity_plus.messages import esc
from opportunity_plus.rules.analysis import NOT_OPEN_STATUSES
from opportunity_plus.rules.reminders import (
	CLOSING_SOON,
	DEFAULT_DAYS_BEFORE_CLOSING,
	DIGEST_LIMIT,
	EVENTS,
	FOLLOWER,
	OVERDUE,
	STALE,
	Candidate,
	Item,
	Preference,
	ReminderSettings,
	default_preference,
	digest_groups,
	digest_subject,
	group_link,
	item_phrase,
	people,
	reminders_due,
	still_blocks,
	wants,
)

SETTINGS = "Opportunity Plus Settings"
LOG = "Opportunity Reminder Log"
PREFERENCE = "Opportunity Reminder Preference"
TEMPLATE = "opportunity_plus/templates/emails/opportunity_reminder_digest.html"
CHUNK = 1000
LOG_FIELDS = (
	"name",
	"creation",
	"modified",
	"modified_by",
	"owner",
	"docstatus",
	"idx",
	"opportunity",
	"reminder_event",
	"event_key",
	"sent_on",
	"last_sent_on",
	"recipients",
	"reminder_key",
)
GROUP_TITLES = {
	OVERDUE: "Overdue",
	CLOSING_SOON: "Closing Soon",
	STALE: "Stale in their stage",
}


def send_daily_reminders() -> None:
	"""Scheduler entry point (daily_long; the scheduler commits when it is done)."""
	send_reminders()


def get_settings() -> ReminderSettings:
	values = frappe.db.get_singles_dict(SETTINGS)
	days = values.get("remind_days_before_closing")
	by_default = values.get("digest_by_default")
	return ReminderSettings(
		enabled=bool(cint(values.get("enable_reminders"))),
		days_before_closing=DEFAULT_DAYS_BEFORE_CLOSING if days in (None, "") else max(0, cint(days)),
		remind_followers=bool(cint(values.get("remind_followers"))),
		remind_stale=bool(cint(values.get("remind_stale"))),
		repeat_overdue=bool(cint(values.get("repeat_overdue_daily"))),
		digest_by_default=True if by_default in (None, "") else bool(cint(by_default)),
	)


def as_datetime(now: datetime | date | str | None) -> datetime:
	now = get_datetime(now) if now else now_datetime()
	if isinstance(now, date) and not isinstance(now, datetime):
		now = datetime.combine(now, time())
	return now


# ================================================================== what is due, to whom (reads only


@dataclass
class Plan:
	"""What a run would do: the reminders to remember and each person's digest."""

	now: datetime
	settings: ReminderSettings
	rows: dict = field(default_factory=dict)  # opportunity name -> row
	new: list = field(default_factory=list)  # Reminders never sent: a log row each
	repeated: list = field(default_factory=list)  # names of logs sent again today (daily Overdue)
	recipients: dict = field(default_factory=dict)  # reminder key -> users told
	digests: dict = field(default_factory=dict)  # user -> [Item]
	users: dict = field(default_factory=dict)  # user -> row (email, language, full name, email on)

	@property
	def today(self) -> date:
		return self.now.date()

	def counts(self) -> dict[str, dict[str, int]]:
		result = {}
		for user, items in self.digests.items():
			by_event = {event: 0 for event in EVENTS}
			for item in items:
				by_event[item.reminder.event] += 1
			result[user] = by_event
		return result


def plan_reminders(
	now: datetime | date | str | None = None,
	settings: ReminderSettings | None = None,
	user: str | None = None,
	include_sent: bool = False,
) -> Plan:
	"""The reminders due at ``now`` and who gets which, without writing anything.

	``user``: only that person's opportunities (as owner or follower) and digest. ``include_sent``:
	everything currently due, also what was already reported (a preview of "my opportunities now")."""
	settings = settings or get_settings()
	plan = Plan(as_datetime(now), settings)
	today = plan.today
	rows = candidate_rows(plan.now, settings, user)
	plan.rows = {row.name: row for row in rows}
	sent = {} if include_sent else sent_logs(plan.now, settings, user)
	blocking = {
		key
		for key, log in sent.items()
		if still_blocks(
			log.reminder_event, getdate(log.last_sent_on or log.sent_on), today, settings.repeat_overdue
		)
	}
	candidates = [
		Candidate(
			name=row.name,
			status=row.status,
			expected_closing=getdate(row.expected_closing) if row.expected_closing else None,
			sales_stage=row.sales_stage,
			stage_entered_on=get_datetime(row.stage_entered_on) if row.stage_entered_on else None,
			stale_after_days=cint(row.stale_after_days),
		)
		for row in rows
	]
	due = reminders_due(candidates, plan.now, settings, blocking)
	if not due:
		return plan

	followers = followers_of(plan.now, settings, user) if settings.remind_followers else {}
	preferences = preferences_of()
	fallback = default_preference(settings)
	if include_sent:  # a preview shows the digest also to someone who switched it off
		preferences = {person: replace(p, digest=True) for person, p in preferences.items()}
		fallback = replace(fallback, digest=True)
	told: dict[str, list[tuple[str, str]]] = {}
	for reminder in due:
		row = plan.rows[reminder.opportunity]
		told[reminder.reminder_key] = [
			(person, role)
			for person, role in people(row.opportunity_owner, row.owner, followers.get(row.name, ()))
			if (user is None or person == user)
			and wants(preferences.get(person, fallback), settings, reminder.event, role)
		]
	plan.users = users_of({person for pairs in told.values() for person, _role in pairs})
	for reminder in due:
		row = plan.rows[reminder.opportunity]
		pairs = [(person, role) for person, role in told[reminder.reminder_key] if person in plan.users]
		plan.recipients[reminder.reminder_key] = [person for person, _role in pairs]
		for person, role in pairs:
			plan.digests.setdefault(person, []).append(Item(reminder, role, amount_of(row)))
		if reminder.reminder_key in sent:
			plan.repeated.append(sent[reminder.reminder_key].name)
		else:
			plan.new.append(reminder)
	return plan


def open_opportunities(now: datetime, settings: ReminderSettings, user: str | None = None):
	"""(query, Opportunity, its stage row): open opportunities whose expected closing date is up to
	the reminder horizon, or that have stayed longer in their stage than it allows (stage cut-offs
	computed here, so the database filters exactly and without date functions)."""
	opp = DocType("Opportunity")
	stage = DocType("Sales Pipeline Stage")
	horizon = add_days(now.date(), settings.days_before_closing)
	condition = opp.expected_closing.isnotnull() & (opp.expected_closing <= horizon)
	if settings.remind_stale:
		for days in stale_limits():
			# more whole days in the stage than allowed: entered at least days + 1 days before now
			condition = condition | (
				(stage.stale_after_days == days) & (opp.stage_entered_on <= now - timedelta(days=days + 1))
			)
	query = (
		frappe.qb.from_(opp)
		.left_join(stage)
		.on(
			(stage.parenttype == "Sales Pipeline")
			& (stage.parentfield == "stages")
			& (stage.parent == opp.sales_pipeline)
			& (stage.sales_stage == opp.sales_stage)
		)
		.where(opp.status.notin(sorted(NOT_OPEN_STATUSES)))
		.where(condition)
	)
	if user:
		follower = DocType("Opportunity Follower")
		followed = (
			frappe.qb.from_(follower)
			.select(follower.parent)
			.where(follower.parenttype == "Opportunity")
			.where(follower.user == user)
		)
		query = query.where(
			(opp.opportunity_owner == user)
			| ((IfNull(opp.opportunity_owner, "") == "") & (opp.owner == user))
			| opp.name.isin(followed)
		)
	return query, opp, stage


def stale_limits() -> list[int]:
	stage = DocType("Sales Pipeline Stage")
	rows = (
		frappe.qb.from_(stage)
		.select(stage.stale_after_days)
		.distinct()
		.where(stage.parenttype == "Sales Pipeline")
		.where(stage.stale_after_days > 0)
		.run()
	)
	return sorted(cint(row[0]) for row in rows)


def candidate_rows(now: datetime, settings: ReminderSettings, user: str | None = None) -> list:
	query, opp, stage = open_opportunities(now, settings, user)
	return query.select(
		opp.name,
		opp.status,
		opp.title,
		opp.customer_name,
		opp.party_name,
		opp.expected_closing,
		opp.sales_stage,
		opp.stage_entered_on,
		opp.opportunity_owner,
		opp.owner,
		opp.base_opportunity_amount,
		opp.opportunity_amount,
		opp.conversion_rate,
		opp.company,
		stage.stale_after_days,
	).run(as_dict=True)


def sent_logs(now: datetime, settings: ReminderSettings, user: str | None = None) -> dict:
	"""Reminder key -> log, for the logs of the opportunities that are candidates (a join)."""
	query, opp, _stage = open_opportunities(now, settings, user)
	log = DocType(LOG)
	rows = (
		query.join(log)
		.on(log.opportunity == opp.name)
		.select(log.name, log.reminder_key, log.reminder_event, log.sent_on, log.last_sent_on)
		.run(as_dict=True)
	)
	return {row.reminder_key: row for row in rows}


def followers_of(now: datetime, settings: ReminderSettings, user: str | None = None) -> dict[str, list[str]]:
	"""Opportunity -> its followers in order, for the candidates (a join)."""
	query, opp, _stage = open_opportunities(now, settings, user)
	follower = DocType("Opportunity Follower")
	rows = (
		query.join(follower)
		.on(
			(follower.parent == opp.name)
			& (follower.parenttype == "Opportunity")
			& (follower.parentfield == "opportunity_followers")
		)
		.select(follower.parent, follower.user)
		.orderby(follower.parent)
		.orderby(follower.idx)
		.run()
	)
	result: dict[str, list[str]] = defaultdict(list)
	for parent, person in rows:
		result[parent].append(person)
	return result


def preferences_of() -> dict[str, Preference]:
	result = {}
	for row in frappe.get_all(
		PREFERENCE,
		fields=[
			"user",
			"receive_digest",
			"include_overdue",
			"include_closing_soon",
			"include_stale",
			"include_followed",
		],
	):
		events = {
			event
			for event, on in (
				(OVERDUE, row.include_overdue),
				(CLOSING_SOON, row.include_closing_soon),
				(STALE, row.include_stale),
			)
			if cint(on)
		}
		result[row.user] = Preference(
			digest=bool(cint(row.receive_digest)),
			events=frozenset(events),
			as_follower=bool(cint(row.include_followed)),
		)
	return result


def users_of(names: set[str]) -> dict:
	"""Enabled users with an email address and notifications on: their language, name and whether
	they take notification emails (one query with their Notification Settings)."""
	if not names:
		return {}
	user = DocType("User")
	settings = DocType("Notification Settings")
	result = {}
	names = sorted(names)
	for start in range(0, len(names), CHUNK):
		rows = (
			frappe.qb.from_(user)
			.left_join(settings)
			.on(settings.name == user.name)
			.select(
				user.name,
				user.email,
				user.language,
				user.full_name,
				settings.enabled.as_("notifications"),
				settings.enable_email_notifications.as_("emails"),
			)
			.where(user.name.isin(names[start : start + CHUNK]))
			.where(user.enabled == 1)
			.run(as_dict=True)
		)
		for row in rows:
			if row.email and (row.notifications is None or cint(row.notifications)):
				row.emails = row.emails is None or bool(cint(row.emails))
				result[row.name] = row
	return result


def amount_of(row) -> float:
	return float(row.base_opportunity_amount or (row.opportunity_amount or 0) * (row.conversion_rate or 1))


# ================================================================== the digest, as HTML


def language_of(user_row) -> str:
	return (user_row and user_row.get("language")) or frappe.db.get_default("lang") or "en"


def render_digest(plan: Plan, user: str, lang: str) -> tuple[str, str]:
	"""(subject, HTML) of ``user``'s digest in ``lang``: one column, every value escaped."""
	items = plan.digests.get(user, [])
	template, params = digest_subject(len(items))
	subject = _(template, lang=lang).format(**params)  # safe-html: a count
	groups = []
	for group in digest_groups(items, DIGEST_LIMIT):
		groups.append(
			{
				"title": esc(_(GROUP_TITLES[group.event], lang=lang)),
				"count": cint(group.total),
				"items": [digest_line(plan, item, lang) for item in group.items],
				"more": _("And {0} more.", lang=lang).format(cint(group.more)) if group.more else "",
				"link": esc(
					get_url(group_link(group.event, user, plan.today, plan.settings.days_before_closing))
				),
				"link_label": esc(
					_("Open the board", lang=lang) if group.event == STALE else _("Open the list", lang=lang)
				),
			}
		)
	preference = frappe.db.exists(PREFERENCE, user)
	html = frappe.render_template(
		TEMPLATE,
		{
			"heading": esc(subject),
			"intro": esc(
				_("Hello {0}, these opportunities need you today.", lang=lang).format(
					(plan.users.get(user) or {}).get("full_name") or user  # safe-html: escaped as a whole
				)
			),
			"groups": groups,
			"footer": esc(
				_(
					"You get this digest once a day. Choose what it contains in your reminder preferences.",
					lang=lang,
				)
			),
			"preferences_link": esc(
				get_url(f"/app/opportunity-reminder-preference/{preference}")
				if preference
				else get_url("/app/opportunity-reminder-preference/new")
			),
			"preferences_label": esc(_("Reminder preferences", lang=lang)),
		},
	)
	return subject, html


def digest_line(plan: Plan, item: Item, lang: str) -> dict:
	row = plan.rows[item.reminder.opportunity]
	title = row.title or row.customer_name or row.party_name or row.name
	template, params = item_phrase(item.reminder)
	currency = frappe.get_cached_value("Company", row.company, "default_currency") if row.company else None
	details = [
		fmt_money(item.amount, currency=currency) if item.amount else "",
		_(row.sales_stage, lang=lang) if row.sales_stage else "",
		_(template, lang=lang).format(**params),  # safe-html: day counts; the line is escaped below
	]
	if item.reminder.event != STALE and row.expected_closing:
		details.append(format_date(row.expected_closing))
	if item.role == FOLLOWER:
		details.append(_("you follow it", lang=lang))
	return {
		"title": esc(title),
		"name": esc(row.name),
		"link": esc(get_url(f"/app/opportunity/{row.name}")),
		"details": esc(" · ".join(part for part in details if part)),
	}


# ================================================================== sending (writes)


@dataclass
class Run:
	logs: list = field(default_factory=list)  # names of the Opportunity Reminder Logs written
	notifications: dict = field(default_factory=dict)  # user -> Notification Log
	emails: dict = field(default_factory=dict)  # user -> email address the digest was queued for
	plan: Plan | None = None


def send_reminders(now: datetime | date | str | None = None) -> Run:
	"""Send each person's digest of what is due at ``now`` (default: the current time), and remember
	what was reported. Running it again the same day sends nothing (unless something new became due)."""
	settings = get_settings()
	if not settings.enabled:
		return Run()
	plan = plan_reminders(now, settings)
	run = Run(plan=plan)
	if not plan.new and not plan.repeated:
		return run
	run.logs = remember(plan)
	for user in sorted(plan.digests):
		if not keep_readable(plan, user):
			continue
		notification, email = deliver(plan, user)
		run.notifications[user] = notification
		if email:
			run.emails[user] = email
	return run


def keep_readable(plan: Plan, user: str) -> int:
	"""Leave in ``user``'s digest only the opportunities they may read (an owner or follower who lost
	access learns nothing of them); returns how many items are left. One list query per chunk."""
	items = plan.digests.get(user, [])
	names = sorted({item.reminder.opportunity for item in items})
	readable = set()
	for start in range(0, len(names), CHUNK):
		try:
			readable.update(
				frappe.get_list(
					"Opportunity",
					filters={"name": ("in", names[start : start + CHUNK])},
					pluck="name",
					user=user,
				)
			)
		except frappe.PermissionError:
			frappe.clear_last_message()
	plan.digests[user] = [item for item in items if item.reminder.opportunity in readable]
	return len(plan.digests[user])


def remember(plan: Plan) -> list[str]:
	"""Logs of the reminders sent, in multi-row inserts; Overdue ones repeated today get today as
	their ``last_sent_on``. A second run at the same time fails on the unique reminder key and its
	transaction (its notifications and emails with it) is rolled back."""
	stamp = now_datetime()
	today = plan.today
	names, values = [], []
	for reminder in plan.new:
		name = frappe.generate_hash(length=20)
		names.append(name)
		values.append(
			(
				name,
				stamp,
				stamp,
				frappe.session.user,
				frappe.session.user,
				0,
				0,
				reminder.opportunity,
				reminder.event,
				reminder.key,
				today,
				today,
				"\n".join(plan.recipients.get(reminder.reminder_key, [])),
				reminder.reminder_key,
			)
		)
	if values:
		frappe.db.bulk_insert(LOG, LOG_FIELDS, values, chunk_size=CHUNK)
	log = DocType(LOG)
	for start in range(0, len(plan.repeated), CHUNK):
		(
			frappe.qb.update(log)
			.set(log.last_sent_on, today)
			.set(log.modified, stamp)
			.where(log.name.isin(plan.repeated[start : start + CHUNK]))
			.run()
		)
	return names


def deliver(plan: Plan, user: str) -> tuple[str, str | None]:
	"""One Notification Log (an Alert: Frappe does not email it) and, when the person takes
	notification emails, one email, both in their language."""
	person = plan.users[user]
	lang = language_of(person)
	subject, html = render_digest(plan, user, lang)
	notification = frappe.get_doc(
		{
			"doctype": "Notification Log",
			"type": "Alert",
			"for_user": user,
			"subject": subject,
			"email_content": html,
			"link": "/app/opportunity-board?owner=" + frappe.utils.quote(user),
		}
	).insert(ignore_permissions=True)  # the job runs as Administrator, for everyone
	if not person.emails:
		return notification.name, None
	email_digest(person.email, subject, html, notification.name)
	return notification.name, person.email


def email_digest(email: str, subject: str, html: str, notification: str | None = None) -> None:
	frappe.sendmail(
		recipients=[email],
		subject=subject,
		message=html,
		reference_doctype="Notification Log" if notification else None,
		reference_name=notification,
		delayed=True,
	)


def preview(user: str, now: datetime | date | str | None = None) -> dict:
	"""``user``'s digest of everything due now (also what was already reported), for them to look
	at; nothing is written. Only opportunities they may read are in it."""
	settings = get_settings()
	plan = plan_reminders(now, replace(settings, enabled=True), user, include_sent=True)
	keep_readable(plan, user)
	person = frappe.db.get_value("User", user, ["email", "language", "full_name"], as_dict=True) or {}
	plan.users.setdefault(user, person)
	subject, html = render_digest(plan, user, language_of(person))
	return {
		"subject": subject,
		"html": html,
		"items": len(plan.digests[user]),
		"counts": plan.counts().get(user, {event: 0 for event in EVENTS}),
		"email": person.get("email"),
	}
