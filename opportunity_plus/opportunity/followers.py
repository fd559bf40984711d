"""Followers of an opportunity: each one gets it shared (read and write) and follows it."""

import frappe
from frappe.desk.form.document_follow import is_document_followed, unfollow_document
from frappe.share import add_docshare, remove

SHARE_FLAGS = {"ignore_share_permission": True}


def follower_users(doc) -> set[str]:
	return {row.user for row in (doc.get("opportunity_followers") or []) if row.user}


def sync_followers(doc) -> None:
	"""Share with and follow for added followers; undo both for removed ones."""
	before = doc.get_doc_before_save()
	previous = follower_users(before) if before else set()
	current = follower_users(doc)

	for user in sorted(current - previous):
		add_docshare(doc.doctype, doc.name, user, read=1, write=1, flags=SHARE_FLAGS)
		follow(doc.doctype, doc.name, user)

	for user in sorted(previous - current):
		remove(doc.doctype, doc.name, user, flags=SHARE_FLAGS)
		unfollow_document(doc.doctype, doc.name, user)


def follow(doctype: str, name: str, user: str) -> None:
	"""Follow through Frappe's Document Follow, whatever the user's auto-follow preferences."""
	if user == "Administrator" or is_document_followed(doctype, name, user):
		return
	frappe.get_doc(
		{"doctype": "Document Follow", "ref_doctype": doctype, "ref_docname": name, "user": user}
	).insert(ignore_permissions=True)
