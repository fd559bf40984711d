from opportunity_plus.rules.pipeline import Stage
from opportunity_plus.rules.sales_flow import (
	after_order_cancelled,
	after_order_submitted,
	after_quotation_cancelled,
	after_quotation_lost,
	after_quotation_submitted,
	merge_names,
)
from opportunity_plus.rules.stage_move import OpportunityState, plan_save

STAGES = [
	Stage("Prospecting", probability=10),
	Stage("Qualification", probability=20),
	Stage("Proposal", probability=70, require_amount=True),
	Stage("Negotiation", probability=80),
	Stage("Won", "Won", 100),
	Stage("Lost", "Lost", 0),
]


def test_submitted_quotation_moves_forward_only():
	assert after_quotation_submitted(STAGES, "Qualification", "Proposal") == "Proposal"
	assert after_quotation_submitted(STAGES, "Proposal", "Proposal") is None
	assert after_quotation_submitted(STAGES, "Negotiation", "Proposal") is None
	assert after_quotation_submitted(STAGES, "Qualification", None) is None


def test_automatic_moves_never_leave_won_or_lost():
	assert after_quotation_submitted(STAGES, "Won", "Proposal") is None
	assert after_quotation_submitted(STAGES, "Lost", "Proposal") is None
	assert after_quotation_lost(STAGES, "Won") is None


def test_cancelled_quotation_steps_back_only_if_nothing_moved_it_since():
	assert (
		after_quotation_cancelled(STAGES, "Proposal", "Qualification", "Proposal", False) == "Qualification"
	)
	assert after_quotation_cancelled(STAGES, "Negotiation", "Qualification", "Proposal", False) is None
	assert after_quotation_cancelled(STAGES, "Proposal", "Qualification", "Proposal", True) is None
	assert after_quotation_cancelled(STAGES, "Proposal", None, None, False) is None


def test_lost_quotation_loses_the_opportunity():
	assert after_quotation_lost(STAGES, "Proposal") == "Lost"
	assert after_quotation_lost(STAGES, "Lost") is None
	assert after_quotation_lost(STAGES, "Proposal", other_active_quotation=True) is None


def test_orders_win_and_cancelled_orders_step_back():
	assert after_order_submitted(STAGES, "Proposal") == "Won"
	assert after_order_submitted(STAGES, "Won") is None
	assert after_order_cancelled(STAGES, "Won", "Proposal", False) == "Proposal"
	assert after_order_cancelled(STAGES, "Won", "Proposal", True) is None
	assert after_order_cancelled(STAGES, "Negotiation", "Proposal", False) is None


def test_merge_names_keeps_order_without_duplicates():
	assert merge_names(["Price", ""], ["Timing", "Price"]) == ["Price", "Timing"]


def test_flow_moves_skip_entry_requirements_but_people_do_not():
	state = OpportunityState(pipeline="Main", stage="Proposal", status="Quotation", probability=20)
	before = OpportunityState(pipeline="Main", stage="Qualification", status="Quotation", probability=20)
	plan = plan_save(STAGES, "Main", state, before, enforce_requirements=False)
	assert (plan.stage, plan.status, plan.probability) == ("Proposal", "Quotation", 70)


def test_reopen_by_erpnext_returns_to_the_last_open_stage():
	before = OpportunityState(pipeline="Main", stage="Lost", status="Lost", lost_reason_count=1)
	after = OpportunityState(pipeline="Main", stage="Lost", status="Open")
	assert plan_save(STAGES, "Main", after, before, reopen_stage="Negotiation").stage == "Negotiation"
	assert plan_save(STAGES, "Main", after, before, reopen_stage=None).stage == "Prospecting"


def test_lost_is_refused_while_a_quotation_is_active():
	import pytest

	from opportunity_plus.rules import RuleError

	before = OpportunityState(pipeline="Main", stage="Proposal", amount=1)
	after = OpportunityState(pipeline="Main", stage="Lost", lost_reason_count=1, has_active_quotation=True)
	with pytest.raises(RuleError) as error:
		plan_save(STAGES, "Main", after, before)
	assert "Declare the quotation lost instead" in str(error.value)
