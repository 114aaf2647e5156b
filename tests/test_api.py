"""The public Python API (mtrepair.api): its doctests, its names, its errors, and the CLI parity.

The doctests are the documentation's examples (README, "Python API"): they run
here, so ``make test`` fails when an example stops being true. ``mtrepair.align``
and ``mtrepair.qe`` are subpackages made callable; whether they stay callable
whatever was imported first is checked in fresh interpreters, and mypy is run
on a user's script to show that ``py.typed`` makes the installed package typed.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib.resources
import inspect
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mtrepair
import mtrepair.api
from mtrepair.api import Glossary, align, clean, detect, qe
from mtrepair.cli import app
from mtrepair.errors import ConfigError, InputError
from mtrepair.glossary import GlossaryError
from tests.conftest import ROOT, seed_path
from tests.samples import CONFLICT, ERBIL

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
PUBLIC = ("clean", "detect", "align", "qe", "Glossary")

GLOSSARY = ERBIL


# The README's "Python API" example, verbatim (a doctest session).
README_EXAMPLE = r"""
>>> import mtrepair
>>> result = mtrepair.clean("The U.S.\n\nembassy in Baghdad was targeted on Monday.\n")
>>> result.text
'The U.S. embassy in Baghdad was targeted on Monday.\n'
>>> [(e.rule, e.message) for e in result.edits]
[('abbreviation_break', "break after 'U.S.' splits a sentence")]
>>> findings = mtrepair.detect("Das Ministerium hat hat den Angriff bestätigt.", lang="de")
>>> [(f.rule, f.original) for f in findings]
[('doubled_word', ' hat')]
>>> glossary = mtrepair.Glossary.default()  # the shipped glossaries/*.toml; or Glossary("team.toml")
>>> mtrepair.clean("Drones hit Ain al-Assad base.\n", glossary=glossary).text
'Drones hit Ain al-Asad base.\n'
>>> good, garbled = mtrepair.qe(["The minister said the attack began at dawn.",
...                              "Minister attack dawn said began the."])
>>> garbled.score > good.score, good.model
(True, 'learned')
>>> aligned = mtrepair.align("Troops from the U.S.\n\nArmy were not hurt.\n",
...                          "Troops from the U.S. Army were not hurt.\n")
>>> [(bead.garbled, bead.clean) for bead in aligned.beads]
[((0, 1), (0,))]
"""


def test_readme_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if "## Python API" in readme:  # the section and this copy must not drift apart
        assert README_EXAMPLE.strip() in readme
    test = doctest.DocTestParser().get_doctest(README_EXAMPLE, {}, "README: Python API", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test)
    assert runner.summarize(verbose=False) == doctest.TestResults(failed=0, attempted=12)


@pytest.mark.parametrize("module", [mtrepair.api, mtrepair], ids=["mtrepair.api", "mtrepair"])
def test_doctests_pass(module: object) -> None:
    result = doctest.testmod(module, optionflags=FLAGS)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0


def test_every_public_name_is_exported_documented_and_has_an_example() -> None:
    for name in PUBLIC:
        assert name in mtrepair.__all__
        assert name in mtrepair.api.__all__
        obj = getattr(mtrepair.api, name)
        doc = inspect.getdoc(obj) or ""
        assert ">>>" in doc, f"{name} has no example"
    for name in mtrepair.__all__:
        assert getattr(mtrepair, name) is not None
    for method in ("default", "find", "normalize", "get"):
        assert inspect.getdoc(getattr(Glossary, method)), method
    assert mtrepair.clean is clean and mtrepair.Glossary is Glossary


def test_py_typed_ships_with_the_package() -> None:
    marker = importlib.resources.files("mtrepair") / "py.typed"
    assert marker.is_file()
    assert marker.read_bytes() == b""


CALLABLE_MODULES = """\
import sys
{first}
import mtrepair
assert ("mtrepair.qe" in sys.modules) == {preloaded}, "import mtrepair alone does not load mtrepair.qe"
scores = mtrepair.qe(["The minister said the attack began at dawn.", ""])
assert [s.line for s in scores] == [1, 2] and scores[0].model == "learned", scores
beads = mtrepair.align("Troops left. The base closed.", "Troops left. The base closed.", lang="en").beads
assert [(b.garbled, b.clean) for b in beads] == [((0,), (0,)), ((1,), (1,))], beads
import mtrepair.qe.learned, mtrepair.align.core
from mtrepair import align, qe
assert qe is sys.modules["mtrepair.qe"] and align is sys.modules["mtrepair.align"]
assert mtrepair.qe.learned.MODEL_FILE == "learned_qe.json.gz"
assert qe(["The minister said the attack began at dawn."])[0].model == "learned"
assert align("One. Two.", "One. Two.", lang="en").backend == "lexical"
print("ok")
"""


@pytest.mark.parametrize(
    ("first", "preloaded"),
    [("", "False"), ("import mtrepair.qe.learned\nimport mtrepair.align.core", "True")],
    ids=["package-first", "subpackages-first"],
)
def test_align_and_qe_are_callable_whatever_was_imported_first(first: str, preloaded: str) -> None:
    code = CALLABLE_MODULES.format(first=first, preloaded=preloaded)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_clean_matches_the_cli_on_a_seed(tmp_path: Path, runner: CliRunner) -> None:
    seed = seed_path("002")
    out = tmp_path / "out.txt"
    done = runner.invoke(app, ["clean", str(seed), "-o", str(out)])
    assert done.exit_code == 0, done.output
    result = clean(seed.read_text(encoding="utf-8"), glossary=Glossary.default())
    assert result.changed
    assert result.text == out.read_text(encoding="utf-8")
    assert mtrepair.undo(result.text, result.steps) == result.original


def test_detect_matches_the_cli(tmp_path: Path, runner: CliRunner) -> None:
    text = "Officials said the the attack on Ain al-Assad base began at dawn.\n"
    path = tmp_path / "in.txt"
    path.write_text(text, encoding="utf-8")
    done = runner.invoke(app, ["detect", str(path), "--format", "json"])
    assert done.exit_code == 0, done.output
    cli = [(r["rule"], r["start"], r["end"]) for r in json.loads(done.stdout) if r["kind"] == "finding"]
    api = [(f.rule, f.start, f.end) for f in detect(text, glossary=Glossary.default())]
    assert api == cli == [("doubled_word", 18, 22), ("glossary", 37, 45)]
    # Without a glossary (the API default) the term stays.
    assert [f.rule for f in detect(text)] == ["doubled_word"]


def test_qe_matches_the_cli(tmp_path: Path, runner: CliRunner) -> None:
    mts = ["The minister said the attack began at dawn.", "", "Minister attack dawn said began the."]
    src = [
        "Ministrul a spus că atacul a început în zori.",
        "",
        "Ministrul a spus că atacul a început în zori.",
    ]
    (tmp_path / "mt.txt").write_text("\n".join(mts) + "\n", encoding="utf-8")
    (tmp_path / "src.txt").write_text("\n".join(src) + "\n", encoding="utf-8")
    args = ["qe", "--mt", str(tmp_path / "mt.txt"), "--format", "json"]
    for extra, srcs, lang in (
        ([], None, None),
        (["--src", str(tmp_path / "src.txt"), "--src-lang", "ro"], src, "ro"),
    ):
        done = runner.invoke(app, [*args, *extra])
        assert done.exit_code == 0, done.output
        cli = [s["score"] for s in json.loads(done.stdout)["sentences"]]
        api = [round(s.score, 4) for s in qe(mts, srcs, lang)]
        assert api == cli
    # Another MT language: the hand-weighted fluency signals, as the CLI chooses.
    german = qe(["Das Ministerium hat den Angriff bestätigt."], lang="de")
    assert german[0].model == "fluency" and german[0].detail is not None


def test_align_matches_the_cli(tmp_path: Path, runner: CliRunner) -> None:
    garbled = "Officials said the attack began at dawn. Troops from the U.S.\n\nArmy were not hurt.\n"
    original = "Officials said the attack began at dawn. Troops from the U.S. Army were not hurt.\n"
    (tmp_path / "g.txt").write_text(garbled, encoding="utf-8")
    (tmp_path / "c.txt").write_text(original, encoding="utf-8")
    done = runner.invoke(app, ["align", str(tmp_path / "g.txt"), str(tmp_path / "c.txt"), "--format", "json"])
    assert done.exit_code == 0, done.output
    cli = [(tuple(b["garbled"]), tuple(b["clean"])) for b in json.loads(done.stdout)]
    result = align(garbled, original)
    assert [(b.garbled, b.clean) for b in result.beads] == cli == [((0,), (0,)), ((1, 2), (1,))]
    lines = align(garbled, original, units="lines")
    assert len(lines.garbled_units) == 2 and len(lines.clean_units) == 1


def test_glossary_from_files(tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text(GLOSSARY, encoding="utf-8")
    g = Glossary(path)
    assert len(g) == 1 and g.sources == (str(path),) and g.entries[0].id == "erbil"
    assert g.normalize("Clashes near Arbil on Monday.") == "Clashes near Erbil on Monday."
    assert g.normalize("اشتباكات قرب أربيل", lang="ar") == "اشتباكات قرب أربيل"
    assert [m.replacement for m in g.find("Irbil and Arbil", lang="auto")] == ["Erbil", "Erbil"]
    assert g.get("ERBIL") is not None and g.get("mosul") is None
    assert clean("Drones struck Irbil airport.\n", glossary=g).text == "Drones struck Erbil airport.\n"
    assert "team.toml" in repr(g)


def test_glossary_refuses_what_check_refuses(tmp_path: Path) -> None:
    good, bad = tmp_path / "team.toml", tmp_path / "provinces.toml"
    good.write_text(GLOSSARY, encoding="utf-8")
    bad.write_text(CONFLICT, encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"provinces\.toml:1: error: en variant 'Arbil' also belongs"):
        Glossary(good, bad)
    lenient = Glossary(good, bad, lenient=True)
    assert [e.id for e in lenient.entries] == ["erbil"]
    assert len(lenient.warnings) == 1 and "skipped (--glossary-lenient)" in lenient.warnings[0]
    with pytest.raises(GlossaryError, match=r"missing\.toml: no such glossary file"):
        Glossary(tmp_path / "missing.toml")
    with pytest.raises(GlossaryError, match="is a folder"):
        Glossary(tmp_path)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\x00\x01")
    with pytest.raises(GlossaryError, match="looks binary"):
        Glossary(binary)
    with pytest.raises(ConfigError, match=r"Glossary\.default\(\)"):
        Glossary()


def test_glossary_default_follows_the_cli_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "team.toml").write_text(GLOSSARY, encoding="utf-8")
    monkeypatch.setenv("MTREPAIR_GLOSSARY_DIR", str(tmp_path))
    assert [e.id for e in Glossary.default().entries] == ["erbil"]


def test_bad_input_raises_one_line_errors() -> None:
    with pytest.raises(TypeError, match="decode it first"):
        clean(b"The U.S.\n\nembassy")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not one string"):
        qe("The minister said the attack began at dawn.")
    with pytest.raises(TypeError, match=r"mts\[1\] must be str"):
        qe(["fine", 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="not one string"):
        clean("text", disable="doubled_word")
    with pytest.raises(TypeError, match=r"mtrepair\.Glossary"):
        clean("text", glossary="glossaries/team.toml")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="unknown language 'xx'"):
        clean("text", lang="xx")
    with pytest.raises(ConfigError, match="unknown rule"):
        detect("text", disable=["no_such_rule"])
    with pytest.raises(ConfigError, match="needs src_lang"):
        qe(["a"], ["b"])
    with pytest.raises(ConfigError, match="pass the source lines"):
        qe(["a"], src_lang="ro")
    with pytest.raises(InputError, match="source has 2 lines but the translation has 1"):
        qe(["a"], ["b", "c"], "ro")
    with pytest.raises(ConfigError, match="unknown QE model"):
        qe(["a"], model="comet")
    with pytest.raises(ConfigError, match="scores English MT only"):
        qe(["Das Ministerium hat den Angriff bestätigt."], lang="de", model="learned")
    with pytest.raises(ConfigError, match="unknown unit mode"):
        align("a", "b", units="words")
    with pytest.raises(ConfigError, match="skip must be a positive number"):
        align("a", "b", skip=0.0)
    for error in (ConfigError, InputError, GlossaryError):
        assert issubclass(error, mtrepair.MtrepairError)


def test_empty_inputs_are_valid() -> None:
    assert clean("").text == "" and detect("") == []
    assert qe([]) == []
    assert align("", "Troops left.").beads[0].garbled == ()


GOOD_SCRIPT = """\
import mtrepair
from mtrepair.api import QEScore, TextAlignment, align, qe

result: mtrepair.Result = mtrepair.clean("The U.S.\\n\\nembassy was hit.\\n", lang="en")
rules: list[str] = [e.rule for e in result.edits]
findings: list[mtrepair.Finding] = mtrepair.detect("Officials said the the attack began.")
scores: list[QEScore] = qe(["The minister said the attack began at dawn."])
best: float = max(s.score for s in scores)
pairs: list[tuple[str, str, float]] = align("One. Two.", "One. Two.").pairs()
aligned: TextAlignment = align("One.", "One.", backend="lexical")
glossary = mtrepair.Glossary.default()
fixed: str = glossary.normalize("Ain al-Assad air base")
"""
BAD_SCRIPT = """\
import mtrepair
from mtrepair.api import qe

mtrepair.clean(b"bytes")
mtrepair.clean("text").txt
total: str = qe(["x"])[0].score
mtrepair.qe(["x"])
"""


def test_mypy_type_checks_a_user_script(tmp_path: Path) -> None:
    """mypy finds the installed package (py.typed) and checks calls against the API's annotations.

    The cache starts as a copy of the project's (``make test`` runs mypy first), so this
    takes about a second instead of fifteen; without it mypy simply starts cold.
    """
    cache = tmp_path / "mypy-cache"
    if (ROOT / ".mypy_cache").is_dir():
        # A file being rewritten by a concurrent mypy may fail to copy: that module is checked afresh.
        with contextlib.suppress(shutil.Error):
            shutil.copytree(ROOT / ".mypy_cache", cache)
    (tmp_path / "good.py").write_text(GOOD_SCRIPT, encoding="utf-8")
    (tmp_path / "bad.py").write_text(BAD_SCRIPT, encoding="utf-8")
    mypy = [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.11", "--cache-dir", str(cache)]
    env = {k: v for k, v in os.environ.items() if k != "MYPYPATH"}
    done = subprocess.run(
        [*mypy, "good.py", "bad.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "good.py" not in out
    assert "py.typed" not in out  # "module is installed, but missing library stubs or py.typed marker"
    expected = textwrap.dedent("""\
        bad.py:4: error: Argument 1 to "clean" has incompatible type "bytes"; expected "str"  [arg-type]
        bad.py:5: error: "Result" has no attribute "txt"; maybe "text"?  [attr-defined]
        bad.py:6: error: Incompatible types in assignment (expression has type "float", variable has type "str")  [assignment]
        bad.py:7: error: Module not callable  [operator]
        """)  # noqa: E501
    assert [line for line in out.splitlines() if line.startswith("bad.py")] == expected.splitlines()
