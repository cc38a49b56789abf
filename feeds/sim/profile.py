"""Static material for the simulator: queues, the intraday traffic shape, names, chat texts.

Kept apart from the event engine in `simulator.py` so the engine reads as a model and this
file can be tuned (or localised) without touching routing logic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # config.py holds the knobs; this file only shapes traffic with them
    from .config import Surge

DAY_MIN = 24 * 60
SURGE_RAMP_MIN = 10.0  # a surge builds (and dies down) over this long, at most a third of it


@dataclass(frozen=True, slots=True)
class QueueSpec:
    id: str
    name: str
    name_zh: str
    channel: str
    sl_target_s: float
    tier: str
    share: float  # fraction of its channel's arrivals
    # Routing head start in seconds: an agent picks the contact with the smallest
    # offered_t - priority_s, so VIP callers jump ahead and a blended agent prefers
    # a waiting caller over a chat that has waited a little longer.
    priority_s: float


QUEUES: tuple[QueueSpec, ...] = (
    QueueSpec("hl-general", "General", "普通", "hotline", 20.0, "normal", 0.70, 20.0),
    QueueSpec("hl-vip", "VIP", "贵宾", "hotline", 20.0, "vip", 0.12, 60.0),
    QueueSpec("hl-complaint", "Complaints", "投诉", "hotline", 30.0, "complaint", 0.18, 30.0),
    QueueSpec("ol-app", "App chat", "App 在线", "online", 60.0, "normal", 0.55, 0.0),
    QueueSpec("ol-wechat", "WeChat", "微信", "online", 60.0, "normal", 0.45, 0.0),
)


def _bump(h: float, centre: float, width: float) -> float:
    return math.exp(-(((h - centre) / width) ** 2))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def intraday(hour: float, channel: str) -> float:
    """Relative arrival rate at local hour 0..24 (about 1.0 at a normal busy hour).

    Morning peak near 10:00, afternoon peak near 15:00, a lunch dip, quiet nights;
    online chat carries on into the evening when people are off work.
    """
    # Staffing follows the forecast on a real floor, so with a fixed roster the peaks
    # are kept moderate: enough to build queues, not to drown the floor.
    morning = _sigmoid((hour - 6.5) / 0.35)
    day = morning * _sigmoid((21.5 - hour) / 0.7)
    shape = (
        0.92
        + 0.16 * _bump(hour, 10.2, 1.3)
        + 0.12 * _bump(hour, 15.0, 1.5)
        - 0.10 * _bump(hour, 12.4, 0.7)
    )
    if channel == "online":
        shape += 0.15 * _bump(hour, 20.5, 1.4)
        day = morning * _sigmoid((23.0 - hour) / 0.7)
    return 0.06 + day * shape


def surge_factor(minute: float, channel: str, surges: Iterable[Surge]) -> float:
    """How much the surges multiply `channel`'s arrival rate at `minute` of the day.

    Each surge climbs from 1 to its factor over its ramp (a smoothstep, so the rate
    builds the way news of an outage spreads rather than jumping), holds, and falls
    back over the same ramp before it ends; overlapping surges multiply.
    """
    out = 1.0
    for s in surges:
        if s.channel and s.channel != channel:
            continue
        x = (minute - s.start_min) % DAY_MIN  # a surge may run past midnight
        if x >= s.duration_min:
            continue
        ramp = min(SURGE_RAMP_MIN, s.duration_min / 3.0)
        u = min(1.0, x / ramp, (s.duration_min - x) / ramp)
        out *= 1.0 + (s.factor - 1.0) * u * u * (3.0 - 2.0 * u)
    return out


def surged(table: tuple[float, ...], channel: str, surges: Iterable[Surge]) -> tuple[float, ...]:
    """A per-minute intraday table (minute m stands for m + 0.5) with the surges applied."""
    surges = tuple(surges)
    if not surges:
        return table
    return tuple(v * surge_factor(m + 0.5, channel, surges) for m, v in enumerate(table))


SURNAMES = (
    "Li", "Wang", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
    "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo",
)
GIVEN_NAMES = (
    "Wei", "Min", "Jing", "Lei", "Yan", "Jun", "Fang", "Hui", "Tao", "Xin",
    "Ying", "Hao", "Lan", "Qiang", "Na", "Bo", "Ting", "Yu", "Mei", "Jie",
    "Xiaoming", "Lili", "Jianguo", "Haiyan", "Zhiwei", "Yuting", "Chenxi", "Ruolan",
)

# Break reasons: (reason, weight, min minutes, max minutes).
BREAKS: tuple[tuple[str, float, float, float], ...] = (
    ("break", 0.55, 5.0, 15.0),
    ("meal", 0.20, 25.0, 40.0),
    ("training", 0.10, 20.0, 45.0),
    ("meeting", 0.15, 10.0, 30.0),
)

CUSTOMER_OPENERS = (
    "你好，我的订单还没到",
    "请问怎么修改收货地址？",
    "Hi, I can't log in to the app",
    "How do I reset my password?",
    "我的优惠券用不了",
    "账户被锁定了怎么办",
    "Hello, my payment failed twice",
    "请问发票怎么开？",
    "Is there a delivery delay in my area?",
    "我想改一下预约时间",
)
CUSTOMER_FOLLOWUPS = (
    "好的，谢谢",
    "订单号是 20260105",
    "Still not working",
    "那要等多久？",
    "OK, thanks",
    "我刚才试过了",
    "Can you check again?",
    "明白了",
)
# Rare customer messages carrying words the keyword alerts look for, Chinese and
# English mixed as customers write them (full-width letters included). A third of
# them ask for a refund, the word the shipped hotspot rule counts.
CUSTOMER_HOT = (
    "我要投诉你们的服务",
    "你们就是骗子！我要举报",
    "I want to file a complaint",
    "This is the third time, I want a refund now",
    "再不处理我就投诉到消协，退款！",
    "refund please, this is a scam",
    "再不解决我就打12315举报你们",
    "我要在网上曝光你们",
    "我已经找了律师",
    "I will complain to 12315 if this is not fixed",
    "My lawyer will contact you",
    "ＲＥＦＵＮＤ！付了钱一直不发货，我要退款",
    "你们的app太坑了，我要投诉",
    "Your service is terrible, 我要 complaint",
    "申请退款三天了还没到账",
)
# Very rare agent replies that a quality check must catch: abuse and refusals.
AGENT_RUDE = (
    "爱买不买",
    "这不关我的事，你自己看说明",
    "你能不能闭嘴听我说",
    "烦死了，滚",
    "That's not my problem.",
    "Are you stupid? Read the FAQ.",
    "Shut up and wait.",
)
AGENT_GREETINGS = (
    "您好，很高兴为您服务",
    "Hello, thanks for waiting. How can I help?",
    "您好，请问有什么可以帮您？",
)
AGENT_REPLIES = (
    "请稍等，我帮您查询一下",
    "Let me check that for you.",
    "已为您处理，请查收",
    "I've updated your account, please try again.",
    "非常抱歉给您带来不便",
    "Is there anything else I can help with?",
)
