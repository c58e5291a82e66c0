"""Matching moderators' watched words against member text.

A phrase matches as whole words, ignoring case, accents of compatibility forms, punctuation,
invisible characters and letters stretched out ("baaaad" matches "bad", but "as" never matches
"ass"). Letters spelt out one by one ("b.a.d", "b a d") are joined and matched too. Matching is
linear in the text: no regular expression is built from moderator input."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")
_STRETCH = re.compile(r"(.)\1{2,}")
_RUN = re.compile(r"(.)\1+")
MASK = "\u2022"  # a bullet: not Markdown syntax, so masking never changes the formatting


@dataclass(frozen=True)
class Token:
    exact: str  # case-folded token as written
    squeezed: str  # every run of one letter reduced to one ("kiiill" -> "kil")
    stretched: bool  # had a run of three or more of one letter
    start: int = -1  # span in the original text; -1 when the token was rebuilt from pieces
    end: int = -1


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    # Format characters (zero-width joiners, soft hyphens, bidi marks) hide words from filters.
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").casefold()


@lru_cache(maxsize=1 << 16)
def _forms(word: str) -> tuple[str, str, bool]:
    """(exact, squeezed, stretched) of a word: the same few thousand words come back in message
    after message, so they are worked out once."""
    word = word.casefold()
    if not _RUN.search(word):
        return word, word, False
    return word, _RUN.sub(r"\1", word), bool(_STRETCH.search(word))


def _token(word: str, start: int = -1, end: int = -1) -> Token:
    exact, squeezed, stretched = _forms(word)
    return Token(exact=exact, squeezed=squeezed, stretched=stretched, start=start, end=end)


def tokens_with_spans(text: str) -> list[Token]:
    """Tokens of the original text with their positions, for masking."""
    return [_token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _joined_letter_runs(tokens: Sequence[Token]) -> list[Token]:
    """'b.a.d' and 'b a d' become one token 'bad' (no span: it cannot be masked in place)."""
    joined: list[Token] = []
    run: list[str] = []
    for token in [*tokens, None]:
        if token is not None and len(token.exact) == 1:
            run.append(token.exact)
            continue
        if len(run) >= 3:
            joined.append(_token("".join(run)))
        run = []
    return joined


@lru_cache(maxsize=4096)
def phrase_tokens(phrase: str) -> tuple[Token, ...]:
    """The tokens of a watched phrase (cached by its text: an edited phrase is a new key)."""
    return tuple(_token(word) for word in _WORD.findall(_fold(phrase)))


def _same(word: Token, text: Token) -> bool:
    if word.exact == text.exact:
        return True
    return text.stretched and word.squeezed == text.squeezed


class _Index:
    """Token positions by squeezed form, so each phrase is looked up, not scanned for."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.positions: dict[str, list[int]] = {}
        for index, token in enumerate(tokens):
            self.positions.setdefault(token.squeezed, []).append(index)

    def find(self, phrase: Sequence[Token]) -> list[tuple[int, int]]:
        """Index ranges of the tokens where the phrase occurs."""
        if not phrase:
            return []
        size = len(phrase)
        tokens = self.tokens
        found = []
        for index in self.positions.get(phrase[0].squeezed, ()):
            if index + size > len(tokens):
                break
            if all(_same(phrase[offset], tokens[index + offset]) for offset in range(size)):
                found.append((index, index + size))
        return found


@dataclass(frozen=True)
class WatchedMatch:
    phrase: str
    action: str
    reason: str
    spans: tuple[tuple[int, int], ...]  # character spans in the original text
    hidden: bool  # also found in a disguised form that cannot be masked in place


def match_watched_words(text: str, words: Iterable) -> list[WatchedMatch]:
    """Every active watched word found in `text` (objects with phrase, action, reason)."""
    plain = _Index(tokens_with_spans(text))
    if text.isascii():
        # Folding changes nothing in ASCII but case, which tokens ignore: the same tokens.
        folded: Sequence[Token] = plain.tokens
        disguised = (plain, _Index(_joined_letter_runs(folded)))
    else:
        folded = [_token(word) for word in _WORD.findall(_fold(text))]
        disguised = (_Index(folded), _Index(_joined_letter_runs(folded)))
    matches = []
    for word in words:
        phrase = phrase_tokens(word.phrase)
        in_place = plain.find(phrase)
        spans = tuple((plain.tokens[a].start, plain.tokens[b - 1].end) for a, b in in_place)
        hidden_hits = sum(len(index.find(phrase)) for index in disguised) > len(in_place)
        if spans or hidden_hits:
            matches.append(
                WatchedMatch(
                    phrase=word.phrase,
                    action=word.action,
                    reason=word.reason,
                    spans=spans,
                    hidden=hidden_hits,
                )
            )
    return matches


def mask_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for index in range(start, end):
            if not chars[index].isspace():
                chars[index] = MASK
    return "".join(chars)
