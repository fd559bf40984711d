"""Shared helpers of the static checks: read the app's files without importing frappe or the app."""

import ast
import json
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APP_NAME = "opportunity_plus"
APP_DIR = REPO / APP_NAME  # the python package: hooks.py, modules.txt, patches.txt, module folders
EXTERNAL_DOCTYPES_FILE = Path(__file__).resolve().parent / "frappe_erpnext_doctypes.txt"

# Every value of DocField.fieldtype in Frappe v15.
FIELDTYPES = frozenset(
	{
		"Autocomplete",
		"Attach",
		"Attach Image",
		"Barcode",
		"Button",
		"Check",
		"Code",
		"Color",
		"Column Break",
		"Currency",
		"Data",
		"Date",
		"Datetime",
		"Duration",
		"Dynamic Link",
		"Float",
		"Fold",
		"Geolocation",
		"Heading",
		"HTML",
		"HTML Editor",
		"Icon",
		"Image",
		"Int",
		"JSON",
		"Link",
		"Long Text",
		"Markdown Editor",
		"Password",
		"Percent",
		"Phone",
		"Read Only",
		"Rating",
		"Section Break",
		"Select",
		"Signature",
		"Small Text",
		"Tab Break",
		"Table",
		"Table MultiSelect",
		"Text",
		"Text Editor",
		"Time",
	}
)
LINK_FIELDTYPES = frozenset({"Link", "Table", "Table MultiSelect"})
TABLE_FIELDTYPES = frozenset({"Table", "Table MultiSelect"})


def rel(path: Path) -> str:
	return str(path.relative_to(REPO))


def scrub(name: str) -> str:
	"""Folder / module name Frappe derives from a document name."""
	return name.replace(" ", "_").replace("-", "_").lower()


def class_name(doctype: str) -> str:
	"""Controller class name Frappe expects for a doctype."""
	return doctype.replace(" ", "").replace("-", "")


def read_lines(path: Path) -> list[str]:
	"""Non-empty, non-comment lines of a text file."""
	lines = []
	for line in path.read_text(encoding="utf-8").splitlines():
		line = line.strip()
		if line and not line.startswith("#"):
			lines.append(line)
	return lines


@cache
def modules() -> tuple[str, ...]:
	path = APP_DIR / "modules.txt"
	return tuple(read_lines(path)) if path.exists() else ()


@cache
def external_doctypes() -> frozenset[str]:
	return frozenset(read_lines(EXTERNAL_DOCTYPES_FILE))


def load_json(path: Path):
	"""Return (data, error message or None)."""
	try:
		return json.loads(path.read_text(encoding="utf-8")), None
	except (ValueError, UnicodeDecodeError) as e:
		return None, f"{rel(path)}: invalid JSON: {e}"


def definition_files(kind: str) -> list[Path]:
	"""`<module>/<kind>/<folder>/<folder>.json` files, e.g. kind = doctype, report, page."""
	return sorted(p for p in APP_DIR.glob(f"*/{kind}/*/*.json") if p.stem == p.parent.name)


def json_files_under(kind: str) -> list[Path]:
	"""Every json file in the `<module>/<kind>/` folders."""
	return sorted(APP_DIR.glob(f"*/{kind}/**/*.json"))


@cache
def app_doctypes() -> dict[str, dict]:
	"""DocType name -> definition, for the doctypes of this app that parse."""
	found = {}
	for path in definition_files("doctype"):
		data, error = load_json(path)
		if not error and isinstance(data, dict) and data.get("doctype") == "DocType" and data.get("name"):
			found[data["name"]] = data
	return found


def known_doctype(name: str) -> bool:
	return name in app_doctypes() or name in external_doctypes()


def check_module(path: Path, data: dict, kind: str) -> list[str]:
	"""The definition's module is in modules.txt and the file lives in that module's folder."""
	module = data.get("module")
	if not module:
		return [f"{rel(path)}: no module"]
	if module not in modules():
		return [f"{rel(path)}: module {module!r} is not listed in {APP_NAME}/modules.txt {list(modules())}"]
	expected = APP_DIR / scrub(module) / kind
	if path.parent.parent != expected:
		return [f"{rel(path)}: module {module!r} means it belongs under {rel(expected)}/"]
	return []


# ---------------------------------------------------------------- python source, read with ast


@cache
def parse_python(path: Path) -> ast.Module:
	return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def module_file(dotted_module: str) -> Path | None:
	"""File of a module of this repository (`a.b` -> a/b.py or a/b/__init__.py), or None."""
	base = REPO.joinpath(*dotted_module.split("."))
	for candidate in (base.with_suffix(".py"), base / "__init__.py"):
		if candidate.is_file():
			return candidate
	return None


def top_level_definition(tree: ast.Module, name: str):
	"""The top-level node defining `name` (def, class, assignment or import), or None."""
	found = None
	for node in tree.body:
		if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == name:
			found = node
		elif isinstance(node, ast.Assign):
			if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
				found = node
		elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
			found = node
		elif isinstance(node, ast.ImportFrom | ast.Import):
			for alias in node.names:
				if (alias.asname or alias.name.split(".")[0]) == name:
					found = node
	return found


def _imported_from(node: ast.ImportFrom | ast.Import, name: str, importer: Path) -> tuple[str, str] | None:
	"""(module, original name) of `name` imported by `node`, for `from x import y` imports."""
	if not isinstance(node, ast.ImportFrom):
		return None
	for alias in node.names:
		if (alias.asname or alias.name) == name:
			module = node.module or ""
			if node.level:
				package = importer.parent.relative_to(REPO).parts
				package = package[: len(package) - (node.level - 1)]
				module = ".".join([*package, module] if module else package)
			return module, alias.name
	return None


def resolve_callable(dotted: str, depth: int = 0):
	"""Resolve a dotted path of this app to its ast node.

	Returns (node, file, error). node is the def/class (or None for a module path or an object imported
	from outside the repository, which cannot be checked here); error is a message or None.
	"""
	if depth > 5:
		return None, None, f"{dotted}: too many re-exports"
	parts = dotted.split(".")
	for split in range(len(parts), 0, -1):
		path = module_file(".".join(parts[:split]))
		if not path:
			continue
		attrs = parts[split:]
		if not attrs:
			return None, path, None  # a module
		try:
			tree = parse_python(path)
		except SyntaxError as e:
			return None, path, f"{dotted}: {rel(path)} does not parse: {e}"
		node = top_level_definition(tree, attrs[0])
		if node is None:
			return None, path, f"{dotted}: {rel(path)} defines no {attrs[0]!r}"
		if isinstance(node, ast.ImportFrom | ast.Import):
			origin = _imported_from(node, attrs[0], path)
			if origin is None or not origin[0].startswith(APP_NAME):
				return None, path, None  # imported from another app or the standard library
			return resolve_callable(".".join([origin[0], origin[1], *attrs[1:]]), depth + 1)
		if len(attrs) == 1:
			return node, path, None
		if len(attrs) == 2 and isinstance(node, ast.ClassDef):
			for item in node.body:
				if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name == attrs[1]:
					return item, path, None
			return None, path, f"{dotted}: class {attrs[0]} in {rel(path)} has no method {attrs[1]!r}"
		return None, path, f"{dotted}: cannot resolve {'.'.join(attrs)} in {rel(path)}"
	return None, None, f"{dotted}: no module of it exists in the repository"


def required_positional(func: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
	args = func.args
	positional = [*args.posonlyargs, *args.args]
	return len(positional) - len(args.defaults)


def accepts_positional(func: ast.FunctionDef | ast.AsyncFunctionDef, count: int) -> bool:
	args = func.args
	return args.vararg is not None or len(args.posonlyargs) + len(args.args) >= count


def is_whitelisted(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
	for decorator in func.decorator_list:
		target = decorator.func if isinstance(decorator, ast.Call) else decorator
		name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
		if name == "whitelist":
			return True
	return False


# ---------------------------------------------------------------- hooks.py


@cache
def hooks() -> dict[str, object]:
	"""Top-level assignments of hooks.py whose value is a literal (hooks.py is not imported)."""
	tree = parse_python(APP_DIR / "hooks.py")
	values = {}
	for node in tree.body:
		targets = node.targets if isinstance(node, ast.Assign) else []
		if isinstance(node, ast.AnnAssign) and node.value is not None:
			targets = [node.target]
		for target in targets:
			if isinstance(target, ast.Name):
				try:
					values[target.id] = ast.literal_eval(node.value)
				except ValueError:
					values[target.id] = NotImplemented  # computed value: not checked
	return values


def string_leaves(value, keys: bool = False) -> list[str]:
	"""All strings inside a hook value (dict values, list items; dict keys too if asked)."""
	if isinstance(value, str):
		return [value]
	out = []
	if isinstance(value, dict):
		for key, item in value.items():
			if keys and isinstance(key, str):
				out.append(key)
			out.extend(string_leaves(item, keys))
	elif isinstance(value, list | tuple | set):
		for item in value:
			out.extend(string_leaves(item, keys))
	return out
