"""Followers of an opportunity: who may follow, who may change the followers, and what following does.

This module is the one place that decides it, for the form, the list's bulk action, Data Import and
the REST API alike (the check runs in the Opportunity's validate):

- only enabled System Users (desk users) may follow, as Frappe's own share dialog offers;
- only a user with Frappe's "share" permission on the opportunity may add or remove followers (a
  follower's own share does not include it), and System Settings' "Disable Document Sharing" stops it;
- a new follower gets the opportunity shared (read and write) through Frappe's own sharing, only
  when no share exists yet, and follows it; a share that existed already is never rewritten, and
  removing a follower removes only the share the app made for them (``share_created``).
"""

import frappe
from frappe import _
from frappe.desk.form.document_follow import is_document_followed, unfollow_document
from frappe.share import add_docshare, set_docshare_permission

from opportunity_plus.messages import bold

SHARE_CREATED = "share_created"


def follower_users(doc) -> set[str]:
	return {row.user for row in (doc.get("opportunity_followers") or []) if row.user}


def may_follow(users: list[str]) -> set[str]:
	"""The users among ``users`` who may follow an opportunity: enabled System Users."""
	users = [user for user in users if user and user != "Guest"]
	if not users:
		return set()
	return set(
		frappe.get_all(
			"User",
			filters={"name": ("in", users), "enabled": 1, "user_type": "System User"},
			pluck="name",
		)
	)


def check_may_follow(users: list[str]) -> None:
	"""Refuse users who may not follow, with one message for every reason (unknown, disabled,
	website user, Guest), so the answer never tells whether an account exists."""
	allowed = may_follow(users)
	refused = [user for user in users if user not in allowed]
	if refused:
		frappe.throw(
			_("{0} cannot follow opportunities: only enabled desk users can.").format(
				", ".join(bold(user) for user in refused)
			),
			title=_("Followers"),
		)


def check_follower_changes(doc) -> None:
	"""validate: the followers added or removed are allowed, by a user allowed to change them.

	Also keeps ``share_created`` the server's: it is taken from the saved row of the same user."""
	before = doc.get_doc_before_save() if not doc.is_new() else None
	saved = (
		{row.user: row.get(SHARE_CREATED) for row in (before.get("opportunity_followers") or [])}
		if before
		else {}
	)
	for row in doc.get("opportunity_followers") or []:
		setattr(row, SHARE_CREATED, saved.get(row.user) or 0)

	previous, current = set(saved), follower_users(doc)
	added, removed = current - previous, previous - current
	if not added and not removed:
		return
	check_may_follow(sorted(added))
	if not frappe.has_permission("Opportunity", "share", doc=doc):
		frappe.throw(
			_("You may not change the followers of this opportunity: it needs the permission to share it."),
			frappe.PermissionError,
			title=_("Followers"),
		)


def sync_followers(doc) -> None:
	"""on_update: share with and follow for added followers; undo both for removed ones."""
	before = doc.get_doc_before_save()
	previous = {row.user: row for row in (before.get("opportunity_followers") or [])} if before else {}
	current = follower_users(doc)

	for row in doc.get("opportunity_followers") or []:
		if row.user in previous or not row.user:
			continue
		if not frappe.db.exists(
			"DocShare", {"share_doctype": doc.doctype, "share_name": doc.name, "user": row.user}
		):
			add_docshare(doc.doctype, doc.name, row.user, read=1, write=1)
			setattr(row, SHARE_CREATED, 1)
			row.db_set(SHARE_CREATED, 1, update_modified=False)
		follow(doc.doctype, doc.name, row.user)

	for user, row in sorted(previous.items()):
		if user in current:
			continue
		if row.get(SHARE_CREATED):
			set_docshare_permission(doc.doctype, doc.name, user, "read", 0)
		unfollow_document(doc.doctype, doc.name, user)


def follow(doctype: str, name: str, user: str) -> None:
	"""Follow through Frappe's Document Follow, whatever the user's auto-follow preferences."""
	if user == "Administrator" or is_document_followed(doctype, name, user):
		return
	frappe.get_doc(
		{"doctype": "Document Follow", "ref_doctype": doctype, "ref_docname": name, "user": user}
	).insert()
