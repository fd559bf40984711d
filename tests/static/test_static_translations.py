"""translations/*.csv: Frappe's CSV translation files (source, translation[, context])."""

import csv
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
