"""Adapters that apply the app's rules to ERPNext's Opportunity (doc_events and helpers)."""
