"""Bulk actions on opportunities from the list: what each row came to, and one summary of the batch.

A batch never stops on a bad row: every row ends as *done*, *unchanged* (nothing to do, e.g. already
in the target stage) or *refused* with the reason. :func:`summarise` turns the rows into the counts
and the refusals grouped by reason that the list shows in one dialog.
"""

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from opportunity_plus.rules import RuleError, _

DONE = "done"
UNCHANGED = "unchanged"
REFUSED = "refused"

# Up to this many rows run in the request; more go to a background job that reports its progress.
BACKGROUND_THRESHOLD = 500
# At most this many rows in one batch, even in the background.
MAX_ROWS = 100_000
# How many codes a refusal line lists before "and N more".
LISTED_PER_REASON = 10

# action -> (title, "{count} done" template, "{count} unchanged" template)
ACTIONS = {
	"move": (_("Move to Stage"), _("{count} moved"), _("{count} already there")),
	"add_label": (_("Add Label"), _("{count} labelled"), _("{count} already had it")),
	"remove_label": (_("Remove Label"), _("{count} unlabelled"), _("{count} did not have it")),
	"add_follower": (_("Add Follower"), _("{count} now followed"), _("{count} already followed")),
}
REFUSED_TEMPLATE = _("{count} refused")

TAG = re.compile(r"<[^>]+>")
SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class RowOutcome:
	"""What happened to one opportunity of a batch."""

	name: str
	label: str  # what the user recognises: the opportunity code, else its name
	status: str  # DONE, UNCHANGED or REFUSED
	reason: str = ""


@dataclass(frozen=True)
class Refusal:
	"""Rows refused for the same reason."""

	reason: str
	labels: tuple[str, ...]
	names: tuple[str, ...]

	@property
	def listed(self) -> tuple[str, ...]:
		return self.labels[:LISTED_PER_REASON]

	@property
	def more(self) -> int:
		return max(0, len(self.labels) - LISTED_PER_REASON)


@dataclass(frozen=True)
class Summary:
	action: str
	done: int
	unchanged: int
	refused: int
	refusals: tuple[Refusal, ...]
	done_names: tuple[str, ...]

	@property
	def total(self) -> int:
		return self.done + self.unchanged + self.refused

	def headline_parts(self) -> list[tuple[str, dict]]:
		"""(untranslated template, params) pairs, e.g. "3 moved", "2 refused"; zero counts left out
		except the done count, which is always said."""
		_title, done_template, unchanged_template = ACTIONS[self.action]
		parts = [(done_template, {"count": self.done})]
		if self.unchanged:
			parts.append((unchanged_template, {"count": self.unchanged}))
		if self.refused:
			parts.append((REFUSED_TEMPLATE, {"count": self.refused}))
		return parts

	def as_dict(self) -> dict:
		return {
			"action": self.action,
			"total": self.total,
			"done": self.done,
			"unchanged": self.unchanged,
			"refused": self.refused,
			"done_names": list(self.done_names),
			"refusals": [
				{
					"reason": refusal.reason,
					"labels": list(refusal.listed),
					"names": list(refusal.names),
					"more": refusal.more,
				}
				for refusal in self.refusals
			],
		}


def unique_names(names: Iterable[str] | None) -> list[str]:
	"""The names in their order, each once, blanks dropped; refuse an empty or oversized batch."""
	seen = set()
	result = []
	for name in names or []:
		name = str(name or "").strip()
		if name and name not in seen:
			seen.add(name)
			result.append(name)
	if not result:
		raise RuleError(_("Select at least one opportunity."))
	if len(result) > MAX_ROWS:
		raise RuleError(_("Select at most {max} opportunities at a time."), max=MAX_ROWS)
	return result


def runs_in_background(count: int, threshold: int = BACKGROUND_THRESHOLD) -> bool:
	return count > threshold


def plain_text(message: str | None) -> str:
	"""A message as one line of plain text: HTML tags removed, entities decoded, spaces collapsed."""
	text = html.unescape(TAG.sub("", str(message or "")))
	return SPACES.sub(" ", text).strip()


def group_refusals(outcomes: Iterable[RowOutcome]) -> tuple[Refusal, ...]:
	"""Refused rows grouped by reason, reasons in the order first met."""
	groups: dict[str, tuple[list[str], list[str]]] = {}
	for outcome in outcomes:
		if outcome.status != REFUSED:
			continue
		labels, names = groups.setdefault(outcome.reason, ([], []))
		labels.append(outcome.label or outcome.name)
		names.append(outcome.name)
	return tuple(Refusal(reason, tuple(labels), tuple(names)) for reason, (labels, names) in groups.items())


def summarise(action: str, outcomes: Sequence[RowOutcome]) -> Summary:
	if action not in ACTIONS:
		raise RuleError(_("Unknown bulk action {action}."), action=action)
	count = {DONE: 0, UNCHANGED: 0, REFUSED: 0}
	for outcome in outcomes:
		count[outcome.status] += 1
	return Summary(
		action=action,
		done=count[DONE],
		unchanged=count[UNCHANGED],
		refused=count[REFUSED],
		refusals=group_refusals(outcomes),
		done_names=tuple(o.name for o in outcomes if o.status == DONE),
	)


def labels_after(current: Sequence[str], add: Iterable[str] = (), remove: Iterable[str] = ()) -> list[str]:
	"""The labels of an opportunity after adding and removing some, in a stable order."""
	removing = set(remove)
	result = [label for label in current if label not in removing]
	for label in add:
		if label not in result and label not in removing:
			result.append(label)
	return result


def missing_values(current: Iterable[str], wanted: Iterable[str]) -> list[str]:
	"""The wanted values (labels, followers) that are not there yet, each once, in order."""
	present = set(current)
	result = []
	for value in wanted:
		if value not in present and value not in result:
			result.append(value)
	return result
