"""Keyword checks on chat text: normalised matching, the text around a hit, and hotspots.

Online quality checks are keyword-driven (issue 11): a customer threatening to complain,
an agent insulting a customer, the same word turning up in many chats at once. This
module is the text side only; `monitor.alert_engine` decides which rule a hit raises.

Matching rules (docs/alerts.md):
- Text and words are normalised alike: NFKC (full-width ＲＥＦＵＮＤ and １２３１５ become
  refund and 12315, ligatures and ㍻-style squares are spelled out) and case folded.
- A word's end that is a letter or digit of a spaced script (Latin, Cyrillic, Greek,
  digits ...) must sit on a word boundary: "refund" matches "Refund!" but not
  "refunded" or "nonrefundable". A word's end in Han, kana or hangul has no boundary,
  since those scripts do not separate words: "投诉" matches inside "我要投诉你们". So
  "app退款" needs a boundary before the "a" only, and "12315" needs one on both sides
  ("打12315投诉" matches, "123156" does not).
- A listed phrase matches whole: its words in order, any run of whitespace between
  them ("not my problem" matches "Not my\\nproblem.").
- Every listed word present is reported, including words inside a longer listed
  phrase; one word overlapping itself ("哈哈" in "哈哈哈") is reported once.
- Only the first `MAX_CHECKED_CHARS` characters of a message are checked.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from monitor.alert_rules import KeywordSpec

# A pasted document or a flood of text must not cost unbounded time per message on the
# thread that applies events; complaint and abuse words of a real chat message come in
# its first lines, and 4,000 characters is several screens of chat.
MAX_CHECKED_CHARS = 4_000
# Keeps the compiled pattern small; a "keyword" longer than this is a sentence.
MAX_WORD_CHARS = 100

# Han (with extensions and compatibility ideographs), ideographic marks such as 々,
# kana and hangul: scripts without spaces between words, matched as substrings.
_CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x3005, 0x3007),
    (0x3021, 0x3029),
    (0x3031, 0x3035),
    (0x3038, 0x303C),
    (0x3040, 0x30FF),
    (0x3130, 0x318F),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)
# Per-character results are cached; bounded, so a flood of distinct characters
# cannot grow them.
_CACHE_MAX = 65_536


@dataclass(frozen=True, slots=True)
class Hit:
    """A listed word found in a message; start/end index the ORIGINAL message text."""

    word: str
    start: int
    end: int


# --- normalising ---------------------------------------------------------------------


def _fold_one(ch: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", ch).casefold())


class _FoldTable(dict[int, str]):
    """Code point -> normalised text, filled on first use; a table for str.translate."""

    def __missing__(self, code: int) -> str:
        if len(self) >= _CACHE_MAX:
            self.clear()
        folded = self[code] = _fold_one(chr(code))
        return folded


_FOLD = _FoldTable()
_JOINS: dict[str, bool] = {}
_SPACED: dict[str, bool] = {}


def _joins(ch: str) -> bool:
    """NFKC makes `ch` a combining mark (half-width ﾞ, or already one): it belongs with
    the character before it, and the two are normalised together."""
    got = _JOINS.get(ch)
    if got is None:
        nfkc = unicodedata.normalize("NFKC", ch)
        got = bool(nfkc) and unicodedata.combining(nfkc[0]) != 0
        if len(_JOINS) >= _CACHE_MAX:
            _JOINS.clear()
        _JOINS[ch] = got
    return got


def _spaced(ch: str) -> bool:
    """A letter, digit or underscore of a spaced script: where a word boundary is needed."""
    got = _SPACED.get(ch)
    if got is None:
        code = ord(ch)
        got = (ch.isalnum() or ch == "_") and not any(lo <= code <= hi for lo, hi in _CJK_RANGES)
        if len(_SPACED) >= _CACHE_MAX:
            _SPACED.clear()
        _SPACED[ch] = got
    return got


def _normalised(text: str) -> tuple[str, bool]:
    """(normalised text, per_char): per_char when it is each character folded on its own.

    That is the usual case, also when NFKC changes lengths ("㍻" is two characters, "ﬁ"
    is "fi", "……" is "......"); only a character that NFKC composes with the one before
    it (ｶﾞ -> ガ, e + U+0301 -> é) needs the two normalised together.
    """
    global _last
    last = _last
    if last[0] is text:  # the engine checks one message against several rules in a row
        return last[1]
    if text.isascii():
        got = text.lower(), True
    else:
        folded = text.translate(_FOLD)
        if unicodedata.is_normalized("NFKC", folded):
            got = folded, True
        else:
            got = "".join(piece for piece, _, _ in _clusters(text)), False
    _last = (text, got)
    return got


_last: tuple[str, tuple[str, bool]] = ("", ("", True))


def _clusters(text: str) -> Iterator[tuple[str, int, int]]:
    """(normalised piece, start, end) per cluster: a character and any that attach to it."""
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        while j < n and _joins(text[j]):
            j += 1
        yield (_FOLD[ord(text[i])] if j == i + 1 else _fold_one(text[i:j])), i, j
        i = j


def _positions(text: str, norm: str, per_char: bool) -> tuple[list[int], list[int]] | None:
    """starts, ends: normalised char i came from text[starts[i]:ends[i]]. None: the same
    positions. Worked out only for messages with a hit."""
    if per_char and len(norm) == len(text):
        return None
    if per_char:
        spans = ((_FOLD[ord(ch)], i, i + 1) for i, ch in enumerate(text))
    else:
        spans = _clusters(text)
    starts: list[int] = []
    ends: list[int] = []
    for piece, i, j in spans:
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
    return starts, ends


def normalise(text: str) -> str:
    """NFKC and case folded, as keywords are compared: 'ＲＥＦＵＮＤ' -> 'refund'."""
    return _normalised(text)[0]


def _word_key(word: str) -> str:
    """A listed word as matched: normalised, whitespace runs as one space."""
    return " ".join(normalise(word).split())


# --- matching ------------------------------------------------------------------------


def _literal_pattern(keys: Iterable[str]) -> str:
    """One alternation of the words as literals, shared prefixes factored out (a trie).

    Factoring lets the engine reject a position on its first character instead of
    trying every word there, so the cost stays nearly flat in the number of words. A
    space in a key matches any run of whitespace. At each point longer words are
    tried first, so a match is the longest listed word starting there.
    """
    trie: dict[str, dict] = {}
    for key in keys:
        node = trie
        for tok in key:
            node = node.setdefault(tok, {})
        node[""] = {}  # a word ends here

    def emit(node: dict) -> str:
        alts = [
            (r"\s+" if tok == " " else re.escape(tok)) + emit(node[tok])
            for tok in sorted(t for t in node if t)
        ]
        if "" in node:
            alts.append("")
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    return emit(trie)


class KeywordMatcher:
    """Finds listed words in messages with one compiled pattern per list.

    The pattern finds the longest listed word at each position as a literal; word
    boundaries are then checked on the few candidates in Python (a boundary class in
    the pattern is costly to compile for each of hundreds of words). Words that
    normalise to nothing are ignored; two words that normalise alike are one word,
    reported as the first listed.
    """

    def __init__(self, words: Iterable[str]) -> None:
        listed: dict[str, str] = {}
        for word in words:
            key = _word_key(word)
            if not key:
                continue
            if len(key) > MAX_WORD_CHARS:
                raise ValueError(f"keyword longer than {MAX_WORD_CHARS} characters: {word[:20]}…")
            listed.setdefault(key, word)
        self._listed = listed
        self.words: tuple[str, ...] = tuple(listed.values())
        self._regex = re.compile(_literal_pattern(listed)) if listed else None
        # Listed words that start another listed word ("refund" in "refund please"):
        # where the longer one matches, the shorter ones may too, checked one by one.
        self._prefixes: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for key in listed:
            shorter = [k for k in listed if k != key and key.startswith(k)]
            if shorter:
                shorter.sort(key=len, reverse=True)
                self._prefixes[key] = [(k, re.compile(_literal_pattern([k]))) for k in shorter]

    def find(self, text: str) -> list[Hit]:
        """The listed words in `text` (its first MAX_CHECKED_CHARS), by position."""
        if self._regex is None or not text:
            return []
        text = text[:MAX_CHECKED_CHARS]
        norm, per_char = _normalised(text)
        n = len(norm)
        found: list[tuple[int, int, str]] = []
        search = self._regex.search
        pos = 0
        while (m := search(norm, pos)) is not None:
            s = m.start()
            pos = s + 1  # overlapping: another word may start inside this one
            if s and _spaced(norm[s]) and _spaced(norm[s - 1]):
                continue  # inside a word; the same start for all candidates here
            key = " ".join(m.group().split())
            candidates = [(key, m.end())]
            for short, regex in self._prefixes.get(key, ()):
                if (p := regex.match(norm, s)) is not None:
                    candidates.append((short, p.end()))
            for k, e in candidates:
                if e < n and _spaced(norm[e - 1]) and _spaced(norm[e]):
                    continue  # runs on into a longer word: "refunded"
                if k in self._listed:
                    found.append((s, e, k))
        if not found:
            return []
        found.sort()
        mapped = _positions(text, norm, per_char)
        hits = []
        last_end: dict[str, int] = {}
        for s, e, key in found:
            if s < last_end.get(key, -1):
                continue  # the same word overlapping itself: "哈哈" in "哈哈哈"
            last_end[key] = e
            if mapped is not None:
                s, e = mapped[0][s], mapped[1][e - 1]
            hits.append(Hit(self._listed[key], s, e))
        return hits


def context(text: str, hit: Hit, chars: int = 20) -> str:
    """The message around `hit`: `chars` characters each side, '…' where cut, one line."""
    n = len(text)
    start = max(0, min(hit.start, n))
    end = max(start, min(hit.end, n))
    lo, hi = max(0, start - chars), min(n, end + chars)
    piece = " ".join(text[lo:hi].split())  # newlines and tabs flattened for one line
    return ("…" if lo > 0 else "") + piece + ("…" if hi < n else "")


# --- hotspots --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HotspotLevel:
    """A word's spread now: distinct chats in the window, its usual count per window."""

    chats: int
    usual: float
    hot: bool


_QUIET = HotspotLevel(0, 0.0, False)
# The usual count is worked out on this grid: a minute's shift of a 4-hour baseline
# does not change what is usual, and the engine asks every second.
USUAL_STEP_S = 60.0


class HotspotTracker:
    """Counts, per listed word, the distinct chats that used it, on event time.

    `level(word, t)` compares the chats of the current window (t - window_s, t] with the
    usual count per window over the `baseline_s` before it (with `t` taken down to the
    minute for the baseline, see `_usual`). The hours before tracking
    began count as zero, so at the start of a day only `min_chats` holds a word back.
    The same events give the same levels in a replay, whatever the wall clock.

    Memory is bounded: only listed words are kept, each as time-ordered (t, contact)
    pairs no older than the baseline, at most MAX_EVENTS of them. If the cap drops events
    still inside the baseline, the usual count is averaged over the windows still
    covered instead. A late event is placed in time order (a short walk back from the
    newest); one older than any window still asked about is dropped.
    """

    MAX_EVENTS = 4_096
    # Kept beyond the baseline, so a query a little behind the newest event (the
    # engine's 1 s grid) still sees its whole baseline.
    LATE_S = 60.0

    def __init__(self, spec: KeywordSpec, baseline_s: float = 4 * 3600) -> None:
        if not spec.window_s > 0 or not math.isfinite(spec.window_s):
            raise ValueError("window_s must be a positive number of seconds")
        if not baseline_s >= 0 or not math.isfinite(baseline_s):
            raise ValueError("baseline_s must be zero or a positive number of seconds")
        self.spec = spec
        self._window = float(spec.window_s)
        self._baseline_windows = round(baseline_s / self._window)
        self._keep_s = (self._baseline_windows + 1) * self._window + self.LATE_S
        self._keys: dict[str, str] = {}  # listed word or its key -> key
        self._events: dict[str, deque[tuple[float, str]]] = {}
        self._dropped_to: dict[str, float] = {}  # newest time the cap dropped, per key
        self._memo: dict[str, tuple[float, HotspotLevel]] = {}
        self._step = min(USUAL_STEP_S, self._window)
        self._usual_memo: dict[str, tuple[float, float]] = {}  # key -> (baseline end, usual)
        self._newest = -math.inf
        for word in spec.words:
            key = _word_key(word)
            if key:
                self._keys[word] = self._keys[key] = key
                self._events.setdefault(key, deque())

    def _key(self, word: str) -> str | None:
        key = self._keys.get(word)
        return key if key is not None else self._keys.get(_word_key(word))

    def add(self, word: str, contact: str, t: float) -> None:
        """`contact` used `word` at event time `t`. Words not listed are ignored."""
        key = self._key(word)
        if key is None or not math.isfinite(t):
            return
        self._newest = max(self._newest, t)
        horizon = self._newest - self._keep_s
        if t < horizon:
            return  # too late to matter: older than any window still asked about
        events = self._events[key]
        while events and events[0][0] < horizon:
            events.popleft()
        if len(events) >= self.MAX_EVENTS:
            self._dropped_to[key] = events.popleft()[0]
            self._usual_memo.pop(key, None)
        i = len(events)
        while i and events[i - 1][0] > t:  # late by a few seconds: a short walk back
            i -= 1
        events.insert(i, (t, contact))
        self._memo.pop(key, None)
        usual = self._usual_memo.get(key)
        if usual is not None and t <= usual[0]:
            del self._usual_memo[key]  # a late event inside the baseline it was worked on

    def level(self, word: str, t: float) -> HotspotLevel:
        """`word`'s distinct chats in the window ending at `t`, against its usual count."""
        key = self._key(word)
        if key is None or not math.isfinite(t):
            return _QUIET
        memo = self._memo.get(key)
        if memo is not None and memo[0] == t:
            return memo[1]
        since = t - self._window
        current: set[str] = set()
        for e_t, contact in reversed(self._events[key]):
            if e_t <= since:
                break
            if e_t <= t:  # a later event is after the moment asked about
                current.add(contact)
        chats = len(current)
        usual = self._usual(key, t)
        spec = self.spec
        hot = chats > 0 and chats >= spec.min_chats and chats >= spec.factor * usual
        result = HotspotLevel(chats, usual, hot)
        self._memo[key] = (t, result)
        return result

    def _usual(self, key: str, t: float) -> float:
        """Distinct chats per window over the baseline, on a grid of `_step` seconds.

        The baseline ends where the current window starts, with `t` rounded down to the
        grid: the answer changes once a step, so it is worked out once a step (the
        engine asks every second) and stays a function of the events and `t` alone.
        """
        w = self._window
        end = math.floor(t / self._step) * self._step - w
        memo = self._usual_memo.get(key)
        if memo is not None and memo[0] == end:
            return memo[1]
        windows = self._baseline_windows
        dropped = self._dropped_to.get(key)
        if dropped is not None:
            # Windows reaching back past what the cap dropped are not counted.
            windows = min(windows, max(1, math.floor((end - dropped) / w)))
        before: set[tuple[int, str]] = set()
        for e_t, contact in reversed(self._events[key]):
            if e_t > end:
                continue
            j = math.floor((end - e_t) / w)  # window j is (end - (j+1)w, end - jw]
            if j >= windows:
                break
            before.add((j, contact))
        usual = len(before) / windows if windows else 0.0
        self._usual_memo[key] = (end, usual)
        return usual

    def tracked(self) -> tuple[str, ...]:
        """The listed words (first spelling of each), for re-checking levels as time passes."""
        seen: dict[str, str] = {}
        for word in self.spec.words:
            key = self._keys.get(word)
            if key is not None:
                seen.setdefault(key, word)
        return tuple(seen.values())
