"""Alert sounds: a distinct sound per severity when alerts are raised, at most one a tick.

The tick hands over the alert transitions it took from the book (`on_transitions`); of
those raised (or escalated) in it, the worst severity sounds once, so fifty alerts at
once make one sound. Muting is remembered in QSettings.

The sounds are short tones written with the stdlib `wave` module into the user cache
directory the first time they are needed (nothing to package). Qt Multimedia plays
them; without it (the module will not import, e.g. no PulseAudio library) or without
an audio device the sound is simply off, never an error: the player is made only when
a sound is actually due and not muted, so a muted or silent session never touches the
audio stack (nor logs its warnings).
"""

from __future__ import annotations

import io
import logging
import math
import struct
import wave
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import platformdirs
from PySide6.QtCore import QObject, QSettings, QUrl, Signal

from monitor.alert_book import ESCALATED, RAISED, Transition
from monitor.alert_rules import SEVERITY_RANK, Severity

log = logging.getLogger(__name__)

MUTED_KEY = "alerts/muted"
RATE = 22_050  # samples per second, mono 16 bit
# Per severity: (frequency Hz or 0 for a pause, seconds) in order, and the loudness
# (0..1). Info one soft note, warning two, critical three rising and louder.
TONES: dict[Severity, tuple[tuple[tuple[float, float], ...], float]] = {
    Severity.INFO: (((880.0, 0.14),), 0.35),
    Severity.WARNING: (((660.0, 0.16), (0.0, 0.08), (660.0, 0.16)), 0.55),
    Severity.CRITICAL: (
        ((880.0, 0.12), (0.0, 0.05), (1175.0, 0.12), (0.0, 0.05), (1568.0, 0.22)),
        0.8,
    ),
}


def tone_wav(severity: Severity) -> bytes:
    """The severity's sound as WAV bytes (sine notes with short fades, no clicks)."""
    notes, loudness = TONES[severity]
    frames = bytearray()
    fade = int(RATE * 0.01)
    for frequency, seconds in notes:
        count = int(RATE * seconds)
        for n in range(count):
            if frequency <= 0:
                sample = 0.0
            else:
                edge = min(1.0, n / fade, (count - 1 - n) / fade)
                sample = loudness * edge * math.sin(2 * math.pi * frequency * n / RATE)
            frames += struct.pack("<h", int(sample * 32767))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(bytes(frames))
    return out.getvalue()


def write_sounds(directory: Path) -> dict[Severity, Path]:
    """The WAV file of each severity in `directory` (written when missing or different)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for severity in Severity:
        data = tone_wav(severity)
        path = directory / f"alert-{severity}.wav"
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        paths[severity] = path
    return paths


class SoundSink(Protocol):
    """Plays a severity's sound; `available` False when it never can."""

    @property
    def available(self) -> bool: ...

    def play(self, severity: Severity) -> None: ...


def _load_sound_effect() -> Any:
    """QSoundEffect, or ImportError when Qt Multimedia (or a library it needs) is missing."""
    from PySide6.QtMultimedia import QSoundEffect

    return QSoundEffect


class QtSoundSink:
    """Plays through Qt Multimedia's QSoundEffect, made on the first sound due."""

    def __init__(self, directory: Path | None = None, parent: QObject | None = None) -> None:
        self._directory = directory or platformdirs.user_cache_path("floorwatch") / "sounds"
        self._parent = parent
        self._effects: dict[Severity, Any] = {}
        try:
            self._effect_class: Any = _load_sound_effect()
        except ImportError as exc:  # e.g. libpulse missing: no sound, not an error
            log.info("alert sounds off: Qt Multimedia unavailable (%s)", exc)
            self._effect_class = None
        self._broken = False  # the sound files could not be written

    @property
    def available(self) -> bool:
        return self._effect_class is not None and not self._broken

    def play(self, severity: Severity) -> None:
        if not self.available:
            return
        effect = self._effects.get(severity)
        if effect is None:
            try:
                paths = write_sounds(self._directory)
            except OSError as exc:
                log.info("alert sounds off: cannot write %s (%s)", self._directory, exc)
                self._broken = True
                return
            for each, path in paths.items():
                made = self._effect_class(self._parent)
                made.setSource(QUrl.fromLocalFile(str(path)))
                self._effects[each] = made
            effect = self._effects[severity]
        effect.play()  # no device: Qt plays nothing


class AlertSound(QObject):
    """The alert sounds of one window: which to play, whether muted."""

    sig_muted_changed = Signal(bool)

    def __init__(
        self,
        sink: SoundSink | None = None,
        settings: QSettings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sink = sink if sink is not None else QtSoundSink(parent=self)
        self._settings = settings if settings is not None else QSettings("floorwatch", "floorwatch")
        self._muted = bool(self._settings.value(MUTED_KEY, False, type=bool))
        self.played: list[Severity] = []  # the last few sounds played, newest last

    @property
    def available(self) -> bool:
        """Whether sounds can play at all (Qt Multimedia imports)."""
        return self._sink.available

    @property
    def muted(self) -> bool:
        return self._muted

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute, remembered for the next start."""
        if muted == self._muted:
            return
        self._muted = muted
        self._settings.setValue(MUTED_KEY, muted)
        self.sig_muted_changed.emit(muted)

    def on_transitions(
        self, transitions: Iterable[Transition], _touched: object = None
    ) -> Severity | None:
        """One tick's transitions: play the worst severity raised or escalated in them,
        once; returns it (None when nothing sounded). Its signature is the tick's alert
        sink's (`FloorTicker.alert_sinks`: transitions and the alerts they touched)."""
        worst: Severity | None = None
        for transition in transitions:
            if transition.event in (RAISED, ESCALATED) and (
                worst is None or SEVERITY_RANK[transition.severity] > SEVERITY_RANK[worst]
            ):
                worst = transition.severity
        if worst is None or self._muted or not self._sink.available:
            return None
        self._sink.play(worst)
        self.played = [*self.played[-9:], worst]
        return worst
