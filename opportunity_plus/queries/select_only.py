"""Run a SELECT the app wrote with the query builder again, with other parameter values.

The board reads the first page of every column with one query that differs from column to column
only in the stage: written to SQL once per request (``QueryBuilder.walk``), it is run once per column
without building and writing it again. ``frappe.db.sql`` runs any statement; this runs only a SELECT
(the static security checks count it as a read for that reason)."""

import frappe


def run_select(sql: str, params: dict, **kwargs) -> list:
	if sql.lstrip()[:7].lower() != "select ":
		raise ValueError("run_select runs a SELECT statement only")
	return frappe.db.sql(sql, params, **kwargs)
