"""hooks.py, read with ast: every dotted path and file it names exists in the repository."""

import ast
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_helpers import (
	APP_DIR,
	APP_NAME,
	accepts_positional,
	hooks,
	is_whitelisted,
	known_doctype,
	load_json,
	parse_python,
	rel,
	required_positional,
	resolve_callable,
	scrub,
	string_leaves,
)

# Hooks whose values (not keys) are dotted paths to functions or classes.
DOTTED_PATH_HOOKS = {
	"after_app_install",
	"after_app_uninstall",
	"after_install",
	"after_job",
	"after_migrate",
	"after_request",
	"after_sync",
	"after_uninstall",
	"auth_hooks",
	"before_app_install",
	"before_app_uninstall",
	"before_install",
	"before_job",
	"before_migrate",
	"before_request",
	"before_tests",
	"before_uninstall",
	"boot_session",
	"doc_events",
	"extend_bootinfo",
	"get_translated_dict",
	"get_website_user_home_page",
	"has_permission",
	"has_website_permission",
	"jinja",
	"notification_config",
	"on_login",
	"on_logout",
	"on_session_creation",
	"override_doctype_class",
	"override_doctype_dashboards",
	"override_whitelisted_methods",
	"permission_query_conditions",
	"scheduler_events",
	"standard_queries",
	"update_website_context",
	"website_path_resolver",
}
# Called without arguments by Frappe.
ZERO_ARGUMENT_HOOKS = {
	"after_install",
	"after_migrate",
	"after_uninstall",
	"before_install",
	"before_migrate",
	"before_tests",
	"before_uninstall",
	"scheduler_events",
}
# Values are file paths relative to the app package (opportunity_plus/opportunity_plus/...).
FILE_HOOKS = {
	"doctype_calendar_js",
	"doctype_js",
	"doctype_list_js",
	"doctype_tree_js",
	"page_js",
	"webform_include_css",
	"webform_include_js",
}
# Values are /assets/... URLs or bundle names built from opportunity_plus/public.
ASSET_HOOKS = {"app_include_css", "app_include_js", "web_include_css", "web_include_js", "email_css"}
BUNDLE_SOURCES = {
	".js": (".js", ".ts", ".jsx", ".tsx"),
	".css": (".css", ".scss", ".sass", ".less"),
}


def test_hooks_py_parses():
	parse_python(APP_DIR / "hooks.py")
	assert hooks().get("app_name") == APP_NAME


def test_required_apps_contains_erpnext():
	required = hooks().get("required_apps")
	assert isinstance(required, list | tuple), "hooks.py: required_apps is not set (must list erpnext)"
	assert "erpnext" in {str(app).rstrip("/").split("/")[-1] for app in required}, (
		f"hooks.py: required_apps = {required!r} does not contain erpnext"
	)


def dotted_entries():
	entries = []
	for hook, value in sorted(hooks().items()):
		if hook in DOTTED_PATH_HOOKS and value is not NotImplemented:
			entries.extend((hook, path) for path in string_leaves(value))
	return entries


@pytest.mark.parametrize("hook,dotted", dotted_entries(), ids=lambda v: str(v))
def test_dotted_path_resolves(hook, dotted):
	if not dotted.startswith(f"{APP_NAME}."):
		pytest.skip(f"{dotted} belongs to another app")
	node, _path, error = resolve_callable(dotted)
	assert not error, f"hooks.py {hook}: {error}"
	if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
		return
	if hook == "doc_events":
		assert accepts_positional(node, 2), f"hooks.py doc_events: {dotted} must accept (doc, method)"
	if hook in ZERO_ARGUMENT_HOOKS:
		required_keywords = [d for d in node.args.kw_defaults if d is None]
		assert required_positional(node) == 0 and not required_keywords, (
			f"hooks.py {hook}: {dotted} is called without arguments but requires some"
		)
	if hook == "override_whitelisted_methods":
		assert is_whitelisted(node), f"hooks.py {hook}: {dotted} is not decorated with @frappe.whitelist()"


def file_entries():
	entries = []
	for hook, value in sorted(hooks().items()):
		if hook in FILE_HOOKS and value is not NotImplemented:
			entries.extend((hook, path) for path in string_leaves(value))
	return entries


@pytest.mark.parametrize("hook,path", file_entries(), ids=lambda v: str(v))
def test_file_hook_exists(hook, path):
	target = APP_DIR / path
	assert target.is_file(), f"hooks.py {hook}: {path!r} -> {rel(target)} does not exist"


def asset_entries():
	entries = []
	for hook, value in sorted(hooks().items()):
		if hook in ASSET_HOOKS and value is not NotImplemented:
			entries.extend((hook, path) for path in string_leaves(value))
	return entries


@pytest.mark.parametrize("hook,asset", asset_entries(), ids=lambda v: str(v))
def test_asset_hook_exists(hook, asset):
	public = APP_DIR / "public"
	prefix = f"/assets/{APP_NAME}/"
	if asset.startswith(("http://", "https://", "//")) or (
		asset.startswith("/assets/") and not asset.startswith(prefix)
	):
		pytest.skip(f"{asset} is not served by this app")
	if asset.startswith(prefix):
		target = public / asset[len(prefix) :]
		assert target.is_file(), f"hooks.py {hook}: {asset} -> {rel(target)} does not exist"
		return
	name = Path(asset).name
	stem, _, suffix = name.rpartition(".")
	assert stem.endswith(".bundle"), (
		f"hooks.py {hook}: {asset!r} is neither /assets/{APP_NAME}/... nor a bundle"
	)
	sources = [
		p for ext in BUNDLE_SOURCES.get(f".{suffix}", (f".{suffix}",)) for p in public.rglob(f"{stem}{ext}")
	]
	assert sources, f"hooks.py {hook}: no source for bundle {asset!r} under {rel(public)}/"


def fixture_entries():
	value = hooks().get("fixtures")
	if not value or value is NotImplemented:
		return []
	out = []
	for item in value:
		out.append(item if isinstance(item, str) else (item.get("dt") or item.get("doctype")))
	return out


@pytest.mark.parametrize("doctype", fixture_entries(), ids=str)
def test_fixture(doctype):
	assert doctype and known_doctype(doctype), f"hooks.py fixtures: {doctype!r} is not a known doctype"
	path = APP_DIR / "fixtures" / f"{scrub(doctype)}.json"
	assert path.is_file(), f"hooks.py fixtures: {doctype} is listed but {rel(path)} was not exported"
	_data, error = load_json(path)
	assert not error, error


def whitelisted_functions():
	for path in sorted(APP_DIR.rglob("*.py")):
		if "tests" in path.relative_to(APP_DIR).parts or path.name.startswith("test_"):
			continue
		for node in ast.walk(parse_python(path)):
			if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and is_whitelisted(node):
				yield path, node


def test_whitelisted_methods_are_type_annotated():
	"""hooks.py's require_type_annotated_api_methods: every parameter and the return are annotated."""
	if not hooks().get("require_type_annotated_api_methods"):
		pytest.skip("hooks.py does not require type-annotated API methods")
	bare = []
	for path, func in whitelisted_functions():
		args = func.args
		for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
			if arg.annotation is None and arg.arg not in ("self", "cls"):
				bare.append(f"{rel(path)}: {func.name}({arg.arg})")
		for arg in (args.vararg, args.kwarg):
			if arg is not None and arg.annotation is None:
				bare.append(f"{rel(path)}: {func.name}(*{arg.arg})")
		if func.returns is None:
			bare.append(f"{rel(path)}: {func.name} has no return annotation")
	assert not bare, "annotate these whitelisted methods:\n" + "\n".join(bare)


def test_typing_hooks_are_on():
	assert hooks().get("export_python_type_annotations") is True
	assert hooks().get("require_type_annotated_api_methods") is True
