"""The expectations of every endpoint of the app, per role: ONE table, read by test_permission_matrix.

Columns (users made by ``security_fixtures.build``):

	ADMIN          Administrator
	MANAGER        Sales Manager
	SALES          Sales User
	LIMITED        Sales User with a User Permission: Sales Pipeline = "Matrix A" (sees A1, A2 only)
	FOLLOWER       System User with only "Purchase User", following A1 (DocShare read+write, follower row)
	NO_CRM         System User with only "Purchase User"
	WEBSITE        Website User (no desk role)
	GUEST          Guest

Test data: pipelines "Matrix A" (PA) and "Matrix B" (PB) with stages MX New / Next / Won / Lost, a spare
pipeline (PS) no opportunity uses; company "Opp Plus Matrix Co" with exactly four opportunities, each with
a unique title and amount, so every card, count and sum tells which opportunities a user was shown:

	A1  Matrix A, MX New (open, 10 %),  1100, label MX Cold, followed by FOLLOWER
	A2  Matrix A, MX Won (converted),   2200
	B1  Matrix B, MX New (open, 10 %),  4400, label MX Cold
	B2  Matrix B, MX Next (open, 50 %), 8800, has a reminder log

Outcome words (one per column):

	ALL      allowed: sees every record of the row's scope; a write changes every target as the row says
	OWN      allowed, limited: sees exactly the records of the scope the user may read (READABLE below);
	         a write changes exactly the targets the user may write (WRITABLE below), nothing else
	NOTHING  no data: a PermissionError (403) or an empty result (no card, zero count, zero sum)
	DENY     refused with a PermissionError (403) and nothing changed; the list's bulk actions, which
	         report per row, may instead answer with a summary in which every row is refused
	REFUSE   refused with an error of the 4xx family (403, 404, 417 ...) and nothing changed
	KEEP     the call may succeed or be refused, but the server-maintained fields keep their values

Whatever the word, no cell may show the title, code or (not given in the request) name of an
opportunity the user may not read, and a refused cell changes nothing.
"""

from frappe.utils import random_string

from opportunity_plus.tests.security_fixtures import (
	ADMIN,
	COLD,
	COMPANY,
	CUSTOMER,
	DISABLED_USER,
	FOLLOWER,
	GUEST,
	HOT,
	LIMITED,
	NEW,
	NEXT,
	NO_CRM,
	PIPELINE_A,
	PIPELINE_B,
	PIPELINE_SPARE,
	SALES_MANAGER,
	SALES_USER,
	SECOND_FOLLOWER,
	SPARE_LABEL,
	STAGES,
	UNKNOWN_USER,
	USERS,
	WEBSITE,
)

ALL, OWN, NOTHING, DENY, REFUSE, KEEP = "ALL", "OWN", "NOTHING", "DENY", "REFUSE", "KEEP"
OUTCOMES = (ALL, OWN, NOTHING, DENY, REFUSE, KEEP)
COLUMNS = (ADMIN, SALES_MANAGER, SALES_USER, LIMITED, FOLLOWER, NO_CRM, WEBSITE, GUEST)

# What OWN means: the test records each limited column may read / write (the others read all or none).
READABLE = {
	LIMITED: "A1 A2 PA HOT COLD SPARE",  # the User Permission hides pipeline B, its opportunities and history
	FOLLOWER: "A1",  # the one shared with them
}
WRITABLE = {
	LIMITED: "A1 A2",
	FOLLOWER: "A1",  # the follower's share is read + write (no share)
}

REPORT = "frappe.desk.query_report.run"
CHART = (
	"opportunity_plus.opportunity_plus.dashboard_chart_source.opportunity_forecast.opportunity_forecast.get"
)
BOARD = "opportunity_plus.api.board."
BULK = "opportunity_plus.api.bulk."
LOG_ACTIVITY = "opportunity_plus.api.activity.log_activity"
CREATE = "opportunity_plus.api.create."
PIPELINE = "opportunity_plus.api.pipeline."
NEW_OPPORTUNITY = "opportunity_plus.api.new_opportunity."
RELATED = "opportunity_plus.api.related."
WORKSPACE = "opportunity_plus.api.workspace."
REMINDERS = "opportunity_plus.api.reminders."
TEMPLATES = "opportunity_plus.api.templates."
WIN = "opportunity_plus.api.win_prediction."


class Row:
	"""One surface: what is called (a whitelisted method, or ``rest:<DocType>:<action>``), how (HTTP
	method, arguments factory), what to look at (probe), on which records (scope), and the outcome
	per column."""

	def __init__(self, target, http, args, probe, scope, outcomes, note, variant=""):
		self.target = target
		self.http = http
		self.args = args
		self.probe = probe
		self.scope = scope.split()
		self.outcomes = dict(zip(COLUMNS, outcomes.split(), strict=True))
		self.note = note
		self.variant = variant

	@property
	def key(self) -> str:
		return self.target + (f"[{self.variant}]" if self.variant else "")

	@property
	def is_method(self) -> bool:
		return not self.target.startswith("rest:")

	def __repr__(self):
		return self.key


R = Row
# fmt: off
MATRIX = [
	#                                   http    args factory        probe       scope          ADMIN MANAGER SALES LIMITED FOLLOWER NO_CRM WEBSITE GUEST
	# ---- board: reads show only readable cards, counts and sums
	R(BOARD + "get_board", "GET", "board_a", "board", "A1 A2", "ALL ALL ALL OWN OWN NOTHING NOTHING DENY",
		"the board of pipeline A: cards and column totals"),
	R(BOARD + "get_board", "GET", "board_b", "board", "B1 B2", "ALL ALL ALL NOTHING NOTHING NOTHING NOTHING DENY",
		"the board of pipeline B: nothing of it for the limited user or the follower", "B"),
	R(BOARD + "get_cards", "GET", "cards_a", "cards", "A1", "ALL ALL ALL OWN OWN NOTHING NOTHING DENY",
		"one page of column MX New of pipeline A"),
	R(BOARD + "get_totals", "GET", "totals_a", "totals", "A1 A2", "ALL ALL ALL OWN OWN NOTHING NOTHING DENY",
		"column totals of pipeline A"),
	R(BOARD + "get_totals", "GET", "totals_b", "totals", "B1 B2", "ALL ALL ALL NOTHING NOTHING NOTHING NOTHING DENY",
		"column totals of pipeline B", "B"),
	R(BOARD + "get_card", "GET", "card_a1", "card", "A1", "ALL ALL ALL OWN OWN NOTHING NOTHING DENY",
		"the card of A1 (realtime refresh)"),
	R(BOARD + "get_card", "GET", "card_b1", "card", "B1", "ALL ALL ALL NOTHING NOTHING NOTHING NOTHING DENY",
		"the card of B1: {'card': None} or 403, never the card", "B1"),
	# ---- board: writes (POST only; write permission checked before locking; no existence oracle)
	R(BOARD + "move_card", "POST", "move_card_a1", "moved", "A1", "ALL ALL ALL OWN OWN DENY DENY DENY",
		"drag A1 to MX Next"),
	R(BOARD + "move_card", "POST", "move_card_b1", "moved", "B1", "ALL ALL ALL DENY DENY DENY DENY DENY",
		"drag B1 to MX Next: not writable by the limited user nor the follower", "B1"),
	R(BOARD + "move_card", "POST", "move_card_missing", "none", "", "DENY DENY DENY DENY DENY DENY DENY DENY",
		"a name that does not exist: the same 403 as an unwritable one", "missing"),
	R(BOARD + "move_card", "GET", "move_card_a1", "moved", "A1", "DENY DENY DENY DENY DENY DENY DENY DENY",
		"GET is refused: it writes", "GET"),
	R(BOARD + "quick_add", "POST", "quick_add_a", "created", "", "ALL ALL ALL ALL DENY DENY DENY DENY",
		"a new opportunity in pipeline A, column MX New"),
	R(BOARD + "quick_add", "POST", "quick_add_b", "created", "", "ALL ALL ALL DENY DENY DENY DENY DENY",
		"a new opportunity in pipeline B: the User Permission refuses it", "B"),
	R(BOARD + "quick_add", "GET", "quick_add_a", "created", "", "DENY DENY DENY DENY DENY DENY DENY DENY",
		"GET is refused: it writes", "GET"),
	# ---- bulk actions of the list (POST only; per-row write permission)
	R(BULK + "move_to_stage", "POST", "bulk_move", "moved", "A1 B1", "ALL ALL ALL OWN OWN DENY DENY DENY",
		"move A1 and B1 to MX Next"),
	R(BULK + "move_to_stage", "GET", "bulk_move", "moved", "A1 B1", "DENY DENY DENY DENY DENY DENY DENY DENY",
		"GET is refused: it writes", "GET"),
	R(BULK + "add_label", "POST", "bulk_add_label", "labelled", "A1 B1", "ALL ALL ALL OWN OWN DENY DENY DENY",
		"add label MX Hot to A1 and B1"),
	R(BULK + "add_label", "GET", "bulk_add_label", "labelled", "A1 B1", "DENY DENY DENY DENY DENY DENY DENY DENY",
		"GET is refused: it writes", "GET"),
	R(BULK + "remove_label", "POST", "bulk_remove_label", "unlabelled", "A1 B1",
		"ALL ALL ALL OWN OWN DENY DENY DENY", "remove label MX Cold from A1 and B1"),
	R(BULK + "remove_label", "GET", "bulk_remove_label", "unlabelled", "A1 B1",
		"DENY DENY DENY DENY DENY DENY DENY DENY", "GET is refused: it writes", "GET"),
	R(BULK + "add_follower", "POST", "bulk_add_follower", "followed", "A1 B1",
		"ALL ALL ALL OWN DENY DENY DENY DENY",
		"add a desk user as follower of A1 and B1: needs share permission (the follower's share has none)"),
	R(BULK + "add_follower", "POST", "bulk_add_not_desk_users", "none", "A1 B1",
		"REFUSE REFUSE REFUSE REFUSE REFUSE REFUSE REFUSE DENY",
		"Guest, a Website User, a disabled and an unknown user may not follow", "not desk users"),
	R(BULK + "add_follower", "GET", "bulk_add_follower", "followed", "A1 B1",
		"DENY DENY DENY DENY DENY DENY DENY DENY", "GET is refused: it writes", "GET"),
	# ---- caring: log an activity (POST only; write permission for every kind, email permission for email)
	R(LOG_ACTIVITY, "POST", "note_a1", "noted", "A1", "ALL ALL ALL OWN OWN DENY DENY DENY", "a note on A1"),
	R(LOG_ACTIVITY, "POST", "note_b1", "noted", "B1", "ALL ALL ALL DENY DENY DENY DENY DENY",
		"a note on B1: not writable by the limited user nor the follower", "B1"),
	R(LOG_ACTIVITY, "POST", "email_a1", "emailed", "A1", "ALL ALL ALL OWN OWN DENY DENY DENY",
		"an email logged on A1 (a read share carries Frappe's email right)", "email"),
	R(LOG_ACTIVITY, "POST", "call_a1", "emailed", "A1", "ALL ALL ALL OWN OWN DENY DENY DENY",
		"a call logged on A1", "call"),
	R(LOG_ACTIVITY, "POST", "todo_website_a1", "none", "A1", "REFUSE REFUSE REFUSE REFUSE REFUSE DENY DENY DENY",
		"a to-do for a Website User: assignees must be enabled desk users", "todo for website user"),
	R(LOG_ACTIVITY, "GET", "note_a1", "noted", "A1", "DENY DENY DENY DENY DENY DENY DENY DENY",
		"GET is refused: it writes", "GET"),
	# ---- documents made from an opportunity (read on it and create on the target doctype; nothing saved)
	R(CREATE + "make_sales_order", "GET", "source_a1", "mapped", "A1", "ALL ALL ALL OWN DENY DENY DENY DENY",
		"a new Sales Order from A1 (the follower may not create Sales Orders)"),
	R(CREATE + "make_sales_order", "GET", "source_b1", "mapped", "B1", "ALL ALL ALL DENY DENY DENY DENY DENY",
		"a new Sales Order from B1: the limited user may not read B1", "B1"),
	R(CREATE + "make_contract", "GET", "source_a1", "mapped", "A1", "ALL ALL DENY DENY DENY DENY DENY DENY",
		"a new Contract: Sales Manager and System Manager create contracts"),
	R(CREATE + "make_issue", "GET", "source_a1", "mapped", "A1", "ALL DENY DENY DENY DENY DENY DENY DENY",
		"a new Issue: only the Support Team creates issues"),
	R(CREATE + "make_project", "GET", "source_a1", "mapped", "A1", "ALL DENY DENY DENY DENY DENY DENY DENY",
		"a new Project: only Projects Users create projects"),
	R(CREATE + "make_task", "GET", "source_a1", "mapped", "A1", "ALL DENY DENY DENY DENY DENY DENY DENY",
		"a new Task: only Projects Users create tasks"),
	# ---- the new opportunity form: the server's defaults (create permission, and read on the pipeline)
	R(NEW_OPPORTUNITY + "get_defaults", "GET", "defaults_a", "defaults", "PA",
		"ALL ALL ALL OWN DENY DENY DENY DENY", "pipeline A, its first stage and probability for a new opportunity"),
	R(NEW_OPPORTUNITY + "get_defaults", "GET", "defaults_b", "defaults", "PB",
		"ALL ALL ALL DENY DENY DENY DENY DENY", "pipeline B: hidden from the limited user by the User Permission",
		"B"),
	# ---- link an existing document (POST only; write on the opportunity and on the document)
	R(RELATED + "link_existing", "POST", "link_quotation_a1", "mapped", "A1",
		"ALL ALL ALL OWN DENY DENY DENY DENY",
		"link a draft quotation of the same customer to A1 (the follower may not edit quotations)"),
	R(RELATED + "link_existing", "POST", "link_quotation_b1", "mapped", "B1",
		"ALL ALL ALL DENY DENY DENY DENY DENY", "link it to B1: not writable by the limited user", "B1"),
	R(RELATED + "link_existing", "GET", "link_quotation_a1", "mapped", "A1",
		"DENY DENY DENY DENY DENY DENY DENY DENY", "GET is refused: it writes", "GET"),
	# ---- pipelines
	R(PIPELINE + "stage_query", "GET", "stage_query_a", "stages", "PA", "ALL ALL ALL OWN NOTHING NOTHING NOTHING DENY",
		"link search of the stages of pipeline A"),
	R(PIPELINE + "stage_query", "GET", "stage_query_b", "stages", "PB",
		"ALL ALL ALL NOTHING NOTHING NOTHING NOTHING DENY", "stages of pipeline B: hidden by the User Permission", "B"),
	R(PIPELINE + "preview_code", "GET", "preview_code", "code", "", "ALL ALL DENY DENY DENY DENY DENY DENY",
		"example code for the settings form: readers of Opportunity Plus Settings only"),
	# ---- reminders: a user's own digest (POST, writes nothing unless emailed); the managers' dry run
	R(REMINDERS + "preview_my_digest", "POST", "digest_preview", "none", "",
		"ALL ALL ALL ALL ALL DENY DENY DENY", "the caller's own digest, of opportunities they may read"),
	R(REMINDERS + "preview_my_digest", "GET", "digest_preview", "none", "",
		"DENY DENY DENY DENY DENY DENY DENY DENY", "GET refused: it can send an email", "GET"),
	R(REMINDERS + "digest_dry_run", "GET", "no_args", "none", "",
		"ALL ALL DENY DENY DENY DENY DENY DENY", "who would get how many items: managers only, writes nothing"),
	# ---- Word templates: the picker lists what the user may use; an export reads each opportunity
	R(TEMPLATES + "get_templates", "GET", "no_args", "none", "",
		"ALL ALL ALL ALL ALL DENY DENY DENY", "enabled templates the user's roles may use"),
	R(TEMPLATES + "download", "POST", "template_a1", "none", "A1",
		"ALL ALL ALL ALL ALL DENY DENY DENY", "the sample template filled for A1"),
	R(TEMPLATES + "download", "POST", "template_b1", "none", "B1",
		"ALL ALL ALL DENY DENY DENY DENY DENY", "filled for B1: not for whoever may not read B1", "B1"),
	R(TEMPLATES + "download", "GET", "template_a1", "none", "A1",
		"DENY DENY DENY DENY DENY DENY DENY DENY", "GET refused", "GET"),
	# ---- predicted win probability: one readable opportunity's figure and reasons; training by managers
	R(WIN + "get_prediction", "GET", "prediction_a1", "none", "A1", "ALL ALL ALL OWN OWN DENY DENY DENY",
		"the predicted win probability of A1 with its reasons (or why none is shown)"),
	R(WIN + "get_prediction", "GET", "prediction_b1", "none", "B1", "ALL ALL ALL DENY DENY DENY DENY DENY",
		"of B1: not for whoever may not read B1", "B1"),
	R(WIN + "get_prediction", "GET", "prediction_missing", "none", "", "DENY DENY DENY DENY DENY DENY DENY DENY",
		"a name that does not exist: the same 403 as an unreadable one", "missing"),
	R(WIN + "train_now", "POST", "no_args", "global:settings", "", "ALL ALL DENY DENY DENY DENY DENY DENY",
		"retrain on every closed opportunity now: managers only (its figures go into the settings)"),
	R(WIN + "train_now", "GET", "no_args", "global:settings", "", "DENY DENY DENY DENY DENY DENY DENY DENY",
		"GET is refused: it writes", "GET"),
	# ---- workspace number cards and chart, the report: sums over readable opportunities only
	R(WORKSPACE + "open_pipeline_value", "GET", "card_filters", "open_value", "A1 A2 B1 B2",
		"ALL ALL ALL OWN OWN NOTHING NOTHING DENY", "number card: open amount of the company"),
	R(WORKSPACE + "weighted_forecast", "GET", "card_filters", "weighted_value", "A1 A2 B1 B2",
		"ALL ALL ALL OWN OWN NOTHING NOTHING DENY", "number card: amount x probability of the open ones"),
	R(WORKSPACE + "won_this_month", "GET", "card_filters", "won_value", "A1 A2 B1 B2",
		"ALL ALL ALL OWN OWN NOTHING NOTHING DENY", "number card: amount won this month (A2)"),
	R(CHART, "GET", "chart_filters", "chart", "A1 A2 B1 B2", "ALL ALL ALL OWN OWN NOTHING NOTHING DENY",
		"chart source Opportunity Forecast with the company as filter"),
	R(REPORT, "GET", "report", "report", "A1 A2 B1 B2", "ALL ALL ALL OWN NOTHING NOTHING NOTHING DENY",
		"Opportunity Analysis by pipeline (the report needs a role with report permission on Opportunity)"),
	# ---- REST (/api/resource) on Opportunity: server-maintained fields and followers
	R("rest:Opportunity:list", "GET", "rest_list_opportunity", "rest_list", "A1 A2 B1 B2",
		"ALL ALL ALL OWN OWN NOTHING NOTHING NOTHING", "GET /api/resource/Opportunity (ground truth of READABLE)"),
	R("rest:Opportunity:update", "PUT", "rest_server_fields_a1", "server_fields", "A1",
		"KEEP KEEP KEEP KEEP KEEP DENY DENY DENY", "PUT stage_entered_on, stage_stay_seconds, stage_stays, board_rank"),
	R("rest:Opportunity:update", "PUT", "rest_add_follower_a1", "followed", "A1", "ALL ALL ALL OWN DENY DENY DENY DENY",
		"PUT a new follower row on A1: needs share permission", "follower"),
	# ---- REST on the app's doctypes, per their DocType permissions
	R("rest:Sales Pipeline:list", "GET", "rest_list", "rest_list", "PA PB PS",
		"ALL ALL ALL OWN NOTHING NOTHING NOTHING NOTHING", "list of pipelines (the limited user: pipeline A)"),
	R("rest:Sales Pipeline:insert", "POST", "rest_new_pipeline", "global:pipeline_count", "",
		"ALL ALL DENY DENY DENY DENY DENY DENY", "a new pipeline: managers only"),
	R("rest:Sales Pipeline:update", "PUT", "rest_pipeline_b_description", "global:pipelines", "",
		"ALL ALL DENY DENY DENY DENY DENY DENY", "change pipeline B: managers only"),
	R("rest:Sales Pipeline:delete", "DELETE", "rest_pipeline_spare", "global:pipelines", "",
		"ALL ALL DENY DENY DENY DENY DENY DENY", "delete the unused pipeline: managers only"),
	R("rest:Opportunity Label:list", "GET", "rest_list", "rest_list", "HOT COLD SPARE",
		"ALL ALL ALL ALL NOTHING NOTHING NOTHING NOTHING", "list of labels"),
	R("rest:Opportunity Label:insert", "POST", "rest_new_label", "global:labels", "",
		"ALL ALL ALL ALL DENY DENY DENY DENY", "a new label: Sales Users may create labels"),
	R("rest:Opportunity Label:update", "PUT", "rest_label_spare_description", "global:labels", "",
		"ALL ALL ALL ALL DENY DENY DENY DENY", "change a label: Sales Users may write labels"),
	R("rest:Opportunity Label:delete", "DELETE", "rest_label_spare", "global:labels", "",
		"ALL ALL DENY DENY DENY DENY DENY DENY", "delete an unused label: managers only"),
	R("rest:Opportunity Stage History:list", "GET", "rest_list", "history_list", "A1 A2 B1 B2",
		"ALL ALL ALL OWN NOTHING NOTHING NOTHING NOTHING", "stage history rows, of readable opportunities only"),
	R("rest:Opportunity Stage History:read", "GET", "rest_history_of_b1", "history_read", "B1",
		"ALL ALL ALL DENY DENY DENY DENY DENY", "one history row of B1"),
	R("rest:Opportunity Stage History:insert", "POST", "rest_new_history_a1", "global:history", "",
		"DENY DENY DENY DENY DENY DENY DENY DENY", "history is the server's: not even Administrator inserts"),
	R("rest:Opportunity Stage History:update", "PUT", "rest_history_of_a1_changed", "global:history", "",
		"DENY DENY DENY DENY DENY DENY DENY DENY", "nor changes it"),
	R("rest:Opportunity Stage History:delete", "DELETE", "rest_history_of_a1", "global:history", "",
		"DENY DENY DENY DENY DENY DENY DENY DENY", "nor deletes it"),
	R("rest:Opportunity Reminder Log:list", "GET", "rest_list", "rest_list", "REMINDER",
		"ALL ALL NOTHING NOTHING NOTHING NOTHING NOTHING NOTHING", "reminder logs: managers read them"),
	R("rest:Opportunity Reminder Log:delete", "DELETE", "rest_reminder", "global:reminders", "",
		"ALL DENY DENY DENY DENY DENY DENY DENY", "delete a reminder log: System Manager only"),
	R("rest:Opportunity Plus Settings:read", "GET", "rest_settings", "settings_read", "",
		"ALL ALL DENY DENY DENY DENY DENY DENY", "the settings: managers read them"),
	R("rest:Opportunity Plus Settings:update", "PUT", "rest_settings_changed", "global:settings", "",
		"ALL ALL DENY DENY DENY DENY DENY DENY", "the settings: managers change them"),
]
# fmt: on

SERVER_FIELDS = {
	"stage_entered_on": "2000-01-01 00:00:00",
	"stage_stay_seconds": 2000000000,
	"stage_stays": 1,
	"board_rank": -5,
}


# ------------------------------------------------------------------ arguments factories (fx: Fixtures)


def _modified(fx, key):
	import frappe

	return str(frappe.db.get_value("Opportunity", fx.name(key), "modified"))


def _history_of(fx, key):
	import frappe

	return frappe.db.get_value(
		"Opportunity Stage History", {"opportunity": fx.name(key)}, "name", order_by="creation desc"
	)


def _followers_plus(fx, key, user):
	import frappe

	rows = frappe.get_all(
		"Opportunity Follower",
		filters={"parent": fx.name(key), "parenttype": "Opportunity"},
		fields=["name", "user"],
		order_by="idx asc",
	)
	return [*[{"name": row.name, "user": row.user} for row in rows], {"user": user}]


def _quick_add(pipeline):
	return lambda fx: {
		"pipeline": pipeline,
		"stage": NEW,
		"opportunity_from": "Customer",
		"party_name": CUSTOMER,
		"title": "Quick " + random_string(6),
		"opportunity_amount": 16000,
		"company": COMPANY,
	}


def _move_card(key):
	return lambda fx: {"opportunity": fx.name(key), "to_stage": NEXT, "modified": _modified(fx, key)}


def _note(key):
	return lambda fx: {"opportunity": fx.name(key), "kind": "note", "content": "Matrix note"}


def _draft_quotation(fx) -> str:
	"""A draft quotation of the matrix customer, linked to no opportunity (made once per run)."""
	import frappe

	from opportunity_plus.tests.sales_fixtures import make_service_item

	if not fx.get("draft_quotation"):
		quotation = frappe.get_doc(
			{
				"doctype": "Quotation",
				"quotation_to": "Customer",
				"party_name": CUSTOMER,
				"company": COMPANY,
				"items": [{"item_code": make_service_item(), "qty": 1, "rate": 100}],
			}
		).insert(ignore_permissions=True)
		fx.draft_quotation = quotation.name
	return fx.draft_quotation


def _link_quotation(key):
	return lambda fx: {"opportunity": fx.name(key), "doctype": "Quotation", "name": _draft_quotation(fx)}


def _names(*keys):
	return lambda fx: [fx.name(key) for key in keys]


ARGS = {
	"board_a": lambda fx: {"pipeline": PIPELINE_A},
	"board_b": lambda fx: {"pipeline": PIPELINE_B},
	"cards_a": lambda fx: {"pipeline": PIPELINE_A, "stage": NEW, "start": 0, "page_length": 20},
	"totals_a": lambda fx: {"pipeline": PIPELINE_A},
	"totals_b": lambda fx: {"pipeline": PIPELINE_B},
	"card_a1": lambda fx: {"name": fx.name("A1"), "pipeline": PIPELINE_A},
	"card_b1": lambda fx: {"name": fx.name("B1"), "pipeline": PIPELINE_B},
	"move_card_a1": _move_card("A1"),
	"move_card_b1": _move_card("B1"),
	"move_card_missing": lambda fx: {
		"opportunity": "CRM-OPP-NO-SUCH-ONE",
		"to_stage": NEXT,
		"modified": _modified(fx, "A1"),
	},
	"quick_add_a": _quick_add(PIPELINE_A),
	"quick_add_b": _quick_add(PIPELINE_B),
	"bulk_move": lambda fx: {"names": _names("A1", "B1")(fx), "sales_stage": NEXT},
	"bulk_add_label": lambda fx: {"names": _names("A1", "B1")(fx), "labels": [HOT]},
	"bulk_remove_label": lambda fx: {"names": _names("A1", "B1")(fx), "labels": [COLD]},
	"bulk_add_follower": lambda fx: {"names": _names("A1", "B1")(fx), "users": [SECOND_FOLLOWER]},
	"bulk_add_not_desk_users": lambda fx: {
		"names": _names("A1", "B1")(fx),
		"users": ["Guest", USERS[WEBSITE], DISABLED_USER, UNKNOWN_USER],
	},
	"note_a1": _note("A1"),
	"note_b1": _note("B1"),
	"email_a1": lambda fx: {
		"opportunity": fx.name("A1"),
		"kind": "email",
		"subject": "Matrix email",
		"content": "Hello",
		"direction": "Received",
		"email": "matrix-contact@example.com",
	},
	"call_a1": lambda fx: {"opportunity": fx.name("A1"), "kind": "call", "content": "Called"},
	"todo_website_a1": lambda fx: {
		"opportunity": fx.name("A1"),
		"kind": "todo",
		"content": "Do it",
		"assign_to": USERS[WEBSITE],
	},
	"source_a1": lambda fx: {"source_name": fx.name("A1")},
	"source_b1": lambda fx: {"source_name": fx.name("B1")},
	"stage_query_a": lambda fx: {
		"doctype": "Sales Stage",
		"txt": "",
		"searchfield": "name",
		"start": 0,
		"page_len": 20,
		"filters": {"sales_pipeline": PIPELINE_A},
	},
	"stage_query_b": lambda fx: {
		"doctype": "Sales Stage",
		"txt": "",
		"searchfield": "name",
		"start": 0,
		"page_len": 20,
		"filters": {"sales_pipeline": PIPELINE_B},
	},
	"defaults_a": lambda fx: {"sales_pipeline": PIPELINE_A},
	"defaults_b": lambda fx: {"sales_pipeline": PIPELINE_B},
	"link_quotation_a1": _link_quotation("A1"),
	"link_quotation_b1": _link_quotation("B1"),
	"preview_code": lambda fx: {"template": "MX-{YYYY}-{#####}", "counter_start": 1},
	"card_filters": lambda fx: {"filters": {"company": COMPANY}},
	"chart_filters": lambda fx: {"filters": {"company": COMPANY}},
	"report": lambda fx: {
		"report_name": "Opportunity Analysis",
		"filters": {
			"company": COMPANY,
			"from_date": "2000-01-01",
			"to_date": "2099-12-31",
			"group_by": "Pipeline",
		},
	},
	# REST: {"name": ..., "data": {...}} (the document name in the URL and the request body)
	"rest_list": lambda fx: {},
	"no_args": lambda fx: {},
	"template_a1": lambda fx: {"template": "Thư chào giá (mẫu)", "names": [fx.ids["A1"]]},
	"template_b1": lambda fx: {"template": "Thư chào giá (mẫu)", "names": [fx.ids["B1"]]},
	"digest_preview": lambda fx: {"send": 0},
	"prediction_a1": lambda fx: {"opportunity": fx.name("A1")},
	"prediction_b1": lambda fx: {"opportunity": fx.name("B1")},
	"prediction_missing": lambda fx: {"opportunity": "CRM-OPP-NO-SUCH-ONE"},
	"rest_list_opportunity": lambda fx: {},
	"rest_server_fields_a1": lambda fx: {"name": fx.name("A1"), "data": dict(SERVER_FIELDS)},
	"rest_add_follower_a1": lambda fx: {
		"name": fx.name("A1"),
		"data": {"opportunity_followers": _followers_plus(fx, "A1", SECOND_FOLLOWER)},
	},
	"rest_new_pipeline": lambda fx: {
		"data": {
			"pipeline_name": "Matrix New " + random_string(5),
			"stages": [
				{"sales_stage": stage, "stage_type": stage_type, "probability": probability}
				for stage, stage_type, probability in STAGES
			],
		}
	},
	"rest_pipeline_b_description": lambda fx: {"name": PIPELINE_B, "data": {"description": "changed"}},
	"rest_pipeline_spare": lambda fx: {"name": PIPELINE_SPARE},
	"rest_new_label": lambda fx: {"data": {"label_name": "MX Label " + random_string(5), "color": "#FF0000"}},
	"rest_label_spare_description": lambda fx: {"name": SPARE_LABEL, "data": {"description": "changed"}},
	"rest_label_spare": lambda fx: {"name": SPARE_LABEL},
	"rest_history_of_b1": lambda fx: {"name": _history_of(fx, "B1")},
	"rest_history_of_a1": lambda fx: {"name": _history_of(fx, "A1")},
	"rest_history_of_a1_changed": lambda fx: {"name": _history_of(fx, "A1"), "data": {"to_stage": NEXT}},
	"rest_new_history_a1": lambda fx: {
		"data": {
			"opportunity": fx.name("A1"),
			"sales_pipeline": PIPELINE_A,
			"to_stage": NEXT,
			"changed_on": "2026-01-01 00:00:00",
		}
	},
	"rest_reminder": lambda fx: {"name": fx.reminder},
	"rest_settings": lambda fx: {"name": "Opportunity Plus Settings"},
	"rest_settings_changed": lambda fx: {
		"name": "Opportunity Plus Settings",
		"data": {"remind_days_before_closing": 9},
	},
}


def rows_for(target: str) -> list[Row]:
	return [row for row in MATRIX if row.target == target]


def method_rows() -> list[Row]:
	return [row for row in MATRIX if row.is_method]
