"""Business rules of opportunity_plus, as plain Python.

Nothing in this package imports frappe: the rules take plain data and either return a
result or raise :class:`RuleError`. The adapters (doctype controllers, doc_events,
whitelisted methods) load the data, call the rules and translate the errors.
"""

from html import escape


def _(message: str) -> str:
	"""Mark a message for translation; the adapter translates it when raising."""
	return message


class RuleError(Exception):
	"""A rule was broken. ``message`` is an untranslated template with ``{name}`` fields."""

	def __init__(self, message: str, **params):
		super().__init__(message.format(**params) if params else message)
		self.message = message
		self.params = params

	def translated(self, translate) -> str:
		"""Return the message translated with ``translate`` (frappe's ``_``) and filled in.

		The desk shows messages as HTML: text values are escaped (names, titles and anything else
		that came from a request or a document show as typed), numbers are put in as they are."""
		return translate(self.message).format(
			**{key: escape(value) if isinstance(value, str) else value for key, value in self.params.items()}
		)
