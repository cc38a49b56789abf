"""Knobs of the simulated floor: size, seed, traffic shape, handle and patience times."""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("hotline", "online")
MAX_SURGE_FACTOR = 20.0  # the thinning bound grows with it: keep arrivals cheap to draw

START_T = 1767600000.0  # Monday 2026-01-05 08:00 UTC


@dataclass(frozen=True, slots=True)
class Surge:
    """Extra traffic for a while: arrivals x `factor` from `start_min` (local minute of
    the simulated day) for `duration_min` minutes, on one channel or both (`channel` "").

    The rate builds up and dies down over a few minutes (`profile.surge_factor`), as
    real surges do. It recurs on every simulated day, like the intraday shape.
    """

    start_min: float
    duration_min: float
    factor: float
    channel: str = ""  # "" = every channel

    def __post_init__(self) -> None:
        if not 0.0 <= self.start_min < 24 * 60:
            raise ValueError("the start must be a time of day HH:MM")
        if not 0.0 < self.duration_min <= 24 * 60:
            raise ValueError("the duration must be 1 to 1440 minutes")
        if not 0.0 < self.factor <= MAX_SURGE_FACTOR:
            raise ValueError(f"the factor must be more than 0 and at most {MAX_SURGE_FACTOR:g}")
        if self.channel and self.channel not in CHANNELS:
            raise ValueError(f"the channel must be one of {', '.join(CHANNELS)}")


def parse_surge(text: str) -> Surge:
    """`HH:MM+MIN*FACTOR[:channel]`, e.g. `10:30+45*2.5:online`: ValueError saying what
    is wrong (without the flag's name; the caller adds it)."""
    form = "expected HH:MM+MINUTES*FACTOR[:hotline|online] such as 10:30+45*2.5:online"
    when, plus, rest = text.strip().partition("+")
    duration, star, tail = rest.partition("*")
    factor, _, channel = tail.partition(":")
    clock = when.split(":")
    if not plus or not star or len(clock) != 2:
        raise ValueError(f"{form}, not {text!r}")
    try:
        hour, minute = int(clock[0]), int(clock[1])
        minutes, times = float(duration), float(factor)
    except ValueError:
        raise ValueError(f"{form}, not {text!r}") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"{when!r} is not a time of day HH:MM")
    if minutes != minutes or times != times:  # NaN passes float() but nothing else
        raise ValueError(f"{form}, not {text!r}")
    return Surge(hour * 60.0 + minute, minutes, times, channel.strip().lower())


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
    # The bot stage in front of online queues: this share of new chats meets a bot
    # first (lognormal time with it, mean `bot_handle_s`); it resolves this share of
    # them and hands the rest to the queue.
    bot_share: float = 0.35
    bot_resolve_prob: float = 0.4
    bot_handle_s: float = 60.0
    not_ready_share: float = 0.07
    # Customer messages with complaint words (profile.CUSTOMER_HOT), and agent replies
    # with a rude or refusing phrase (profile.AGENT_RUDE): rare, as on a real floor.
    hot_message_prob: float = 0.015
    rude_reply_prob: float = 0.002
    traffic_noise: float = 0.1  # spread of slow random traffic swings (log scale); 0: none
    # Which channels this floor has: one channel alone stands for one platform of a
    # blended site (a PBX for the hotline, a chat platform for online work).
    channels: tuple[str, ...] = CHANNELS
    id_prefix: str = ""  # before agent and contact ids, so two simulated feeds never clash
    surges: tuple[Surge, ...] = ()  # extra traffic (`--surge`)

    def __post_init__(self) -> None:
        if not self.channels or any(c not in CHANNELS for c in self.channels):
            raise ValueError(f"channels must be a non-empty subset of {', '.join(CHANNELS)}")
