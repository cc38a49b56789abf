"""Floorwatch engine: canonical events, rolling floor state, metrics. Qt-free, stdlib only."""
