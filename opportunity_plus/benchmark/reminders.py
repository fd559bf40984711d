"""Time the daily reminder digest on a seeded site: a first run, then a second run the same day.

``bench --site SITE opportunity-plus-benchmark --reminders`` (after ``opportunity-plus-demo``). The
runs really send: Notification Logs and queued emails (the Email Queue sends them only when the
scheduler is on), and they are committed. With ``fresh``, the reminders already logged are forgotten
first (their logs deleted), so that the first run is a first run: use it on a demo site only.
"""

import time
from datetime import datetime

import frappe
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime

from opportunity_plus.jobs import reminders

SETTINGS = {
	"enable_reminders": 1,
	"remind_days_before_closing": 3,
	"remind_followers": 1,
	"remind_stale": 1,
}


def counts(since: datetime) -> dict:
	"""Notification Logs and queued emails made since ``since``, and the most any one person got."""
	note = frappe.qb.DocType("Notification Log")
	per_person = (
		frappe.qb.from_(note)
		.select(note.for_user, Count("*"))
		.where(note.creation >= since)
		.groupby(note.for_user)
		.run()
	)
	queue = frappe.qb.DocType("Email Queue")
	recipient = frappe.qb.DocType("Email Queue Recipient")
	emails = (
		frappe.qb.from_(recipient)
		.join(queue)
		.on(queue.name == recipient.parent)
		.select(recipient.recipient, Count("*"))
		.where(queue.creation >= since)
		.groupby(recipient.recipient)
		.run()
	)
	return {
		"notifications": sum(n for _user, n in per_person),
		"max_notifications_per_person": max((n for _user, n in per_person), default=0),
		"emails": sum(n for _email, n in emails),
		"max_emails_per_person": max((n for _email, n in emails), default=0),
	}


def timed_run(now: datetime) -> dict:
	started_at = now_datetime()
	started = time.perf_counter()
	run = reminders.send_reminders(now)
	frappe.db.commit()  # nosemgrep: a benchmark's run is kept, as the scheduler would keep it
	seconds = time.perf_counter() - started
	plan = run.plan
	return {
		"seconds": round(seconds, 2),
		"people": len(run.notifications),
		"items": sum(len(items) for items in plan.digests.values()) if plan else 0,
		"reminders_logged": len(run.logs),
		"reminders_repeated": len(plan.repeated) if plan else 0,
		**counts(started_at),
	}


def run(fresh: bool = False, now: datetime | None = None) -> dict:
	now = now or now_datetime()
	frappe.db.set_single_value("Opportunity Plus Settings", SETTINGS)
	if fresh:
		frappe.db.delete("Opportunity Reminder Log")
	frappe.db.commit()  # nosemgrep
	opportunity = frappe.qb.DocType("Opportunity")
	total = frappe.qb.from_(opportunity).select(Count("*")).run()[0][0]
	first = timed_run(now)
	second = timed_run(now)
	return {"site": frappe.local.site, "opportunities": total, "first": first, "second": second}
