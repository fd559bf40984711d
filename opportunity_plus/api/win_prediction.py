"""The predicted win probability on the desk.

- ``get_prediction``: the prediction of one opportunity the user may read, with the three factors
  that raise it most and the three that lower it most, in plain words; or why nothing is shown.
  A missing opportunity and one the user may not read get the same answer. Reasons carry only the
  figures of groups of at least the minimum group size (never one opportunity's).
- ``train_now``: a System Manager or Sales Manager retrains it now (in the background).
"""

import frappe
from frappe import _
from frappe.utils import cint, get_fullname

from opportunity_plus.queries.access import check_opportunity
from opportunity_plus.rules.analysis import NOT_OPEN_STATUSES
from opportunity_plus.rules.win_prediction import (
	AMOUNT,
	BAND_LABELS,
	FACTOR_LABELS,
	LABEL,
	OPPORTUNITY_TYPE,
	OWNER,
	STAGE,
	amount_band_bounds,
	describe_ratio,
)
from opportunity_plus.win_prediction import model as stored
from opportunity_plus.win_prediction.scoring import explain
from opportunity_plus.win_prediction.training import enqueue_training

MANAGERS = ("System Manager", "Sales Manager")


@frappe.whitelist()
@frappe.read_only()
def get_prediction(opportunity: str) -> dict:
	"""What the form shows under the predicted win probability."""
	name = check_opportunity(opportunity, "read")
	settings = frappe.get_single(stored.SETTINGS)
	if not cint(settings.show_win_prediction):
		return {"shown": False, "message": None}
	if frappe.db.get_value("Opportunity", name, "status") in NOT_OPEN_STATUSES:
		return {"shown": False, "message": None}
	status = stored.status()
	if status != stored.SHOWN:
		return {"shown": False, "message": why_not_shown(status, settings)}
	explained = explain(name)
	if not explained:
		return {"shown": False, "message": why_not_shown(stored.NOT_TRAINED, settings)}
	return {
		"shown": True,
		"message": None,
		"probability": explained["probability"],
		"up": [reason_view(reason) for reason in explained["up"]],
		"down": [reason_view(reason) for reason in explained["down"]],
		"trained_on": str(settings.win_prediction_trained_on or ""),
		"closed": cint(settings.win_prediction_closed),
	}


@frappe.whitelist(methods=["POST"])
def train_now() -> dict:
	"""Retrain on every closed opportunity and refresh the predictions, in the background."""
	if not set(MANAGERS) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a System Manager or a Sales Manager can train the win prediction."),
			frappe.PermissionError,
		)
	enqueue_training()
	return {"queued": True, "message": _("Training has started: the figures below change when it is done.")}


def why_not_shown(status: str, settings) -> str | None:
	if status == stored.NOT_ENOUGH:
		return _(
			"Not enough history yet: the prediction needs at least {0} won or lost opportunities, and this site has {1}."
		).format(cint(settings.win_prediction_min_closed), cint(settings.win_prediction_closed))
	if status == stored.NOT_BETTER:
		return _(
			"The prediction is not yet better than the stage's default probability on this site's data, so it is not shown."
		)
	if status == stored.NOT_TRAINED:
		return _("The prediction has not been trained yet.")
	return None


def reason_view(reason) -> dict:
	"""A reason as plain text parts; the form escapes them and puts them into one sentence."""
	direction, times = describe_ratio(reason.ratio)
	return {
		"factor": _(FACTOR_LABELS[reason.factor]),
		"value": value_label(reason.factor, reason.value),
		"direction": direction,
		"ratio": times,
	}


def value_label(factor: str, value: str) -> str:
	if (factor, value) in BAND_LABELS:
		return _(BAND_LABELS[(factor, value)])
	if factor == AMOUNT:
		low, high = amount_band_bounds(value)
		return f"{low:,} - {high:,}"
	if not value:
		return _("Not Set")
	if factor == OWNER:
		return get_fullname(value)
	if factor in (STAGE, OPPORTUNITY_TYPE, LABEL):
		return _(value)
	return value
