"""The alert rules Floorwatch ships (issue 11), as a rule file and parsed.

Written in the rule file's own TOML so the shipped rules go through the same checks
as a supervisor's, and `assets/alerts.example.toml` (the same rules, commented) can be
tested against them. Used when the user config dir has no `alerts.toml` and no
`--rules FILE` is given.
"""

from __future__ import annotations

from functools import cache

from .alert_rules import AlertRule
from .alert_rules_toml import parse_rules

DEFAULT_RULES_TOML = """\
[keywords.complaint]
zh = ["投诉", "举报", "12315", "消协", "曝光", "差评", "找你们领导", "律师", "起诉", "骗子"]
en = ["complaint", "complain", "ombudsman", "lawyer", "sue", "scam", "fraud", "your manager"]

[keywords.abuse]
zh = ["白痴", "神经病", "你有病", "滚开", "闭嘴", "蠢货", "废物", "脑子有问题"]
en = ["idiot", "stupid", "shut up", "moron", "dumb"]

[keywords.refusal]
zh = ["爱买不买", "不归我管", "跟我没关系", "别烦我", "自己去看", "没办法帮你", "我也没办法"]
en = ["not my problem", "not my job", "deal with it", "can't help you", "figure it out yourself"]

[[rules]]
name = "online_longest_wait"
metric = "longest_wait_s"
channel = "online"
op = ">"
enter = 60
exit = 45
severity = "warning"
message_en = "{queue}: an online customer has waited {value} s (over {threshold} s). Offer a callback or an offline appointment."
message_zh = "{queue}：在线客户已等待 {value} 秒（超过 {threshold} 秒），建议为客户安排回拨或离线预约。"

[[rules]]
name = "hotline_service_level"
metric = "service_level"
channel = "hotline"
window = 15
op = "<"
enter = 80
exit = 85
for = "60s"
severity = "warning"
message_en = "{queue}: hotline service level over 15 minutes is {value} %, below {threshold} %."
message_zh = "{queue}：热线近 15 分钟服务水平为 {value}%，低于 {threshold}%。"

[[rules]]
name = "abandon_rate"
metric = "abandon_rate"
window = 15
op = ">"
enter = 10
exit = 8
for = "60s"
severity = "warning"
message_en = "{queue}: {value} % of contacts abandoned over 15 minutes (over {threshold} %)."
message_zh = "{queue}：近 15 分钟放弃率 {value}%，超过 {threshold}%。"

[[rules]]
name = "waiting_per_available"
metric = "waiting_per_available"
op = ">"
enter = 2
exit = 1.5
for = "30s"
severity = "warning"
message_en = "{queue}: {waiting} waiting for {available} available agents (more than {threshold} per agent)."
message_zh = "{queue}：{waiting} 人排队，仅 {available} 名空闲坐席（超过每人 {threshold} 个）。"

[[rules]]
name = "agent_not_ready"
metric = "not_ready_s"
op = ">"
enter = 900
severity = "warning"
message_en = "{agent} has been not ready for {minutes} minutes."
message_zh = "坐席 {agent} 已示忙 {minutes} 分钟。"

[[rules]]
name = "agent_wrap_up"
metric = "wrap_up_s"
op = ">"
enter = 180
severity = "info"
message_en = "{agent} has been in wrap-up for {minutes} minutes."
message_zh = "坐席 {agent} 已处于话后处理 {minutes} 分钟。"

[[rules]]
name = "chat_first_response"
metric = "first_response_s"
channel = "online"
window = 15
op = ">"
enter = 60
exit = 45
for = "30s"
severity = "warning"
message_en = "{queue}: first reply to chats takes {value} s on average (over {threshold} s)."
message_zh = "{queue}：在线会话平均首次响应 {value} 秒（超过 {threshold} 秒）。"

[[rules]]
name = "feed_stale"
metric = "feed_stale_s"
op = ">"
enter = 5
severity = "critical"
escalate_after = "5m"
message_en = "Feed {target}: no data for {value} s (stale or disconnected). The figures are not live."
message_zh = "数据源 {target}：已 {value} 秒没有数据（已中断或断开连接），当前数字不是实时的。"

[[rules]]
name = "customer_complaint_words"
metric = "keyword"
words = "complaint"
side = "customer"
severity = "warning"
message_en = "Chat {contact} (agent {agent}): the customer wrote \\"{word}\\"."
message_zh = "会话 {contact}（坐席 {agent}）：客户提到“{word}”。"

[[rules]]
name = "agent_abusive_words"
metric = "keyword"
words = "abuse"
side = "agent"
severity = "critical"
escalate_after = "5m"
message_en = "Chat {contact}: agent {agent} wrote \\"{word}\\" to the customer."
message_zh = "会话 {contact}：坐席 {agent} 对客户说了“{word}”。"

[[rules]]
name = "agent_refusal_words"
metric = "keyword"
words = "refusal"
side = "agent"
severity = "warning"
message_en = "Chat {contact}: agent {agent} may be refusing to help (\\"{word}\\")."
message_zh = "会话 {contact}：坐席 {agent} 可能在推诿客户（“{word}”）。"

[[rules]]
name = "refund_hotspot"
metric = "keyword_hotspot"
words = ["退款", "退钱", "refund"]
side = "customer"
window = 15
min_chats = 8
factor = 3
severity = "warning"
message_en = "\\"{word}\\" came up in {value} chats within 15 minutes, far above its usual rate."
message_zh = "15 分钟内有 {value} 个会话提到“{word}”，远高于平时。"

[[rules]]
name = "sl_early_warning"
metric = "sl_forecast"
op = "<"
enter = 15
exit = 16
for = "30s"
severity = "warning"
message_en = "{queue}: service level will fall below target in about {minutes} minutes."
message_zh = "{queue}：预计约 {minutes} 分钟后服务水平将低于目标。"
"""


@cache
def _parsed() -> tuple[AlertRule, ...]:
    return tuple(parse_rules(DEFAULT_RULES_TOML, "shipped default rules"))


def default_rules() -> list[AlertRule]:
    """The shipped rules (parsed once; a new list each call, the rules are frozen)."""
    return list(_parsed())
