#!/usr/bin/env python3
"""Wait until `frappe serve` answers for a site. usage: wait_for_site.py PORT SITE [SECONDS]"""

import sys
import time
import urllib.request


def main() -> int:
	port, site = sys.argv[1], sys.argv[2]
	deadline = time.time() + float(sys.argv[3] if len(sys.argv) > 3 else 180)
	request = urllib.request.Request(f"http://127.0.0.1:{port}/api/method/ping", headers={"Host": site})
	while time.time() < deadline:
		try:
			with urllib.request.urlopen(request, timeout=5) as response:
				if response.status == 200:
					return 0
		except OSError:
			pass
		time.sleep(1)
	return 1


if __name__ == "__main__":
	sys.exit(main())
