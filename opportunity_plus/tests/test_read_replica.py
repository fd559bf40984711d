"""The board's reads on a real MariaDB read replica; moves on the primary.

Runs when the site knows a replica (``replica_host`` and ``replica_db_port`` in its site config, and
``opportunity_plus_replica_root_password`` to stop and start replication): ``.ci/run`` starts a
second MariaDB server replicating the throwaway site's database from the first, where the machine
allows it. Elsewhere it is skipped, saying why.

The tests commit (a replica only sees committed data) and remove what they made.
"""

import time

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import random_string

from opportunity_plus.api import board
from opportunity_plus.tests.utils import make_opportunity, make_pipeline, on_throwaway_site

NEW, NEXT = "Replica New", "Replica Next"
CATCH_UP_SECONDS = 30


def replica_config() -> dict | None:
	conf = frappe.conf
	if (
		conf.get("replica_host")
		and conf.get("replica_db_port")
		and conf.get("opportunity_plus_replica_root_password")
	):
		return {
			"host": conf.replica_host,
			"port": int(conf.replica_db_port),
			"password": conf.opportunity_plus_replica_root_password,
		}
	return None


def replica_root():
	import pymysql

	config = replica_config()
	return pymysql.connect(
		host=config["host"], port=config["port"], user="root", password=config["password"], autocommit=True
	)


def on_replica(sql: str, *args):
	with replica_root() as connection, connection.cursor() as cursor:
		cursor.execute(sql, args)
		return cursor.fetchall()


def fresh(fn, *args, **kwargs):
	"""Call ``fn`` as its own request would: Frappe's read_only swaps to the replica once per request
	(it leaves ``local.replica_db`` behind, and skips the swap when it finds one)."""
	for attribute in ("replica_db", "primary_db"):
		if hasattr(frappe.local, attribute):
			delattr(frappe.local, attribute)
	return fn(*args, **kwargs)


def wait_for_replica(name: str, field: str, value) -> None:
	"""Until the replica has ``value`` in ``field`` of opportunity ``name`` (replication caught up)."""
	deadline = time.monotonic() + CATCH_UP_SECONDS
	query = f"select `{field}` from `{frappe.conf.db_name}`.`tabOpportunity` where name=%s"
	while time.monotonic() < deadline:
		rows = on_replica(query, name)
		if rows and rows[0][0] == value:
			return
		time.sleep(0.2)
	raise AssertionError(f"the replica did not receive {field}={value!r} of {name} in {CATCH_UP_SECONDS} s")


@on_throwaway_site
class TestReadReplica(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		if not replica_config():
			raise __import__("unittest").SkipTest(
				"no read replica configured for this site (.ci/run sets one up where it can start a second "
				"MariaDB server and the first writes a binary log)"
			)
		super().setUpClass()
		frappe.db.commit()  # from here on, what the tests make must be committed to reach the replica
		cls.pipeline = make_pipeline(
			"Replica " + random_string(6),
			[(NEW, "Open", 10), (NEXT, "Open", 50), ("Replica Won", "Won", 100)],
		).name
		cls.opp = make_opportunity(sales_pipeline=cls.pipeline, sales_stage=NEW, title="Before")
		frappe.db.commit()
		wait_for_replica(cls.opp.name, "title", "Before")

	@classmethod
	def tearDownClass(cls):
		frappe.conf.read_from_replica = 0
		if replica_config():
			on_replica("start slave")
			frappe.db.rollback()
			if getattr(cls, "opp", None):
				frappe.delete_doc("Opportunity", cls.opp.name, force=True)
			if getattr(cls, "pipeline", None):
				frappe.delete_doc("Sales Pipeline", cls.pipeline, force=True)
			frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		frappe.conf.read_from_replica = 1

	def tearDown(self):
		frappe.conf.read_from_replica = 0
		on_replica("start slave")

	def test_reads_come_from_the_replica_and_moves_go_to_the_primary(self):
		card = fresh(board.get_card, self.opp.name)["card"]
		self.assertEqual(card["title"], "Before")

		# replication stopped: the replica keeps the old title, the primary gets the new one
		on_replica("stop slave")
		frappe.db.set_value("Opportunity", self.opp.name, "title", "After")
		frappe.db.commit()
		self.assertEqual(
			fresh(board.get_card, self.opp.name)["card"]["title"], "Before", "read on the replica"
		)
		column = next(c for c in fresh(board.get_board, self.pipeline)["columns"] if c["sales_stage"] == NEW)
		self.assertIn(self.opp.name, [card["name"] for card in column["cards"]], "the board still answers")

		# a move still succeeds (on the primary) and the card it returns is the primary's
		modified = frappe.db.get_value("Opportunity", self.opp.name, "modified")
		moved = board.move_card(self.opp.name, NEXT, str(modified))
		frappe.db.commit()
		self.assertEqual((moved["card"]["sales_stage"], moved["card"]["title"]), (NEXT, "After"))
		self.assertEqual(frappe.db.get_value("Opportunity", self.opp.name, "sales_stage"), NEXT)
		self.assertEqual(
			fresh(board.get_card, self.opp.name)["card"]["sales_stage"], NEW, "the replica is stale"
		)

		# replication resumes: the replica catches up
		on_replica("start slave")
		wait_for_replica(self.opp.name, "sales_stage", NEXT)
		self.assertEqual(fresh(board.get_card, self.opp.name)["card"]["sales_stage"], NEXT)

	def test_the_report_and_workspace_read_the_replica_too(self):
		from frappe.desk.query_report import run

		from opportunity_plus.api import workspace

		filters = {"company": self.opp.company, "sales_pipeline": self.pipeline}
		before = fresh(workspace.open_pipeline_value, filters)["value"]
		on_replica("stop slave")
		frappe.db.set_value(
			"Opportunity", self.opp.name, "base_opportunity_amount", 777, update_modified=False
		)
		frappe.db.commit()

		self.assertEqual(
			fresh(workspace.open_pipeline_value, filters)["value"], before, "stale on the replica"
		)
		rows = fresh(
			run,
			"Opportunity Analysis",
			filters={
				"company": self.opp.company,
				"pipeline": self.pipeline,
				"group_by": "Pipeline",
				"from_date": "2000-01-01",
				"to_date": "2100-12-31",
			},
		)["result"]
		self.assertNotIn(777, [row.get("amount") for row in rows if isinstance(row, dict)])

		on_replica("start slave")
		wait_for_replica(self.opp.name, "base_opportunity_amount", 777)
		self.assertEqual(fresh(workspace.open_pipeline_value, filters)["value"], before + 777)
