"""Reports, pages and the other JSON files of the app."""

import ast
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_helpers import (
	APP_DIR,
	check_module,
	definition_files,
	json_files_under,
	known_doctype,
	load_json,
	parse_python,
	rel,
	scrub,
)

REPORT_TYPES = {"Script Report", "Query Report", "Report Builder"}
SKIP_DIRS = {"node_modules", "dist", "__pycache__"}


def all_app_json():
	return sorted(p for p in APP_DIR.rglob("*.json") if not SKIP_DIRS & set(p.relative_to(APP_DIR).parts))


@pytest.mark.parametrize("path", all_app_json(), ids=rel)
def test_every_app_json_parses(path):
	_data, error = load_json(path)
	assert not error, error


def load(path):
	data, error = load_json(path)
	if error:
		pytest.fail(error)
	assert isinstance(data, dict), f"{rel(path)}: not a JSON object"
	return data


@pytest.mark.parametrize("path", json_files_under("report"), ids=rel)
def test_report_json_parses(path):
	_data, error = load_json(path)
	assert not error, error


@pytest.mark.parametrize("path", definition_files("report"), ids=lambda p: p.parent.name)
def test_report(path):
	data = load(path)
	errors = []
	if data.get("doctype") != "Report":
		errors.append(f"{rel(path)}: doctype is {data.get('doctype')!r}, expected 'Report'")
	name = data.get("name") or data.get("report_name") or ""
	if scrub(name) != path.parent.name:
		errors.append(f"{rel(path)}: name {name!r} does not match its folder (expected {scrub(name)!r})")
	errors += check_module(path, data, "report")
	ref_doctype = data.get("ref_doctype")
	if not ref_doctype or not known_doctype(ref_doctype):
		errors.append(f"{rel(path)}: ref_doctype {ref_doctype!r} is not a known doctype")
	report_type = data.get("report_type")
	if report_type not in REPORT_TYPES:
		errors.append(f"{rel(path)}: report_type {report_type!r} not in {sorted(REPORT_TYPES)}")
	if report_type == "Script Report" and data.get("is_standard") == "Yes":
		script = path.with_suffix(".py")
		if not script.is_file():
			errors.append(f"{rel(path)}: Script Report without {rel(script)}")
		else:
			names = {n.name for n in parse_python(script).body if isinstance(n, ast.FunctionDef)}
			if "execute" not in names:
				errors.append(f"{rel(script)}: no top-level execute() function")
	if report_type == "Query Report" and not (data.get("query") or "").strip():
		errors.append(f"{rel(path)}: Query Report without a query")
	assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", json_files_under("page"), ids=rel)
def test_page_json_parses(path):
	_data, error = load_json(path)
	assert not error, error


@pytest.mark.parametrize("path", definition_files("page"), ids=lambda p: p.parent.name)
def test_page(path):
	data = load(path)
	errors = []
	if data.get("doctype") != "Page":
		errors.append(f"{rel(path)}: doctype is {data.get('doctype')!r}, expected 'Page'")
	name = data.get("name") or data.get("page_name") or ""
	if scrub(name) != path.parent.name:
		errors.append(f"{rel(path)}: name {name!r} does not match its folder (expected {scrub(name)!r})")
	errors += check_module(path, data, "page")
	if not path.with_suffix(".js").is_file():
		errors.append(f"{rel(path)}: page without {rel(path.with_suffix('.js'))}")
	assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", definition_files("workspace"), ids=lambda p: p.parent.name)
def test_workspace(path):
	data = load(path)
	errors = check_module(path, data, "workspace")
	if data.get("doctype") != "Workspace":
		errors.append(f"{rel(path)}: doctype is {data.get('doctype')!r}, expected 'Workspace'")
	assert not errors, "\n".join(errors)


def test_board_page_is_for_the_crm_roles():
	"""The board opens for the roles that read the Opportunity Analysis: the CRM (sales) roles."""
	page = load(APP_DIR / "opportunity_plus" / "page" / "opportunity_board" / "opportunity_board.json")
	report = load(
		APP_DIR / "opportunity_plus" / "report" / "opportunity_analysis" / "opportunity_analysis.json"
	)
	page_roles = sorted(row["role"] for row in page.get("roles") or [])
	assert page_roles, "opportunity_board.json: a page without roles opens for every desk user"
	assert page_roles == sorted(row["role"] for row in report.get("roles") or [])
