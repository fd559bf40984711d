"""Caring for an opportunity: log a call, an email, a meeting, a note or a to-do in one step.

Each kind is stored in ERPNext's / Frappe's own doctype, linked to the opportunity, so it shows on
the opportunity's timeline and in its Activities and Notes tabs like anything made there:

- call: Communication, medium Phone (also linked to the lead or customer);
- email: Communication, medium Email, logged only (nothing is sent);
- meeting: Event, category Meeting, with the opportunity (and its party) as participants;
- note: CRM Note in the opportunity's Notes table (ERPNext's ``add_note``);
- todo: ToDo assigned to a user, referencing the opportunity.

Calls, emails and meetings can ask for a follow-up to-do in the same step.
"""

import frappe
import frappe.share
from frappe import _
from frappe.utils import add_to_date, get_datetime, getdate, now_datetime, strip_html

KINDS = ("call", "email", "meeting", "note", "todo")
DIRECTIONS = ("Sent", "Received")
MEETING_MINUTES = 30


@frappe.whitelist()
def log_activity(
	opportunity: str,
	kind: str,
	subject: str | None = None,
	content: str | None = None,
	direction: str | None = None,
	email: str | None = None,
	on: str | None = None,
	ends_on: str | None = None,
	assign_to: str | None = None,
	due_date: str | None = None,
	follow_up_on: str | None = None,
	follow_up_by: str | None = None,
) -> dict:
	"""Log one activity on ``opportunity``; returns what was made, for the form to show."""
	if kind not in KINDS:
		frappe.throw(_("Unknown activity {0}.").format(frappe.bold(kind)))
	doc = frappe.get_doc("Opportunity", opportunity)
	# a note changes the opportunity itself; the other kinds are linked records, like a comment
	doc.check_permission("write" if kind == "note" else "read")
	content = (content or "").strip()
	subject = (subject or "").strip()
	when = get_datetime(on) if on else now_datetime()

	if kind == "note":
		if not strip_html(content).strip():
			frappe.throw(_("Write the note first."))
		doc.add_note(content)
		made = {"doctype": "CRM Note", "name": doc.notes[-1].name, "message": _("Note added.")}
	elif kind == "todo":
		made = make_todo(doc, content or subject, assign_to, due_date)
		made["message"] = _("To-do created.")
	elif kind == "meeting":
		made = make_meeting(doc, subject, content, when, get_datetime(ends_on) if ends_on else None)
	else:
		made = make_communication(doc, kind, subject, content, direction or "Sent", email, when)

	if follow_up_on and kind in ("call", "email", "meeting"):
		description = _("Follow up: {0}").format(subject or made.get("subject") or doc.title or doc.name)
		made["follow_up"] = make_todo(doc, description, follow_up_by, follow_up_on)["name"]
	return made


def party_link(doc) -> tuple[str, str] | None:
	if doc.get("opportunity_from") and doc.get("party_name"):
		return doc.opportunity_from, doc.party_name
	return None


def party_title(doc) -> str:
	return doc.get("customer_name") or doc.get("title") or doc.get("party_name") or doc.name


def make_communication(doc, kind, subject, content, direction, email, when) -> dict:
	if direction not in DIRECTIONS:
		frappe.throw(_("Direction must be Sent or Received."))
	if kind == "call":
		medium = "Phone"
		default_subject = (_("Call to {0}") if direction == "Sent" else _("Call from {0}")).format(
			party_title(doc)
		)
	else:
		medium = "Email"
		default_subject = (_("Email to {0}") if direction == "Sent" else _("Email from {0}")).format(
			party_title(doc)
		)
	email = (email or doc.get("contact_email") or "").strip()
	me = frappe.db.get_value("User", frappe.session.user, "email") or frappe.session.user
	communication = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": medium,
			"sent_or_received": direction,
			"subject": subject or default_subject,
			"content": content or subject or default_subject,
			"communication_date": when,
			"reference_doctype": doc.doctype,
			"reference_name": doc.name,
			"status": "Linked",
			"seen": 1,
			"phone_no": (doc.get("contact_mobile") or doc.get("phone")) if medium == "Phone" else None,
			"sender": (email if direction == "Received" else me) if medium == "Email" else me,
			"recipients": (email if direction == "Sent" else me) if medium == "Email" else None,
		}
	)
	if link := party_link(doc):
		communication.add_link(*link)
	# permission was checked on the opportunity, as Frappe's own "New Email" does
	communication.insert(ignore_permissions=True)
	return {
		"doctype": "Communication",
		"name": communication.name,
		"subject": communication.subject,
		"message": _("Call logged.") if kind == "call" else _("Email logged."),
	}


def make_meeting(doc, subject, content, starts_on, ends_on) -> dict:
	ends_on = ends_on or add_to_date(starts_on, minutes=MEETING_MINUTES)
	if ends_on <= starts_on:
		frappe.throw(_("The meeting must end after it starts."))
	participants = [{"reference_doctype": doc.doctype, "reference_docname": doc.name}]
	if link := party_link(doc):
		participants.append({"reference_doctype": link[0], "reference_docname": link[1]})
	event = frappe.get_doc(
		{
			"doctype": "Event",
			"subject": subject or _("Meeting with {0}").format(party_title(doc)),
			"description": content or None,
			"event_category": "Meeting",
			"event_type": "Private",
			"starts_on": starts_on,
			"ends_on": ends_on,
			# a meeting already held is logged as completed; a planned one stays open
			"status": "Completed" if ends_on <= now_datetime() else "Open",
			"send_reminder": 0 if ends_on <= now_datetime() else 1,
			"event_participants": participants,
		}
	).insert()
	return {
		"doctype": "Event",
		"name": event.name,
		"subject": event.subject,
		"message": _("Meeting logged.") if event.status == "Completed" else _("Meeting planned."),
	}


def make_todo(doc, description, user, date) -> dict:
	user = user or doc.get("opportunity_owner") or frappe.session.user
	if not frappe.db.exists("User", user):
		frappe.throw(_("User {0} does not exist.").format(frappe.bold(user)))
	if not strip_html(description or "").strip():
		frappe.throw(_("Describe the to-do first."))
	if not frappe.has_permission(doc=doc, user=user):
		# as Frappe's own Assign To does: the assignee gets the opportunity shared to be able to open it
		frappe.share.add(doc.doctype, doc.name, user)
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": user,
			"reference_type": doc.doctype,
			"reference_name": doc.name,
			"description": description,
			"date": getdate(date) if date else None,
			"assigned_by": frappe.session.user,
			"priority": "Medium",
		}
	)
	# the user was checked on the opportunity; a to-do for a colleague is an assignment
	todo.insert(ignore_permissions=True)
	return {"doctype": "ToDo", "name": todo.name}
