#!/usr/bin/env python3
"""Print 1 if a site (or the bench) sets allow_tests, else 0. usage: site_allows_tests.py SITES_PATH SITE"""

import json
import os
import sys


def main() -> int:
	sites, site = sys.argv[1], sys.argv[2]
	conf = {}
	for path in (
		os.path.join(sites, "common_site_config.json"),
		os.path.join(sites, site, "site_config.json"),
	):
		try:
			with open(path, encoding="utf-8") as f:
				conf.update(json.load(f))
		except (OSError, ValueError):
			pass
	print(1 if conf.get("allow_tests") not in (None, False, 0, "0", "false", "") else 0)
	return 0


if __name__ == "__main__":
	sys.exit(main())
