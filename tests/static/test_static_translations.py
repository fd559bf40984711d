"""translations/*.csv: Frappe's CSV translation files (source, translation[, context])."""

import csv
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_helpers import APP_DIR, rel

TRANSLATIONS = APP_DIR / "translations"
PLACEHOLDER = re.compile(r"\{[^{}\s]*\}")


def test_vietnamese_translation_exists():
	path = TRANSLATIONS / "vi.csv"
	if not path.exists():
		pytest.skip(f"{rel(path)} does not exist yet")


@pytest.mark.parametrize("path", sorted(TRANSLATIONS.glob("*.csv")), ids=lambda p: p.name)
def test_translation_csv(path):
	errors = []
	seen = {}
	with path.open(encoding="utf-8", newline="") as f:
		for line, row in enumerate(csv.reader(f, strict=True), start=1):
			if not row or not any(cell.strip() for cell in row):
				continue
			if len(row) not in (2, 3):
				errors.append(f"{rel(path)}:{line}: {len(row)} columns, expected 2 or 3: {row!r}")
				continue
			source, translation = row[0], row[1]
			context = row[2] if len(row) == 3 else ""
			if not source.strip():
				errors.append(f"{rel(path)}:{line}: empty source string")
			if not translation.strip():
				errors.append(f"{rel(path)}:{line}: empty translation of {source!r}")
			key = (source, context)
			if key in seen:
				errors.append(f"{rel(path)}:{line}: {source!r} already translated on line {seen[key]}")
			seen[key] = line
			if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
				errors.append(f"{rel(path)}:{line}: placeholders differ: {source!r} -> {translation!r}")
	assert not errors, "\n".join(errors)


# ------------------------------------------------------------------ every user-facing string is translated

# Frappe's translation functions in Python (``_``, ``_lt``) and JavaScript / Jinja (``__``, ``_``)
JS_CALL = re.compile(r"(?<![\w.$])__\(\s*(\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\$])*`)", re.S)
JINJA_CALL = re.compile(r"(?<![\w.])_\(\s*(\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')", re.S)
# keys of doctype, report, page, workspace, number card and chart JSON that the desk shows translated
JSON_TEXT_KEYS = ("label", "description", "title", "chart_name", "report_name")
JSON_NAMED = ("doctype", "report", "page", "workspace", "number_card", "dashboard_chart")
# custom fields and property setters: what they put on ERPNext's forms
CUSTOM_FIELD_KEYS = ("label", "description")


def unquote(literal: str) -> str:
	body = literal[1:-1]
	return re.sub(r"\\(.)", r"\1", body, flags=re.S)


def python_strings(path: Path) -> set[str]:
	import ast

	strings = set()
	tree = ast.parse(path.read_text(encoding="utf-8"))
	for node in ast.walk(tree):
		if (
			isinstance(node, ast.Call)
			and isinstance(node.func, ast.Name)
			and node.func.id in ("_", "_lt")
			and node.args
			and isinstance(node.args[0], ast.Constant)
			and isinstance(node.args[0].value, str)
		):
			strings.add(node.args[0].value)
		# custom fields' labels and descriptions ({"fieldname": ..., "label": "..."})
		if isinstance(node, ast.Dict) and path.name == "custom_fields.py":
			keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
			if "fieldname" in keys:
				for key, value in zip(keys, node.values, strict=True):
					if key in CUSTOM_FIELD_KEYS and isinstance(value, ast.Constant) and value.value:
						strings.add(value.value)
	return strings


def json_strings(data) -> set[str]:
	strings = set()
	if isinstance(data, dict):
		for key, value in data.items():
			if key in JSON_TEXT_KEYS and isinstance(value, str) and value.strip():
				strings.add(value)
			elif key == "name" and isinstance(value, str) and data.get("doctype") in ("DocType", "Report"):
				strings.add(value)
			else:
				strings |= json_strings(value)
	elif isinstance(data, list):
		for item in data:
			strings |= json_strings(item)
	return strings


def app_source_strings() -> dict[str, str]:
	"""Every user-facing English string of the app -> the first file it is in."""
	found: dict[str, str] = {}

	def add(strings, path):
		for text in strings:
			if text.strip():
				found.setdefault(text, rel(path))

	for path in sorted(APP_DIR.rglob("*.py")):
		if "tests" in path.relative_to(APP_DIR).parts or path.name.startswith("test_"):
			continue
		add(python_strings(path), path)
	for path in sorted(APP_DIR.rglob("*.js")):
		if "node_modules" in path.parts or "dist" in path.parts:
			continue
		add({unquote(m) for m in JS_CALL.findall(path.read_text(encoding="utf-8"))}, path)
	for path in sorted([*APP_DIR.rglob("*.html"), *APP_DIR.rglob("*.jinja")]):
		text = path.read_text(encoding="utf-8")
		add({unquote(m) for m in JINJA_CALL.findall(text)}, path)
		if "public" in path.relative_to(APP_DIR).parts:  # desk microtemplates translate with __()
			add({unquote(m) for m in JS_CALL.findall(text)}, path)
	for kind in JSON_NAMED:
		for path in sorted(APP_DIR.glob(f"*/{kind}/*/*.json")):
			if path.stem != path.parent.name:
				continue
			data = json.loads(path.read_text(encoding="utf-8"))
			add(json_strings(data), path)
			if kind == "print_format" or data.get("doctype") == "Print Format":
				add({unquote(m) for m in JINJA_CALL.findall(data.get("html") or "")}, path)
	for path in sorted(APP_DIR.glob("*/print_format/*/*.json")):
		data = json.loads(path.read_text(encoding="utf-8"))
		add({unquote(m) for m in JINJA_CALL.findall(data.get("html") or "")}, path)
	return found


def vietnamese() -> dict[str, str]:
	path = TRANSLATIONS / "vi.csv"
	with path.open(encoding="utf-8", newline="") as f:
		return {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2}


def test_the_collector_finds_each_kind_of_string():
	strings = app_source_strings()
	for text in (
		"No stage changes yet.",  # JS __()
		"Expected closing has passed",  # __() in a desk microtemplate (the board card)
		"Sales Pipeline",  # Python _() and a custom field label
		"Opportunity Board",  # a page title
		"Opportunity Analysis",  # a report
		"Followers can see and edit this opportunity and are told of its changes.",  # a description
	):
		assert text in strings, text


def test_every_user_facing_string_has_a_vietnamese_translation():
	translated = vietnamese()
	missing = sorted(
		f"{where}: {text!r}" for text, where in app_source_strings().items() if text not in translated
	)
	assert not missing, f"{len(missing)} strings without a Vietnamese translation in vi.csv:\n" + "\n".join(
		missing
	)
