import pytest

from opportunity_plus.rules import RuleError
from opportunity_plus.rules.bulk import (
	DONE,
	LISTED_PER_REASON,
	REFUSED,
	UNCHANGED,
	RowOutcome,
	labels_after,
	missing_values,
	plain_text,
	runs_in_background,
	summarise,
	unique_names,
)

NEEDS_AMOUNT = "To move to Proposal the opportunity needs an amount."


def outcome(name, status, reason=""):
	return RowOutcome(name, f"CH-{name}", status, reason)


def test_summary_counts_and_groups_refusals_by_reason_in_order_met():
	outcomes = [
		outcome("1", DONE),
		outcome("2", REFUSED, NEEDS_AMOUNT),
		outcome("3", DONE),
		outcome("4", REFUSED, "You do not have permission to edit this opportunity."),
		outcome("5", REFUSED, NEEDS_AMOUNT),
		outcome("6", UNCHANGED),
		outcome("7", DONE),
	]
	summary = summarise("move", outcomes)

	assert (summary.done, summary.unchanged, summary.refused, summary.total) == (3, 1, 3, 7)
	assert summary.done_names == ("1", "3", "7")
	assert [r.reason for r in summary.refusals] == [
		NEEDS_AMOUNT,
		"You do not have permission to edit this opportunity.",
	]
	assert summary.refusals[0].labels == ("CH-2", "CH-5")
	assert summary.refusals[0].names == ("2", "5")


def test_headline_says_what_was_done_and_leaves_out_empty_counts():
	done_only = summarise("move", [outcome("1", DONE), outcome("2", DONE)])
	assert done_only.headline_parts() == [("{count} moved", {"count": 2})]

	mixed = summarise("add_label", [outcome("1", UNCHANGED), outcome("2", REFUSED, "x")])
	assert mixed.headline_parts() == [
		("{count} labelled", {"count": 0}),
		("{count} already had it", {"count": 1}),
		("{count} refused", {"count": 1}),
	]


def test_long_refusal_lists_are_cut_with_a_count_of_the_rest():
	outcomes = [outcome(str(i), REFUSED, NEEDS_AMOUNT) for i in range(LISTED_PER_REASON + 4)]
	data = summarise("move", outcomes).as_dict()
	refusal = data["refusals"][0]
	assert len(refusal["labels"]) == LISTED_PER_REASON
	assert refusal["more"] == 4
	assert len(refusal["names"]) == LISTED_PER_REASON + 4, "every name stays available"


def test_unknown_action_is_refused():
	with pytest.raises(RuleError):
		summarise("delete_everything", [])


def test_unique_names_keeps_order_drops_blanks_and_duplicates():
	assert unique_names(["B", " A ", "", None, "B", "C"]) == ["B", "A", "C"]


def test_an_empty_selection_is_refused():
	with pytest.raises(RuleError, match="at least one"):
		unique_names(["", None])


def test_background_only_above_the_threshold():
	assert not runs_in_background(500, threshold=500)
	assert runs_in_background(501, threshold=500)


def test_plain_text_strips_tags_and_entities():
	assert plain_text("Sales Stage <strong>Won</strong> is not part of\n <b>A &amp; B</b>.") == (
		"Sales Stage Won is not part of A & B."
	)
	assert plain_text(None) == ""


def test_labels_after_adds_at_the_end_and_removes():
	assert labels_after(["VIP", "Hot"], add=["Hot", "New"], remove=["VIP"]) == ["Hot", "New"]
	assert labels_after(["VIP"], remove=["Other"]) == ["VIP"]


def test_missing_values_are_the_new_ones_once():
	assert missing_values(["a@x.com"], ["a@x.com", "b@x.com", "b@x.com"]) == ["b@x.com"]
	assert missing_values([], []) == []
