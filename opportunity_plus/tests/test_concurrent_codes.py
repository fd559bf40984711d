from concurrent.futures import ThreadPoolExecutor

import frappe
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.tests.utils import make_lead, make_opportunity, on_throwaway_site

THREADS = 5
PER_THREAD = 10


def insert_opportunities(site: str, lead: str, count: int) -> list[tuple[str, str]]:
	"""Runs in its own thread with its own database connection, committing each insert."""
	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	made = []
	try:
		for _ in range(count):
			opp = make_opportunity(lead=lead)
			frappe.db.commit()
			made.append((opp.name, opp.opportunity_code))
	finally:
		frappe.destroy()
	return made


@on_throwaway_site
class TestConcurrentCodes(FrappeTestCase):
	def test_codes_from_concurrent_inserts_are_all_unique(self):
		# One insert first, so ERPNext's own naming series rows for Lead and Opportunity exist:
		# their first use (read, then insert) is not safe under concurrency, and is not ours.
		lead = make_lead().name
		warm_up = make_opportunity(lead=lead)
		frappe.db.commit()
		site = frappe.local.site
		made = [(warm_up.name, warm_up.opportunity_code)]
		try:
			with ThreadPoolExecutor(max_workers=THREADS) as pool:
				batches = list(
					pool.map(lambda _: insert_opportunities(site, lead, PER_THREAD), range(THREADS))
				)
			made += [row for batch in batches for row in batch]
			codes = [code for _name, code in made]
			self.assertEqual(len(made), THREADS * PER_THREAD + 1)
			self.assertEqual(len(set(codes)), len(codes), "duplicate opportunity codes")
			counters = sorted(int(code[-5:]) for code in codes)
			self.assertEqual(counters, list(range(counters[0], counters[0] + len(codes))))
		finally:
			frappe.db.rollback()
			for name, _code in made:
				frappe.delete_doc("Opportunity", name, force=True)
			frappe.delete_doc("Lead", lead, force=True)
			frappe.db.commit()
