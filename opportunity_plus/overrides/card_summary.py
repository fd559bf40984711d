"""What a board card shows of an opportunity's child tables, kept on the opportunity itself.

A card shows the opportunity's labels and how many users follow it. Read from the child tables, that
is two more queries on every board open, each looking up every card of the page by its varchar name:
about as long as reading the cards themselves. So the opportunity carries both, in two hidden,
read-only fields the server keeps:

- ``card_labels``: the labels, one per line, in the order of its Labels table;
- ``follower_count``: the rows of its Followers table.

They are set from the document's own tables on every save (``set_card_summary``: whatever a request
sends for them is replaced), rebuilt for the opportunities of a renamed label (Opportunity Label's
``after_rename``), and rebuilt for every
opportunity in one statement each by ``rebuild_card_summaries`` (the 1.5 patch). The tables stay the
truth: the board's label filter, the followers' permissions and reminders read them.
"""

import frappe
from frappe.query_builder.functions import Count
from pypika.terms import Term

SEPARATOR = "\n"
LABEL_COLOURS = "opportunity_plus_label_colours"


def set_card_summary(doc) -> None:
	"""Opportunity validate."""
	doc.card_labels = SEPARATOR.join(row.label for row in doc.get("opportunity_labels") or [] if row.label)
	doc.follower_count = len([row for row in doc.get("opportunity_followers") or [] if row.user])


def labels_of_card(card_labels: str | None) -> list[str]:
	return [label for label in (card_labels or "").split(SEPARATOR) if label]


class _OrderedLabels(Term):
	"""The labels of ``tabOpportunity``'s row, one per line in table order (constant SQL)."""

	def get_sql(self, **kwargs) -> str:
		return (
			"(select group_concat(d.`label` order by d.`idx` separator '\\n')"
			" from `tabOpportunity Label Detail` d where d.`parent` = `tabOpportunity`.`name`"
			" and d.`parenttype` = 'Opportunity' and d.`parentfield` = 'opportunity_labels')"
		)


def rebuild_card_summaries(label: str | None = None) -> None:
	"""Set both fields from the child tables: for every opportunity, or for those with ``label``."""
	opp = frappe.qb.DocType("Opportunity")
	detail = frappe.qb.DocType("Opportunity Label Detail")
	update = frappe.qb.update(opp).set(opp.card_labels, _OrderedLabels())
	if label:
		having_label = (
			frappe.qb.from_(detail)
			.select(detail.parent)
			.where(detail.parenttype == "Opportunity")
			.where(detail.parentfield == "opportunity_labels")
			.where(detail.label == label)
		)
		update.where(opp.name.isin(having_label)).run()
		return
	update.run()
	follower = frappe.qb.DocType("Opportunity Follower")
	counted = (
		frappe.qb.from_(follower)
		.select(follower.parent, Count("*").as_("followers"))
		.where(follower.parenttype == "Opportunity")
		.where(follower.parentfield == "opportunity_followers")
		.where(follower.user.isnotnull())
		.groupby(follower.parent)
	).as_("counted")
	frappe.qb.update(opp).set(opp.follower_count, 0).where(opp.follower_count != 0).run()
	frappe.qb.update(opp).join(counted).on(counted.parent == opp.name).set(
		opp.follower_count, counted.followers
	).run()


def label_colours(labels: set[str]) -> dict[str, str | None]:
	"""The colour of each label, from a cached map of every Opportunity Label (a short list, read
	again when a label is saved, renamed or deleted, or when one of ``labels`` is not in it)."""
	if not labels:
		return {}
	colours = frappe.cache.get_value(LABEL_COLOURS, generator=all_label_colours)
	if not labels <= colours.keys():
		frappe.cache.delete_value(LABEL_COLOURS)
		colours = frappe.cache.get_value(LABEL_COLOURS, generator=all_label_colours)
	return colours


def all_label_colours() -> dict[str, str | None]:
	label = frappe.qb.DocType("Opportunity Label")
	return dict(frappe.qb.from_(label).select(label.name, label.color).run())


def forget_label_colours() -> None:
	"""Now, and again once the change is committed (a board read in between may have cached the old)."""
	frappe.cache.delete_value(LABEL_COLOURS)
	frappe.db.after_commit.add(lambda: frappe.cache.delete_value(LABEL_COLOURS))
