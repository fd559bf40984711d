import math

import pytest

from opportunity_plus.rules.win_prediction import (
	ACTIVITY,
	AMOUNT,
	BACKWARD_MOVES,
	DAYS_IN_STAGE,
	FOUR_TIMES,
	LABEL,
	NO,
	NO_ACTIVITY,
	OWNER,
	PIPELINE,
	QUOTATION,
	SOURCE,
	STAGE,
	TERRITORY,
	TWICE,
	UNDER_HALF,
	USUAL,
	YES,
	Counts,
	Features,
	Model,
	Scorecard,
	activity_band,
	amount_band,
	amount_band_bounds,
	backward_band,
	bins_of,
	brier,
	days_in_stage_band,
	describe_ratio,
	fit_calibration,
	is_better_than_stage_default,
	keys_of,
	median_from_histogram,
	roc_auc,
	sigmoid,
	split_index,
)


def source_counts(web=(20, 5), cold=(10, 25)) -> Counts:
	"""60 closed opportunities, 30 won: Website wins 20 of 25, Cold Calling 10 of 35."""
	counts = Counts()
	for value, (won, lost) in (("Website", web), ("Cold Calling", cold)):
		for _ in range(won):
			counts.add([(SOURCE, "", value)], True)
		for _ in range(lost):
			counts.add([(SOURCE, "", value)], False)
	return counts


# ---------------------------------------------------------------- bands


def test_time_in_stage_is_banded_against_the_stage_median():
	assert days_in_stage_band(4, 10) == UNDER_HALF
	assert days_in_stage_band(5, 10) == USUAL
	assert days_in_stage_band(19.9, 10) == USUAL
	assert days_in_stage_band(20, 10) == TWICE
	assert days_in_stage_band(40, 10) == FOUR_TIMES
	assert days_in_stage_band(None, 10) is None
	# a stage usually left within the day counts as one day: three days there is already 2x to 4x
	assert days_in_stage_band(3, 0) == TWICE
	assert days_in_stage_band(3, None) == TWICE


def test_backward_moves_amounts_and_activity_are_banded():
	assert [backward_band(n) for n in (0, 1, 2, 7, None)] == ["0", "1", "2+", "2+", None]
	# no amount (yet) is unknown, not a value: amounts are often set only as a deal goes on
	assert amount_band(None) is None and amount_band(0) is None and amount_band(-5) is None
	assert amount_band(999) == "2" and amount_band(1000) == "3" and amount_band(25_000_000) == "7"
	assert amount_band_bounds("3") == (1000, 10000)
	assert not [k for k in keys_of(Features(pipeline="Main")) if k[0] == AMOUNT]
	assert [activity_band(d) for d in (None, 0, 7, 8, 30, 31, 90, 91)] == [
		NO_ACTIVITY,
		"0-7",
		"0-7",
		"8-30",
		"8-30",
		"31-90",
		"31-90",
		"90+",
	]


def test_keys_of_an_opportunity_name_each_factor_value_once():
	features = Features(
		pipeline="Main",
		stage="Proposal",
		days_in_stage=30,
		backward_moves=1,
		owner="ann@example.com",
		source="Website",
		territory=None,
		labels=("VIP", "Hot", "VIP"),
		amount=5000,
		has_quotation=True,
		days_since_activity=3,
	)
	keys = keys_of(features, {("Main", "Proposal"): 10})
	assert (STAGE, "Main", "Proposal") in keys  # a stage is the stage of its pipeline
	assert (PIPELINE, "", "Main") in keys
	assert (DAYS_IN_STAGE, "", TWICE) in keys
	assert (BACKWARD_MOVES, "", "1") in keys
	assert (TERRITORY, "", "") in keys  # not set is a value of its own
	assert [k for k in keys if k[0] == LABEL] == [(LABEL, "", "Hot"), (LABEL, "", "VIP")]
	assert (AMOUNT, "", "3") in keys and (QUOTATION, "", YES) in keys and (ACTIVITY, "", "0-7") in keys
	# unknown time in stage (no history): the factor is left out, not guessed
	assert not [k for k in keys_of(Features(pipeline="Main")) if k[0] == DAYS_IN_STAGE]


def test_a_closed_opportunity_is_learned_under_every_stage_it_passed_and_scored_by_its_last():
	features = Features(pipeline="Main", stage="Proposal", stages_passed=("New", "Qualified", "Proposal"))
	learned = [k for k in keys_of(features, learning=True) if k[0] == STAGE]
	assert learned == [(STAGE, "Main", "New"), (STAGE, "Main", "Proposal"), (STAGE, "Main", "Qualified")]
	assert [k for k in keys_of(features) if k[0] == STAGE] == [(STAGE, "Main", "Proposal")]


def test_an_early_stage_every_opportunity_passes_through_is_no_reason_either_way():
	counts = Counts()
	for i in range(60):  # all 60 passed New; the 30 won all reached Proposal, 5 of the lost did
		won = i < 30
		stages = ["New", "Proposal"] if won or i < 35 else ["New"]
		counts.add([(STAGE, "Main", stage) for stage in stages], won)
	model = Model(counts, alpha=1, min_group=20)
	assert model.contribution((STAGE, "Main", "New")) == pytest.approx(0.0)
	assert model.contribution((STAGE, "Main", "Proposal")) == pytest.approx(math.log(31 / 6))


# ---------------------------------------------------------------- the model


def test_contribution_is_the_smoothed_log_likelihood_ratio():
	model = Model(source_counts(), alpha=1, min_group=20)
	assert model.prior == pytest.approx(0.0)  # 30 won, 30 lost
	# P(Website | won) = (20 + 1) / (30 + 2), P(Website | lost) = (5 + 1) / (30 + 2)
	assert model.contribution((SOURCE, "", "Website")) == pytest.approx(math.log(21 / 6))
	assert model.contribution((SOURCE, "", "Cold Calling")) == pytest.approx(math.log(11 / 26))
	assert model.contribution((SOURCE, "", "Never Seen")) == 0.0
	assert model.probability([(SOURCE, "", "Website")]) == pytest.approx(21 / 27)
	assert model.probability([(SOURCE, "", "Cold Calling")]) == pytest.approx(11 / 37)


def test_prior_is_the_smoothed_odds_of_winning():
	counts = Counts()
	for won in [True] * 9 + [False] * 29:
		counts.add([], won)
	assert Model(counts, alpha=1).probability([]) == pytest.approx(10 / 40)


def test_groups_under_the_minimum_size_move_nothing_and_are_not_explained():
	model = Model(source_counts(web=(15, 4)), alpha=1, min_group=20)  # Website: 19 closed
	assert model.contribution((SOURCE, "", "Website")) == 0.0
	ups, downs = model.reasons([(SOURCE, "", "Website"), (SOURCE, "", "Cold Calling")])
	assert ups == []
	assert [r.value for r in downs] == ["Cold Calling"]
	assert downs[0].closed == 35


def test_reasons_are_the_three_strongest_each_way_with_their_ratio():
	counts = Counts()
	# owner A wins 40 of 50, B 30 of 50, C 25 of 50, D 10 of 50, E 15 of 50, F 5 of 50, G 24 of 50
	for owner, won in zip("ABCDEFG", (40, 30, 25, 10, 15, 5, 24), strict=True):
		for i in range(50):
			counts.add([(OWNER, "", owner), (TERRITORY, "", owner)], i < won)
	model = Model(counts, alpha=1, min_group=20)
	keys = [(OWNER, "", o) for o in "ABCDEFG"]
	ups, downs = model.reasons(keys)
	assert [r.value for r in ups] == ["A", "B", "C"]
	assert [r.value for r in downs] == ["F", "D", "E"]
	overall = (149 + 1) / (350 + 2)
	assert ups[0].ratio == pytest.approx((41 / 52) / overall)
	assert describe_ratio(ups[0].ratio) == ("more", 1.9)
	assert describe_ratio(downs[0].ratio) == ("less", 3.7)  # (150 / 352) / (6 / 52)


def test_a_group_won_about_as_often_as_average_is_no_reason():
	counts = Counts()
	# Website: 26 won of 50 (52 %) against 50 % overall; Cold Calling: 24 of 50
	for value, won in (("Website", 26), ("Cold Calling", 24)):
		for i in range(50):
			counts.add([(SOURCE, "", value)], i < won)
	model = Model(counts, alpha=1, min_group=20)
	assert model.contribution((SOURCE, "", "Website")) > 0
	assert model.reasons([(SOURCE, "", "Website"), (SOURCE, "", "Cold Calling")]) == ([], [])


def test_label_presence_is_a_yes_no_factor():
	counts = Counts()
	for i in range(40):
		counts.add([(LABEL, "", "VIP")] if i < 20 else [], True)
	for i in range(40):
		counts.add([(LABEL, "", "VIP")] if i < 5 else [], False)
	model = Model(counts, alpha=1, min_group=20)
	# present among won: (20 + 1) / (40 + 2); among lost: (5 + 1) / (40 + 2)
	assert model.contribution((LABEL, "", "VIP")) == pytest.approx(math.log(21 / 6))


def test_calibration_recovers_a_known_slope_and_offset():
	bins = {}
	for step in range(-40, 41):
		score = step / 10
		p = sigmoid(0.4 + 0.5 * score)
		bins[score] = (round(100_000 * p), round(100_000 * (1 - p)))
	scale, shift = fit_calibration(bins)
	assert scale == pytest.approx(0.5, abs=1e-3)
	assert shift == pytest.approx(0.4, abs=1e-3)
	assert fit_calibration({1.0: (5, 0)}) == (1.0, 0.0)  # one outcome only: nothing to fit


def test_calibration_tames_an_overconfident_naive_score():
	# naive Bayes over correlated factors: scores up to +-30 where the truth is sigmoid(score / 10)
	bins = {}
	for step in range(-30, 31):
		p = sigmoid(step / 10)
		bins[float(step)] = (round(10_000 * p), round(10_000 * (1 - p)))
	scale, shift = fit_calibration(bins)
	assert scale == pytest.approx(0.1, abs=1e-3)
	assert shift == pytest.approx(0.0, abs=1e-3)


def test_calibrated_model_uses_scale_and_shift():
	model = Model(source_counts(), alpha=1, scale=0.5, shift=0.1)
	raw = model.raw_score([(SOURCE, "", "Website")])
	assert model.probability([(SOURCE, "", "Website")]) == pytest.approx(sigmoid(0.1 + 0.5 * raw))


def test_counts_merge_adds_totals_and_groups():
	merged = source_counts().merge(source_counts(web=(1, 2), cold=(0, 0)))
	assert (merged.won, merged.lost) == (31, 32)
	assert merged.by_key[(SOURCE, "", "Website")] == [21, 7]


# ---------------------------------------------------------------- checking against what happened


def test_brier_score_by_hand():
	assert brier(bins_of([0.8, 0.3], [True, False])) == pytest.approx((0.04 + 0.09) / 2)
	assert brier(bins_of([1.0, 0.0], [True, False])) == 0.0
	assert brier({}) is None


def test_auc_is_the_share_of_won_lost_pairs_ranked_right_with_ties_half():
	assert roc_auc(bins_of([0.9, 0.8, 0.7, 0.1], [True, False, True, False])) == pytest.approx(0.75)
	assert roc_auc(bins_of([0.5, 0.5, 0.5], [True, False, False])) == pytest.approx(0.5)
	assert roc_auc(bins_of([0.9, 0.1], [True, False])) == 1.0
	assert roc_auc(bins_of([0.9, 0.1], [False, True])) == 0.0
	# one won at 0.6 tied with one of two lost: (1 above the other lost + 0.5 tie) / 2 pairs
	assert roc_auc(bins_of([0.6, 0.6, 0.2], [True, False, False])) == pytest.approx(0.75)
	assert roc_auc(bins_of([0.4, 0.6], [True, True])) is None


def test_scorecard_compares_prediction_stage_default_and_typed():
	card = Scorecard()
	card.add(True, raw=2.0, predicted=0.9, stage_default=50, typed=80)
	card.add(False, raw=-2.0, predicted=0.1, stage_default=50, typed=None)
	figures = card.figures()
	assert figures["opportunities"] == 2 and figures["won"] == 1
	assert figures["brier_predicted"] == pytest.approx(0.01)
	assert figures["auc_predicted"] == 1.0
	assert figures["brier_stage"] == pytest.approx(0.25)
	assert figures["auc_stage"] == 0.5
	assert figures["typed_opportunities"] == 1
	assert figures["auc_typed"] is None  # only a won one had a typed probability
	assert is_better_than_stage_default(figures)
	assert not is_better_than_stage_default({**figures, "brier_predicted": 0.25})
	assert not is_better_than_stage_default({"brier_predicted": None, "brier_stage": 0.2})


def test_split_keeps_the_last_quarter_for_testing():
	assert split_index(100) == 75
	assert split_index(4) == 3
	assert split_index(2) == 1
	assert split_index(1) == 1 and split_index(0) == 0


def test_median_of_a_histogram_of_days():
	assert median_from_histogram({}) is None
	assert median_from_histogram({3: 1}) == 3
	assert median_from_histogram({1: 2, 5: 1}) == 1  # 1 1 5
	assert median_from_histogram({1: 1, 5: 1}) == 3  # 1 5
	assert median_from_histogram({2: 3, 4: 3, 9: 1}) == 4  # 2 2 2 4 4 4 9
	assert median_from_histogram({2: 2, 4: 1, 9: 1}) == 3  # 2 2 4 9
