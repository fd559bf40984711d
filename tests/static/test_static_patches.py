"""patches.txt: every entry resolves to a module with an execute() function (or is valid execute: code)."""

import ast
import configparser
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_helpers import APP_DIR, module_file, parse_python, read_lines, rel, required_positional

PATCHES = APP_DIR / "patches.txt"
SECTIONS = ("pre_model_sync", "post_model_sync")


def read_patches() -> list[str]:
	"""Entries the way Frappe reads them: an ini file with two sections, or one patch per line."""
	if not PATCHES.exists():
		return []
	parser = configparser.ConfigParser(allow_no_value=True, delimiters="\n")
	parser.optionxform = str
	try:
		parser.read(PATCHES, encoding="utf-8")
	except configparser.MissingSectionHeaderError:
		return read_lines(PATCHES)
	if not parser.sections():
		return []
	missing = [s for s in SECTIONS if s not in parser.sections()]
	assert not missing, f"{rel(PATCHES)}: sections {missing} are missing (Frappe needs both)"
	return [patch for section in SECTIONS for patch in parser[section]]


def test_patches_txt_is_readable():
	assert PATCHES.is_file(), f"{rel(PATCHES)} is missing"
	read_patches()  # raises on duplicates or a missing section


def patch_entries():
	try:
		return read_patches()
	except (AssertionError, configparser.Error):
		return []  # reported by test_patches_txt_is_readable


@pytest.mark.parametrize("entry", patch_entries(), ids=str)
def test_patch_resolves(entry):
	entry = entry.removeprefix("finally:")
	if entry.startswith("execute:"):
		code = entry.removeprefix("execute:")
		try:
			compile(code, "patches.txt", "exec")
		except SyntaxError as e:
			pytest.fail(f"{rel(PATCHES)}: {entry!r} is not valid python: {e}")
		return
	module = entry.split(maxsplit=1)[0]
	path = module_file(module)
	assert path, f"{rel(PATCHES)}: {module} does not resolve to a .py module of the repository"
	functions = {
		n.name: n for n in parse_python(path).body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
	}
	assert "execute" in functions, f"{rel(path)} (patch {module}) has no top-level execute() function"
	assert required_positional(functions["execute"]) == 0, f"{rel(path)}: execute() must take no arguments"
