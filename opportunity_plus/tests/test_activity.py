"""Logging calls, emails, meetings, notes and to-dos on an opportunity in one step."""

import frappe
from frappe.desk.form.load import get_communications
from frappe.share import add_docshare
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, add_to_date, now_datetime, today

from opportunity_plus.api.activity import log_activity
from opportunity_plus.tests.utils import make_opportunity, make_user

COLLEAGUE = "opp-plus-care-colleague@example.com"
READER = "opp-plus-care-reader@example.com"
SELLER = "opp-plus-care-seller@example.com"
OUTSIDER = "opp-plus-care-outsider@example.com"
WEBSITE_USER = "opp-plus-care-website@example.com"
DISABLED_USER = "opp-plus-care-disabled@example.com"


def written(opportunity: str) -> dict[str, int]:
	"""What log_activity can write about an opportunity, counted."""
	reference = {"reference_type": "Opportunity", "reference_name": opportunity}
	return {
		"communications": frappe.db.count(
			"Communication", {"reference_doctype": "Opportunity", "reference_name": opportunity}
		),
		"events": frappe.db.count(
			"Event Participants", {"reference_doctype": "Opportunity", "reference_docname": opportunity}
		),
		"notes": frappe.db.count("CRM Note", {"parenttype": "Opportunity", "parent": opportunity}),
		"todos": frappe.db.count("ToDo", reference),
		"shares": frappe.db.count("DocShare", {"share_doctype": "Opportunity", "share_name": opportunity}),
	}


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

	def test_read_permission_is_not_enough_to_log_anything(self):
		make_user(READER, ["Purchase User"])
		opp = make_opportunity()
		add_docshare("Opportunity", opp.name, READER, read=1, flags={"ignore_share_permission": 1})
		before = written(opp.name)
		frappe.set_user(READER)
		for kind, args in [
			("call", {"subject": "Read access only"}),
			("email", {"subject": "Read access only", "email": "khach@example.com"}),
			("meeting", {"subject": "Read access only"}),
			("note", {"content": "A note edits the opportunity"}),
			("todo", {"content": "Read access only"}),
		]:
			with self.assertRaises(frappe.PermissionError, msg=kind):
				log_activity(opp.name, kind, **args)
		frappe.set_user("Administrator")
		self.assertEqual(written(opp.name), before)

		add_docshare("Opportunity", opp.name, READER, read=1, write=1, flags={"ignore_share_permission": 1})
		frappe.set_user(READER)
		made = log_activity(opp.name, "call", subject="Write access logs a call")
		self.assertTrue(frappe.db.exists("Communication", made["name"]))

	def test_missing_and_unpermitted_opportunities_get_the_same_answer(self):
		make_user(OUTSIDER, ["Purchase User"])
		opp = make_opportunity()
		frappe.set_user(OUTSIDER)
		answers = []
		for name in (opp.name, "CRM-OPP-NO-SUCH-ONE"):
			with self.assertRaises(frappe.PermissionError) as error:
				log_activity(name, "call", subject="Probing")
			answers.append(str(error.exception).replace(name, "NAME"))
		self.assertEqual(answers[0], answers[1])

	def test_only_enabled_system_users_can_be_assigned_all_refused_alike(self):
		make_user(WEBSITE_USER, [])
		self.assertEqual(frappe.db.get_value("User", WEBSITE_USER, "user_type"), "Website User")
		make_user(DISABLED_USER, ["Sales User"])
		frappe.db.set_value("User", DISABLED_USER, "enabled", 0)
		opp = make_opportunity()
		before = written(opp.name)
		answers = set()
		for user in ("Guest", WEBSITE_USER, DISABLED_USER, "nobody-at-all@example.com"):
			for args in (
				{"kind": "todo", "content": "Gọi lại", "assign_to": user},
				{"kind": "call", "follow_up_on": add_days(today(), 1), "follow_up_by": user},
			):
				with self.assertRaises(frappe.ValidationError, msg=(user, args["kind"])) as error:
					log_activity(opp.name, **args)
				answers.add(str(error.exception).replace(user, "USER"))
		self.assertEqual(len(answers), 1, answers)
		self.assertEqual(written(opp.name), before, "nothing written, not even the call")

	def test_a_second_open_to_do_for_the_same_user_is_refused(self):
		make_user(COLLEAGUE, ["Sales User"])
		opp = make_opportunity()
		first = log_activity(opp.name, "todo", content="Gửi hợp đồng", assign_to=COLLEAGUE)
		with self.assertRaises(frappe.ValidationError):
			log_activity(opp.name, "todo", content="Gửi lại hợp đồng", assign_to=COLLEAGUE)
		# a follow-up keeps the assignment the user already has
		made = log_activity(opp.name, "call", follow_up_on=add_days(today(), 2), follow_up_by=COLLEAGUE)
		self.assertEqual(made["follow_up"], first["name"])
		self.assertEqual(frappe.db.count("ToDo", {"reference_name": opp.name, "allocated_to": COLLEAGUE}), 1)

	def test_assigning_shares_only_as_frappe_allows(self):
		make_user(OUTSIDER, ["Purchase User"])  # a system user who cannot read opportunities
		opp = make_opportunity()
		before = written(opp.name)
		with change_settings("System Settings", {"disable_document_sharing": 1}):
			frappe.local.system_settings = None
			with self.assertRaises(frappe.ValidationError) as error:
				log_activity(opp.name, "todo", content="Không được chia sẻ", assign_to=OUTSIDER)
			self.assertIn("sharing is disabled", str(error.exception))
		frappe.local.system_settings = None
		self.assertEqual(written(opp.name), before, "no to-do and no share")

		made = log_activity(opp.name, "todo", content="Chia sẻ rồi giao", assign_to=OUTSIDER)
		self.assertEqual(frappe.db.get_value("ToDo", made["name"], "allocated_to"), OUTSIDER)
		self.assertTrue(frappe.db.exists("DocShare", {"share_name": opp.name, "user": OUTSIDER, "read": 1}))

	def test_the_sender_of_a_logged_email_cannot_be_spoofed(self):
		make_user(SELLER, ["Sales User"])
		opp = make_opportunity(contact_email="khachhang@example.com")
		frappe.set_user(SELLER)
		sent = log_activity(opp.name, "email", subject="Báo giá", email="giamdoc@example.com")
		sent = frappe.get_doc("Communication", sent["name"])
		self.assertEqual((sent.sender, sent.recipients), (SELLER, "giamdoc@example.com"))

		received = log_activity(
			opp.name, "email", direction="Received", subject="Trả lời", email="Giám đốc <giamdoc@example.com>"
		)
		self.assertEqual(
			frappe.db.get_value("Communication", received["name"], "sender"), "giamdoc@example.com"
		)

		frappe.set_user("Administrator")
		before = written(opp.name)
		frappe.set_user(SELLER)
		for email in ("<b>Ban giám đốc</b>", "a@example.com, b@example.com", "not an address"):
			with self.assertRaises(frappe.ValidationError, msg=email):
				log_activity(opp.name, "email", direction="Received", subject="Giả mạo", email=email)
		frappe.set_user("Administrator")
		self.assertEqual(written(opp.name), before)

	def test_malformed_input_is_refused_before_anything_is_written(self):
		opp = make_opportunity(opportunity_owner="Administrator")
		before = written(opp.name)
		for args in [
			{"kind": "fax"},
			{"kind": "call", "on": "2026-13-45"},
			{"kind": "email", "on": "hôm qua", "email": "khach@example.com"},
			{"kind": "meeting", "on": "2026-01-10 10:00:00", "ends_on": "2026-01-10 25:61:00"},
			{"kind": "meeting", "on": "2026-01-10 10:00:00", "ends_on": "2026-01-10 09:00:00"},
			{"kind": "todo", "content": "Gọi lại", "due_date": "2026-02-30"},
			{"kind": "todo", "content": " "},
			{"kind": "note", "content": "<p> </p>"},
			{"kind": "call", "follow_up_on": "sắp tới"},
			{"kind": "call", "direction": "Sideways"},
			{"kind": "email", "direction": "Received"},  # no address it came from
		]:
			with self.assertRaises(frappe.ValidationError, msg=args) as error:
				log_activity(opp.name, **args)
			self.assertNotIsInstance(error.exception, frappe.PermissionError)
		self.assertEqual(written(opp.name), before)

	def test_values_in_messages_are_escaped(self):
		opp = make_opportunity()
		with self.assertRaises(frappe.ValidationError) as error:
			log_activity(opp.name, "call", on="<img src=x onerror=alert(1)>")
		self.assertNotIn("<img", str(error.exception))
		self.assertIn("When", str(error.exception), "the message names the field, never echoes the raw value")
