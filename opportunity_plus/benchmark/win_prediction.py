"""Training time and backtest of the predicted win probability, for the benchmark command.

Trains as the daily job does (every closed opportunity, then every open one's prediction), then
prints the backtest per pipeline: Brier score and ROC AUC of the prediction beside the stage's
default probability and the probability typed on the opportunity, on the last quarter of the
closed opportunities (learned from the ones closed before)."""

import time

import frappe

from opportunity_plus.win_prediction.model import SETTINGS, min_group_of
from opportunity_plus.win_prediction.training import ALL_PIPELINES, evaluate, train

COLUMNS = (
	("pipeline", "pipeline"),
	("opportunities", "scored"),
	("won", "won"),
	("brier_predicted", "Brier predicted"),
	("brier_stage", "Brier stage"),
	("brier_typed", "Brier typed"),
	("auc_predicted", "AUC predicted"),
	("auc_stage", "AUC stage"),
	("auc_typed", "AUC typed"),
)


def run() -> dict:
	started = time.monotonic()
	trained = train()
	seconds = round(time.monotonic() - started, 1)
	result = evaluate(trained["split"], min_group_of(frappe.get_single(SETTINGS)), since=trained["since"])
	cards = result["scorecards"]
	rows = [
		{"pipeline": "all pipelines" if key is ALL_PIPELINES else key or "(none)", **cards[key].figures()}
		for key in sorted(cards, key=lambda k: (k is not ALL_PIPELINES, k or ""))
	]
	return {
		"status": trained["status"],
		"closed": trained["closed"],
		"split": str(trained["split"]),
		"training_seconds": trained["training_seconds"],
		"train_and_refresh_seconds": seconds,
		"predictions_updated": trained["predictions"],
		"rows": rows,
		"table": format_rows(rows),
	}


def format_rows(rows: list[dict]) -> str:
	cells = [[label for _key, label in COLUMNS]]
	for row in rows:
		cells.append(["" if row.get(key) is None else str(row.get(key)) for key, _label in COLUMNS])
	widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
	lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in cells]
	lines.insert(1, "  ".join("-" * width for width in widths))
	return "\n".join(lines)
