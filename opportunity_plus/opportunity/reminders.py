"""Daily reminders about open opportunities: expected closing near or past, stale in stage.

The rules (``opportunity_plus.rules.reminders``) decide which reminder is due; this adapter loads
the opportunities, remembers what was sent in Opportunity Reminder Log (unique per opportunity,
event and key, so a second run the same day sends nothing new) and tells people through Frappe's
Notification Log, which also emails them when their notification settings allow it.
"""

from datetime import date, datetime, time

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import make_notification_logs
from frappe.query_builder import DocType
from frappe.utils import add_days, escape_html, fmt_money, format_date, get_datetime, getdate, now_datetime

from opportunity_plus.messages import bold, esc
from opportunity_plus.rules.analysis import NOT_OPEN_STATUSES
from opportunity_plus.rules.reminders import (
	DEFAULT_DAYS_BEFORE_CLOSING,
	Candidate,
	Reminder,
	ReminderSettings,
	message,
	recipients,
	reminders_due,
)

SETTINGS = "Opportunity Plus Settings"
LOG = "Opportunity Reminder Log"
CHUNK = 500
COMMIT_EVERY = 100


def send_daily_reminders() -> None:
	"""Scheduler entry point (daily_long: the first run on a large site can send thousands)."""
	send_reminders(commit_every=COMMIT_EVERY)


def get_settings() -> ReminderSettings:
	values = frappe.db.get_singles_dict(SETTINGS)
	days = values.get("remind_days_before_closing")
	return ReminderSettings(
		enabled=bool(int(values.get("enable_reminders") or 0)),
		days_before_closing=DEFAULT_DAYS_BEFORE_CLOSING if days in (None, "") else max(0, int(days)),
		remind_followers=bool(int(values.get("remind_followers") or 0)),
		remind_stale=bool(int(values.get("remind_stale") or 0)),
	)


def send_reminders(now: datetime | date | str | None = None, commit_every: int = 0) -> list[str]:
	"""Send the reminders due at ``now`` (default: the current time); returns the names of the
	Opportunity Reminder Logs written, one per reminder sent.

	With ``commit_every``, the work is committed after that many reminders, so a job stopped half
	way keeps what it sent (and remembered) and the next run carries on."""
	settings = get_settings()
	if not settings.enabled:
		return []
	now = get_datetime(now) if now else now_datetime()
	if isinstance(now, date) and not isinstance(now, datetime):
		now = datetime.combine(now, time())
	rows = candidate_rows(now.date(), settings)
	candidates = [
		Candidate(
			name=row.name,
			status=row.status,
			expected_closing=getdate(row.expected_closing) if row.expected_closing else None,
			sales_stage=row.sales_stage,
			stage_entered_on=get_datetime(row.stage_entered_on) if row.stage_entered_on else None,
			stale_after_days=int(row.stale_after_days or 0),
		)
		for row in rows
	]
	due = reminders_due(candidates, now, settings, already_sent([row.name for row in rows]))
	if not due:
		return []

	by_name = {row.name: row for row in rows}
	followers = followers_of([r.opportunity for r in due]) if settings.remind_followers else {}
	people_of = {
		reminder.opportunity: recipients(
			by_name[reminder.opportunity].opportunity_owner,
			by_name[reminder.opportunity].owner,
			followers.get(reminder.opportunity, []),
			include_followers=settings.remind_followers,
		)
		for reminder in due
	}
	users = users_by_name({user for people in people_of.values() for user in people})
	sent = []
	for reminder in due:
		row, people = by_name[reminder.opportunity], people_of[reminder.opportunity]
		log = remember(reminder, people, now.date())
		if log:
			notify(reminder, row, [users[user] for user in people if user in users])
			sent.append(log)
			if commit_every and len(sent) % commit_every == 0:
				frappe.db.commit()  # nosemgrep: progress of a long background job
	if commit_every:
		frappe.db.commit()  # nosemgrep
	return sent


def candidate_rows(today: date, settings: ReminderSettings) -> list:
	"""Open opportunities with an expected closing date up to the reminder horizon, or in a stage
	that can go stale; the rules decide exactly which reminders are due."""
	opp = DocType("Opportunity")
	stage = DocType("Sales Pipeline Stage")
	horizon = add_days(today, settings.days_before_closing)
	near = opp.expected_closing.isnotnull() & (opp.expected_closing <= horizon)
	condition = (near | (stage.stale_after_days > 0)) if settings.remind_stale else near
	return (
		frappe.qb.from_(opp)
		.left_join(stage)
		.on(
			(stage.parenttype == "Sales Pipeline")
			& (stage.parent == opp.sales_pipeline)
			& (stage.sales_stage == opp.sales_stage)
		)
		.select(
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
		)
		.where(opp.status.notin(sorted(NOT_OPEN_STATUSES)))
		.where(condition)
		.run(as_dict=True)
	)


def already_sent(names: list[str]) -> set[str]:
	keys = set()
	for start in range(0, len(names), CHUNK):
		keys.update(
			frappe.get_all(
				LOG, filters={"opportunity": ("in", names[start : start + CHUNK])}, pluck="reminder_key"
			)
		)
	return keys


def followers_of(names: list[str]) -> dict[str, list[str]]:
	result: dict[str, list[str]] = {}
	for start in range(0, len(names), CHUNK):
		for row in frappe.get_all(
			"Opportunity Follower",
			filters={
				"parenttype": "Opportunity",
				"parentfield": "opportunity_followers",
				"parent": ("in", names[start : start + CHUNK]),
			},
			fields=["parent", "user"],
			order_by="idx asc",
		):
			result.setdefault(row.parent, []).append(row.user)
	return result


def users_by_name(names: set[str]) -> dict:
	"""Enabled users with an email address, with their language."""
	users = {}
	names = sorted(names)
	for start in range(0, len(names), CHUNK):
		for user in frappe.get_all(
			"User",
			filters={"name": ("in", names[start : start + CHUNK]), "enabled": 1},
			fields=["name", "email", "language"],
		):
			if user.email:
				users[user.name] = user
	return users


def remember(reminder: Reminder, people: list[str], today: date) -> str | None:
	"""Write the log of a reminder; None when another run wrote it first (the key is unique)."""
	try:
		log = frappe.get_doc(
			{
				"doctype": LOG,
				"opportunity": reminder.opportunity,
				"reminder_event": reminder.event,
				"event_key": reminder.key,
				"sent_on": today,
				"recipients": "\n".join(people),
			}
		).insert(ignore_permissions=True)
	except frappe.UniqueValidationError:
		frappe.clear_last_message()
		return None
	return log.name


def notify(reminder: Reminder, row, users: list) -> None:
	"""One Notification Log per person, in their language; Frappe emails it when they allow it."""
	default_lang = frappe.db.get_default("lang") or "en"
	for user in users:
		lang = user.language or default_lang
		make_notification_logs(
			{
				"type": "",  # the default type is emailed (an "Alert" would not be)
				"document_type": "Opportunity",
				"document_name": row.name,
				"subject": subject(reminder, row, lang),
				"email_content": details(row, lang),
			},
			[user.email],
		)


def subject(reminder: Reminder, row, lang: str) -> str:
	template, params = message(reminder, limit_days=int(row.stale_after_days or 0))
	title = row.title or row.customer_name or row.party_name or row.name
	if "stage" in params:
		params["stage"] = escape_html(_(params["stage"], lang=lang))
	return _(template, lang=lang).format(
		title=bold(title),
		date=esc(format_date(row.expected_closing) if row.expected_closing else ""),
		**params,  # safe-html: day counts, and the stage escaped above
	)


def details(row, lang: str) -> str:
	amount = row.base_opportunity_amount or (row.opportunity_amount or 0) * (row.conversion_rate or 1)
	currency = frappe.get_cached_value("Company", row.company, "default_currency") if row.company else None
	lines = [
		(_("Opportunity", lang=lang), row.name),
		(_("Sales Stage", lang=lang), _(row.sales_stage, lang=lang) if row.sales_stage else ""),
		(_("Expected Closing", lang=lang), format_date(row.expected_closing) if row.expected_closing else ""),
		(_("Amount", lang=lang), fmt_money(amount, currency=currency) if amount else ""),
	]
	return "<br>".join(f"{escape_html(label)}: {escape_html(str(value))}" for label, value in lines if value)
