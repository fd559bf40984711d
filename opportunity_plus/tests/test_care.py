"""Logging calls, emails, meetings, notes and to-dos on an opportunity in one step."""

import frappe
from frappe.desk.form.load import get_communications
from frappe.share import add_docshare
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, now_datetime, today

from opportunity_plus.api.care import log_activity
from opportunity_plus.tests.utils import make_opportunity, make_user

COLLEAGUE = "opp-plus-care-colleague@example.com"
READER = "opp-plus-care-reader@example.com"


def timeline(opportunity: str) -> list[dict]:
	"""What the form's timeline shows of communications (its own and linked ones)."""
	return get_communications("Opportunity", opportunity, limit=50)


class TestCare(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_call_is_a_phone_communication_on_the_timelines_of_the_opportunity_and_party(self):
		opp = make_opportunity()
		made = log_activity(
			opp.name,
			"call",
			subject="Gọi khách hàng về báo giá",
			content="Khách hàng đồng ý gặp tuần sau.",
			direction="Received",
		)

		self.assertEqual(made["doctype"], "Communication")
		call = frappe.get_doc("Communication", made["name"])
		self.assertEqual((call.communication_medium, call.sent_or_received), ("Phone", "Received"))
		self.assertEqual((call.reference_doctype, call.reference_name), ("Opportunity", opp.name))
		self.assertIn(("Lead", opp.party_name), [(l.link_doctype, l.link_name) for l in call.timeline_links])
		entry = next(c for c in timeline(opp.name) if c.name == call.name)
		self.assertEqual(entry.subject, "Gọi khách hàng về báo giá")
		self.assertIn("tuần sau", entry.content)

	def test_call_without_subject_gets_one_naming_the_party(self):
		opp = make_opportunity()
		made = log_activity(opp.name, "call")
		self.assertTrue(frappe.db.get_value("Communication", made["name"], "subject").startswith("Call to "))

	def test_email_is_logged_not_sent(self):
		opp = make_opportunity(contact_email="khachhang@example.com")
		queued_before = frappe.db.count("Email Queue")
		made = log_activity(opp.name, "email", subject="Gửi bảng giá", content="<p>Bảng giá đính kèm.</p>")

		email = frappe.get_doc("Communication", made["name"])
		self.assertEqual((email.communication_medium, email.sent_or_received), ("Email", "Sent"))
		self.assertEqual(email.recipients, "khachhang@example.com")
		self.assertIn(email.name, [c.name for c in timeline(opp.name)])
		self.assertEqual(frappe.db.count("Email Queue"), queued_before, "nothing goes out")

	def test_meeting_is_an_event_with_the_opportunity_as_participant(self):
		opp = make_opportunity()
		held = log_activity(
			opp.name,
			"meeting",
			subject="Họp khảo sát tại văn phòng khách",
			on=str(add_to_date(now_datetime(), hours=-3)),
			ends_on=str(add_to_date(now_datetime(), hours=-2)),
			content="Đã khảo sát hiện trạng.",
		)
		planned = log_activity(opp.name, "meeting", on=str(add_to_date(now_datetime(), days=2)))

		held_event = frappe.get_doc("Event", held["name"])
		self.assertEqual((held_event.event_category, held_event.status), ("Meeting", "Completed"))
		self.assertIn(
			("Opportunity", opp.name),
			[(p.reference_doctype, p.reference_docname) for p in held_event.event_participants],
		)
		self.assertEqual(frappe.db.get_value("Event", planned["name"], "status"), "Open")
		# ERPNext's Activities tab lists open events; the timeline shows the meetings (Opportunity allows
		# events in its timeline)
		from erpnext.crm.utils import get_open_activities

		self.assertEqual(
			[e.name for e in get_open_activities("Opportunity", opp.name)["events"]], [planned["name"]]
		)
		subjects = [c.subject for c in timeline(opp.name) if c.communication_medium == "Meeting"]
		self.assertIn("Họp khảo sát tại văn phòng khách", subjects)

	def test_meeting_ending_before_it_starts_is_refused(self):
		opp = make_opportunity()
		with self.assertRaises(frappe.ValidationError):
			log_activity(opp.name, "meeting", on="2026-01-10 10:00:00", ends_on="2026-01-10 09:00:00")

	def test_note_goes_to_the_notes_of_the_opportunity(self):
		opp = make_opportunity()
		log_activity(opp.name, "note", content="<p>Khách hàng cần demo trước Tết.</p>")
		notes = frappe.get_doc("Opportunity", opp.name).notes
		self.assertEqual(len(notes), 1)
		self.assertIn("demo trước Tết", notes[0].note)
		self.assertEqual(notes[0].added_by, "Administrator")
		with self.assertRaises(frappe.ValidationError):
			log_activity(opp.name, "note", content="<p> </p>")

	def test_todo_is_assigned_and_shown_as_an_assignment(self):
		make_user(COLLEAGUE, ["Sales User"])
		opp = make_opportunity()
		made = log_activity(
			opp.name, "todo", content="Gửi hợp đồng mẫu", assign_to=COLLEAGUE, due_date=add_days(today(), 3)
		)

		todo = frappe.get_doc("ToDo", made["name"])
		self.assertEqual(
			(todo.reference_type, todo.reference_name, todo.allocated_to),
			("Opportunity", opp.name, COLLEAGUE),
		)
		self.assertEqual(str(todo.date), add_days(today(), 3))
		self.assertIn(COLLEAGUE, frappe.parse_json(frappe.db.get_value("Opportunity", opp.name, "_assign")))
		self.assertTrue(
			frappe.db.exists(
				"Comment",
				{"reference_name": opp.name, "comment_type": "Assigned", "reference_doctype": "Opportunity"},
			)
		)

	def test_a_call_can_plan_its_follow_up(self):
		opp = make_opportunity(opportunity_owner="Administrator")
		made = log_activity(opp.name, "call", subject="Hỏi ngân sách", follow_up_on=add_days(today(), 7))
		todo = frappe.get_doc("ToDo", made["follow_up"])
		self.assertEqual((todo.allocated_to, str(todo.date)), ("Administrator", add_days(today(), 7)))
		self.assertIn("Hỏi ngân sách", todo.description)

	def test_permissions(self):
		make_user(READER, ["Purchase User"])
		opp = make_opportunity()
		frappe.set_user(READER)
		with self.assertRaises(frappe.PermissionError):
			log_activity(opp.name, "call", subject="Not mine")
		frappe.set_user("Administrator")

		add_docshare("Opportunity", opp.name, READER, read=1, flags={"ignore_share_permission": 1})
		frappe.set_user(READER)
		made = log_activity(opp.name, "call", subject="Read access is enough to log a call")
		self.assertTrue(frappe.db.exists("Communication", made["name"]))
		with self.assertRaises(frappe.PermissionError):
			log_activity(opp.name, "note", content="A note edits the opportunity")

	def test_unknown_kind_is_refused(self):
		opp = make_opportunity()
		with self.assertRaises(frappe.ValidationError):
			log_activity(opp.name, "fax")
