"""Knobs of the simulated floor: size, seed, traffic shape, handle and patience times."""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("hotline", "online")

START_T = 1767600000.0  # Monday 2026-01-05 08:00 UTC


@dataclass
class SimConfig:
    """Knobs of the model. Traffic scales linearly with `agents`."""

    agents: int = 60
    seed: int = 1
    start_t: float = START_T
    start_hour: float = 8.0  # local hour of day `start_t` stands for; drives the profile
    load: float = 0.85  # offered work over staffed capacity at relative rate 1.0
    online_load_factor: float = 1.3  # chat slots pool well: more chats to see real waits
    hotline_share: float = 0.5  # dedicated hotline agents
    online_share: float = 0.3  # dedicated online agents; the rest are blended
    voice_handle_s: float = 210.0  # lognormal means
    chat_handle_s: float = 400.0
    callback_handle_s: float = 150.0
    # A backlog item this old outranks live contacts that arrived after it was due;
    # younger ones are worked only when nothing live waits.
    callback_due_s: float = 900.0
    voice_wrap_s: tuple[float, float] = (10.0, 30.0)
    chat_wrap_s: tuple[float, float] = (5.0, 15.0)
    voice_patience_s: float = 150.0  # exponential means
    chat_patience_s: float = 600.0  # chat visitors leave the window open and multitask
    online_callback_after_s: float = 60.0
    online_callback_accept: float = 0.4
    appointment_share: float = 0.4  # of accepted online offers: offline appointment
    hotline_callback_after_s: float = 90.0
    hotline_callback_accept: float = 0.15
    transfer_prob: float = 0.02  # general -> complaints, at the end of a call
    survey_prob: float = 0.3
    not_ready_share: float = 0.07
    hot_message_prob: float = 0.04  # customer messages with complaint/abuse words
    traffic_noise: float = 0.1  # spread of slow random traffic swings (log scale); 0: none
    # Which channels this floor has: one channel alone stands for one platform of a
    # blended site (a PBX for the hotline, a chat platform for online work).
    channels: tuple[str, ...] = CHANNELS
    id_prefix: str = ""  # before agent and contact ids, so two simulated feeds never clash

    def __post_init__(self) -> None:
        if not self.channels or any(c not in CHANNELS for c in self.channels):
            raise ValueError(f"channels must be a non-empty subset of {', '.join(CHANNELS)}")
