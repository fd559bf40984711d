"""Handlers hooked onto ERPNext's doctypes (``doc_events``, ``override_doctype_dashboards`` in hooks.py).

They apply the rules of ``opportunity_plus.rules`` when an Opportunity, Quotation, Sales Order,
Contract, Issue, Project or Task is saved, and keep what the app stores on the Opportunity (code,
followers, stage history, server-owned fields) up to date."""
