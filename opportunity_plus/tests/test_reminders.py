"""The daily digest job on a real site, with explicit dates (the job takes ``now``)."""

import email
import email.policy
from datetime import datetime
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days

from opportunity_plus.api.reminders import digest_dry_run, preview_my_digest
from opportunity_plus.jobs import reminders
from opportunity_plus.jobs.reminders import send_reminders
from opportunity_plus.tests.utils import lost_reason, make_opportunity, make_pipeline, make_user

PIPELINE = "OR Pipeline"
INTAKE, PROPOSAL, WON, LOST = "OR Intake", "OR Proposal", "OR Won", "OR Lost"
OWNER, FOLLOWER, OTHER = "or-owner@example.com", "or-follower@example.com", "or-other@example.com"
NOW = datetime(2026, 3, 10, 0, 5)  # the job runs just after midnight
TODAY = NOW.date()
USERS = (OWNER, FOLLOWER, OTHER)
SETTINGS = {
	"enable_reminders": 1,
	"remind_days_before_closing": 3,
	"remind_followers": 1,
	"remind_stale": 1,
	"repeat_overdue_daily": 0,
	"digest_by_default": 1,
}
PREFERENCE = "Opportunity Reminder Preference"


def create(title, expected=None, entered=None, stage=None, owner=OWNER, followers=(), creator=None, **fields):
	"""An opportunity that entered its stage at ``entered`` (default: a day before NOW)."""
	entered = entered or datetime(2026, 3, 9, 10, 0)
	if creator:
		frappe.set_user(creator)
	with patch("opportunity_plus.overrides.opportunity.now_datetime", return_value=entered):
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
		for user in USERS:
			make_user(user, ["Sales User"])
			frappe.db.set_value("User", user, "language", None)
		if not frappe.db.get_value("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
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
		frappe.db.delete(PREFERENCE)

	def setUp(self):
		# what earlier tests of the class made is closed: each test sees its own opportunities only
		frappe.db.set_value(
			"Opportunity", {"status": ("not in", ("Closed", "Lost", "Converted"))}, "status", "Closed"
		)
		frappe.db.delete(PREFERENCE)
		self.notes_before = set(frappe.get_all("Notification Log", pluck="name"))
		self.mails_before = set(frappe.get_all("Email Queue", pluck="name"))
		o = self.opps = {}
		o["soon"] = create("Closing soon", add_days(TODAY, 2), stage=PROPOSAL, followers=[FOLLOWER])
		o["late"] = create("Past its date", add_days(TODAY, -3), stage=PROPOSAL, opportunity_amount=5000)
		o["stale"] = create("Stale in intake", add_days(TODAY, 30), entered=datetime(2026, 3, 3, 15, 0))
		o["fresh"] = create("Fresh in intake", add_days(TODAY, 30), entered=datetime(2026, 3, 5, 15, 0))
		o["later"] = create("Closing later", add_days(TODAY, 4), stage=PROPOSAL, followers=[OTHER])
		o["won"] = create("Won already", add_days(TODAY, 1), stage=WON)
		o["lost"] = create("Lost already", add_days(TODAY, -1), stage=LOST)
		o["nobody"] = create("No owner", TODAY, stage=PROPOSAL, owner=None, creator=OTHER)
		self.names = {doc.name: key for key, doc in o.items()}

	# ---------------------------------------------------------------- helpers

	def digests(self) -> dict[str, list[str]]:
		"""The digest Notification Logs made since setUp: user -> subjects."""
		result: dict[str, list[str]] = {}
		for row in frappe.get_all(
			"Notification Log",
			filters={"for_user": ("in", USERS)},
			fields=["name", "for_user", "subject", "type", "document_type"],
		):
			if row.name not in self.notes_before:
				self.assertEqual((row.type, row.document_type), ("Alert", None))
				result.setdefault(row.for_user, []).append(row.subject)
		return result

	def digest_html(self, user: str) -> str:
		names = [
			n
			for n in frappe.get_all("Notification Log", {"for_user": user}, pluck="name")
			if n not in self.notes_before
		]
		self.assertEqual(len(names), 1, f"{user} should have one digest")
		return frappe.db.get_value("Notification Log", names[0], "email_content")

	def emails(self) -> dict[str, list[tuple[str, str]]]:
		"""Emails queued since setUp: recipient -> [(subject, HTML)]."""
		result: dict[str, list[tuple[str, str]]] = {}
		for row in frappe.get_all("Email Queue", fields=["name", "message"], order_by="creation asc"):
			if row.name in self.mails_before:
				continue
			recipients = frappe.get_all("Email Queue Recipient", {"parent": row.name}, pluck="recipient")
			message = email.message_from_string(row.message, policy=email.policy.default)
			html = message.get_body(preferencelist=("html",)).get_content()
			for recipient in recipients:
				result.setdefault(recipient, []).append((str(message["Subject"]), html))
		return result

	def logs(self) -> list[tuple]:
		rows = frappe.get_all(
			"Opportunity Reminder Log",
			filters={"opportunity": ("in", list(self.names))},
			fields=["opportunity", "reminder_event", "event_key", "recipients"],
		)
		return sorted((self.names[r.opportunity], r.reminder_event, r.event_key, r.recipients) for r in rows)

	def events_of(self, run) -> list[tuple]:
		rows = frappe.get_all(
			"Opportunity Reminder Log",
			filters={"name": ("in", run.logs or [""]), "opportunity": ("in", list(self.names))},
			fields=["opportunity", "reminder_event"],
		)
		return sorted((self.names[r.opportunity], r.reminder_event) for r in rows)

	def prefer(self, user: str, **fields):
		frappe.set_user(user)
		try:
			frappe.get_doc({"doctype": PREFERENCE, "user": user, **fields}).insert()
		finally:
			frappe.set_user("Administrator")

	# ---------------------------------------------------------------- tests

	@change_settings("Opportunity Plus Settings", SETTINGS)
	def test_one_digest_per_person_grouped_by_urgency_and_each_event_once(self):
		o = self.opps
		run = send_reminders(NOW)
		self.assertEqual(
			self.logs(),
			[
				("late", "Overdue", str(add_days(TODAY, -3)), OWNER),
				("nobody", "Closing Soon", str(TODAY), OTHER),  # no owner: its creator
				("soon", "Closing Soon", str(add_days(TODAY, 2)), f"{OWNER}\n{FOLLOWER}"),
				("stale", "Stale", f"{INTAKE}@2026-03-03 15:00:00", OWNER),
			],
		)
		# one notification and one email per person, whatever the number of items
		self.assertEqual(
			self.digests(),
			{
				OWNER: ["3 opportunities to follow up today"],
				FOLLOWER: ["1 opportunity to follow up today"],
				OTHER: ["1 opportunity to follow up today"],
			},
		)
		self.assertEqual(sorted(run.notifications), sorted(USERS))
		emails = self.emails()
		self.assertEqual({user: len(found) for user, found in emails.items()}, {u: 1 for u in USERS})
		subject, html = emails[OWNER][0]
		self.assertEqual(subject, "3 opportunities to follow up today")
		# grouped, most urgent first: overdue, closing soon, stale; each with its link, amount, stage, days
		positions = [
			html.index(text) for text in ("Overdue (1)", "Closing Soon (1)", "Stale in their stage (1)")
		]
		self.assertEqual(positions, sorted(positions))
		self.assertLess(html.index("Past its date"), html.index("Closing soon"))
		self.assertLess(html.index("Closing soon"), html.index("Stale in intake"))
		self.assertIn(f"/app/opportunity/{o['late'].name}", html)
		self.assertIn("3 days overdue", html)
		self.assertIn("5,000", html)
		self.assertIn(PROPOSAL, html)
		self.assertIn("closes in 2 days", html)
		self.assertIn("6 days in this stage", html)
		self.assertIn("/app/opportunity?opportunity_owner=or-owner%40example.com", html)
		# the notification holds the same digest
		notification = self.digest_html(OWNER)
		for text in ("Overdue (1)", "Past its date", "3 days overdue", "6 days in this stage"):
			self.assertIn(text, notification)
		follower_html = emails[FOLLOWER][0][1]
		self.assertIn("Closing soon", follower_html)
		self.assertIn("you follow it", follower_html)
		self.assertNotIn("Past its date", follower_html)

		# the same day again: nothing at all
		again = send_reminders(NOW)
		self.assertEqual((again.logs, again.notifications, again.emails), ([], {}, {}))
		self.assertEqual(sum(len(s) for s in self.digests().values()), 3)
		self.assertEqual(sum(len(m) for m in self.emails().values()), 3)

		# the next day: only what became due ("Closing later" is three days away, "No owner" is late);
		# "Past its date" is still overdue but was reported already
		self.notes_before = set(frappe.get_all("Notification Log", pluck="name"))
		self.mails_before = set(frappe.get_all("Email Queue", pluck="name"))
		tomorrow = datetime(2026, 3, 11, 0, 5)
		self.assertEqual(
			self.events_of(send_reminders(tomorrow)), [("later", "Closing Soon"), ("nobody", "Overdue")]
		)
		self.assertEqual(
			self.digests(),
			{OWNER: ["1 opportunity to follow up today"], OTHER: ["2 opportunities to follow up today"]},
		)
		other = self.emails()[OTHER][0][1]
		self.assertLess(other.index("No owner"), other.index("Closing later"))  # overdue first
		# a new expected closing date is a new event
		soon = o["soon"].reload()
		soon.expected_closing = add_days(TODAY, 3)
		soon.save()
		self.assertEqual(self.events_of(send_reminders(tomorrow)), [("soon", "Closing Soon")])
		# "Fresh in intake" (since 5 March, 15:00) goes stale when the board marks it
		self.assertEqual(self.events_of(send_reminders(datetime(2026, 3, 11, 14, 59))), [])
		self.assertEqual(self.events_of(send_reminders(datetime(2026, 3, 12, 0, 5))), [("fresh", "Stale")])

	@change_settings("Opportunity Plus Settings", {**SETTINGS, "repeat_overdue_daily": 1})
	def test_overdue_is_repeated_daily_only_when_the_settings_ask(self):
		send_reminders(NOW)
		tomorrow = datetime(2026, 3, 11, 0, 5)
		self.notes_before = set(frappe.get_all("Notification Log", pluck="name"))
		run = send_reminders(tomorrow)
		self.assertIn("Past its date", self.digest_html(OWNER))
		self.assertEqual(
			frappe.db.get_value(
				"Opportunity Reminder Log",
				{"opportunity": self.opps["late"].name},
				["sent_on", "last_sent_on"],
			),
			(TODAY, tomorrow.date()),
		)
		self.assertEqual(self.events_of(run), [("later", "Closing Soon"), ("nobody", "Overdue")])
		# twice the same day: not again
		again = send_reminders(tomorrow)
		self.assertEqual(again.notifications, {})

	@change_settings("Opportunity Plus Settings", SETTINGS)
	def test_a_digest_names_only_opportunities_its_reader_may_read(self):
		# OTHER made "nobody" (so is reminded of it) but a User Permission now limits them to "later"
		limit = frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": OTHER,
				"allow": "Opportunity",
				"for_value": self.opps["later"].name,
				"apply_to_all_doctypes": 1,
			}
		).insert()
		try:
			run = send_reminders(NOW)
		finally:
			limit.delete()
			frappe.clear_cache(user=OTHER)
		self.assertNotIn(OTHER, run.notifications, "nothing OTHER may read is due today")
		self.assertNotIn(OTHER, self.emails())
		self.assertIn("No owner", frappe.db.get_value("Opportunity", self.opps["nobody"].name, "title"))
		self.assertIn(("nobody", "Closing Soon"), self.events_of(run), "the event is still remembered")

	@change_settings("Opportunity Plus Settings", {**SETTINGS, "remind_followers": 0, "remind_stale": 0})
	def test_settings_decide_whether_followers_and_stale_are_reminded(self):
		send_reminders(NOW)
		self.assertEqual(sorted(self.digests()), [OTHER, OWNER])
		self.assertNotIn("Stale in intake", self.digest_html(OWNER))
		self.assertIn(("soon", "Closing Soon", str(add_days(TODAY, 2)), OWNER), self.logs())

	@change_settings("Opportunity Plus Settings", SETTINGS)
	def test_each_person_chooses_what_they_receive(self):
		self.prefer(OWNER, include_stale=0)
		self.prefer(FOLLOWER, include_followed=0)
		self.prefer(OTHER, receive_digest=0)
		send_reminders(NOW)
		self.assertEqual(self.digests(), {OWNER: ["2 opportunities to follow up today"]})
		self.assertNotIn("Stale in intake", self.digest_html(OWNER))
		self.assertEqual(list(self.emails()), [OWNER])
		# still reported once: whoever opted out does not get it later
		self.assertIn(("nobody", "Closing Soon", str(TODAY), ""), self.logs())

	@change_settings("Opportunity Plus Settings", {**SETTINGS, "digest_by_default": 0})
	def test_only_people_who_switched_it_on_when_the_digest_is_off_by_default(self):
		self.prefer(OTHER, receive_digest=1)
		send_reminders(NOW)
		self.assertEqual(self.digests(), {OTHER: ["1 opportunity to follow up today"]})

	@change_settings("Opportunity Plus Settings", SETTINGS)
	def test_digest_in_the_language_of_each_person(self):
		frappe.db.set_value("User", OWNER, "language", "vi")
		frappe.clear_cache(user=OWNER)
		try:
			send_reminders(NOW)
			owner_subject, owner_html = self.emails()[OWNER][0]
			self.assertEqual(owner_subject, "3 cơ hội cần theo dõi hôm nay")
			self.assertIn("Quá hạn (1)", owner_html)
			self.assertIn("quá hạn 3 ngày", owner_html)
			# no language: the system's
			self.assertEqual(self.emails()[OTHER][0][0], "1 opportunity to follow up today")
		finally:
			frappe.db.set_value("User", OWNER, "language", None)

	@change_settings("Opportunity Plus Settings", SETTINGS)
	def test_long_groups_show_the_first_items_and_count_the_others(self):
		for days in (5, 6, 7):
			create(f"Old miss {days}", add_days(TODAY, -days), stage=PROPOSAL)
		with patch.object(reminders, "DIGEST_LIMIT", 2):
			send_reminders(NOW)
		html = self.digest_html(OWNER)
		self.assertIn("Overdue (4)", html)
		self.assertIn("Past its date", html)  # 3 days: the freshest miss first
		self.assertIn("Old miss 5", html)
		self.assertNotIn("Old miss 7", html)
		self.assertIn("And 2 more.", html)
		self.assertIn("expected_closing=%5B%22%3C%22%2C+%222026-03-10%22%5D", html)

	@change_settings("Opportunity Plus Settings", SETTINGS)
	def test_no_email_for_people_who_turned_notification_emails_off(self):
		settings = (
			frappe.get_doc("Notification Settings", OWNER)
			if frappe.db.exists("Notification Settings", OWNER)
			else None
		)
		if not settings:
			settings = frappe.get_doc({"doctype": "Notification Settings", "name": OWNER}).insert(
				ignore_permissions=True
			)
		settings.db_set("enable_email_notifications", 0)
		try:
			send_reminders(NOW)
			self.assertIn(OWNER, self.digests())
			self.assertNotIn(OWNER, self.emails())
		finally:
			settings.db_set("enable_email_notifications", 1)

	@change_settings("Opportunity Plus Settings", {**SETTINGS, "enable_reminders": 0})
	def test_nothing_is_sent_when_reminders_are_off(self):
		run = send_reminders(NOW)
		self.assertEqual((run.logs, run.notifications), ([], {}))
		self.assertEqual(self.digests(), {})

	@change_settings("Opportunity Plus Settings", SETTINGS)
	def test_preview_and_dry_run_write_no_reminder(self):
		send_reminders(NOW)  # everything due is reported already
		logs = frappe.db.count("Opportunity Reminder Log")
		frappe.set_user(OWNER)
		try:
			with (
				patch.object(reminders, "now_datetime", return_value=NOW),
				patch("opportunity_plus.api.reminders.now_datetime", return_value=NOW),
			):
				digest = preview_my_digest(send=0)
				self.assertEqual(digest["items"], 3)  # a preview shows what is due, reported or not
				self.assertIn("Past its date", digest["html"])
				self.assertFalse(digest["sent"])
				sent = preview_my_digest(send="1")
				self.assertTrue(sent["sent"])
				self.assertRaises(frappe.ValidationError, preview_my_digest, send="yes")
				self.assertRaises(frappe.PermissionError, digest_dry_run)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(len(self.emails()[OWNER]), 2)  # the digest, and the one asked for
		with patch("opportunity_plus.api.reminders.now_datetime", return_value=datetime(2026, 3, 11, 0, 5)):
			dry = digest_dry_run()
		counts = {p["user"]: (p["overdue"], p["closing_soon"], p["stale"]) for p in dry["people"]}
		self.assertEqual(counts[OTHER], (1, 1, 0))  # "No owner" is late now; follows "Closing later"
		self.assertEqual(counts[OWNER], (0, 1, 0))
		self.assertEqual(frappe.db.count("Opportunity Reminder Log"), logs)

	def test_each_person_reads_and_writes_only_their_own_preference(self):
		self.prefer(OWNER, include_stale=0)
		frappe.set_user(OTHER)
		try:
			self.assertFalse(frappe.has_permission(PREFERENCE, "read", OWNER))
			self.assertEqual(frappe.get_list(PREFERENCE, pluck="name"), [])
			self.assertRaises(
				frappe.PermissionError,
				frappe.get_doc({"doctype": PREFERENCE, "user": FOLLOWER}).insert,
			)
		finally:
			frappe.set_user("Administrator")
		frappe.set_user(OWNER)
		try:
			self.assertTrue(frappe.has_permission(PREFERENCE, "write", OWNER))
		finally:
			frappe.set_user("Administrator")

	def test_patch_gives_old_logs_their_last_sent_day(self):
		from opportunity_plus.patches.v1_2 import set_reminder_last_sent_on

		log = frappe.get_doc(
			{
				"doctype": "Opportunity Reminder Log",
				"opportunity": self.opps["late"].name,
				"reminder_event": "Overdue",
				"event_key": str(add_days(TODAY, -3)),
				"sent_on": TODAY,
			}
		).insert(ignore_permissions=True)
		log.db_set("last_sent_on", None)
		set_reminder_last_sent_on.execute()
		self.assertEqual(frappe.db.get_value("Opportunity Reminder Log", log.name, "last_sent_on"), TODAY)
		# and the job keeps its meaning: reported already, not again
		with change_settings("Opportunity Plus Settings", SETTINGS):
			send_reminders(NOW)
		self.assertNotIn("Past its date", self.digest_html(OWNER))
