"""The glossary hooks of ``.pre-commit-hooks.yaml``, run by pre-commit itself on temp git repositories.

A team's glossary repository points its ``.pre-commit-config.yaml`` at a git
copy of this repository (a commit of its own in ``tmp_path``: the checkout's
git is never touched). Most tests run the hook that uses the ``mtrepair`` on
PATH (this venv's). The ``language: python`` hook is run once too: pre-commit
builds its environment and pip-installs mtrepair from the copy (a real,
non-editable build of this pyproject). Offline, pip cannot fetch the
dependencies, so that one test lends the hook environment this venv's
site-packages on PYTHONPATH and tells pip to install mtrepair alone
(``PIP_NO_DEPS``, ``PIP_NO_INDEX``, no build isolation): what a first run
with the package index would download is the one thing not tested.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.samples import CONFLICT, ERBIL, MOSUL

MANIFEST = ROOT / ".pre-commit-hooks.yaml"
HOOK = "mtrepair-glossary-check"
INSTALLED_HOOK = "mtrepair-glossary-check-installed"

GOOD = ERBIL + "\n" + MOSUL
# CONFLICT (tests.samples) claims a variant of the first: only a check of both together sees it.
# The README's sample .pre-commit-config.yaml, verbatim; the tests point it at a temp copy.
README_SAMPLE = """\
repos:
  - repo: https://git.example.org/newsroom/mtrepair  # your team's copy of the mtrepair repository
    rev: v0.1.0  # a tag or commit of it
    hooks:
      - id: mtrepair-glossary-check  # or mtrepair-glossary-check-installed: the mtrepair on PATH
"""
BROKEN = '[[term]]\nid = "erbil"\ncanonical = "Erbil\ntype = "place"\n'


def _env(tmp_path: Path) -> dict[str, str]:
    """This venv's bin first on PATH, pre-commit's cache in tmp, git without the user's config."""
    env = dict(os.environ)  # keeps PYTHONPATH: the network guard runs in every Python subprocess
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env["GIT_CONFIG_GLOBAL"] = os.devnull
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    for who in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{who}_NAME"] = "Glossary Team"
        env[f"GIT_{who}_EMAIL"] = "team@example.org"
    env.pop("MTREPAIR_GLOSSARY_DIR", None)
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = _run(["git", *args], cwd, env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _commit_copy(src: Path, names: list[str], env: dict[str, str]) -> str:
    """``names`` (files or folders of this checkout) committed in a new git repository at ``src``."""
    src.mkdir()
    for name in names:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            shutil.copyfile(ROOT / name, src / name)
    _git(src, env, "init", "-q")
    _git(src, env, "add", ".")
    _git(src, env, "commit", "-q", "-m", "mtrepair hooks")
    return _git(src, env, "rev-parse", "HEAD")


def _team_repo(repo: Path, hooks: Path, rev: str, hook: str, env: dict[str, str]) -> Path:
    """A glossary repository with one good glossary (a space in its name), configured as README says.

    The README's sample config with its repository and rev replaced by the temp copy's, and
    its hook id by ``hook``.
    """
    (repo / "glossaries").mkdir(parents=True)
    config = yaml.safe_load(README_SAMPLE)
    (entry,) = config["repos"]
    assert [h["id"] for h in entry["hooks"]] == [HOOK]
    entry.update(repo=str(hooks), rev=rev, hooks=[{"id": hook}])
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (repo / "glossaries" / "iraq places.toml").write_text(GOOD, encoding="utf-8")
    _git(repo, env, "init", "-q")
    _git(repo, env, "add", ".")
    return repo


def _pre_commit(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "pre_commit", *args], cwd, env)


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A glossary repository whose config uses the installed-mtrepair hook of a git copy of the manifest."""
    if shutil.which("git") is None:
        pytest.fail("git is needed to test the pre-commit hook (pre-commit runs on git repositories)")
    env = _env(tmp_path)
    hooks = tmp_path / "mtrepair-hooks"
    rev = _commit_copy(hooks, [".pre-commit-hooks.yaml"], env)  # the installed hook needs nothing else
    return _team_repo(tmp_path / "team-glossary", hooks, rev, INSTALLED_HOOK, env), env


def test_readme_sample_config_validates(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if "## pre-commit" in readme:  # the section and this copy must not drift apart
        assert README_SAMPLE in readme
    sample = tmp_path / ".pre-commit-config.yaml"
    sample.write_text(README_SAMPLE, encoding="utf-8")
    done = _run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(sample)], tmp_path, _env(tmp_path)
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_manifest_validates_and_names_both_hooks() -> None:
    done = _run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)], ROOT, dict(os.environ)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    hooks = {h["id"]: h for h in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}
    assert set(hooks) == {HOOK, INSTALLED_HOOK}
    assert hooks[HOOK]["language"] == "python"
    assert hooks[INSTALLED_HOOK]["language"] == "unsupported"
    assert hooks[HOOK]["entry"] == hooks[INSTALLED_HOOK]["entry"]
    assert "mtrepair glossary check" in hooks[HOOK]["entry"]


def test_good_glossary_passes(team: tuple[Path, dict[str, str]]) -> None:
    repo, env = team
    done = _pre_commit(repo, env, "run", "--all-files")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "mtrepair glossary check (installed mtrepair)" in out
    assert "Passed" in out


def test_broken_glossary_fails_with_the_one_line_error(team: tuple[Path, dict[str, str]]) -> None:
    repo, env = team
    (repo / "glossaries" / "iraq places.toml").write_text(BROKEN, encoding="utf-8")
    _git(repo, env, "add", ".")
    done = _pre_commit(repo, env, "run", "--all-files")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Failed" in out
    assert "mtrepair: error: glossaries/iraq places.toml:3: not valid TOML" in out
    assert "Traceback" not in out


def test_conflict_across_two_changed_files_fails(team: tuple[Path, dict[str, str]]) -> None:
    repo, env = team
    (repo / "glossaries" / "provinces.toml").write_text(CONFLICT, encoding="utf-8")
    _git(repo, env, "add", ".")
    done = _pre_commit(repo, env, "run", "--all-files")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "glossaries/provinces.toml:1: error: en variant 'Arbil' also belongs to 'erbil'" in out
    # Alone, the new file is fine: the hook checked the two files in one run.
    done = _pre_commit(repo, env, "run", "--files", "glossaries/provinces.toml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_other_toml_files_are_not_glossaries(team: tuple[Path, dict[str, str]]) -> None:
    repo, env = team
    (repo / "pyproject.toml").write_text('[project]\nname = "team-glossary"\n', encoding="utf-8")
    _git(repo, env, "add", ".")
    done = _pre_commit(repo, env, "run", "--files", "pyproject.toml")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "(no files to check)Skipped" in out


def test_git_commit_is_stopped_by_a_broken_glossary(team: tuple[Path, dict[str, str]]) -> None:
    repo, env = team
    installed = _pre_commit(repo, env, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    done = _run(["git", "commit", "-q", "-m", "good glossary"], repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    (repo / "glossaries" / "iraq places.toml").write_text(BROKEN, encoding="utf-8")
    _git(repo, env, "add", ".")
    done = _run(["git", "commit", "-q", "-m", "broken glossary"], repo, env)
    assert done.returncode != 0
    assert "not valid TOML" in done.stdout + done.stderr
    assert _git(repo, env, "log", "--format=%s") == "good glossary"


def test_python_hook_builds_mtrepair_into_its_own_environment(tmp_path: Path) -> None:
    env = _env(tmp_path)
    hooks = tmp_path / "mtrepair"
    rev = _commit_copy(hooks, [".pre-commit-hooks.yaml", "pyproject.toml", "README.md", "src"], env)
    repo = _team_repo(tmp_path / "team-glossary", hooks, rev, HOOK, env)
    # Offline: mtrepair alone is built and installed; its dependencies come from this venv.
    # (pip reads PIP_NO_BUILD_ISOLATION=0 as "no build isolation", like --no-build-isolation.)
    env.update(PIP_NO_INDEX="1", PIP_NO_DEPS="1", PIP_NO_BUILD_ISOLATION="0")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [env.get("PYTHONPATH"), sysconfig.get_paths()["purelib"]])
    )
    (repo / "glossaries" / "provinces.toml").write_text(CONFLICT, encoding="utf-8")
    _git(repo, env, "add", ".")
    done = _pre_commit(repo, env, "run", "--all-files")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "glossaries/provinces.toml:1: error: en variant 'Arbil' also belongs to 'erbil'" in out
    (repo / "glossaries" / "provinces.toml").unlink()
    _git(repo, env, "add", "-A")
    done = _pre_commit(repo, env, "run", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    # The hook ran the mtrepair pre-commit installed, not this checkout's (PYTHONPATH does not
    # read the editable install's .pth), and the install ships the py.typed marker.
    (python,) = Path(env["PRE_COMMIT_HOME"]).glob("repo*/py_env-*/bin/python")
    where = _run([str(python), "-c", "import mtrepair; print(mtrepair.__file__)"], repo, env)
    package = Path(where.stdout.strip()).parent
    assert package.is_relative_to(python.parent.parent), where.stdout + where.stderr
    assert (package / "py.typed").is_file()
