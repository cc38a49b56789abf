"""`floorwatch run --config` with `kind = "asterisk-ami"` feeds builds AmiSources that
reach a fake Asterisk manager (tests/fake_ami.py); no window is opened."""

from __future__ import annotations

import asyncio

import pytest

from feeds.sources.ami import AmiSource
from monitor.config import load_config
from monitor.events import Snapshot
from tests.fake_ami import FakeAmi, queue_params
from ui.cli import main
from ui.cli.run import sources_for

SECRET = "s3cret-from-env"


def _config(tmp_path, port: int, secret: str = 'secret_env = "FW_AMI_SECRET"'):
    path = tmp_path / "floorwatch.toml"
    path.write_text(
        f"""
[recording]
enabled = false
[[feeds]]
name = "pbx"
kind = "asterisk-ami"
host = "127.0.0.1"
port = {port}
username = "floorwatch"
{secret}
""",
        encoding="utf-8",
    )
    return path



async def _first_snapshot(source: AmiSource) -> Snapshot:
    stop = asyncio.Event()
    events = source.events(stop)
    try:
        async with asyncio.timeout(10):
            async for item in events:
                if isinstance(item.event, Snapshot):
                    return item.event
    finally:
        stop.set()
        await events.aclose()  # closes the connection before the fake goes
    raise AssertionError("the source ended without a snapshot")


def test_the_config_source_logs_in_with_the_env_secret_and_yields_a_snapshot(tmp_path, monkeypatch):
    monkeypatch.setenv("FW_AMI_SECRET", SECRET)

    async def scenario() -> tuple[list, Snapshot, FakeAmi]:
        fake = await FakeAmi(secret=SECRET).start()
        fake.queues = [queue_params("general"), queue_params("vip")]
        try:
            sources = sources_for(load_config(_config(tmp_path, fake.port)))
            return sources, await _first_snapshot(sources[0]), fake
        finally:
            await fake.close()

    sources, snapshot, fake = asyncio.run(scenario())
    (source,) = sources  # only the AMI feed: no websocket source
    assert isinstance(source, AmiSource) and source.key == "pbx"
    assert fake.logins == 1  # the env secret was the right one (a wrong one is refused)
    assert sorted(q["id"] for q in snapshot.state["queues"]) == ["general", "vip"]
    assert SECRET not in repr(source) and SECRET not in repr(source.health())


def test_a_world_readable_secret_file_is_used_with_a_warning(tmp_path):
    secret = tmp_path / "ami.secret"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    secret.chmod(0o644)
    warnings: list[str] = []
    from ui.cli.run import ami_sources

    cfg = load_config(_config(tmp_path, 5038, f'secret_file = "{secret}"'))
    (source,) = ami_sources(cfg, warnings.append)
    assert source._secret == SECRET
    assert warnings == [f"secret file {secret} can be read by other users: chmod 600 {secret}"]
    secret.chmod(0o600)
    warnings.clear()
    ami_sources(cfg, warnings.append)
    assert warnings == []


def test_run_with_only_ami_feeds_reaches_the_window(tmp_path, monkeypatch):
    monkeypatch.setenv("FW_AMI_SECRET", SECRET)
    seen: list = []
    monkeypatch.setattr("ui.app.run_floor", lambda sources, options: seen.extend(sources) or 0)
    assert main(["run", "--config", str(_config(tmp_path, 5038))]) == 0
    assert [type(s) for s in seen] == [AmiSource] and seen[0].key == "pbx"


def test_run_with_an_unset_secret_variable_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("FW_AMI_SECRET", raising=False)
    monkeypatch.setattr("ui.app.run_floor", lambda *a: pytest.fail("window opened"))
    path = _config(tmp_path, 5038)
    assert main(["run", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: feeds[0].secret_env: FW_AMI_SECRET is not set" in err
    assert err.count("\n") == 1 and "Traceback" not in err
