#!/usr/bin/env python3
"""Read the output of `frappe run-tests` (unittest's text runner) and judge it.

usage: unittest_summary.py LOG --rc RC [--doctype DOCTYPE --baseline FILE] [--require-tests]

Failures and errors whose test method is listed for DOCTYPE in the baseline file
(`DocType: test_name  # reason` lines) are reported as known and tolerated. Prints a report,
then a last line `RESULT <passed> <failed> <known> <note>` for .ci/run.
"""

import argparse
import re
import sys
from pathlib import Path

SEPARATOR = "=" * 70
HEADING = re.compile(r"^(FAIL|ERROR|UNEXPECTED SUCCESS): (\S+)(?: \((.*?)\))?")
RAN = re.compile(r"^Ran (\d+) tests? in ")
OUTCOME = re.compile(r"^(OK|FAILED)(?: \((.*)\))?\s*$")


def read_baseline(path: Path | None, doctype: str | None) -> dict[str, str]:
	"""test name -> reason, for the given doctype."""
	known = {}
	if not path or not doctype or not path.exists():
		return known
	for raw in path.read_text(encoding="utf-8").splitlines():
		line = raw.strip()
		if not line or line.startswith("#"):
			continue
		entry, _, reason = line.partition("#")
		listed_doctype, _, test = entry.partition(":")
		if listed_doctype.strip() == doctype and test.strip():
			known[test.strip()] = reason.strip() or "listed in the baseline"
	return known


def parse(text: str):
	lines = text.splitlines()
	problems = []  # (kind, test name, test id)
	for index, line in enumerate(lines):
		if line.strip() == SEPARATOR and index + 1 < len(lines):
			match = HEADING.match(lines[index + 1])
			if match:
				problems.append((match.group(1), match.group(2), match.group(3) or ""))
	ran = None
	counts = {}
	outcome = None
	for index, line in enumerate(lines):
		match = RAN.match(line)
		if match:
			ran = int(match.group(1))
			outcome, counts = None, {}
			for following in lines[index + 1 : index + 6]:
				result = OUTCOME.match(following.strip())
				if result:
					outcome = result.group(1)
					for part in (result.group(2) or "").split(","):
						key, _, value = part.strip().partition("=")
						if value.isdigit():
							counts[key] = int(value)
					break
	return ran, outcome, counts, problems


def main() -> int:
	parser = argparse.ArgumentParser()
	parser.add_argument("log", type=Path)
	parser.add_argument("--rc", type=int, default=0)
	parser.add_argument("--doctype")
	parser.add_argument("--baseline", type=Path)
	parser.add_argument("--require-tests", action="store_true")
	args = parser.parse_args()

	text = args.log.read_text(encoding="utf-8", errors="replace") if args.log.exists() else ""
	ran, outcome, counts, problems = parse(text)
	known_list = read_baseline(args.baseline, args.doctype)

	known, unexpected = [], []
	for kind, name, test_id in problems:
		(known if name in known_list else unexpected).append((kind, name, test_id))

	notes = []
	if ran is None:
		notes.append(f"no unittest summary in the output (exit code {args.rc})")
	elif args.require_tests and ran == 0:
		notes.append("no tests ran")
	if ran is not None and outcome == "FAILED" and not problems:
		notes.append("unittest reported FAILED but no failing test was found in the output")
	if ran is not None and args.rc != 0 and not problems:
		notes.append(f"exit code {args.rc}")

	not_passed = sum(counts.get(k, 0) for k in ("failures", "errors", "skipped", "expected failures"))
	passed = max(0, (ran or 0) - not_passed - counts.get("unexpected successes", 0))
	failed = len(unexpected) + (1 if notes else 0)

	label = f"{args.doctype} " if args.doctype else ""
	print(f"--- {label}test result: ran {ran if ran is not None else '?'}, counts {counts or '{}'}")
	for kind, name, test_id in known:
		print(f"KNOWN   {kind}: {name} ({test_id}) -- {known_list[name]}")
	for kind, name, test_id in unexpected:
		print(f"FAILED  {kind}: {name} ({test_id})")
	for note in notes:
		print(f"FAILED  {note}")
	seen_known = {name for _kind, name, _id in known}
	for name in sorted(set(known_list) - seen_known):
		if ran:
			print(f"NOTE    baseline entry {args.doctype}: {name} did not fail this time")
	summary = "; ".join(notes) if notes else (f"{len(known)} known" if known else "")
	print(f"RESULT {passed} {failed} {len(known)} {summary}".rstrip())
	return 0


if __name__ == "__main__":
	sys.exit(main())
