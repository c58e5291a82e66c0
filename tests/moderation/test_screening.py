"""moderation.screening: deterministic, explainable crisis screening (no database needed).

The labelled set (data/labelled_messages.jsonl) was written before the rules. Lines noted
"round 2" were written later as a held-out check and then kept as regression data. Lines noted
"round 3 blind" (also in data/blind_round3.jsonl) were written before reading the rules, measured
once as they were, then used to widen the rule families; test_blind_round3_floors guards the
figures reached afterwards.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from pathlib import Path

import pytest

from moderation.screening import CrisisAssessment, assess_crisis, normalise_for_screening

DATA = Path(__file__).parent / "data" / "labelled_messages.jsonl"
BLIND_ROUND3 = Path(__file__).parent / "data" / "blind_round3.jsonl"
RISK = {"urgent", "concern"}
OTHER_REASON = "someone else may be at risk"


def _load() -> list[dict]:
    with DATA.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


ROWS = _load()


@pytest.fixture(scope="module")
def predictions() -> list[tuple[dict, CrisisAssessment]]:
    return [(row, assess_crisis(row["text"])) for row in ROWS]


def _misses(pairs, keep) -> list[str]:
    return [
        f"{row['label']} -> {got.tier}: {row['text'][:90]}" for row, got in pairs if keep(row, got)
    ]


# --- the labelled set itself ---------------------------------------------------------------


def test_labelled_set_is_big_unique_and_balanced():
    assert len(ROWS) >= 200
    texts = [row["text"] for row in ROWS]
    assert len(texts) == len(set(texts)), "duplicate texts in the labelled set"
    labels = Counter(row["label"] for row in ROWS)
    assert set(labels) <= {"urgent", "concern", "none"}
    risk_share = (labels["urgent"] + labels["concern"]) / len(ROWS)
    assert 0.40 <= risk_share <= 0.60, labels
    for row in ROWS:
        assert isinstance(row["text"], str) and row["text"].strip()
        if row.get("other"):
            assert row["label"] == "none", "someone-else lines are labelled for the author"


# --- quality on the labelled set -----------------------------------------------------------


def test_recall_of_risk(predictions):
    risky = [(row, got) for row, got in predictions if row["label"] in RISK]
    found = sum(got.tier in RISK for _, got in risky)
    missed = _misses(risky, lambda _row, got: got.tier not in RISK)
    assert found / len(risky) >= 0.95, missed


def test_recall_of_urgent(predictions):
    urgent = [(row, got) for row, got in predictions if row["label"] == "urgent"]
    found = sum(got.tier == "urgent" for _, got in urgent)
    missed = _misses(urgent, lambda _row, got: got.tier != "urgent")
    assert found / len(urgent) >= 0.90, missed


def test_false_alarms_on_everyday_talk(predictions):
    everyday = [(row, got) for row, got in predictions if row["label"] == "none"]
    alarms = _misses(everyday, lambda _row, got: got.tier in RISK)
    assert len(alarms) / len(everyday) <= 0.05, alarms


def test_urgent_is_never_screened_as_none(predictions):
    assert (
        _misses(predictions, lambda row, got: row["label"] == "urgent" and got.tier == "none") == []
    )


def test_someone_else_lines_are_flagged(predictions):
    others = [(row, got) for row, got in predictions if row.get("other")]
    assert others
    assert _misses(others, lambda _row, got: not got.about_someone_else) == []


def test_reasons_explain_every_risk_and_only_risk(predictions):
    for row, got in predictions:
        if got.tier in RISK:
            assert got.reasons, row["text"]
            assert all(isinstance(r, str) and r for r in got.reasons)
        elif got.about_someone_else:
            assert got.reasons == (OTHER_REASON,), row["text"]
        else:
            assert got.reasons == (), row["text"]


# --- blind round 3 -------------------------------------------------------------------------

# Written before the rules were read. Before round-3 work: urgent recall 0.348 (29 of 46 urgent
# lines screened as none), concern recall 0.657, risk recall 0.494, false alarms 3/79. After:
# every figure below was 1.0 (false alarms 0). Floors leave a 0.03 margin so a small, deliberate
# trade-off is possible, but a slide back is not.
BLIND_FLOORS = {
    "urgent_recall": 0.97,
    "urgent_precision": 0.97,
    "concern_recall": 0.97,
    "concern_precision": 0.97,
    "none_recall": 0.97,
    "risk_recall": 0.97,
}
BLIND_MAX_FALSE_ALARMS = 0.03


def test_blind_round3_floors():
    with BLIND_ROUND3.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    assert len(rows) == 160
    pairs = [(row, assess_crisis(row["text"])) for row in rows]
    figures = {}
    for tier in ("urgent", "concern", "none"):
        labelled = [got for row, got in pairs if row["label"] == tier]
        predicted = [row for row, got in pairs if got.tier == tier]
        figures[f"{tier}_recall"] = sum(got.tier == tier for got in labelled) / len(labelled)
        if tier != "none":
            hits = sum(row["label"] == tier for row in predicted)
            figures[f"{tier}_precision"] = hits / len(predicted) if predicted else 0.0
    risky = [got for row, got in pairs if row["label"] in RISK]
    figures["risk_recall"] = sum(got.tier in RISK for got in risky) / len(risky)
    wrong = _misses(pairs, lambda row, got: row["label"] != got.tier)
    for name, floor in BLIND_FLOORS.items():
        assert figures[name] >= floor, (name, figures[name], wrong)
    everyday = [got for row, got in pairs if row["label"] == "none"]
    alarms = sum(got.tier in RISK for got in everyday) / len(everyday)
    assert alarms <= BLIND_MAX_FALSE_ALARMS, (alarms, wrong)
    assert _misses(pairs, lambda row, got: row["label"] == "urgent" and got.tier == "none") == []
    assert _misses(pairs, lambda row, got: row.get("other") and not got.about_someone_else) == []


# --- explicit cases ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "this homework is killing me",
        "I'm dying to know",
        "I could kill for a coffee",
        "I nearly died laughing",
        "my phone is dead",
        "kill the lights",
        "that joke killed",
        "I'm dead tired",
        "cutting it close",
        "cut ties",
        "this date is going to be the death of me",
        "shoot me a text",
        "I want to die of embarrassment",
        "drop dead gorgeous",
        "overdose on chocolate",
        "he left me on read and I'm dying inside",
        "I'd literally die if she saw my messages",
        "I'd rather die than text him first",
        "I cut my finger chopping onions",
        "I hurt myself at the gym",
        "that's odd",
        "I'm on the bridge between anxious and secure",
    ],
)
def test_idioms_are_not_risk(text):
    assert assess_crisis(text) == CrisisAssessment("none", (), False)


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to die",
        "I'm not suicidal, just sad",
        "I would never hurt myself",
        "i dont wanna die i just wanna be held",
        "it's not that I want to die, I need a break",
        "I'm not a burden",
        "I won't hurt myself, I promise",
        "If you're feeling suicidal, please call a helpline",
    ],
)
def test_negations_and_hypotheticals_are_not_risk(text):
    assert assess_crisis(text).tier == "none"


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("I'm not okay and I want to die", "concern"),
        ("Not gonna lie, I want to kill myself most days", "concern"),
        ("no, I'm not fine, I want to die", "concern"),
    ],
)
def test_negation_stays_in_its_own_clause(text, tier):
    assert assess_crisis(text).tier == tier


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("I used to feel suicidal, therapy helped", "none"),
        ("two years ago I attempted, now I'm doing much better", "none"),
        ("I haven't self-harmed in 300 days", "none"),
        ("When I was 16 I wanted to die every day.", "none"),
        ("1 year clean from self harm today!!", "none"),
        ("I attempted two years ago today", "none"),
        ("I used to cope, now I want to die again", "concern"),
        ("I relapsed and cut again after 60 days", "concern"),
        ("I tried to kill myself last night", "urgent"),
    ],
)
def test_past_and_recovered_versus_current(text, tier):
    assert assess_crisis(text).tier == tier


@pytest.mark.parametrize(
    "text",
    [
        "my friend wants to die",
        "my partner said he'd kill himself if I left",
        "my sister told me she's been cutting herself",
        "my ex texted me 'i want to die' at 2am",
        "he says everyone would be better off without him",
    ],
)
def test_someone_else_at_risk(text):
    result = assess_crisis(text)
    assert result == CrisisAssessment("none", (OTHER_REASON,), True)


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("kms", "concern"),
        ("k m s", "concern"),
        ("unalive myself", "concern"),
        ("sewer slide", "concern"),
        ("su1cide thoughts again", "concern"),
        ("so suicidel lately", "concern"),
        ("wanna die", "concern"),
        ("want 2 die", "concern"),
        ("i wnat to die", "concern"),
        ("i just want to end it all", "concern"),
        ("i want to sleep and not wake up", "concern"),
        ("ctb thoughts", "concern"),
        ("i wanna disappear", "concern"),
        ("gonna od tonight", "urgent"),
        ("kms tonight", "urgent"),
        ("i want 2 die 2nite", "urgent"),
        # kys is abuse aimed at someone else: the abuse filter's job, not the author's risk.
        ("kys", "none"),
    ],
)
def test_shorthand_and_misspellings(text, tier):
    assert assess_crisis(text).tier == tier


@pytest.mark.parametrize(
    "text",
    [
        "I want to die",
        "I WANT TO DIEEEE!!!",
        "i.want.to.die",
        "i want to d i e",
        "I   want\tto   die",
        "i w\u200bant to d\u200die",  # zero-width characters
        "\uff29 \uff57\uff41\uff4e\uff54 \uff54\uff4f \uff44\uff49\uff45",  # fullwidth
        "i w\u0430nt to d\u0456e",  # Cyrillic look-alikes
        "i want to d\u0131\u0307e",  # dotless i with a combining dot
        "I want to diiiie",
    ],
)
def test_case_punctuation_repeats_and_disguises(text):
    assert assess_crisis(text) == CrisisAssessment("concern", ("wants to die",), False)


@pytest.mark.parametrize(
    ("text", "tier", "other"),
    [
        ("the song says 'I want to die'", "none", False),
        ("there's a line in that book, 'I wish I had never been born'", "none", False),
        ("anyone know the song that goes 'i just wanna disappear'?", "none", False),
        ("he texted me \u201ci want to die\u201d", "none", True),
        # A member quoting themselves reads exactly like a member speaking: screened as theirs.
        ("I keep telling myself 'I want to die'", "concern", False),
    ],
)
def test_quotes(text, tier, other):
    result = assess_crisis(text)
    assert (result.tier, result.about_someone_else) == (tier, other)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("I've taken the pills", "act in progress"),
        ("I already took 30 tablets", "act in progress"),
        ("I'm on the bridge", "act in progress"),
        ("this is goodbye", "says goodbye"),
        ("tell my sister I love her, I won't be here", "says goodbye"),
        ("I'm going to kill myself tonight after everyone's asleep", "gives a timeframe"),
        ("I'm going to hang myself", "mentions a method"),
        ("how many paracetamol would it take", "asks about a dose"),
        ("been stockpiling my meds", "has the means"),
    ],
)
def test_urgent_signals_name_their_rule(text, reason):
    result = assess_crisis(text)
    assert result.tier == "urgent"
    assert reason in result.reasons


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("I want to die", "wants to die"),
        ("I cut myself last night again", "self-harm disclosure"),
        ("I'm such a burden", "feels like a burden"),
        ("I feel suicidal tonight", "suicidal thoughts"),
    ],
)
def test_concern_signals_name_their_rule(text, reason):
    assert assess_crisis(text) == CrisisAssessment("concern", (reason,), False)


# --- normalisation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I WANT TO DIEEEE!!!", "i want to diee"),
        ("i.want.to.die", "i want to die"),
        ("su1c1de", "suicide"),
        ("meet at 2am, 30mg", "meet at 2am 30mg"),
        ("d\u200bi\u200de", "die"),
        ("\uff2b\uff2d\uff33", "kms"),
        ("don't", "dont"),
        ("  lots   of\n space ", "lots of space"),
        ("caf\u00e9", "cafe"),
    ],
)
def test_normalise_for_screening(text, expected):
    assert normalise_for_screening(text) == expected


# --- safety: speed and determinism ---------------------------------------------------------

_rng = random.Random(20240601)
ADVERSARIAL = {
    "one letter": "a" * 100_000,
    "kill repeated": "kill " * 20_000,
    "not not not die": "not " * 25_000 + "die",
    "punctuation soup": "".join(
        _rng.choice("!?.,;:'\"()[]{}-_*&^%$#@~`|\\/<>") for _ in range(100_000)
    ),
    "zero-width joiners": "\u200d" * 100_000,
    "risk phrase repeated": "i want to kill myself tonight " * 3_400,
    "dotted sentences": "i.want.to.die." * 7_200,
    "spelled letters": "k m s " * 16_666,
    "random risk words": " ".join(
        _rng.choice(
            ["i", "want", "to", "die", "not", "kill", "myself", "pills", "tonight", ",", "'"]
        )
        for _ in range(25_000)
    )[:100_000],
    "quotes and letters": "'a" * 50_000,
    "combining marks": "d\u0301" * 50_000,
    "leetspeak noise": "".join(_rng.choice("a1e3o0s5t7@$! ") for _ in range(100_000)),
    # one sentence of nothing but times: each timeframe must not rescan the sentence
    "time words only": "tonight at 2am " * 6_600,
    "new phrase families repeated": "standing at the edge of the bridge, " * 2_800,
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_input_is_fast(name):
    text = ADVERSARIAL[name]
    assert len(text) >= 99_000
    # CPU time of this thread, not wall time: other work on a shared machine must not make the
    # test flaky, while a quadratic or catastrophic pattern (tens of seconds) still fails it.
    start = time.thread_time()
    assess_crisis(text)
    elapsed = time.thread_time() - start
    assert elapsed < 1.0, f"{name}: {elapsed:.3f} s of CPU"


def test_deterministic():
    texts = [row["text"] for row in ROWS[::7]] + ["i want to kill myself tonight " * 500]
    first = [assess_crisis(t) for t in texts]
    assert [assess_crisis(t) for t in reversed(texts)][::-1] == first
    assert [assess_crisis(t) for t in texts] == first


def test_empty_and_blank_input():
    for text in ["", "   ", "\n\n", "\u200b", "!!!"]:
        assert assess_crisis(text) == CrisisAssessment("none", (), False)
