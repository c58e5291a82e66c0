"""The pipeline's shortcuts (issue 9: >= 5,000 chat messages per second per core) never change
an answer: the ASCII path of watched words tokenises exactly as the general path does, cached
word forms and phrases are what they were computed from, and the cached cut-down rule index of
crisis screening is the one the whole message would give."""

from __future__ import annotations

import json
import string
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from moderation import screening, watchwords
from moderation.watchwords import _WORD, _fold, _token, match_watched_words, tokens_with_spans

DATA = Path(__file__).parent / "data" / "labelled_messages.jsonl"
TEXTS = [json.loads(line)["text"] for line in DATA.read_text().splitlines() if line.strip()]


def forms(tokens) -> list[tuple[str, str, bool]]:
    return [(token.exact, token.squeezed, token.stretched) for token in tokens]


def general_folded_tokens(text: str) -> list:
    return [_token(word) for word in _WORD.findall(_fold(text))]


ascii_texts = st.text(alphabet=string.printable, max_size=200)


@settings(max_examples=300, deadline=None)
@given(ascii_texts)
def test_for_ascii_text_the_folded_tokens_are_the_plain_ones(text):
    # match_watched_words uses the plain tokens as the folded ones when the text is ASCII.
    assert forms(tokens_with_spans(text)) == forms(general_folded_tokens(text))


def test_the_labelled_messages_fold_to_their_plain_tokens_when_ascii():
    ascii_ones = [text for text in TEXTS if text.isascii()]
    assert len(ascii_ones) > 500
    for text in ascii_ones:
        assert forms(tokens_with_spans(text)) == forms(general_folded_tokens(text)), text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_cached_word_forms_are_those_of_the_word(word):
    folded = word.casefold()
    squeezed = watchwords._RUN.sub(r"\1", folded)
    assert watchwords._forms(word) == (folded, squeezed, bool(watchwords._STRETCH.search(folded)))


class Watched:
    def __init__(self, phrase: str) -> None:
        self.phrase, self.action, self.reason = phrase, "flag", "test"


def test_an_edited_phrase_is_matched_as_edited_not_as_cached():
    text = "I keep texting him and he never answers."
    assert [m.phrase for m in match_watched_words(text, [Watched("texting him")])] == [
        "texting him"
    ]
    assert match_watched_words(text, [Watched("texting her")]) == []
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c != " " else c for c in "Texting him")
    assert match_watched_words(f"{fullwidth} again", [Watched("texting him")])[0].hidden


def test_the_cached_rule_index_is_the_one_the_whole_message_gives():
    uncached = screening._rules_for_words.__wrapped__
    for text in TEXTS:
        prepared = screening._prepare(text)
        present = {
            word
            for part in screening._split_sentences(prepared)
            for word in screening._Sentence(screening._tokenise(part.strip())).words
        }
        assert screening._rules_for_message(present) == uncached(frozenset(present)), text
