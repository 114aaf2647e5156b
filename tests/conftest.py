"""Shared fixtures: the seed articles, read-only, a CLI runner, and the network guard."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from typer.testing import CliRunner

from tests import netguard

ROOT = Path(__file__).resolve().parent.parent

# Hypothesis's pytest plugin caches the constants of local modules under
# ./.hypothesis while collecting, before any fixture runs, even without an example
# database. Tests must not write into the source tree: point it at the temp dir,
# here, before any test module is collected.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "mtrepair-hypothesis")
# Every property test: no example database (nothing written into the source tree),
# no deadline (2 shared cores), and derandomized: `make test` must give the same
# verdict on every run; exploring new inputs is `make fuzz`'s job (fuzz/README.md).
# Test modules set only their budgets (max_examples).
settings.register_profile(
    "mtrepair-tests",
    database=None,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("mtrepair-tests")
SEEDS = ROOT / "seeds"
SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))

# What every Python subprocess started during the suite runs first (it is on PYTHONPATH).
SITECUSTOMIZE = f"""\
import {netguard.MODULE_NAME}
{netguard.MODULE_NAME}.install()
"""


def readme_block(marker: str) -> str:
    """The fenced code block after ``<!-- test: marker -->`` in README.md (examples the tests run)."""
    readme = ROOT / "README.md"
    tag = f"<!-- test: {marker} -->"
    text = readme.read_text(encoding="utf-8")
    assert tag in text, f"{readme.name} has no {tag} example"
    fenced = text.split(tag, 1)[1].lstrip("\n")
    assert fenced.startswith("```"), f"{tag} is not followed by a code block"
    return fenced.split("\n", 1)[1].split("\n```", 1)[0] + "\n"


def seed_path(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` (e.g. "002")."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def guard_dir(folder: Path) -> Path:
    """A folder to put first on a subprocess's PYTHONPATH so that it runs with the network guard."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(netguard.__file__, folder / f"{netguard.MODULE_NAME}.py")
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    return folder


def read_attempts(log: Path, offset: int = 0) -> list[dict[str, str]]:
    """The network attempts recorded in ``log`` after byte ``offset``."""
    if not log.exists():
        return []
    with log.open("rb") as fh:
        fh.seek(offset)
        return [json.loads(line) for line in fh.read().decode("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session", autouse=True)
def network_guard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No test may reach the network, in this process or in any Python subprocess.

    The socket module is patched here (tests/netguard.py), and PYTHONPATH gets a
    sitecustomize.py that patches it the same way in every subprocess (the CLI,
    pool and Dask workers). Loopback and Unix sockets stay open. Every attempt
    raises and is appended to the log this fixture returns.
    """
    folder = guard_dir(tmp_path_factory.mktemp("netguard"))
    log = folder / "attempts.jsonl"
    patch = pytest.MonkeyPatch()
    patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")])))
    patch.setenv(netguard.LOG_ENV, str(log))
    netguard.install()
    try:
        yield log
    finally:
        netguard.uninstall()
        patch.undo()


@pytest.fixture(autouse=True)
def no_network_attempt(network_guard: Path) -> Iterator[None]:
    """Fail the test during which anything tried to reach the network, even if the error was caught."""
    offset = network_guard.stat().st_size if network_guard.exists() else 0
    yield
    attempts = read_attempts(network_guard, offset)
    if attempts:
        first = attempts[0]
        pytest.fail(
            f"{len(attempts)} network attempt(s) during this test, first {first['call']}"
            f"({first['target']}) in pid {first['pid']}:\n{first['stack']}",
            pytrace=False,
        )
