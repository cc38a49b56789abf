"""The sequencing rules with no socket: duplicates, gaps, resync, held events, epochs."""

from __future__ import annotations

from feeds.sequencing import MAX_JUMP, Sequencer


def seqs(step) -> list[int]:
    return [seq for seq, _item in step.deliver]


def test_in_order_events_pass_and_duplicates_are_dropped():
    s: Sequencer[str] = Sequencer()
    assert seqs(s.event(1, "a")) == [1]
    assert seqs(s.event(2, "b")) == [2]
    assert seqs(s.event(2, "b")) == [] and s.duplicates == 1
    assert seqs(s.event(1, "a")) == [] and s.duplicates == 2
    assert seqs(s.event(0, "heartbeat")) == [0]  # unsequenced: always passes
    assert s.last_seq == 2 and s.resume_from == 2


def test_a_gap_asks_once_for_a_snapshot_and_plays_what_it_does_not_cover():
    s: Sequencer[str] = Sequencer()
    s.event(1, "a")
    step = s.event(4, "d")
    assert step.resync and seqs(step) == [] and s.awaiting_snapshot
    assert not s.event(5, "e").resync  # already asked: no second request
    s.event(6, "f")
    step = s.snapshot(4, "snap")  # includes up to 4: held 4 is dropped, 5 and 6 follow
    assert [item for _seq, item in step.deliver] == ["snap", "e", "f"]
    assert not step.resync and not s.awaiting_snapshot and s.last_seq == 6
    assert s.resyncs == 1


def test_a_held_event_numbered_past_the_snapshot_is_refused_not_a_new_gap():
    s: Sequencer[str] = Sequencer()
    s.event(1, "a")
    s.event(3, "c")  # gap
    s.event(4, "d")
    s.event(7, "g")  # sent before the snapshot, numbered past it: no honest feed does that
    step = s.snapshot(3, "snap")
    assert [item for _seq, item in step.deliver] == ["snap", "d"]
    assert not step.resync and not s.awaiting_snapshot and s.resyncs == 1
    assert step.rejected == 1 and s.last_seq == 4


def test_lost_downstream_means_resync_once():
    s: Sequencer[str] = Sequencer()
    s.event(1, "a")
    assert s.lost() is True
    assert s.lost() is False
    assert seqs(s.event(2, "b")) == []  # held until the snapshot


def test_holding_is_bounded():
    s: Sequencer[int] = Sequencer(hold_limit=3)
    s.event(1, 1)
    s.event(10, 10)  # gap
    for n in range(11, 20):
        s.event(n, n)
    assert s.held_dropped == 7


def test_a_new_server_run_resets_the_numbers_and_the_same_run_keeps_them():
    s: Sequencer[str] = Sequencer()
    s.welcome("run-1")
    s.event(1, "a")
    s.welcome("run-1")
    assert s.resume_from == 1
    s.welcome("run-2")
    assert s.resume_from is None and seqs(s.event(1, "a")) == [1]


def test_an_implausible_jump_is_rejected_not_a_gap():
    s: Sequencer[str] = Sequencer()
    s.welcome("run", seq=100)
    assert seqs(s.event(101, "a")) == [101]
    step = s.event(101 + MAX_JUMP + 1, "bogus")
    assert step.rejected == 1 and not step.resync and not s.awaiting_snapshot
    assert seqs(s.event(102, "b")) == [102]  # the stream goes on as if it never came


def test_a_snapshot_stamped_near_the_top_cannot_swallow_later_events():
    s: Sequencer[str] = Sequencer()
    s.welcome("run", seq=10)
    assert s.snapshot(2**64 - 1, "bogus").rejected == 1
    assert s.last_seq == 0
    assert seqs(s.event(11, "a")) == [11]  # not counted as a duplicate


def test_the_welcome_number_bounds_even_the_first_event():
    s: Sequencer[str] = Sequencer()
    s.welcome("run", seq=0)
    assert s.event(2**63 - 1, "bogus").rejected == 1
    assert seqs(s.event(1, "a")) == [1]


def test_a_jump_held_during_resync_is_rejected_when_played():
    s: Sequencer[str] = Sequencer()
    s.welcome("run", seq=1)
    s.event(1, "a")
    s.event(3, "c")  # gap: waiting
    s.event(3 + MAX_JUMP * 2, "bogus")  # held without judging, judged after the snapshot
    step = s.snapshot(2, "snap")
    assert [item for _seq, item in step.deliver] == ["snap", "c"] and step.rejected == 1
