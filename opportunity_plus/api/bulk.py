"""Bulk actions of the Opportunity list: move to a stage, add or remove labels, add followers.

Every opportunity is saved through its document, so the same rules apply as on the form; each row
is checked for write permission and runs in its own savepoint, so one bad row never stops the
batch. Up to ``BACKGROUND_THRESHOLD`` rows run in the request; larger batches go to a background
job that reports its progress and ends with a notification carrying the same summary.
"""

import frappe
from frappe import _
from frappe.utils import cint

from opportunity_plus.arguments import list_arg, text_arg
from opportunity_plus.messages import bold
from opportunity_plus.overrides.followers import check_may_follow
from opportunity_plus.overrides.move_context import set_move_context
from opportunity_plus.queries.pipeline import get_stages
from opportunity_plus.rules import RuleError
from opportunity_plus.rules import bulk as bulk_rules
from opportunity_plus.rules.bulk import DONE, REFUSED, UNCHANGED, RowOutcome
from opportunity_plus.rules.pipeline import LOST, find_stage
from opportunity_plus.rules.stage_move import VIA_LIST

SAVEPOINT = "opportunity_plus_bulk_row"
COMMIT_EVERY = 50  # rows, in background jobs only
DONE_EVENT = "opportunity_plus_bulk_done"


@frappe.whitelist(methods=["POST"])
def move_to_stage(
	names: str | list[str],
	sales_stage: str,
	lost_reasons: str | list[str] | None = None,
	lost_detail: str | None = None,
) -> dict:
	"""Move the opportunities to ``sales_stage`` of their pipeline, as a move on the form would.

	``lost_reasons`` (Opportunity Lost Reason names) are added to the rows moved to a Lost stage.
	"""
	sales_stage = text_arg(sales_stage, _("Sales Stage"))
	if not sales_stage or not frappe.db.exists("Sales Stage", sales_stage):
		frappe.throw(_("Sales Stage {0} does not exist.").format(bold(sales_stage)))
	reasons = existing_values(
		"Opportunity Lost Reason", lost_reasons, _("Lost Reasons"), _("Lost reason {0} does not exist.")
	)
	lost_detail = text_arg(lost_detail, _("Detailed Reason"), max_length=2000)
	params = {"sales_stage": sales_stage, "lost_reasons": reasons, "lost_detail": lost_detail or ""}
	return run_action("move", names, params)


@frappe.whitelist(methods=["POST"])
def add_label(names: str | list[str], labels: str | list[str]) -> dict:
	labels = existing_values(
		"Opportunity Label",
		labels,
		_("Labels"),
		_("Label {0} does not exist."),
		_("Choose at least one label."),
	)
	return run_action("add_label", names, {"labels": labels})


@frappe.whitelist(methods=["POST"])
def remove_label(names: str | list[str], labels: str | list[str]) -> dict:
	labels = existing_values(
		"Opportunity Label",
		labels,
		_("Labels"),
		_("Label {0} does not exist."),
		_("Choose at least one label."),
	)
	return run_action("remove_label", names, {"labels": labels})


@frappe.whitelist(methods=["POST"])
def add_follower(names: str | list[str], users: str | list[str]) -> dict:
	users = list(dict.fromkeys(list_arg(users, _("Followers"))))
	if not users:
		frappe.throw(_("Choose at least one user."))
	check_may_follow(users)
	return run_action("add_follower", names, {"users": users})


# ------------------------------------------------------------------ running a batch


def run_action(action: str, names, params: dict) -> dict:
	try:
		names = bulk_rules.unique_names(list_arg(names, _("Opportunities")))
	except RuleError as e:
		frappe.throw(e.translated(_), title=_(bulk_rules.ACTIONS[action][0]))
	if bulk_rules.runs_in_background(len(names), bulk_rules.BACKGROUND_THRESHOLD):
		frappe.enqueue(
			run_in_background,
			queue="long",
			timeout=max(1500, len(names)),
			action=action,
			names=names,
			params=params,
			now=bool(frappe.flags.in_test),
			enqueue_after_commit=True,
		)
		return {
			"queued": True,
			"total": len(names),
			"title": _(bulk_rules.ACTIONS[action][0]),
			"message": _(
				"{0} opportunities are being processed in the background. You will get a notification with the result."
			).format(len(names)),
		}
	return process(action, names, params)


def run_in_background(action: str, names: list[str], params: dict) -> dict:
	"""The background job of a large batch: progress while it runs, a notification when done."""
	title = _(bulk_rules.ACTIONS[action][0])

	def progress(done: int) -> None:
		if not frappe.flags.in_test and done % COMMIT_EVERY == 0:
			frappe.db.commit()
		step = max(1, len(names) // 100)
		if done % step == 0 or done == len(names):
			frappe.publish_progress(
				done * 100 / len(names),
				title=title,
				description=_("{0} of {1}").format(cint(done), len(names)),
			)

	result = process(action, names, params, on_row=progress)
	notify(result)
	frappe.publish_realtime(DONE_EVENT, result, user=frappe.session.user)
	return result


def process(action: str, names: list[str], params: dict, on_row=None) -> dict:
	handler = HANDLERS[action]
	outcomes = []
	for index, name in enumerate(names, start=1):
		outcomes.append(process_row(handler, name, params))
		if on_row:
			on_row(index)
	return translated_summary(bulk_rules.summarise(action, outcomes))


def process_row(handler, name: str, params: dict) -> RowOutcome:
	"""Apply ``handler`` to one opportunity and save it; never raises."""
	if not frappe.db.exists("Opportunity", name) or not frappe.has_permission("Opportunity", "write", name):
		# one answer for both: the summary never tells whether an opportunity exists
		return RowOutcome(name, name, REFUSED, _("Not found, or you may not change it."))

	message_count = len(frappe.local.message_log)
	label = name
	frappe.db.savepoint(SAVEPOINT)
	try:
		doc = frappe.get_doc("Opportunity", name)
		label = doc.get("opportunity_code") or name
		if not handler(doc, params):
			return RowOutcome(name, label, UNCHANGED)
		set_move_context(doc, VIA_LIST)
		doc.save()
		return RowOutcome(name, label, DONE)
	except Exception as e:
		frappe.db.rollback(save_point=SAVEPOINT)
		reason = bulk_rules.plain_text(str(e)) or bulk_rules.plain_text(last_message(message_count))
		if not isinstance(e, frappe.ValidationError | frappe.PermissionError):
			frappe.log_error(title=f"Opportunity bulk action failed on {name}")
			reason = reason or _("The opportunity could not be saved.")
		return RowOutcome(name, label, REFUSED, reason or _("The opportunity could not be saved."))
	finally:
		# the refusal is in the summary: do not also pop up every message of every row
		del frappe.local.message_log[message_count:]


def last_message(since: int) -> str:
	messages = frappe.local.message_log[since:]
	if not messages:
		return ""
	message = messages[-1]
	if isinstance(message, str):
		message = frappe.parse_json(message)
	return message.get("message", "") if isinstance(message, dict) else str(message)


def translated_summary(summary: bulk_rules.Summary) -> dict:
	data = summary.as_dict()
	data["title"] = _(bulk_rules.ACTIONS[summary.action][0])
	data["message"] = ", ".join(
		_(template).format(**params)  # safe-html: counts only (rules.bulk.Summary.headline_parts)
		for template, params in summary.headline_parts()
	)
	return data


def notify(result: dict) -> None:
	"""The summary of a background batch as a notification to the user who started it."""
	lines = "".join(
		"<li>{}{}: {}</li>".format(
			frappe.utils.escape_html(", ".join(refusal["labels"])),
			" " + _("and {0} more").format(cint(refusal["more"])) if refusal["more"] else "",
			frappe.utils.escape_html(refusal["reason"]),
		)
		for refusal in result["refusals"]
	)
	# a notification to the user who started the batch, about their own batch (values escaped above);
	# a Sales User may not create Notification Logs, which Frappe itself writes as the system
	frappe.get_doc(
		{
			"doctype": "Notification Log",
			"for_user": frappe.session.user,
			"type": "Alert",
			"document_type": "Opportunity",
			"subject": "{}: {}".format(result["title"], result["message"]),
			"email_content": f"<ul>{lines}</ul>" if lines else "",
		}
	).insert(ignore_permissions=True)


# ------------------------------------------------------------------ what each action does to a row


def move(doc, params: dict) -> bool:
	stage = params["sales_stage"]
	if doc.sales_stage == stage:
		return False
	doc.sales_stage = stage
	target = find_stage(get_stages(doc.sales_pipeline), stage) if doc.get("sales_pipeline") else None
	if target and target.stage_type == LOST:
		current = [row.lost_reason for row in doc.get("lost_reasons") or []]
		for reason in bulk_rules.missing_values(current, params.get("lost_reasons") or []):
			doc.append("lost_reasons", {"lost_reason": reason})
		if params.get("lost_detail") and not doc.get("order_lost_reason"):
			doc.order_lost_reason = params["lost_detail"]
	return True


def add_labels(doc, params: dict) -> bool:
	current = [row.label for row in doc.get("opportunity_labels") or []]
	missing = bulk_rules.missing_values(current, params["labels"])
	for label in missing:
		doc.append("opportunity_labels", {"label": label})
	return bool(missing)


def remove_labels(doc, params: dict) -> bool:
	current = [row.label for row in doc.get("opportunity_labels") or []]
	keep = bulk_rules.labels_after(current, remove=params["labels"])
	if keep == current:
		return False
	doc.set("opportunity_labels", [row for row in doc.opportunity_labels if row.label in keep])
	return True


def add_followers(doc, params: dict) -> bool:
	current = [row.user for row in doc.get("opportunity_followers") or []]
	missing = bulk_rules.missing_values(current, params["users"])
	for user in missing:
		doc.append("opportunity_followers", {"user": user})
	return bool(missing)


HANDLERS = {
	"move": move,
	"add_label": add_labels,
	"remove_label": remove_labels,
	"add_follower": add_followers,
}


# ------------------------------------------------------------------ arguments


def existing_values(
	doctype: str, value, label: str, missing_message: str, empty_message: str | None = None
) -> list[str]:
	"""The distinct values of a list argument, each an existing ``doctype`` record."""
	values = list(dict.fromkeys(list_arg(value, label)))
	if empty_message and not values:
		frappe.throw(empty_message)
	for item in values:
		if not frappe.db.exists(doctype, item):
			frappe.throw(missing_message.format(bold(item)))
	return values
