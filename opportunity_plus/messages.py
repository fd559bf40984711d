"""The one rule for values that enter a message, a notification or any other HTML the desk shows.

Frappe's desk renders ``frappe.throw``/``msgprint`` messages, notification subjects and alerts as
HTML, so a pipeline name, an opportunity title or any value from a request or a document is escaped
before it is put into one. Use ``esc`` for a plain value and ``bold`` where Frappe would use
``frappe.bold``; never ``frappe.bold`` or ``.format`` with a raw value (a static test checks it).
"""

import frappe
from frappe.utils import escape_html


def esc(value) -> str:
	"""``value`` as text that shows literally in HTML (``None`` shows as nothing)."""
	return escape_html("" if value is None else str(value))


def bold(value) -> str:
	"""``value`` escaped, in bold: ``frappe.bold`` for values that came from a request or a document."""
	return frappe.bold(esc(value))
