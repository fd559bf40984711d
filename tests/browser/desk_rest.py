"""The site's REST API from inside a logged-in page (its session cookie and CSRF token), for the
browser tests: Playwright's own HTTP client does not use chromium's host resolver rules, so it cannot
reach <site>.localhost."""

import json
from urllib.parse import quote


def desk_ready(page):
	page.wait_for_function("() => window.frappe && frappe.csrf_token && frappe.boot && frappe.boot.user")


def rest(page, method: str, path: str, body=None):
	"""(status, json) of a call to the site's REST API."""
	return page.evaluate(
		"""async ([method, path, body]) => {
			const r = await fetch(path, {
				method,
				headers: {"Content-Type": "application/json", "Accept": "application/json",
					"X-Frappe-CSRF-Token": (window.frappe && frappe.csrf_token) || ""},
				body: body ? JSON.stringify(body) : undefined,
			});
			let data = null;
			try { data = await r.json(); } catch (e) {}
			return [r.status, data];
		}""",
		[method, path, body],
	)


def create(page, doctype: str, values: dict) -> dict:
	status, data = rest(page, "POST", f"/api/resource/{quote(doctype)}", values)
	assert status == 200, f"creating {doctype} failed: {status} {json.dumps(data)[:500]}"
	return data["data"]


def get(page, doctype: str, name: str) -> dict:
	status, data = rest(page, "GET", f"/api/resource/{quote(doctype)}/{quote(name, safe='')}")
	assert status == 200, f"reading {doctype} {name} failed: {status}"
	return data["data"]


def delete(page, doctype: str, name: str):
	return rest(page, "DELETE", f"/api/resource/{quote(doctype)}/{quote(name, safe='')}")
