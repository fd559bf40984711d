"""Training the win prediction on the site's closed opportunities, and checking it by time.

Two passes over the latest ``LEARN_FROM_LATEST`` closed (won or lost) opportunities, a page at a
time (``features.pages``): recent behaviour is what predicts, and the pages a training reads no longer
grow with the site's whole history.

1. count, per factor value, the won and lost opportunities: of all of them (the model that is
   used) and of those closed before the split date (the model the backtest checks);
2. score every closed opportunity with both models, into histograms: the full model's scores
   calibrate it; the early model's scores of the opportunities closed before the split calibrate it,
   and its scores of those closed after the split are compared with what happened, beside the
   stage's default probability and the probability typed on the opportunity.

What is kept is small: one row per factor value (Opportunity Win Factor) and a few figures in
Opportunity Plus Settings. The aggregates learned from every closed opportunity are never shown
per opportunity: a value needs ``min_group`` closed opportunities before it counts or is explained.
"""

import time
from collections import Counter
from datetime import datetime

import frappe
from frappe.query_builder import DocType, Order
from frappe.query_builder.functions import Count
from frappe.utils import cint, get_datetime, now_datetime

from opportunity_plus.rules.win_prediction import (
	STAGE,
	Counts,
	Model,
	Scorecard,
	add_to_bins,
	fit_calibration,
	is_better_than_stage_default,
	keys_of,
	score_bin,
	split_index,
)
from opportunity_plus.win_prediction import features
from opportunity_plus.win_prediction.model import (
	FACTOR_DOCTYPE,
	NOT_BETTER,
	NOT_ENOUGH,
	SETTINGS,
	SHOWN,
	SWITCHED_OFF,
	clear_model_cache,
	min_group_of,
)

ALL_PIPELINES = None  # key of the overall scorecard
LEARN_FROM_LATEST = 100_000  # closed opportunities


def closed_query(since: datetime | None = None):
	"""The closed opportunities (closed at ``since`` or later, when given)."""
	opp = DocType("Opportunity")
	query = frappe.qb.from_(opp).where(opp.status.isin(features.CLOSED_STATUSES))
	if since is not None:
		query = query.where(features.closing_time(opp) >= since)
	return query, opp


def learned_since(closed: int | None = None) -> datetime | None:
	"""When the oldest of the latest ``LEARN_FROM_LATEST`` closed opportunities closed (those that
	closed at the same time come too); None when the site has no more ``closed`` ones than that."""
	if (closed_count() if closed is None else closed) <= LEARN_FROM_LATEST:
		return None
	query, opp = closed_query()
	closed_on = features.closing_time(opp)
	oldest = (
		query.select(closed_on).orderby(closed_on, order=Order.desc).limit(1).offset(LEARN_FROM_LATEST - 1)
	)
	return get_datetime(oldest.run()[0][0])


def closed_count(since: datetime | None = None) -> int:
	query, _opp = closed_query(since)
	return int(query.select(Count("*")).run()[0][0])


def default_split(count: int | None = None, since: datetime | None = None) -> datetime | None:
	"""The closing time that leaves the last quarter of the closed opportunities learned from (those
	closed at ``since`` or later) for testing."""
	count = closed_count(since) if count is None else count
	if count < 2:
		return None
	query, opp = closed_query(since)
	closed_on = features.closing_time(opp)
	row = (
		query.select(closed_on)
		.orderby(closed_on, order=Order.asc)
		.orderby(opp.name, order=Order.asc)
		.limit(1)
		.offset(split_index(count))
		.run()
	)
	return get_datetime(row[0][0]) if row else None


def evaluate(
	split: datetime | None, min_group: int, alpha: float = 1.0, since: datetime | None = None
) -> dict:
	"""Learn from the closed opportunities (those closed at ``since`` or later, when given) and check,
	by time, a model learned from those closed before ``split`` on those closed from ``split`` on.
	Returns the full model, the stage medians and the scorecards of the test set (per pipeline, and
	overall under ``ALL_PIPELINES``)."""
	now = now_datetime()
	medians_all = features.usual_days()
	medians_early = features.usual_days(before=split) if split else {}
	counts_all, counts_early = Counts(), Counts()
	for page in features.pages(closed=True, now=now, learning=True, since=since):
		for row in page:
			counts_all.add(keys_of(row.features, medians_all, learning=True), row.won)
			if split and row.closed_on < split:
				counts_early.add(keys_of(row.features, medians_early, learning=True), row.won)

	full = Model(counts_all, alpha=alpha, min_group=min_group)
	early = Model(counts_early, alpha=alpha, min_group=min_group)
	full_bins: dict = {}
	early_bins: dict = {}
	tested: Counter = Counter()  # (pipeline, raw score bin, stage default, typed, won) -> opportunities
	for page in features.pages(closed=True, now=now, since=since):
		for row in page:
			add_to_bins(full_bins, score_bin(full.raw_score(keys_of(row.features, medians_all))), row.won)
			if not split:
				continue
			raw = score_bin(early.raw_score(keys_of(row.features, medians_early)))
			if row.closed_on < split:
				add_to_bins(early_bins, raw, row.won)
			elif row.stage_default is not None:
				# compared on the same opportunities as the stage default: those that closed from a
				# stage of their pipeline (not, say, imported already won)
				tested[(row.features.pipeline, raw, row.stage_default, row.typed, row.won)] += 1

	full.scale, full.shift = fit_calibration(full_bins)
	early.scale, early.shift = fit_calibration(early_bins)
	cards: dict = {ALL_PIPELINES: Scorecard()}
	for (pipeline, raw, stage_default, typed, won), number in tested.items():
		predicted = early.calibrated(raw)
		for key in (ALL_PIPELINES, pipeline):
			card = cards.setdefault(key, Scorecard())
			card.add(won, raw, predicted, stage_default, typed, count=number)
	return {
		"model": full,
		"medians": medians_all,
		"split": split,
		"trained_before_split": counts_early.closed,
		"scorecards": cards,
	}


def enqueue_training() -> None:
	"""Retrain in the background once the current transaction commits (one job at a time)."""
	frappe.enqueue(
		"opportunity_plus.win_prediction.training.train",
		queue="long",
		timeout=3600,
		job_id="opportunity_plus_win_prediction",
		deduplicate=True,
		now=bool(frappe.flags.in_test),
		enqueue_after_commit=True,
		commit=not frappe.flags.in_test,  # a test's data is rolled back, never committed
	)


def train(commit: bool = True) -> dict:
	"""Train on the latest closed opportunities (``LEARN_FROM_LATEST``), backtest, store the model and refresh every open
	opportunity's prediction. Run by the scheduler, after the demo, or by a manager (enqueued)."""
	from opportunity_plus.win_prediction.scoring import refresh_predictions

	started = time.monotonic()
	settings = frappe.get_single(SETTINGS)
	min_group = min_group_of(settings)
	count = closed_count()
	since = learned_since(count)
	if since is not None:
		count = closed_count(since)
	split = default_split(count, since)
	result = evaluate(split, min_group, since=since)
	model, overall = result["model"], result["scorecards"][ALL_PIPELINES].figures()
	if count < cint(settings.win_prediction_min_closed):
		status = NOT_ENOUGH
	elif not is_better_than_stage_default(overall):
		status = NOT_BETTER
	elif not cint(settings.show_win_prediction):
		status = SWITCHED_OFF
	else:
		status = SHOWN
	store_factors(model, result["medians"])
	seconds = round(time.monotonic() - started, 1)
	frappe.db.set_single_value(
		SETTINGS,
		{
			"win_prediction_status": status,
			"win_prediction_trained_on": now_datetime(),
			"win_prediction_closed": count,
			"win_prediction_training_seconds": seconds,
			"win_prediction_split_date": split,
			"win_prediction_test_size": overall["opportunities"],
			"win_prediction_brier": overall["brier_predicted"],
			"win_prediction_brier_stage": overall["brier_stage"],
			"win_prediction_auc": overall["auc_predicted"],
			"win_prediction_auc_stage": overall["auc_stage"],
			"win_prediction_model": frappe.as_json(
				{
					"won": model.counts.won,
					"lost": model.counts.lost,
					"alpha": model.alpha,
					"min_group": model.min_group,
					"scale": model.scale,
					"shift": model.shift,
				},
				indent=None,
			),
		},
		update_modified=False,  # a manager with the settings open can still save them
	)
	clear_model_cache()
	refreshed = refresh_predictions()
	if commit:
		frappe.db.commit()
	return {
		"status": status,
		"closed": count,
		"split": split,
		"since": since,
		"backtest": overall,
		"predictions": refreshed,
		"training_seconds": seconds,
		"seconds": round(time.monotonic() - started, 1),
	}


def store_factors(model: Model, medians: dict) -> None:
	"""Replace every Opportunity Win Factor row by the counts just learned (a few hundred rows)."""
	frappe.db.delete(FACTOR_DOCTYPE)
	rows = []
	stages_seen = set()
	for key, (won, lost) in sorted(model.counts.by_key.items()):
		factor, pipeline, value = key
		usual = medians.get((pipeline, value)) if factor == STAGE else None
		if factor == STAGE:
			stages_seen.add((pipeline, value))
		rows.append((factor, pipeline, value, won, lost, model.ratio(key), model.contribution(key), usual))
	for (pipeline, stage), usual in sorted(medians.items(), key=lambda item: (item[0][0], item[0][1] or "")):
		if stage and (pipeline, stage) not in stages_seen:  # a stage no closed opportunity left last
			rows.append((STAGE, pipeline, stage, 0, 0, 1.0, 0.0, usual))
	if not rows:
		return
	table = DocType(FACTOR_DOCTYPE)
	now, user = now_datetime(), frappe.session.user
	query = frappe.qb.into(table).columns(
		"name",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"factor",
		"sales_pipeline",
		"value",
		"won",
		"lost",
		"win_ratio",
		"contribution",
		"usual_days",
	)
	for factor, pipeline, value, won, lost, ratio, contribution, usual in rows:
		query = query.insert(
			frappe.generate_hash(length=12),
			now,
			now,
			user,
			user,
			factor,
			pipeline or None,
			(value or "")[:255],
			int(won),
			int(lost),
			round(float(ratio), 4),
			round(float(contribution), 6),
			round(float(usual or 0), 3),
		)
	query.run()


def scheduled_training() -> None:
	"""The daily job: nothing to learn from before the first opportunity is won or lost."""
	if not closed_count():
		return
	train()
