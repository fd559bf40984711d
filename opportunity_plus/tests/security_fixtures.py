"""Fixtures shared by the permission matrix and the endpoint fuzz test.

``build()`` makes (inside the test class's transaction, rolled back by FrappeTestCase) a dedicated
company, two dedicated pipelines with their own stages, four opportunities with unique amounts and
titles, and one user per column of the matrix. Its result (``Fixtures``) maps the symbolic names
used by ``permission_matrix`` (A1, B1, SALES_USER...) to the real records.

Also here: calling a whitelisted method the way a request does (``call_as``), emulating
``/api/resource`` (``rest``) and a fingerprint of everything a call could change (``fingerprint``).
"""

import json
from contextlib import contextmanager

import frappe
import frappe.handler
from frappe.share import add_docshare
from frappe.utils import add_days, get_first_day, nowdate, random_string

from opportunity_plus.tests.utils import make_company, make_label, make_opportunity, make_pipeline, make_user

COMPANY = "Opp Plus Matrix Co"
COMPANY_ABBR = "OPMX"
CUSTOMER = "Opp Plus Matrix Customer"
PIPELINE_A, PIPELINE_B, PIPELINE_SPARE = "Matrix A", "Matrix B", "Matrix Spare"
NEW, NEXT, WON, LOST = "MX New", "MX Next", "MX Won", "MX Lost"
STAGES = [(NEW, "Open", 10), (NEXT, "Open", 50), (WON, "Won", 100), (LOST, "Lost", 0)]
HOT, COLD, SPARE_LABEL = "MX Hot", "MX Cold", "MX Spare"
CHART = "Opp Plus Matrix Forecast"

# the columns of the matrix: role key -> (user, roles, user type)
ADMIN = "ADMIN"
SALES_MANAGER = "SALES_MANAGER"
SALES_USER = "SALES_USER"
LIMITED = "LIMITED_SALES_USER"
FOLLOWER = "FOLLOWER"
NO_CRM = "NO_CRM"
WEBSITE = "WEBSITE_USER"
GUEST = "GUEST"
ROLES = (ADMIN, SALES_MANAGER, SALES_USER, LIMITED, FOLLOWER, NO_CRM, WEBSITE, GUEST)
USERS = {
	ADMIN: "Administrator",
	SALES_MANAGER: "opp-matrix-manager@example.com",
	SALES_USER: "opp-matrix-sales@example.com",
	LIMITED: "opp-matrix-limited@example.com",
	FOLLOWER: "opp-matrix-follower@example.com",
	NO_CRM: "opp-matrix-nocrm@example.com",
	WEBSITE: "opp-matrix-website@example.com",
	GUEST: "Guest",
}
USER_ROLES = {
	SALES_MANAGER: ["Sales Manager"],
	SALES_USER: ["Sales User"],
	LIMITED: ["Sales User"],
	FOLLOWER: ["Purchase User"],
	NO_CRM: ["Purchase User"],
	WEBSITE: [],
}
# users who are only ever the *object* of a call (a follower or assignee to add)
SECOND_FOLLOWER = "opp-matrix-follower2@example.com"  # an enabled desk user: may follow
DISABLED_USER = "opp-matrix-disabled@example.com"
UNKNOWN_USER = "opp-matrix-no-such-user@example.com"
SELECT_ONLY = "opp-matrix-select@example.com"
SELECT_ROLE = "Opportunity Picker (Matrix)"

# the opportunities: key -> (pipeline, stage, amount); amounts are distinct powers of two (times 1100),
# so every sum tells exactly which opportunities were counted
OPPORTUNITIES = {
	"A1": (PIPELINE_A, NEW, 1100),
	"A2": (PIPELINE_A, WON, 2200),
	"B1": (PIPELINE_B, NEW, 4400),
	"B2": (PIPELINE_B, NEXT, 8800),
}
PROBABILITY = {stage: probability for stage, _type, probability in STAGES}
OPEN_STATUSES_EXCLUDED = ("Converted", "Lost", "Closed")


class Fixtures(frappe._dict):
	"""opps: key -> name; titles/codes/amounts: name -> value; users: role -> user."""

	def name(self, key: str) -> str:
		return self.opps[key]

	def key_of(self, name: str) -> str | None:
		return next((key for key, value in self.ids.items() if value == name), None)


def ensure_role(role: str, desk_access: int = 1) -> None:
	if not frappe.db.exists("Role", role):
		frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": desk_access}).insert(
			ignore_permissions=True
		)


def make_select_only_role() -> None:
	"""A role with "Select" (and not "Read") on Opportunity, as meant for link fields."""
	from frappe.permissions import add_permission, update_permission_property

	ensure_role(SELECT_ROLE)
	if not frappe.db.exists("Custom DocPerm", {"parent": "Opportunity", "role": SELECT_ROLE}):
		add_permission("Opportunity", SELECT_ROLE, 0)
		update_permission_property("Opportunity", SELECT_ROLE, 0, "read", 0)
		update_permission_property("Opportunity", SELECT_ROLE, 0, "select", 1)
	make_user(SELECT_ONLY, [SELECT_ROLE])


def make_customer() -> str:
	if not frappe.db.exists("Customer", CUSTOMER):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": CUSTOMER,
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
			}
		).insert(ignore_permissions=True)
	return CUSTOMER


def pipeline(name: str):
	if frappe.db.exists("Sales Pipeline", name):
		return frappe.get_doc("Sales Pipeline", name)
	return make_pipeline(name, STAGES)


def build() -> Fixtures:
	frappe.set_user("Administrator")
	make_company(COMPANY, COMPANY_ABBR)
	make_customer()
	for name in (PIPELINE_A, PIPELINE_B, PIPELINE_SPARE):
		pipeline(name)
	for label in (HOT, COLD, SPARE_LABEL):
		make_label(label)

	for role, roles in USER_ROLES.items():
		make_user(USERS[role], roles)
	for user in (USERS[SALES_MANAGER], USERS[SALES_USER], USERS[LIMITED]):
		frappe.defaults.set_user_default("company", COMPANY, user)
	make_user(SECOND_FOLLOWER, ["Purchase User"])
	disabled = make_user(DISABLED_USER, ["Sales User"])
	disabled.enabled = 0
	disabled.save(ignore_permissions=True)
	make_select_only_role()
	website = frappe.get_doc("User", USERS[WEBSITE])
	assert website.user_type == "Website User", website.user_type

	# the limited Sales User sees pipeline A (and its opportunities) only
	if not frappe.db.exists("User Permission", {"user": USERS[LIMITED], "allow": "Sales Pipeline"}):
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": USERS[LIMITED],
				"allow": "Sales Pipeline",
				"for_value": PIPELINE_A,
				"apply_to_all_doctypes": 1,
			}
		).insert(ignore_permissions=True)

	suffix = random_string(5)
	opps, titles, amounts = {}, {}, {}
	for key, (pipeline_name, stage, amount) in OPPORTUNITIES.items():
		doc = make_opportunity(
			opportunity_from="Customer",
			party_name=CUSTOMER,
			company=COMPANY,
			currency="USD",
			conversion_rate=1,
			title=f"MatrixOpp {key} {suffix}",
			opportunity_amount=amount,
			base_opportunity_amount=amount,
			expected_closing=add_days(nowdate(), 20),
			sales_pipeline=pipeline_name,
			sales_stage=NEW,
			contact_email="matrix-contact@example.com",
		)
		if stage != NEW:
			doc.reload()
			doc.sales_stage = stage
			doc.save(ignore_permissions=True)
		opps[key] = doc.name
		titles[doc.name] = doc.title
		amounts[doc.name] = amount

	# labels: A1 and B1 are "cold", so removing the label changes them
	for key in ("A1", "B1"):
		doc = frappe.get_doc("Opportunity", opps[key])
		doc.append("opportunity_labels", {"label": COLD})
		doc.save(ignore_permissions=True)

	# the follower follows A1, as the app's follower feature makes it (share read+write, follower row)
	doc = frappe.get_doc("Opportunity", opps["A1"])
	doc.append("opportunity_followers", {"user": USERS[FOLLOWER]})
	doc.save(ignore_permissions=True)
	if not frappe.db.exists(
		"DocShare", {"share_doctype": "Opportunity", "share_name": opps["A1"], "user": USERS[FOLLOWER]}
	):
		add_docshare(
			"Opportunity", opps["A1"], USERS[FOLLOWER], read=1, write=1, flags={"ignore_share_permission": 1}
		)

	# a dashboard chart of the app's source, readable by Sales Managers only, filtered to pipeline B
	if not frappe.db.exists("Dashboard Chart", CHART):
		frappe.get_doc(
			{
				"doctype": "Dashboard Chart",
				"chart_name": CHART,
				"chart_type": "Custom",
				"source": "Opportunity Forecast",
				"type": "Bar",
				"filters_json": json.dumps({"company": COMPANY, "sales_pipeline": PIPELINE_B}),
				"roles": [{"role": "Sales Manager"}],
				"is_public": 0,
			}
		).insert(ignore_permissions=True)

	# a reminder log on B2 (read by managers only)
	reminder = frappe.get_doc(
		{
			"doctype": "Opportunity Reminder Log",
			"opportunity": opps["B2"],
			"reminder_event": frappe.get_meta("Opportunity Reminder Log")
			.get_field("reminder_event")
			.options.split("\n")[0],
			"event_key": "matrix-" + suffix,
			"sent_on": nowdate(),
		}
	).insert(ignore_permissions=True)

	docs = {name: frappe.get_doc("Opportunity", name) for name in opps.values()}
	fx = Fixtures(
		opps=opps,
		titles=titles,
		amounts=amounts,
		codes={name: doc.get("opportunity_code") for name, doc in docs.items()},
		status={name: doc.status for name, doc in docs.items()},
		probability={name: doc.probability for name, doc in docs.items()},
		pipeline_of={name: doc.sales_pipeline for name, doc in docs.items()},
		stage_entered_on={name: doc.stage_entered_on for name, doc in docs.items()},
		users=USERS,
		company=COMPANY,
		reminder=reminder.name,
		month_start=get_first_day(nowdate()),
	)
	# the symbolic keys of permission_matrix (scopes, READABLE, WRITABLE) -> record names
	fx.ids = {
		**opps,
		"PA": PIPELINE_A,
		"PB": PIPELINE_B,
		"PS": PIPELINE_SPARE,
		"HOT": HOT,
		"COLD": COLD,
		"SPARE": SPARE_LABEL,
		"REMINDER": reminder.name,
	}
	return fx


# ------------------------------------------------------------------ calling as a request would


class Request:
	"""What ``frappe.handler`` and the code it runs read of a request: its method, headers and the
	host and scheme that ``frappe.utils.get_url`` builds links from."""

	def __init__(self, method: str):
		self.method = method
		self.headers = {}
		self.host = frappe.local.site
		self.scheme = "http"


def call_as(user: str, cmd: str, args: dict, http_method: str = "POST"):
	"""Run a whitelisted method through ``frappe.handler.execute_cmd`` as ``user``: Frappe's
	``is_whitelisted`` (Guest) and ``is_valid_http_method`` checks run, then the method itself."""
	saved_request = getattr(frappe.local, "request", None)
	previous = frappe.session.user
	frappe.set_user(user)  # resets form_dict: set it afterwards
	frappe.local.request = Request(http_method)
	frappe.local.form_dict = frappe._dict(args)
	try:
		return frappe.handler.execute_cmd(cmd)
	finally:
		frappe.local.request = saved_request
		frappe.set_user(previous)
		frappe.local.form_dict = frappe._dict()


def rest(user: str, action: str, doctype: str, name: str | None = None, data: dict | None = None):
	"""What ``/api/resource`` does (frappe.api.v1), in process, as ``user``."""
	import frappe.client

	saved_request = getattr(frappe.local, "request", None)
	previous = frappe.session.user
	frappe.set_user(user)
	frappe.local.request = Request({"list": "GET", "read": "GET", "insert": "POST"}.get(action, "PUT"))
	try:
		if action == "list":
			return frappe.call(
				frappe.client.get_list, doctype, fields=["name"], limit_page_length=0, as_dict=True
			)
		if action == "read":
			doc = frappe.get_doc(doctype, name)
			if not doc.has_permission("read"):
				raise frappe.PermissionError
			doc.apply_fieldlevel_read_permissions()
			return doc.as_dict()
		if action == "insert":
			data = dict(data or {})
			data.pop("doctype", None)
			return frappe.new_doc(doctype, **data).insert().as_dict()
		if action == "update":
			doc = frappe.get_doc(doctype, name, for_update=True)
			data = dict(data or {})
			data.pop("flags", None)
			doc.update(data)
			doc.save()
			return doc.as_dict()
		if action == "delete":
			frappe.delete_doc(doctype, name, ignore_missing=False)
			return "ok"
		raise ValueError(action)
	finally:
		frappe.local.request = saved_request
		frappe.set_user(previous)
		frappe.local.form_dict = frappe._dict()


# ------------------------------------------------------------------ what a call could have changed


def _rows(sql: str, values=None) -> tuple:
	rows = frappe.db.sql(sql, values) if values is not None else frappe.db.sql(sql)
	return tuple(tuple(row) for row in rows)


def fingerprint(fx: Fixtures) -> dict:
	"""Everything of the test data a call could change, read straight from the database."""
	names = list(fx.opps.values())
	per_opp = {}
	for name in names:
		row = frappe.db.sql(
			"""select modified, sales_stage, status, board_rank, stage_entered_on, stage_stay_seconds,
				stage_stays, title, opportunity_owner, order_lost_reason
			from tabOpportunity where name=%s""",
			name,
			as_dict=True,
		)
		per_opp[name] = {
			"row": dict(row[0]) if row else None,
			"labels": _rows(
				"select label from `tabOpportunity Label Detail` where parent=%s order by idx", name
			),
			"followers": _rows(
				"select user, share_created from `tabOpportunity Follower` where parent=%s order by idx", name
			),
			"lost_reasons": _rows(
				"select lost_reason from `tabOpportunity Lost Reason Detail` where parent=%s", name
			),
			"shares": _rows(
				"""select user, `read`, `write`, `share`, everyone from tabDocShare
				where share_doctype='Opportunity' and share_name=%s order by user""",
				name,
			),
			"communications": _rows(
				"""select count(*) from tabCommunication
				where reference_doctype='Opportunity' and reference_name=%s""",
				name,
			),
			"todos": _rows(
				"select count(*) from tabToDo where reference_type='Opportunity' and reference_name=%s", name
			),
			"events": _rows(
				"""select count(*) from `tabEvent Participants`
				where reference_doctype='Opportunity' and reference_docname=%s""",
				name,
			),
			"notes": _rows("select count(*) from `tabCRM Note` where parent=%s", name),
			"history": _rows(
				"select count(*) from `tabOpportunity Stage History` where opportunity=%s", name
			),
			"follows": _rows(
				"select user from `tabDocument Follow` where ref_doctype='Opportunity' and ref_docname=%s",
				name,
			),
		}
	return {
		"opportunities": per_opp,
		"opportunity_count": _rows("select count(*) from tabOpportunity where company=%s", fx.company),
		"pipelines": _rows(
			"select name, modified, description, disabled from `tabSales Pipeline` where name in %s",
			[(PIPELINE_A, PIPELINE_B, PIPELINE_SPARE)],
		),
		"pipeline_count": _rows("select count(*) from `tabSales Pipeline`"),
		"labels": _rows("select name, modified, color, description from `tabOpportunity Label`"),
		"settings": _rows(
			"select field, value from tabSingles where doctype='Opportunity Plus Settings' order by field"
		),
		"history": _rows("select count(*), max(modified) from `tabOpportunity Stage History`"),
		"reminders": _rows("select count(*) from `tabOpportunity Reminder Log`"),
		"sales_orders": _rows("select count(*) from `tabSales Order`"),
		"notifications": _rows("select count(*) from `tabNotification Log`"),
	}


def changed_opportunities(before: dict, after: dict) -> set[str]:
	return {
		name for name, state in before["opportunities"].items() if after["opportunities"].get(name) != state
	}


def global_changes(before: dict, after: dict) -> set[str]:
	return {key for key in before if key != "opportunities" and before[key] != after[key]}


@contextmanager
def savepoint(name: str = "opp_matrix_cell"):
	"""Everything in the block is undone afterwards (and the caches it may have filled)."""
	frappe.db.savepoint(name)
	try:
		yield
	finally:
		frappe.db.rollback(save_point=name)
		frappe.local.message_log = []
		for doctype, docname in (
			("Sales Pipeline", PIPELINE_A),
			("Sales Pipeline", PIPELINE_B),
			("Sales Pipeline", PIPELINE_SPARE),
			("Opportunity Plus Settings", "Opportunity Plus Settings"),
		):
			frappe.clear_document_cache(doctype, docname)
