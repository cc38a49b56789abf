"""Sane ranges the engine holds a feed to, and the names of what it refuses.

The protocol edge (`feeds/protocol.py`) bounds each frame's fields; these bound
what one feed may make of the floor as a whole (how many queues and agents it may
create, how far back its clock may go), what a snapshot's state may hold, and name
the events the engine counts instead of applying (`Floor.anomalies`, shown in feed
health; docs/protocol.md lists them).
"""

from __future__ import annotations

# Values, as at the protocol edge (kept equal to feeds/protocol.py's, which monitor
# must not import).
MAX_T = 4_102_444_800.0  # 2100-01-01: a time past this is a broken clock
MAX_NUMBER = 1e15  # seconds and other measures
MAX_INT = 2**53  # counts, levels
MAX_TEXT = 65_536  # characters in one string

# What one feed may create, by default (the client config's [client] max_queues_per_feed
# and max_agents_per_feed). Far above any real centre's (200 queues, 10,000 agents),
# far below what a runaway or hostile feed would make (1,319 queues in 2,000 frames).
MAX_QUEUES_PER_FEED = 2_000
MAX_AGENTS_PER_FEED = 50_000
MAX_CONTACTS_PER_SNAPSHOT = 500_000  # live contacts (waiting, in progress, in a backlog)
# Live contacts on the whole floor (waiting or in progress), and entries in one queue's
# callback backlog: twice what a snapshot may carry. Past them a runaway feed's offers
# would only grow memory; they are counted (contact_cap), not applied.
MAX_LIVE_CONTACTS = 2 * MAX_CONTACTS_PER_SNAPSHOT
MAX_BACKLOG_PER_QUEUE = MAX_CONTACTS_PER_SNAPSHOT
MAX_CHAT_CAPACITY = 1_000  # concurrent chats one agent may be given
# An event stamped this far before its feed's latest is a broken clock, not a late
# delivery: counted, not applied. (Late deliveries of a few hours stay possible: a
# bridge catching up after an outage.)
MAX_BEHIND_S = 6 * 3600.0

# Why the engine did not apply an event (or applied only part of it): counted per feed.
TIME_BACKWARDS = "time_backwards"  # more than MAX_BEHIND_S before the feed's clock
QUEUE_CAP = "queue_cap"  # would create a queue past the feed's cap
AGENT_CAP = "agent_cap"  # would create an agent past the feed's cap
CONTACT_CAP = "contact_cap"  # a contact or callback past MAX_LIVE_CONTACTS / the backlog cap
OFFER_TWICE = "offer_twice"  # an offer for a contact already live
ANSWER_TWICE = "answer_twice"  # an answer for a contact already answered
ANSWER_WITHOUT_OFFER = "answer_without_offer"  # tracked as work, no answer figures
NOT_WAITING = "not_waiting"  # answered/abandoned/exited where the contact does not wait
UNKNOWN_CONTACT = "unknown_contact"  # names a contact never offered (or already gone)
END_WITHOUT_ANSWER = "end_without_answer"  # leaves its queue, counted in no figure
WRONG_AGENT = "wrong_agent"  # ended by another agent than the one who answered it
UNKNOWN_AGENT = "unknown_agent"  # a logout for an agent never seen
UNKNOWN_CALLBACK = "unknown_callback"  # a callback completed that no backlog holds
BAD_VALUE = "bad_value"  # a value outside its meaning (negative target, capacity…)
BAD_SNAPSHOT = "bad_snapshot"  # a snapshot that cannot be loaded whole: nothing replaced
