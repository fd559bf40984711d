"""pytest plugin for tests/browser/, loaded by .ci/run with `-p browser_plugin`.

Fixtures (a conftest.py in tests/browser/ may override any of them):
  site_url     base URL of the throwaway site, from OPPORTUNITY_PLUS_SITE_URL (http://<site>:<port>)
  browser      the system chromium driven by Playwright; *.localhost resolves to 127.0.0.1
  page         a fresh page (own context) whose relative URLs start at site_url
  admin_page   a fresh page logged in as Administrator (password from OPPORTUNITY_PLUS_ADMIN_PASSWORD)
"""

import os

import pytest


def launch_args() -> list[str]:
	args = ["--host-resolver-rules=MAP *.localhost 127.0.0.1", "--disable-dev-shm-usage"]
	if hasattr(os, "geteuid") and os.geteuid() == 0:
		args.append("--no-sandbox")  # chromium refuses to run as root with its sandbox
	return args


@pytest.fixture(scope="session")
def site_url() -> str:
	url = os.environ.get("OPPORTUNITY_PLUS_SITE_URL")
	if not url:
		pytest.skip("OPPORTUNITY_PLUS_SITE_URL is not set (browser tests run from .ci/run)")
	return url.rstrip("/")


@pytest.fixture(scope="session")
def playwright_instance():
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
	executable = os.environ.get("OPPORTUNITY_PLUS_CHROMIUM", "/usr/bin/chromium")
	browser = playwright_instance.chromium.launch(executable_path=executable, args=launch_args())
	yield browser
	browser.close()


@pytest.fixture
def page(browser, site_url):
	context = browser.new_context(base_url=site_url)
	page = context.new_page()
	yield page
	context.close()


@pytest.fixture
def admin_page(browser, site_url):
	context = browser.new_context(base_url=site_url)
	page = context.new_page()
	page.goto("/login")
	# Log in from inside the browser: Playwright's own HTTP client (context.request) does not use
	# chromium's host resolver rules, so it cannot reach <site>.localhost.
	status = page.evaluate(
		"""async (pwd) => {
			const body = new URLSearchParams({usr: "Administrator", pwd});
			const response = await fetch("/api/method/login", {method: "POST", body});
			return response.status;
		}""",
		os.environ.get("OPPORTUNITY_PLUS_ADMIN_PASSWORD", "admin"),
	)
	assert status == 200, f"login as Administrator failed with HTTP {status}"
	yield page
	context.close()
