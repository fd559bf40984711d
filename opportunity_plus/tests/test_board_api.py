"""The Opportunity Board's server API on a real site: totals, paging, filters, permissions, moves."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, now_datetime, random_string, today

from opportunity_plus.api import board
from opportunity_plus.tests.utils import (
	get_company,
	lost_reason,
	make_lead,
	make_opportunity,
	make_pipeline,
	make_user,
)

SALES_USER = "board-sales@example.com"
FOLLOWER = "board-follower@example.com"
NOBODY = "board-nobody@example.com"

NEW, QUALIFIED, WON, LOST = "Board New", "Board Qualified", "Board Won", "Board Lost"


class TestBoardApi(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(SALES_USER, ["Sales User"])
		make_user(FOLLOWER, ["Purchase User"])  # no role that grants Opportunity
		make_user(NOBODY, ["Purchase User"])
		if not frappe.db.exists("Opportunity Type", "Board Type"):
			frappe.get_doc({"doctype": "Opportunity Type", "name": "Board Type"}).insert(
				ignore_permissions=True
			)
		for label, color in (("Board Hot", "#E24C4C"), ("Board Cold", "#2490EF")):
			if not frappe.db.exists("Opportunity Label", label):
				frappe.get_doc({"doctype": "Opportunity Label", "label_name": label, "color": color}).insert(
					ignore_permissions=True
				)
		if not frappe.db.exists("Competitor", "Board Rival"):
			frappe.get_doc({"doctype": "Competitor", "competitor_name": "Board Rival"}).insert(
				ignore_permissions=True
			)

	def setUp(self):
		frappe.set_user("Administrator")
		self.pipeline = make_pipeline(
			"Board Test " + random_string(6),
			[
				(NEW, "Open", 10, {"stale_after_days": 3, "color": "#5E64FF"}),
				(QUALIFIED, "Open", 40, {"require_amount": 1}),
				(WON, "Won", 100),
				(LOST, "Lost", 0),
			],
		).name

	def tearDown(self):
		frappe.set_user("Administrator")

	def opp(self, stage=NEW, amount=0, base=None, **fields):
		doc = make_opportunity(
			sales_pipeline=self.pipeline,
			sales_stage=NEW,
			opportunity_amount=amount,
			base_opportunity_amount=amount if base is None else base,
			**fields,
		)
		if stage != NEW:
			doc.sales_stage = stage
			if stage == LOST:
				doc.append("lost_reasons", {"lost_reason": lost_reason()})
			doc.save()
		return doc

	def column(self, data, stage):
		return next(c for c in data["columns"] if c["sales_stage"] == stage)

	def totals(self, stage, **filters):
		return {
			key: self.column(board.get_board(self.pipeline, filters), stage)[key]
			for key in ("count", "amount", "weighted")
		}

	# ------------------------------------------------------------------------------ totals, paging

	def test_column_totals_count_sum_and_weighted_sum_in_company_currency(self):
		self.opp(amount=1000)  # probability 10 -> 100
		self.opp(amount=250, probability=60)  # typed probability -> 150
		self.opp(amount=80, base=2000, currency="EUR", conversion_rate=25)  # base amount counts -> 200
		self.opp(QUALIFIED, amount=500)  # probability 40 -> 200

		data = board.get_board(self.pipeline)
		self.assertEqual([c["sales_stage"] for c in data["columns"]], [NEW, QUALIFIED, WON, LOST])
		new, qualified, won = (self.column(data, s) for s in (NEW, QUALIFIED, WON))
		self.assertEqual((new["count"], new["amount"], new["weighted"]), (3, 3250.0, 450.0))
		self.assertEqual((qualified["count"], qualified["amount"], qualified["weighted"]), (1, 500.0, 200.0))
		self.assertEqual((won["count"], won["amount"], won["cards"]), (0, 0.0, []))
		self.assertEqual(new["color"], "#5E64FF")
		self.assertTrue(won["collapsible"])

	def test_columns_are_paged_in_board_order_without_gaps_or_repeats(self):
		made = [self.opp().name for _ in range(23)]
		first = self.column(board.get_board(self.pipeline), NEW)
		self.assertEqual(len(first["cards"]), 20)
		self.assertTrue(first["has_more"])
		self.assertEqual(first["count"], 23)
		rest = board.get_cards(self.pipeline, NEW, None, start=20, page_length=20)
		self.assertFalse(rest["has_more"])
		names = [c["name"] for c in first["cards"]] + [c["name"] for c in rest["cards"]]
		self.assertEqual(names, list(reversed(made)))  # equal ranks: newest first

	# ------------------------------------------------------------------------------------- filters

	def test_each_filter(self):
		frappe.set_user("Administrator")
		mine = self.opp(amount=10, opportunity_owner=SALES_USER, opportunity_type="Board Type")
		mine.append("opportunity_labels", {"label": "Board Hot"})
		mine.expected_closing = add_days(today(), 10)
		mine.title = "Board Zeta 100% deal"
		mine.save()
		other = self.opp(amount=20, expected_closing=add_days(today(), 40))
		other.append("opportunity_labels", {"label": "Board Cold"})
		other.save()

		def names(**filters):
			return [c["name"] for c in self.column(board.get_board(self.pipeline, filters), NEW)["cards"]]

		self.assertEqual(names(owner=SALES_USER), [mine.name])
		self.assertEqual(names(label=["Board Hot"]), [mine.name])
		self.assertEqual(sorted(names(label="Board Hot,Board Cold")), sorted([mine.name, other.name]))
		self.assertEqual(names(opportunity_type="Board Type"), [mine.name])
		self.assertEqual(sorted(names(company=get_company())), sorted([mine.name, other.name]))
		self.assertEqual(names(company="No Such Company"), [])
		self.assertEqual(names(closing_from=add_days(today(), 20)), [other.name])
		self.assertEqual(names(closing_to=add_days(today(), 20)), [mine.name])
		self.assertEqual(
			names(closing_from=add_days(today(), 5), closing_to=add_days(today(), 15)), [mine.name]
		)
		self.assertEqual(names(search="zeta 100%"), [mine.name])
		self.assertEqual(names(search="100%"), [mine.name])
		self.assertEqual(names(search="1_0"), [])  # wildcards are taken literally
		self.assertEqual(names(search=other.opportunity_code), [other.name])
		self.assertEqual(names(search=other.party_name), [other.name])
		self.assertEqual(names(search=other.customer_name), [other.name])
		self.assertEqual(self.totals(NEW, owner=SALES_USER), {"count": 1, "amount": 10.0, "weighted": 1.0})

		card = next(
			c for c in self.column(board.get_board(self.pipeline), NEW)["cards"] if c["name"] == mine.name
		)
		self.assertEqual(card["labels"], [{"label": "Board Hot", "color": "#E24C4C"}])

	def test_a_card_shows_its_labels_in_order_and_its_followers_and_follows_a_renamed_label(self):
		frappe.set_user("Administrator")
		label = f"Board Rename {frappe.generate_hash(length=5)}"
		frappe.get_doc({"doctype": "Opportunity Label", "label_name": label, "color": "#112233"}).insert()
		opp = self.opp(amount=10)
		opp.append("opportunity_labels", {"label": "Board Cold"})
		opp.append("opportunity_labels", {"label": label})
		opp.append("opportunity_followers", {"user": FOLLOWER})
		opp.save()

		def card():
			column = self.column(board.get_board(self.pipeline), NEW)
			return next(c for c in column["cards"] if c["name"] == opp.name)

		self.assertEqual(
			card()["labels"],
			[{"label": "Board Cold", "color": "#2490EF"}, {"label": label, "color": "#112233"}],
		)
		self.assertEqual(card()["follower_count"], 1)
		self.assertEqual(board.get_card(opp.name, self.pipeline)["card"]["labels"], card()["labels"])

		frappe.db.set_value("Opportunity Label", label, "color", "#445566")  # no hooks: stale until a save
		frappe.get_doc("Opportunity Label", label).save()
		self.assertEqual(card()["labels"][1], {"label": label, "color": "#445566"})
		frappe.db.set_value("Opportunity Label", label, "color", "#112233")
		renamed = frappe.rename_doc("Opportunity Label", label, f"{label} New")
		self.assertEqual(
			card()["labels"],
			[{"label": "Board Cold", "color": "#2490EF"}, {"label": renamed, "color": "#112233"}],
		)
		opp.reload()
		opp.set("opportunity_followers", [])
		opp.set("opportunity_labels", opp.opportunity_labels[1:])
		opp.save()
		self.assertEqual(
			(card()["labels"], card()["follower_count"]), ([{"label": renamed, "color": "#112233"}], 0)
		)

	def test_the_patch_rebuilds_every_card_summary_from_the_tables(self):
		from opportunity_plus.overrides.card_summary import rebuild_card_summaries

		frappe.set_user("Administrator")
		opp = self.opp(amount=10)
		opp.append("opportunity_labels", {"label": "Board Hot"})
		opp.append("opportunity_labels", {"label": "Board Cold"})
		opp.append("opportunity_followers", {"user": FOLLOWER})
		opp.save()
		bare = self.opp(amount=10)
		# as a site that had the app before these fields: nothing kept yet, or something stale
		frappe.db.set_value("Opportunity", opp.name, {"card_labels": None, "follower_count": 0})
		frappe.db.set_value("Opportunity", bare.name, {"card_labels": "Gone", "follower_count": 3})
		rebuild_card_summaries()
		self.assertEqual(
			frappe.db.get_value("Opportunity", opp.name, ["card_labels", "follower_count"]),
			("Board Hot\nBoard Cold", 1),
		)
		self.assertEqual(
			tuple(frappe.db.get_value("Opportunity", bare.name, ["card_labels", "follower_count"])), (None, 0)
		)

	def test_the_column_query_runner_reads_only(self):
		from opportunity_plus.queries.select_only import run_select

		self.assertEqual(run_select("select %(one)s", {"one": 1}), ((1,),))
		for statement in ("delete from `tabOpportunity`", "  update `tabOpportunity` set title = 'x'"):
			with self.assertRaises(ValueError):
				run_select(statement, {})

	def test_filters_outside_the_whitelist_are_refused(self):
		for filters in ({"status": "Open"}, {"owner": ["x"]}, {"closing_from": "31/12/2025"}, "not json"):
			with self.assertRaises(frappe.ValidationError):
				board.get_board(self.pipeline, filters)
		with self.assertRaises(frappe.ValidationError):
			board.get_board(self.pipeline, {"closing_from": "2026-02-01", "closing_to": "2026-01-01"})

	# --------------------------------------------------------------------------------- permissions

	def test_user_without_read_permission_gets_nothing(self):
		doc = self.opp(amount=100)
		frappe.set_user(NOBODY)
		with self.assertRaises(frappe.PermissionError):
			board.get_board(self.pipeline)
		with self.assertRaises(frappe.PermissionError):
			board.get_cards(self.pipeline, NEW)
		with self.assertRaises(frappe.PermissionError):
			board.get_totals(self.pipeline)
		self.assertIsNone(board.get_card(doc.name)["card"])

	def test_follower_sees_exactly_the_shared_card_and_its_totals(self):
		self.opp(amount=300)
		shared = self.opp(amount=1000)
		shared.append("opportunity_followers", {"user": FOLLOWER})
		shared.save()
		self.opp(QUALIFIED, amount=700)
		self.assertEqual(self.totals(NEW)["count"], 2)

		frappe.set_user(FOLLOWER)
		data = board.get_board(self.pipeline)
		new = self.column(data, NEW)
		self.assertEqual([c["name"] for c in new["cards"]], [shared.name])
		self.assertEqual((new["count"], new["amount"], new["weighted"]), (1, 1000.0, 100.0))
		self.assertEqual(self.column(data, QUALIFIED)["count"], 0)
		self.assertEqual(board.get_card(shared.name, self.pipeline)["card"]["name"], shared.name)
		self.assertEqual(board.get_card(shared.name, self.pipeline)["card"]["follower_count"], 1)

	def test_realtime_refetch_only_returns_readable_cards(self):
		hidden = self.opp(amount=5)
		frappe.set_user(SALES_USER)
		self.assertEqual(board.get_card(hidden.name, self.pipeline)["card"]["name"], hidden.name)
		self.assertFalse(board.get_card(hidden.name, self.pipeline, {"owner": FOLLOWER})["matches"])
		frappe.set_user("Administrator")
		shared = self.opp(amount=6)
		shared.append("opportunity_followers", {"user": FOLLOWER})
		shared.save()
		frappe.set_user(FOLLOWER)
		self.assertIsNone(board.get_card(hidden.name, self.pipeline)["card"])
		self.assertTrue(board.get_card(shared.name, self.pipeline)["matches"])

	# --------------------------------------------------------------------------------------- moves

	def history(self, name):
		return frappe.get_all(
			"Opportunity Stage History",
			filters={"opportunity": name},
			fields=["from_stage", "to_stage", "via", "changed_by"],
			order_by="creation asc",
		)

	def test_move_to_a_stage_with_an_unmet_requirement_is_refused_with_the_message(self):
		doc = self.opp()
		with self.assertRaises(frappe.ValidationError) as error:
			board.move_card(doc.name, QUALIFIED, str(doc.modified))
		self.assertIn("needs an amount", str(error.exception))
		doc.reload()
		self.assertEqual(doc.sales_stage, NEW)
		self.assertEqual(len(self.history(doc.name)), 1)  # only the creation

	def test_move_saves_the_document_and_returns_card_and_fresh_totals(self):
		doc = self.opp(amount=1000)
		doc.append("opportunity_labels", {"label": "Board Hot"})
		doc.append("opportunity_followers", {"user": FOLLOWER})
		doc.save()
		self.opp(QUALIFIED, amount=500)
		frappe.set_user(SALES_USER)
		result = board.move_card(doc.name, QUALIFIED, str(doc.modified))
		self.assertEqual(result["card"]["sales_stage"], QUALIFIED)
		self.assertEqual(result["card"]["probability"], 40)
		# the card the move returns is the card the board would load for it
		self.assertEqual(
			json.loads(frappe.as_json(result["card"])),
			json.loads(frappe.as_json(board.get_card(doc.name, self.pipeline)["card"])),
		)
		self.assertEqual(result["card"]["labels"], [{"label": "Board Hot", "color": "#E24C4C"}])
		self.assertEqual(result["card"]["follower_count"], 1)
		self.assertEqual(result["totals"][NEW], {"count": 0, "amount": 0.0, "weighted": 0.0})
		self.assertEqual(result["totals"][QUALIFIED], {"count": 2, "amount": 1500.0, "weighted": 600.0})
		self.assertEqual(set(result["totals"]), {NEW, QUALIFIED})
		self.assertEqual(frappe.db.get_value("Opportunity", doc.name, "sales_stage"), QUALIFIED)
		self.assertEqual(
			self.history(doc.name)[-1],
			{"from_stage": NEW, "to_stage": QUALIFIED, "via": "Board", "changed_by": SALES_USER},
		)

	def test_won_converts_and_lost_needs_reasons_one_history_row_per_move(self):
		doc = self.opp(amount=100)
		result = board.move_card(doc.name, WON, str(doc.modified))
		self.assertEqual(frappe.db.get_value("Opportunity", doc.name, "status"), "Converted")

		with self.assertRaises(frappe.ValidationError) as error:
			board.move_card(doc.name, LOST, result["card"]["modified"])
		self.assertIn("lost reason", str(error.exception))
		self.assertEqual(frappe.db.get_value("Opportunity", doc.name, "sales_stage"), WON)

		result = board.move_card(
			doc.name,
			LOST,
			result["card"]["modified"],
			lost_reasons=[{"lost_reason": lost_reason()}],
			competitors='["Board Rival"]',
			lost_detail="Chose a cheaper offer",
		)
		doc.reload()
		self.assertEqual((doc.sales_stage, doc.status), (LOST, "Lost"))
		self.assertEqual([r.lost_reason for r in doc.lost_reasons], [lost_reason()])
		self.assertEqual([r.competitor for r in doc.competitors], ["Board Rival"])
		self.assertEqual(doc.order_lost_reason, "Chose a cheaper offer")

		board.move_card(doc.name, NEW, result["card"]["modified"])
		self.assertEqual(frappe.db.get_value("Opportunity", doc.name, "status"), "Open")
		moves = [(h.from_stage, h.to_stage, h.via) for h in self.history(doc.name)[1:]]
		self.assertEqual(moves, [(NEW, WON, "Board"), (WON, LOST, "Board"), (LOST, NEW, "Board")])

	def test_a_move_on_an_outdated_card_is_refused_and_changes_nothing(self):
		doc = self.opp(amount=100)
		shown = str(doc.modified)
		frappe.db.set_value(
			"Opportunity",
			doc.name,
			{"modified": add_to_date(now_datetime(), seconds=5), "modified_by": SALES_USER},
			update_modified=False,
		)
		changed = frappe.db.get_value("Opportunity", doc.name, "modified")
		with self.assertRaises(frappe.TimestampMismatchError) as error:
			board.move_card(doc.name, QUALIFIED, shown)
		self.assertIn("changed by", str(error.exception))
		self.assertEqual(
			frappe.db.get_value("Opportunity", doc.name, ["sales_stage", "modified"]), (NEW, changed)
		)
		self.assertEqual(len(self.history(doc.name)), 1)

	def test_user_who_cannot_write_cannot_move(self):
		doc = self.opp(amount=100)
		frappe.set_user(NOBODY)
		with self.assertRaises(frappe.PermissionError):
			board.move_card(doc.name, QUALIFIED, str(doc.modified))

	def test_order_within_a_column_follows_the_drop_place(self):
		a, b, c = (self.opp() for _ in range(3))  # equal ranks: shown c, b, a

		def order():
			return [card["name"] for card in board.get_cards(self.pipeline, NEW)["cards"]]

		self.assertEqual(order(), [c.name, b.name, a.name])
		before_modified = frappe.db.get_value("Opportunity", a.name, "modified")
		board.move_card(a.name, NEW, str(a.modified), before=b.name, after=c.name)  # between c and b
		self.assertEqual(order(), [c.name, a.name, b.name])
		self.assertEqual(frappe.db.get_value("Opportunity", a.name, "modified"), before_modified)
		board.move_card(b.name, NEW, str(b.modified), before=c.name)  # to the top
		self.assertEqual(order(), [b.name, c.name, a.name])
		board.move_card(b.name, NEW, str(b.modified), after=a.name)  # to the bottom
		self.assertEqual(order(), [c.name, a.name, b.name])

		d = self.opp(QUALIFIED, amount=1)
		board.move_card(d.name, NEW, str(d.modified), before=a.name, after=c.name)
		self.assertEqual(order(), [c.name, d.name, a.name, b.name])
		self.assertEqual(len(self.history(d.name)), 3)

	# ----------------------------------------------------------------------------------- quick add

	def test_quick_add_creates_the_opportunity_first_in_its_column(self):
		self.opp()
		lead = make_lead().name
		frappe.set_user(SALES_USER)
		result = board.quick_add(
			self.pipeline,
			QUALIFIED,
			"Lead",
			lead,
			title="Board quick deal",
			opportunity_amount=1200,
			expected_closing=add_days(today(), 30),
		)
		card = result["card"]
		self.assertEqual(
			(card["sales_stage"], card["title"], card["party_name"]), (QUALIFIED, "Board quick deal", lead)
		)
		self.assertEqual(result["totals"][QUALIFIED], {"count": 1, "amount": 1200.0, "weighted": 480.0})
		self.assertEqual(self.history(card["name"])[0]["via"], "Board")
		second = board.quick_add(self.pipeline, QUALIFIED, "Lead", lead, opportunity_amount=5)["card"]
		first_card = board.get_cards(self.pipeline, QUALIFIED)["cards"][0]
		self.assertEqual(first_card["name"], second["name"])

		with self.assertRaises(frappe.ValidationError) as error:  # stage requirement still applies
			board.quick_add(self.pipeline, QUALIFIED, "Lead", lead)
		self.assertIn("needs an amount", str(error.exception))
		with self.assertRaises(frappe.ValidationError):
			board.quick_add(self.pipeline, WON, "Lead", lead, opportunity_amount=5)

	def test_card_marks_stale_and_overdue(self):
		doc = self.opp(expected_closing=add_days(today(), -1))
		frappe.db.set_value(
			"Opportunity", doc.name, "stage_entered_on", add_days(now_datetime(), -5), update_modified=False
		)
		card = board.get_card(doc.name)["card"]
		self.assertEqual((card["days_in_stage"], card["is_stale"], card["is_overdue"]), (5, True, True))
		frappe.db.set_value(
			"Opportunity", doc.name, "stage_entered_on", add_days(now_datetime(), -2), update_modified=False
		)
		self.assertFalse(board.get_card(doc.name)["card"]["is_stale"])
