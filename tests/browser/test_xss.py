"""Values from requests and documents never run as HTML in the desk (Playwright + system chromium).

Every name, title and URL parameter below carries a payload that sets ``window.__xss`` when it is
put into HTML unescaped: ``<img src=x onerror=...//`` where Frappe keeps tags (an opportunity title,
a lead's company), ``<img src=x onerror=...>`` (Frappe stores it sanitized as ``<img src="x">``),
quote payloads that break out of an attribute (``x" onmouseover="..."``) where Frappe refuses ``<``
and ``>`` (document names) and ``&lt;b&gt;`` that only stays visible when it is escaped. The board,
the Opportunity list, the form and the Opportunity Analysis report are visited, cards hovered and
focused, dialogs and alerts opened. Each check asserts that ``window.__xss`` is unset, no browser
dialog opened, no element came from a payload, and the payload shows as literal text.

Fixtures come from .ci/lib/browser_plugin.py (site_url, browser, admin_page); data is made through
the REST API from inside the logged-in page. Screenshots go to OPPORTUNITY_PLUS_SHOTS (/tmp/shots).
"""

import datetime
import json
import os
import random
import string
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from desk_rest import create, delete, desk_ready, get, rest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
PlaywrightError = sync_api.Error

PASSWORD = os.environ.get("OPPORTUNITY_PLUS_ADMIN_PASSWORD", "admin")
SHOTS = Path(os.environ.get("OPPORTUNITY_PLUS_SHOTS", "/tmp/shots"))
TIMEOUT = 60_000

# fires when put into HTML that goes on after it (Frappe's sanitizer keeps an unclosed tag)
TAG = "<img src=x onerror=window.__xss=1//"
# Frappe stores this one as <img src="x">: unescaped, it still makes an img[src="x"]
IMG = "<img src=x onerror=window.__xss=1>"
# for names (no < or > allowed): leave a double- or a single-quoted attribute, show entities
DQ = 'x" onmouseover="window.__xss=1" autofocus onfocus="window.__xss=1" &lt;b&gt;'
SQ = "x' onmouseover='window.__xss=1' autofocus onfocus='window.__xss=1' &lt;i&gt;"
BAD_COLOR = '#fff" onmouseover="window.__xss=1'

# anything a payload would have made, had it been parsed as HTML
INJECTED = (
	'img[src="x"], [onmouseover], [onfocus], [onerror], [onload], [autofocus],'
	" .op-board b, .op-board i, .list-row-container b, .list-row-container i"
)


# ------------------------------------------------------------------------------------ helpers


def login(browser, site_url):
	context = browser.new_context(base_url=site_url, viewport={"width": 1440, "height": 900})
	context.set_default_timeout(TIMEOUT)
	page = context.new_page()
	page.goto("/login")
	status = page.evaluate(
		"""async (pwd) => {
			const body = new URLSearchParams({usr: "Administrator", pwd});
			return (await fetch("/api/method/login", {method: "POST", body})).status;
		}""",
		PASSWORD,
	)
	assert status == 200, f"login as Administrator failed with HTTP {status}"
	return page


class Watch:
	"""Fails on any browser dialog (alert/confirm/prompt) and on what a payload left behind."""

	def __init__(self, page):
		self.page = page
		self.dialogs = []
		page.on("dialog", self.on_dialog)

	def on_dialog(self, dialog):
		self.dialogs.append(f"{dialog.type}: {dialog.message}")
		dialog.dismiss()

	def check(self, where: str):
		page = self.page
		page.wait_for_timeout(300)  # let a payload's onerror (a failed image load) run
		assert page.evaluate("() => window.__xss") is None, f"{where}: a payload ran (window.__xss)"
		assert not self.dialogs, f"{where}: a browser dialog opened: {self.dialogs}"
		made = page.evaluate(
			"""(selector) => [...document.querySelectorAll(selector)].map(
				(el) => el.outerHTML.slice(0, 200))""",
			INJECTED,
		)
		assert not made, f"{where}: elements made by a payload: {made}"


def shot(page, name: str):
	SHOTS.mkdir(parents=True, exist_ok=True)
	page.screenshot(path=str(SHOTS / f"xss-{name}.png"), full_page=False)


def texts(page, selector: str) -> list[str]:
	return page.eval_on_selector_all(selector, "els => els.map((el) => el.textContent.trim())")


def hover_and_focus(page, selector: str, limit: int = 20):
	"""Hover and focus what a payload would have put a handler on: real pointer moves over what can
	be reached, and mouseover/focus events on each element and everything inside it."""
	page.eval_on_selector_all(
		selector,
		"""(els, limit) => els.slice(0, limit).forEach((el) => {
			for (const node of [el, ...el.querySelectorAll("*")]) {
				for (const type of ["mouseover", "mouseenter", "mousemove"]) {
					node.dispatchEvent(new MouseEvent(type, {bubbles: true}));
				}
				node.dispatchEvent(new FocusEvent("focus"));
			}
			if (el.focus) el.focus();
		})""",
		limit,
	)
	locator = page.locator(selector)
	for i in range(min(locator.count(), limit)):
		item = locator.nth(i)
		if not item.is_visible():
			continue
		try:
			item.hover(timeout=2000)
		except PlaywrightError:
			pass  # covered by a sticky header or a dialog: the events above reached it


def close_modals(page):
	for _ in range(3):
		modal = page.locator(".modal.show")
		if not modal.count():
			return
		page.keyboard.press("Escape")
		page.wait_for_timeout(400)


# ------------------------------------------------------------------------------------ data


@pytest.fixture(scope="module")
def xss(browser, site_url):
	"""Stages, a pipeline, labels, a customer, a lead, a user and two opportunities, all named with
	payloads."""
	page = login(browser, site_url)
	page.goto("/app/opportunity")
	desk_ready(page)
	sfx = "".join(random.choices(string.ascii_uppercase, k=5))
	company = page.evaluate(
		"() => frappe.defaults.get_user_default('Company') || frappe.defaults.get_default('company')"
	)
	currency = page.evaluate("() => frappe.boot.sysdefaults.currency")
	data = {"sfx": sfx, "company": company}
	made = []  # (doctype, name) to delete, last made first

	def make(doctype, values):
		doc = create(page, doctype, values)
		made.append((doctype, doc["name"]))
		return doc

	open_a = make("Sales Stage", {"stage_name": f"XSS Open {sfx} {DQ}"})["name"]
	open_b = make("Sales Stage", {"stage_name": f"XSS Next {sfx} {SQ}"})["name"]
	won = make("Sales Stage", {"stage_name": f"XSS Won {sfx} {DQ}"})["name"]
	data["stages"] = [open_a, open_b, won]
	data["pipeline"] = make(
		"Sales Pipeline",
		{
			"pipeline_name": f"XSS Pipe {sfx} {DQ}",
			"stages": [
				{"sales_stage": open_a, "stage_type": "Open", "probability": 10, "color": "#5E64FF"},
				{"sales_stage": open_b, "stage_type": "Open", "probability": 40, "color": "#ECAD4B"},
				{"sales_stage": won, "stage_type": "Won", "probability": 100, "color": "#28A745"},
			],
		},
	)["name"]
	# a colour that would break out of a style attribute is refused by the server itself
	for bad in (BAD_COLOR, "red;x:y"):
		status, _refused = rest(
			page, "POST", "/api/resource/Opportunity%20Label", {"label_name": f"XSS Bad {sfx}", "color": bad}
		)
		assert status == 417, f"a label coloured {bad!r} was accepted: {status}"
	data["labels"] = [
		make("Opportunity Label", {"label_name": f"XSS Label {sfx} {SQ}", "color": "#E24C4C"})["name"],
		make("Opportunity Label", {"label_name": f"XSS Tag {sfx} {DQ}", "color": "red"})["name"],
	]
	customer = make("Customer", {"customer_name": f"XSS Cust {sfx} {DQ}"})
	lead = make("Lead", {"first_name": f"XSS Lead {sfx} {SQ}", "company_name": f"XSS Co {sfx} {TAG}"})
	user = make(
		"User",
		{
			"email": f"xss-{sfx.lower()}@example.com",
			"first_name": f"XSS Owner {sfx} {DQ}",
			"send_welcome_email": 0,
		},
	)
	data["user"] = user["name"]
	closing = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()

	def opportunity(title, party, party_type, stage, labels, amount):
		return make(
			"Opportunity",
			{
				"opportunity_from": party_type,
				"party_name": party,
				"title": title,
				"company": company,
				"currency": currency,
				"conversion_rate": 1,
				"opportunity_amount": amount,
				"base_opportunity_amount": amount,
				"expected_closing": closing,
				"sales_pipeline": data["pipeline"],
				"sales_stage": stage,
				"opportunity_owner": user["name"],
				"opportunity_labels": [{"label": label} for label in labels],
			},
		)

	a = opportunity(f"XSS Deal A {sfx} {TAG}", customer["name"], "Customer", open_a, data["labels"], 1000)
	b = opportunity(f"XSS Deal B {sfx} {IMG}", lead["name"], "Lead", open_b, data["labels"][:1], 500)
	data["a"], data["b"] = a["name"], b["name"]
	# what the server kept (it may sanitize): the screens must show exactly this, as text
	data["title_a"], data["title_b"] = a["title"], b["title"]
	data["party_a"], data["party_b"] = a["customer_name"], b["customer_name"]
	assert "<img src=" in data["title_a"] and "<img src=" in data["title_b"], (a["title"], b["title"])
	page.context.close()
	yield data

	# best effort: leave the site as it was
	page = login(browser, site_url)
	page.goto("/app/opportunity")
	desk_ready(page)
	# deleting an opportunity deletes its stage history (history rows are never deleted alone)
	for doctype, name in reversed(made):
		delete(page, doctype, name)
	page.context.close()


@pytest.fixture
def watched(admin_page):
	admin_page.set_default_timeout(TIMEOUT)
	admin_page.set_viewport_size({"width": 1440, "height": 900})
	return admin_page, Watch(admin_page)


def board_url(**params) -> str:
	return "/app/opportunity-board?" + urlencode(params, quote_via=quote)


# ------------------------------------------------------------------------------------ board


def test_board_url_parameters_show_as_text(watched, xss):
	page, watch = watched
	# an unknown pipeline from the URL: the server's "not found" message shows the name as text
	page.goto(board_url(pipeline=IMG))
	desk_ready(page)
	message = page.locator(".modal.show .msgprint")
	message.first.wait_for(state="visible")
	page.wait_for_timeout(500)
	shot(page, "board-url-pipeline")
	watch.check("board ?pipeline=<img>")
	assert IMG in message.first.inner_text(), message.first.inner_text()
	close_modals(page)

	# the filters from the URL: into the filter fields as values, to the server as data
	page.goto(
		board_url(
			pipeline=xss["pipeline"],
			owner=IMG,
			label=TAG,
			company=DQ,
			opportunity_type=SQ,
			search=IMG,
			closing_from=IMG,
		)
	)
	desk_ready(page)
	page.wait_for_selector(".op-board-column")
	page.wait_for_timeout(800)
	shot(page, "board-url-filters")
	watch.check("board with payload filters")
	assert page.locator(".op-board-filter input[data-fieldname='search']").input_value() == IMG
	close_modals(page)
	watch.check("board with payload filters, message closed")


def test_board_cards_columns_and_dialogs(watched, xss):
	page, watch = watched
	page.goto(board_url(pipeline=xss["pipeline"]))
	desk_ready(page)
	page.wait_for_selector(".op-board-card")
	watch.check("board")

	# stage names, pipeline name, card titles, parties and labels are literal text
	ours = lambda values: [v for v in values if xss["sfx"] in v]  # noqa: E731
	names = texts(page, ".op-board-stage-name")
	assert ours(names) == xss["stages"], names
	stages = page.eval_on_selector_all(".op-board-column", "els => els.map((el) => el.dataset.stage)")
	assert ours(stages) == xss["stages"], stages
	options = texts(page, ".op-board-pipeline select option")
	assert xss["pipeline"] in options, options
	titles = texts(page, ".op-card-title")
	assert sorted(titles) == sorted([xss["title_a"], xss["title_b"]]), titles
	parties = texts(page, ".op-card-party")
	assert xss["party_a"] in parties and xss["party_b"] in parties, parties
	labels = texts(page, ".op-card-label")
	assert sorted(labels) == sorted(xss["labels"] + xss["labels"][:1]), labels
	styles = page.eval_on_selector_all(".op-card-label", "els => els.map((el) => el.style.cssText)")
	assert all("onmouseover" not in s and "x:" not in s for s in styles), styles
	owner = page.locator(".op-card-owner").first.get_attribute("title")
	assert owner in (xss["user"], get(page, "User", xss["user"])["full_name"]), owner

	# hover and focus everything a payload could have put a handler on
	hover_and_focus(page, ".op-board-card")
	hover_and_focus(page, ".op-card-title, .op-card-party, .op-card-label, .op-card-owner")
	hover_and_focus(page, ".op-board-column-header, .op-board-add, .op-board-toggle")
	shot(page, "board")
	watch.check("board, cards hovered and focused")

	# "Move to…": the dialog title and its stage buttons
	card = page.locator(f'.op-board-card[data-name="{xss["a"]}"]')
	card.focus()
	page.keyboard.press("m")
	target = page.locator(".modal.show .op-move-target").first
	target.wait_for(state="visible")
	title = page.locator(".modal.show .modal-title").inner_text()
	assert xss["title_a"] in title, title
	buttons = texts(page, ".modal.show .op-move-target")
	assert any(xss["stages"][1] in b for b in buttons), buttons
	current = page.locator(".modal.show .op-move-current").inner_text()
	assert xss["stages"][0] in current, current
	hover_and_focus(page, ".modal.show .op-move-target")
	shot(page, "board-move-dialog")
	watch.check("board move dialog")

	# the move's alert names the card and the stage
	with page.expect_response(lambda r: "move_card" in r.url) as response:
		page.locator(".modal.show .op-move-target").nth(0).click()
	assert response.value.status == 200
	alert = page.locator("#alert-container .alert-message").last
	alert.wait_for(state="visible")
	assert xss["title_a"] in alert.inner_text(), alert.inner_text()
	assert xss["stages"][1] in alert.inner_text(), alert.inner_text()
	shot(page, "board-moved-alert")
	watch.check("board move alert")

	# quick add: the stage choices
	page.locator(".page-actions .primary-action").click()
	select = page.locator(".modal.show select[data-fieldname='stage']")
	select.wait_for(state="visible")
	choices = texts(page, ".modal.show select[data-fieldname='stage'] option")
	assert xss["stages"][:2] == ours(choices), choices
	shot(page, "board-quick-add")
	watch.check("board quick add dialog")
	close_modals(page)


# ------------------------------------------------------------------------------------ list and form


def test_opportunity_list(watched, xss):
	page, watch = watched
	page.goto("/app/opportunity?" + urlencode({"sales_pipeline": xss["pipeline"]}, quote_via=quote))
	desk_ready(page)
	page.wait_for_selector(".list-row-container .op-label-pill")
	page.wait_for_timeout(800)
	watch.check("opportunity list")

	# the stage indicator: literal text, and a filter that is the stage itself
	pills = page.eval_on_selector_all(
		".list-row-container .indicator-pill",
		"els => els.map((el) => [el.textContent.trim(), el.getAttribute('data-filter')])",
	)
	now_in = {get(page, "Opportunity", xss[key])["sales_stage"] for key in ("a", "b")}
	expected = {(stage, f"sales_stage,=,{stage}") for stage in now_in}
	assert expected <= {tuple(p) for p in pills}, pills
	labels = page.eval_on_selector_all(
		".list-row-container .op-label-pill[data-label]",
		"els => els.map((el) => [el.textContent.trim(), el.dataset.label, el.title])",
	)
	assert {label for label, _data, _title in labels} == set(xss["labels"]), labels
	assert all(text == data and text in title for text, data, title in labels), labels
	titles = texts(page, ".list-row-container .list-subject a.ellipsis")
	assert xss["title_a"] in titles and xss["title_b"] in titles, titles
	hover_and_focus(page, ".list-row-container .indicator-pill, .list-row-container .op-label-pill")
	hover_and_focus(page, ".list-row-container .list-subject a")
	shot(page, "list")
	watch.check("opportunity list, hovered")

	# clicking a label pill filters by it (the value survives the attribute round trip)
	page.locator(".list-row-container .op-label-pill[data-label]").first.click()
	page.wait_for_timeout(800)
	value = page.locator(".page-form [data-fieldname='label'] input").input_value()
	assert value in xss["labels"], value
	watch.check("opportunity list, label filter")


def test_opportunity_form(watched, xss):
	page, watch = watched
	page.goto(f"/app/opportunity/{quote(xss['a'])}")
	desk_ready(page)
	page.wait_for_selector(".form-layout")
	page.wait_for_function(
		"(name) => window.cur_frm && cur_frm.doc && cur_frm.doc.name === name", arg=xss["a"]
	)
	page.wait_for_timeout(1000)
	watch.check("opportunity form")
	indicator = page.locator(".page-head .indicator-pill").first.inner_text().strip()
	doc = get(page, "Opportunity", xss["a"])
	assert indicator == doc["sales_stage"], indicator
	history = page.locator(".opportunity-plus-history")
	if history.count():
		text = history.inner_text()
		assert xss["stages"][0] in text, text
	hover_and_focus(page, ".page-head .indicator-pill, .opportunity-plus-history td")
	shot(page, "form")
	watch.check("opportunity form, hovered")


# ------------------------------------------------------------------------------------ report


@pytest.mark.parametrize("group_by", ["Stage", "Owner", "Pipeline", "Forecast"])
def test_opportunity_analysis(watched, xss, group_by):
	page, watch = watched
	params = {"company": xss["company"], "group_by": group_by, "pipeline": xss["pipeline"]}
	if group_by in ("Pipeline", "Forecast"):
		params["label"] = xss["labels"][0]
	page.goto("/app/query-report/Opportunity Analysis?" + urlencode(params, quote_via=quote))
	desk_ready(page)
	page.wait_for_selector(".dt-scrollable .dt-row")
	page.wait_for_timeout(1000)
	watch.check(f"report by {group_by}")

	cells = texts(page, ".dt-scrollable .dt-cell--col-1 .dt-cell__content")
	if group_by == "Stage":
		expected = xss["stages"][:2]
	elif group_by == "Owner":
		expected = [get(page, "User", xss["user"])["full_name"]]
	elif group_by == "Pipeline":
		expected = [xss["pipeline"]]
	else:
		expected = []
	for value in expected:
		assert any(value == c.strip() or value in c for c in cells), (value, cells)
	if group_by == "Forecast":
		assert any(xss["pipeline"] in c for c in cells), cells

	# the chart's tooltip shows a group name: move over every bar
	chart = page.locator(".chart-container svg").first
	if chart.count():
		box = chart.bounding_box()
		for step in range(1, 20):
			page.mouse.move(box["x"] + box["width"] * step / 20, box["y"] + box["height"] * 0.6)
			page.wait_for_timeout(30)
		tip = page.locator(".graph-svg-tip .title").first
		if group_by != "Forecast":
			# every group name here ends in "&lt;b&gt;" or "&lt;i&gt;": only escaped does it show so
			shown = tip.text_content()
			assert "&lt;" in shown, f"chart tooltip {shown!r}"
	hover_and_focus(page, ".dt-scrollable .dt-cell--col-1")
	shot(page, f"report-{group_by.lower()}")
	watch.check(f"report by {group_by}, hovered")


def test_report_with_payload_filters(watched, xss):
	page, watch = watched
	params = {"company": xss["company"], "group_by": "Stage", "label": IMG, "pipeline": DQ}
	page.goto("/app/query-report/Opportunity Analysis?" + urlencode(params, quote_via=quote))
	desk_ready(page)
	page.wait_for_selector(".page-form")
	page.wait_for_timeout(2000)
	shot(page, "report-payload-filters")
	watch.check("report with payload filters")
