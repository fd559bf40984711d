"""Keeping each open opportunity's predicted win probability, and explaining it.

The prediction is kept on the opportunity (``predicted_win_probability``) so the board, the list and
the report read it like any other column: refreshed for every open opportunity after training (in
pages, one UPDATE per page and percentage that changed), and for one opportunity whenever it is
saved (a move, an edit, an import). 0 means "no prediction": it is never stored as certain, so a
shown prediction is between 1 % and 99 %. ERPNext's own ``probability`` is never touched.
"""

import frappe
from frappe.query_builder import DocType
from frappe.utils import flt

from opportunity_plus.day_summaries.marks import mark_forecasts
from opportunity_plus.rules.analysis import NOT_OPEN_STATUSES
from opportunity_plus.rules.win_prediction import keys_of
from opportunity_plus.win_prediction import features
from opportunity_plus.win_prediction.model import is_shown, load_model

LOWEST, HIGHEST = 1, 99


def as_percent(probability: float) -> int:
	return int(min(HIGHEST, max(LOWEST, round(100 * probability))))


def predict(row, model, medians) -> int:
	return as_percent(model.probability(keys_of(row.features, medians)))


def refresh_predictions() -> int:
	"""Set every open opportunity's prediction (0 for all when predictions are not shown);
	returns how many changed."""
	opp = DocType("Opportunity")
	# a closed opportunity keeps no prediction
	frappe.qb.update(opp).set(opp.predicted_win_probability, 0).where(
		opp.predicted_win_probability != 0
	).where(opp.status.isin(sorted(NOT_OPEN_STATUSES))).run()
	loaded = load_model() if is_shown() else None
	if not loaded:
		frappe.qb.update(opp).set(opp.predicted_win_probability, 0).where(
			opp.predicted_win_probability != 0
		).run()
		mark_forecasts()
		return 0
	model, medians = loaded
	changed = 0
	for page in features.pages(closed=False):
		by_value: dict = {}
		for row in page:
			value = predict(row, model, medians)
			if value != row.current:
				by_value.setdefault(value, []).append(row.name)
		for value, names in by_value.items():
			frappe.qb.update(opp).set(opp.predicted_win_probability, value).where(opp.name.isin(names)).run()
			changed += len(names)
	mark_forecasts()  # the forecast's sums weighted by the prediction
	return changed


def open_opportunity_features(name: str):
	"""The features of one open opportunity, as training and the nightly refresh read them; None when
	it is not open."""
	return next((row for page in features.pages(closed=False, names=[name]) for row in page), None)


def update_prediction(doc, method=None) -> None:
	"""doc_event (on_update): the saved opportunity's prediction, from the cached model (not while
	the site is being installed or migrated: the nightly refresh catches up)."""
	if frappe.flags.in_install or frappe.flags.in_migrate:
		return
	value = 0
	if (doc.get("status") or "Open") not in NOT_OPEN_STATUSES and is_shown():
		loaded = load_model()
		if loaded:
			model, medians = loaded
			row = open_opportunity_features(doc.name)
			value = predict(row, model, medians) if row else 0
	if flt(doc.get("predicted_win_probability")) != value:
		doc.db_set("predicted_win_probability", value, update_modified=False)


def explain(name: str) -> dict | None:
	"""Prediction and reasons of one open opportunity (the caller checked the user may read it)."""
	loaded = load_model()
	if not loaded:
		return None
	model, medians = loaded
	row = open_opportunity_features(name)
	if not row:
		return None
	keys = keys_of(row.features, medians)
	ups, downs = model.reasons(keys)
	return {"probability": as_percent(model.probability(keys)), "up": ups, "down": downs}
