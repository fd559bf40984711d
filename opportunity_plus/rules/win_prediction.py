"""Predicted win probability: a naive Bayes model over a few factors, its explanation and its backtest.

The model learns from closed opportunities (won or lost): for every factor (pipeline, stage, owner,
source ...) it counts how many opportunities of each value were won and lost. An open opportunity's
score is the prior log-odds of winning plus, for each of its factor values, the log of how much more
(or less) often that value is seen among won than among lost opportunities (additive smoothing, so an
unseen or rare value moves nothing much). A value held by fewer than ``min_group`` closed
opportunities contributes nothing and is never explained: the figures shown are always those of a
group, never of one opportunity. Naive Bayes over correlated factors is overconfident, so the summed
score is calibrated by a one-variable logistic fit (``scale``, ``shift``) on the training scores.

Everything here works on plain values and histograms (counts per score), so the database side can
stream opportunities in pages and keep only small tables. Nothing here imports frappe.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from opportunity_plus.rules import _

# ---------------------------------------------------------------- factors and bands

PIPELINE = "pipeline"
STAGE = "stage"
DAYS_IN_STAGE = "days_in_stage"
BACKWARD_MOVES = "backward_moves"
OWNER = "owner"
SOURCE = "source"
OPPORTUNITY_TYPE = "opportunity_type"
TERRITORY = "territory"
CUSTOMER_GROUP = "customer_group"
LABEL = "label"
AMOUNT = "amount"
QUOTATION = "quotation"
ACTIVITY = "activity"
FACTORS = (
	PIPELINE,
	STAGE,
	DAYS_IN_STAGE,
	BACKWARD_MOVES,
	OWNER,
	SOURCE,
	OPPORTUNITY_TYPE,
	TERRITORY,
	CUSTOMER_GROUP,
	LABEL,
	AMOUNT,
	QUOTATION,
	ACTIVITY,
)
# a label is one factor per label (present or not), and so is a stage: a closed opportunity is
# counted under every stage it went through, since an open one in a stage may still go further (counted
# under its last stage only, a stage that won opportunities pass through on their way would look like
# one that only ever loses); the other factors take exactly one value each
MULTI_VALUED = frozenset({LABEL, STAGE})

FACTOR_LABELS = {
	PIPELINE: _("Sales Pipeline"),
	STAGE: _("Stage"),
	DAYS_IN_STAGE: _("Time in Stage"),
	BACKWARD_MOVES: _("Moves Back"),
	OWNER: _("Owner"),
	SOURCE: _("Source"),
	OPPORTUNITY_TYPE: _("Opportunity Type"),
	TERRITORY: _("Territory"),
	CUSTOMER_GROUP: _("Customer Group"),
	LABEL: _("Label"),
	AMOUNT: _("Amount"),
	QUOTATION: _("Quotation"),
	ACTIVITY: _("Last Activity"),
}

# time in the current stage, relative to the stage's median completed stay
UNDER_HALF, USUAL, TWICE, FOUR_TIMES = "under_half", "usual", "twice", "four_times"
# days since the last activity (call, email, note) on the opportunity's timeline
NO_ACTIVITY = "none"
ACTIVITY_BANDS = ((7, "0-7"), (30, "8-30"), (90, "31-90"))
ACTIVITY_LONG_AGO = "90+"
YES, NO = "yes", "no"

BAND_LABELS = {
	(DAYS_IN_STAGE, UNDER_HALF): _("less than half the usual time"),
	(DAYS_IN_STAGE, USUAL): _("about the usual time"),
	(DAYS_IN_STAGE, TWICE): _("2 to 4 times the usual time"),
	(DAYS_IN_STAGE, FOUR_TIMES): _("4 times the usual time or more"),
	(BACKWARD_MOVES, "0"): _("never moved back"),
	(BACKWARD_MOVES, "1"): _("moved back once"),
	(BACKWARD_MOVES, "2+"): _("moved back twice or more"),
	(QUOTATION, YES): _("submitted"),
	(QUOTATION, NO): _("none submitted"),
	(ACTIVITY, NO_ACTIVITY): _("none logged"),
	(ACTIVITY, "0-7"): _("within a week"),
	(ACTIVITY, "8-30"): _("8 to 30 days before"),
	(ACTIVITY, "31-90"): _("31 to 90 days before"),
	(ACTIVITY, ACTIVITY_LONG_AGO): _("more than 90 days before"),
}


def days_in_stage_band(days: float | None, usual_days: float | None) -> str | None:
	"""Days in the current stage against the stage's usual (median) stay; None when unknown."""
	if days is None:
		return None
	usual = max(float(usual_days or 0), 1.0)  # a stage usually left within the day: one day
	ratio = max(float(days), 0.0) / usual
	if ratio < 0.5:
		return UNDER_HALF
	if ratio < 2:
		return USUAL
	if ratio < 4:
		return TWICE
	return FOUR_TIMES


def backward_band(moves: int | None) -> str | None:
	if moves is None:
		return None
	moves = int(moves)
	return "0" if moves <= 0 else "1" if moves == 1 else "2+"


def amount_band(amount: float | None) -> str | None:
	"""The amount's order of magnitude: "4" is 10,000 to 99,999. None without an amount: an amount is
	often set only as the deal goes on, so "none yet" on an open opportunity is not "none" at closing."""
	if not amount or amount <= 0:
		return None
	return str(math.floor(math.log10(float(amount)) + 1e-9))


def amount_band_bounds(band: str) -> tuple[int, int]:
	"""(lowest, first amount of the next band) of an amount band."""
	exponent = int(band)
	return 10**exponent, 10 ** (exponent + 1)


def activity_band(days: float | None) -> str:
	if days is None:
		return NO_ACTIVITY
	days = max(float(days), 0.0)
	for limit, band in ACTIVITY_BANDS:
		if days <= limit:
			return band
	return ACTIVITY_LONG_AGO


@dataclass(frozen=True)
class Features:
	"""What the database says about one opportunity, at the moment it is scored (now for an open
	one; the moment just before it was won or lost for a closed one)."""

	pipeline: str | None = None
	stage: str | None = None
	days_in_stage: float | None = None
	backward_moves: int | None = None
	owner: str | None = None
	source: str | None = None
	opportunity_type: str | None = None
	territory: str | None = None
	customer_group: str | None = None
	labels: tuple[str, ...] = ()
	stages_passed: tuple[str, ...] = ()  # a closed one: every stage of its pipeline it was in
	amount: float | None = None
	has_quotation: bool = False
	days_since_activity: float | None = None


Key = tuple[str, str, str]  # (factor, pipeline of a stage or "", value)


def keys_of(
	features: Features, usual_days: Mapping[tuple[str, str], float] | None = None, learning: bool = False
) -> list[Key]:
	"""The factor values of an opportunity, each as (factor, pipeline or "", value). A factor whose
	value is unknown (time in stage without a stage history, say) is left out. ``learning``: the
	values a closed opportunity is counted under (every stage it passed through); else the values it
	is scored with (its current stage)."""
	usual_days = usual_days or {}
	pipeline = features.pipeline or ""
	keys: list[Key] = [(PIPELINE, "", pipeline)]
	stages = set(features.stages_passed) if learning else set()
	if features.stage:
		stages.add(features.stage)
	for stage in sorted(stages):
		keys.append((STAGE, pipeline, stage))
	band = days_in_stage_band(features.days_in_stage, usual_days.get((pipeline, features.stage or "")))
	if band:
		keys.append((DAYS_IN_STAGE, "", band))
	band = backward_band(features.backward_moves)
	if band:
		keys.append((BACKWARD_MOVES, "", band))
	for factor in (OWNER, SOURCE, OPPORTUNITY_TYPE, TERRITORY, CUSTOMER_GROUP):
		keys.append((factor, "", getattr(features, factor) or ""))
	for label in sorted(set(features.labels or ())):
		keys.append((LABEL, "", label))
	band = amount_band(features.amount)
	if band:
		keys.append((AMOUNT, "", band))
	keys.append((QUOTATION, "", YES if features.has_quotation else NO))
	keys.append((ACTIVITY, "", activity_band(features.days_since_activity)))
	return keys


# ---------------------------------------------------------------- counting and the model


@dataclass
class Counts:
	"""Won and lost closed opportunities, in all and per factor value."""

	won: int = 0
	lost: int = 0
	by_key: dict = field(default_factory=dict)  # Key -> [won, lost]

	def add(self, keys: Iterable[Key], won: bool, weight: int = 1) -> None:
		if won:
			self.won += weight
		else:
			self.lost += weight
		for key in keys:
			pair = self.by_key.setdefault(key, [0, 0])
			pair[0 if won else 1] += weight

	def add_group(self, key: Key, won: int, lost: int) -> None:
		"""Counts of one factor value as a GROUP BY gives them (the totals are set apart)."""
		pair = self.by_key.setdefault(key, [0, 0])
		pair[0] += int(won or 0)
		pair[1] += int(lost or 0)

	def merge(self, other: "Counts") -> "Counts":
		merged = Counts(self.won + other.won, self.lost + other.lost)
		for source in (self.by_key, other.by_key):
			for key, (won, lost) in source.items():
				merged.add_group(key, won, lost)
		return merged

	@property
	def closed(self) -> int:
		return self.won + self.lost


def sigmoid(x: float) -> float:
	if x >= 0:
		return 1.0 / (1.0 + math.exp(-x))
	z = math.exp(x)
	return z / (1.0 + z)


NOTICEABLE = 1.1  # a group won less than 10 % more (or less) often than average is no reason


@dataclass(frozen=True)
class Reason:
	"""One factor value that moves an opportunity's prediction, with its group's figures."""

	factor: str
	pipeline: str
	value: str
	contribution: float  # log-odds it adds
	ratio: float  # the group's win rate ÷ the win rate of all closed opportunities
	closed: int  # closed opportunities in the group (at least the minimum group size)


@dataclass
class Model:
	"""Naive Bayes over factor values: log-odds = prior + sum of contributions, then calibrated."""

	counts: Counts
	alpha: float = 1.0
	min_group: int = 20
	scale: float = 1.0
	shift: float = 0.0
	_values: dict = field(default_factory=dict, repr=False)

	def __post_init__(self):
		values: dict = {}
		for factor, _pipeline, _value in self.counts.by_key:
			values[factor] = values.get(factor, 0) + 1
		self._values = values

	@property
	def prior(self) -> float:
		return math.log((self.counts.won + self.alpha) / (self.counts.lost + self.alpha))

	def group(self, key: Key) -> tuple[int, int]:
		won, lost = self.counts.by_key.get(key, (0, 0))
		return int(won), int(lost)

	def contribution(self, key: Key) -> float:
		"""log P(value | won) - log P(value | lost), smoothed; 0 for a group under the minimum size."""
		won, lost = self.group(key)
		if won + lost < self.min_group:
			return 0.0
		factor = key[0]
		# a label is present or absent; another factor takes one of its values
		outcomes = 2 if factor in MULTI_VALUED else max(self._values.get(factor, 1), 1)
		p_won = (won + self.alpha) / (self.counts.won + self.alpha * outcomes)
		p_lost = (lost + self.alpha) / (self.counts.lost + self.alpha * outcomes)
		return math.log(p_won / p_lost)

	def raw_score(self, keys: Iterable[Key]) -> float:
		return self.prior + sum(self.contribution(key) for key in keys)

	def calibrated(self, raw: float) -> float:
		return sigmoid(self.shift + self.scale * raw)

	def probability(self, keys: Iterable[Key]) -> float:
		"""The predicted win probability, 0..1."""
		return self.calibrated(self.raw_score(keys))

	def ratio(self, key: Key) -> float:
		"""How many times as often the group is won as closed opportunities in all (smoothed)."""
		won, lost = self.group(key)
		overall = (self.counts.won + self.alpha) / (self.counts.closed + 2 * self.alpha)
		in_group = (won + self.alpha) / (won + lost + 2 * self.alpha)
		return in_group / overall

	def reasons(self, keys: Iterable[Key], top: int = 3) -> tuple[list[Reason], list[Reason]]:
		"""The ``top`` factor values that raise the prediction most and the ``top`` that lower it most;
		only groups of at least ``min_group`` closed opportunities, and only those that move it."""
		reasons = []
		for key in dict.fromkeys(keys):
			contribution = self.contribution(key)
			if not contribution:
				continue
			won, lost = self.group(key)
			reasons.append(Reason(key[0], key[1], key[2], contribution, self.ratio(key), won + lost))
		# a reason must say something in plain words too: its group is won noticeably more (or less)
		# often than average, in the direction it moves the prediction
		ups = sorted(
			(r for r in reasons if r.contribution > 0 and r.ratio >= NOTICEABLE),
			key=lambda r: (-r.contribution, r.factor),
		)
		downs = sorted(
			(r for r in reasons if r.contribution < 0 and r.ratio <= 1 / NOTICEABLE),
			key=lambda r: (r.contribution, r.factor),
		)
		return ups[:top], downs[:top]


def describe_ratio(ratio: float) -> tuple[str, float]:
	"""Plain words for a ratio of win rates: ("more", 2.0) is "won 2 times as often", ("less", 2.5) is
	"won 2.5 times less often"; the number is rounded to one decimal."""
	if ratio >= 1:
		return "more", round(ratio, 1)
	return "less", round(1 / max(ratio, 1e-9), 1)


# ---------------------------------------------------------------- calibration

SCORE_STEP = 0.02  # width of a bin of raw scores (log-odds): small enough to change no figure


def score_bin(raw: float) -> float:
	return round(round(raw / SCORE_STEP) * SCORE_STEP, 6)


def log_likelihood(bins: Mapping[float, Sequence[int]], scale: float, shift: float) -> float:
	total = 0.0
	for score, (won, lost) in bins.items():
		z = shift + scale * score
		# log sigmoid(z) and log(1 - sigmoid(z)), without overflow
		log_p = -math.log1p(math.exp(-z)) if z >= 0 else z - math.log1p(math.exp(z))
		log_q = -math.log1p(math.exp(z)) if z <= 0 else -z - math.log1p(math.exp(-z))
		total += int(won) * log_p + int(lost) * log_q
	return total


def fit_calibration(
	bins: Mapping[float, Sequence[int]], iterations: int = 100, ridge: float = 1e-6
) -> tuple[float, float]:
	"""(scale, shift) of p = sigmoid(shift + scale * score) fitted by maximum likelihood (Newton's
	method, halving a step that does not improve the fit) to ``score -> (won, lost)`` counts;
	(1, 0) when there is nothing to fit (one outcome only)."""
	won_total = sum(int(w) for w, _l in bins.values())
	lost_total = sum(int(lo) for _w, lo in bins.values())
	if not won_total or not lost_total:
		return 1.0, 0.0
	# start from the base rate alone (scale 0): a well-conditioned start however extreme the scores
	scale, shift = 0.0, math.log(won_total / lost_total)
	current = log_likelihood(bins, scale, shift)
	for _iteration in range(iterations):
		g_scale = g_shift = 0.0
		h_ss = h_sb = h_bb = ridge
		for score, (won, lost) in bins.items():
			n = int(won) + int(lost)
			if not n:
				continue
			p = sigmoid(shift + scale * score)
			residual = int(won) - n * p
			weight = n * p * (1 - p)
			g_scale += residual * score
			g_shift += residual
			h_ss += weight * score * score
			h_sb += weight * score
			h_bb += weight
		det = h_ss * h_bb - h_sb * h_sb
		if det <= 0:
			break
		d_scale = (h_bb * g_scale - h_sb * g_shift) / det
		d_shift = (h_ss * g_shift - h_sb * g_scale) / det
		step = 1.0
		while step > 1e-6:
			candidate = log_likelihood(bins, scale + step * d_scale, shift + step * d_shift)
			if candidate >= current:
				break
			step /= 2
		else:
			break
		scale, shift = scale + step * d_scale, shift + step * d_shift
		improvement, current = candidate - current, candidate
		if improvement < 1e-9:
			break
	if not math.isfinite(scale) or not math.isfinite(shift) or scale <= 0:
		return 1.0, 0.0  # a prediction must rise with the score: else keep the naive one
	return scale, shift


# ---------------------------------------------------------------- scoring a forecast


def add_to_bins(bins: dict, value: float, won: bool, count: int = 1) -> None:
	pair = bins.setdefault(value, [0, 0])
	pair[0 if won else 1] += count


def bins_of(predictions: Iterable[float], outcomes: Iterable[bool]) -> dict:
	bins: dict = {}
	for prediction, won in zip(predictions, outcomes, strict=True):
		add_to_bins(bins, prediction, bool(won))
	return bins


def brier(bins: Mapping[float, Sequence[int]]) -> float | None:
	"""Mean squared difference between the predicted probability (0..1) and the outcome (1 won,
	0 lost), from ``probability -> (won, lost)`` counts; lower is better, 0.25 is a coin's."""
	total = squares = 0.0
	for p, (won, lost) in bins.items():
		p = float(p)
		squares += int(won) * (1 - p) ** 2 + int(lost) * p**2
		total += int(won) + int(lost)
	return squares / total if total else None


def roc_auc(bins: Mapping[float, Sequence[int]]) -> float | None:
	"""The chance that a won opportunity was scored above a lost one (ties count half): the
	Mann-Whitney statistic, from ``score -> (won, lost)`` counts; None without both outcomes."""
	won_total = sum(int(w) for w, _l in bins.values())
	lost_total = sum(int(lo) for _w, lo in bins.values())
	if not won_total or not lost_total:
		return None
	lost_below = 0
	favourable = 0.0
	for score in sorted(bins):
		won, lost = (int(v) for v in bins[score])
		favourable += won * (lost_below + lost / 2)
		lost_below += lost
	return favourable / (won_total * lost_total)


@dataclass
class Scorecard:
	"""Histograms of three forecasts over the same closed opportunities (the test set)."""

	predicted: dict = field(default_factory=dict)  # predicted probability (binned) -> (won, lost)
	predicted_rank: dict = field(default_factory=dict)  # raw score (binned) -> (won, lost), for AUC
	stage_default: dict = field(default_factory=dict)
	typed: dict = field(default_factory=dict)

	def add(
		self,
		won: bool,
		raw: float,
		predicted: float,
		stage_default: float | None,
		typed: float | None,
		count: int = 1,
	) -> None:
		"""``count`` opportunities with these figures (won or lost)."""
		add_to_bins(self.predicted, round(predicted, 4), won, count)
		add_to_bins(self.predicted_rank, score_bin(raw), won, count)
		if stage_default is not None:
			add_to_bins(self.stage_default, round(float(stage_default) / 100, 4), won, count)
		if typed is not None:
			add_to_bins(self.typed, round(float(typed) / 100, 4), won, count)

	@property
	def size(self) -> int:
		return sum(int(w) + int(lo) for w, lo in self.predicted.values())

	@property
	def won(self) -> int:
		return sum(int(w) for w, _l in self.predicted.values())

	def figures(self) -> dict:
		return {
			"opportunities": self.size,
			"won": self.won,
			"brier_predicted": rounded(brier(self.predicted)),
			"auc_predicted": rounded(roc_auc(self.predicted_rank)),
			"brier_stage": rounded(brier(self.stage_default)),
			"auc_stage": rounded(roc_auc(self.stage_default)),
			"typed_opportunities": sum(int(w) + int(lo) for w, lo in self.typed.values()),
			"brier_typed": rounded(brier(self.typed)),
			"auc_typed": rounded(roc_auc(self.typed)),
		}


def rounded(value: float | None, digits: int = 4) -> float | None:
	return None if value is None else round(value, digits)


def is_better_than_stage_default(figures: Mapping) -> bool:
	"""The prediction is shown only when, on the test set, its Brier score beats the stage's default
	probability (a proper score: it rewards being right and being sure only when right)."""
	predicted, stage = figures.get("brier_predicted"), figures.get("brier_stage")
	if predicted is None or stage is None:
		return False
	return predicted < stage


def split_index(closed: int, test_share: float = 0.25) -> int:
	"""Position (0-based, in order of closing) of the first test opportunity: the last
	``test_share`` of the closed opportunities are scored, the ones before are learned from."""
	if closed <= 1:
		return closed
	return min(closed - 1, max(1, round(closed * (1 - test_share))))


# ---------------------------------------------------------------- medians


def median_from_histogram(days_counts: Mapping[int, int]) -> float | None:
	"""The median of whole days from ``days -> number of stays``; None when empty."""
	ordered = sorted((int(days), int(n)) for days, n in days_counts.items() if int(n) > 0)
	total = sum(n for _days, n in ordered)
	if not total:
		return None

	def kth(k: int) -> int:
		seen = 0
		for days, n in ordered:
			seen += n
			if seen >= k:
				return days
		return ordered[-1][0]

	return (kth((total + 1) // 2) + kth(total // 2 + 1)) / 2
