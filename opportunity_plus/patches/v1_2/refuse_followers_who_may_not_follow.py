"""Followers from before the follower rule: drop the ones the rule refuses, keep hand-made shares.

Only enabled System Users may follow now. Follower rows of Guest, website users, disabled or
deleted users are removed, with the share the app made for them (read and write, nothing else,
made within a minute of the follower row: what the old follower code did) and their Document
Follow. A share that looks made by hand (other rights, or made at another time) stays. For the
followers who remain, ``share_created`` marks the share the app made, so that removing them later
removes that share and no other.
"""

import frappe
from frappe.query_builder.functions import UnixTimestamp
from pypika.functions import Abs

from opportunity_plus.overrides.followers import may_follow

SAME_SAVE_SECONDS = 60


def execute():
	frappe.reload_doc("opportunity_plus", "doctype", "opportunity_follower")
	follower = frappe.qb.DocType("Opportunity Follower")
	share = frappe.qb.DocType("DocShare")
	rows = (
		frappe.qb.from_(follower)
		.left_join(share)
		.on(
			(share.share_doctype == "Opportunity")
			& (share.share_name == follower.parent)
			& (share.user == follower.user)
			& (share.read == 1)
			& (share.write == 1)
			& (share.share == 0)
			& (share.submit == 0)
			& (share.everyone == 0)
			& (Abs(UnixTimestamp(share.creation) - UnixTimestamp(follower.creation)) <= SAME_SAVE_SECONDS)
		)
		.select(
			follower.name,
			follower.parent,
			follower.user,
			share.name.as_("app_share"),
		)
		.where(follower.parenttype == "Opportunity")
		.where(follower.parentfield == "opportunity_followers")
		.run(as_dict=True)
	)
	allowed = may_follow(list({row.user for row in rows}))
	refused = [row for row in rows if row.user not in allowed]
	kept_with_app_share = [row.name for row in rows if row.user in allowed and row.app_share]

	if kept_with_app_share:
		frappe.db.set_value(
			"Opportunity Follower",
			{"name": ("in", kept_with_app_share)},
			"share_created",
			1,
			update_modified=False,
		)
	if not refused:
		return
	frappe.db.delete("Opportunity Follower", {"name": ("in", [row.name for row in refused])})
	app_shares = [row.app_share for row in refused if row.app_share]
	if app_shares:
		frappe.db.delete("DocShare", {"name": ("in", app_shares)})
	for row in refused:
		frappe.db.delete(
			"Document Follow", {"ref_doctype": "Opportunity", "ref_docname": row.parent, "user": row.user}
		)
