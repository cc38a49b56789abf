"""The sources a config's platform feeds become (`[[feeds]]` of a platform kind).

Shared by `floorwatch run` and `floorwatch record`, so both accept every kind the
same way. Credentials are read here, when the sources are built, from the files or
environment variables the config names (a ConfigError naming the file and key when
one cannot be had); they go to their own source only. With `[[agents]]` links, the
platform sources run as one `JoinedSource`, so each person is one agent.
"""

from __future__ import annotations

from collections.abc import Callable

from monitor.config import Config, feed_credentials
from monitor.config_feeds import (
    AmiFeed,
    AmiWebsocketFeed,
    ChatwootFeed,
    PlatformFeed,
    QueueLogFeed,
    credential_files,
)

from ..credentials import readable_by_others
from ..source import Source


def platform_source(config: Config, feed: PlatformFeed) -> Source:
    """The source of one platform entry, its credentials read now."""
    creds = feed_credentials(config, feed)
    if isinstance(feed, AmiFeed):
        from .ami import AmiSource

        return AmiSource(feed.host, feed.port, feed.username, creds["secret"], feed.key)
    if isinstance(feed, AmiWebsocketFeed):
        from .ami_ws import AmiWebsocketSource

        return AmiWebsocketSource(feed.url, creds.get("token", ""), feed.key)
    if isinstance(feed, QueueLogFeed):
        from .queue_log_tail import QueueLogTailSource

        return QueueLogTailSource(feed.path, feed.key, channels=config.channels)
    assert isinstance(feed, ChatwootFeed)
    from .chatwoot import ChatwootSource

    return ChatwootSource(feed.url, feed.account_id, feed.user_id, creds["token"],
                          creds["pubsub_token"], feed.key, cable_url=feed.cable_url)


def platform_sources(config: Config, warn: Callable[[str], None]) -> list[Source]:
    """A source per platform entry of `config` (joined into one with `[[agents]]`).

    A credential file other users can read is used all the same, with a warning (as a
    token file gets)."""
    sources = []
    for feed in config.platform_feeds:
        for path in credential_files(feed):
            if readable_by_others(path):
                warn(f"secret file {path} can be read by other users: chmod 600 {path}")
        sources.append(platform_source(config, feed))
    if not config.agents or not sources:
        return sources
    from .joined import JoinedSource
    from .people import PersonJoin

    join = PersonJoin(config.agents,
                      {f.key: f.platform for f in config.platform_feeds})
    return [JoinedSource(sources, join)]
