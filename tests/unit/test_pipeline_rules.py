import pytest

from opportunity_plus.rules import RuleError
from opportunity_plus.rules.pipeline import (
	Stage,
	find_stage,
	first_stage,
	removed_stages,
	stage_index,
	stage_of_type,
	validate_pipeline,
)

STAGES = [
	Stage("Prospecting", probability=10),
	Stage("Proposal", probability=60, require_amount=True),
	Stage("Won", "Won", 100),
	Stage("Lost", "Lost", 0, require_lost_reasons=True),
]


def test_a_well_formed_pipeline_is_accepted():
	validate_pipeline(STAGES, quotation_stage="Proposal")


def test_first_stage_is_where_new_opportunities_start():
	assert first_stage(STAGES).sales_stage == "Prospecting"
	assert stage_index(STAGES, "Won") == 2
	assert stage_index(STAGES, "Elsewhere") == -1
	assert find_stage(STAGES, "Proposal").require_amount
	assert stage_of_type(STAGES, "Lost").sales_stage == "Lost"


@pytest.mark.parametrize(
	"stages, quotation_stage, expected",
	[
		([], None, "at least one stage"),
		([Stage("A"), Stage("A")], None, "Sales Stage A appears more than once"),
		([Stage("Won", "Won"), Stage("A")], None, "The first stage (Won)"),
		([Stage("A"), Stage("W1", "Won"), Stage("W2", "Won")], None, "only one Won stage, but W1, W2"),
		([Stage("A"), Stage("L1", "Lost"), Stage("L2", "Lost")], None, "only one Lost stage"),
		([Stage("A", probability=120)], None, "between 0 and 100"),
		([Stage("A", stale_after_days=-1)], None, "cannot be negative"),
		([Stage("A", "Maybe")], None, "Open, Won or Lost, not Maybe"),
		([Stage("A")], "Z", "quotation stage Z is not one of"),
		([Stage("A"), Stage("W", "Won")], "W", "must be an Open stage, not Won"),
	],
)
def test_invalid_pipelines_are_refused_with_a_clear_message(stages, quotation_stage, expected):
	with pytest.raises(RuleError) as error:
		validate_pipeline(stages, quotation_stage)
	assert expected in str(error.value)


def test_removed_stages_keep_their_old_order():
	assert removed_stages(["A", "B", "C", "D"], ["D", "B"]) == ["A", "C"]
	assert removed_stages(["A"], ["A", "B"]) == []


def test_rule_error_translates_template_then_fills_it():
	error = RuleError("Stage {stage} is late", stage="X")
	assert error.translated(lambda text: text.replace("Stage", "Giai đoạn")) == "Giai đoạn X is late"
