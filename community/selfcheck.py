"""The attachment self-check: its questions, how answers become two scores, and what a result
may mean, said kindly.

Pure: no database, no requests. The questions are our own, written in plain language for this
community (not a licensed instrument, and not the ECR or ECR-R items). Twelve statements, six
about worry in closeness ("anxiety") and six about keeping distance ("avoidance"), each answered
from 1 "Not like me at all" to 5 "Very like me". A few are worded the other way round
(`reverse`): for those a 5 counts as a 1. Each score is the mean of its six answers, 1.00-5.00.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ANXIETY = "anxiety"
AVOIDANCE = "avoidance"
DIMENSIONS = (ANXIETY, AVOIDANCE)

ANSWER_MIN, ANSWER_MAX = 1, 5
# At or below the midpoint a score counts as "lower" when choosing what a result may mean.
MIDPOINT = Decimal("3.00")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Item:
    key: str  # stable: stored with each answer, used by the API and the export
    text: str
    dimension: str
    reverse: bool = False


# Shown in this order: the two kinds of statement take turns, so neither feels like a block.
ITEMS: tuple[Item, ...] = (
    Item(
        "waiting_for_reply",
        gettext_lazy(
            "When someone close to me takes a while to reply, it is hard to think about "
            "anything else."
        ),
        ANXIETY,
    ),
    Item(
        "step_back_when_close",
        gettext_lazy("When someone wants to get very close to me, part of me wants to step back."),
        AVOIDANCE,
    ),
    Item(
        "care_as_much",
        gettext_lazy(
            "I often wonder whether the people I love care about me as much as I care about them."
        ),
        ANXIETY,
    ),
    Item(
        "rather_not_lean",
        gettext_lazy("I would rather not lean on other people, even when things are hard."),
        AVOIDANCE,
    ),
    Item(
        "distance_means_wrong",
        gettext_lazy(
            "When a partner or friend seems a little distant, I worry that I did something wrong."
        ),
        ANXIETY,
    ),
    Item(
        "easy_to_share_needs",
        gettext_lazy("I find it easy to tell the people close to me what I feel and what I need."),
        AVOIDANCE,
        reverse=True,
    ),
    Item(
        "need_reassurance",
        gettext_lazy(
            "I need a lot of reassurance before I believe that someone really wants me around."
        ),
        ANXIETY,
    ),
    Item(
        "keep_parts_private",
        gettext_lazy("I keep some parts of myself hidden, even from people I trust."),
        AVOIDANCE,
    ),
    Item(
        "settled_apart",
        gettext_lazy("I feel settled in my close relationships, even when we spend time apart."),
        ANXIETY,
        reverse=True,
    ),
    Item(
        "pull_away_when_serious",
        gettext_lazy("When a relationship starts to feel serious, I notice an urge to pull away."),
        AVOIDANCE,
    ),
    Item(
        "fear_left",
        gettext_lazy(
            "The thought of being left or replaced comes to me more often than I would like."
        ),
        ANXIETY,
    ),
    Item(
        "comfortable_depended_on",
        gettext_lazy("I am comfortable when someone I love depends on me."),
        AVOIDANCE,
        reverse=True,
    ),
)
ITEM_KEYS: tuple[str, ...] = tuple(item.key for item in ITEMS)
ITEMS_BY_KEY: dict[str, Item] = {item.key: item for item in ITEMS}

SCALE: tuple[tuple[int, str], ...] = (
    (1, gettext_lazy("Not like me at all")),
    (2, gettext_lazy("A little like me")),
    (3, gettext_lazy("Somewhat like me")),
    (4, gettext_lazy("Quite like me")),
    (5, gettext_lazy("Very like me")),
)


def _mean(values: list[int]) -> Decimal:
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(_CENT, rounding=ROUND_HALF_UP)


def score(answers: dict[str, int]) -> tuple[Decimal, Decimal]:
    """(anxiety, avoidance): the mean of each dimension's answers, rounded to 2 decimals, with
    reverse-worded items counted as 6 - answer. `answers` must hold every item (1-5); the
    service checks that before calling."""
    counted: dict[str, list[int]] = {ANXIETY: [], AVOIDANCE: []}
    for item in ITEMS:
        answer = int(answers[item.key])
        counted[item.dimension].append(ANSWER_MAX + ANSWER_MIN - answer if item.reverse else answer)
    return _mean(counted[ANXIETY]), _mean(counted[AVOIDANCE])


def level(value: Decimal) -> str:
    """A score in words, for people who would rather not read numbers."""
    value = Decimal(value)
    if value < Decimal("2.50"):
        return _("on the lower side")
    if value <= Decimal("3.50"):
        return _("around the middle")
    return _("on the higher side")


def is_higher(value: Decimal) -> bool:
    return Decimal(value) > MIDPOINT


SETTLED = "settled"
CLOSENESS_WORRY = "closeness_worry"
KEEPING_DISTANCE = "keeping_distance"
BOTH = "both"
PATTERNS = (SETTLED, CLOSENESS_WORRY, KEEPING_DISTANCE, BOTH)


@dataclass(frozen=True)
class Interpretation:
    pattern: str
    title: str
    paragraphs: list[str]
    note: str

    def as_payload(self) -> dict:
        return {
            "pattern": self.pattern,
            "title": self.title,
            "paragraphs": self.paragraphs,
            "note": self.note,
        }


def not_a_diagnosis_note() -> str:
    return _(
        "This is a reflection, not a diagnosis or a test. It can't tell you who you are, and "
        "your answers may change with time, with how you feel today and with the people around "
        "you. If these feelings weigh on you, it can help to talk to a professional, such as a "
        "counsellor, a therapist or your doctor."
    )


def pattern_of(anxiety: Decimal, avoidance: Decimal) -> str:
    worry, distance = is_higher(anxiety), is_higher(avoidance)
    if worry and distance:
        return BOTH
    if worry:
        return CLOSENESS_WORRY
    if distance:
        return KEEPING_DISTANCE
    return SETTLED


def _words(pattern: str) -> tuple[str, list[str]]:
    if pattern == SETTLED:
        return _("You may feel fairly secure in closeness"), [
            _(
                "Your answers suggest that, at the moment, you feel fairly secure with the "
                "people close to you: you can usually lean on them and let them lean on you "
                "without too much worry."
            ),
            _(
                "Hard days still come, and old worries can return under stress. That's human. "
                "Noticing what helps you feel steady is worth keeping."
            ),
        ]
    if pattern == CLOSENESS_WORRY:
        return _("Closeness matters a lot to you"), [
            _(
                "Your answers suggest that closeness matters a lot to you, and that waiting or "
                "distance may feel alarming: a slow reply or a quiet day can start a story "
                "that something is wrong."
            ),
            _(
                "That worry often comes from caring deeply and from times when closeness felt "
                "uncertain. It can soften with practice: noticing the story, naming the need "
                "underneath it, and choosing what to do next."
            ),
        ]
    if pattern == KEEPING_DISTANCE:
        return _("You may protect yourself by keeping some distance"), [
            _(
                "Your answers suggest that you may protect yourself by keeping some distance: "
                "relying on yourself feels safer than leaning on others, and a lot of "
                "closeness can feel like too much."
            ),
            _(
                "Independence is a real strength. If you'd like more closeness, small, "
                "low-stakes steps of sharing what you feel or need are a gentle place to start."
            ),
        ]
    return _("You may want closeness and fear it at the same time"), [
        _(
            "Your answers suggest that you may want closeness and fear it at the same time: "
            "you may long to be near someone and worry about losing them, and also feel an "
            "urge to pull back when they come close."
        ),
        _(
            "Being pulled both ways is tiring, and it makes sense if closeness has been both "
            "comforting and painful before. Going slowly, with people who are patient, helps."
        ),
    ]


def interpretation(anxiety: Decimal, avoidance: Decimal) -> Interpretation:
    """What a result may mean, in a few kind sentences, always with the plain note that this is
    a reflection and not a diagnosis. The midpoint (3.0) separates lower from higher."""
    pattern = pattern_of(anxiety, avoidance)
    title, paragraphs = _words(pattern)
    return Interpretation(
        pattern=pattern, title=title, paragraphs=paragraphs, note=not_a_diagnosis_note()
    )


def change_words(difference: Decimal) -> str:
    """A change in a score, in words: "went up by 0.50", "went down by 0.25", "stayed the same"."""
    difference = Decimal(difference)
    if difference > 0:
        return _("went up by %(n)s") % {"n": f"{difference:.2f}"}
    if difference < 0:
        return _("went down by %(n)s") % {"n": f"{-difference:.2f}"}
    return _("stayed the same")


# --- a small line chart of the two scores over time, drawn on the server ------------------------

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 600, 240, 32


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    value: Decimal


@dataclass(frozen=True)
class Chart:
    anxiety: list[ChartPoint]
    avoidance: list[ChartPoint]
    gridlines: list[tuple[int, float]]  # (score, y)
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    pad: int = CHART_PAD

    @property
    def right(self) -> int:
        return self.width - self.pad

    @staticmethod
    def _points(points: list[ChartPoint]) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points)

    @property
    def anxiety_points(self) -> str:
        return self._points(self.anxiety)

    @property
    def avoidance_points(self) -> str:
        return self._points(self.avoidance)


def _y(value: Decimal) -> float:
    inner = CHART_HEIGHT - 2 * CHART_PAD
    return CHART_PAD + inner * (ANSWER_MAX - float(value)) / (ANSWER_MAX - ANSWER_MIN)


def chart(scores: list[tuple[Decimal, Decimal]]) -> Chart:
    """Points for the scores in time order (oldest first), on a 1-5 scale drawn top to bottom."""
    inner = CHART_WIDTH - 2 * CHART_PAD
    count = len(scores)

    def x(index: int) -> float:
        return CHART_PAD + (inner * index / (count - 1) if count > 1 else inner / 2)

    return Chart(
        anxiety=[ChartPoint(x(i), _y(a), Decimal(a)) for i, (a, _v) in enumerate(scores)],
        avoidance=[ChartPoint(x(i), _y(v), Decimal(v)) for i, (_a, v) in enumerate(scores)],
        gridlines=[(value, _y(Decimal(value))) for value in range(ANSWER_MIN, ANSWER_MAX + 1)],
    )
