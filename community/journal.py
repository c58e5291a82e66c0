"""The journal's prompts: questions from the healing path a member may answer, or not.

Each has a stable key (clients send the key; the entry keeps the words of the question as it
was asked, so an entry reads the same later and in the data export). Keys never change once
shipped; add new prompts rather than rewording a key's meaning."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Prompt:
    key: str
    step: Promise  # the part of the healing path it belongs to
    text: Promise


PROMPTS: tuple[Prompt, ...] = (
    Prompt(
        "trigger-today",
        _("Noticing triggers"),
        _("What triggered you today, and what did you do with it?"),
    ),
    Prompt(
        "body-signals",
        _("Noticing triggers"),
        _("Where in your body did you feel the worry first, and what was it like?"),
    ),
    Prompt(
        "soothing",
        _("Soothing yourself"),
        _("What helped you feel a little calmer today, even for a moment?"),
    ),
    Prompt(
        "waiting",
        _("Waiting"),
        _("Think of a time you waited for a reply. What did you tell yourself while you waited?"),
    ),
    Prompt(
        "needs",
        _("Knowing your needs"),
        _("What do you need from the people close to you? Could you say it out loud?"),
    ),
    Prompt(
        "boundary",
        _("Boundaries"),
        _("Where would a boundary have helped you this week? What would it sound like?"),
    ),
    Prompt(
        "earning-love",
        _("Earning love"),
        _("When did you first feel you had to earn love?"),
    ),
    Prompt(
        "enough",
        _("Self-worth"),
        _("What is one thing about you that has nothing to do with what you do for others?"),
    ),
    Prompt(
        "kind-voice",
        _("Self-worth"),
        _("What would a kind friend say to you about today?"),
    ),
    Prompt(
        "progress",
        _("Looking back"),
        _("What do you do differently now than you did a year ago?"),
    ),
)

_BY_KEY = {prompt.key: prompt for prompt in PROMPTS}
PROMPT_KEYS: tuple[str, ...] = tuple(_BY_KEY)


def get_prompt(key: str) -> Prompt | None:
    """The prompt with this key, or None for an unknown one."""
    return _BY_KEY.get(key) if isinstance(key, str) else None


def suggest_prompt(*, not_key: str = "") -> Prompt:
    """A prompt chosen at random ("give me a prompt"), not the one already shown."""
    choices = [prompt for prompt in PROMPTS if prompt.key != not_key] or list(PROMPTS)
    return random.choice(choices)  # noqa: S311 - a writing prompt, not a secret
