"""Which opportunities the current user may read, as a condition for ``frappe.qb`` queries.

Frappe decides it: ``frappe.get_list("Opportunity", run=0)`` writes the SQL of the list the user
would see (role permissions, user permissions, documents shared with them, permission query hooks),
with any filters escaped by Frappe's own filter handling. The board and the report never fetch that
list. They put its WHERE clause straight into their aggregate and page queries, so the database
filters and aggregates in a single pass over its indexes; a ``name IN (subquery)`` form of the same
list kept MariaDB from reading the covering indexes alone.

When Frappe's SQL is not a plain ``from tabOpportunity where ...`` (a join for a child-table
filter, say), the whole list is used as a subquery instead: slower, the same rows.
"""

import frappe
import frappe.share
from pypika.terms import Criterion

from opportunity_plus.queries.list_sql import plain_where

TABLE = "`tabOpportunity`"


class FrappeCondition(Criterion):
	"""A condition Frappe wrote, on the columns of ``tabOpportunity`` (no user input reaches it
	unescaped). The outer query runs with named parameters, so a literal ``%`` is doubled."""

	def __init__(self, sql: str):
		super().__init__()
		self.sql = sql

	def get_sql(self, **kwargs) -> str:
		return "({})".format(self.sql.strip().replace("%", "%%"))


class NameInList(FrappeCondition):
	"""``tabOpportunity.name IN (the list Frappe wrote)``."""

	def get_sql(self, **kwargs) -> str:
		return f"{TABLE}.`name` in {super().get_sql(**kwargs)}"


def readable_condition(filters: list | dict | None = None) -> Criterion | None:
	"""The opportunities the user may read (and that match ``filters``), as a condition on
	``tabOpportunity``; None when that is every opportunity.

	Raises ``frappe.PermissionError`` when the user may read no opportunity at all.

	A role with only "Select" permission (meant for picking an opportunity in a link field) reads
	nothing through it: such a user reads only the opportunities shared with them, as with no role."""
	sql = frappe.get_list("Opportunity", fields=["name"], filters=filters, order_by="", run=0)
	condition = condition_of_list_sql(sql)
	if not frappe.only_has_select_perm("Opportunity"):
		return condition
	shared = frappe.share.get_shared("Opportunity", rights=["read"])
	if not shared:
		raise frappe.PermissionError
	only_shared = frappe.qb.DocType("Opportunity").name.isin(shared)
	return only_shared if condition is None else condition & only_shared


def condition_of_list_sql(sql: str) -> Criterion | None:
	"""The WHERE clause of a ``get_list`` query over ``tabOpportunity`` alone, else the whole list."""
	where = plain_where(sql)
	if where is None:
		return NameInList(sql)
	return FrappeCondition(where) if where else None
