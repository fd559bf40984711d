"""DocType definitions of the app: valid JSON, consistent names, modules, fields and controllers."""

import ast
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_helpers import (
	APP_DIR,
	FIELDTYPES,
	LINK_FIELDTYPES,
	TABLE_FIELDTYPES,
	app_doctypes,
	check_module,
	class_name,
	definition_files,
	json_files_under,
	known_doctype,
	load_json,
	modules,
	parse_python,
	rel,
	scrub,
)

DOCTYPE_FILES = definition_files("doctype")
IDS = [p.parent.name for p in DOCTYPE_FILES]


def test_modules_txt_lists_modules():
	assert (APP_DIR / "modules.txt").is_file(), "opportunity_plus/modules.txt is missing"
	assert modules(), "opportunity_plus/modules.txt lists no module"
	for module in modules():
		assert (APP_DIR / scrub(module)).is_dir(), f"module {module!r} has no folder {scrub(module)}/"


@pytest.mark.parametrize("path", json_files_under("doctype"), ids=rel)
def test_json_parses(path):
	_data, error = load_json(path)
	assert not error, error


def test_every_doctype_folder_has_its_json():
	missing = [
		rel(folder)
		for folder in sorted(APP_DIR.glob("*/doctype/*/"))
		if folder.is_dir()
		and folder.name != "__pycache__"
		and any(folder.glob("*.py"))
		and not (folder / f"{folder.name}.json").exists()
	]
	assert not missing, f"doctype folders without <folder>.json: {missing}"


def load(path):
	data, error = load_json(path)
	if error:
		pytest.fail(error)
	assert isinstance(data, dict), f"{rel(path)}: not a JSON object"
	return data


@pytest.mark.parametrize("path", DOCTYPE_FILES, ids=IDS)
def test_doctype_header(path):
	data = load(path)
	errors = []
	if data.get("doctype") != "DocType":
		errors.append(f"{rel(path)}: doctype is {data.get('doctype')!r}, expected 'DocType'")
	name = data.get("name") or ""
	if scrub(name) != path.parent.name:
		errors.append(f"{rel(path)}: name {name!r} does not match its folder (expected {scrub(name)!r})")
	errors += check_module(path, data, "doctype")
	assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", DOCTYPE_FILES, ids=IDS)
def test_doctype_fields(path):
	data = load(path)
	fields = data.get("fields") or []
	errors = []
	seen = set()
	fieldnames = {f.get("fieldname") for f in fields if isinstance(f, dict)}
	for index, field in enumerate(fields):
		where = f"{rel(path)}: field #{index} {field.get('fieldname')!r}"
		fieldname = field.get("fieldname")
		if not fieldname:
			errors.append(f"{where}: no fieldname")
		elif fieldname in seen:
			errors.append(f"{where}: duplicate fieldname")
		seen.add(fieldname)

		fieldtype = field.get("fieldtype")
		if fieldtype not in FIELDTYPES:
			errors.append(f"{where}: fieldtype {fieldtype!r} is not a Frappe v15 fieldtype")
		options = (field.get("options") or "").strip()
		if fieldtype in LINK_FIELDTYPES:
			if not options:
				errors.append(f"{where}: {fieldtype} field without options (target doctype)")
			elif not known_doctype(options):
				errors.append(
					f"{where}: {fieldtype} to {options!r}, which is neither a doctype of this app "
					"nor in tests/static/frappe_erpnext_doctypes.txt"
				)
			elif fieldtype in TABLE_FIELDTYPES and options in app_doctypes():
				if not app_doctypes()[options].get("istable"):
					errors.append(
						f"{where}: {fieldtype} to {options!r}, which is not a child table (istable)"
					)
		if fieldtype == "Dynamic Link" and options not in fieldnames:
			errors.append(f"{where}: Dynamic Link options {options!r} is not a field of this doctype")

	order = data.get("field_order")
	if order is not None:
		unknown = [f for f in order if f not in fieldnames]
		if unknown:
			errors.append(f"{rel(path)}: field_order names fields that do not exist: {unknown}")
		if len(order) != len(set(order)):
			errors.append(f"{rel(path)}: field_order has duplicates")
	assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", DOCTYPE_FILES, ids=IDS)
def test_doctype_controller(path):
	data = load(path)
	controller = path.with_suffix(".py")
	assert controller.is_file(), f"{rel(path)}: controller {rel(controller)} is missing"
	expected = class_name(data.get("name") or "")
	tree = parse_python(controller)
	classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
	assert expected in classes, f"{rel(controller)}: no class {expected} (classes: {classes})"
