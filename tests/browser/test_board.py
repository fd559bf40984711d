"""The Opportunity Board in a real browser (Playwright + the system chromium).

Runs against a served site: OPPORTUNITY_PLUS_SITE_URL (e.g. http://board.localhost:8101), logged in
as Administrator (OPPORTUNITY_PLUS_ADMIN_PASSWORD, default "admin"). Skips when playwright is not
installed or the site does not answer. Builds its own pipeline and opportunities through the REST
API, drags cards with real mouse events, and saves screenshots to /tmp/shots/.
"""

import http.client
import json
import os
import random
import string
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from desk_rest import create, get, rest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

SITE_URL = os.environ.get("OPPORTUNITY_PLUS_SITE_URL", "").rstrip("/")
PASSWORD = os.environ.get("OPPORTUNITY_PLUS_ADMIN_PASSWORD", "admin")
CHROMIUM = os.environ.get("OPPORTUNITY_PLUS_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("OPPORTUNITY_PLUS_SHOTS", "/tmp/shots"))
TIMEOUT = 60_000
ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-dev-shm-usage",
	"--disable-background-networking",
	"--disable-component-update",
	"--no-first-run",
	"--disable-sync",
	"--host-resolver-rules=MAP *.localhost 127.0.0.1",
]

NEW, QUALIFIED, WON, LOST = "Board UI New", "Board UI Qualified", "Board UI Won", "Board UI Lost"


def site_answers(url: str) -> bool:
	"""True when the site answers /api/method/ping (*.localhost is sent to 127.0.0.1)."""
	if not url:
		return False
	parts = urlsplit(url)
	host = parts.hostname or ""
	address = "127.0.0.1" if host.endswith(".localhost") or host == "localhost" else host
	try:
		conn = http.client.HTTPConnection(address, parts.port or 80, timeout=10)
		conn.request("GET", "/api/method/ping", headers={"Host": parts.netloc})
		return conn.getresponse().status == 200
	except OSError:
		return False


@pytest.fixture(scope="module")
def board_browser():
	if not SITE_URL:
		pytest.skip("OPPORTUNITY_PLUS_SITE_URL is not set")
	if not site_answers(SITE_URL):
		pytest.skip(f"{SITE_URL} does not answer")
	with sync_api.sync_playwright() as playwright:
		browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
		yield browser
		browser.close()


def logged_in_page(browser, width=1440, height=900):
	context = browser.new_context(base_url=SITE_URL, viewport={"width": width, "height": height})
	context.set_default_timeout(TIMEOUT)
	page = context.new_page()
	page.goto("/login")
	status = page.evaluate(
		"""async (pwd) => (await fetch('/api/method/login', {
			method: 'POST', headers: {'Content-Type': 'application/json'},
			body: JSON.stringify({usr: 'Administrator', pwd})})).status""",
		PASSWORD,
	)
	assert status == 200, f"login failed: {status}"
	page.goto("/app/opportunity")
	page.wait_for_function("() => window.frappe && frappe.csrf_token && frappe.boot && frappe.boot.user")
	return page


@pytest.fixture
def board_data(board_browser):
	"""A pipeline of its own with three opportunities, made through the REST API."""
	page = logged_in_page(board_browser)
	suffix = "".join(random.choices(string.ascii_uppercase, k=5))
	for stage in (NEW, QUALIFIED, WON, LOST):
		if rest(page, "GET", f"/api/resource/Sales%20Stage/{quote(stage)}")[0] != 200:
			create(page, "Sales Stage", {"stage_name": stage})
	pipeline = create(
		page,
		"Sales Pipeline",
		{
			"pipeline_name": f"Board UI {suffix}",
			"stages": [
				{"sales_stage": NEW, "stage_type": "Open", "probability": 10, "color": "#5E64FF"},
				{
					"sales_stage": QUALIFIED,
					"stage_type": "Open",
					"probability": 40,
					"color": "#ECAD4B",
					"require_amount": 1,
				},
				{"sales_stage": WON, "stage_type": "Won", "probability": 100, "color": "#28A745"},
				{"sales_stage": LOST, "stage_type": "Lost", "probability": 0, "color": "#E24C4C"},
			],
		},
	)["name"]
	company, currency = page.evaluate(
		"() => [frappe.defaults.get_user_default('Company') || frappe.defaults.get_default('company'),"
		" frappe.boot.sysdefaults.currency]"
	)
	lead = create(page, "Lead", {"first_name": f"Board {suffix}", "company_name": f"Buyer {suffix}"})
	lead = lead["name"]

	def opportunity(title, amount):
		return create(
			page,
			"Opportunity",
			{
				"opportunity_from": "Lead",
				"party_name": lead,
				"title": f"{title} {suffix}",
				"company": company,
				"currency": currency,
				"conversion_rate": 1,
				"opportunity_amount": amount,
				"base_opportunity_amount": amount,
				"sales_pipeline": pipeline,
			},
		)["name"]

	data = {
		"pipeline": pipeline,
		"alpha": opportunity("Deal Alpha", 1000),
		"beta": opportunity("Deal Beta", 250),
		"gamma": opportunity("Deal Gamma", 0),
	}
	page.context.close()
	yield data

	# best effort: leave the site as it was
	page = logged_in_page(board_browser)
	for key in ("alpha", "beta", "gamma"):
		# deleting an opportunity deletes its stage history (history rows are never deleted alone)
		rest(page, "DELETE", f"/api/resource/Opportunity/{quote(data[key])}")
	rest(page, "DELETE", f"/api/resource/Sales%20Pipeline/{quote(pipeline)}")
	page.context.close()


def column(page, stage):
	return page.locator(f'.op-board-column[data-stage="{stage}"]')


def card(page, name):
	return page.locator(f'.op-board-card[data-name="{name}"]')


def open_board(page, pipeline):
	page.goto(f"/app/opportunity-board?pipeline={quote(pipeline)}")
	page.wait_for_selector(".op-board-card", state="visible")


def drag(page, source, target):
	"""Drag with real mouse events in small steps, as Sortable's fallback mode needs."""
	source.scroll_into_view_if_needed()
	start = source.bounding_box()
	end = target.bounding_box()
	x, y = start["x"] + start["width"] / 2, start["y"] + 15
	page.mouse.move(x, y)
	page.mouse.down()
	page.mouse.move(x + 8, y + 8, steps=4)
	page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 30, steps=25)
	page.wait_for_timeout(200)
	page.mouse.up()


def test_drag_moves_refusals_snap_back_and_totals_follow(board_browser, board_data):
	SHOTS.mkdir(parents=True, exist_ok=True)
	page = logged_in_page(board_browser)
	open_board(page, board_data["pipeline"])
	alpha, beta, gamma = board_data["alpha"], board_data["beta"], board_data["gamma"]

	new, qualified = column(page, NEW), column(page, QUALIFIED)
	assert new.locator(".op-board-count").inner_text() == "3"
	assert "1,250.00" in new.locator(".op-board-total").inner_text()

	# drag Alpha (amount 1,000) to Qualified (probability 40)
	with page.expect_response(lambda r: "move_card" in r.url) as response:
		drag(page, card(page, alpha), qualified.locator(".op-board-cards"))
	assert response.value.status == 200
	assert get(page, "Opportunity", alpha)["sales_stage"] == QUALIFIED
	assert card(page, alpha).locator("xpath=ancestor::section").get_attribute("data-stage") == QUALIFIED
	assert qualified.locator(".op-board-count").inner_text() == "1"
	assert "1,000.00" in qualified.locator(".op-board-total").inner_text()
	assert "400.00" in qualified.locator(".op-board-weighted").inner_text()
	assert new.locator(".op-board-count").inner_text() == "2"
	assert "250.00" in new.locator(".op-board-total").inner_text()

	# Gamma has no amount: Qualified refuses it, the card snaps back and the reason is shown
	with page.expect_response(lambda r: "move_card" in r.url) as response:
		drag(page, card(page, gamma), qualified.locator(".op-board-cards"))
	assert response.value.status == 417
	message = page.locator(".modal.show .msgprint")
	message.wait_for(state="visible")
	assert "needs an amount" in message.inner_text()
	assert card(page, gamma).locator("xpath=ancestor::section").get_attribute("data-stage") == NEW
	assert get(page, "Opportunity", gamma)["sales_stage"] == NEW
	assert qualified.locator(".op-board-count").inner_text() == "1"
	assert new.locator(".op-board-count").inner_text() == "2"
	page.locator(".modal.show .btn-modal-close").first.click()
	message.wait_for(state="hidden")

	# without a mouse: focus Beta, "m" opens "Move to…", choose Won
	card(page, beta).focus()
	page.keyboard.press("m")
	target = page.locator(f'.modal.show .op-move-target[data-stage="{WON}"]')
	target.wait_for(state="visible")
	with page.expect_response(lambda r: "move_card" in r.url) as response:
		target.press("Enter")
	assert response.value.status == 200
	assert get(page, "Opportunity", beta)["status"] == "Converted"
	assert column(page, WON).locator(".op-board-count").inner_text() == "1"

	# someone else edits Gamma meanwhile: the board refuses the move instead of overwriting
	status, _data = rest(page, "PUT", f"/api/resource/Opportunity/{quote(gamma)}", {"probability": 15})
	assert status == 200
	card(page, gamma).locator(".op-card-move").click()
	with page.expect_response(lambda r: "move_card" in r.url) as response:
		page.locator(f'.modal.show .op-move-target[data-stage="{WON}"]').click()
	assert response.value.status == 417
	message = page.locator(".modal.show .msgprint")
	message.wait_for(state="visible")
	assert "changed by" in message.inner_text()
	page.locator(".modal.show .btn-modal-close").first.click()
	assert get(page, "Opportunity", gamma)["sales_stage"] == NEW
	page.wait_for_function(
		"""(name) => {
			const c = document.querySelector(`.op-board-card[data-name="${name}"]`);
			return c && c.closest("section").dataset.stage === "Board UI New"
				&& c.querySelector(".op-card-probability").textContent.trim() === "15%";
		}""",
		arg=gamma,
	)
	page.wait_for_timeout(500)
	page.screenshot(path=str(SHOTS / "board-desktop.png"))
	page.context.close()


def test_board_on_a_phone(board_browser, board_data):
	SHOTS.mkdir(parents=True, exist_ok=True)
	page = logged_in_page(board_browser, 390, 844)
	open_board(page, board_data["pipeline"])
	board = page.locator(".op-board")
	assert board.evaluate("el => el.scrollWidth > el.clientWidth"), "columns should scroll sideways"
	assert card(page, board_data["alpha"]).locator(".op-card-move").is_visible()
	page.wait_for_timeout(500)
	page.screenshot(path=str(SHOTS / "board-phone.png"))
	page.context.close()
