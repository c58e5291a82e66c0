"""Pseudonym rules: what a person may call themselves here (community.validators)."""

import pytest
from django.core.exceptions import ValidationError

from community.validators import (
    PSEUDONYM_MAX_LENGTH,
    PSEUDONYM_MIN_LENGTH,
    RESERVED_PSEUDONYMS,
    normalise_pseudonym,
    validate_pseudonym,
)


def fullwidth(text: str) -> str:
    """The same text in fullwidth forms (U+FF01..U+FF5E), as some East Asian keyboards type it."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def refusal_code(value: str) -> str | None:
    """The code of the error a person would see for `value` as typed, or None if accepted."""
    try:
        validate_pseudonym(normalise_pseudonym(value))
    except ValidationError as error:
        return error.code
    return None


@pytest.mark.parametrize(
    "pseudonym",
    [
        "Kit",
        "a" * PSEUDONYM_MAX_LENGTH,
        "Robin Test",
        "quiet.harbour",
        "slow_river",
        "night-owl",
        "Robin 2",
        "R2D2",
        "Zoë",
        "Маша",
        "李小龍",
        "مريم",
        "תמר",
        "Ελένη",
    ],
)
def test_pseudonym_of_letters_digits_and_single_separators_is_accepted(pseudonym):
    assert refusal_code(pseudonym) is None


@pytest.mark.parametrize("pseudonym", ["राम", "अनु शर्मा", "தமிழ்", "สมชาย", "বাংলা"])
def test_pseudonym_in_a_script_with_vowel_signs_is_accepted(pseudonym):
    """Letters of any script: Hindi, Tamil, Thai and Bengali names use combining vowel signs,
    and India is one of the countries the community serves."""
    assert refusal_code(pseudonym) is None


@pytest.mark.parametrize("pseudonym", ["", "a", "ab", "  ab  ", " \t\n "])
def test_pseudonym_shorter_than_three_characters_is_refused(pseudonym):
    assert refusal_code(pseudonym) == "length"


def test_pseudonym_of_exactly_three_characters_is_accepted():
    assert PSEUDONYM_MIN_LENGTH == 3
    assert refusal_code("Kit") is None


def test_pseudonym_longer_than_thirty_characters_is_refused():
    assert refusal_code("a" * (PSEUDONYM_MAX_LENGTH + 1)) == "length"


def test_ten_thousand_character_pseudonym_is_refused_with_the_length_message():
    with pytest.raises(ValidationError) as caught:
        validate_pseudonym(normalise_pseudonym("x" * 10_000))
    assert "between 3 and 30 characters" in caught.value.messages[0]


def test_length_is_counted_after_collapsing_spaces():
    assert refusal_code("Robin" + " " * 40 + "Test") is None


@pytest.mark.parametrize(
    "pseudonym",
    [
        "robin!",
        "robin@home",
        "<script>",
        "robin/test",
        "emoji 🙂 name",
        "tab\u200bhidden",
        "semi;colon",
        "quote'name",
    ],
)
def test_pseudonym_with_symbols_is_refused(pseudonym):
    assert refusal_code(pseudonym) == "characters"


@pytest.mark.parametrize(
    "pseudonym", [".robin", "robin.", "-robin", "robin-", "_robin", "robin_", "robin._"]
)
def test_pseudonym_must_start_and_end_with_a_letter_or_digit(pseudonym):
    assert refusal_code(pseudonym) == "characters"


def test_refusal_for_symbols_explains_what_is_allowed():
    with pytest.raises(ValidationError) as caught:
        validate_pseudonym("robin!")
    message = caught.value.messages[0]
    assert "letters, numbers, single spaces" in message
    assert "start and end with a letter or number" in message


@pytest.mark.parametrize("pseudonym", ["12345", "000", fullwidth("1234")])
def test_pseudonym_of_only_digits_is_refused(pseudonym):
    assert refusal_code(pseudonym) == "digits"


@pytest.mark.parametrize("pseudonym", ["123-456", "1.2.3", "12 34", "2024_01"])
def test_pseudonym_of_digits_and_separators_without_a_letter_is_refused(pseudonym):
    """The message says "Please include at least one letter": dots and dashes between digits
    do not make a number into a name."""
    assert refusal_code(pseudonym) == "digits"


def test_only_digits_refusal_asks_for_a_letter():
    with pytest.raises(ValidationError) as caught:
        validate_pseudonym("12345")
    assert caught.value.messages == ["Please include at least one letter."]


@pytest.mark.parametrize("name", sorted(RESERVED_PSEUDONYMS))
def test_every_reserved_name_is_refused(name):
    assert refusal_code(name) == "reserved"


@pytest.mark.parametrize(
    "pseudonym",
    [
        "admin",
        "Admin",
        "ADMIN",
        "Moderator",
        "s.t.a.f.f",
        "S-T-A-F-F",
        "sup_port",
        "Help Line",
        fullwidth("admin"),
        fullwidth("Administrator"),
        "  admin  ",
    ],
)
def test_reserved_names_are_refused_whatever_the_case_separators_or_width(pseudonym):
    assert refusal_code(pseudonym) == "reserved"


def test_reserved_name_refusal_is_kind_and_says_what_to_do():
    with pytest.raises(ValidationError) as caught:
        validate_pseudonym("Moderator")
    assert caught.value.messages == [
        "That name is kept for the community team. Please choose another."
    ]


@pytest.mark.parametrize("pseudonym", ["Admiral", "Helper Bee", "Teamwork Tom", "Modest Mouse"])
def test_names_that_merely_contain_a_reserved_word_are_accepted(pseudonym):
    assert refusal_code(pseudonym) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Robin   Test  ", "Robin Test"),
        ("Robin\tTest", "Robin Test"),
        ("Robin\nTest", "Robin Test"),
        ("Robin\u00a0Test", "Robin Test"),
        ("Robin\u3000Test", "Robin Test"),
        (fullwidth("ROBIN"), "ROBIN"),
        (fullwidth("robin test"), "robin test"),
        ("ﬁsh", "fish"),
        ("Zoe\u0308", "Zoë"),
    ],
)
def test_pseudonym_is_stored_nfkc_normalised_with_whitespace_collapsed(typed, stored):
    assert normalise_pseudonym(typed) == stored


def test_normalising_nothing_gives_an_empty_pseudonym():
    assert normalise_pseudonym(None) == ""
    assert normalise_pseudonym("") == ""
