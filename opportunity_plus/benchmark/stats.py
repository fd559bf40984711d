"""Summaries and the printed table of a benchmark run (plain Python, no frappe)."""

import math
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import date


def percentile(samples: list[float], fraction: float) -> float:
	"""Nearest-rank percentile: the smallest sample with at least ``fraction`` of them at or below."""
	if not samples:
		return math.nan
	ordered = sorted(samples)
	rank = max(1, math.ceil(fraction * len(ordered)))
	return ordered[rank - 1]


def summarize(samples_ms: list[float]) -> dict:
	return {
		"runs": len(samples_ms),
		"median_ms": round(statistics.median(samples_ms), 2) if samples_ms else math.nan,
		"p95_ms": round(percentile(samples_ms, 0.95), 2),
		"min_ms": round(min(samples_ms), 2) if samples_ms else math.nan,
	}


def last_twelve_months(today: date) -> tuple[date, date]:
	"""The 12 calendar months that end with today's (from the 1st of the month 11 months ago).

	"Today minus a year" spans 13 calendar months on the 29th-31st of most months, and ERPNext's
	Sales Pipeline Analytics fails on a 13th month slot; whole months also make the comparison fair."""
	index = today.year * 12 + today.month - 1 - 11
	return date(index // 12, index % 12 + 1, 1), today


def failed(reason: str) -> dict:
	"""The summary of an operation that raised: no timings, the reason instead."""
	return {"runs": 0, "median_ms": math.nan, "p95_ms": math.nan, "min_ms": math.nan, "failed": reason[:200]}


def format_table(rows: list[dict]) -> str:
	"""rows: dicts with group, operation, mode, median_ms, p95_ms, runs."""
	headers = ("group", "operation", "mode", "median ms", "p95 ms", "runs")
	lines = [
		(
			row["group"],
			row["operation"],
			row["mode"],
			"failed" if row.get("failed") else f"{row['median_ms']:.1f}",
			"" if row.get("failed") else f"{row['p95_ms']:.1f}",
			str(row["runs"]),
		)
		for row in rows
	]
	widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *lines, strict=False)]
	out = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=False))]
	out.append("  ".join("-" * w for w in widths))
	for line in lines:
		out.append(
			"  ".join(
				cell.ljust(w) if i < 3 else cell.rjust(w)
				for i, (cell, w) in enumerate(zip(line, widths, strict=False))
			)
		)
	out += [
		f"failed: {row['operation']} ({row['mode']}): {row['failed']}" for row in rows if row.get("failed")
	]
	return "\n".join(out)


def ratio(value: float, reference: float) -> float:
	return round(value / reference, 2) if reference else math.nan


def in_rounds(
	operations: Sequence[Callable],
	repeat: int,
	after: Callable | None = None,
	clock: Callable[[], float] = time.perf_counter,
) -> list[dict]:
	"""Time every operation once per round, for ``repeat`` rounds after one that warms the caches
	(as a desk user's second request finds them), and summarize each. A slow spell of a shared
	machine then falls on all of them alike, so the ratios between them (the board against its
	floor, the report against ERPNext's) hold within a run. ``after`` runs after each call, untimed.
	An operation that raises is summarized as failed, with the reason, and left out of the next
	rounds; the others go on."""
	samples: list[list[float]] = [[] for _ in operations]
	reasons: dict[int, str] = {}
	for round_number in range(repeat + 1):
		for index, operation in enumerate(operations):
			if index in reasons:
				continue
			started = clock()
			try:
				operation()
			except Exception as e:
				reasons[index] = f"{type(e).__name__}: {e}"
			else:
				if round_number:
					samples[index].append((clock() - started) * 1000)
			finally:
				if after:
					after()
	return [
		failed(reasons[index]) if index in reasons else summarize(samples[index])
		for index in range(len(operations))
	]
