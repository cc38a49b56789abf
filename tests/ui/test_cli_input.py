"""Bad input to any command: one line naming the flag (or file and key), a non-zero exit,
never a traceback, and nothing started."""

from __future__ import annotations

import socket

import pytest

from ui.cli import main


def run(argv: list[str], capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refuses a flag's value this way
        code = exc.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize(("argv", "says"), [
    (["sim", "--port", "99999"], "argument --port: a port is 0..65535, not 99999"),
    (["sim", "--agents", "0"], "argument --agents: must be more than 0, not 0"),
    (["sim", "--agents", "-4"], "argument --agents: must be more than 0"),
    (["sim", "--speed", "0"], "argument --speed: must be more than 0"),
    (["sim", "--speed", "-2"], "argument --speed: must be more than 0"),
    (["sim", "--speed", "nan"], "argument --speed: expected a finite number"),
    (["sim", "--warmup", "-5"], "argument --warmup: must be 0 or more"),
    (["demo", "--exit-after", "-1"], "argument --exit-after: must be 0 or more"),
    (["demo", "--size", "big"], "argument --size: expected WIDTHxHEIGHT"),
    (["run", "--feed", "ws://h:1", "--size", "100x100"], "argument --size: a size from 640x480"),
    (["demo", "--agents", "lots"], "argument --agents: expected a whole number"),
    (["run", "--feed", "bogus"], "argument --feed: expected a ws:// or wss:// URL"),
    (["run", "--feed", "ws://127.0.0.1:notaport"], "argument --feed: 'ws://127.0.0.1:notaport'"),
    (["record", "--feed", "ws://127.0.0.1:notaport", "--out", "x.fwrec"],
     "the port is not a number"),
    (["reassign", "--feed", "ws://127.0.0.1:notaport", "--agent", "a", "--to", "online"],
     "the port is not a number"),
    (["reassign", "--feed", "ws://:80", "--agent", "a", "--to", "online"], "names no host"),
    (["record", "--feed", "ws://h:1", "--out", "x", "--timeout", "0"],
     "argument --timeout: must be more than 0"),
])
def test_bad_flags_are_refused_by_name(argv, says, capsys):
    code, err = run(argv, capsys)
    assert code == 2
    assert says in err, err


def test_a_taken_port_is_named(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, err = run(["sim", "--port", str(port), "--warmup", "0", "--agents", "2"], capsys)
    assert code == 2 and f"--port {port}: cannot listen" in err


def test_an_empty_tokens_file_is_refused(tmp_path, capsys):
    tokens = tmp_path / "tokens"
    tokens.write_text("# nobody yet\n", encoding="utf-8")
    code, err = run(["sim", "--port", "0", "--tokens", str(tokens)], capsys)
    assert code == 2 and f"tokens file {tokens}: no tokens" in err


@pytest.mark.parametrize("content", [None, "", b"\xff\xfe\x00"])
def test_an_unusable_token_file_names_the_flag_and_file(tmp_path, capsys, content):
    token = tmp_path / "token"
    if content is not None:
        token.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, err = run(["record", "--feed", "ws://127.0.0.1:1", "--token-file", str(token),
                     "--out", str(tmp_path / "r.fwrec")], capsys)
    assert code == 2 and f"--token-file: token file {token}:" in err
    assert err.count("\n") == 1  # one line
    assert not (tmp_path / "r.fwrec").exists()


def test_a_config_token_file_that_is_missing_names_the_config(tmp_path, capsys):
    config = tmp_path / "fw.toml"
    config.write_text(f'[[feeds]]\nurl = "ws://127.0.0.1:1"\ntoken_file = "{tmp_path}/nope"\n',
                      encoding="utf-8")
    code, err = run(["run", "--config", str(config)], capsys)
    assert code == 2 and f"{config}: token_file: token file {tmp_path}/nope: cannot read" in err


def test_a_config_that_is_not_utf8_names_the_file(tmp_path, capsys):
    config = tmp_path / "fw.toml"
    config.write_bytes(b'[client]\nlang = "\xff"\n')
    code, err = run(["run", "--config", str(config)], capsys)
    assert code == 2 and f"{config}: not UTF-8 text" in err


def test_record_into_a_missing_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "no" / "such" / "dir" / "x.fwrec"
    code, err = run(["record", "--feed", "ws://127.0.0.1:1", "--out", str(out)], capsys)
    assert code == 2 and f"--out {out}: {out.parent} does not exist" in err
    assert not (tmp_path / "no").exists()


def test_a_queue_log_with_no_usable_line_is_an_error(tmp_path, capsys):
    log = tmp_path / "queue_log"
    log.write_text("not|a|queue|log\n" * 5 + "garbage\n", encoding="utf-8")
    code, err = run(["report", "--queue-log", str(log)], capsys)
    assert code == 2 and "no usable line in 6" in err
