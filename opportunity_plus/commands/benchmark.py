"""`bench --site SITE opportunity-plus-benchmark`: time the board, moves and report at scale; with
``--reminders``, the daily reminder digest (a first run and a second run the same day)."""

import json

import click
from frappe.commands import get_site, pass_context


@click.command("opportunity-plus-benchmark")
@click.option(
	"--repeat", default=15, show_default=True, type=click.IntRange(3, 1000), help="Runs per operation"
)
@click.option(
	"--url", default=None, help="Also time through HTTP, e.g. http://mysite.localhost:8000 (bench serve)"
)
@click.option("--password", default="admin", show_default=True, help="Administrator password for --url")
@click.option("--json", "json_path", default=None, help="Write the results to this JSON file too")
@click.option(
	"--reminders",
	is_flag=True,
	default=False,
	help="Time the daily reminder digest instead: a first run and a second run the same day (they send)",
)
@click.option(
	"--fresh",
	is_flag=True,
	default=False,
	help="With --reminders: forget the reminders logged so far first (demo sites only)",
)
@click.option(
	"--win-prediction",
	is_flag=True,
	default=False,
	help="Time training the predicted win probability instead, and print its backtest per pipeline",
)
@pass_context
def opportunity_plus_benchmark(context, repeat, url, password, json_path, reminders, fresh, win_prediction):
	"""Medians and p95 of the board, a card move and the analysis report, beside ERPNext's native views."""
	import frappe

	from opportunity_plus.benchmark.runner import run

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		if win_prediction:
			from opportunity_plus.benchmark.win_prediction import run as run_win_prediction

			result = run_win_prediction()
			click.echo(
				"{status}: learned from {closed} closed opportunities (test set: closed from {split}) in "
				"{training_seconds} s; with the refresh of {predictions_updated} predictions "
				"{train_and_refresh_seconds} s.".format(**result)
			)
			click.echo(result["table"])
			if json_path:
				with open(json_path, "w") as handle:
					json.dump({k: v for k, v in result.items() if k != "table"}, handle, indent=1)
			return
		if reminders:
			from opportunity_plus.benchmark.reminders import run as run_reminders

			result = run_reminders(fresh=fresh)
			click.echo(f"{result['opportunities']} opportunities on {result['site']}")
			for label in ("first", "second"):
				click.echo(
					f"{label} run: " + ", ".join(f"{key} {value}" for key, value in result[label].items())
				)
			if json_path:
				with open(json_path, "w") as handle:
					json.dump(result, handle, indent=1)
			return
		result = run(repeat=repeat, base_url=url, password=password)
		click.echo(
			f"{result['opportunities']} opportunities on {result['site']}; board pipeline "
			f"{result['pipeline']} has {result['pipeline_opportunities']}; {repeat} runs each."
		)
		click.echo(result["table"])
		click.echo(f"board open / database floor (medians): {result['board_open_vs_floor']}")
		if json_path:
			with open(json_path, "w") as handle:
				json.dump({key: value for key, value in result.items() if key != "table"}, handle, indent=1)
	finally:
		frappe.destroy()
