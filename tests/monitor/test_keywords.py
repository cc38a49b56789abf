"""Keyword checks on chat text (monitor.keywords): normalising, matching, context, hotspots."""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.alert_rules import KeywordSpec
from monitor.keywords import (
    MAX_CHECKED_CHARS,
    Hit,
    HotspotTracker,
    KeywordMatcher,
    context,
    normalise,
)

COMPLAINT = ("投诉", "退款", "12315", "refund", "complaint", "not my problem", "app退款", "闭嘴")


def found(words: tuple[str, ...] | list[str], text: str) -> list[tuple[str, str]]:
    """(listed word, original text it covers) for each hit."""
    return [(h.word, text[h.start : h.end]) for h in KeywordMatcher(words).find(text)]


# --- normalising -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＲＥＦＵＮＤ", "refund"),
        ("Ｒｅｆｕｎｄ", "refund"),
        ("１２３１５", "12315"),
        ("退款！", "退款!"),
        ("㍻", "平成"),
        ("ﬁne", "fine"),
        ("ｶﾞﾑ", "ガム"),  # half-width kana with a voiced mark composes
        ("Straße", "strasse"),
        ("REFUND please", "refund please"),
    ],
)
def test_normalise_folds_width_compatibility_forms_and_case(text: str, expected: str) -> None:
    assert normalise(text) == expected


@given(st.text(alphabet=st.sampled_from("aZ9 ,.!ＲｅＦ１２，！ﬁ㍻…退款投诉ｶﾞﾑÅ\n")))
def test_normalise_is_nfkc_casefold(text: str) -> None:
    assert normalise(text) == unicodedata.normalize(
        "NFKC", unicodedata.normalize("NFKC", text).casefold()
    )


# --- matching --------------------------------------------------------------------------


def test_full_width_and_case_forms_match() -> None:
    assert found(COMPLAINT, "ＲＥＦＵＮＤ now") == [("refund", "ＲＥＦＵＮＤ")]
    assert found(COMPLAINT, "ReFuNd please") == [("refund", "ReFuNd")]
    assert found(COMPLAINT, "打１２３１５") == [("12315", "１２３１５")]
    assert found(["ＲＥＦＵＮＤ"], "refund!") == [("ＲＥＦＵＮＤ", "refund")]  # the word as listed


def test_chinese_words_match_inside_text() -> None:
    assert found(COMPLAINT, "我要投诉你们") == [("投诉", "投诉")]
    assert found(COMPLAINT, "再不处理我就投诉到消协，退款！") == [
        ("投诉", "投诉"),
        ("退款", "退款"),
    ]
    assert found(COMPLAINT, "请你闭嘴。") == [("闭嘴", "闭嘴")]
    assert found(COMPLAINT, "我想改一下预约时间") == []


@pytest.mark.parametrize(
    "text", ["refund", "Refund!", "REFUND please", "(refund)", "refund,thanks", "退款refund我"]
)
def test_latin_words_match_as_whole_words(text: str) -> None:
    assert found(["refund", "complaint"], text) == [
        ("refund", text[text.lower().index("refund") :][:6])
    ]


@pytest.mark.parametrize(
    "text", ["refunded", "nonrefundable", "refunds", "refund_id", "prerefund", "complaints"]
)
def test_latin_words_do_not_match_inside_longer_words(text: str) -> None:
    assert found(COMPLAINT, text) == []


def test_numbers_and_mixed_words() -> None:
    assert found(COMPLAINT, "我要打12315投诉") == [("12315", "12315"), ("投诉", "投诉")]
    assert found(COMPLAINT, "号码123156") == []
    assert found(COMPLAINT, "tel:12315.") == [("12315", "12315")]
    # "app退款": a boundary before the Latin start, none after the Han end.
    assert found(COMPLAINT, "在app退款了吗") == [("app退款", "app退款"), ("退款", "退款")]
    assert found(COMPLAINT, "myapp退款") == [("退款", "退款")]


def test_phrases_match_whole_with_any_whitespace() -> None:
    assert found(COMPLAINT, "That's NOT my\n problem.") == [("not my problem", "NOT my\n problem")]
    assert found(COMPLAINT, "not my problems") == []
    assert found(COMPLAINT, "not my") == []


def test_a_word_inside_a_listed_phrase_is_reported_too() -> None:
    words = ["refund", "refund please", "投诉", "我要投诉"]
    assert found(words, "Refund please!") == [
        ("refund", "Refund"),
        ("refund please", "Refund please"),
    ]
    assert found(words, "refund pleased") == [("refund", "refund")]
    assert found(words, "我要投诉") == [("我要投诉", "我要投诉"), ("投诉", "投诉")]


def test_a_word_overlapping_itself_is_one_hit() -> None:
    assert found(["哈哈"], "哈哈哈") == [("哈哈", "哈哈")]
    assert found(["哈哈"], "哈哈哈哈") == [("哈哈", "哈哈"), ("哈哈", "哈哈")]


def test_words_listed_twice_or_blank_are_one_or_none() -> None:
    matcher = KeywordMatcher(["refund", "REFUND", "ｒｅｆｕｎｄ", "", "  "])
    assert matcher.words == ("refund",)
    assert len(matcher.find("refund")) == 1
    assert KeywordMatcher([]).find("refund") == []
    with pytest.raises(ValueError, match="longer than"):
        KeywordMatcher(["x" * 101])


@pytest.mark.parametrize(
    ("text", "covered"),
    [
        ("㍻…ﬁne, I want a REFUND", "REFUND"),  # earlier text grows under NFKC (2, 3, 2 chars)
        ("ﬁ ﬁ ﬁ 我要退款", "退款"),
        ("ｶﾞﾑ ｶﾞﾑ refund", "refund"),  # earlier text shrinks under NFKC (2 chars -> 1)
        ("İİ refund", "refund"),  # casefold grows İ to i + combining dot
    ],
)
def test_positions_point_into_the_original_text(text: str, covered: str) -> None:
    hits = KeywordMatcher(["refund", "退款"]).find(text)
    assert [text[h.start : h.end] for h in hits] == [covered]
    assert hits[0].start == text.index(covered)


def test_a_word_made_by_nfkc_maps_to_the_characters_it_came_from() -> None:
    assert found(["平成", "fine"], "是㍻的 ﬁne") == [("平成", "㍻"), ("fine", "ﬁne")]
    assert found(["ガム"], "买ｶﾞﾑ") == [("ガム", "ｶﾞﾑ")]


def test_only_the_first_max_checked_chars_are_checked() -> None:
    pad = "好" * (MAX_CHECKED_CHARS - 10)
    assert found(["退款"], pad + "退款" + "好" * 5000) == [("退款", "退款")]
    assert found(["退款"], pad + "好" * 20 + "退款") == []


def test_a_long_list_finds_its_words() -> None:
    rng = random.Random(5)
    words = ["".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(3)) for _ in range(200)]
    matcher = KeywordMatcher(words + ["refund"])
    assert matcher.find("x" * 50 + " refund " + words[123]) == [
        Hit("refund", 51, 57),
        Hit(words[123], 58, 61),
    ]


# A reference matcher written the slow, obvious way: every word, every position.
ALPHABET = "ab ,.!\nAB退款投诉ＡＢ"
WORDS = ("a", "ab", "ab a", "b", "退款", "退", "款投", "a退款")


def _reference(words: tuple[str, ...], text: str) -> set[tuple[str, int, int]]:
    norm = unicodedata.normalize("NFKC", text).casefold()  # 1:1 on this alphabet

    def spaced(c: str) -> bool:
        return c.isascii() and c.isalnum()

    out = set()
    for word in words:
        parts = word.split(" ")
        for s in range(len(norm)):
            e, ok = s, True
            for k, part in enumerate(parts):
                if k:  # a space in a word: one or more whitespace characters
                    if e >= len(norm) or not norm[e].isspace():
                        ok = False
                        break
                    while e < len(norm) and norm[e].isspace():
                        e += 1
                if not norm.startswith(part, e):
                    ok = False
                    break
                e += len(part)
            if not ok:
                continue
            if s and spaced(norm[s]) and spaced(norm[s - 1]):
                continue
            if e < len(norm) and spaced(norm[e - 1]) and spaced(norm[e]):
                continue
            out.add((word, s, e))
    # a word overlapping itself counts once, from the left
    kept, last = set(), {}
    for word, s, e in sorted(out, key=lambda h: (h[1], h[2])):
        if s >= last.get(word, -1):
            kept.add((word, s, e))
            last[word] = e
    return kept


@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=40))
def test_find_equals_a_word_by_word_reference(text: str) -> None:
    got = {(h.word, h.start, h.end) for h in KeywordMatcher(WORDS).find(text)}
    assert got == _reference(WORDS, text)


@given(
    st.lists(st.one_of(st.text(max_size=30), st.sampled_from(COMPLAINT)), max_size=8).map("".join)
)
def test_find_never_raises_and_hits_lie_in_the_text(text: str) -> None:
    for hit in KeywordMatcher(COMPLAINT).find(text):
        assert 0 <= hit.start < hit.end <= len(text)
        assert hit.word in COMPLAINT
        covered = " ".join(normalise(text[hit.start : hit.end]).split())
        assert normalise(hit.word) in covered
        assert context(text, hit)


# --- context ---------------------------------------------------------------------------


def test_context_cuts_with_ellipses_and_flattens_newlines() -> None:
    text = "第一行很长很长很长很长\n我要投诉你们的服务\r\n第三行也很长很长很长很长"
    hit = KeywordMatcher(["投诉"]).find(text)[0]
    assert context(text, hit, chars=4) == "…长 我要投诉你们的服…"
    assert (
        context(text, hit, chars=200)
        == "第一行很长很长很长很长 我要投诉你们的服务 第三行也很长很长很长很长"
    )
    short = "refund\nnow"
    assert context(short, Hit("refund", 0, 6)) == "refund now"
    assert context("please refund", Hit("refund", 7, 13), chars=3) == "…se refund"


# --- hotspots --------------------------------------------------------------------------

T0 = 1_767_600_000.0
SPEC = KeywordSpec(words=("refund", "退款"), window_s=900.0, min_chats=8, factor=3.0)


def test_hot_once_eight_different_chats_used_the_word_within_the_window() -> None:
    tracker = HotspotTracker(SPEC)
    levels = []
    for n in range(12):
        t = T0 + 60.0 * n
        tracker.add("refund", f"c{n}", t)
        levels.append(tracker.level("refund", t))
    assert [lv.chats for lv in levels] == list(range(1, 13))
    assert [lv.hot for lv in levels] == [False] * 7 + [True] * 5
    assert all(lv.usual == 0.0 for lv in levels)  # no history yet: only min_chats counts
    rising = sum(1 for a, b in zip(levels, levels[1:], strict=False) if b.hot and not a.hot)
    assert rising == 1  # one alert, not eight


def test_many_messages_from_one_chat_are_one_chat() -> None:
    tracker = HotspotTracker(SPEC)
    for n in range(8):
        tracker.add("refund", "c1", T0 + 10.0 * n)
    level = tracker.level("refund", T0 + 80.0)
    assert (level.chats, level.hot) == (1, False)


def test_a_word_that_is_always_this_frequent_is_not_hot() -> None:
    tracker = HotspotTracker(SPEC)
    now = T0 + 4 * 3600 + 900
    # The four hours before the current window: 8 chats in every 15 minutes, its usual rate.
    for n in range(16 * 8):
        tracker.add("退款", f"old{n}", T0 + (n + 0.5) * 900.0 / 8)
    for n in range(8):
        tracker.add("退款", f"new{n}", now - 899.0 + 60.0 * n)
    level = tracker.level("退款", now)
    assert (level.chats, level.usual, level.hot) == (8, 8.0, False)
    for n in range(8, 24):  # three times the usual: now it is hot
        tracker.add("退款", f"new{n}", now - 300.0 + n)
    assert tracker.level("退款", now) == type(level)(24, 8.0, True)


def test_chats_leave_the_window_after_window_s() -> None:
    tracker = HotspotTracker(SPEC)
    for n in range(8):
        tracker.add("refund", f"c{n}", T0 + 10.0 * n)
    assert tracker.level("refund", T0 + 899.0).hot
    later = tracker.level("refund", T0 + 905.0)  # c0 was 905 s ago
    assert (later.chats, later.hot) == (7, False)
    after = tracker.level("refund", T0 + 2000.0)
    assert after.chats == 0
    assert after.usual == pytest.approx(8 / 16)  # last window's chats are now its history


def test_events_slightly_out_of_order_give_the_same_levels() -> None:
    events = [(T0 + 7.0 * n, f"c{n}") for n in range(300)]
    rng = random.Random(3)
    shuffled = sorted(events, key=lambda e: e[0] + rng.uniform(-5.0, 5.0))
    assert shuffled != events
    # A short baseline, so the queries below sweep its far edge through the events too.
    in_order, late = HotspotTracker(SPEC, baseline_s=1800), HotspotTracker(SPEC, baseline_s=1800)
    for t, c in events:
        in_order.add("refund", c, t)
    for t, c in shuffled:
        late.add("refund", c, t)
    for t in range(0, 4800, 15):
        assert in_order.level("refund", T0 + t) == late.level("refund", T0 + t)


@given(
    st.lists(
        st.tuples(
            st.floats(0.0, 90.0),  # time since the previous message
            st.floats(0.0, 30.0),  # how late it arrives
            st.integers(0, 6),  # which chat
            st.floats(-60.0, 900.0),  # when the engine asks, from the newest message
        ),
        max_size=60,
    )
)
def test_cached_levels_equal_levels_worked_out_afresh(steps) -> None:
    spec = KeywordSpec(words=("refund",), window_s=300.0, min_chats=2, factor=1.5)
    kept = HotspotTracker(spec, baseline_s=1200.0)
    kept.MAX_EVENTS = 25  # the cap drops events too
    seen: list[tuple[float, str]] = []
    now = T0
    for gap, late, chat, ask in steps:
        now += gap
        seen.append((now - late, f"c{chat}"))
        kept.add("refund", f"c{chat}", now - late)
        fresh = HotspotTracker(spec, baseline_s=1200.0)
        fresh.MAX_EVENTS = 25
        for t, c in seen:
            fresh.add("refund", c, t)
        for t in (now + ask, now + ask + 0.5):
            assert kept.level("refund", t) == fresh.level("refund", t)


def test_a_late_message_inside_the_baseline_counts_at_once() -> None:
    tracker = HotspotTracker(SPEC)
    assert tracker.level("refund", T0 + 1000.0).usual == 0.0
    tracker.add("refund", "late", T0 + 50.0)  # before the current window: the baseline
    assert tracker.level("refund", T0 + 1000.5).usual == pytest.approx(1 / 16)


def test_events_the_cap_drops_change_the_usual_count_at_once() -> None:
    tracker = HotspotTracker(SPEC)
    tracker.MAX_EVENTS = 5
    for k in range(5):
        tracker.add("refund", f"c{k}", T0 + 100.0 * k)
    assert tracker.level("refund", T0 + 3000.0).usual == pytest.approx(5 / 16)
    tracker.add("refund", "c5", T0 + 2990.0)  # drops c0: only 2 windows are whole now
    assert tracker.level("refund", T0 + 3000.5).usual == pytest.approx(1 / 2)


def test_level_counts_only_events_up_to_the_moment_asked() -> None:
    tracker = HotspotTracker(SPEC)
    for n in range(10):
        tracker.add("refund", f"c{n}", T0 + 10.0 * n)
    assert tracker.level("refund", T0 + 45.0).chats == 5


def test_only_listed_words_are_kept_and_spellings_fold_together() -> None:
    tracker = HotspotTracker(SPEC)
    tracker.add("ＲＥＦＵＮＤ", "c1", T0)
    tracker.add("Refund", "c2", T0 + 1)
    tracker.add("lawyer", "c3", T0 + 2)
    assert tracker.level("refund", T0 + 5).chats == 2
    assert tracker.level("lawyer", T0 + 5) == tracker.level("nothing", T0 + 5)
    assert tracker.level("lawyer", T0 + 5).chats == 0
    assert tracker.tracked() == ("refund", "退款")


def test_memory_is_bounded_and_the_usual_rate_survives_the_cap() -> None:
    tracker = HotspotTracker(SPEC)
    tracker.MAX_EVENTS = 50
    # A steady 4 chats per window all day, one chat repeating itself 20 times a window.
    for w in range(40):
        for n in range(4):
            tracker.add("refund", f"w{w}c{n}", T0 + 900.0 * w + 100.0 * n)
        for n in range(20):
            tracker.add("refund", "spammer", T0 + 900.0 * w + 500.0 + n)
    assert len(tracker._events[normalise("refund")]) <= 50
    level = tracker.level("refund", T0 + 900.0 * 40 - 1.0)
    assert level.chats == 5
    assert level.usual == pytest.approx(5.0)  # not diluted by the windows the cap dropped


def test_old_events_are_dropped_without_a_cap() -> None:
    tracker = HotspotTracker(SPEC)
    for n in range(3000):  # one a minute for two days
        tracker.add("refund", f"c{n}", T0 + 60.0 * n)
    kept = len(tracker._events[normalise("refund")])
    assert kept <= (16 + 1) * 15 + 2  # the window, the baseline and a minute's slack
    level = tracker.level("refund", T0 + 60.0 * 2999)
    assert (level.chats, level.usual) == (15, 15.0)


def test_bad_spec_values_are_refused() -> None:
    with pytest.raises(ValueError, match="window_s"):
        HotspotTracker(KeywordSpec(words=("refund",), window_s=0.0))
    with pytest.raises(ValueError, match="baseline_s"):
        HotspotTracker(SPEC, baseline_s=float("nan"))
