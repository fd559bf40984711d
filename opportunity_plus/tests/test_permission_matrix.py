"""Every endpoint of the app x every kind of user, as one table (``permission_matrix.MATRIX``).

The whitelisted methods are found by introspection (every module of the app imported, then
``frappe.whitelisted``), so a new method without a row in the table fails
``test_every_whitelisted_method_has_a_row``. Each row becomes one test method here; each column
a subTest. A cell calls the surface as a request would (``frappe.handler.execute_cmd`` with the
request's HTTP method, or what ``/api/resource`` does), inside a savepoint that is rolled back, and
checks what the user was shown (cards, names, counts, sums over exactly the opportunities they may
read) and what changed (a fingerprint of the test data before and after).
"""

import importlib
import json
import pkgutil
import re

import frappe
from frappe.share import add_docshare
from frappe.tests.utils import FrappeTestCase

import opportunity_plus
from opportunity_plus.tests import permission_matrix as pm
from opportunity_plus.tests import security_fixtures as sf

ROLE_USERS = sf.USERS


# ------------------------------------------------------------------ introspection


def app_whitelisted_methods() -> dict[str, object]:
	"""dotted path -> function, of every whitelisted function defined in the app."""
	for module in pkgutil.walk_packages(opportunity_plus.__path__, "opportunity_plus."):
		if module.name.startswith("opportunity_plus.tests"):
			continue
		importlib.import_module(module.name)
	return {
		f"{fn.__module__}.{fn.__qualname__}": fn
		for fn in frappe.whitelisted
		if getattr(fn, "__module__", "").startswith("opportunity_plus")
	}


# ------------------------------------------------------------------ calling a cell


def request_args(args: dict) -> dict:
	"""As the desk sends them: lists and dicts JSON-encoded, everything else as is."""
	return {
		key: json.dumps(value) if isinstance(value, dict | list) else value for key, value in args.items()
	}


def call(row: pm.Row, user: str, args: dict):
	if row.is_method:
		return sf.call_as(user, row.target, request_args(args), row.http)
	_rest, doctype, action = row.target.split(":")
	return sf.rest(user, action, doctype, args.get("name"), args.get("data"))


def status_of(error: BaseException) -> int | None:
	return getattr(error, "http_status_code", None)


def _encode(value):
	if hasattr(value, "as_dict"):
		return value.as_dict()
	return str(value)


def plain(value) -> str:
	return json.dumps(value, default=_encode, sort_keys=True)


# ------------------------------------------------------------------ what a cell showed


def history_opportunities() -> dict[str, str]:
	return dict(frappe.db.sql("select name, opportunity from `tabOpportunity Stage History`"))


def shown(row: pm.Row, result, fx) -> dict:
	"""What the result shows of the test data: keys of records, a count, an amount (any of them)."""
	key = fx.key_of
	probe = row.probe
	if probe == "board":
		columns = result["columns"]
		return {
			"keys": {key(card["name"]) for column in columns for card in column["cards"]},
			"count": sum(column["count"] for column in columns),
			"amount": sum(column["amount"] for column in columns),
		}
	if probe == "cards":
		return {"keys": {key(card["name"]) for card in result["cards"]}}
	if probe == "totals":
		return {
			"count": sum(value["count"] for value in result.values()),
			"amount": sum(value["amount"] for value in result.values()),
		}
	if probe == "card":
		return {"keys": {key(result["card"]["name"])} if result.get("card") else set()}
	if probe in ("open_value", "weighted_value", "won_value"):
		return {probe: result["value"]}
	if probe == "chart":
		by_name = {dataset["name"]: dataset["values"] for dataset in result["datasets"]}
		return {"open_value": round(sum(by_name["Amount"]), 2)}
	if probe == "report":
		rows = result.get("result") or []
		total = next((r for r in rows if isinstance(r, dict) and r.get("is_total")), None)
		groups = {r.get("key") for r in rows if isinstance(r, dict) and not r.get("is_total")}
		return {
			"count": total["opportunities"] if total else 0,
			"amount": total["total_amount"] if total else 0,
			"pipelines": {key(group) for group in groups if key(group)},
		}
	if probe == "stages":
		stages = [entry[0] for entry in result]
		if not stages:
			return {"keys": set()}
		assert stages == [stage for stage, *_rest in sf.STAGES], stages
		return {"keys": set(row.scope)}
	if probe == "rest_list":
		return {"keys": {key(entry["name"]) for entry in result} & set(row.scope)}
	if probe == "history_list":
		of = history_opportunities()
		return {"keys": {key(of.get(entry["name"])) for entry in result} & set(row.scope)}
	if probe == "history_read":
		return {"keys": {key(result["opportunity"])}}
	if probe == "defaults":
		return {"keys": {key(result.get("sales_pipeline"))} - {None}}
	if probe == "mapped":
		return {"keys": {key(result.get("opportunity"))} - {None}}
	return {}


def expected_shown(row: pm.Row, keys: set[str], fx) -> dict:
	"""The same measures over exactly ``keys`` (the records the cell may show)."""
	names = [fx.ids[k] for k in keys if k in fx.opps]
	amount = sum(fx.amounts[n] for n in names)
	open_names = [n for n in names if fx.status[n] not in sf.OPEN_STATUSES_EXCLUDED]
	measures = {
		"keys": set(keys),
		"count": len(names),
		"amount": amount,
		"open_value": round(sum(fx.amounts[n] for n in open_names), 2),
		"weighted_value": round(sum(fx.amounts[n] * fx.probability[n] / 100 for n in open_names), 2),
		"won_value": round(sum(fx.amounts[n] for n in names if fx.status[n] == "Converted"), 2),
		"pipelines": {k for k in ("PA", "PB") if any(fx.pipeline_of[n] == fx.ids[k] for n in names)},
	}
	return measures


# ------------------------------------------------------------------ what a cell changed

# effect -> (check on each changed opportunity (before, after), global parts it may change)
EFFECTS = {
	"moved": (lambda b, a: a["row"]["sales_stage"] == sf.NEXT, {"history", "notifications"}),
	"labelled": (lambda b, a: (sf.HOT,) in a["labels"], set()),
	"unlabelled": (lambda b, a: (sf.COLD,) not in a["labels"], set()),
	"followed": (
		lambda b, a: (
			sf.SECOND_FOLLOWER in {user for user, _created in a["followers"]}
			and sf.SECOND_FOLLOWER in {share[0] for share in a["shares"]}
		),
		{"notifications"},
	),
	"noted": (lambda b, a: a["notes"][0][0] == b["notes"][0][0] + 1, set()),
	"emailed": (lambda b, a: a["communications"][0][0] == b["communications"][0][0] + 1, {"notifications"}),
	"created": (None, {"opportunity_count", "history", "notifications"}),
	"global:pipeline_count": (None, {"pipeline_count"}),
	"global:pipelines": (None, {"pipelines", "pipeline_count"}),
	"global:labels": (None, {"labels"}),
	"global:history": (None, {"history"}),
	"global:reminders": (None, {"reminders"}),
	"global:settings": (None, {"settings"}),
}
MUST_CHANGE = {
	"created": "opportunity_count",
	"global:pipeline_count": "pipeline_count",
	"global:pipelines": "pipelines",
	"global:labels": "labels",
	"global:history": "history",
	"global:reminders": "reminders",
	"global:settings": "settings",
}


def keys_of(role: str, table: dict, everything: set[str]) -> set[str]:
	if role in table:
		return set(table[role].split())
	if role in (sf.ADMIN, sf.SALES_MANAGER, sf.SALES_USER):
		return everything
	return set()


def forbidden_texts(role: str, fx, args: dict) -> list[str]:
	"""Texts that must not appear in anything the user gets back: titles, codes and names (unless the
	request named them) of the opportunities they may not read."""
	readable = keys_of(role, pm.READABLE, set(fx.opps))
	asked = plain(args)
	texts = []
	for key, name in fx.opps.items():
		if key in readable:
			continue
		texts.append(fx.titles[name])
		if fx.codes.get(name):
			texts.append(fx.codes[name])
		if name not in asked:
			texts.append(name)
	return texts


class CellResult:
	def __init__(self, result=None, error=None, messages=None):
		self.result = result
		self.error = error
		self.messages = messages or []

	def describe(self) -> str:
		if self.error is not None:
			return f"raised {type(self.error).__name__} ({status_of(self.error)}): {str(self.error)[:200]}"
		return "returned " + plain(self.result)[:300]


# ------------------------------------------------------------------ the test case


class TestPermissionMatrix(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fx = sf.build()
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.message_log = []

	# ---------------------------------------------------------------- the table itself

	def test_every_whitelisted_method_has_a_row_and_every_row_a_method(self):
		methods = set(app_whitelisted_methods())
		self.assertGreaterEqual(len(methods), 20, methods)
		in_table = {row.target for row in pm.method_rows() if row.target.startswith("opportunity_plus")}
		self.assertEqual(sorted(methods - in_table), [], "whitelisted methods without a row in the matrix")
		self.assertEqual(sorted(in_table - methods), [], "rows naming no whitelisted method of the app")

	def test_the_table_is_well_formed(self):
		keys = [row.key for row in pm.MATRIX]
		self.assertEqual(len(keys), len(set(keys)), "two rows with the same target and variant")
		for row in pm.MATRIX:
			with self.subTest(row=row.key):
				self.assertIn(row.args, pm.ARGS)
				self.assertIn(row.http, ("GET", "POST", "PUT", "DELETE"))
				self.assertTrue(set(row.outcomes.values()) <= set(pm.OUTCOMES), row.outcomes)
				self.assertTrue(set(row.scope) <= set(self.fx.ids), row.scope)
				self.assertTrue(row.note)

	def test_readable_and_writable_of_the_table_are_what_frappe_says(self):
		"""The ground truth of OWN: Frappe's own document permission, per user and opportunity."""
		everything = set(self.fx.opps)
		for role in pm.COLUMNS:
			user = ROLE_USERS[role]
			for ptype, table in (("read", pm.READABLE), ("write", pm.WRITABLE)):
				expected = keys_of(role, table, everything) & everything
				actual = {
					key
					for key, name in self.fx.opps.items()
					if frappe.has_permission("Opportunity", ptype, name, user=user)
				}
				self.assertEqual(actual, expected, f"{role} may {ptype}")

	# ---------------------------------------------------------------- one cell

	def run_cell(self, row: pm.Row, role: str, outcome: str, user: str | None = None) -> None:
		fx = self.fx
		user = user or ROLE_USERS[role]
		args = pm.ARGS[row.args](fx)
		before = sf.fingerprint(fx)
		with sf.savepoint():
			frappe.local.message_log = []
			try:
				cell = CellResult(result=call(row, user, args))
			except Exception as e:
				cell = CellResult(error=e)
			cell.messages = list(frappe.local.message_log)
			after = sf.fingerprint(fx)
		self.assertEqual(sf.fingerprint(fx), before, "the savepoint did not undo the cell")
		self.check_cell(row, role, outcome, args, cell, before, after)

	def check_cell(self, row, role, outcome, args, cell: CellResult, before, after) -> None:
		fx = self.fx
		where = f"{row.key} as {role}: expected {outcome}, {cell.describe()}"
		error = cell.error
		if error is not None:
			status = status_of(error)
			self.assertTrue(
				status and 400 <= status < 500,
				f"{where}: a plain {type(error).__name__} is a 500 error",
			)

		# never show what the user may not read
		shown_text = plain(cell.result) + (str(error) if error else "") + plain(cell.messages)
		for text in forbidden_texts(role, fx, args):
			self.assertNotIn(text, shown_text, f"{where}: shows {text!r}, which {role} may not read")

		changed_opps = sf.changed_opportunities(before, after)
		changed_global = sf.global_changes(before, after)
		refused = error is not None or (
			row.probe in EFFECTS
			and isinstance(cell.result, dict)
			and cell.result.get("done") == 0
			and "total" in cell.result
		)

		if outcome in (pm.DENY, pm.REFUSE):
			self.assertTrue(refused, f"{where}: it was not refused")
			if outcome == pm.DENY and error is not None:
				self.assertIsInstance(error, frappe.PermissionError, f"{where}: not a 403")
			self.assertEqual((changed_opps, changed_global), (set(), set()), f"{where}: it changed data")
			return

		if outcome == pm.KEEP:
			name = fx.name(row.scope[0])
			fields = ("stage_entered_on", "stage_stay_seconds", "stage_stays", "board_rank")
			self.assertEqual(
				{f: after["opportunities"][name]["row"][f] for f in fields},
				{f: before["opportunities"][name]["row"][f] for f in fields},
				f"{where}: server-maintained fields were changed through REST",
			)
			return

		if outcome == pm.NOTHING:
			self.assertEqual((changed_opps, changed_global), (set(), set()), f"{where}: it changed data")
			if error is not None:
				self.assertIsInstance(error, frappe.PermissionError, f"{where}: not a 403")
				return
			measures = shown(row, cell.result, fx)
			expected = expected_shown(row, set(), fx)
			self.assertEqual(measures, {k: expected[k] for k in measures}, f"{where}: shows data")
			return

		# ALL / OWN: allowed
		self.assertIsNone(error, f"{where}: refused")
		scope = set(row.scope)
		if row.probe in EFFECTS:
			table = pm.WRITABLE
		else:
			table = pm.READABLE
		keys = scope if outcome == pm.ALL else scope & keys_of(role, table, set(fx.ids))
		if row.probe in EFFECTS:
			check, may_change = EFFECTS[row.probe]
			targets = {fx.ids[k] for k in keys}
			self.assertEqual(
				sorted(changed_opps), sorted(targets), f"{where}: changed other opportunities than expected"
			)
			for name in targets:
				self.assertTrue(
					check(before["opportunities"][name], after["opportunities"][name]),
					f"{where}: {fx.key_of(name)} not changed as expected",
				)
			self.assertTrue(
				changed_global <= may_change, f"{where}: also changed {changed_global - may_change}"
			)
			if row.probe in MUST_CHANGE:
				self.assertIn(MUST_CHANGE[row.probe], changed_global, f"{where}: nothing was changed")
			return

		self.assertEqual((changed_opps, changed_global), (set(), set()), f"{where}: a read changed data")
		measures = shown(row, cell.result, fx)
		expected = expected_shown(row, keys, fx)
		self.assertEqual(measures, {k: expected[k] for k in measures}, f"{where}: shows other data")

	# ---------------------------------------------------------------- beyond the table

	def test_a_select_only_role_reads_nothing(self):
		"""A role with only "Select" on Opportunity is like no read permission: every method answers
		as it does to the System User with no CRM role."""
		for row in pm.method_rows():
			with self.subTest(row=row.key):
				self.run_cell(row, sf.NO_CRM, row.outcomes[sf.NO_CRM], user=sf.SELECT_ONLY)

	def test_refusing_a_follower_does_not_tell_whether_the_user_exists(self):
		messages = {}
		for user in ("Guest", ROLE_USERS[sf.WEBSITE], sf.DISABLED_USER, sf.UNKNOWN_USER):
			with sf.savepoint():
				try:
					sf.call_as(
						ROLE_USERS[sf.SALES_USER],
						pm.BULK + "add_follower",
						{"names": json.dumps([self.fx.name("A1")]), "users": json.dumps([user])},
						"POST",
					)
					messages[user] = "accepted"
				except frappe.ValidationError as e:
					messages[user] = str(e).replace(user, "USER")
		self.assertEqual(len(set(messages.values())), 1, messages)
		self.assertNotIn("accepted", messages.values())

	def test_a_move_gives_one_answer_for_unwritable_and_missing_opportunities(self):
		answers = {}
		for label, name in (("unwritable", self.fx.name("B1")), ("missing", "CRM-OPP-NO-SUCH-ONE")):
			with sf.savepoint():
				try:
					sf.call_as(
						ROLE_USERS[sf.LIMITED],
						pm.BOARD + "move_card",
						{"opportunity": name, "to_stage": sf.NEXT, "modified": "2026-01-01 00:00:00"},
						"POST",
					)
					answers[label] = "moved"
				except Exception as e:
					answers[label] = (type(e).__name__, re.sub(re.escape(name), "NAME", str(e)))
		self.assertEqual(answers["unwritable"], answers["missing"])
		self.assertEqual(answers["missing"][0], "PermissionError")

	def test_an_existing_share_is_never_rewritten_nor_removed_by_following(self):
		fx = self.fx
		name = fx.name("A2")
		with sf.savepoint():
			add_docshare(
				"Opportunity", name, sf.SECOND_FOLLOWER, read=1, flags={"ignore_share_permission": 1}
			)
			share = dict(user=sf.SECOND_FOLLOWER, share_doctype="Opportunity", share_name=name)
			fields = ["read", "write", "share"]
			self.assertEqual(frappe.db.get_value("DocShare", share, fields), (1, 0, 0))
			sf.call_as(
				ROLE_USERS[sf.SALES_USER],
				pm.BULK + "add_follower",
				{"names": json.dumps([name]), "users": json.dumps([sf.SECOND_FOLLOWER])},
				"POST",
			)
			followers = frappe.get_all("Opportunity Follower", {"parent": name}, pluck="user")
			self.assertIn(sf.SECOND_FOLLOWER, followers)
			self.assertEqual(frappe.db.get_value("DocShare", share, fields), (1, 0, 0), "share rewritten")
			sf.rest(ROLE_USERS[sf.SALES_USER], "update", "Opportunity", name, {"opportunity_followers": []})
			self.assertEqual(
				frappe.db.get_value("DocShare", share, fields),
				(1, 0, 0),
				"a share the app did not make was changed",
			)

	def test_the_chart_does_not_read_the_filters_of_a_chart_the_user_may_not_read(self):
		"""The saved chart filters pipeline B and is readable by Sales Managers only."""
		chart_args = {"chart_name": sf.CHART}
		b_only = 4400 + 8800
		everything_open = 1100 + 4400 + 8800
		manager = sf.call_as(ROLE_USERS[sf.SALES_MANAGER], pm.CHART, chart_args, "GET")
		self.assertEqual(round(sum(manager["datasets"][1]["values"]), 2), b_only)
		self.assertFalse(
			frappe.has_permission("Dashboard Chart", "read", sf.CHART, user=ROLE_USERS[sf.SALES_USER])
		)
		sales = sf.call_as(ROLE_USERS[sf.SALES_USER], pm.CHART, chart_args, "GET")
		self.assertEqual(
			round(sum(sales["datasets"][1]["values"]), 2),
			everything_open,
			"the chart used the filters of a Dashboard Chart the user may not read",
		)


def _make_row_test(row: pm.Row):
	def test(self):
		for role in pm.COLUMNS:
			with self.subTest(role=role):
				self.run_cell(row, role, row.outcomes[role])

	test.__doc__ = f"{row.key}: {row.note}"
	return test


for _index, _row in enumerate(pm.MATRIX):
	_slug = re.sub(r"[^a-z0-9]+", "_", _row.key.replace("opportunity_plus.", "").lower()).strip("_")
	setattr(TestPermissionMatrix, f"test_row_{_index:02d}_{_slug}", _make_row_test(_row))
