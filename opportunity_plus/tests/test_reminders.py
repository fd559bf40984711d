"""The daily reminder job on a real site, with explicit dates (the job takes ``now``)."""

from datetime import datetime
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days

from opportunity_plus.opportunity.reminders import send_reminders
from opportunity_plus.tests.utils import lost_reason, make_opportunity, make_pipeline, make_user

PIPELINE = "OR Pipeline"
INTAKE, PROPOSAL, WON, LOST = "OR Intake", "OR Proposal", "OR Won", "OR Lost"
OWNER, FOLLOWER, OTHER = "or-owner@example.com", "or-follower@example.com", "or-other@example.com"
NOW = datetime(2026, 3, 10, 0, 5)  # the job runs just after midnight
TODAY = NOW.date()
SETTINGS = {"enable_reminders": 1, "remind_days_before_closing": 3, "remind_followers": 1, "remind_stale": 1}


def create(title, expected=None, entered=None, stage=None, owner=OWNER, followers=(), creator=None, **fields):
	"""An opportunity that entered its stage at ``entered`` (default: a day before NOW)."""
	entered = entered or datetime(2026, 3, 9, 10, 0)
	if creator:
		frappe.set_user(creator)
	with patch("opportunity_plus.opportunity.events.now_datetime", return_value=entered):
		doc = make_opportunity(
			title=title,
			sales_pipeline=PIPELINE,
			opportunity_owner=owner,
			expected_closing=expected,
			opportunity_followers=[{"user": user} for user in followers],
			**fields,
		)
		if stage:
			doc.reload()
			doc.sales_stage = stage
			if stage == LOST:
				doc.append("lost_reasons", {"lost_reason": lost_reason()})
			doc.save()
	frappe.set_user("Administrator")
	return doc.reload()


class TestReminders(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if not frappe.db.exists("Sales Pipeline", PIPELINE):
			make_pipeline(
				PIPELINE,
				[
					(INTAKE, "Open", 10, {"stale_after_days": 5}),
					(PROPOSAL, "Open", 50),
					(WON, "Won", 100),
					(LOST, "Lost", 0),
				],
			)
		for user in (OWNER, FOLLOWER, OTHER):
			make_user(user, ["Sales User"])
		if not frappe.db.get_value("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
			# Frappe emails notifications through the default outgoing account
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": "OR Outgoing",
					"email_id": "reminders@example.com",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": "smtp.example.com",
					"password": "not-used",
				}
			).insert(ignore_permissions=True)
		# emails are queued, not sent (sending would commit the test's transaction)
		muted = frappe.flags.mute_emails
		frappe.flags.mute_emails = True
		cls.addClassCleanup(setattr, frappe.flags, "mute_emails", muted)
		frappe.db.delete("Opportunity Reminder Log")

	def setUp(self):
		o = self.opps = {}
		o["soon"] = create("Closing soon", add_days(TODAY, 2), stage=PROPOSAL, followers=[FOLLOWER])
		o["late"] = create("Past its date", add_days(TODAY, -3), stage=PROPOSAL)
		o["stale"] = create("Stale in intake", add_days(TODAY, 30), entered=datetime(2026, 3, 3, 15, 0))
		o["fresh"] = create("Fresh in intake", add_days(TODAY, 30), entered=datetime(2026, 3, 5, 15, 0))
		o["later"] = create("Closing later", add_days(TODAY, 4), stage=PROPOSAL, followers=[OTHER])
		o["won"] = create("Won already", add_days(TODAY, 1), stage=WON)
		o["lost"] = create("Lost already", add_days(TODAY, -1), stage=LOST)
		o["nobody"] = create("No owner", TODAY, stage=PROPOSAL, owner=None, creator=OTHER)
		self.names = {doc.name: key for key, doc in o.items()}

	def notifications(self) -> list[tuple]:
		rows = frappe.get_all(
			"Notification Log",
			filters={"document_type": "Opportunity", "document_name": ("in", list(self.names))},
			fields=["document_name", "for_user", "subject"],
		)
		return sorted((self.names[r.document_name], r.for_user) for r in rows)

	def emails_to(self, user: str) -> int:
		"""Emails queued for ``user`` and not sent yet."""
		email = frappe.db.get_value("User", user, "email")
		return frappe.db.count("Email Queue Recipient", {"recipient": email, "status": "Not Sent"})

	def logs(self) -> list[tuple]:
		rows = frappe.get_all(
			"Opportunity Reminder Log",
			filters={"opportunity": ("in", list(self.names))},
			fields=["opportunity", "reminder_event", "event_key", "recipients"],
		)
		return sorted((self.names[r.opportunity], r.reminder_event, r.event_key, r.recipients) for r in rows)

	@change_settings("Opportunity Plus Settings", SETTINGS)
	def test_each_due_reminder_is_sent_once_as_notification_and_email(self):
		emails_before = {user: self.emails_to(user) for user in (OWNER, FOLLOWER, OTHER)}
		send_reminders(NOW)

		o = self.opps
		self.assertEqual(
			self.logs(),
			[
				("late", "Overdue", str(add_days(TODAY, -3)), OWNER),
				("nobody", "Closing Soon", str(TODAY), OTHER),  # no owner: its creator
				("soon", "Closing Soon", str(add_days(TODAY, 2)), f"{OWNER}\n{FOLLOWER}"),
				("stale", "Stale", f"{INTAKE}@2026-03-03 15:00:00", OWNER),
			],
		)
		self.assertEqual(
			self.notifications(),
			[
				("late", OWNER),
				("nobody", OTHER),
				("soon", FOLLOWER),
				("soon", OWNER),
				("stale", OWNER),
			],
		)
		subjects = dict(
			frappe.get_all(
				"Notification Log",
				filters={"document_name": ("in", [o["soon"].name, o["stale"].name]), "for_user": OWNER},
				fields=["document_name", "subject"],
				as_list=True,
			)
		)
		self.assertIn("is expected to close in 2 days", subjects[o["soon"].name])
		self.assertIn("Closing soon", subjects[o["soon"].name])
		self.assertIn(
			f"has been in stage {INTAKE} for 6 days (stale after 5 days)", subjects[o["stale"].name]
		)

		# Frappe queued an email for every notification
		emails_after = {user: self.emails_to(user) for user in emails_before}
		self.assertEqual(
			{user: emails_after[user] - emails_before[user] for user in emails_before},
			{OWNER: 3, FOLLOWER: 1, OTHER: 1},
		)

		# the same day again: nothing new
		self.assertEqual(send_reminders(NOW), [])
		self.assertEqual(len(self.notifications()), 5)
		self.assertEqual(self.emails_to(OWNER), emails_after[OWNER])

		# the next day: only what became due ("Closing later" is three days away, "No owner" is late)
		tomorrow = datetime(2026, 3, 11, 0, 5)
		self.assertEqual(
			self.events_of(send_reminders(tomorrow)), [("later", "Closing Soon"), ("nobody", "Overdue")]
		)
		self.assertIn(("later", OTHER), self.notifications())
		# a new expected closing date is a new event
		soon = o["soon"].reload()
		soon.expected_closing = add_days(TODAY, 3)
		soon.save()
		self.assertEqual(self.events_of(send_reminders(tomorrow)), [("soon", "Closing Soon")])
		# "Fresh in intake" (since 5 March, 15:00) goes stale when the board marks it: after more than
		# five whole days in its stage
		self.assertEqual(self.events_of(send_reminders(datetime(2026, 3, 11, 14, 59))), [])
		self.assertEqual(self.events_of(send_reminders(datetime(2026, 3, 12, 0, 5))), [("fresh", "Stale")])

	def events_of(self, logs: list[str]) -> list[tuple]:
		"""What the logs say was sent about this test's opportunities (the site may hold others)."""
		rows = frappe.get_all(
			"Opportunity Reminder Log",
			filters={"name": ("in", logs or [""]), "opportunity": ("in", list(self.names))},
			fields=["opportunity", "reminder_event"],
		)
		return sorted((self.names[r.opportunity], r.reminder_event) for r in rows)

	@change_settings("Opportunity Plus Settings", {**SETTINGS, "remind_followers": 0, "remind_stale": 0})
	def test_settings_decide_who_is_told_and_whether_stale_is_reminded(self):
		send_reminders(NOW)
		self.assertEqual(
			self.notifications(),
			[("late", OWNER), ("nobody", OTHER), ("soon", OWNER)],
		)

	@change_settings("Opportunity Plus Settings", {**SETTINGS, "enable_reminders": 0})
	def test_nothing_is_sent_when_reminders_are_off(self):
		self.assertEqual(send_reminders(NOW), [])
		self.assertEqual(self.notifications(), [])

	@change_settings("Opportunity Plus Settings", {**SETTINGS, "remind_days_before_closing": 0})
	def test_zero_days_before_reminds_on_the_day_only(self):
		send_reminders(NOW)
		self.assertEqual(
			[log[:2] for log in self.logs()],
			[("late", "Overdue"), ("nobody", "Closing Soon"), ("stale", "Stale")],
		)
