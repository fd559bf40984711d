import types
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import islice

import pytest

from opportunity_plus.demo.rows import Catalogue, DemoItem, DemoPipeline, Party, generate
from opportunity_plus.rules.pipeline import Stage

NOW = datetime(2026, 11, 23, 10, 30)
MAIN = DemoPipeline(
	"Main",
	(
		Stage("Prospecting", probability=10),
		Stage("Proposal", probability=60, require_amount=True),
		Stage("Contract", probability=90, require_submitted_quotation=True),
		Stage("Won", "Won", 100),
		Stage("Lost", "Lost", 0, require_lost_reasons=True),
	),
	1.0,
)
RETAIL = DemoPipeline(
	"Bán lẻ", (Stage("Quan tâm", probability=20), Stage("Won", "Won", 100), Stage("Lost", "Lost", 0)), 1.0
)
CATALOGUE = Catalogue(
	pipelines=[MAIN, RETAIL],
	parties=[
		Party("Customer", "Công ty TNHH Minh Phát", "Công ty TNHH Minh Phát"),
		Party("Lead", "CRM-LEAD-1", "Trần An"),
	],
	owners=["a@example.com", "b@example.com"],
	items=[DemoItem("ITEM-1", "Laptop", "Nos", 1000), DemoItem("ITEM-2", "Đào tạo", "Nos", 400)],
	labels=["VIP", "Hot"],
	lost_reasons=["Giá cao", "Hoãn dự án"],
	topics=["Triển khai phần mềm"],
)
PIPELINES = {p.name: p for p in CATALOGUE.pipelines}


@pytest.fixture(scope="module")
def rows():
	return list(generate(CATALOGUE, 3000, seed=5, now=NOW))


def test_count_and_lazy_generation(rows):
	assert len(rows) == 3000
	assert isinstance(generate(CATALOGUE, 10, 1, NOW), types.GeneratorType)
	assert len(list(islice(generate(CATALOGUE, 10**9, 1, NOW), 5))) == 5, "never builds the whole list"


def test_same_seed_same_data_other_seed_other_data():
	first = list(generate(CATALOGUE, 50, 9, NOW))
	assert first == list(generate(CATALOGUE, 50, 9, NOW))
	assert first != list(generate(CATALOGUE, 50, 10, NOW))


def test_stage_status_and_probability_follow_the_pipeline(rows):
	for row in rows:
		stages = {s.sales_stage: s for s in PIPELINES[row.pipeline].stages}
		stage = stages[row.stage]
		assert row.stage_type == stage.stage_type
		assert row.probability == stage.probability
		assert row.status == {"Won": "Converted", "Lost": "Lost"}.get(stage.stage_type, "Open")
		assert not stage.require_submitted_quotation, "no quotation exists for a bulk row"


def test_requirements_of_every_stage_passed_are_met(rows):
	for row in rows:
		stages = {s.sales_stage: s for s in PIPELINES[row.pipeline].stages}
		for move in row.moves:
			if stages[move.to_stage].require_amount:
				assert row.amount > 0
		if row.stage_type == "Lost":
			assert row.lost_reasons and set(row.lost_reasons) <= set(CATALOGUE.lost_reasons)
		else:
			assert not row.lost_reasons
		if row.stage_type == "Won":
			assert row.amount > 0


def test_moves_form_a_chain_in_time_from_creation_to_the_current_stage(rows):
	for row in rows:
		first_stage = PIPELINES[row.pipeline].stages[0].sales_stage
		assert row.moves[0].from_stage is None and row.moves[0].to_stage == first_stage
		assert row.moves[0].on == row.created
		for previous, move in zip(row.moves, row.moves[1:], strict=False):
			assert move.from_stage == previous.to_stage
			assert move.from_entered_on == previous.on
			assert move.on >= previous.on
			assert move.seconds_in_from_stage == int((move.on - previous.on).total_seconds())
		assert row.moves[-1].to_stage == row.stage
		assert row.stage_entered_on == row.moves[-1].on <= NOW


def test_three_years_of_months_with_more_recent_ones(rows):
	created = [row.created for row in rows]
	assert min(created) >= NOW - timedelta(days=3 * 365 + 1)
	assert max(created) <= NOW
	months = {(c.year, c.month) for c in created}
	assert len(months) >= 34
	recent = sum(1 for c in created if c >= NOW - timedelta(days=365))
	assert recent > len(rows) / 3


def test_a_realistic_mix_of_pipelines_owners_labels_and_outcomes(rows):
	assert {row.pipeline for row in rows} == {"Main", "Bán lẻ"}
	assert {row.owner for row in rows} == set(CATALOGUE.owners)
	statuses = {
		status: sum(1 for row in rows if row.status == status) for status in ("Open", "Converted", "Lost")
	}
	assert all(count > 200 for count in statuses.values()), statuses
	assert any(row.labels for row in rows) and any(not row.labels for row in rows)
	assert all(set(row.labels) <= set(CATALOGUE.labels) for row in rows)
	assert all(line.amount == round(line.qty * line.rate, 2) for row in rows for line in row.lines)
	assert any("Minh Phát" in row.title for row in rows)


def test_closed_ones_expected_to_close_when_they_closed(rows):
	for row in rows:
		if row.status in ("Converted", "Lost"):
			assert row.expected_closing == row.stage_entered_on.date()
		else:
			assert row.expected_closing > row.transaction_date


def test_empty_catalogue_or_negative_count_is_refused():
	with pytest.raises(ValueError):
		list(generate(Catalogue([], [], [], []), 1, 1, NOW))
	with pytest.raises(ValueError):
		list(generate(CATALOGUE, -1, 1, NOW))


def test_stay_totals_add_up_the_time_in_every_stage_left(rows):
	for row in rows[:200]:
		left = [move for move in row.moves if move.from_stage]
		assert row.stays == len(left)
		assert row.stay_seconds == sum(int((m.on - m.from_entered_on).total_seconds()) for m in left)


def test_outcomes_depend_on_the_source_and_on_being_looked_after_not_on_the_owner():
	"""The demo's signal for the predicted win probability: some sources win more, a neglected
	opportunity (no call in its last month, a long last stay) less, the owner makes no difference."""
	catalogue = replace(CATALOGUE, sources=[("Existing Customer", 3.0), ("Cold Calling", 0.4)])
	closed = [row for row in generate(catalogue, 6000, seed=7, now=NOW) if row.status != "Open"]

	def won_share(rows):
		return sum(row.status == "Converted" for row in rows) / len(rows)

	by_source = {s: [r for r in closed if r.source == s] for s in ("Existing Customer", "Cold Calling")}
	assert won_share(by_source["Existing Customer"]) > won_share(by_source["Cold Calling"]) + 0.25

	def last_call_within_a_week(row):
		return bool(row.activities) and (row.stage_entered_on - row.activities[-1]).days <= 7

	looked_after = [r for r in closed if last_call_within_a_week(r)]
	neglected = [r for r in closed if not last_call_within_a_week(r)]
	assert won_share(looked_after) > won_share(neglected) + 0.25

	by_owner = [won_share([r for r in closed if r.owner == owner]) for owner in catalogue.owners]
	assert abs(by_owner[0] - by_owner[1]) < 0.05
	# calls happen between creation and the moment it closed, and the typed probability is a percentage
	assert all(row.created <= call <= row.stage_entered_on for row in closed for call in row.activities)
	assert all(0 <= row.probability_at_close <= 100 for row in closed if row.probability_at_close is not None)
