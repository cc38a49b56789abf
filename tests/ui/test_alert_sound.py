"""Alert sounds: one per tick with the worst severity raised, mutable and remembered,
silent (never an error) without Qt Multimedia; the tones are made with `wave`."""

from __future__ import annotations

import io
import wave

import pytest
from PySide6.QtCore import QSettings

from monitor.alert_book import ACKNOWLEDGED, CLEARED, ESCALATED, RAISED, SNOOZED, Transition
from monitor.alert_rules import Severity
from ui import alert_sound
from ui.alert_sound import AlertSound, QtSoundSink, tone_wav, write_sounds


class FakeSink:
    def __init__(self, available: bool = True) -> None:
        self.available = available
        self.played: list[Severity] = []

    def play(self, severity: Severity) -> None:
        self.played.append(severity)


def _settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _t(event: str, severity: Severity, n: int = 1) -> Transition:
    return Transition(100.0 + n, event, n, "rule", severity, f"q{n}", 1.0)


def test_one_sound_per_tick_with_the_worst_severity_raised(qtbot, tmp_path):
    sink = FakeSink()
    sound = AlertSound(sink, _settings(tmp_path))
    tick = [_t(RAISED, Severity.WARNING, n) for n in range(50)]
    tick.insert(25, _t(RAISED, Severity.CRITICAL, 99))
    tick.append(_t(RAISED, Severity.INFO, 100))

    assert sound.on_transitions(tick) == Severity.CRITICAL
    assert sink.played == [Severity.CRITICAL]
    assert sound.on_transitions([_t(RAISED, Severity.INFO)], {}) == Severity.INFO  # sink form
    assert sink.played == [Severity.CRITICAL, Severity.INFO]


def test_only_raised_and_escalated_sound(qtbot, tmp_path):
    sink = FakeSink()
    sound = AlertSound(sink, _settings(tmp_path))
    quiet = [_t(e, Severity.CRITICAL) for e in (CLEARED, ACKNOWLEDGED, SNOOZED)]

    assert sound.on_transitions(quiet) is None
    assert sound.on_transitions([]) is None
    assert sink.played == []
    assert sound.on_transitions([*quiet, _t(ESCALATED, Severity.CRITICAL)]) == Severity.CRITICAL
    assert sink.played == [Severity.CRITICAL]


def test_muted_plays_nothing_and_is_remembered(qtbot, tmp_path):
    sink = FakeSink()
    sound = AlertSound(sink, _settings(tmp_path))
    changes = []
    sound.sig_muted_changed.connect(changes.append)

    sound.set_muted(True)
    assert sound.on_transitions([_t(RAISED, Severity.CRITICAL)]) is None
    assert sink.played == [] and changes == [True]
    again = AlertSound(FakeSink(), _settings(tmp_path))
    assert again.muted
    again.set_muted(False)
    assert not AlertSound(FakeSink(), _settings(tmp_path)).muted


def test_an_unavailable_sink_plays_nothing(qtbot, tmp_path):
    sink = FakeSink(available=False)
    sound = AlertSound(sink, _settings(tmp_path))
    assert not sound.available
    assert sound.on_transitions([_t(RAISED, Severity.CRITICAL)]) is None
    assert sink.played == []


def test_without_qt_multimedia_the_qt_sink_is_off_not_an_error(monkeypatch, tmp_path):
    def missing():
        raise ImportError("libpulse.so.0: cannot open shared object file")

    monkeypatch.setattr(alert_sound, "_load_sound_effect", missing)
    sink = QtSoundSink(tmp_path / "sounds")
    assert not sink.available
    sink.play(Severity.CRITICAL)  # nothing, no exception
    assert not (tmp_path / "sounds").exists()


class FakeEffect:
    made: list[FakeEffect] = []

    def __init__(self, parent=None) -> None:
        self.source = None
        self.plays = 0
        FakeEffect.made.append(self)

    def setSource(self, url) -> None:  # noqa: N802 - QSoundEffect API
        self.source = url.toLocalFile()

    def play(self) -> None:
        self.plays += 1


def test_the_qt_sink_makes_its_players_only_when_a_sound_is_due(monkeypatch, tmp_path):
    FakeEffect.made = []
    monkeypatch.setattr(alert_sound, "_load_sound_effect", lambda: FakeEffect)
    sink = QtSoundSink(tmp_path / "sounds")
    assert sink.available and FakeEffect.made == []  # nothing made up front

    sink.play(Severity.WARNING)
    sink.play(Severity.WARNING)
    by_source = {e.source.rsplit("/", 1)[-1]: e for e in FakeEffect.made}
    assert sorted(by_source) == ["alert-critical.wav", "alert-info.wav", "alert-warning.wav"]
    assert by_source["alert-warning.wav"].plays == 2
    assert by_source["alert-critical.wav"].plays == 0
    assert len(FakeEffect.made) == 3  # made once


def test_the_qt_sink_with_an_unwritable_cache_goes_quiet(monkeypatch, tmp_path):
    monkeypatch.setattr(alert_sound, "_load_sound_effect", lambda: FakeEffect)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    sink = QtSoundSink(blocker / "sounds")
    sink.play(Severity.INFO)  # cannot write the tones: off, no exception
    assert not sink.available


@pytest.mark.parametrize("severity", list(Severity))
def test_each_tone_is_a_short_valid_wav(severity):
    with wave.open(io.BytesIO(tone_wav(severity))) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
        seconds = wav.getnframes() / wav.getframerate()
        assert 0.1 < seconds < 0.8
        frames = wav.readframes(wav.getnframes())
    assert max(frames) > 0  # not silence


def test_tones_differ_by_severity_and_are_written_once(tmp_path):
    tones = {severity: tone_wav(severity) for severity in Severity}
    assert len(set(tones.values())) == 3
    paths = write_sounds(tmp_path)
    assert {p.read_bytes() for p in paths.values()} == set(tones.values())
    stamp = {s: p.stat().st_mtime_ns for s, p in paths.items()}
    write_sounds(tmp_path)
    assert {s: p.stat().st_mtime_ns for s, p in paths.items()} == stamp
