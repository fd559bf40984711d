"""Writing demo data to a site: master records through documents, opportunities in bulk.

Master records (sales users, customers, leads, items, pipelines, labels, lost reasons) are few and
go through their documents, so ERPNext's own rules apply; running the demo again reuses them.
Opportunities, their items, labels, lost reasons and stage history rows are many and go through
multi-row inserts in chunks: names and codes are reserved in blocks from the same counters
the app uses, so later opportunities continue the numbering without collisions. A few
opportunities then go through ERPNext's real sales flow (quotation, sales order).
"""

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import islice

import frappe
from frappe import _
from frappe.model.naming import NamingSeries
from frappe.utils import add_days, now_datetime, nowdate

from opportunity_plus.day_summaries.refresh import rebuild as rebuild_day_summaries
from opportunity_plus.demo import names
from opportunity_plus.demo.rows import Catalogue, DemoItem, DemoOpportunity, DemoPipeline, Party, generate
from opportunity_plus.overrides.card_summary import SEPARATOR
from opportunity_plus.overrides.opportunity_code import SERIES_PREFIX, reserve_numbers
from opportunity_plus.overrides.stage_history import reserve_history_names
from opportunity_plus.overrides.stage_keys import reserve_opportunity_keys, stage_key_of
from opportunity_plus.overrides.stays_by_stage import reserve_stay_names
from opportunity_plus.queries.pipeline import get_default_pipeline, get_stages
from opportunity_plus.rules.opportunity_code import CodeContext, format_code, series_key
from opportunity_plus.rules.stage_move import VIA_DEMO

CHUNK = 2000
ALL_NAMES_UP_TO = 100_000  # a larger run returns only its latest names (the sales flow's pick)
SALES_FLOW_POOL = 3000
SALES_ROLE = "Sales User"

# name, abbreviation, weight, quotation stage, [(sales stage, type, probability, colour, stale days, needs amount)]
DEMO_PIPELINES = [
	(
		"Dự án",
		"DA",
		0.8,
		"Gửi báo giá",
		[
			("Tiếp nhận yêu cầu", "Open", 10, "#7C8A9A", 10, 0),
			("Khảo sát hiện trạng", "Open", 25, "#5E64FF", 21, 0),
			("Thiết kế giải pháp", "Open", 40, "#2490EF", 21, 0),
			("Gửi báo giá", "Open", 60, "#ECAD4B", 14, 1),
			("Đàm phán hợp đồng", "Open", 80, "#F08A24", 14, 1),
			("Won", "Won", 100, "#28A745", 0, 0),
			("Lost", "Lost", 0, "#E24C4C", 0, 0),
		],
	),
	(
		"Bán lẻ",
		"BL",
		1.2,
		"Báo giá",
		[
			("Khách quan tâm", "Open", 20, "#1AA3C1", 7, 0),
			("Tư vấn sản phẩm", "Open", 40, "#18A999", 7, 0),
			("Báo giá", "Open", 70, "#ECAD4B", 7, 1),
			("Won", "Won", 100, "#28A745", 0, 0),
			("Lost", "Lost", 0, "#E24C4C", 0, 0),
		],
	),
]


# Lead sources of the demo and how much likelier than average each one is to be won: demo data with a
# signal for the predicted win probability (the figures show how it works, they promise nothing)
DEMO_SOURCES = [
	("Existing Customer", 3.0),
	("Reference", 2.0),
	("Exhibition", 1.0),
	("Advertisement", 1.0),
	("Campaign", 1.0),
	("Walk In", 1.0),
	("Mass Mailing", 0.6),
	("Cold Calling", 0.4),
]


class DemoProgress:
	"""Progress on the terminal (or wherever ``progress`` sends it) and timings per step."""

	def __init__(self, progress: Callable[[str, int, int], None] | None = None):
		self.progress = progress or (lambda text, done, total: None)
		self.timings: dict[str, float] = {}

	def step(self, name: str, seconds: float) -> None:
		self.timings[name] = round(self.timings.get(name, 0) + seconds, 2)


def make_demo(
	count: int,
	seed: int = 1,
	company: str | None = None,
	years: int = 3,
	with_sales_flow: bool = True,
	progress: Callable[[str, int, int], None] | None = None,
	commit: bool = True,
) -> dict:
	"""Create the demo records and ``count`` opportunities; returns counts and timings."""
	reporter = DemoProgress(progress)
	started = time.monotonic()
	company = company or default_company()
	if not company:
		frappe.throw(_("Create a company first (finish the setup wizard), then run the demo again."))
	now = now_datetime().replace(microsecond=0)

	t = time.monotonic()
	catalogue = ensure_catalogue(company, count, seed)
	reporter.step("masters", time.monotonic() - t)
	if commit:
		frappe.db.commit()

	t = time.monotonic()
	made = insert_opportunities(
		company, generate(catalogue, count, seed, now, years), count, reporter, commit=commit
	)
	reporter.step("opportunities", time.monotonic() - t)

	t = time.monotonic()
	rebuild_day_summaries()  # the opportunities went in by plain SQL: the report's sums, set-based
	reporter.step("day_summaries", time.monotonic() - t)
	if commit:
		frappe.db.commit()

	flows = {"quotations": 0, "sales_orders": 0}
	if with_sales_flow and count:
		t = time.monotonic()
		flows = run_sales_flow(made["names"], seed, quotations=min(10, max(1, count // 1000)))
		reporter.step("sales_flow", time.monotonic() - t)
		if commit:
			frappe.db.commit()

	return {
		"company": company,
		"opportunities": made["count"],
		"history_rows": made["history"],
		"names": made["names"],
		"all_names": made["all_names"],
		**flows,
		"seconds": round(time.monotonic() - started, 2),
		"timings": reporter.timings,
	}


# ------------------------------------------------------------------ master records


def default_company() -> str | None:
	return (
		frappe.defaults.get_user_default("Company")
		or frappe.db.get_single_value("Global Defaults", "default_company")
		or (frappe.get_all("Company", pluck="name", limit=1) or [None])[0]
	)


def ensure_catalogue(company: str, count: int, seed: int) -> Catalogue:
	rng = random.Random(seed)
	currency = frappe.get_cached_value("Company", company, "default_currency")
	owners = ensure_sales_users()
	pipelines = ensure_pipelines()
	labels = ensure_labels()
	lost_reasons = ensure_lost_reasons()
	items = ensure_items()
	sources = ensure_sources()
	parties_each = min(50, max(10, count // 200))
	parties = ensure_customers(rng, parties_each) + ensure_leads(rng, company, parties_each)
	return Catalogue(
		pipelines=pipelines,
		parties=parties,
		owners=owners,
		items=items,
		labels=labels,
		lost_reasons=lost_reasons,
		topics=names.OPPORTUNITY_TOPICS,
		price_scale=25_000 if currency == "VND" else 1,
		sources=sources,
	)


def ensure_sales_users() -> list[str]:
	users = []
	for email, first_name, last_name in names.SALES_USERS:
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": first_name,
					"last_name": last_name,
					"send_welcome_email": 0,
					"language": "vi",
				}
			)
			user.append("roles", {"role": SALES_ROLE})
			user.insert(ignore_permissions=True)
		users.append(email)
	return users


def ensure_sales_stage(name: str) -> None:
	if not frappe.db.exists("Sales Stage", name):
		frappe.get_doc({"doctype": "Sales Stage", "stage_name": name}).insert(ignore_permissions=True)


def ensure_pipelines() -> list[DemoPipeline]:
	result = []
	default = get_default_pipeline()
	if default:
		result.append(DemoPipeline(default, tuple(get_stages(default)), 1.5))
	for name, abbreviation, weight, quotation_stage, stages in DEMO_PIPELINES:
		if not frappe.db.exists("Sales Pipeline", name):
			for stage, *_rest in stages:
				ensure_sales_stage(stage)
			frappe.get_doc(
				{
					"doctype": "Sales Pipeline",
					"pipeline_name": name,
					"abbreviation": abbreviation,
					"quotation_stage": quotation_stage,
					"stages": [
						{
							"sales_stage": stage,
							"stage_type": stage_type,
							"probability": probability,
							"color": color,
							"stale_after_days": stale,
							"require_amount": needs_amount,
							"require_lost_reasons": 1 if stage_type == "Lost" else 0,
						}
						for stage, stage_type, probability, color, stale, needs_amount in stages
					],
				}
			).insert(ignore_permissions=True)
		if not frappe.db.get_value("Sales Pipeline", name, "disabled"):
			result.append(DemoPipeline(name, tuple(get_stages(name)), weight))
	return result


def ensure_labels() -> list[str]:
	for label, color in names.LABELS:
		if not frappe.db.exists("Opportunity Label", label):
			frappe.get_doc({"doctype": "Opportunity Label", "label_name": label, "color": color}).insert(
				ignore_permissions=True
			)
	return [label for label, _color in names.LABELS]


def ensure_sources() -> list[tuple[str, float]]:
	for source, _odds in DEMO_SOURCES:
		if not frappe.db.exists("Lead Source", source):
			frappe.get_doc({"doctype": "Lead Source", "source_name": source}).insert(ignore_permissions=True)
	return list(DEMO_SOURCES)


def ensure_lost_reasons() -> list[str]:
	for reason in names.LOST_REASONS:
		if not frappe.db.exists("Opportunity Lost Reason", reason):
			frappe.get_doc({"doctype": "Opportunity Lost Reason", "lost_reason": reason}).insert(
				ignore_permissions=True
			)
	return list(names.LOST_REASONS)


def ensure_items() -> list[DemoItem]:
	root_group = frappe.db.get_value("Item Group", {"is_group": 1, "parent_item_group": ("in", ["", None])})
	uom = "Nos" if frappe.db.exists("UOM", "Nos") else frappe.db.get_value("UOM", {}, "name")
	result = []
	for code, item_name, _uom, price, group in names.ITEMS:
		group = group if frappe.db.exists("Item Group", group) else root_group
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": item_name,
					"item_group": group,
					"stock_uom": uom,
					"is_stock_item": 0,
					"include_item_in_manufacturing": 0,
					"description": item_name,
				}
			).insert(ignore_permissions=True)
		result.append(DemoItem(code, item_name, uom, price, group))
	return result


def company_name(rng) -> str:
	if rng.random() < 0.75:
		trade = rng.choice(names.VI_COMPANY_TRADES)
		return " ".join(
			part
			for part in (rng.choice(names.VI_COMPANY_FORMS), trade, rng.choice(names.VI_COMPANY_WORDS))
			if part
		)
	return f"{rng.choice(names.EN_COMPANY_WORDS)} {rng.choice(names.EN_COMPANY_FORMS)}"


def person_name(rng) -> tuple[str, str]:
	if rng.random() < 0.8:
		return f"{rng.choice(names.VI_MIDDLE)} {rng.choice(names.VI_GIVEN)}", rng.choice(names.VI_FAMILY)
	return rng.choice(names.EN_FIRST), rng.choice(names.EN_LAST)


def non_group_record(doctype: str, preferred: str | None) -> str | None:
	"""``preferred`` when it is not a group, else the first record of the tree that is not a group."""
	if preferred and not frappe.db.get_value(doctype, preferred, "is_group"):
		return preferred
	return frappe.db.get_value(doctype, {"is_group": 0}, "name", order_by="lft asc")


def ensure_customers(rng, count: int) -> list[Party]:
	group = non_group_record(
		"Customer Group", frappe.db.get_single_value("Selling Settings", "customer_group")
	)
	territory = non_group_record("Territory", frappe.db.get_single_value("Selling Settings", "territory"))
	parties, seen = [], set()
	while len(parties) < count:
		title = company_name(rng)
		if title in seen:
			title = f"{title} {rng.choice(names.CITIES)}"
		if title in seen:
			continue
		seen.add(title)
		name = frappe.db.get_value("Customer", {"customer_name": title})
		if not name:
			name = (
				frappe.get_doc(
					{
						"doctype": "Customer",
						"customer_name": title,
						"customer_type": "Company",
						"customer_group": group,
						"territory": territory,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		parties.append(Party("Customer", name, title))
	return parties


def ensure_leads(rng, company: str, count: int) -> list[Party]:
	parties = []
	for index in range(count):
		first_name, last_name = person_name(rng)
		email = f"demo.lead.{index + 1:04d}@example.com"
		name = frappe.db.get_value("Lead", {"email_id": email})
		title = f"{last_name} {first_name}" if last_name in names.VI_FAMILY else f"{first_name} {last_name}"
		if not name:
			lead = frappe.get_doc(
				{
					"doctype": "Lead",
					"first_name": first_name,
					"last_name": last_name,
					"email_id": email,
					"company_name": company_name(rng) if rng.random() < 0.5 else None,
					"city": rng.choice(names.CITIES),
					"company": company,
				}
			).insert(ignore_permissions=True)
			name = lead.name
			title = lead.lead_name or title
		else:
			title = frappe.db.get_value("Lead", name, "lead_name") or title
		parties.append(Party("Lead", name, title))
	return parties


# ------------------------------------------------------------------ opportunities in bulk


class OpportunityNaming:
	"""Document names from the Opportunity naming series, and codes from the code template."""

	def __init__(self, company: str):
		meta = frappe.get_meta("Opportunity")
		series_field = meta.get_field("naming_series")
		series = (
			series_field.default or (series_field.options or "").split("\n")[0]
		).strip() or "CRM-OPP-.YYYY.-"
		self.naming_series = series
		naming = NamingSeries(series)
		self.name_prefix = naming.get_prefix()
		self.name_digits = naming.series.count("#")
		settings = frappe.get_cached_doc("Opportunity Plus Settings")
		self.template = settings.code_template
		self.counter_start = settings.code_counter_start or 1
		self.company = company
		self.company_abbr = frappe.get_cached_value("Company", company, "abbr") or ""
		self.pipeline_abbr = {
			row.name: row.abbreviation or ""
			for row in frappe.get_all("Sales Pipeline", fields=["name", "abbreviation"])
		}

	def names(self, count: int) -> list[str]:
		while True:
			first = reserve_numbers(self.name_prefix, count)
			result = [
				f"{self.name_prefix}{number:0{self.name_digits}d}" for number in range(first, first + count)
			]
			if not frappe.db.exists("Opportunity", {"name": ("in", result)}):
				return result

	def codes(self, rows: list[DemoOpportunity]) -> list[str]:
		"""A code per row, each series taking its block at once (one query per series and chunk)."""
		by_series = defaultdict(list)
		for position, row in enumerate(rows):
			context = CodeContext(
				on=row.transaction_date,
				company_abbr=self.company_abbr,
				pipeline_abbr=self.pipeline_abbr.get(row.pipeline, ""),
			)
			by_series[series_key(self.template, context)].append(position)
		codes: list[str] = [""] * len(rows)
		for (prefix, suffix, digits), positions in by_series.items():
			# the same counter key as opportunity_plus.overrides.opportunity_code.new_code
			key = f"{SERIES_PREFIX}{prefix}{{#}}{suffix}"[:100]
			first = reserve_numbers(key, len(positions), self.counter_start)
			for offset, position in enumerate(positions):
				codes[position] = format_code(prefix, first + offset, digits, suffix)
		taken = set(
			frappe.get_all(
				"Opportunity", filters={"opportunity_code": ("in", codes)}, pluck="opportunity_code"
			)
		)
		for position, code in enumerate(codes):
			if code in taken:  # a code typed by hand already holds this number
				codes[position] = self.replacement_code(rows[position], taken)
		return codes

	def replacement_code(self, row: DemoOpportunity, taken: set) -> str:
		from opportunity_plus.overrides.opportunity_code import new_code

		doc = frappe._dict(
			company=self.company,
			sales_pipeline=row.pipeline,
			transaction_date=row.transaction_date,
			doctype="Opportunity",
		)
		code = new_code(doc)
		taken.add(code)
		return code


OPPORTUNITY_FIELDS = [
	"name", "creation", "modified", "modified_by", "owner", "docstatus", "idx", "naming_series",
	"opportunity_from", "party_name", "customer_name", "status", "opportunity_type", "opportunity_owner",
	"sales_stage", "expected_closing", "probability", "currency", "conversion_rate", "opportunity_amount",
	"base_opportunity_amount", "company", "transaction_date", "title", "order_lost_reason", "base_total",
	"total", "opportunity_code", "sales_pipeline", "stage_entered_on", "board_rank", "territory",
	"customer_group", "stage_stay_seconds", "stage_stays", "source", "probability_at_close",
	"opportunity_key", "card_labels", "follower_count",
]  # fmt: skip
ACTIVITY_FIELDS = [
	"name", "creation", "modified", "modified_by", "owner", "docstatus", "idx", "subject", "content",
	"communication_type", "communication_medium", "sent_or_received", "communication_date", "status",
	"reference_doctype", "reference_name", "sender", "user",
]  # fmt: skip
ITEM_FIELDS = [
	"name", "creation", "modified", "modified_by", "owner", "docstatus", "idx", "parent", "parentfield",
	"parenttype", "item_code", "item_name", "uom", "qty", "item_group", "description", "base_rate",
	"base_amount", "rate", "amount",
]  # fmt: skip
CHILD_FIELDS = [
	"name",
	"creation",
	"modified",
	"modified_by",
	"owner",
	"docstatus",
	"idx",
	"parent",
	"parentfield",
	"parenttype",
]
HISTORY_FIELDS = [
	"name", "creation", "modified", "modified_by", "owner", "docstatus", "idx", "opportunity",
	"sales_pipeline", "from_stage", "to_stage", "changed_on", "changed_by", "from_stage_entered_on",
	"seconds_in_from_stage", "first_leave", "first_leave_in_pipeline", "via",
]  # fmt: skip
STAY_FIELDS = [
	"name", "creation", "modified", "modified_by", "owner", "docstatus", "idx", "opportunity",
	"opportunity_key", "sales_pipeline", "sales_stage", "stage_key", "seconds_in_stage", "stays",
	"first_leave", "in_stage_now", "company", "transaction_date",
]  # fmt: skip


def insert_opportunities(
	company: str, rows: Iterable[DemoOpportunity], total: int, reporter: DemoProgress, commit: bool = True
) -> dict:
	naming = OpportunityNaming(company)
	currency = frappe.get_cached_value("Company", company, "default_currency")
	opportunity_type = "Sales" if frappe.db.exists("Opportunity Type", "Sales") else None
	territory = non_group_record("Territory", frappe.db.get_single_value("Selling Settings", "territory"))
	rows = iter(rows)
	# streamed: one chunk in memory at a time; the names made are kept in full only for smaller runs
	keep_all = total <= ALL_NAMES_UP_TO
	stage_keys = StageKeys()
	made_names: list[str] = []
	history_count = 0
	done = 0
	reporter.progress(_("Creating opportunities"), 0, max(total, 1))
	while chunk := list(islice(rows, CHUNK)):
		chunk_names = naming.names(len(chunk))
		codes = naming.codes(chunk)
		keys = reserve_opportunity_keys(len(chunk))
		opportunities, items, labels, reasons, history, stays, calls = [], [], [], [], [], [], []
		for row, name, code, key in zip(chunk, chunk_names, codes, keys, strict=True):
			values = opportunity_values(
				row, name, code, company, currency, opportunity_type, territory, naming
			)
			opportunities.append((*values, key, SEPARATOR.join(row.labels), 0))
			items += item_values(row, name)
			labels += child_values(row, name, "opportunity_labels", [(label,) for label in row.labels])
			reasons += child_values(row, name, "lost_reasons", [(reason,) for reason in row.lost_reasons])
			history += history_values(row, name)
			stays += stay_values(row, name, key, stage_keys, company)
			calls += activity_values(row, name)
		for values, number in zip(history, reserve_history_names(len(history)), strict=True):
			values[0] = number
		insert_rows("Opportunity", OPPORTUNITY_FIELDS, opportunities)
		insert_rows("Opportunity Item", ITEM_FIELDS, items)
		insert_rows("Opportunity Label Detail", [*CHILD_FIELDS, "label"], labels)
		insert_rows("Opportunity Lost Reason Detail", [*CHILD_FIELDS, "lost_reason"], reasons)
		insert_rows("Opportunity Stage History", HISTORY_FIELDS, history)
		for values, number in zip(stays, reserve_stay_names(len(stays)), strict=True):
			values[0] = number
		insert_rows("Opportunity Stage Stay", STAY_FIELDS, stays)
		insert_rows("Communication", ACTIVITY_FIELDS, calls)
		if commit:
			frappe.db.commit()
		made_names += chunk_names
		if not keep_all:
			del made_names[:-SALES_FLOW_POOL]
		history_count += len(history)
		done += len(chunk)
		reporter.progress(_("Creating opportunities"), done, max(total, 1))
	return {"count": done, "names": made_names, "all_names": keep_all, "history": history_count}


def insert_rows(doctype: str, fields: list[str], rows: list[tuple], batch: int = 1000) -> None:
	"""Insert many rows with multi-row INSERT statements, values passed as query parameters.

	Does what ``frappe.db.bulk_insert`` does, about six times faster: that one renders every value
	into the SQL text through the query builder, which dominates the time for 100,000 rows. Table and
	column names here are this module's constants, never user input."""
	if not rows:
		return
	columns = ", ".join(f"`{field}`" for field in fields)
	placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
	for start in range(0, len(rows), batch):
		part = rows[start : start + batch]
		frappe.db.sql(
			f"insert into `tab{doctype}` ({columns}) values " + ", ".join([placeholders] * len(part)),
			[value for row in part for value in row],
		)


def opportunity_values(row, name, code, company, currency, opportunity_type, territory, naming) -> tuple:
	amount = row.amount
	modified = max(row.stage_entered_on, row.created)
	return (
		name,
		row.created,
		modified,
		row.owner,
		row.owner,
		0,
		0,
		naming.naming_series,
		row.party.doctype,
		row.party.name,
		row.party.title,
		row.status,
		opportunity_type,
		row.owner,
		row.stage,
		row.expected_closing,
		row.probability,
		currency,
		1,
		amount,
		amount,
		company,
		row.transaction_date,
		row.title,
		row.lost_detail or None,
		amount,
		amount,
		code,
		row.pipeline,
		row.stage_entered_on,
		0,
		territory,
		None,
		row.stay_seconds,
		row.stays,
		row.source,
		None if row.probability_at_close is None else str(row.probability_at_close),
	)


def child_name(parent: str, parentfield: str, idx: int) -> str:
	"""A child row's name made from its parent's (unique, reserved in blocks): random 10-character
	names collide at a million rows, these never do, and need no retry."""
	return f"{parent}-{parentfield}-{idx}"


def item_values(row, parent: str) -> list[tuple]:
	return [
		(
			child_name(parent, "items", idx),
			row.created,
			row.created,
			row.owner,
			row.owner,
			0,
			idx,
			parent,
			"items",
			"Opportunity",
			line.item.code,
			line.item.name,
			line.item.uom,
			line.qty,
			line.item.item_group,
			line.item.name,
			line.rate,
			line.amount,
			line.rate,
			line.amount,
		)
		for idx, line in enumerate(row.lines, start=1)
	]


def child_values(row, parent: str, parentfield: str, values: list[tuple]) -> list[tuple]:
	return [
		(
			child_name(parent, parentfield, idx),
			row.created,
			row.created,
			row.owner,
			row.owner,
			0,
			idx,
			parent,
			parentfield,
			"Opportunity",
			*value,
		)
		for idx, value in enumerate(values, start=1)
	]


def activity_values(row, parent: str) -> list[tuple]:
	"""The calls logged on a demo opportunity, as Log Activity makes them (Communication, Phone)."""
	return [
		(
			child_name(parent, "call", idx),
			on,
			on,
			row.owner,
			row.owner,
			0,
			0,
			"Gọi điện cho khách hàng",
			"Trao đổi về nhu cầu và tiến độ.",
			"Communication",
			"Phone",
			"Sent",
			on,
			"Linked",
			"Opportunity",
			parent,
			row.owner,
			row.owner,
		)
		for idx, on in enumerate(row.activities, start=1)
	]


class StageKeys(dict):
	"""Sales Stage name -> its key, read once per stage."""

	def __missing__(self, stage: str) -> int:
		self[stage] = stage_key_of(stage) or 0
		return self[stage]


def history_values(row, opportunity: str) -> list[list]:
	"""One row per move; its name (first value) is set from the history's sequence on insert."""
	left: set[str] = set()  # a demo opportunity stays in one pipeline: both first-leave flags agree
	values = []
	for move in row.moves:
		first_leave = int(bool(move.from_stage) and move.from_stage not in left)
		if move.from_stage:
			left.add(move.from_stage)
		values.append(
			[
				None,
				move.on,
				move.on,
				row.owner,
				row.owner,
				0,
				0,
				opportunity,
				row.pipeline,
				move.from_stage,
				move.to_stage,
				move.on,
				row.owner,
				move.from_entered_on,
				move.seconds_in_from_stage,
				first_leave,
				first_leave,
				VIA_DEMO,
			]
		)
	return values


def stay_values(
	row, opportunity: str, opportunity_key: int, stage_keys: StageKeys, company: str
) -> list[list]:
	"""One row per stage the opportunity left, summing its stays there (a demo opportunity stays in one
	pipeline, so each is its first time out of that stage); names are set from the sequence on insert."""
	totals: dict[str, list[int]] = {}
	for move in row.moves:
		if move.from_stage:
			seconds, stays = totals.setdefault(move.from_stage, [0, 0])
			completed = move.seconds_in_from_stage is not None
			totals[move.from_stage] = [seconds + (move.seconds_in_from_stage or 0), stays + completed]
	return [
		[
			None, row.created, row.stage_entered_on, row.owner, row.owner, 0, 0, opportunity,
			opportunity_key, row.pipeline, stage, stage_keys[stage], seconds, stays, 1,
			int(stage == row.stage), company, row.transaction_date,
		]
		for stage, (seconds, stays) in totals.items()
	]  # fmt: skip


# ------------------------------------------------------------------ ERPNext's sales flow on a few


def run_sales_flow(opportunity_names: list[str], seed: int, quotations: int) -> dict:
	"""Quote a few open opportunities of customers through ERPNext, and order half of those.

	Submitting the quotation moves each to its pipeline's quotation stage and the order wins it,
	through the app's own sales-flow hooks (history rows included)."""
	from erpnext.crm.doctype.opportunity.opportunity import make_quotation
	from erpnext.selling.doctype.quotation.quotation import make_sales_order

	rng = random.Random(seed)
	candidates = frappe.get_all(
		"Opportunity",
		filters={
			"name": ("in", opportunity_names[-min(len(opportunity_names), 3000) :]),
			"status": "Open",
			"opportunity_from": "Customer",
			"opportunity_amount": (">", 0),
		},
		fields=["name", "sales_pipeline", "sales_stage"],
	)
	eligible = []
	for row in candidates:
		quotation_stage = frappe.get_cached_value("Sales Pipeline", row.sales_pipeline, "quotation_stage")
		stages = [s.sales_stage for s in get_stages(row.sales_pipeline)]
		if quotation_stage in stages and row.sales_stage in stages[: stages.index(quotation_stage)]:
			eligible.append(row.name)
	chosen = rng.sample(eligible, k=min(quotations, len(eligible)))
	made = {"quotations": 0, "sales_orders": 0}
	for position, name in enumerate(chosen):
		frappe.db.savepoint("opportunity_plus_demo_flow")
		try:
			quotation = make_quotation(name)
			quotation.transaction_date = nowdate()
			quotation.valid_till = add_days(nowdate(), 30)
			quotation.insert(ignore_permissions=True)
			quotation.submit()
			made["quotations"] += 1
			if position % 2 == 0:
				order = make_sales_order(quotation.name)
				order.delivery_date = add_days(nowdate(), 14)
				for item in order.items:
					item.delivery_date = order.delivery_date
				order.insert(ignore_permissions=True)
				order.submit()
				made["sales_orders"] += 1
		except Exception:
			# demo data must not fail on a site whose accounting setup refuses a document
			frappe.db.rollback(save_point="opportunity_plus_demo_flow")
			frappe.log_error(title=f"Opportunity Plus demo: sales flow skipped for {name}")
			frappe.clear_messages()
	return made
