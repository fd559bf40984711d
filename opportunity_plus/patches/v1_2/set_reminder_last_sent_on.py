"""Opportunity Reminder Log got ``last_sent_on`` (the daily digest may repeat overdue reminders).

A reminder logged before was sent once, on ``sent_on``: that is also the last day it was sent. The
logs keep their meaning (unique per opportunity, event and key), so nothing already sent is sent
again."""

import frappe


def execute():
	log = frappe.qb.DocType("Opportunity Reminder Log")
	frappe.qb.update(log).set(log.last_sent_on, log.sent_on).where(log.last_sent_on.isnull()).run()
