"""The CI tool versions agree with the pre-commit configuration; package.json stays dev-only."""

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_helpers import REPO

PRE_COMMIT = REPO / ".pre-commit-config.yaml"


def pinned(requirements: Path, package: str) -> str | None:
	for line in requirements.read_text(encoding="utf-8").splitlines():
		match = re.match(rf"^\s*{re.escape(package)}\s*==\s*([^\s#;]+)", line, re.IGNORECASE)
		if match:
			return match.group(1)
	return None


def pre_commit_rev(repo_suffix: str) -> str | None:
	"""rev of a repo of .pre-commit-config.yaml (read as text: no yaml parser needed)."""
	lines = PRE_COMMIT.read_text(encoding="utf-8").splitlines()
	for index, line in enumerate(lines):
		if re.match(rf"^\s*-\s*repo:\s*\S*{re.escape(repo_suffix)}\s*$", line):
			for following in lines[index + 1 : index + 4]:
				match = re.match(r"^\s*rev:\s*['\"]?v?([^'\"\s]+)", following)
				if match:
					return match.group(1)
	return None


def test_ruff_matches_pre_commit():
	if not PRE_COMMIT.exists():
		pytest.skip("no .pre-commit-config.yaml")
	ci = pinned(REPO / ".ci" / "requirements-unit.txt", "ruff")
	hook = pre_commit_rev("astral-sh/ruff-pre-commit")
	if hook is None:
		pytest.skip("pre-commit does not run ruff")
	assert ci == hook, f".ci/requirements-unit.txt pins ruff {ci}, .pre-commit-config.yaml runs ruff {hook}"


@pytest.mark.parametrize("tool", ["prettier", "eslint"])
def test_js_tool_matches_pre_commit(tool):
	if not PRE_COMMIT.exists():
		pytest.skip("no .pre-commit-config.yaml")
	hook = pre_commit_rev(f"pre-commit/mirrors-{tool}")
	if hook is None:
		pytest.skip(f"pre-commit does not run {tool}")
	package = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
	ci = package["devDependencies"][tool]
	assert ci == hook, f"package.json pins {tool} {ci}, .pre-commit-config.yaml runs {tool} {hook}"


def test_package_json_is_dev_tooling_only():
	package = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
	# `bench build` runs `yarn build` in every app whose package.json has a build script.
	assert "build" not in package.get("scripts", {}), "package.json must not define a build script"
	assert not package.get("dependencies"), "package.json: runtime dependencies do not belong here"
	for name, version in package.get("devDependencies", {}).items():
		assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"package.json: pin {name} exactly, not {version!r}"


def test_pyproject_readme_exists():
	"""pip (flit_core) refuses to install the app when the readme named in pyproject.toml is missing."""
	try:
		import tomllib
	except ImportError:  # python 3.10
		pytest.skip("tomllib needs python 3.11")
	project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
	readme = project.get("readme")
	if isinstance(readme, dict):
		readme = readme.get("file")
	if readme:
		assert (REPO / readme).is_file(), f"pyproject.toml names readme {readme!r}, which does not exist"
