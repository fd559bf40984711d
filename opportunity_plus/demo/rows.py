"""Demo opportunities as plain data: deterministic for a seed, generated lazily.

Every opportunity is consistent with the pipeline rules: its stage belongs to its pipeline, status
and probability follow the stage type, a stage that requires an amount is only reached with one,
a Lost stage always has lost reasons, and its moves (the stage history) run in time order from its
creation to the moment it entered its current stage, never later than ``now``.
"""

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from opportunity_plus.rules.pipeline import LOST, OPEN, WON, Stage, stage_of_type
from opportunity_plus.rules.stage_move import STATUS_FOR_STAGE_TYPE

DAY = timedelta(days=1)


@dataclass(frozen=True)
class DemoPipeline:
	name: str
	stages: tuple[Stage, ...]
	weight: float = 1.0  # share of the opportunities that go to this pipeline

	@property
	def open_stages(self) -> tuple[Stage, ...]:
		"""Open stages an opportunity may be put in without a quotation."""
		return tuple(s for s in self.stages if s.stage_type == OPEN and not s.require_submitted_quotation)


@dataclass(frozen=True)
class Party:
	doctype: str  # "Lead" or "Customer"
	name: str
	title: str


@dataclass(frozen=True)
class DemoItem:
	code: str
	name: str
	uom: str
	price: float
	item_group: str = ""


@dataclass(frozen=True)
class ItemLine:
	item: DemoItem
	qty: float
	rate: float

	@property
	def amount(self) -> float:
		return round(self.qty * self.rate, 2)


@dataclass(frozen=True)
class Move:
	"""One stage change; ``from_stage`` is None for the opportunity's creation."""

	from_stage: str | None
	to_stage: str
	on: datetime
	from_entered_on: datetime | None = None

	@property
	def seconds_in_from_stage(self) -> int | None:
		if self.from_entered_on is None:
			return None
		return max(0, int((self.on - self.from_entered_on).total_seconds()))


@dataclass(frozen=True)
class Catalogue:
	"""What the opportunities are made of (records that already exist on the site)."""

	pipelines: Sequence[DemoPipeline]
	parties: Sequence[Party]
	owners: Sequence[str]
	items: Sequence[DemoItem]
	labels: Sequence[str] = ()
	lost_reasons: Sequence[str] = ()
	topics: Sequence[str] = ("Opportunity",)
	price_scale: float = 1.0  # e.g. 25,000 for VND
	# (lead source, odds of winning against the average): the demo's outcomes depend on the source
	sources: Sequence[tuple[str, float]] = ()


@dataclass(frozen=True)
class DemoOpportunity:
	index: int
	pipeline: str
	stage: str
	stage_type: str
	status: str
	probability: float
	party: Party
	title: str
	owner: str
	transaction_date: date
	created: datetime
	expected_closing: date
	lines: tuple[ItemLine, ...]
	labels: tuple[str, ...]
	lost_reasons: tuple[str, ...]
	lost_detail: str
	moves: tuple[Move, ...] = field(default_factory=tuple)
	source: str | None = None
	activities: tuple[datetime, ...] = ()  # calls logged on its timeline
	probability_at_close: float | None = None  # what the owner expected just before it closed

	@property
	def amount(self) -> float:
		return round(sum(line.amount for line in self.lines), 2)

	@property
	def stage_entered_on(self) -> datetime:
		return self.moves[-1].on

	@property
	def stay_seconds(self) -> int:
		"""Total time in the stages it has left."""
		return sum(move.seconds_in_from_stage or 0 for move in self.moves)

	@property
	def stays(self) -> int:
		"""How many times it has left a stage."""
		return sum(1 for move in self.moves if move.seconds_in_from_stage is not None)


def generate(
	catalogue: Catalogue, count: int, seed: int, now: datetime, years: int = 3
) -> Iterator[DemoOpportunity]:
	"""Yield ``count`` opportunities created over the ``years`` before ``now``."""
	if count < 0:
		raise ValueError("count must not be negative")
	if not (catalogue.pipelines and catalogue.parties and catalogue.owners and catalogue.items):
		raise ValueError("the catalogue needs pipelines, parties, owners and items")
	rng = random.Random(seed)
	weights = [p.weight for p in catalogue.pipelines]
	# a few owners sell more than the others
	owner_weights = [1.0 + (len(catalogue.owners) - i) * 0.4 for i in range(len(catalogue.owners))]
	span_days = max(1, 365 * years)
	for index in range(count):
		pipeline = rng.choices(catalogue.pipelines, weights)[0]
		owner = rng.choices(catalogue.owners, owner_weights)[0]
		yield make_one(rng, catalogue, pipeline, owner, index, now, span_days)


def make_one(rng, catalogue, pipeline: DemoPipeline, owner: str, index: int, now: datetime, span_days: int):
	# more recent months hold more opportunities
	age_days = span_days * (rng.random() ** 1.35)
	created = (now - timedelta(days=age_days)).replace(microsecond=0)
	created = min(created.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59)), now)

	# the signal a win prediction can find: the source, and whether the opportunity is looked after
	# (recent calls, no long stay in one stage) shift the odds of winning; owner, territory, labels
	# and amount do not
	source, source_odds = rng.choice(list(catalogue.sources)) if catalogue.sources else (None, 1.0)
	engaged = rng.random() < 0.5
	path = choose_path(rng, pipeline, age_days, odds=source_odds * (2.0 if engaged else 0.5))
	final = path[-1]
	needs_amount = final.stage_type == WON or any(stage.require_amount for stage in path)
	lines = make_lines(rng, catalogue) if needs_amount or rng.random() < 0.75 else ()
	moves = time_moves(rng, path, created, now, closed=final.is_closed, stuck=not engaged)
	activities = make_activities(rng, created, moves[-1].on if final.is_closed else now, engaged)
	at_close = None
	if final.is_closed and len(path) > 1:
		at_close = float(min(100, max(0, (path[-2].probability or 0) + rng.choice((-10, 0, 0, 10)))))

	lost_reasons: tuple[str, ...] = ()
	lost_detail = ""
	if final.stage_type == LOST:
		reasons = list(catalogue.lost_reasons) or ["Lost"]
		lost_reasons = tuple(rng.sample(reasons, k=min(len(reasons), rng.choice((1, 1, 2)))))
		if rng.random() < 0.3:
			lost_detail = "Khách hàng phản hồi qua điện thoại."

	labels: tuple[str, ...] = ()
	if catalogue.labels and rng.random() < 0.55:
		labels = tuple(
			rng.sample(list(catalogue.labels), k=min(len(catalogue.labels), rng.choice((1, 1, 2))))
		)

	party = rng.choice(catalogue.parties)
	topic = rng.choice(list(catalogue.topics))
	if final.is_closed:
		expected = moves[-1].on.date()
	else:
		expected = created.date() + timedelta(days=rng.randint(20, 120))
	return DemoOpportunity(
		index=index,
		pipeline=pipeline.name,
		stage=final.sales_stage,
		stage_type=final.stage_type,
		status=STATUS_FOR_STAGE_TYPE.get(final.stage_type, "Open"),
		probability=float(final.probability or 0),
		party=party,
		title=f"{topic} - {party.title}"[:140],
		owner=owner,
		transaction_date=created.date(),
		created=created,
		expected_closing=expected,
		lines=lines,
		labels=labels,
		lost_reasons=lost_reasons,
		lost_detail=lost_detail,
		moves=moves,
		source=source,
		activities=activities,
		probability_at_close=at_close,
	)


def choose_path(rng, pipeline: DemoPipeline, age_days: float, odds: float = 1.0) -> list[Stage]:
	"""The stages an opportunity went through, first stage first, its current stage last; ``odds``
	multiplies the odds that a closed one was won (0.42 won at 1)."""
	open_stages = list(pipeline.open_stages)
	if not open_stages or open_stages[0] is not pipeline.stages[0]:
		open_stages = [pipeline.stages[0], *[s for s in open_stages if s is not pipeline.stages[0]]]
	won = stage_of_type(pipeline.stages, WON)
	lost = stage_of_type(pipeline.stages, LOST)

	# the older, the likelier it is decided
	closed_share = min(0.92, age_days / 140)
	if rng.random() < closed_share and (won or lost):
		won_odds = 0.42 / 0.58 * odds
		if won and (not lost or rng.random() < won_odds / (1 + won_odds)):
			reached, final = len(open_stages), won
		else:
			reached, final = rng.randint(1, len(open_stages)), lost
	else:
		depth = min(1.0, 0.35 + age_days / 60)
		reached, final = 1 + min(len(open_stages) - 1, int(rng.random() * len(open_stages) * depth)), None

	path = [open_stages[0]]
	for stage in open_stages[1:reached]:
		# a stage is sometimes skipped, never the one the opportunity stays in
		if stage is open_stages[reached - 1] or rng.random() > 0.15:
			path.append(stage)
	if final:
		path.append(final)
	return path


def time_moves(
	rng, path: list[Stage], created: datetime, now: datetime, closed: bool, stuck: bool = False
) -> tuple[Move, ...]:
	"""Creation in the first stage, then one move per later stage, spread in time up to ``now``.

	A ``stuck`` opportunity spends most of its time in its last open stage: it made its earlier moves
	early, and a closed one stayed long before it closed."""
	available = (now - created).total_seconds()
	if closed:
		days = rng.uniform(60, 200) if stuck else rng.uniform(7, 120)
		span = min(available, days * DAY.total_seconds())
	else:
		span = available * (rng.uniform(0.05, 0.3) if stuck else rng.uniform(0.6, 0.98))
	steps = len(path) - 1
	points = sorted(rng.random() for _ in range(steps))
	if closed and steps >= 1:
		# the closing move comes last; the moves before it happen early when it got stuck
		share = rng.uniform(0.1, 0.35) if stuck else rng.uniform(0.7, 0.95)
		points = [point * share for point in points[:-1]] + [1.0]
	times = [created]
	for point in points:
		at = created + timedelta(seconds=int(span * point))
		times.append(max(at, times[-1] + timedelta(seconds=1)))
	# never in the future, even when created moments ago
	if times[-1] > now:
		times = [min(t, now) for t in times]

	moves = [Move(None, path[0].sales_stage, times[0])]
	for stage, on, previous_stage, previous_on in zip(path[1:], times[1:], path, times, strict=False):
		moves.append(Move(previous_stage.sales_stage, stage.sales_stage, on, previous_on))
	return tuple(moves)


def make_activities(rng, created: datetime, until: datetime, engaged: bool) -> tuple[datetime, ...]:
	"""Calls logged on the opportunity up to ``until`` (its closing, or now): a looked-after one had
	one in its last week, a neglected one none in its last month, or none at all."""
	span = (until - created).total_seconds()
	if span <= 0:
		return ()
	if engaged:
		last = until - timedelta(seconds=min(span, rng.uniform(0, 7) * DAY.total_seconds()))
		earlier = [created + timedelta(seconds=span * rng.random()) for _ in range(rng.randint(0, 2))]
		times = [*earlier, last]
	else:
		if rng.random() < 0.4 or span < 30 * DAY.total_seconds():
			return ()
		times = [created + timedelta(seconds=rng.uniform(0, span - 30 * DAY.total_seconds()))]
	return tuple(sorted(t.replace(microsecond=0) for t in times if created <= t <= until))


def make_lines(rng, catalogue: Catalogue) -> tuple[ItemLine, ...]:
	items = rng.sample(list(catalogue.items), k=min(len(catalogue.items), rng.choice((1, 1, 2, 3))))
	lines = []
	for item in items:
		qty = float(rng.choice((1, 1, 2, 3, 5, 10, 20)))
		rate = round(
			item.price * catalogue.price_scale * rng.uniform(0.85, 1.15),
			-2 if catalogue.price_scale >= 100 else 0,
		)
		lines.append(ItemLine(item, qty, max(rate, 1.0)))
	return tuple(lines)
