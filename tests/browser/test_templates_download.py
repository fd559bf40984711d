"""Export with Template (Biểu mẫu): the sample Word template downloaded from the form and, for two
checked rows, as a zip from the list (Playwright + system chromium, `page.expect_download()`).

Fixtures come from .ci/lib/browser_plugin.py (site_url, browser, admin_page); data is made through
the REST API from inside the logged-in page and deleted afterwards.
"""

import io
import json
import random
import re
import string
import zipfile
from urllib.parse import quote

import pytest
from desk_rest import desk_ready, rest

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

SAMPLE = "Thư chào giá (mẫu)"
TIMEOUT = 60_000
TAG = re.compile(r"<[^>]+>")


def document_text(data: bytes) -> str:
	with zipfile.ZipFile(io.BytesIO(data)) as archive:
		xml = archive.read("word/document.xml").decode("utf-8")
	return TAG.sub("", xml.replace("</w:p>", "\n"))


@pytest.fixture
def opportunities(admin_page):
	page = admin_page
	page.set_default_timeout(TIMEOUT)
	page.goto("/app/opportunity")
	desk_ready(page)
	sfx = "".join(random.choices(string.ascii_uppercase, k=5))
	company = page.evaluate(
		"() => frappe.defaults.get_user_default('Company') || frappe.defaults.get_default('company')"
	)
	currency = page.evaluate("() => frappe.boot.sysdefaults.currency")
	made = []

	def make(doctype, values):
		status, data = rest(page, "POST", f"/api/resource/{quote(doctype)}", values)
		assert status == 200, f"creating {doctype} failed: {status} {json.dumps(data)[:500]}"
		made.append((doctype, data["data"]["name"]))
		return data["data"]

	lead = make("Lead", {"first_name": f"Nguyễn Văn An {sfx}", "company_name": f"Công ty Hoa Sen {sfx}"})
	docs = [
		make(
			"Opportunity",
			{
				"opportunity_from": "Lead",
				"party_name": lead["name"],
				"title": f"Dự án {label} {sfx}",
				"company": company,
				"currency": currency,
				"conversion_rate": 1,
				"opportunity_amount": 150_000_000,
			},
		)
		for label in ("chuyển đổi số", "bảo trì")
	]
	yield page, docs, lead
	for doctype, name in reversed(made):
		rest(page, "DELETE", f"/api/resource/{quote(doctype)}/{quote(name, safe='')}")


def choose_sample_and_download(page):
	dialog = page.locator(".modal.show").filter(has=page.locator("select[data-fieldname='template']"))
	dialog.wait_for()
	dialog.locator("select[data-fieldname='template']").select_option(SAMPLE)
	with page.expect_download(timeout=TIMEOUT) as info:
		dialog.locator(".btn-primary", has_text="Download").click()
	download = info.value
	with open(download.path(), "rb") as f:
		return download.suggested_filename, f.read()


def test_download_from_the_form(opportunities):
	page, docs, _lead = opportunities
	doc = docs[0]
	page.goto(f"/app/opportunity/{quote(doc['name'], safe='')}")
	desk_ready(page)
	page.get_by_role("button", name="Export with Template…").click()
	name, data = choose_sample_and_download(page)
	assert name == f"{doc.get('opportunity_code') or doc['name']}.docx"
	text = document_text(data)
	assert "THƯ CHÀO GIÁ" in text
	assert "Kính gửi: Công ty Hoa Sen" in text
	assert doc["title"] in text
	assert "{{" not in text and "{%" not in text


def test_download_several_from_the_list_as_a_zip(opportunities):
	page, docs, _lead = opportunities
	names = [d["name"] for d in docs]
	page.goto(f"/app/opportunity?name={quote(json.dumps(['in', names]))}")
	desk_ready(page)
	for name in names:
		row = page.locator(".list-row-container").filter(has=page.locator(f'[data-name="{name}"]'))
		row.locator(".list-row-checkbox").check()
	page.locator(".actions-btn-group button", has_text="Actions").click()
	page.locator(".dropdown-menu.show .dropdown-item", has_text="Export with Template…").click()
	name, data = choose_sample_and_download(page)
	assert name.endswith(".zip")
	with zipfile.ZipFile(io.BytesIO(data)) as archive:
		files = sorted(archive.namelist())
		assert files == sorted(f"{d.get('opportunity_code') or d['name']}.docx" for d in docs)
		for d in docs:
			text = document_text(archive.read(f"{d.get('opportunity_code') or d['name']}.docx"))
			assert d["title"] in text
