"""Rules for what members type about themselves."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PSEUDONYM_MIN_LENGTH = 3
PSEUDONYM_MAX_LENGTH = 30
# Names that would let someone pass as the team, or confuse people looking for help.
# What other members see in place of someone who deleted their account; nobody may take it.
ERASED_PSEUDONYM = "Former member"
ERASED_PSEUDONYM_FOLDED = "formermember"
RESERVED_PSEUDONYMS = frozenset(
    {
        "admin",
        "administrator",
        "moderator",
        "mod",
        "mods",
        "facilitator",
        "staff",
        "support",
        "team",
        "system",
        "help",
        "helpline",
        "crisis",
        "deleted",
        "anonymous",
        "root",
        "official",
    }
)


def normalise_pseudonym(value: str) -> str:
    """The stored form of a pseudonym: NFKC (so look-alike wide letters fold), trimmed, with
    inner whitespace collapsed."""
    value = unicodedata.normalize("NFKC", value or "")
    return " ".join(value.split())


def identity_key(value: str) -> str:
    """What makes two names (or two email addresses) the same person's: normalised, then
    case-folded in every script ("Straße" and "STRASSE", "Zoë" and "ZOË" match)."""
    return normalise_pseudonym(value).casefold()


def _is_name_character(char: str) -> bool:
    # Letters, digits and combining marks (vowel signs and viramas in Indic scripts).
    return unicodedata.category(char)[0] in {"L", "N", "M"}


def validate_pseudonym(value: str) -> None:
    """Raise ValidationError when `value` (already normalised) is not an acceptable pseudonym."""
    if len(value) < PSEUDONYM_MIN_LENGTH or len(value) > PSEUDONYM_MAX_LENGTH:
        raise ValidationError(
            _("Please choose a pseudonym between %(min)d and %(max)d characters long.")
            % {"min": PSEUDONYM_MIN_LENGTH, "max": PSEUDONYM_MAX_LENGTH},
            code="length",
        )
    well_formed = (
        all(_is_name_character(c) or c in " ._-" for c in value)
        and unicodedata.category(value[0])[0] in {"L", "N"}
        and _is_name_character(value[-1])
        and "  " not in value
    )
    if not well_formed:
        raise ValidationError(
            _(
                "A pseudonym can use letters, numbers, single spaces, dots, dashes and "
                "underscores, and must start and end with a letter or number."
            ),
            code="characters",
        )
    if not any(unicodedata.category(c)[0] == "L" for c in value):
        raise ValidationError(_("Please include at least one letter."), code="digits")
    folded = re.sub(r"[\s._\-]", "", value.casefold())
    if folded in RESERVED_PSEUDONYMS or folded.startswith(ERASED_PSEUDONYM_FOLDED):
        raise ValidationError(
            _("That name is kept for the community team. Please choose another."),
            code="reserved",
        )
