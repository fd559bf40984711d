from datetime import date

import pytest

from opportunity_plus.benchmark.stats import (
	failed,
	format_table,
	in_rounds,
	last_twelve_months,
	percentile,
	ratio,
	summarize,
)


def test_median_and_nearest_rank_p95():
	samples = [float(n) for n in range(1, 21)]  # 1..20
	assert summarize(samples) == {"runs": 20, "median_ms": 10.5, "p95_ms": 19.0, "min_ms": 1.0}
	assert percentile([5.0], 0.95) == 5.0


def test_table_lists_every_operation_with_aligned_numbers():
	table = format_table(
		[
			{
				"group": "board",
				"operation": "open",
				"mode": "server",
				"median_ms": 12.345,
				"p95_ms": 20,
				"runs": 15,
			},
			{
				"group": "native",
				"operation": "list",
				"mode": "http",
				"median_ms": 1.5,
				"p95_ms": 2.25,
				"runs": 15,
			},
		]
	)
	lines = table.splitlines()
	assert lines[0].split() == ["group", "operation", "mode", "median", "ms", "p95", "ms", "runs"]
	assert "12.3" in lines[2] and "20.0" in lines[2]
	assert len(lines) == 4


def test_ratio_to_the_floor():
	assert ratio(30, 20) == 1.5


@pytest.mark.parametrize(
	"today, start",
	[
		(date(2026, 11, 29), date(2025, 12, 1)),
		(date(2026, 11, 30), date(2025, 12, 1)),
		(date(2026, 12, 31), date(2026, 1, 1)),
		(date(2026, 3, 31), date(2025, 4, 1)),
		(date(2026, 1, 31), date(2025, 2, 1)),
		(date(2028, 2, 29), date(2027, 3, 1)),
		(date(2026, 11, 1), date(2025, 12, 1)),
	],
)
def test_the_twelve_month_window_is_twelve_calendar_months_on_every_day(today, start):
	first, last = last_twelve_months(today)
	assert (first, last) == (start, today)
	months = (last.year - first.year) * 12 + last.month - first.month + 1
	assert months == 12, "ERPNext's Sales Pipeline Analytics fails on a 13th month"


def test_a_failed_operation_is_a_row_that_says_why():
	rows = [
		{
			"group": "native",
			"operation": "Sales Pipeline Analytics",
			"mode": "server",
			**failed("IndexError: x"),
		},
		{"group": "board", "operation": "open", "mode": "server", **summarize([1.0, 2.0, 3.0])},
	]
	table = format_table(rows)
	assert "failed: Sales Pipeline Analytics (server): IndexError: x" in table
	assert "2.0" in table


def test_rounds_interleave_the_operations_so_a_slow_spell_falls_on_all_alike():
	calls, now = [], [0.0]

	def clock():
		return now[0]

	def operation(name, seconds, fail_on=None):
		def run():
			calls.append(name)
			if len(calls) > 9:  # a slow spell of the machine from the 10th call on
				seconds_now = seconds * 3
			else:
				seconds_now = seconds
			if fail_on is not None and calls.count(name) == fail_on:
				raise IndexError("list index out of range")
			now[0] += seconds_now

		return run

	rolled_back = []
	floor, board, native = operation("floor", 0.010), operation("board", 0.015), operation("native", 1.0, 3)
	rows = in_rounds([floor, board, native], repeat=4, after=lambda: rolled_back.append(1), clock=clock)
	# a warm-up round, then four timed ones, each operation once per round; the failed one drops out
	assert calls[:6] == ["floor", "board", "native"] * 2
	assert calls.count("floor") == calls.count("board") == 5 and calls.count("native") == 3
	assert len(rolled_back) == len(calls)
	assert [row["runs"] for row in rows] == [4, 4, 0]
	assert rows[2]["failed"] == "IndexError: list index out of range"
	# the slow spell hit both: their ratio is the true 1.5, in every round
	assert ratio(rows[1]["median_ms"], rows[0]["median_ms"]) == 1.5
