"""Demo data: realistic opportunities across pipelines, stages, owners, labels and three years.

``rows`` generates the opportunities as plain data (no frappe), deterministic for a seed, lazily,
so a performance benchmark can stream 100,000 of them; ``loader`` writes them to a site in bulk.
"""
