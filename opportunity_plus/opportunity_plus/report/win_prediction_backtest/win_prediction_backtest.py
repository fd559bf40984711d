# Copyright (c) 2026, Opportunity Plus Contributors
# For license information, please see license.txt
"""Win Prediction Backtest: is the predicted win probability better than the stage's default
probability and the probability typed on the opportunity?

The model is learned from the opportunities closed before the split date (of those training learns
from: the latest ``training.LEARN_FROM_LATEST`` closed) and scores those closed on
or after it, as they were just before they closed; the stage default is the default probability of
the stage each one was in then, the typed probability the one it had then. Brier score (lower is
better) and ROC AUC (higher is better) per pipeline and overall. Aggregates only, for managers."""

import frappe
from frappe import _
from frappe.utils import get_datetime

from opportunity_plus.arguments import date_arg, json_arg, text_arg
from opportunity_plus.rules.win_prediction import is_better_than_stage_default
from opportunity_plus.win_prediction.model import SETTINGS, min_group_of
from opportunity_plus.win_prediction.training import ALL_PIPELINES, default_split, evaluate, learned_since

MANAGERS = ("System Manager", "Sales Manager")


def execute(filters=None):
	if not set(MANAGERS) & set(frappe.get_roles()):
		frappe.throw(_("Only a System Manager or a Sales Manager can see this."), frappe.PermissionError)
	filters = frappe._dict(json_arg(filters, dict, _("Filters")) or {})
	split_on = date_arg(filters.get("split_date"), _("Split Date"))
	pipeline = text_arg(filters.get("pipeline"), _("Sales Pipeline"))
	since = learned_since()
	split = get_datetime(split_on) if split_on else default_split(since=since)
	if not split:
		return columns(), [], _("There are not enough won or lost opportunities to backtest yet.")
	result = evaluate(split, min_group_of(frappe.get_single(SETTINGS)), since=since)
	cards = result["scorecards"]
	keys = sorted(cards, key=lambda k: (k is not ALL_PIPELINES, k or ""))
	if pipeline:
		keys = [key for key in keys if key == pipeline]
	data = []
	for key in keys:
		figures = cards[key].figures()
		data.append(
			{
				"pipeline": _("All Pipelines") if key is ALL_PIPELINES else key or _("Not Set"),
				"is_total": 1 if key is ALL_PIPELINES else 0,
				**figures,
				"better": _("Yes") if is_better_than_stage_default(figures) else _("No"),
			}
		)
	overall = cards[ALL_PIPELINES].figures()
	if is_better_than_stage_default(overall):
		verdict = _("On these, the prediction is better than the stage's default probability.")
	else:
		verdict = _("On these, the prediction is not better than the stage's default probability.")
	message = (
		_("Learned from {0} opportunities closed before {1}, scored on {2} closed since.").format(
			int(result["trained_before_split"]),
			frappe.format(split, "Datetime"),  # safe-html: a date Frappe formats
			int(overall["opportunities"]),
		)
		+ " "
		+ verdict
	)
	return columns(), data, message


def columns() -> list[dict]:
	def number(fieldname, label, fieldtype="Float", description=""):
		column = {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": 130}
		if fieldtype == "Float":
			column["precision"] = 3
		if description:
			column["description"] = description
		return column

	brier = _(
		"Mean squared difference between the probability and what happened (1 won, 0 lost): lower is better."
	)
	auc = _(
		"Chance that a won opportunity got a higher probability than a lost one: higher is better, 0.5 is chance."
	)
	return [
		{"fieldname": "pipeline", "label": _("Sales Pipeline"), "fieldtype": "Data", "width": 180},
		number("opportunities", _("Opportunities Scored"), "Int"),
		number("won", _("Won"), "Int"),
		number("brier_predicted", _("Brier (Predicted)"), description=brier),
		number("brier_stage", _("Brier (Stage Default)"), description=brier),
		number("brier_typed", _("Brier (Typed)"), description=brier),
		number("auc_predicted", _("AUC (Predicted)"), description=auc),
		number("auc_stage", _("AUC (Stage Default)"), description=auc),
		number("auc_typed", _("AUC (Typed)"), description=auc),
		number(
			"typed_opportunities",
			_("With Typed Probability"),
			"Int",
			_("Scored opportunities whose probability just before closing is known."),
		),
		{"fieldname": "better", "label": _("Better Than Stage Default"), "fieldtype": "Data", "width": 120},
	]
