"""Feeds: wire protocol, websocket server/client, simulator, recorder. Qt-free."""
