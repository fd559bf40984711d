"""Reading the SQL of Frappe's list query for Opportunity (for ``read_permission.py``, which says why)."""

import re

# what get_list(fields=["name"], order_by="") writes for tabOpportunity alone, with no join
PLAIN_LIST = re.compile(
	r"^select\s+(?:`tabOpportunity`\.)?`name`\s+from\s+`tabOpportunity`(?:\s+where\s+(?P<where>.*))?$",
	re.IGNORECASE | re.DOTALL,
)
TRAILING_CLAUSE = re.compile(r"\n\s*(?:group\s+by|order\s+by|limit)\b", re.IGNORECASE)


def plain_where(sql: str) -> str | None:
	"""The WHERE clause of ``select name from tabOpportunity where ...`` ("" when there is none).

	None when the query is anything else (a join, distinct, grouping, ordering, a limit): then only
	the whole query, as a subquery, says which rows it means."""
	match = PLAIN_LIST.match(sql.strip())
	if not match:
		return None
	where = (match.group("where") or "").strip()
	if TRAILING_CLAUSE.search(where):
		return None
	return where
