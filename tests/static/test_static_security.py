"""Security rules of the app's Python code, read with ast (neither frappe nor the app is imported).

1. A whitelisted method that writes is POST-only. Frappe lets any whitelisted method be called with
   GET unless ``methods=`` says otherwise, and a GET can be triggered cross-site (a link, an image):
   a method that saves, deletes, shares, enqueues... must say ``@frappe.whitelist(methods=["POST"])``
   (PUT/DELETE may be added, GET never). Whether a method writes is decided by a conservative
   static call graph: its body, or any function of the app it calls or references (same module,
   ``from opportunity_plus.x import f``, ``from opportunity_plus.x import module`` + ``module.f``,
   ``import opportunity_plus.x as m`` + ``m.f``, ``self.method`` in a class), transitively, contains a
   write primitive (``WRITE_METHODS``, ``WRITE_FUNCTIONS``, ``WRITE_NAMES`` below).

2. Values put into messages are escaped (see ``opportunity_plus/messages.py``): no ``frappe.bold``
   of a raw value, every argument of ``_("...").format(...)`` is safe (``SAFE_CALLS``, literals,
   ``esc``/``bold`` of ``opportunity_plus.messages``...) or its line says why with a trailing
   ``# safe-html: <reason>`` comment, and no f-string, ``%`` or ``+`` with raw values is given
   straight to ``frappe.throw``/``frappe.msgprint``.

Both checkers test themselves on inline snippets first, so a checker that sees nothing cannot pass.
"""

import ast
import io
import re
import sys
import tokenize
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_helpers import APP_DIR, APP_NAME, REPO, is_whitelisted, module_file, rel

# ================================================================== reading the app's modules


def is_test_file(path: Path) -> bool:
	parts = path.relative_to(APP_DIR).parts
	return parts[0] == "tests" or path.name.startswith("test_") or path.name == "conftest.py"


def app_python_files() -> list[Path]:
	return sorted(p for p in APP_DIR.rglob("*.py") if not is_test_file(p) and "node_modules" not in p.parts)


def module_name_of(path: Path) -> str:
	parts = list(path.relative_to(REPO).with_suffix("").parts)
	if parts[-1] == "__init__":
		parts.pop()
	return ".".join(parts)


@dataclass
class Module:
	name: str  # dotted name, e.g. opportunity_plus.api.bulk
	label: str  # path shown in messages
	text: str
	tree: ast.Module
	is_package: bool
	imports: dict[str, str] = field(default_factory=dict)  # local name -> dotted name it stands for
	top: dict[str, ast.AST] = field(default_factory=dict)  # top-level name -> def / class / assignment

	def __post_init__(self):
		# Imports anywhere in the module (functions import lazily too) make one table: a local
		# import rarely shadows another one, and the checks only need to know where names come from.
		for node in ast.walk(self.tree):
			if isinstance(node, ast.Import):
				for alias in node.names:
					if alias.asname:
						self.imports[alias.asname] = alias.name
					else:
						first = alias.name.split(".")[0]
						self.imports[first] = first
			elif isinstance(node, ast.ImportFrom):
				base = self.absolute(node.module, node.level)
				for alias in node.names:
					if alias.name != "*":
						self.imports[alias.asname or alias.name] = (
							f"{base}.{alias.name}" if base else alias.name
						)
		for node in self.tree.body:
			if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
				self.top[node.name] = node
			elif isinstance(node, ast.Assign):
				for target in node.targets:
					if isinstance(target, ast.Name):
						self.top[target.id] = node
			elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
				self.top[node.target.id] = node

	def absolute(self, module: str | None, level: int) -> str:
		if not level:
			return module or ""
		package = self.name.split(".") if self.is_package else self.name.split(".")[:-1]
		package = package[: len(package) - (level - 1)]
		return ".".join([*package, module] if module else package)

	def qualify(self, expr: ast.AST) -> str | None:
		"""The dotted name an expression stands for: `frappe.db.sql`, `opportunity_plus.x.f`, or a bare
		local name (`doc.save`, `len`); None when its root is not a name (a call, a subscript...)."""
		if isinstance(expr, ast.Attribute):
			base = self.qualify(expr.value)
			return f"{base}.{expr.attr}" if base else None
		if isinstance(expr, ast.Name):
			if expr.id in self.imports:
				return self.imports[expr.id]
			if expr.id in self.top:
				return f"{self.name}.{expr.id}"
			return expr.id
		return None


class Sources:
	"""Modules of the app by dotted name: the repository's files, or inline sources (self-tests)."""

	def __init__(self, inline: dict[str, str] | None = None):
		self.inline = inline
		self.cache: dict[str, Module | None] = {}
		self.errors: list[str] = []

	def module(self, name: str) -> Module | None:
		if name in self.cache:
			return self.cache[name]
		found = None
		if self.inline is not None:
			if name in self.inline:
				found = (self.inline[name], name.replace(".", "/") + ".py", False)
		elif name == APP_NAME or name.startswith(APP_NAME + "."):
			path = module_file(name)
			if path:
				found = (path.read_text(encoding="utf-8"), rel(path), path.name == "__init__.py")
		module = None
		if found:
			text, label, is_package = found
			try:
				module = Module(name, label, text, ast.parse(text, filename=label), is_package)
			except SyntaxError as e:
				self.errors.append(f"{label}: does not parse: {e}")
		self.cache[name] = module
		return module

	def all_modules(self) -> list[Module]:
		names = (
			sorted(self.inline)
			if self.inline is not None
			else [module_name_of(p) for p in app_python_files()]
		)
		return [m for m in (self.module(n) for n in names) if m is not None]


# ================================================================== 1. writing methods are POST-only

# Calls of these attributes, on anything (a document, a query, a call's result), write.
WRITE_METHODS = frozenset(
	{
		"save",
		"insert",  # but not list.insert(index, value): two positional arguments
		"db_insert",
		"db_update",
		"db_set",
		"delete",  # doc.delete(), frappe.qb.from_(t).delete()
		"submit",
		"cancel",
		"add_note",  # ERPNext's CRMNote: appends and saves the document
		"add_comment",
	}
)
# Calls of these functions (dotted names, imports resolved) write.
WRITE_FUNCTIONS = frozenset(
	{
		"frappe.db.set_value",
		"frappe.db.set_single_value",
		"frappe.db.delete",
		"frappe.db.truncate",
		"frappe.db.sql",  # any SQL: it can write, and a reader has the query builder
		"frappe.db.multisql",
		"frappe.db.sql_ddl",
		"frappe.db.bulk_insert",
		"frappe.db.bulk_update",
		"frappe.db.set_default",
		"frappe.db.commit",
		"frappe.qb.update",
		"frappe.qb.into",
		"frappe.delete_doc",
		"frappe.delete_doc_if_exists",
		"frappe.rename_doc",
		"frappe.enqueue",
		"frappe.enqueue_doc",
		"frappe.share.add",
		"frappe.share.add_docshare",
		"frappe.share.remove",
		"frappe.share.set_permission",
		"frappe.desk.form.assign_to.add",
		"frappe.desk.form.assign_to.remove",
		"frappe.desk.form.assign_to.close",
		"frappe.client.set_value",
		"frappe.client.insert",
		"frappe.client.save",
		"frappe.client.delete",
	}
)
# Functions that write whatever they are reached through (`from x import set_value`, `obj.db_set`).
WRITE_NAMES = frozenset(
	{
		"add_docshare",
		"make_property_setter",
		"set_value",
		"db_set",
		"delete_doc",
		"rename_doc",
		"enqueue",
		"enqueue_doc",
	}
)
# Not writes (documented decisions): frappe.publish_realtime / publish_progress (messages to
# browsers), frappe.log_error (Frappe logs errors of GET requests too), run_method (runs a
# controller hook; mapped documents call it on unsaved targets, the save itself is what counts),
# get_mapped_doc / frappe.new_doc / frappe.get_doc (unsaved documents), frappe.db.savepoint/rollback.
# Functions of the app that only read although they call a writing primitive: each one refuses
# anything but a read (a documented decision, tested where it is defined).
READS_ONLY = frozenset({("opportunity_plus.queries.select_only", "run_select")})
POST_METHODS_ALLOWED = frozenset({"POST", "PUT", "DELETE"})
FRAPPE_DEFAULT_METHODS = ("GET", "POST", "PUT", "DELETE")  # frappe.whitelist(methods=None)


def short(code: str, limit: int = 70, head: bool = False) -> str:
	"""Code on one line, cut to `limit` characters (keeping its end, or its start with `head`)."""
	code = " ".join(code.split())
	if len(code) <= limit:
		return code
	return code[: limit - 1] + "…" if head else "…" + code[-(limit - 1) :]


def write_primitive(module: Module, call: ast.Call) -> str | None:
	"""How `call` writes (its code, shortened), or None."""
	func = call.func
	dotted = module.qualify(func)
	if dotted and (dotted in WRITE_FUNCTIONS or dotted.rsplit(".", 1)[-1] in WRITE_NAMES):
		return f"{short(ast.unparse(func))}()"
	if isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS:
		if func.attr == "insert" and len(call.args) == 2 and not call.keywords:
			return None  # list.insert(index, value)
		return f"{short(ast.unparse(func))}()"
	return None


@dataclass
class FunctionInfo:
	key: tuple[str, str]  # (module, qualified name in it)
	label: str  # file:line
	writes: list[tuple[str, int]]  # (write primitive, line)
	edges: list[tuple[tuple[str, str], int]]  # (function of the app it calls or references, line)


class WriteGraph:
	"""Which functions of the app write, through which calls."""

	def __init__(self, sources: Sources):
		self.sources = sources
		self.infos: dict[tuple[str, str], FunctionInfo | None] = {}

	def definition(self, key: tuple[str, str]):
		"""(module, def node, class node or None) of a key."""
		module = self.sources.module(key[0])
		if module is None:
			return None
		name, _, method = key[1].partition(".")
		node = module.top.get(name)
		if method and isinstance(node, ast.ClassDef):
			for item in node.body:
				if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name == method:
					return module, item, node
			return None
		if not method and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Assign):
			return module, node, None
		return None

	def resolve(self, dotted: str, depth: int = 0) -> tuple[str, str] | None:
		"""Key of the app's function (or top-level assignment, e.g. a dict of handlers) `dotted` names."""
		if depth > 5 or not (dotted == APP_NAME or dotted.startswith(APP_NAME + ".")):
			return None
		parts = dotted.split(".")
		for split in range(len(parts) - 1, 0, -1):
			module = self.sources.module(".".join(parts[:split]))
			if module is None:
				continue
			attrs = parts[split:]
			if attrs[0] in module.top:
				key = (module.name, ".".join(attrs[:2]))
				return key if len(attrs) <= 2 and self.definition(key) else None
			if attrs[0] in module.imports:  # a re-export
				return self.resolve(".".join([module.imports[attrs[0]], *attrs[1:]]), depth + 1)
			return None
		return None

	def info(self, key: tuple[str, str]) -> FunctionInfo | None:
		if key not in self.infos:
			self.infos[key] = self._analyse(key)
		return self.infos[key]

	def _analyse(self, key: tuple[str, str]) -> FunctionInfo | None:
		found = self.definition(key)
		if found is None:
			return None
		module, node, cls = found
		if key in READS_ONLY:
			return FunctionInfo(key, f"{module.label}:{node.lineno}", [], [])
		writes, edges = [], []
		body = node.body if not isinstance(node, ast.Assign) else [node.value]
		for statement in body:
			for sub in ast.walk(statement):
				if isinstance(sub, ast.Call):
					primitive = write_primitive(module, sub)
					if primitive:
						writes.append((primitive, sub.lineno))
				if isinstance(sub, ast.Name | ast.Attribute) and isinstance(sub.ctx, ast.Load):
					target = None
					if (
						cls is not None
						and isinstance(sub, ast.Attribute)
						and isinstance(sub.value, ast.Name)
						and sub.value.id == "self"
					):
						candidate = (module.name, f"{cls.name}.{sub.attr}")
						target = candidate if self.definition(candidate) else None
					else:
						dotted = module.qualify(sub)
						target = self.resolve(dotted) if dotted else None
					if target and target != key:
						edges.append((target, sub.lineno))
		return FunctionInfo(key, f"{module.label}:{node.lineno}", writes, edges)

	def write_chain(self, key: tuple[str, str]) -> list[str] | None:
		"""The shortest chain of calls from `key` to a write, as lines to show; None if it never writes."""
		parents: dict[tuple[str, str], tuple[tuple[str, str], int] | None] = {key: None}
		queue = deque([key])
		while queue:
			current = queue.popleft()
			info = self.info(current)
			if info is None:
				continue
			if info.writes:
				primitive, line = info.writes[0]
				module_label = info.label.rsplit(":", 1)[0]
				chain = [f"{self.name(current)} writes: {primitive} at {module_label}:{line}"]
				while parents[current] is not None:
					caller, call_line = parents[current]
					caller_label = self.info(caller).label.rsplit(":", 1)[0]
					chain.append(
						f"{self.name(caller)} calls {self.name(current)} at {caller_label}:{call_line}"
					)
					current = caller
				return chain[::-1]
			for target, line in info.edges:
				if target not in parents:
					parents[target] = (current, line)
					queue.append(target)
		return None

	@staticmethod
	def name(key: tuple[str, str]) -> str:
		return f"{key[0]}.{key[1]}"


def allowed_methods(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[tuple[str, ...] | None, str]:
	"""HTTP methods of a whitelisted function as Frappe allows them, and how they were written."""
	for decorator in func.decorator_list:
		target = decorator.func if isinstance(decorator, ast.Call) else decorator
		name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
		if name != "whitelist":
			continue
		if not isinstance(decorator, ast.Call):
			return FRAPPE_DEFAULT_METHODS, "@frappe.whitelist (no methods: Frappe allows GET)"
		value = next((k.value for k in decorator.keywords if k.arg == "methods"), None)
		if value is None and len(decorator.args) >= 3:  # whitelist(allow_guest, xss_safe, methods)
			value = decorator.args[2]
		if value is None or (isinstance(value, ast.Constant) and value.value is None):
			return FRAPPE_DEFAULT_METHODS, f"@{ast.unparse(decorator)} (no methods: Frappe allows GET)"
		try:
			methods = ast.literal_eval(value)
		except ValueError:
			return None, f"@{ast.unparse(decorator)} (methods cannot be read statically)"
		if isinstance(methods, str):
			methods = [methods]
		return tuple(methods), f"@{ast.unparse(decorator)}"
	return None, "not whitelisted"


def is_post_only(methods: tuple[str, ...] | None) -> bool:
	return bool(methods) and "POST" in methods and set(methods) <= POST_METHODS_ALLOWED


def whitelisted_functions(sources: Sources):
	"""(module, def node, key) of every whitelisted function and method of a class."""
	for module in sources.all_modules():
		for node in module.tree.body:
			if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and is_whitelisted(node):
				yield module, node, (module.name, node.name)
			elif isinstance(node, ast.ClassDef):
				for item in node.body:
					if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and is_whitelisted(item):
						yield module, item, (module.name, f"{node.name}.{item.name}")


def getable_writers(sources: Sources) -> dict[str, str]:
	"""Dotted name -> failure message, for every whitelisted function that writes and allows GET."""
	graph = WriteGraph(sources)
	failures = {}
	for module, node, key in whitelisted_functions(sources):
		methods, written = allowed_methods(node)
		if is_post_only(methods):
			continue
		chain = graph.write_chain(key)
		if chain is None:
			continue
		failures[WriteGraph.name(key)] = (
			f"{WriteGraph.name(key)} ({module.label}:{node.lineno}) writes but is not POST-only: {written}.\n"
			f'  Use @frappe.whitelist(methods=["POST"]). Why it writes:\n    ' + "\n    ".join(chain)
		)
	return failures


SELF_TEST_WRITES = {
	"opportunity_plus.selftest.api": """
import frappe
from frappe.model.mapper import get_mapped_doc
from opportunity_plus.selftest import helpers
from opportunity_plus.selftest.helpers import save_it
import opportunity_plus.selftest.deep as deep
from .helpers import HANDLERS


@frappe.whitelist()
def getable_writer(name):
	return load_and_save(name)


def load_and_save(name):
	save_it(frappe.get_doc("Note", name))


@frappe.whitelist(methods=["POST"])
def post_writer(name):
	save_it(frappe.get_doc("Note", name))


@frappe.whitelist(methods=["POST", "DELETE"])
def post_delete_writer(name):
	frappe.delete_doc("Note", name)


@frappe.whitelist(methods=["GET", "POST"])
def get_post_writer():
	helpers.share()


@frappe.whitelist
def bare_whitelist_writer():
	deep.commit_it()


@frappe.whitelist(allow_guest=True)
def handler_writer(action):
	return HANDLERS[action]()


@frappe.whitelist()
def qb_writer():
	frappe.qb.update("tabNote").set("title", "x").run()


@frappe.whitelist()
def reader(name):
	rows = []
	rows.insert(0, name)
	frappe.publish_realtime("note", {})
	target = get_mapped_doc("Note", name, {})
	target.run_method("set_missing_values")
	return target, helpers.read_only(), frappe.db.get_value("Note", name, "title")


class Note:
	@frappe.whitelist()
	def getable_method(self):
		self.touch()

	def touch(self):
		self.db_set("title", "x")
""",
	"opportunity_plus.selftest.helpers": """
import frappe
from frappe import share as sharing


def save_it(doc):
	doc.save()


def share():
	sharing.add("Note", "x", "someone@example.com")


def read_only():
	return frappe.get_all("Note")


def enqueue_it():
	frappe.enqueue("x.y")


HANDLERS = {"enqueue": enqueue_it, "read": read_only}
""",
	"opportunity_plus.selftest.deep": """
from frappe import db


def commit_it():
	db.commit()
""",
}


def test_write_checker_on_inline_sources():
	failures = getable_writers(Sources(SELF_TEST_WRITES))
	flagged = {name.rsplit(".", 1)[-1] for name in failures}
	assert flagged == {
		"getable_writer",
		"get_post_writer",
		"bare_whitelist_writer",
		"handler_writer",
		"qb_writer",
		"getable_method",
	}, failures
	message = failures["opportunity_plus.selftest.api.getable_writer"]
	assert "opportunity_plus/selftest/api.py:" in message
	assert "calls opportunity_plus.selftest.api.load_and_save" in message
	assert "calls opportunity_plus.selftest.helpers.save_it" in message
	assert "doc.save()" in message
	assert "sharing.add()" in failures["opportunity_plus.selftest.api.get_post_writer"]
	assert "db.commit()" in failures["opportunity_plus.selftest.api.bare_whitelist_writer"]
	assert "frappe.enqueue()" in failures["opportunity_plus.selftest.api.handler_writer"]
	assert "self.db_set()" in failures["opportunity_plus.selftest.api.Note.getable_method"]


def test_methods_of_whitelist():
	def methods_of(source):
		return allowed_methods(ast.parse(source).body[0])[0]

	assert not is_post_only(methods_of("@frappe.whitelist()\ndef f(): pass"))
	assert not is_post_only(methods_of("@frappe.whitelist\ndef f(): pass"))
	assert not is_post_only(methods_of('@frappe.whitelist(methods=["GET", "POST"])\ndef f(): pass'))
	assert not is_post_only(methods_of('@frappe.whitelist(methods=["post"])\ndef f(): pass'))
	assert not is_post_only(methods_of("@frappe.whitelist(methods=METHODS)\ndef f(): pass"))
	assert is_post_only(methods_of('@frappe.whitelist(methods=["POST"])\ndef f(): pass'))
	assert is_post_only(methods_of('@frappe.whitelist(methods=("POST", "PUT"))\ndef f(): pass'))


REPO_SOURCES = Sources()
WHITELISTED = sorted(WriteGraph.name(key) for _m, _n, key in whitelisted_functions(REPO_SOURCES))


def test_app_sources_parse():
	assert not REPO_SOURCES.errors, "\n".join(REPO_SOURCES.errors)


def test_checker_sees_the_app():
	"""Guards against a checker that silently sees nothing: the app has whitelisted methods, some write."""
	assert len(WHITELISTED) >= 5, WHITELISTED
	graph = WriteGraph(REPO_SOURCES)
	writers = [key for _m, _n, key in whitelisted_functions(REPO_SOURCES) if graph.write_chain(key)]
	assert writers, "no whitelisted method of the app writes? the write checker is broken"


@pytest.fixture(scope="module")
def getable_app_writers() -> dict[str, str]:
	return getable_writers(REPO_SOURCES)


@pytest.mark.parametrize("method", WHITELISTED)
def test_writing_whitelisted_method_is_post_only(method, getable_app_writers):
	assert method not in getable_app_writers, getable_app_writers.get(method)


# ================================================================== 2. values in messages are escaped

MESSAGES_MODULE = f"{APP_NAME}.messages"
ESCAPERS = frozenset(
	{f"{MESSAGES_MODULE}.esc", f"{MESSAGES_MODULE}.bold", "esc", "bold", "messages.esc", "messages.bold"}
)
# Calls whose result is a number or text made by Frappe/the app from numbers: safe in a message.
SAFE_CALLS = frozenset(
	{"len", "int", "cint", "flt", "round", "abs", "fmt_money", "format_duration", "describe_duration"}
)
MESSAGE_FUNCTIONS = frozenset({"frappe.throw", "frappe.msgprint"})
MARKER = re.compile(r"#\s*safe-html:(.*)$")
FIX = (
	"Wrap each value in esc() or bold() of opportunity_plus.messages, or, when it cannot carry HTML,"
	" end the line of the value with `# safe-html: <reason>`."
)


def markers(text: str) -> dict[int, str]:
	"""Line -> reason of the `# safe-html: <reason>` comments of a source."""
	found = {}
	for token in tokenize.generate_tokens(io.StringIO(text).readline):
		if token.type == tokenize.COMMENT:
			match = MARKER.search(token.string)
			if match:
				found[token.start[0]] = match.group(1).strip()
	return found


class EscapeChecker:
	def __init__(self, module: Module):
		self.module = module
		self.markers = markers(module.text)
		self.violations: list[tuple[int, str]] = []

	# ---------------------------------------------------------------- what is safe

	def is_translation(self, expr: ast.AST) -> bool:
		"""`_(...)`, or `_("a") if c else _("b")`: a translated message."""
		if isinstance(expr, ast.IfExp):
			return self.is_translation(expr.body) and self.is_translation(expr.orelse)
		if not isinstance(expr, ast.Call):
			return False
		dotted = self.module.qualify(expr.func)
		return dotted in ("_", "frappe._", f"{APP_NAME}.rules._")

	def is_constant_translation(self, expr: ast.AST) -> bool:
		"""`_("literal")`: a translated constant."""
		if isinstance(expr, ast.IfExp):
			return self.is_constant_translation(expr.body) and self.is_constant_translation(expr.orelse)
		return (
			self.is_translation(expr)
			and bool(expr.args)
			and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in expr.args)
		)

	def is_translated_format(self, expr: ast.AST) -> bool:
		return (
			isinstance(expr, ast.Call)
			and isinstance(expr.func, ast.Attribute)
			and expr.func.attr == "format"
			and self.is_translation(expr.func.value)
		)

	def is_frappe_bold(self, expr: ast.AST) -> bool:
		return isinstance(expr, ast.Call) and self.module.qualify(expr.func) == "frappe.bold"

	def is_safe(self, expr: ast.AST) -> bool:
		"""A value that cannot carry HTML, or has been escaped."""
		if isinstance(expr, ast.Constant):
			return isinstance(expr.value, str | int | float | bool) or expr.value is None
		if isinstance(expr, ast.UnaryOp):
			return self.is_safe(expr.operand)
		if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
			return self.is_safe(expr.left) and self.is_safe(expr.right)
		if isinstance(expr, ast.IfExp):
			return self.is_safe(expr.body) and self.is_safe(expr.orelse)
		if isinstance(expr, ast.JoinedStr):
			return all(self.is_safe(v.value) for v in expr.values if isinstance(v, ast.FormattedValue))
		if not isinstance(expr, ast.Call):
			return False
		if self.is_constant_translation(expr):
			return True
		if self.is_translated_format(expr) or self.is_frappe_bold(expr):
			return True  # checked where it stands
		func = expr.func
		if isinstance(func, ast.Attribute) and func.attr == "join" and isinstance(func.value, ast.Constant):
			items = expr.args[0] if len(expr.args) == 1 else None
			if isinstance(items, ast.GeneratorExp | ast.ListComp | ast.SetComp):
				return self.is_safe(items.elt)
			if isinstance(items, ast.List | ast.Tuple):
				return all(self.is_safe(item) for item in items.elts)
			return False
		dotted = self.module.qualify(func)
		if not dotted:
			return False
		if dotted in ESCAPERS:
			return True
		head, _, last = dotted.rpartition(".")
		return last in SAFE_CALLS and (not head or head == "frappe" or head.startswith(("frappe.", APP_NAME)))

	# ---------------------------------------------------------------- reporting

	def marked(self, expr: ast.AST) -> bool:
		for line in range(expr.lineno, (expr.end_lineno or expr.lineno) + 1):
			if self.markers.get(line):
				return True
		return False

	def report(self, expr: ast.AST, what: str) -> None:
		self.violations.append((expr.lineno, f"{self.module.label}:{expr.lineno}: {what}"))

	def check(self) -> list[str]:
		for line, reason in self.markers.items():
			if not reason:
				self.violations.append((line, f"{self.module.label}:{line}: `# safe-html:` without a reason"))
		for node in ast.walk(self.module.tree):
			if not isinstance(node, ast.Call):
				continue
			if self.is_frappe_bold(node):
				self.check_frappe_bold(node)
			if self.is_translated_format(node):
				self.check_format_arguments(node)
			if self.module.qualify(node.func) in MESSAGE_FUNCTIONS:
				self.check_message_argument(node)
		return [message for _line, message in sorted(self.violations)]

	def check_frappe_bold(self, call: ast.Call) -> None:
		args = [*call.args, *(k.value for k in call.keywords)]
		arg = args[0] if args else None
		if arg is None:
			return
		if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
			return
		if self.is_constant_translation(arg):
			return
		if isinstance(arg, ast.Call) and self.module.qualify(arg.func) in {
			f"{MESSAGES_MODULE}.esc",
			"esc",
			"messages.esc",
		}:
			return
		self.report(
			call,
			f"frappe.bold({short(ast.unparse(arg))}) of a raw value: use bold() of opportunity_plus.messages",
		)

	def check_format_arguments(self, call: ast.Call) -> None:
		template = short(ast.unparse(call.func.value), 60, head=True)
		arguments = [*call.args, *(k.value for k in call.keywords)]
		for keyword in call.keywords:
			if keyword.arg is None:  # **params: values unknown here
				arguments.remove(keyword.value)
				if not self.marked(keyword.value):
					self.report(
						keyword.value,
						f"{template}.format(**{short(ast.unparse(keyword.value))}): values not checked",
					)
		for arg in arguments:
			value = arg.value if isinstance(arg, ast.Starred) else arg
			if isinstance(arg, ast.Starred) or not self.is_safe(value):
				if not self.marked(arg):
					self.report(
						arg,
						f"{template}.format(...) argument `{short(ast.unparse(arg))}` is not escaped",
					)

	def check_message_argument(self, call: ast.Call) -> None:
		"""f-strings, `%`, `+` and "literal".format() given straight to frappe.throw/msgprint."""
		args = call.args[:1] + [k.value for k in call.keywords if k.arg in ("msg", "title")]
		if len(call.args) >= 3:  # throw(msg, exc, title) / msgprint(msg, title)
			args.append(call.args[2])
		elif len(call.args) == 2 and self.module.qualify(call.func) == "frappe.msgprint":
			args.append(call.args[1])
		for arg in args:
			for part in self.raw_parts(arg):
				if not self.marked(part):
					self.report(
						part,
						f"{self.module.qualify(call.func)}() message `{short(ast.unparse(arg), 60, head=True)}` "
						f"puts `{short(ast.unparse(part))}` in unescaped",
					)

	def raw_parts(self, expr: ast.AST) -> list[ast.AST]:
		"""The unsafe values an f-string, `%`, `+` or "literal".format() builds a message of."""
		if isinstance(expr, ast.JoinedStr):
			return [
				v.value
				for v in expr.values
				if isinstance(v, ast.FormattedValue) and not self.is_safe(v.value)
			]
		if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
			parts = []
			for side in (expr.left, expr.right):
				if isinstance(side, ast.BinOp | ast.JoinedStr):
					parts.extend(self.raw_parts(side))
				elif not self.is_safe(side):
					parts.append(side)
			return parts
		if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
			values = expr.right.elts if isinstance(expr.right, ast.Tuple) else [expr.right]
			return [v for v in values if not self.is_safe(v)]
		if (
			isinstance(expr, ast.Call)
			and isinstance(expr.func, ast.Attribute)
			and expr.func.attr == "format"
			and isinstance(expr.func.value, ast.Constant)
		):
			values = [*expr.args, *(k.value for k in expr.keywords)]
			return [v for v in values if isinstance(v, ast.Starred) or not self.is_safe(v)]
		return []


def escaping_violations(module: Module) -> list[str]:
	return EscapeChecker(module).check()


SELF_TEST_ESCAPING = """
import frappe
from frappe import _
from frappe.utils import cint, fmt_money
from opportunity_plus.messages import bold, esc
from opportunity_plus.durations import describe_duration


def messages(doc, name, count, items, seconds):
	frappe.throw(_("Stage {0}").format(name))  # BAD
	frappe.throw(_("Stage {0}").format(doc.sales_stage))  # BAD
	frappe.throw(_("Stage {0}").format(items[0]))  # BAD
	frappe.throw(_("Stage {0}").format(doc.get_title()))  # BAD
	frappe.throw(_("Stage {0}").format(f"{name}"))  # BAD
	frappe.throw(_("Stage {0}").format(bold(name)))
	frappe.throw(_("Stage {0} ({count})").format(esc(name), count=cint(count)))
	frappe.throw(_("Stage {0}").format(frappe.bold(name)))  # BAD
	frappe.msgprint(_("Stage {0}").format(frappe.bold(esc(name))))
	frappe.msgprint(_("{0} rows").format(count))  # safe-html: an int count
	frappe.msgprint(
		_("{0} rows in {1}").format(
			count,  # safe-html: an int count
			name,  # BAD
		)
	)
	frappe.msgprint(_("{0} rows, {1}, {2} {3} {4}").format(len(items), 3, "x", _("y"), -1))
	frappe.msgprint(_("{0} for {1}").format(fmt_money(doc.amount), describe_duration(seconds, _)))
	frappe.msgprint(_("{0}").format(frappe.utils.flt(count) + 1))
	frappe.msgprint(_("{0}").format(" " + _("and {0} more").format(count)))  # BAD
	frappe.throw(f"Stage {name}")  # BAD
	frappe.throw(f"Stage {esc(name)}")
	frappe.throw("Stage %s" % name)  # BAD
	frappe.throw("Stage %s of %s" % (bold(name), count))  # BAD
	frappe.throw("Stage " + doc.name)  # BAD
	frappe.throw("Stage " + bold(doc.name) + _("done"))
	frappe.throw("{}: {}".format(esc(name), doc.title))  # BAD
	frappe.throw(_("Stage"), title=f"Stage {name}")  # BAD
	frappe.throw(_("Stage"), frappe.ValidationError, "Stage " + name)  # BAD
	frappe.throw(f"Stage {name}")  # safe-html: a name made by the app
	x = (_("a {0}") if count else _("b {0}")).format(doc.title)  # BAD
	y = _("{0}").format(**doc.as_dict())  # BAD
	y = _("{0}").format(*items)  # BAD
	z = _("{0}").format(", ".join(esc(i) for i in items))
	z = _("{0}").format(", ".join([bold(name), _("x")]))
	w = _("{0}").format(", ".join(items))  # BAD
	v = _("{0}").format(_(doc.status))  # BAD
	t = _(doc.template).format(name)  # BAD
	frappe.bold(_("literal"))
	frappe.bold("literal")
	frappe.bold(esc(name))
	frappe.bold(name)  # BAD
	frappe.bold(_(name))  # BAD
	u = _("{0}").format(name)  # safe-html:
	return "{} {}".format(name, doc.title)  # not a message given to throw/msgprint: not checked
"""


def test_escape_checker_on_inline_source():
	module = Module(
		"opportunity_plus.selftest.escaping",
		"selftest/escaping.py",
		SELF_TEST_ESCAPING,
		ast.parse(SELF_TEST_ESCAPING),
		False,
	)
	lines = SELF_TEST_ESCAPING.splitlines()
	expected = {
		number
		for number, line in enumerate(lines, start=1)
		if line.rstrip().endswith(("# BAD", "# safe-html:"))
	}
	violations = escaping_violations(module)
	found = {int(v.split(":")[1]) for v in violations}
	missed = sorted(expected - found)
	wrong = sorted(found - expected)
	assert not missed and not wrong, (
		f"not flagged: {[lines[n - 1].strip() for n in missed]}\n"
		f"flagged wrongly: {[lines[n - 1].strip() for n in wrong]}\n" + "\n".join(violations)
	)
	assert any("argument `name` is not escaped" in v for v in violations), violations
	assert any("frappe.bold(name) of a raw value" in v for v in violations), violations
	assert any("`# safe-html:` without a reason" in v for v in violations), violations


def test_markers():
	assert markers("x = 1  # safe-html: int count\ny = '# safe-html: in a string'\n") == {1: "int count"}


ESCAPED_MODULES = [m for m in REPO_SOURCES.all_modules() if m.name != MESSAGES_MODULE]


@pytest.mark.parametrize("module", ESCAPED_MODULES, ids=lambda m: m.label)
def test_values_in_messages_are_escaped(module):
	violations = escaping_violations(module)
	assert not violations, (
		f"{len(violations)} unescaped value(s) in messages:\n  " + "\n  ".join(violations) + f"\n{FIX}"
	)
