"""Caring for an opportunity: log a call, an email, a meeting, a note or a to-do in one step.

Each kind is stored in ERPNext's / Frappe's own doctype, linked to the opportunity, so it shows on
the opportunity's timeline and in its Activities and Notes tabs like anything made there:

- call: Communication, medium Phone (also linked to the lead or customer);
- email: Communication, medium Email, logged only (nothing is sent);
- meeting: Event, category Meeting, with the opportunity (and its party) as participants;
- note: CRM Note in the opportunity's Notes table (ERPNext's ``add_note``);
- todo: an assignment (ToDo) through Frappe's own Assign To, referencing the opportunity.

Calls, emails and meetings can ask for a follow-up to-do in the same step.

Logging anything is a change to the opportunity's record, so it needs write permission on it (and
Frappe's email permission for an email). Every input is checked before anything is written: the
kind, the direction, the dates, the email address and the assignees.
"""

import frappe
from frappe import _
from frappe.desk.form import assign_to as assignments
from frappe.utils import add_to_date, get_datetime, now_datetime, strip_html, validate_email_address

from opportunity_plus.arguments import date_arg, datetime_arg
from opportunity_plus.messages import bold, esc
from opportunity_plus.queries.access import check_opportunity

KINDS = ("call", "email", "meeting", "note", "todo")
DIRECTIONS = ("Sent", "Received")
MEETING_MINUTES = 30
FOLLOWED_UP = ("call", "email", "meeting")


@frappe.whitelist(methods=["POST"])
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
	doc = get_opportunity_to_log_on(opportunity)
	if kind not in KINDS:
		frappe.throw(_("Unknown activity {0}.").format(bold(kind)), title=_("Invalid Activity"))
	if kind == "email" and not frappe.has_permission("Opportunity", "email", doc):
		frappe.throw(
			_("You cannot log emails on opportunity {0}.").format(bold(doc.name)), frappe.PermissionError
		)

	# check everything first: nothing is written when any input is wrong
	content = (content or "").strip()
	subject = (subject or "").strip()
	when = datetime_arg(on, _("When")) or now_datetime()
	ends = datetime_arg(ends_on, _("Ends On"))
	due = date_arg(due_date, _("Due Date"))
	follow_up = date_arg(follow_up_on, _("Follow Up On")) if kind in FOLLOWED_UP else None
	if kind in ("call", "email"):
		direction = direction or "Sent"
		if direction not in DIRECTIONS:
			frappe.throw(_("Direction must be Sent or Received."), title=_("Invalid Activity"))
	if kind == "note" and not strip_html(content).strip():
		frappe.throw(_("Write the note first."), title=_("Invalid Activity"))
	if kind == "todo":
		if not strip_html(content or subject).strip():
			frappe.throw(_("Describe the to-do first."), title=_("Invalid Activity"))
		assignee = check_assignee(doc, assign_to)
		if open_todo(doc, assignee):
			frappe.throw(
				_("{0} already has an open to-do on this opportunity.").format(bold(assignee)),
				title=_("Invalid Activity"),
			)
	if kind == "meeting":
		ends = ends or add_to_date(when, minutes=MEETING_MINUTES)
		if ends <= when:
			frappe.throw(_("The meeting must end after it starts."), title=_("Invalid Activity"))
	if kind in ("call", "email"):
		sender, recipients = addresses(doc, kind, direction, email)
	if follow_up:
		follow_up_assignee = check_assignee(doc, follow_up_by)

	if kind == "note":
		doc.add_note(content)
		made = {"doctype": "CRM Note", "name": doc.notes[-1].name, "message": _("Note added.")}
	elif kind == "todo":
		# typed as plain text; the description is HTML (and goes into the assignee's notification)
		made = {"doctype": "ToDo", "name": assign(doc, assignee, esc(content or subject), due)}
		made["message"] = _("To-do created.")
	elif kind == "meeting":
		made = make_meeting(doc, subject, content, when, ends)
	else:
		made = make_communication(doc, kind, subject, content, direction, sender, recipients, when)

	if follow_up:
		# made["subject"] is a default subject, already escaped
		text = esc(subject) if subject else made.get("subject") or esc(doc.title or doc.name)
		description = _("Follow up: {0}").format(text)  # safe-html: esc()'d just above, or a default subject
		made["follow_up"] = assign(doc, follow_up_assignee, description, follow_up)
	return made


def get_opportunity_to_log_on(name: str):
	"""The opportunity, if the user may change it (one answer for missing and not permitted)."""
	return frappe.get_doc(
		"Opportunity", check_opportunity(name, "write", _("You cannot log activities on opportunity {0}."))
	)


def party_link(doc) -> tuple[str, str] | None:
	if doc.get("opportunity_from") and doc.get("party_name"):
		return doc.opportunity_from, doc.party_name
	return None


def party_title(doc) -> str:
	return doc.get("customer_name") or doc.get("title") or doc.get("party_name") or doc.name


def my_address() -> str:
	return frappe.db.get_value("User", frappe.session.user, "email") or frappe.session.user


def addresses(doc, kind: str, direction: str, email: str | None) -> tuple[str, str | None]:
	"""(sender, recipients) of a logged call or email: the user sends; only a valid address receives.

	What the user sent comes from the user's own address. What was received comes from the given
	address (for an email, the opportunity's contact email by default), checked to be one valid
	email address: the sender is never free text."""
	email = (email or "").strip()
	if kind == "email":
		email = email or (doc.get("contact_email") or "").strip()
	if direction == "Sent":
		if kind == "call":
			return my_address(), None
		return my_address(), (validate_email_address(email, throw=True) if email else None)
	if not email:
		if kind == "call":
			return my_address(), None
		frappe.throw(_("Enter the email address the email was received from."), title=_("Invalid Activity"))
	sender = validate_email_address(email, throw=True)
	if "," in sender:
		frappe.throw(
			_("{0} is not one email address. Enter the single address it came from.").format(bold(email)),
			title=_("Invalid Activity"),
		)
	return sender, my_address() if kind == "email" else None


def make_communication(doc, kind, subject, content, direction, sender, recipients, when) -> dict:
	party = party_title(doc)
	if kind == "call":
		medium = "Phone"
		default_subject = (_("Call to {0}") if direction == "Sent" else _("Call from {0}")).format(esc(party))
	else:
		medium = "Email"
		default_subject = (_("Email to {0}") if direction == "Sent" else _("Email from {0}")).format(
			esc(party)
		)
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
			"sender": sender,
			"recipients": recipients,
		}
	)
	if link := party_link(doc):
		communication.add_link(*link)
	# write (and for an email, email) permission was checked on the opportunity
	communication.insert(ignore_permissions=True)
	return {
		"doctype": "Communication",
		"name": communication.name,
		"subject": communication.subject,
		"message": _("Call logged.") if kind == "call" else _("Email logged."),
	}


def make_meeting(doc, subject, content, starts_on, ends_on) -> dict:
	participants = [{"reference_doctype": doc.doctype, "reference_docname": doc.name}]
	if link := party_link(doc):
		participants.append({"reference_doctype": link[0], "reference_docname": link[1]})
	event = frappe.get_doc(
		{
			"doctype": "Event",
			"subject": subject or _("Meeting with {0}").format(esc(party_title(doc))),
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


def check_assignee(doc, user: str | None) -> str:
	"""The user a to-do goes to: an enabled system user who can open the opportunity, or can be given it.

	One message for a user that does not exist, is disabled, is a website user or Guest."""
	user = (user or doc.get("opportunity_owner") or frappe.session.user).strip()
	found = frappe.db.get_value("User", user, ["name", "user_type", "enabled"], as_dict=True)
	if not found or found.user_type != "System User" or not found.enabled or found.name == "Guest":
		frappe.throw(
			_("{0} cannot be given a to-do: choose an enabled system user.").format(bold(user)),
			title=_("Invalid Assignee"),
		)
	user = found.name
	if not frappe.has_permission(doc=doc, user=user):
		# Frappe's Assign To shares the opportunity with the assignee; checked here before anything is written
		if frappe.get_system_settings("disable_document_sharing"):
			frappe.throw(
				_(
					"{0} cannot open this opportunity and document sharing is disabled. "
					"Give them access to it before assigning."
				).format(bold(user)),
				title=_("Missing Permission"),
			)
		if not frappe.has_permission(doc.doctype, "share", doc):
			frappe.throw(
				_("{0} cannot open this opportunity and you may not share it with them.").format(bold(user)),
				frappe.PermissionError,
				title=_("Missing Permission"),
			)
	return user


def open_todo(doc, user: str) -> str | None:
	return frappe.db.get_value(
		"ToDo",
		{"reference_type": doc.doctype, "reference_name": doc.name, "allocated_to": user, "status": "Open"},
		"name",
		order_by="creation desc",
	)


def assign(doc, user: str, description: str, date) -> str:
	"""Assign through Frappe's own Assign To (sharing, notification, followers); the ToDo's name.

	A user who already has an open to-do on the opportunity keeps it (Frappe says so)."""
	assignments.add(
		{
			"assign_to": [user],
			"doctype": doc.doctype,
			"name": doc.name,
			"description": description,
			"date": str(date) if date else None,
		}
	)
	return open_todo(doc, user)
