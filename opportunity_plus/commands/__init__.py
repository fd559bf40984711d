"""bench commands of opportunity_plus (Frappe finds them in this module's ``commands`` list)."""

import click
from frappe.commands import get_site, pass_context


@click.command("opportunity-plus-demo")
@click.option(
	"--count",
	default=1000,
	show_default=True,
	type=click.IntRange(0, 1_000_000),
	help="Opportunities to create",
)
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same data")
@click.option("--company", default=None, help="Company of the opportunities (default: the default company)")
@click.option(
	"--years", default=3, show_default=True, type=click.IntRange(1, 10), help="Spread over this many years"
)
@click.option("--no-sales-flow", is_flag=True, default=False, help="Do not make quotations and sales orders")
@pass_context
def opportunity_plus_demo(context, count, seed, company, years, no_sales_flow):
	"""Fill the site with realistic demo opportunities (customers, leads, pipelines, stage history)."""
	import frappe
	from frappe.utils import update_progress_bar

	from opportunity_plus.demo.loader import make_demo

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")

		def progress(text, done, total):
			if done < total:
				update_progress_bar(text, done, total)
			else:
				update_progress_bar(text, total - 1, total)
				click.echo("")

		result = make_demo(
			count,
			seed=seed,
			company=company,
			years=years,
			with_sales_flow=not no_sales_flow,
			progress=progress,
		)
		frappe.db.commit()
		click.secho(
			"{opportunities} opportunities ({history_rows} stage history rows), {quotations} quotations and "
			"{sales_orders} sales orders for {company} in {seconds} s.".format(**result),
			fg="green",
		)
		click.echo(
			"Timings (s): " + ", ".join(f"{step} {seconds}" for step, seconds in result["timings"].items())
		)
		# the predicted win probability learns from the opportunities just added
		from opportunity_plus.win_prediction.training import train

		trained = train()
		click.echo(
			"Win prediction: {status}; learned from {closed} closed opportunities in {training_seconds} s, "
			"{predictions} predictions updated.".format(**trained)
		)
		# what the site's background worker does after every change: the report's day summaries
		from opportunity_plus.day_summaries.refresh import refresh_marked

		click.echo(f"Day summaries: {refresh_marked()} changes counted.")
	finally:
		frappe.destroy()


from opportunity_plus.commands.benchmark import opportunity_plus_benchmark

commands = [opportunity_plus_demo, opportunity_plus_benchmark]
