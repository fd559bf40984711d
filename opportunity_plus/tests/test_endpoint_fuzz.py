"""Every whitelisted method of the app under malformed input, one parameter at a time.

The methods are the ones the permission matrix introspects; their valid arguments come from the
matrix's recipes (``permission_matrix.ARGS``). Each parameter (from ``inspect.signature``) is then
replaced by malformed JSON, unknown names, wrong types, impossible dates and absurd paging, and the
method is called as a request would call it (``frappe.handler.execute_cmd``), as Administrator and
again as a Sales User. Each call must either succeed or fail with a 4xx error carrying a human
message (never a plain Python exception: that is a 500 with a traceback), and a failed call must
leave the data as it was and enqueue no background job.
"""

import inspect
import json
import re
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.tests import permission_matrix as pm
from opportunity_plus.tests import security_fixtures as sf
from opportunity_plus.tests.test_permission_matrix import app_whitelisted_methods, request_args

METHODS = app_whitelisted_methods()

# label -> value; each replaces one parameter at a time
BAD_VALUES = {
	"json [bad": "[bad",
	"json {bad": "{bad",
	"json nul": "nul",
	"unknown name": "no-such-xyz",
	"dict": {"a": {"b": 1}},
	"list": [["x"], {"y": 1}],
	"json dict": '{"a": {"b": 1}}',
	"json list": '["x", {"y": 1}]',
	"number": 12345,
	"long text": "x" * 5000,
	"bad date": "2026-13-45",
	"word date": "yesterday",
	"negative": -1,
	"huge": 10**9,
	"text number": "abc",
}
# the few a Sales User gets too (one per kind of mistake)
SALES_USER_VALUES = ("json [bad", "dict", "unknown name", "bad date", "huge")

PYTHON_LEAK = re.compile(
	r"Traceback|object at 0x|<class '|\b(Type|Key|Value|Attribute|Index|JSONDecode|Overflow)Error\b|pymysql"
)


def base_row(target: str) -> pm.Row | None:
	"""The matrix recipe of ``target`` that Administrator may run (POST-only methods by POST)."""
	rows = [row for row in pm.rows_for(target) if row.variant != "GET"]
	allowed = [row for row in rows if row.outcomes[sf.ADMIN] in (pm.ALL, pm.OWN)]
	return (allowed or rows or [None])[0]


def parameters(fn) -> list[str]:
	return [
		name
		for name, parameter in inspect.signature(fn).parameters.items()
		if parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL)
	]


def human_message(error: BaseException, messages: list) -> str:
	text = str(error).strip()
	if text:
		return text
	for message in reversed(messages):
		if isinstance(message, str):
			try:
				message = json.loads(message)
			except ValueError:
				return message
		if isinstance(message, dict) and message.get("message"):
			return str(message["message"])
	return ""


class TestEndpointFuzz(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fx = sf.build()
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.message_log = []

	def test_every_method_has_a_recipe(self):
		self.assertGreaterEqual(len(METHODS), 20)
		missing = [target for target in METHODS if not base_row(target)]
		self.assertEqual(missing, [], "methods without a row (and valid arguments) in the matrix")

	def fuzz(self, target: str, user: str, values: dict) -> None:
		row = base_row(target)
		if row is None:
			self.skipTest(f"{target} has no recipe (test_every_method_has_a_recipe fails)")
		fn = METHODS[target]
		for parameter in parameters(fn):
			for label, value in values.items():
				with self.subTest(user=user, parameter=parameter, value=label):
					self.call_once(row, user, parameter, value)

	def call_once(self, row: pm.Row, user: str, parameter: str, value) -> None:
		args = request_args(pm.ARGS[row.args](self.fx))
		args[parameter] = value
		where = f"{row.target}({parameter}={str(value)[:40]!r}) as {user}"
		before = sf.fingerprint(self.fx)
		enqueued = []
		with sf.savepoint("opp_fuzz_call"):
			frappe.local.message_log = []
			error = None
			with patch("frappe.enqueue", side_effect=lambda *a, **kw: enqueued.append((a, kw))):
				try:
					sf.call_as(user, row.target, args, row.http)
				except Exception as e:
					error = e
			messages = list(frappe.local.message_log)
			after = sf.fingerprint(self.fx) if error is not None else before
		if error is None:
			return
		status = getattr(error, "http_status_code", None)
		self.assertTrue(
			status and 400 <= status < 500,
			f"{where}: {type(error).__name__}: {str(error)[:300]} (a {status or 500} error)",
		)
		message = human_message(error, messages)
		self.assertTrue(message, f"{where}: {type(error).__name__} without a message")
		self.assertIsNone(PYTHON_LEAK.search(message), f"{where}: the message shows Python: {message[:300]}")
		self.assertEqual(
			(sf.changed_opportunities(before, after), sf.global_changes(before, after)),
			(set(), set()),
			f"{where}: a failed call changed data",
		)
		self.assertEqual(enqueued, [], f"{where}: a failed call enqueued a background job")


def _make_fuzz_test(target: str):
	def test(self):
		self.fuzz(target, "Administrator", BAD_VALUES)
		self.fuzz(target, sf.USERS[sf.SALES_USER], {label: BAD_VALUES[label] for label in SALES_USER_VALUES})

	test.__doc__ = f"{target} under malformed input"
	return test


for _target in sorted(METHODS):
	_slug = re.sub(r"[^a-z0-9]+", "_", _target.replace("opportunity_plus.", "").lower()).strip("_")
	setattr(TestEndpointFuzz, f"test_fuzz_{_slug}", _make_fuzz_test(_target))
