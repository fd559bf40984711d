"""The trained win prediction as the app reads it: factor rows and settings, cached.

Training writes the model (``training.store_factors`` and the settings' figures) and clears the
cache; every reader (a save, the form's explanation) rebuilds it from a few hundred rows once.
"""

import frappe
from frappe.utils import cint

from opportunity_plus.rules.win_prediction import STAGE, Counts, Model

SETTINGS = "Opportunity Plus Settings"
FACTOR_DOCTYPE = "Opportunity Win Factor"
CACHE_KEY = "opportunity_plus:win_prediction_model"

# values of Opportunity Plus Settings' win_prediction_status
NOT_TRAINED = "Not Trained"
NOT_ENOUGH = "Not Enough History"
NOT_BETTER = "Not Better Than Stage Default"
SHOWN = "Shown"
SWITCHED_OFF = "Switched Off"

DEFAULT_MIN_GROUP = 20
# whatever the settings say, a group this small never counts nor is explained: a reason must not
# give away the outcome of one opportunity (or two) the reader may not open
MIN_GROUP_FLOOR = 5


def min_group_of(settings) -> int:
	configured = settings.get("win_prediction_min_group")
	value = DEFAULT_MIN_GROUP if configured in (None, "") else cint(configured)
	return max(value, MIN_GROUP_FLOOR)


def setting(fieldname: str):
	"""A value of the settings; None while a migration has not added the field yet."""
	if not frappe.get_meta(SETTINGS).has_field(fieldname):
		return None
	return frappe.db.get_single_value(SETTINGS, fieldname)


def status() -> str:
	return setting("win_prediction_status") or NOT_TRAINED


def is_shown() -> bool:
	"""Predictions are shown: switched on, trained on enough history, and better than the stage
	default on the backtest (training records which, in ``win_prediction_status``)."""
	return bool(cint(setting("show_win_prediction"))) and status() == SHOWN


def clear_model_cache() -> None:
	frappe.cache.delete_value(CACHE_KEY)


def load_model() -> tuple[Model, dict] | None:
	"""(model, stage medians) of the last training; None before the first one."""
	return frappe.cache.get_value(CACHE_KEY, generator=build_model)


def build_model() -> tuple[Model, dict] | None:
	stored = frappe.parse_json(setting("win_prediction_model") or "null")
	if not stored:
		return None
	counts = Counts(cint(stored.get("won")), cint(stored.get("lost")))
	medians = {}
	for row in frappe.get_all(
		FACTOR_DOCTYPE, fields=["factor", "sales_pipeline", "value", "won", "lost", "usual_days"]
	):
		pipeline = row.sales_pipeline or ""
		if row.won or row.lost:
			counts.add_group((row.factor, pipeline, row.value or ""), row.won, row.lost)
		if row.factor == STAGE and row.usual_days is not None:
			medians[(pipeline, row.value or "")] = row.usual_days
	model = Model(
		counts,
		alpha=float(stored.get("alpha") or 1),
		min_group=cint(stored.get("min_group")) or DEFAULT_MIN_GROUP,
		scale=float(stored.get("scale") or 1),
		shift=float(stored.get("shift") or 0),
	)
	return model, medians
