#!/usr/bin/env python3
"""Count a pytest JUnit XML report. usage: junit_summary.py FILE -> `RESULT <passed> <failed> <skipped>`."""

import sys
import xml.etree.ElementTree as ET


def main() -> int:
	try:
		root = ET.parse(sys.argv[1]).getroot()
	except (OSError, ET.ParseError, IndexError):
		print("RESULT 0 0 0")
		return 0
	suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
	tests = failed = skipped = 0
	for suite in suites:
		tests += int(suite.get("tests", 0))
		failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
		skipped += int(suite.get("skipped", 0))
	print(f"RESULT {max(0, tests - failed - skipped)} {failed} {skipped}")
	return 0


if __name__ == "__main__":
	sys.exit(main())
