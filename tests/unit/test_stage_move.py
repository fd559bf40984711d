import pytest

from opportunity_plus.rules import RuleError
from opportunity_plus.rules.pipeline import Stage
from opportunity_plus.rules.stage_move import (
	VIA_BOARD,
	MoveContext,
	OpportunityState,
	StageChange,
	check_requirements,
	first_of_each,
	plan_save,
	probability_after_move,
	status_for_stage,
)

STAGES = [
	Stage("Prospecting", probability=10),
	Stage("Proposal", probability=60, require_amount=True),
	Stage("Contract", probability=90, require_submitted_quotation=True),
	Stage("Won", "Won", 100),
	Stage("Lost", "Lost", 0, require_lost_reasons=True),
]
OTHER = [Stage("Intake", probability=5), Stage("Proposal", probability=50), Stage("Done", "Won", 100)]


def saved(stage, **kw):
	return OpportunityState(pipeline="Main", stage=stage, **{"status": "Open", "probability": 10, **kw})


def test_new_opportunity_starts_in_first_stage_with_its_probability():
	plan = plan_save(STAGES, "Main", OpportunityState(), None)
	assert (plan.stage, plan.probability, plan.status, plan.stage_changed) == (
		"Prospecting",
		10,
		"Open",
		True,
	)


def test_new_opportunity_keeps_a_valid_chosen_stage_and_a_typed_probability():
	plan = plan_save(STAGES, "Main", OpportunityState(stage="Proposal", amount=5, probability=33), None)
	assert (plan.stage, plan.probability) == ("Proposal", 33)


def test_stage_outside_the_pipeline_is_refused_naming_both():
	with pytest.raises(RuleError) as error:
		plan_save(STAGES, "Main", saved("Intake"), saved("Prospecting"))
	assert str(error.value) == "Sales Stage Intake is not part of the sales pipeline Main."


def test_moving_applies_the_stage_probability_unless_typed_in_the_same_save():
	plan = plan_save(STAGES, "Main", saved("Proposal", amount=100), saved("Prospecting"))
	assert plan.probability == 60
	plan = plan_save(STAGES, "Main", saved("Proposal", amount=100, probability=42), saved("Prospecting"))
	assert plan.probability == 42


def test_probability_is_left_alone_without_a_move():
	plan = plan_save(STAGES, "Main", saved("Prospecting", probability=70), saved("Prospecting"))
	assert (plan.probability, plan.stage_changed) == (70, False)


def test_requirements_block_a_move_listing_what_is_missing():
	with pytest.raises(RuleError) as error:
		plan_save(STAGES, "Main", saved("Proposal"), saved("Prospecting"))
	assert str(error.value) == "To move to Proposal the opportunity needs an amount."
	with pytest.raises(RuleError) as error:
		check_requirements(STAGES[2], saved("Contract"))
	assert "a submitted quotation" in str(error.value)
	check_requirements(STAGES[2], saved("Contract", has_submitted_quotation=True))


def test_lost_needs_reasons_and_sets_status_lost():
	with pytest.raises(RuleError) as error:
		plan_save(STAGES, "Main", saved("Lost"), saved("Prospecting"))
	assert "at least one lost reason" in str(error.value)
	plan = plan_save(STAGES, "Main", saved("Lost", lost_reason_count=1), saved("Prospecting"))
	assert (plan.status, plan.probability) == ("Lost", 0)


def test_won_converts_and_an_open_stage_reopens():
	won = plan_save(STAGES, "Main", saved("Won"), saved("Prospecting"))
	assert won.status == "Converted"
	reopened = plan_save(
		STAGES, "Main", saved("Prospecting", status="Converted"), saved("Won", status="Converted")
	)
	assert reopened.status == "Open"


def test_status_closed_by_erpnext_moves_the_stage_along():
	plan = plan_save(
		STAGES, "Main", saved("Prospecting", status="Lost", lost_reason_count=2), saved("Prospecting")
	)
	assert (plan.stage, plan.status, plan.stage_changed) == ("Lost", "Lost", True)


def test_native_statuses_survive_moves_between_open_stages():
	assert status_for_stage(STAGES[0], "Quotation") == "Quotation"
	assert status_for_stage(STAGES[0], "Replied") == "Replied"


def test_changing_pipeline_keeps_a_shared_stage_or_restarts():
	before = saved("Proposal", amount=1)
	kept = plan_save(OTHER, "Other", OpportunityState(pipeline="Other", stage="Proposal", amount=1), before)
	assert kept.stage == "Proposal" and not kept.stage_changed
	restarted = plan_save(
		OTHER, "Other", OpportunityState(pipeline="Other", stage="Contract"), saved("Contract")
	)
	assert (restarted.stage, restarted.probability, restarted.stage_changed) == ("Intake", 5, True)


def test_probability_without_stage_default_keeps_user_value():
	assert probability_after_move(Stage("X"), 10, 20, True, False) == 20


def test_new_opportunity_with_a_stage_of_another_pipeline_is_refused():
	with pytest.raises(RuleError) as error:
		plan_save(STAGES, "Main", OpportunityState(stage="Intake"), None)
	assert str(error.value) == "Sales Stage Intake is not part of the sales pipeline Main."


def test_first_of_each_keeps_the_first_row_of_each_value_in_order():
	rows = [{"lost_reason": "Price"}, {"lost_reason": "Timing"}, {"lost_reason": "Price"}, {}, {}]
	assert first_of_each(rows, "lost_reason") == [{"lost_reason": "Price"}, {"lost_reason": "Timing"}, {}]
	assert first_of_each([], "lost_reason") == []


def test_a_move_context_checks_requirements_and_names_no_reference_unless_told():
	context = MoveContext(VIA_BOARD)
	assert (context.via, context.reference, context.skip_requirements) == ("Board", None, False)
	with pytest.raises(AttributeError):
		context.via = "List"  # frozen: set once, through overrides/move_context.set_move_context


def test_a_stage_change_names_its_parts():
	change = StageChange("Prospecting", "Proposal", None, None)
	assert (change.from_stage, change.to_stage) == ("Prospecting", "Proposal")
	assert change.from_entered_on is None and change.seconds_in_from_stage is None
