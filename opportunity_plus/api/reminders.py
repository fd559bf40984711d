"""The daily digest of opportunities to follow up, on demand.

- ``preview_my_digest``: anyone who may read opportunities sees their own digest of everything due
  now (also what was already reported), and may have it emailed to themselves. Nothing is
  remembered: the daily job still sends what it would have sent.
- ``digest_dry_run``: a System Manager or Sales Manager sees how many people the next run would
  send a digest to, with how many items each. Nothing is written.
"""

from dataclasses import replace

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from opportunity_plus.arguments import int_arg
from opportunity_plus.jobs import reminders
from opportunity_plus.rules.reminders import CLOSING_SOON, OVERDUE, STALE

MANAGERS = ("System Manager", "Sales Manager")


@frappe.whitelist(methods=["POST"])
def preview_my_digest(send: int | str | None = 0) -> dict:
	"""The caller's digest as HTML (``send=1``: also emailed to them)."""
	send = int_arg(send or 0, _("Send"), 0, 1)
	user = frappe.session.user
	if user == "Guest" or not frappe.has_permission("Opportunity", "read"):
		frappe.throw(_("You cannot see opportunity reminders."), frappe.PermissionError)
	digest = reminders.preview(user, now_datetime())
	digest["sent"] = False
	if send:
		if not digest["email"]:
			frappe.throw(_("Your user has no email address."), title=_("Digest Not Sent"))
		reminders.email_digest(digest["email"], digest["subject"], digest["html"])
		digest["sent"] = True
	return digest


@frappe.whitelist()
def digest_dry_run() -> dict:
	"""Who would get a digest now, with how many items of each kind (nothing is written)."""
	if not set(MANAGERS) & set(frappe.get_roles()):
		frappe.throw(_("Only a System Manager or a Sales Manager can see this."), frappe.PermissionError)
	settings = reminders.get_settings()
	plan = reminders.plan_reminders(now_datetime(), replace(settings, enabled=True))
	people = []
	for user, counts in sorted(plan.counts().items()):
		person = plan.users[user]
		people.append(
			{
				"user": user,
				"full_name": person.full_name or user,
				"overdue": cint(counts[OVERDUE]),
				"closing_soon": cint(counts[CLOSING_SOON]),
				"stale": cint(counts[STALE]),
				"total": cint(sum(counts.values())),
				"email": bool(person.emails),
			}
		)
	return {
		"enabled": settings.enabled,
		"people": people,
		"digests": len(people),
		"items": sum(p["total"] for p in people),
		"new_reminders": len(plan.new),
		"repeated_reminders": len(plan.repeated),
	}
