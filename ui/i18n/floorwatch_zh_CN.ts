<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AgentPanel</name>
    <message>
        <location filename="../panels/agent_panel.py" line="101"/>
        <source>Filter by name, id or skill…</source>
        <translation>按姓名、工号或技能筛选…</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="106"/>
        <source>Show only agents in this state</source>
        <translation>只显示此状态的坐席</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="107"/>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="113"/>
        <source>Show only agents skilled for this queue</source>
        <translation>只显示具备此队列技能的坐席</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="115"/>
        <source>All skills</source>
        <translation>全部技能</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="241"/>
        <source>{total} agents</source>
        <translation>{total} 名坐席</translation>
    </message>
    <message>
        <location filename="../panels/agent_panel.py" line="243"/>
        <source>{shown} of {total} agents</source>
        <translation>{shown} / {total} 名坐席</translation>
    </message>
</context>
<context>
    <name>AgentState</name>
    <message>
        <location filename="../panels/agent_model.py" line="80"/>
        <source>Available</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="81"/>
        <source>Ringing</source>
        <translation>振铃</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="82"/>
        <source>On contact</source>
        <translation>通话/会话中</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="83"/>
        <source>Wrap-up</source>
        <translation>话后处理</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="84"/>
        <source>Not ready</source>
        <translation>示忙</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="85"/>
        <source>Logged out</source>
        <translation>已签出</translation>
    </message>
</context>
<context>
    <name>AgentTableModel</name>
    <message>
        <location filename="../panels/agent_model.py" line="108"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="109"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="110"/>
        <source>Time in state</source>
        <translation>状态时长</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="111"/>
        <source>Load</source>
        <translation>负载</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="112"/>
        <source>Skills</source>
        <translation>技能</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="113"/>
        <source>Handled</source>
        <translation>已处理</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="114"/>
        <source>AHT</source>
        <translation>平均处理时长</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="117"/>
        <source>Agent name (id and team in tooltip)</source>
        <translation>坐席姓名（提示中显示工号和班组）</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="118"/>
        <source>Current state, with not-ready reason</source>
        <translation>当前状态及示忙原因</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="119"/>
        <source>Time since the last state change</source>
        <translation>自上次状态变化以来的时间</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="120"/>
        <source>Contacts in hand / concurrent capacity (1 for voice)</source>
        <translation>当前联系 / 并发容量（语音为 1）</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="123"/>
        <source>Queues the agent is skilled for</source>
        <translation>坐席具备技能的队列</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="124"/>
        <source>Contacts completed (with wrap-up) since this client connected</source>
        <translation>本客户端连接以来完成的联系（含话后处理）</translation>
    </message>
    <message>
        <location filename="../panels/agent_model.py" line="127"/>
        <source>Agent&apos;s average handle time: talk or chat + wrap-up</source>
        <translation>坐席平均处理时长：通话或会话 + 话后处理</translation>
    </message>
</context>
<context>
    <name>FloorWindow</name>
    <message>
        <location filename="../floor_window.py" line="22"/>
        <source>Floorwatch</source>
        <translation>Floorwatch 现场监控</translation>
    </message>
</context>
<context>
    <name>HealthBar</name>
    <message>
        <location filename="../panels/health_bar.py" line="35"/>
        <source>Floor clock: time of the latest event</source>
        <translation>现场时钟：最新事件的时间</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="59"/>
        <source>{rate} ev/s total</source>
        <translation>共 {rate} 事件/秒</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="73"/>
        <source>refused (token not accepted)</source>
        <translation>被拒绝（令牌无效）</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="74"/>
        <source>unreachable</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="75"/>
        <source>connection lost</source>
        <translation>连接中断</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="76"/>
        <source>disconnected</source>
        <translation>已断开</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="78"/>
        <source>stale</source>
        <translation>停滞</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="80"/>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="83"/>
        <source>{rate} ev/s</source>
        <translation>{rate} 事件/秒</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="85"/>
        <source>rejected {n}</source>
        <translation>拒收 {n}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="86"/>
        <source>resyncs {n}</source>
        <translation>重同步 {n}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="89"/>
        <source>dropped {n}</source>
        <translation>丢弃 {n}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="91"/>
        <source>restarted {n}</source>
        <translation>已重启 {n} 次</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="94"/>
        <source>behind by {s} s</source>
        <translation>落后 {s} 秒</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="108"/>
        <source>events {events} · duplicates {duplicates} · reconnects {reconnects}</source>
        <translation>事件 {events} · 重复 {duplicates} · 重连 {reconnects}</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="113"/>
        <source>Rejected frames:</source>
        <translation>拒收帧：</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="118"/>
        <source>No rejected frames</source>
        <translation>无拒收帧</translation>
    </message>
    <message>
        <location filename="../panels/health_bar.py" line="120"/>
        <source>Last error: {error}</source>
        <translation>最近错误：{error}</translation>
    </message>
</context>
<context>
    <name>ImpactDialog</name>
    <message>
        <location filename="../reassign/impact_dialog.py" line="45"/>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="45"/>
        <source>Servers</source>
        <translation>服务席位</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="45"/>
        <source>Service level</source>
        <translation>服务水平</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="46"/>
        <source>Wait if queued</source>
        <translation>排队时的等待</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="46"/>
        <source>ASA</source>
        <translation>平均应答</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="49"/>
        <source>Hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="49"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="59"/>
        <source>(no known agent)</source>
        <translation>（无已知坐席）</translation>
    </message>
    <message>
        <location filename="../reassign/impact_dialog.py" line="61"/>
        <source>Agents: {agents}. Erlang from the last 15 minutes&apos; traffic; online servers are chat slots. Hover a number for the same question as a &apos;floorwatch erlang&apos; command.</source>
        <translation>坐席：{agents}。按最近 15 分钟话务用 Erlang 计算；在线的服务席位为会话容量。将鼠标停在数字上可看到对应的 &apos;floorwatch erlang&apos; 命令。</translation>
    </message>
</context>
<context>
    <name>QueueTile</name>
    <message>
        <location filename="../panels/queue_wall.py" line="217"/>
        <source>Waiting</source>
        <translation>排队</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="218"/>
        <source>Longest</source>
        <translation>最长等待</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="219"/>
        <source>SL</source>
        <translation>服务水平</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="220"/>
        <location filename="../panels/queue_wall.py" line="302"/>
        <source>EWT</source>
        <translation>预计等待</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="221"/>
        <source>ASA</source>
        <translation>平均应答</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="222"/>
        <source>AHT</source>
        <translation>平均处理时长</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="223"/>
        <source>Abandoned</source>
        <translation>放弃率</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="224"/>
        <source>Avail / busy</source>
        <translation>空闲 / 忙</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="225"/>
        <source>Callbacks</source>
        <translation>回呼</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="228"/>
        <source>Average speed of answer: mean wait of answered contacts</source>
        <translation>平均应答速度：已应答联系的平均等待时间</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="230"/>
        <source>Average handle time: talk or chat + wrap-up of completed contacts</source>
        <translation>平均处理时长：已完成联系的通话或会话时长 + 话后处理</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="312"/>
        <source>Service level over {window}: {definition}, T = {target} s ({answered} answered, {offered} offered)</source>
        <translation>服务水平（{window}）：{definition}，T = {target} 秒（应答 {answered}，进线 {offered}）</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="232"/>
        <source>Abandoned after the short-abandon threshold, of contacts with an outcome</source>
        <translation>超过短放弃阈值后放弃的占有结果联系的比例</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="234"/>
        <source>Callbacks and appointments waiting</source>
        <translation>待处理的回呼和预约</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="324"/>
        <source>SL {target}s</source>
        <translation>服务水平 {target}秒</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="295"/>
        <source>Estimated wait for a contact arriving now ({model}); offer a callback or appointment above {threshold} s</source>
        <translation>现在进入的客户预计等待时间（{model}）；超过 {threshold} 秒时提供回呼或预约</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="302"/>
        <source>EWT · offer callback</source>
        <translation>预计等待 · 建议回呼</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="305"/>
        <source>Available {available} · busy {busy} · staffed {staffed}</source>
        <translation>空闲 {available} · 忙 {busy} · 在岗 {staffed}</translation>
    </message>
</context>
<context>
    <name>QueueWall</name>
    <message>
        <location filename="../panels/queue_wall.py" line="59"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="60"/>
        <source>Warning</source>
        <translation>预警</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="61"/>
        <source>Critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="153"/>
        <source>today</source>
        <translation>今日</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="155"/>
        <source>this half hour</source>
        <translation>本半小时</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="156"/>
        <source>the last {n} min</source>
        <translation>最近 {n} 分钟</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="161"/>
        <source>Erlang A, with observed patience</source>
        <translation>Erlang A，按观测到的耐心时间</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="162"/>
        <source>Erlang C</source>
        <translation>Erlang C</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="163"/>
        <source>queue position × recent time between answers</source>
        <translation>排队位置 × 最近的应答间隔</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="166"/>
        <source>not enough data</source>
        <translation>数据不足</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="415"/>
        <source>Hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="416"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="519"/>
        <source>{waiting} waiting · longest {longest} · SL {sl} · {busy}/{staffed} busy · callbacks {backlog}</source>
        <translation>排队 {waiting} · 最长 {longest} · 服务水平 {sl} · 忙 {busy}/{staffed} · 回呼 {backlog}</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="530"/>
        <source> · chat slots {util} used</source>
        <translation> · 会话容量已用 {util}</translation>
    </message>
    <message>
        <location filename="../panels/queue_wall.py" line="533"/>
        <source> · occupancy {occ}</source>
        <translation> · 占用率 {occ}</translation>
    </message>
</context>
<context>
    <name>ReassignController</name>
    <message>
        <location filename="../reassign/controller.py" line="78"/>
        <source>To online</source>
        <translation>调往在线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="80"/>
        <source>To hotline</source>
        <translation>调往热线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="82"/>
        <source>Blend</source>
        <translation>混合</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="83"/>
        <source>Lend to online</source>
        <translation>借调到在线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="85"/>
        <source>Undo move</source>
        <translation>撤销调配</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="90"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="91"/>
        <source>How long a lend lasts before the agents come back</source>
        <translation>借调多久后坐席自动调回</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="128"/>
        <source>Only supervisors can move agents.</source>
        <translation>只有班长可以调配坐席。</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="132"/>
        <source>Select one or more agents first.</source>
        <translation>请先选择一个或多个坐席。</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="153"/>
        <source>Not sent: {reason}</source>
        <translation>未发送：{reason}</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="159"/>
        <source>Nothing to undo.</source>
        <translation>没有可撤销的调配。</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="193"/>
        <source>Sending…</source>
        <translation>发送中…</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="219"/>
        <source>Rejected: {reason}</source>
        <translation>已拒绝：{reason}</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="221"/>
        <source>{status}: {agents}</source>
        <translation>{status}：{agents}</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="259"/>
        <source>move pending (after contact)</source>
        <translation>待调配（当前联系结束后）</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="260"/>
        <source>moving…</source>
        <translation>调配中…</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="263"/>
        <source>Move to online</source>
        <translation>调往在线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="263"/>
        <source>Move to hotline</source>
        <translation>调往热线</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="264"/>
        <source>Blend hotline and online</source>
        <translation>热线与在线混合</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="265"/>
        <source>Move agents</source>
        <translation>调配坐席</translation>
    </message>
    <message>
        <location filename="../reassign/controller.py" line="267"/>
        <source> for {n} min</source>
        <translation>，{n} 分钟</translation>
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
        <location filename="../panels/trend_panel.py" line="45"/>
        <source>Waiting</source>
        <translation>排队</translation>
    </message>
    <message>
        <location filename="../panels/trend_panel.py" line="45"/>
        <source>contacts</source>
        <translation>联系数</translation>
    </message>
    <message>
        <location filename="../panels/trend_panel.py" line="46"/>
        <source>Service level</source>
        <translation>服务水平</translation>
    </message>
    <message>
        <location filename="../panels/trend_panel.py" line="61"/>
        <source>minutes (0 = now)</source>
        <translation>分钟（0 = 现在）</translation>
    </message>
</context>
</TS>
