<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AgentChannel</name>
    <message>
        <location filename="../panels/agent_model.py" line="123"/>
        <source>Hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="124"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="125"/>
        <source>Blended</source>
        <translation>混合</translation>
    </message>
</context>
<context>
    <name>AgentPanel</name>
    <message>
        <location filename="../panels/agent_panel.py" line="151"/>
        <source>Filter by name, id, team or queue…</source>
        <translation>按姓名、工号、班组或队列筛选…</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="156"/>
        <source>Show only agents in this state</source>
        <translation>只显示此状态的坐席</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="157"/>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="164"/>
        <source>Show only agents working on this channel (blended: both)</source>
        <translation>只显示在此渠道工作的坐席（混合：两个渠道）</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="165"/>
        <source>All channels</source>
        <translation>全部渠道</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="173"/>
        <source>Show only agents skilled for this queue (or click its tile on the wall)</source>
        <translation>只显示具备此队列技能的坐席（或在看板上点击该队列）</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="175"/>
        <source>All queues</source>
        <translation>全部队列</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="407"/>
        <source>{total} agents</source>
        <translation>{total} 名坐席</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="409"/>
        <source>{shown} of {total} agents</source>
        <translation>{shown} / {total} 名坐席</translation>
    </message>
</context>
<context>
    <name>AgentState</name>
    <message>
        <location filename="../panels/agent_model.py" line="96"/>
        <source>Available</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="97"/>
        <source>Ringing</source>
        <translation>振铃</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="98"/>
        <source>On contact</source>
        <translation>通话/会话中</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="99"/>
        <source>Wrap-up</source>
        <translation>话后处理</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="100"/>
        <source>Not ready</source>
        <translation>示忙</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="101"/>
        <source>Logged out</source>
        <translation>已签出</translation>
    </message>
</context>
<context>
    <name>AgentTableModel</name>
    <message>
        <location filename="../panels/agent_model.py" line="162"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="165"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="166"/>
        <source>Time in state</source>
        <translation>状态时长</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="167"/>
        <source>Load</source>
        <translation>负载</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="169"/>
        <source>Handled</source>
        <translation>已处理</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="170"/>
        <source>AHT</source>
        <translation>平均处理时长</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="161"/>
        <source>Id</source>
        <translation>工号</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="163"/>
        <source>Team</source>
        <translation>班组</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="164"/>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="168"/>
        <source>Queues</source>
        <translation>队列</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="174"/>
        <source>Agent id, as the feed names the agent</source>
        <translation>坐席工号（数据源中的标识）</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="175"/>
        <source>Agent name</source>
        <translation>坐席姓名</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="176"/>
        <source>Team the agent logged in with</source>
        <translation>坐席登录时所属班组</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="177"/>
        <source>What the agent&apos;s queues cover: hotline, online or both (blended); a lent agent shows the time left of the lend</source>
        <translation>坐席队列覆盖的渠道：热线、在线或两者（混合）；借调中的坐席显示借调剩余时间</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="179"/>
        <source>Current state, with not-ready reason</source>
        <translation>当前状态及示忙原因</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="180"/>
        <source>Time since the last state change</source>
        <translation>自上次状态变化以来的时间</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="181"/>
        <source>Contacts in hand / concurrent capacity (1 for voice)</source>
        <translation>当前联系 / 并发容量（语音为 1）</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="182"/>
        <source>Queues the agent is skilled for</source>
        <translation>坐席具备技能的队列</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="183"/>
        <source>Contacts completed (with wrap-up) since this client connected</source>
        <translation>本客户端连接以来完成的联系（含话后处理）</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="184"/>
        <source>Agent&apos;s average handle time: talk or chat + wrap-up</source>
        <translation>坐席平均处理时长：通话或会话 + 话后处理</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="487"/>
        <source>Feed {feed} is stale: this is the agent&apos;s last known state</source>
        <translation>数据源 {feed} 已中断：这是该坐席最后已知的状态</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="501"/>
        <source>⇄ Lent: {left} left; the feed moves the agent back when the time is up</source>
        <translation>⇄ 借调中：剩余 {left}；到时数据源会自动调回该坐席</translation>
    </message>
</context>
<context>
    <name>AlertPanel</name>
    <message>
        <location filename="../panels/alert_panel.py" line="108"/>
        <source>{n} s ago</source>
        <translation>{n} 秒前</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="110"/>
        <source>{n} min ago</source>
        <translation>{n} 分钟前</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="111"/>
        <source>{h} h {m} min ago</source>
        <translation>{h} 小时 {m} 分钟前</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="145"/>
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="146"/>
        <source>Alert</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="147"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="222"/>
        <location filename="../panels/alert_panel.py" line="543"/>
        <location filename="../panels/alert_panel.py" line="746"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="225"/>
        <location filename="../panels/alert_panel.py" line="749"/>
        <source>snoozed to {time}</source>
        <translation>暂缓至 {time}</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="231"/>
        <source>escalated</source>
        <translation>已升级</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="240"/>
        <source>{severity} · rule {rule} · target {target} · value {value}</source>
        <translation>{severity} · 规则 {rule} · 对象 {target} · 数值 {value}</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="248"/>
        <source>Raised {time} (event time)</source>
        <translation>{time} 触发（事件时间）</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="254"/>
        <source>Acknowledged by {who} at {time}</source>
        <translation>{who} 于 {time} 确认</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="260"/>
        <source>Snoozed until {time}: no colour, no sound</source>
        <translation>暂缓至 {time}：不着色、不响铃</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="266"/>
        <source>Escalated {time}: unacknowledged too long</source>
        <translation>{time} 已升级：长时间未确认</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="325"/>
        <source>Click, or select and press Space, Enter or Ctrl+K, to acknowledge: it stops escalation and the pulse; the alert stays until its condition clears</source>
        <translation>点击，或选中后按空格、回车或 Ctrl+K 确认：停止升级和闪烁；条件解除前告警仍保留</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="530"/>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="533"/>
        <source>Filter alerts…</source>
        <translation>筛选告警…</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="537"/>
        <source>Show only alerts of this severity</source>
        <translation>只显示此级别的告警</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="538"/>
        <source>All severities</source>
        <translation>全部级别</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="548"/>
        <source>Acknowledge the selected alerts (Ctrl+K; with none selected, the newest unacknowledged one)</source>
        <translation>确认所选告警（Ctrl+K；未选择时确认最新一条未确认告警）</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="560"/>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="564"/>
        <source>Snooze</source>
        <translation>暂缓</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="567"/>
        <source>Quiet the selected alerts for a while: no tile colour, no sound, no escalation</source>
        <translation>暂时静默所选告警：不着色、不响铃、不升级</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="575"/>
        <source>Mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="576"/>
        <source>Mute alert sounds (remembered)</source>
        <translation>告警静音（下次启动仍生效）</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="578"/>
        <source>no sound</source>
        <translation>无声音</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="580"/>
        <source>Alert sounds are off: Qt Multimedia is not available on this machine</source>
        <translation>告警声音已关闭：本机没有可用的 Qt Multimedia</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="696"/>
        <source>Snooze {n} min</source>
        <translation>暂缓 {n} 分钟</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="713"/>
        <source>{total} alerts, {unseen} unacknowledged</source>
        <translation>共 {total} 条告警，{unseen} 条未确认</translation>
    </message>
    <message>
        <location filename="../panels/alert_panel.py" line="715"/>
        <source>{shown} of {total} alerts, {unseen} unacknowledged</source>
        <translation>显示 {shown}/{total} 条告警，{unseen} 条未确认</translation>
    </message>
</context>
<context>
    <name>Alerts</name>
    <message>
        <location filename="../panels/alert_look.py" line="48"/>
        <source>Critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <location filename="../panels/alert_look.py" line="49"/>
        <source>Warning</source>
        <translation>预警</translation>
    </message>
    <message>
        <location filename="../panels/alert_look.py" line="50"/>
        <source>Info</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../panels/alert_look.py" line="59"/>
        <source>Critical alert</source>
        <translation>严重告警</translation>
    </message>
    <message>
        <location filename="../panels/alert_look.py" line="60"/>
        <source>Warning alert</source>
        <translation>一般告警</translation>
    </message>
    <message>
        <location filename="../panels/alert_look.py" line="61"/>
        <source>Info alert</source>
        <translation>提示告警</translation>
    </message>
</context>
<context>
    <name>BacklogBot</name>
    <message>
        <location filename="../panels/backlog_bot_text.py" line="63"/>
        <source>Bot/handoffs</source>
        <translation>机器人/转人工</translation>
    </message>
    <message>
        <location filename="../panels/backlog_bot_text.py" line="67"/>
        <source>Callbacks and appointments waiting · age of the oldest (whole minutes since it was asked for) · worked over {window} (called back or booked)</source>
        <translation>等待中的回呼和预约 · 最早一条的时长（自申请起的整分钟数）· {window}内已处理（已回呼或已预约）</translation>
    </message>
    <message>
        <location filename="../panels/backlog_bot_text.py" line="75"/>
        <source>Bot containment over {window}: chats the bot resolved / (resolved + handed to a human); – with no bot outcome. Then the chats the bot handed over that wait for a human now</source>
        <translation>{window}内机器人解决率：机器人解决的会话 /（解决 + 转人工）；无机器人结果时为 –。其后为机器人已转交、当前等待人工的会话数</translation>
    </message>
    <message>
        <location filename="../panels/backlog_bot_text.py" line="94"/>
        <source>oldest {age}</source>
        <translation>最早 {age}</translation>
    </message>
    <message>
        <location filename="../panels/backlog_bot_text.py" line="97"/>
        <source>{n} worked</source>
        <translation>已处理 {n}</translation>
    </message>
    <message>
        <location filename="../panels/backlog_bot_text.py" line="100"/>
        <source>bot contained {rate}</source>
        <translation>机器人解决率 {rate}</translation>
    </message>
    <message>
        <location filename="../panels/backlog_bot_text.py" line="105"/>
        <source>{n} handoffs waiting</source>
        <translation>转人工等待 {n}</translation>
    </message>
    <message>
        <location filename="../panels/backlog_bot_text.py" line="112"/>
        <source>Callbacks: waiting now; oldest = whole minutes since the oldest was asked for; worked = called back or booked in the window.
Bot contained: chats the bot resolved / (resolved + handed to a human) in the window; handoffs waiting: chats the bot handed over that wait for a human now</source>
        <translation>回呼：当前等待数；最早 = 自最早一条申请起的整分钟数；已处理 = 时段内已回呼或已预约。
机器人解决率：时段内机器人解决的会话 /（解决 + 转人工）；转人工等待：机器人已转交、当前等待人工的会话</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <location filename="../dialogs.py" line="33"/>
        <source>warning below SL {goal}, critical below SL {critical} or a wait over {factor} × the SL target</source>
        <translation>服务水平低于 {goal} 时预警，低于 {critical} 或等待超过服务水平目标的 {factor} 倍时严重</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="44"/>
        <source>; SL counts from {n} contacts</source>
        <translation>；服务水平从 {n} 个联系起计入</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="56"/>
        <source>Config file</source>
        <translation>配置文件</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="57"/>
        <source>none (command-line flags and built-in defaults)</source>
        <translation>无（命令行参数和内置默认值）</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="60"/>
        <source>Feeds</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="61"/>
        <source>from the command line</source>
        <translation>来自命令行</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="63"/>
        <source>Window</source>
        <translation>统计范围</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="65"/>
        <source>Short abandon</source>
        <translation>短放弃</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="66"/>
        <source>under {s} s</source>
        <translation>少于 {s} 秒</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="68"/>
        <source>Time zone</source>
        <translation>时区</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="68"/>
        <source>this computer&apos;s</source>
        <translation>本机时区</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="69"/>
        <source>&quot;Today&quot; starts at</source>
        <translation>“今天”开始于</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="70"/>
        <source>Service level</source>
        <translation>服务水平</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="71"/>
        <source>Tile thresholds</source>
        <translation>队列卡片阈值</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="73"/>
        <source>Feed stale after</source>
        <translation>数据源判定中断</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="74"/>
        <source>{s} s without data</source>
        <translation>{s} 秒无数据</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="79"/>
        <source>Service level of {queue}</source>
        <translation>{queue} 的服务水平</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="84"/>
        <source>Thresholds of {queue}</source>
        <translation>{queue} 的阈值</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="136"/>
        <source>The queue wall shows each queue&apos;s waiting contacts, longest wait and service level; colour and the word on each tile say the same. Click a tile to show only its agents and its waiting contacts; click it again (or press Esc) to show everyone again. The selector at the top right sets the window the figures are counted over.

A red banner at the top names a feed whose data stopped: its tiles and agents are greyed and show the last known figures until it is back.

The documentation is in the docs/ folder of Floorwatch: floor-window.md (this window), metrics.md (definitions and windows), thresholds.md (tile colours), erlang.md (the move preview), protocol.md (feeds), security.md (tokens); the README lists every command.</source>
        <translation>队列看板显示每个队列的等待联系数、最长等待和服务水平；卡片的颜色和文字含义相同。点击卡片只显示该队列的坐席和等待中的联系；再次点击（或按 Esc）显示全部。右上角的选择框设置数据的统计时间范围。

顶部的红色横幅指出数据已中断的数据源：其队列卡片和坐席会置灰，显示最后已知的数据，直到恢复。

文档在 Floorwatch 的 docs/ 目录中：floor-window.md（本窗口）、metrics.md（指标定义和统计范围）、thresholds.md（卡片颜色）、erlang.md（调配预览）、protocol.md（数据源）、security.md（令牌）；README 列出了所有命令。</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="155"/>
        <source>Floorwatch {version}</source>
        <translation>Floorwatch {version}</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="159"/>
        <source>A real-time supervisor wall for contact centres that run a voice hotline and online chat side by side.</source>
        <translation>面向同时运营语音热线和在线客服的联络中心的实时班长监控看板。</translation>
    </message>
</context>
<context>
    <name>FloorWindow</name>
    <message>
        <location filename="../floor_window.py" line="79"/>
        <location filename="../floor_window.py" line="245"/>
        <source>Floorwatch</source>
        <translation>Floorwatch 现场监控</translation>
    </message>
    <message>
        <location filename="../floor_window.py" line="245"/>
        <location filename="../floor_window.py" line="314"/>
        <source>Floorwatch — replay</source>
        <translation>Floorwatch — 回放</translation>
    </message>
</context>
<context>
    <name>HealthBar</name>
    <message>
        <location filename="../panels/health_bar.py" line="37"/>
        <source>Floor clock: time of the latest event</source>
        <translation>现场时钟：最新事件的时间</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="61"/>
        <source>{rate} ev/s total</source>
        <translation>共 {rate} 事件/秒</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="83"/>
        <source>refused (token not accepted)</source>
        <translation>被拒绝（令牌无效）</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="84"/>
        <source>unreachable</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="85"/>
        <source>connection lost</source>
        <translation>连接中断</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="86"/>
        <source>disconnected</source>
        <translation>已断开</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="88"/>
        <source>stale</source>
        <translation>停滞</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="90"/>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="93"/>
        <source>{rate} ev/s</source>
        <translation>{rate} 事件/秒</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="95"/>
        <source>rejected {n}</source>
        <translation>拒收 {n}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="96"/>
        <source>resyncs {n}</source>
        <translation>重同步 {n}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="99"/>
        <source>ignored {n}</source>
        <translation>已忽略 {n}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="101"/>
        <source>queue limit {n} reached</source>
        <translation>队列数已达上限 {n}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="103"/>
        <source>agent limit {n} reached</source>
        <translation>坐席数已达上限 {n}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="105"/>
        <source>dropped {n}</source>
        <translation>丢弃 {n}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="107"/>
        <source>restarted {n}</source>
        <translation>已重启 {n} 次</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="110"/>
        <source>behind by {s} s</source>
        <translation>落后 {s} 秒</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="124"/>
        <source>events {events} · duplicates {duplicates} · reconnects {reconnects}</source>
        <translation>事件 {events} · 重复 {duplicates} · 重连 {reconnects}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="129"/>
        <source>Rejected frames:</source>
        <translation>拒收帧：</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="134"/>
        <source>No rejected frames</source>
        <translation>无拒收帧</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="136"/>
        <source>Messages of types not used: {n}</source>
        <translation>未使用类型的消息：{n}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="140"/>
        <source>Events not applied:</source>
        <translation>未应用的事件：</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="143"/>
        <source>Last snapshot refused: {problem}</source>
        <translation>最近拒收的快照：{problem}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="145"/>
        <source>Last error: {error}</source>
        <translation>最近错误：{error}</translation>
    </message>
</context>
<context>
    <name>ImpactDialog</name>
    <message>
        <location filename="../reassign/impact_dialog.py" line="60"/>
        <source>Servers</source>
        <translation>服务席位</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="60"/>
        <source>Service level</source>
        <translation>服务水平</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="60"/>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="61"/>
        <source>Wait if queued</source>
        <translation>排队时的等待</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="61"/>
        <source>ASA</source>
        <translation>平均应答</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="61"/>
        <source>Goal</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="64"/>
        <source>Hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="64"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="67"/>
        <source>{queue} ({channel})</source>
        <translation>{queue}（{channel}）</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="74"/>
        <source>below {goal}</source>
        <translation>低于 {goal}</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="77"/>
        <source>Before: floorwatch erlang {before}
After: floorwatch erlang {after}</source>
        <translation>移动前：floorwatch erlang {before}
移动后：floorwatch erlang {after}</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="90"/>
        <source>Agents: {agents}. Erlang from the last 15 minutes&apos; traffic of each channel, each queue at its own target; hotline servers are agents, online servers chat slots, a blended agent counted once (docs/erlang.md). Hover a number for the same question as a &apos;floorwatch erlang&apos; command.</source>
        <translation>坐席：{agents}。按各渠道最近 15 分钟话务用 Erlang 计算，每个队列按其自身目标时间；热线服务席位为坐席，在线服务席位为会话容量，混合坐席只计一次（docs/erlang.md）。将鼠标停在数字上可看到对应的 &apos;floorwatch erlang&apos; 命令。</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="94"/>
        <source>(no known agent)</source>
        <translation>（无已知坐席）</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="96"/>
        <source>Below goal after this: {queues}.</source>
        <translation>此调配后低于目标：{queues}。</translation>
    </message>
</context>
<context>
    <name>NotReadyReason</name>
    <message>
        <location filename="../panels/agent_model.py" line="108"/>
        <source>break</source>
        <translation>休息</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="109"/>
        <source>meal</source>
        <translation>用餐</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="110"/>
        <source>lunch</source>
        <translation>午餐</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="111"/>
        <source>training</source>
        <translation>培训</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="112"/>
        <source>meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="113"/>
        <source>coaching</source>
        <translation>辅导</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="114"/>
        <source>admin</source>
        <translation>事务</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="115"/>
        <source>outbound</source>
        <translation>外呼</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="116"/>
        <source>personal</source>
        <translation>私事</translation>
    </message>
</context>
<context>
    <name>Quality</name>
    <message>
        <location filename="../panels/quality_text.py" line="66"/>
        <source>NPS</source>
        <translation>NPS</translation>
    </message>
    <message>
        <location filename="../panels/quality_text.py" line="70"/>
        <source>Satisfaction</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../panels/quality_text.py" line="74"/>
        <source>1st/avg reply</source>
        <translation>首次/平均响应</translation>
    </message>
    <message>
        <location filename="../panels/quality_text.py" line="78"/>
        <source>NPS over {window}: % promoters (9–10) − % detractors (0–6) of the {n} NPS answers; passives (7–8) count only in n. From −100 to +100; few answers make a score that moves a lot</source>
        <translation>{window}的 NPS：{n} 份 NPS 回答中推荐者（9–10 分）占比 − 贬损者（0–6 分）占比；中立者（7–8 分）只计入 n。范围 −100 到 +100；回答少时分数波动大</translation>
    </message>
    <message>
        <location filename="../panels/quality_text.py" line="87"/>
        <source>Satisfaction over {window}: mean of the {n} answers on a 1–5 scale, and the share of them that were 4 or 5 (satisfied)</source>
        <translation>{window}的满意度：{n} 份 1–5 分回答的平均分，以及其中 4 或 5 分（满意）的占比</translation>
    </message>
    <message>
        <location filename="../panels/quality_text.py" line="95"/>
        <source>Chat response times over {window}, counted at the agent&apos;s reply:
first: the visitor&apos;s first message to the agent&apos;s first reply (mean);
average: each customer message (the first since the agent last wrote) to the agent&apos;s next reply, every turn of the chat (mean). Online only</source>
        <translation>{window}的会话响应时长，在坐席回复时计入：
首次：访客第一条消息到坐席第一次回复（平均）；
平均：每条客户消息（坐席上次发言后的第一条）到坐席下一次回复，会话每一轮都计（平均）。仅限在线</translation>
    </message>
    <message>
        <location filename="../panels/quality_text.py" line="127"/>
        <source>NPS: % promoters (9–10) − % detractors (0–6) of the n NPS answers in the window.
Satisfaction: mean of the 1–5 answers, and the share that were 4 or 5.
Response (online): first = visitor&apos;s first message to the agent&apos;s first reply; average = each customer message to the agent&apos;s next reply, every turn. Means.
All queues of the channel, over the window chosen; – where there is no answer or reply</source>
        <translation>NPS：窗口内 n 份 NPS 回答中推荐者（9–10 分）占比 − 贬损者（0–6 分）占比。
满意度：1–5 分回答的平均分，及 4 或 5 分的占比。
响应（在线）：首次 = 访客第一条消息到坐席第一次回复；平均 = 每条客户消息到坐席下一次回复，每一轮都计。均为平均值。
该渠道所有队列，按所选统计范围；没有回答或回复时显示 –</translation>
    </message>
</context>
<context>
    <name>QueueTile</name>
    <message>
        <location filename="../panels/queue_tile.py" line="407"/>
        <source>Waiting</source>
        <translation>排队</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="408"/>
        <source>Longest</source>
        <translation>最长等待</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="409"/>
        <source>SL</source>
        <translation>服务水平</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="410"/>
        <source>EWT</source>
        <translation>预计等待</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="411"/>
        <source>ASA</source>
        <translation>平均应答</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="412"/>
        <source>AHT</source>
        <translation>平均处理时长</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="413"/>
        <source>Abandoned</source>
        <translation>放弃率</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="414"/>
        <source>Avail / busy</source>
        <translation>空闲 / 忙</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="415"/>
        <source>Callbacks</source>
        <translation>回呼</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="430"/>
        <source>Average speed of answer: mean wait of answered contacts</source>
        <translation>平均应答速度：已应答联系的平均等待时间</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="433"/>
        <source>Average handle time: talk or chat + wrap-up of completed contacts</source>
        <translation>平均处理时长：已完成联系的通话或会话时长 + 话后处理</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="599"/>
        <source>Service level over {window}: {definition}, T = {target} s ({answered} answered, {offered} offered)</source>
        <translation>服务水平（{window}）：{definition}，T = {target} 秒（应答 {answered}，进线 {offered}）</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="436"/>
        <source>Abandoned after the short-abandon threshold, of contacts with an outcome</source>
        <translation>超过短放弃阈值后放弃的占有结果联系的比例</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="126"/>
        <source>longest wait over {seconds} s</source>
        <translation>最长等待超过 {seconds} 秒</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="127"/>
        <source>service level below {pct} %</source>
        <translation>服务水平低于 {pct}%</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="129"/>
        <source>every figure within its limits</source>
        <translation>各项指标均在限值内</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="130"/>
        <source>contacts waiting with nobody staffed</source>
        <translation>有联系在排队但无人在岗</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="137"/>
        <source>{state}: {why}</source>
        <translation>{state}：{why}</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="138"/>
        <source>Warning: service level below {goal} % or a wait over {target} s</source>
        <translation>预警：服务水平低于 {goal}% 或等待超过 {target} 秒</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="141"/>
        <source>Critical: service level below {critical} % or a wait over {wait} s ({factor} × the target), or contacts waiting with nobody staffed</source>
        <translation>严重：服务水平低于 {critical}% 或等待超过 {wait} 秒（目标的 {factor} 倍），或有联系在排队但无人在岗</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="150"/>
        <source>The service level counts from {least} contacts (now {contacts})</source>
        <translation>服务水平在满 {least} 个联系后才计入（当前 {contacts} 个）</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="156"/>
        <source>Its low service level is ignored: too few contacts yet</source>
        <translation>联系数太少，暂不因服务水平偏低而告警</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="393"/>
        <source>offer callback</source>
        <translation>建议回呼</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="395"/>
        <source>Estimated wait over {threshold} s: offer a callback or appointment</source>
        <translation>预计等待超过 {threshold} 秒：建议提供回呼或预约</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="564"/>
        <source>{alert}: {message}</source>
        <translation>{alert}：{message}</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="615"/>
        <source>Available {available} · busy {busy} · staffed {staffed}
Agents who serve this queue: one skilled for several queues counts on each of their tiles; the channel header counts each person once</source>
        <translation>空闲 {available} · 忙 {busy} · 在岗 {staffed}
服务此队列的坐席：具备多个队列技能的坐席在其每个队列卡片上都计入；渠道标题中每人只计一次</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="543"/>
        <source>SL {target}s</source>
        <translation>服务水平 {target}秒</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="652"/>
        <source>Feed {feed} is stale: {reason}. These are the last figures it sent.</source>
        <translation>数据源 {feed} 已中断：{reason}。这些是它最后发送的数据。</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="610"/>
        <source>Estimated wait for a contact arriving now ({model}); offer a callback or appointment above {threshold} s</source>
        <translation>现在进入的客户预计等待时间（{model}）；超过 {threshold} 秒时提供回呼或预约</translation>
    </message>
</context>
<context>
    <name>QueueWall</name>
    <message>
        <location filename="../panels/queue_tile.py" line="85"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="86"/>
        <source>Warning</source>
        <translation>预警</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="87"/>
        <source>Critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="93"/>
        <source>Stale</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="105"/>
        <source>today</source>
        <translation>今日</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="107"/>
        <source>this half hour</source>
        <translation>本半小时</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="108"/>
        <source>the last {n} min</source>
        <translation>最近 {n} 分钟</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="113"/>
        <source>Erlang A, with observed patience</source>
        <translation>Erlang A，按观测到的耐心时间</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="114"/>
        <source>Erlang C</source>
        <translation>Erlang C</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="115"/>
        <source>queue position × recent time between answers</source>
        <translation>排队位置 × 最近的应答间隔</translation>
    </message>
    <message>
        <location filename="../panels/queue_tile.py" line="119"/>
        <source>not enough data</source>
        <translation>数据不足</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="255"/>
        <source>Hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="256"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="683"/>
        <source>Feed {feed} is stale: {reason}</source>
        <translation>数据源 {feed} 已中断：{reason}</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="771"/>
        <source>{waiting} waiting · longest {longest} · SL {sl} · {busy}/{staffed} busy · callbacks {backlog}</source>
        <translation>排队 {waiting} · 最长 {longest} · 服务水平 {sl} · 忙 {busy}/{staffed} · 回呼 {backlog}</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="763"/>
        <source> · chat slots {util} used</source>
        <translation> · 会话容量已用 {util}</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="766"/>
        <source> · occupancy {occ}</source>
        <translation> · 占用率 {occ}</translation>
    </message>
</context>
<context>
    <name>ReassignController</name>
    <message>
        <location filename="../reassign/controller.py" line="99"/>
        <source>To online</source>
        <translation>调往在线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="101"/>
        <source>To hotline</source>
        <translation>调往热线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="103"/>
        <source>Blend</source>
        <translation>混合</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="104"/>
        <source>Lend to online</source>
        <translation>借调到在线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="108"/>
        <source>Undo move</source>
        <translation>撤销调配</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="117"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="118"/>
        <source>How long a lend lasts before the agents come back</source>
        <translation>借调多久后坐席自动调回</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="155"/>
        <source>Only supervisors can move agents.</source>
        <translation>只有班长可以调配坐席。</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="159"/>
        <source>Select one or more agents first.</source>
        <translation>请先选择一个或多个坐席。</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="184"/>
        <source>Not sent: {reason}</source>
        <translation>未发送：{reason}</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="191"/>
        <source>Nothing to undo.</source>
        <translation>没有可撤销的调配。</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="197"/>
        <source>Nothing to undo: the agents of the last move are gone.</source>
        <translation>无可撤销：上次调配的坐席已不在。</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="204"/>
        <source>Undo: move {n} agent(s) back to {where}</source>
        <translation>撤销：将 {n} 名坐席调回{where}</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="206"/>
        <source> (moved {minutes} min ago)</source>
        <translation>（{minutes} 分钟前调配）</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="208"/>
        <source>Undo cancelled: nothing changed.</source>
        <translation>已取消撤销：未做任何更改。</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="222"/>
        <source>Undone: moved {n} agent(s) back to {where}</source>
        <translation>已撤销：{n} 名坐席已调回{where}</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="224"/>
        <source>Undo accepted: {n} agent(s) go back to {where} when their contacts end</source>
        <translation>撤销已接受：{n} 名坐席将在当前联系结束后调回{where}</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="235"/>
        <source>hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="235"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="236"/>
        <source>hotline and online</source>
        <translation>热线和在线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="238"/>
        <source>their previous skills</source>
        <translation>原先的技能</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="262"/>
        <source>Sending…</source>
        <translation>发送中…</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="289"/>
        <source>Rejected: {reason}</source>
        <translation>已拒绝：{reason}</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="293"/>
        <source>{status}: {agents}</source>
        <translation>{status}：{agents}</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="339"/>
        <source>Lend over: {n} agent(s) back to {where}</source>
        <translation>借调结束：{n} 名坐席已回到{where}</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="377"/>
        <source>move pending (after contact)</source>
        <translation>待调配（当前联系结束后）</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="378"/>
        <source>moving…</source>
        <translation>调配中…</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="381"/>
        <source>Move to online</source>
        <translation>调往在线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="381"/>
        <source>Move to hotline</source>
        <translation>调往热线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="382"/>
        <source>Blend hotline and online</source>
        <translation>热线与在线混合</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="383"/>
        <source>Move agents</source>
        <translation>调配坐席</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="385"/>
        <source> for {n} min</source>
        <translation>，{n} 分钟</translation>
    </message>
</context>
<context>
    <name>RecordingStatus</name>
    <message>
        <location filename="../recording_status.py" line="53"/>
        <source>Not recording: {error}</source>
        <translation>未在录制：{error}</translation>
    </message>
    <message>
        <location filename="../recording_status.py" line="57"/>
        <source>Recording: {n} events lost</source>
        <translation>录制中：已丢失 {n} 个事件</translation>
    </message>
    <message>
        <location filename="../recording_status.py" line="58"/>
        <location filename="../recording_status.py" line="62"/>
        <source>Recording to {path}</source>
        <translation>正在录制到 {path}</translation>
    </message>
    <message>
        <location filename="../recording_status.py" line="61"/>
        <source>Recording</source>
        <translation>录制中</translation>
    </message>
</context>
<context>
    <name>ReplayBar</name>
    <message>
        <location filename="../replay_bar.py" line="79"/>
        <source>max</source>
        <translation>最快</translation>
    </message>
    <message>
        <location filename="../replay_bar.py" line="241"/>
        <source>Replay speed: recorded seconds per second</source>
        <translation>回放速度：每秒播放的录制秒数</translation>
    </message>
    <message>
        <location filename="../replay_bar.py" line="243"/>
        <source>As fast as possible</source>
        <translation>尽可能快</translation>
    </message>
    <message>
        <location filename="../replay_bar.py" line="252"/>
        <source>Replayed time: the recording&apos;s event time, not now</source>
        <translation>回放时间：录制中的事件时间，不是现在</translation>
    </message>
    <message>
        <location filename="../replay_bar.py" line="368"/>
        <source>REPLAY {time} ×{speed} · end</source>
        <translation>回放 {time} ×{speed} · 结束</translation>
    </message>
    <message>
        <location filename="../replay_bar.py" line="370"/>
        <source>REPLAY {time} ×{speed} · paused</source>
        <translation>回放 {time} ×{speed} · 已暂停</translation>
    </message>
    <message>
        <location filename="../replay_bar.py" line="372"/>
        <source>REPLAY {time} ×{speed}</source>
        <translation>回放 {time} ×{speed}</translation>
    </message>
    <message>
        <location filename="../replay_bar.py" line="378"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../replay_bar.py" line="378"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../replay_bar.py" line="382"/>
        <source>Play or pause the replay</source>
        <translation>播放或暂停回放</translation>
    </message>
</context>
<context>
    <name>ReplayTimeline</name>
    <message>
        <location filename="../replay_bar.py" line="102"/>
        <source>Click or drag to go to another moment of the recording (grey: how busy it was; marks: alerts raised)</source>
        <translation>点击或拖动以跳到录制中的另一时刻（灰色：繁忙程度；标记：已触发的告警）</translation>
    </message>
</context>
<context>
    <name>ScopeBar</name>
    <message>
        <location filename="../scope_bar.py" line="27"/>
        <source>Team {name}</source>
        <translation>班组 {name}</translation>
    </message>
    <message>
        <location filename="../scope_bar.py" line="29"/>
        <source>Tier {name}</source>
        <translation>级别 {name}</translation>
    </message>
    <message>
        <location filename="../scope_bar.py" line="30"/>
        <source>Whole floor</source>
        <translation>全场</translation>
    </message>
    <message>
        <location filename="../scope_bar.py" line="47"/>
        <source>Scope:</source>
        <translation>范围：</translation>
    </message>
    <message>
        <location filename="../scope_bar.py" line="50"/>
        <source>Show the whole floor, one team&apos;s queues and agents, or one tier&apos;s queues</source>
        <translation>显示全场、某一班组的队列和坐席，或某一级别的队列</translation>
    </message>
    <message>
        <location filename="../scope_bar.py" line="133"/>
        <source>Showing {scope} only · queues: {queues} · agents: {agents}</source>
        <translation>仅显示{scope} · 队列：{queues} · 坐席：{agents}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../dialogs.py" line="96"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="106"/>
        <source>Change settings in the config file and restart the window.</source>
        <translation>请在配置文件中修改设置，然后重新启动窗口。</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="108"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>StaleBanner</name>
    <message>
        <location filename="../panels/stale_banner.py" line="22"/>
        <source>token refused (check the token file)</source>
        <translation>令牌被拒绝（请检查令牌文件）</translation>
    </message>
    <message>
        <location filename="../panels/stale_banner.py" line="23"/>
        <source>connection refused (is the feed running?)</source>
        <translation>连接被拒绝（数据源是否在运行？）</translation>
    </message>
    <message>
        <location filename="../panels/stale_banner.py" line="24"/>
        <source>unreachable</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <location filename="../panels/stale_banner.py" line="25"/>
        <source>connection lost, reconnecting</source>
        <translation>连接中断，正在重连</translation>
    </message>
    <message>
        <location filename="../panels/stale_banner.py" line="26"/>
        <source>silent: no data, not even a heartbeat</source>
        <translation>静默：没有数据，连心跳也没有</translation>
    </message>
    <message>
        <location filename="../panels/stale_banner.py" line="27"/>
        <source>not connected yet</source>
        <translation>尚未连接</translation>
    </message>
    <message>
        <location filename="../panels/stale_banner.py" line="33"/>
        <source>Feed {feed} stale since {since}: {reason}. Its queues and agents are greyed and show the last known figures.</source>
        <translation>数据源 {feed} 自 {since} 起中断：{reason}。其队列和坐席已置灰，显示的是最后已知的数据。</translation>
    </message>
</context>
<context>
    <name>TextDialog</name>
    <message>
        <location filename="../dialogs.py" line="127"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>TrendPanel</name>
    <message>
        <location filename="../panels/trend_panel.py" line="40"/>
        <source>Hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <location filename="../panels/trend_panel.py" line="40"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../panels/trend_panel.py" line="47"/>
        <source>Waiting</source>
        <translation>排队</translation>
    </message>
    <message>
        <location filename="../panels/trend_panel.py" line="47"/>
        <source>contacts</source>
        <translation>联系数</translation>
    </message>
    <message>
        <location filename="../panels/trend_panel.py" line="48"/>
        <source>Service level</source>
        <translation>服务水平</translation>
    </message>
    <message>
        <location filename="../panels/trend_panel.py" line="64"/>
        <location filename="../panels/trend_panel.py" line="100"/>
        <source>minutes (0 = now)</source>
        <translation>分钟（0 = 现在）</translation>
    </message>
</context>
<context>
    <name>WaitingList</name>
    <message>
        <location filename="../panels/waiting_list.py" line="25"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../panels/waiting_list.py" line="26"/>
        <source>Hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <location filename="../panels/waiting_list.py" line="46"/>
        <source>Contact</source>
        <translation>联系编号</translation>
    </message>
    <message>
        <location filename="../panels/waiting_list.py" line="46"/>
        <source>Waiting since</source>
        <translation>开始等待</translation>
    </message>
    <message>
        <location filename="../panels/waiting_list.py" line="46"/>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location filename="../panels/waiting_list.py" line="95"/>
        <source>{queue}: {n} waiting</source>
        <translation>{queue}：{n} 个等待</translation>
    </message>
</context>
<context>
    <name>WallMenu</name>
    <message>
        <location filename="../wall_app.py" line="177"/>
        <source>Open wall on screen…</source>
        <translation>在屏幕上打开墙屏…</translation>
    </message>
    <message>
        <location filename="../wall_app.py" line="185"/>
        <source>Screen {n}: {name} ({width}×{height})</source>
        <translation>屏幕 {n}：{name}（{width}×{height}）</translation>
    </message>
</context>
<context>
    <name>WallPlacement</name>
    <message>
        <location filename="../wall_screens.py" line="28"/>
        <source>--screen {index}: there is no such screen; use 0 to {last}</source>
        <translation>--screen {index}：没有这个屏幕；请使用 0 到 {last}</translation>
    </message>
</context>
<context>
    <name>WallTile</name>
    <message>
        <location filename="../panels/wall_tile.py" line="401"/>
        <location filename="../panels/wall_tile.py" line="413"/>
        <source>Waiting</source>
        <translation>排队</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="402"/>
        <location filename="../panels/wall_tile.py" line="414"/>
        <source>Longest wait</source>
        <translation>最长等待</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="403"/>
        <location filename="../panels/wall_tile.py" line="415"/>
        <source>Service level</source>
        <translation>服务水平</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="404"/>
        <source>Est. wait</source>
        <translation>预计等待</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="405"/>
        <source>Free / busy</source>
        <translation>空闲 / 忙碌</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="406"/>
        <location filename="../panels/wall_tile.py" line="417"/>
        <source>Callbacks</source>
        <translation>回呼</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="416"/>
        <source>Busy / staffed</source>
        <translation>忙碌 / 在岗</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="418"/>
        <source>Load</source>
        <translation>负载</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="426"/>
        <source>NPS</source>
        <translation>NPS</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="427"/>
        <source>CSAT</source>
        <translation>满意度</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="430"/>
        <source>Reply 1st/avg</source>
        <translation>响应 首次/平均</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="469"/>
        <source>Service level {target}s</source>
        <translation>服务水平 {target} 秒</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="494"/>
        <location filename="../panels/wall_tile.py" line="500"/>
        <source>Chat slots used</source>
        <translation>会话位已用</translation>
    </message>
    <message>
        <location filename="../panels/wall_tile.py" line="496"/>
        <location filename="../panels/wall_tile.py" line="503"/>
        <source>Occupancy</source>
        <translation>占用率</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <location filename="../wall_window.py" line="80"/>
        <location filename="../wall_window.py" line="296"/>
        <source>Floorwatch wall</source>
        <translation>Floorwatch 墙屏</translation>
    </message>
    <message>
        <location filename="../wall_window.py" line="120"/>
        <source>Hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <location filename="../wall_window.py" line="121"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../wall_window.py" line="222"/>
        <source>stale</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location filename="../wall_window.py" line="222"/>
        <source>live</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../wall_window.py" line="238"/>
        <source>{severity}: {message}</source>
        <translation>{severity}：{message}</translation>
    </message>
    <message>
        <location filename="../wall_window.py" line="244"/>
        <source>+{n} more</source>
        <translation>另有 {n} 条</translation>
    </message>
    <message>
        <location filename="../wall_window.py" line="246"/>
        <source>No active alerts</source>
        <translation>无活动告警</translation>
    </message>
    <message>
        <location filename="../wall_window.py" line="330"/>
        <source>Page {n} / {count}</source>
        <translation>第 {n} / {count} 页</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <location filename="../window_menu.py" line="18"/>
        <source>This half hour</source>
        <translation>本半小时</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="20"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="21"/>
        <source>Rolling {n} min</source>
        <translation>最近 {n} 分钟</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="43"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="44"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="49"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="61"/>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="62"/>
        <source>Settings in effect…</source>
        <translation>当前设置…</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="66"/>
        <location filename="../window_menu.py" line="67"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="70"/>
        <source>&amp;About Floorwatch</source>
        <translation>关于 Floorwatch(&amp;A)</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="78"/>
        <source>Figures over:</source>
        <translation>统计范围：</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="80"/>
        <source>The window the queue figures are counted over</source>
        <translation>队列数据的统计时间范围</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="94"/>
        <source>Alerts panel</source>
        <translation>告警面板</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="97"/>
        <source>Mute alert sounds</source>
        <translation>告警静音</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="129"/>
        <source>Floorwatch help</source>
        <translation>Floorwatch 帮助</translation>
    </message>
    <message>
        <location filename="../window_menu.py" line="132"/>
        <source>About Floorwatch</source>
        <translation>关于 Floorwatch</translation>
    </message>
</context>
<context>
    <name>WorkText</name>
    <message>
        <location filename="../panels/work_text.py" line="42"/>
        <source>chat slots {util} used</source>
        <translation>会话席位占用 {util}</translation>
    </message>
    <message>
        <location filename="../panels/work_text.py" line="46"/>
        <source>occupancy {occ}</source>
        <translation>占用率 {occ}</translation>
    </message>
    <message>
        <location filename="../panels/work_text.py" line="47"/>
        <source>{rate}/agent-h</source>
        <translation>{rate}/人时</translation>
    </message>
    <message>
        <location filename="../panels/work_text.py" line="58"/>
        <source>Per agent-h</source>
        <translation>人时处理量</translation>
    </message>
    <message>
        <location filename="../panels/work_text.py" line="63"/>
        <source>Occupancy: busy time (ringing, on contact, wrap-up) / (busy + available time) of the channel&apos;s agents over the window; not ready counts in neither.
Chat slots used (online): chats in progress / chat slots of available or busy agents, over time.
Per agent-h: contacts handled (wrap-up finished) / staffed agent-hours (logged in: available, busy or not ready). Chats handled at once each count: 3 chats in one hour are 3.0.
Whole minutes only (the minute in progress joins when it ends); – where no one was staffed</source>
        <translation>占用率：渠道坐席忙碌时间（振铃、通话/会话中、话后处理）÷（忙碌 + 空闲时间），按统计范围计；未就绪两边都不计。
会话席位占用（在线）：进行中的会话 ÷ 空闲或忙碌坐席的会话席位，按时间加权。
人时处理量：处理完成（含话后处理）的联系数 ÷ 在岗人时（已登录：空闲、忙碌或未就绪）。同时处理的会话各计一次：一小时内 3 个会话即 3.0。
只计整分钟（进行中的分钟结束后计入）；无人在岗时为 –</translation>
    </message>
    <message>
        <location filename="../panels/work_text.py" line="79"/>
        <source>Contacts handled per staffed hour over the last {n} whole minutes: contacts whose handling finished / hours logged in (available, busy or not ready). Concurrent chats each count; – when not logged in during the window</source>
        <translation>最近 {n} 个整分钟内每在岗小时处理的联系数：处理完成的联系数 ÷ 登录小时数（空闲、忙碌或未就绪）。同时处理的会话各计一次；统计范围内未登录时为 –</translation>
    </message>
</context>
</TS>
