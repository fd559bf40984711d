"""Integration tests that commit or uninstall the app run only on a throwaway site.

A test that commits (or uninstalls and reinstalls the app) leaves records or a half-installed app
behind when it fails on a developer's site: it is marked with ``on_throwaway_site``
(``opportunity_plus/tests/utils.py``), on its method or its class, and skipped elsewhere."""

import ast
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_helpers import APP_DIR, REPO

MARKER = "on_throwaway_site"
DAMAGING_CALLS = {"commit", "remove_app", "uninstall_app"}


def app_test_modules():
	return sorted(APP_DIR.rglob("test_*.py"))


def decorator_names(node) -> set[str]:
	names = set()
	for decorator in node.decorator_list:
		target = decorator.func if isinstance(decorator, ast.Call) else decorator
		names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", ""))
	return names


def damaging_calls(node) -> list[str]:
	found = []
	for call in ast.walk(node):
		if isinstance(call, ast.Call):
			func = call.func
			name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
			if name in DAMAGING_CALLS:
				found.append(f"{name}() on line {call.lineno}")
	return found


@pytest.mark.parametrize("path", app_test_modules(), ids=lambda path: str(path.relative_to(REPO)))
def test_tests_that_commit_or_uninstall_are_marked(path):
	tree = ast.parse(path.read_text(encoding="utf-8"))
	unmarked = []
	for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
		if MARKER in decorator_names(cls):
			continue
		for method in (node for node in cls.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)):
			if MARKER in decorator_names(method):
				continue
			calls = damaging_calls(method)
			if calls:
				unmarked.append(f"{cls.name}.{method.name}: {', '.join(calls)}")
	assert not unmarked, (
		f"{path.name}: mark these with @{MARKER} (opportunity_plus/tests/utils.py): {unmarked}"
	)


def test_the_marker_is_used():
	assert any(MARKER in path.read_text(encoding="utf-8") for path in app_test_modules())
