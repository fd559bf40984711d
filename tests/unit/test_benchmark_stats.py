from opportunity_plus.benchmark.stats import format_table, percentile, ratio, summarize


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
