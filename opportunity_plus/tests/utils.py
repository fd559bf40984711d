"""Fixtures shared by the integration tests (run on a real site with bench run-tests)."""

import os
import unittest

import frappe
from frappe.utils import random_string, today

DEFAULT_PIPELINE = "Main Pipeline"
# .ci/run sets this in its throwaway site's config: tests that commit or uninstall the app run there only
THROWAWAY_SITE_KEY = "opportunity_plus_throwaway_site"


def on_throwaway_site(test):
	"""Mark a test (function or class) that commits or uninstalls the app, which would leave records or
	a half-installed app on a developer's site: it runs only on a site whose config says it is a
	throwaway one (``bench --site SITE set-config opportunity_plus_throwaway_site 1``, as .ci/run does)
	or when OPPORTUNITY_PLUS_THROWAWAY_SITE=1, and is skipped, saying why, anywhere else."""
	throwaway = (
		frappe.conf.get(THROWAWAY_SITE_KEY) or os.environ.get("OPPORTUNITY_PLUS_THROWAWAY_SITE") == "1"
	)
	return unittest.skipUnless(
		throwaway, f"commits or uninstalls the app: runs only on a throwaway site ({THROWAWAY_SITE_KEY})"
	)(test)


def get_company() -> str:
	return frappe.defaults.get_user_default("Company") or frappe.get_all("Company", pluck="name", limit=1)[0]


def make_company(name: str, abbr: str) -> str:
	"""A USD company with a standard chart of accounts, made once."""
	if not frappe.db.exists("Company", name):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": name,
				"abbr": abbr,
				"default_currency": "USD",
				"country": "United States",
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	return name


def make_lead(**fields):
	return frappe.get_doc(
		{
			"doctype": "Lead",
			"first_name": fields.pop("first_name", "Lead " + random_string(6)),
			"company": get_company(),
			**fields,
		}
	).insert(ignore_permissions=True)


def make_opportunity(save=True, **fields):
	if fields.get("opportunity_from", "Lead") == "Lead":
		fields["party_name"] = fields.pop("lead", None) or make_lead().name
	fields.pop("lead", None)
	doc = frappe.get_doc(
		{
			"doctype": "Opportunity",
			"opportunity_from": "Lead",
			"company": get_company(),
			"transaction_date": today(),
			**fields,
		}
	)
	return doc.insert(ignore_permissions=True) if save else doc


def make_user(email: str, roles: list[str]):
	if frappe.db.exists("User", email):
		user = frappe.get_doc("User", email)
	else:
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user.set("roles", [])
	user.add_roles(*roles)
	return user


def make_pipeline(name: str, stages: list[tuple], **fields):
	"""stages: (sales_stage, stage_type, probability, {requirements}) tuples."""
	for stage, *_rest in stages:
		if not frappe.db.exists("Sales Stage", stage):
			frappe.get_doc({"doctype": "Sales Stage", "stage_name": stage}).insert(ignore_permissions=True)
	return frappe.get_doc(
		{
			"doctype": "Sales Pipeline",
			"pipeline_name": name,
			"stages": [
				{
					"sales_stage": stage,
					"stage_type": stage_type,
					"probability": probability,
					**(extra[0] if extra else {}),
				}
				for stage, stage_type, probability, *extra in stages
			],
			**fields,
		}
	).insert(ignore_permissions=True)


def lost_reason(name="Too expensive"):
	if not frappe.db.exists("Opportunity Lost Reason", name):
		frappe.get_doc({"doctype": "Opportunity Lost Reason", "lost_reason": name}).insert(
			ignore_permissions=True
		)
	return name


def before_tests():
	"""Give a fresh test site ERPNext's completed setup (company, fiscal year) like its own tests do."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()


def make_label(name: str, color: str = "#5E64FF") -> str:
	if not frappe.db.exists("Opportunity Label", name):
		frappe.get_doc({"doctype": "Opportunity Label", "label_name": name, "color": color}).insert(
			ignore_permissions=True
		)
	return name
