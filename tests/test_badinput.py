"""The bad-input matrix (issue 8): every command against hostile input.

Each command reads a file in one slot (the text to clean, the glossary to check,
the CSV to import...). Every case below goes into every slot, and each run must
end in one of two ways:

- a clear error: non-zero exit, exactly one line on stderr that names the file
  and holds the expected hint (``--encoding latin-1``, ``folder``...), no traceback;
- a correct result: checked per command with an oracle that needs no golden
  file (clean's output is the input where nothing should change and ``undo``
  gives the input back byte for byte; ``replay`` reproduces clean's output; a
  text aligned with itself is the identity; chrF of a text against itself is
  100; qe scores every line...).

In both cases the input file is unchanged afterwards (bytes and mtime). Most runs
go through typer's CliRunner in this process (fast); the hostile sizes (a 50 MB
line, a million tiny lines) and a smoke run of every command go through the
installed console script in a subprocess with a timeout, so a hang fails the test
instead of blocking the suite. Timing belongs to ``benchmarks/bench_linear.py``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtrepair.cli import app
from mtrepair.io import MAX_JSON_DEPTH
from tests.conftest import ROOT

EXE = Path(sys.executable).parent / "mtrepair"
SHIPPED_GLOSSARY = ROOT / "glossaries" / "military-iraq-syria.toml"
TIMEOUT = 300  # seconds; generous for a loaded 2-core machine, but a hang still fails
ENV = {"COLUMNS": "200", "NO_COLOR": "1"}


# --- the cases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile input.

    ``text`` cases are rendered in each command's format (plain text, a glossary
    TOML holding the text, a CSV row holding it) and encoded with ``encoding``
    (``bom``: prefix the byte-order mark); ``raw`` cases are the same bytes in
    every slot. ``cleaned`` is what ``clean`` must output (default: the text).
    """

    name: str
    text: str | None = None
    raw: bytes | None = None
    encoding: str = "utf-8"
    bom: bytes = b""
    cleaned: str | None = None
    newline: str = "\n"
    needle: str = ""  # errors: a fragment the one-line message must hold

    @property
    def is_error(self) -> bool:
        return self.text is None


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x1f\x15\xc4\x89" * 8
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
MIXED = (
    "The Ain al-Asad base (عين الأسد) was hit; Russian media wrote «атака на базу», "
    "Chinese media 基地遭到袭击, and a Hindi site नमस्ते.\n"
)

CASES = [
    Case("missing", needle="no such"),
    Case("folder", needle="folder"),
    Case("empty", raw=b"", needle="empty"),
    Case("png", raw=PNG, needle="binary"),
    Case("elf", raw=ELF, needle="binary"),
    Case("invalid_utf8", raw=b"The base \xc3\x28 was hit.\n", needle="--encoding"),
    Case("latin1", raw="Le café est fermé à Erbil.\n".encode("latin-1"), needle="--encoding latin-1"),
    Case("nul", raw=b"The base was hit.\x00\x00 Officials said.\n", needle="NUL byte"),
    Case(
        "utf16le_bom",
        text="\ufeffThe base was hit by three rockets, officials said.\n",
        encoding="utf-16-le",
    ),
    Case(
        "utf16be_bom",
        text="\ufeffThe base was hit by three rockets, officials said.\n",
        encoding="utf-16-be",
    ),
    Case("utf8_bom", text="\ufeffThe base was hit by three rockets, officials said.\n"),
    Case(
        "crlf",
        text="The base was hit.\r\n\r\nOfficials said nothing.\r\n",
        cleaned="The base was hit.\n\nOfficials said nothing.\n",
        newline="\r\n",
    ),
    Case(
        "lone_cr",
        text="The base was hit.\r\rOfficials said nothing.\r",
        cleaned="The base was hit.\n\nOfficials said nothing.\n",
        newline="\r",
    ),
    Case("rtl", text="قال المتحدث إن القاعدة تعرضت لهجوم بثلاثة صواريخ.\n"),
    Case("bidi_controls", text="Safe text \u202eevil\u202c and \u2066isolated\u2069 here \u200f.\n"),
    Case("zero_width", text="Family 👨\u200d👩\u200d👧 and zero\u200bwidth non\u200cjoiner jo\u200diner.\n"),
    Case("combining", text="Cafe\u0301 nai\u0308ve Z\u0351\u0354a\u0337l\u0301\u0301\u0301go spoke.\n"),
    Case("emoji", text="Rockets 🚀🚀 hit the base 💥 on Tuesday, officials said 🇮🇶.\n"),
    Case("mixed_scripts", text=MIXED),
]
ERRORS = [c for c in CASES if c.is_error]
TEXTS = [c for c in CASES if not c.is_error]


def encode(case: Case, text: str) -> bytes:
    return case.bom + text.encode(case.encoding)


def note(case: Case) -> str:
    """The case's text as a glossary note: no BOM, and LF line ends (a note may not hold a CR).

    The CRLF and lone-CR cases still test those line ends: in the TOML and CSV files
    themselves.
    """
    assert case.text is not None
    text = case.cleaned if case.cleaned is not None else case.text
    return text.removeprefix("\ufeff")


def render_text(case: Case) -> bytes:
    assert case.text is not None
    return encode(case, case.text)


def render_toml(case: Case) -> bytes:
    """A valid glossary whose note and one variant hold the case's text."""
    assert case.text is not None
    text = note(case)
    word = text.split()[1]
    lines = [
        "[[term]]",
        'id = "zorblat-qantara"',
        'canonical = "Zorblat Qantara"',
        'type = "place"',
        f"note = {json.dumps(text, ensure_ascii=False)}",
        f"en = [{json.dumps('Zorblat ' + word, ensure_ascii=False)}]",
        "",
    ]
    prefix = "\ufeff" if case.text.startswith("\ufeff") else ""
    return encode(case, prefix + case.newline.join(lines))


def render_csv(case: Case) -> bytes:
    """A CSV glossary (the `glossary export` columns) whose note holds the case's text."""
    assert case.text is not None
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=case.newline, quoting=csv.QUOTE_ALL)
    writer.writerow(["id", "canonical", "type", "note", "lang", "variant", "context"])
    writer.writerow(
        [
            "zorblat-qantara",
            "Zorblat Qantara",
            "place",
            note(case),
            "en",
            "Zorblat Q",
            "",
        ]
    )
    prefix = "\ufeff" if case.text.startswith("\ufeff") else ""
    return encode(case, prefix + buf.getvalue())


RENDER: dict[str, Callable[[Case], bytes]] = {"text": render_text, "toml": render_toml, "csv": render_csv}


def make_input(case: Case, folder: Path, fmt: str) -> Path:
    suffix = {"text": ".txt", "toml": ".toml", "csv": ".csv"}[fmt]
    path = folder / f"{case.name}{suffix}"
    if case.name == "missing":
        return path
    if case.name == "folder":
        path.mkdir()
        return path
    path.write_bytes(case.raw if case.raw is not None else RENDER[fmt](case))
    return path


# --- running -----------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    stdout: bytes
    stderr: str


def cli(*args: str, stdin: bytes | None = None) -> Run:
    """One command in this process; an unexpected exception fails here, with its traceback."""
    result = CliRunner().invoke(app, list(args), input=stdin, env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"mtrepair {' '.join(args)} raised") from result.exception
    return Run(result.exit_code, result.stdout_bytes, result.stderr)


def script(*args: str, stdout: Path | None = None) -> Run:
    """One command through the installed console script, killed after TIMEOUT seconds."""
    with open(stdout, "wb") if stdout else open(os.devnull, "wb") as sink:
        proc = subprocess.run(
            [str(EXE), *args],
            stdout=sink if stdout else subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=TIMEOUT,
            check=False,
            env={**os.environ, **ENV},
        )
    return Run(proc.returncode, proc.stdout or b"", proc.stderr.decode("utf-8", "replace"))


def snapshot(path: Path) -> object:
    if path.is_file():
        st = path.stat()
        return path.read_bytes(), st.st_mtime_ns
    if path.is_dir():
        return sorted(str(p) for p in path.rglob("*"))
    return None


def assert_one_line_error(run: Run, path: Path, needle: str) -> None:
    assert run.code != 0, f"expected an error for {path}, got exit 0"
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("mtrepair: error: "), run.stderr
    assert str(path) in lines[0], run.stderr
    assert needle.lower() in lines[0].lower(), f"{needle!r} not in {lines[0]!r}"


# --- the slots: one per command ----------------------------------------------------------------


@dataclass
class Env:
    """Helper files a slot needs besides the case's input (all in tmp_path)."""

    tmp: Path
    good: Path
    glossary: Path
    own_report: bool = False

    @classmethod
    def build(cls, tmp: Path) -> Env:
        good = tmp / "good.txt"
        good.write_text("The base was hit by three rockets, officials said.\n", encoding="utf-8")
        glossary = tmp / "target.toml"
        glossary.write_bytes(SHIPPED_GLOSSARY.read_bytes())
        return cls(tmp, good, glossary)


def _decoded(case: Case) -> str:
    assert case.text is not None
    return case.text


def _clean_to(path: Path, env: Env, *extra: str) -> tuple[Path, Path]:
    out, report = env.tmp / "out.txt", env.tmp / "edits.json"
    run = cli("clean", str(path), "-o", str(out), "--report", str(report), "--no-garble", *extra)
    assert run.code == 0, run.stderr
    return out, report


def _lines(case: Case) -> list[str]:
    """The segments of a one-segment-per-line file: lines end at LF, CRLF or CR only."""
    text = _decoded(case).removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.removesuffix("\n").split("\n")


def check_clean(path: Path, case: Case, env: Env, run: Run) -> None:
    out, report = env.tmp / "out.txt", env.tmp / "edits.json"
    expected = case.cleaned if case.cleaned is not None else _decoded(case)
    assert out.read_bytes() == expected.encode("utf-8")
    undone = cli("undo", "--report", str(report), str(out))
    assert undone.code == 0, undone.stderr
    assert undone.stdout == path.read_bytes()


def check_detect(path: Path, case: Case, env: Env, run: Run) -> None:
    text = _decoded(case)
    rows = json.loads(run.stdout)
    assert rows, "detect gives at least the garble score of every sentence"
    for row in rows:
        assert 0 <= row["start"] <= row["end"] <= len(text)
        assert row["text"] == text[row["start"] : row["end"]]
        if case.cleaned is None:  # clean changes nothing, so detect proposes no fix
            assert row.get("replacement") is None, row


def check_replay(path: Path, case: Case, env: Env, run: Run) -> None:
    assert run.stdout == (env.tmp / "out.txt").read_bytes()


def check_undo(path: Path, case: Case, env: Env, run: Run) -> None:
    assert run.stdout == path.read_bytes()


def check_align(path: Path, case: Case, env: Env, run: Run) -> None:
    beads = json.loads(run.stdout)
    assert beads, "a text has at least one unit"
    assert [b["garbled"] for b in beads] == [b["clean"] for b in beads] == [[i] for i in range(len(beads))]


def check_score(path: Path, case: Case, env: Env, run: Run) -> None:
    (result,) = json.loads(run.stdout)
    assert result["metric"].lower().startswith("chrf") and result["score"] == pytest.approx(100.0)


def check_qe(path: Path, case: Case, env: Env, run: Run) -> None:
    sentences = json.loads(run.stdout)["sentences"]
    assert [s["line"] for s in sentences] == list(range(1, len(_lines(case)) + 1))
    assert all(0.0 <= s["score"] <= 1.0 for s in sentences)


def check_json_list(path: Path, case: Case, env: Env, run: Run) -> None:
    assert isinstance(json.loads(run.stdout), list)


def check_glossary_check(path: Path, case: Case, env: Env, run: Run) -> None:
    assert run.stdout.decode().strip().splitlines()[-1].startswith("1 entries")


def check_glossary_list(path: Path, case: Case, env: Env, run: Run) -> None:
    assert "zorblat-qantara" in run.stdout.decode()


def check_glossary_add(path: Path, case: Case, env: Env, run: Run) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    ids = {t["id"] for t in data["term"]}
    assert ids == {"zorblat-qantara", "foo-barrier"}
    (old,) = (t for t in data["term"] if t["id"] == "zorblat-qantara")
    assert old["note"] == note(case)


def check_glossary_import(path: Path, case: Case, env: Env, run: Run) -> None:
    data = tomllib.loads(env.glossary.read_text(encoding="utf-8"))
    (new,) = (t for t in data["term"] if t["id"] == "zorblat-qantara")
    assert new["canonical"] == "Zorblat Qantara"
    assert new["note"] == note(case)
    assert len(data["term"]) == len(tomllib.loads(SHIPPED_GLOSSARY.read_text(encoding="utf-8"))["term"]) + 1


@dataclass(frozen=True)
class Slot:
    """A command with the case's file in one argument position."""

    name: str
    fmt: str  # the format the slot reads: text, toml or csv
    args: Callable[[Path, Env], list[str]]
    check: Callable[[Path, Case, Env, Run], None]
    prepare: Callable[[Path, Case, Env], None] | None = None  # e.g. make a report first
    ok_codes: tuple[int, ...] = (0,)
    modifies: bool = False  # glossary add changes its glossary, by design


def _prepare_report(path: Path, case: Case, env: Env) -> None:
    """For undo/replay: clean the case's own file (text cases) or a good file (error cases)."""
    env.own_report = case.text is not None
    _clean_to(path if env.own_report else env.good, env)


def _undo_args(path: Path, env: Env) -> list[str]:
    """Undo clean's output with its report; error cases pass their bad file as the repaired one."""
    target = env.tmp / "out.txt" if env.own_report else path
    return ["undo", "--report", str(env.tmp / "edits.json"), str(target)]


SLOTS = [
    Slot(
        "clean",
        "text",
        lambda p, e: [
            "clean",
            str(p),
            "-o",
            str(e.tmp / "out.txt"),
            "--report",
            str(e.tmp / "edits.json"),
            "--no-garble",
        ],
        check_clean,
    ),
    Slot("detect", "text", lambda p, e: ["detect", str(p), "--format", "json"], check_detect),
    Slot("undo", "text", _undo_args, check_undo, prepare=_prepare_report),
    Slot(
        "replay",
        "text",
        lambda p, e: ["replay", "--report", str(e.tmp / "edits.json"), str(p)],
        check_replay,
        prepare=_prepare_report,
    ),
    Slot("align", "text", lambda p, e: ["align", str(p), str(p), "--format", "json"], check_align),
    Slot(
        "score",
        "text",
        lambda p, e: ["score", "--hyp", str(p), "--ref", str(p), "--metric", "chrf", "--format", "json"],
        check_score,
    ),
    Slot("qe", "text", lambda p, e: ["qe", "--mt", str(p), "--format", "json"], check_qe),
    Slot(
        "qe_src",
        "text",
        lambda p, e: [
            "qe",
            "--mt",
            str(p),
            "--src",
            str(p),
            "--src-lang",
            "en",
            "--model",
            "none",
            "--format",
            "json",
        ],
        check_qe,
    ),
    Slot(
        "glossary_suggest",
        "text",
        lambda p, e: ["glossary", "suggest", str(p), "--format", "json"],
        check_json_list,
    ),
    Slot(
        "glossary_qa",
        "text",
        lambda p, e: [
            "glossary",
            "qa",
            "--src",
            str(p),
            "--mt",
            str(p),
            "--src-lang",
            "en",
            "--format",
            "json",
        ],
        check_json_list,
        ok_codes=(0, 1),
    ),
    Slot(
        "glossary_check",
        "toml",
        lambda p, e: ["glossary", "check", "--glossary", str(p)],
        check_glossary_check,
        ok_codes=(0, 1),
    ),
    Slot(
        "glossary_list", "toml", lambda p, e: ["glossary", "list", "--glossary", str(p)], check_glossary_list
    ),
    Slot(
        "glossary_add",
        "toml",
        lambda p, e: [
            "glossary",
            "add",
            "Foo Barrier",
            "--variant",
            "Foo Barier",
            "--type",
            "term",
            "--glossary",
            str(p),
        ],
        check_glossary_add,
        modifies=True,
    ),
    Slot(
        "glossary_import",
        "csv",
        lambda p, e: ["glossary", "import", str(p), "--format", "csv", "--glossary", str(e.glossary)],
        check_glossary_import,
    ),
]

# Where a case is not the usual result: (case, slot) -> the needle of the expected error,
# or None for a correct result where the default is an error.
OVERRIDES: dict[tuple[str, str], str | None] = {
    # An empty glossary is a valid glossary with no entries; add starts one.
    ("empty", "glossary_check"): None,
    ("empty", "glossary_list"): None,
    ("empty", "glossary_add"): None,
    # A missing glossary is created by add (how a new glossary starts).
    ("missing", "glossary_add"): None,
    # Glossaries are UTF-8 TOML by the TOML spec: no --encoding, an iconv hint instead.
    ("invalid_utf8", "glossary_check"): "iconv",
    ("invalid_utf8", "glossary_list"): "iconv",
    ("invalid_utf8", "glossary_add"): "iconv",
    ("latin1", "glossary_check"): "iconv -f latin-1 -t utf-8",
    ("latin1", "glossary_list"): "iconv -f latin-1 -t utf-8",
    ("latin1", "glossary_add"): "iconv -f latin-1 -t utf-8",
    ("utf16le_bom", "glossary_check"): "iconv -f utf-16",
    ("utf16le_bom", "glossary_list"): "iconv -f utf-16",
    ("utf16le_bom", "glossary_add"): "iconv -f utf-16",
    ("utf16be_bom", "glossary_check"): "iconv -f utf-16",
    ("utf16be_bom", "glossary_list"): "iconv -f utf-16",
    ("utf16be_bom", "glossary_add"): "iconv -f utf-16",
    ("lone_cr", "glossary_check"): "lone CR",
    ("lone_cr", "glossary_list"): "lone CR",
    ("lone_cr", "glossary_add"): "lone CR",
    # undo of an empty "repaired" file: the report does not match; replay reads the empty original.
    ("empty", "undo"): "does not match",
    ("empty", "replay"): "empty file",
}


def expected(case: Case, slot: Slot) -> str | None:
    """The needle of the expected one-line error, or None for a correct result."""
    if (case.name, slot.name) in OVERRIDES:
        return OVERRIDES[(case.name, slot.name)]
    return case.needle if case.is_error else None


@pytest.mark.parametrize("slot", SLOTS, ids=lambda s: s.name)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_matrix(case: Case, slot: Slot, tmp_path: Path) -> None:
    env = Env.build(tmp_path)
    cases_dir = tmp_path / "in"
    cases_dir.mkdir()
    path = make_input(case, cases_dir, slot.fmt)
    if slot.prepare is not None:
        slot.prepare(path, case, env)
    before = snapshot(path)
    glossary_before = env.glossary.read_bytes()
    run = cli(*slot.args(path, env))
    assert "Traceback" not in run.stderr
    needle = expected(case, slot)
    if needle is not None:
        assert_one_line_error(run, path, needle)
        assert snapshot(path) == before, "a failed command changed its input"
        assert env.glossary.read_bytes() == glossary_before
        return
    assert run.code in slot.ok_codes, run.stderr
    if case.text is None:  # an error case that is valid input here (an empty glossary...)
        assert path.exists()
    else:
        slot.check(path, case, env, run)
    if not slot.modifies:
        assert snapshot(path) == before, "a command changed its input"


# --- Latin-1 with --encoding: detected without it (the matrix), correct with it ----------------

LATIN1 = Case("latin1_text", text="Le café est fermé à Erbil, a dit le porte-parole.\n", encoding="latin-1")
ENCODING_SLOTS = [
    "clean",
    "detect",
    "align",
    "score",
    "qe",
    "qe_src",
    "glossary_suggest",
    "glossary_qa",
    "glossary_import",
]


@pytest.mark.parametrize("name", ENCODING_SLOTS)
def test_latin1_is_read_correctly_with_encoding(name: str, tmp_path: Path) -> None:
    (slot,) = (s for s in SLOTS if s.name == name)
    env = Env.build(tmp_path)
    path = make_input(LATIN1, tmp_path, slot.fmt)
    before = snapshot(path)
    run = cli(*slot.args(path, env), "--encoding", "latin-1")
    assert run.code in slot.ok_codes, run.stderr
    slot.check(path, LATIN1, env, run)
    assert snapshot(path) == before


def test_latin1_undo_and_replay_work_in_the_input_encoding(tmp_path: Path) -> None:
    """The report records the encoding: undo writes Latin-1 back, replay reads it."""
    env = Env.build(tmp_path)
    path = make_input(LATIN1, tmp_path, "text")
    out, report = _clean_to(path, env, "--encoding", "latin-1")
    assert out.read_text(encoding="utf-8") == LATIN1.text  # outputs are always UTF-8
    assert json.loads(report.read_text(encoding="utf-8"))["documents"][0]["encoding"] == "iso8859-1"
    undone = cli("undo", "--report", str(report), str(out))
    assert undone.code == 0 and undone.stdout == path.read_bytes()
    replayed = cli("replay", "--report", str(report), str(path))
    assert replayed.code == 0 and replayed.stdout == out.read_bytes()
    restored = tmp_path / "restored.txt"
    assert cli("undo", "--report", str(report), str(out), "-o", str(restored)).code == 0
    assert restored.read_bytes() == path.read_bytes()


def test_every_text_reading_command_has_encoding() -> None:
    for args in (
        ["clean"],
        ["detect"],
        ["align"],
        ["score"],
        ["qe"],
        ["glossary", "suggest"],
        ["glossary", "qa"],
        ["glossary", "import"],
    ):
        assert "--encoding" in cli(*args, "--help").stdout.decode(), args


def test_utf16_without_bom_is_named_and_readable_with_encoding(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("The base was hit, officials said.\n".encode("utf-16-le"))
    assert_one_line_error(cli("clean", str(path)), path, "--encoding utf-16-le")
    run = cli("clean", str(path), "--encoding", "utf-16-le")
    assert run.code == 0 and run.stdout == b"The base was hit, officials said.\n"


def test_stdin_binary_utf16_and_latin1(tmp_path: Path) -> None:
    run = cli("clean", "-", stdin=PNG)
    assert run.code == 2 and "<stdin>" in run.stderr and "binary" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    text = "The base was hit.\n"
    run = cli("clean", "-", stdin=text.encode("utf-16"))  # BOM + UTF-16: the BOM stays, as U+FEFF
    assert run.code == 0 and run.stdout.decode("utf-8") == "\ufeff" + text
    run = cli("clean", "-", stdin="café\n".encode("latin-1"))
    assert run.code == 2 and "--encoding latin-1" in run.stderr
    assert (
        cli("clean", "-", "--encoding", "latin-1", stdin="café\n".encode("latin-1")).stdout
        == "café\n".encode()
    )


# --- reports: a bad --report for undo and replay ------------------------------------------------

BAD_REPORTS = [
    ("missing", None, "no such report"),
    ("folder", b"", "folder"),
    ("empty", b"", "not valid JSON"),
    ("png", PNG, "report"),
    ("latin1", '{"format": 1, "documents": [], "x": "é"}'.encode("latin-1"), "not UTF-8"),
    ("broken", b'{"format": 1, "documents": [', "not valid JSON"),
    ("not_a_report", b'{"hello": "world"}', "not an mtrepair report"),
    ("deep", b"[" * 100_000 + b"]" * 100_000, "report"),
    (
        "bad_edit",
        b'{"format": 1, "documents": [{"id": "x", "input_sha256": "0", "edits": [{"step": "a"}]}]}',
        "",
    ),
]


@pytest.mark.parametrize(("name", "data", "needle"), BAD_REPORTS, ids=[b[0] for b in BAD_REPORTS])
@pytest.mark.parametrize("command", ["undo", "replay"])
def test_bad_report(command: str, name: str, data: bytes | None, needle: str, tmp_path: Path) -> None:
    env = Env.build(tmp_path)
    out, _ = _clean_to(env.good, env)
    report = tmp_path / f"{name}.json"
    if name == "folder":
        report.mkdir()
    elif data is not None:
        report.write_bytes(data)
    target = out if command == "undo" else env.good
    before = snapshot(target)
    run = cli(command, "--report", str(report), str(target))
    if name == "bad_edit":  # names the report or the file; either way one line
        assert run.code != 0 and len(run.stderr.strip().splitlines()) == 1, run.stderr
    else:
        assert_one_line_error(run, report, needle)
    assert snapshot(target) == before


# --- JSONL: deep nesting, huge records, broken lines ---------------------------------------------


def _jsonl(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def _record(**fields: object) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


def _nested(depth: int) -> bytes:
    """A record whose "meta" field nests ``depth`` lists (the record itself is one more level)."""
    return (
        b'{"id": "deep", "text": "Army Colonel Colonel spokesman.", "meta": '
        + b"[" * depth
        + b"]" * depth
        + b"}"
    )


def _clean_jsonl(src: Path, tmp: Path) -> tuple[Run, Path, Path]:
    out, report = tmp / "out.jsonl", tmp / "edits.json"
    run = cli("clean", str(src), "-o", str(out), "--report", str(report), "--no-garble")
    return run, out, report


def _undo_records(out: Path, report: Path) -> list[dict[str, object]]:
    run = cli("undo", "--report", str(report), str(out))
    assert run.code == 0, run.stderr
    return [json.loads(line) for line in run.stdout.decode("utf-8").splitlines()]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, 950, 980, 5_000, 200_000])
def test_deeply_nested_jsonl_records(depth: int, tmp_path: Path) -> None:
    """Accepted up to MAX_JSON_DEPTH levels, skipped with its reason beyond, the same in every path."""
    good = _record(id="ok", text="Fine text stays.")
    src = _jsonl(tmp_path / "deep.jsonl", [_nested(depth), good])
    before = snapshot(src)
    run, out, report = _clean_jsonl(src, tmp_path)
    detect = cli("detect", str(src), "--format", "json", "--no-garble")
    workers = cli("clean", str(src), "--workers", "2", "-o", str(tmp_path / "w") + "/", "--no-garble")
    kept = depth + 1 <= MAX_JSON_DEPTH
    for r in (run, detect, workers):
        assert "Traceback" not in r.stderr
        if kept:
            assert r.code == 0, r.stderr
        else:
            assert r.code == 6 and f"{src}:1: JSON nested deeper than {MAX_JSON_DEPTH} levels" in r.stderr
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == (["deep", "ok"] if kept else ["ok"])
    restored = _undo_records(out, report)
    assert restored[-1] == {"id": "ok", "text": "Fine text stays."}
    if kept:
        assert restored[0] == json.loads(_nested(depth))
    assert snapshot(src) == before


def test_huge_jsonl_records(tmp_path: Path) -> None:
    """A 20 MB field and a 200,000-key object pass through clean and undo unchanged."""
    big_meta = "x" * 20_000_000
    many = {f"k{i}": i for i in range(200_000)}
    text = " ".join(["The base was hit by three rockets, officials said."] * 2_000) + "\n"
    lines = [
        _record(id="big", text="Army Colonel Colonel spokesman.", meta=big_meta),
        _record(id="many", text="Fine text stays.", fields=many),
        _record(id="long", text=text),
    ]
    src = _jsonl(tmp_path / "huge.jsonl", lines)
    before = snapshot(src)
    run, out, report = _clean_jsonl(src, tmp_path)
    assert run.code == 0, run.stderr
    cleaned = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert cleaned[0]["meta"] == big_meta and cleaned[0]["text"] == "Army Colonel spokesman."
    assert cleaned[1]["fields"] == many
    assert cleaned[2]["text"] == text
    assert _undo_records(out, report) == [json.loads(line) for line in lines]
    assert snapshot(src) == before


BROKEN_LINES = [
    (b'{"id": 1, "text": "trunc', "broken JSON"),
    (b'{"id": 2, "text": "x"} trailing', "broken JSON"),
    (b"[1, 2, 3]", 'not an object with a string "text" field'),
    (b'{"id": 4, "text": 42}', 'not an object with a string "text" field'),
    (b'{"id": 5, "body": "no text field"}', 'not an object with a string "text" field'),
    (b'{"id": 6, "text": "caf\xe9"}', "--encoding"),
    (b'{"id": 7, "text": "nul \x00 byte"}', "NUL byte"),
    (b'{"id": 8, "text": "lone \\ud800 surrogate"}', "surrogate"),
    (b'{"id": 9, "text": "a"}\r{"id": 10, "text": "b"}', "broken JSON"),
    (b"\x89PNG\r\n", "--encoding"),
]


def test_broken_jsonl_lines_are_skipped_with_their_line(tmp_path: Path) -> None:
    good = [_record(id="a", text="Army Colonel Colonel spokesman."), _record(id="b", text="Fine.")]
    lines = [b"\xef\xbb\xbf" + good[0], b"", b"   "]  # a UTF-8 BOM before the first record is fine
    lines += [raw for raw, _ in BROKEN_LINES] + [good[1]]
    src = _jsonl(tmp_path / "broken.jsonl", lines)
    before = snapshot(src)
    run, out, report = _clean_jsonl(src, tmp_path)
    detect = cli("detect", str(src), "--format", "json", "--no-garble")
    for r in (run, detect):
        assert r.code == 6 and "Traceback" not in r.stderr
        for n, (_, reason) in enumerate(BROKEN_LINES, start=4):
            assert any(
                line.startswith(f"mtrepair: warning: {src}:{n}: ") and reason in line
                for line in r.stderr.splitlines()
            ), (n, reason, r.stderr)
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a", "b"]
    assert _undo_records(out, report) == [json.loads(g) for g in good]
    assert snapshot(src) == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_wide_jsonl_is_one_line_error(encoding: str, tmp_path: Path) -> None:
    src = tmp_path / "wide.jsonl"
    src.write_bytes((_record(id="a", text="x").decode() + "\n").encode(encoding))
    assert_one_line_error(cli("clean", str(src)), src, f"iconv -f {encoding}")
    assert_one_line_error(cli("clean", str(src), "--encoding", "utf-16"), src, "iconv -f")


# --- hostile sizes, through the real console script with a timeout -----------------------------


def _spawn(args: list[str], stdout: Path) -> subprocess.Popen[bytes]:
    with open(stdout, "wb") as sink:
        return subprocess.Popen(
            [str(EXE), *args], stdout=sink, stderr=subprocess.PIPE, env={**os.environ, **ENV}
        )


def _finish(proc: subprocess.Popen[bytes]) -> Run:
    try:
        _, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"{proc.args!r} did not finish in {TIMEOUT} s") from None
    return Run(proc.returncode, b"", err.decode("utf-8", "replace"))


def _clean_and_detect(src: Path, tmp: Path) -> None:
    """clean (with a report) and detect, side by side: both finish; nothing to repair, so the
    output is the input and detect proposes no fix; undo gives the input back."""
    out, report, found = tmp / "out.txt", tmp / "edits.json", tmp / "found.json"
    before = snapshot(src)
    clean = _spawn(["clean", str(src), "-o", str(out), "--report", str(report)], tmp / "clean.stdout")
    detect = _spawn(["detect", str(src), "--format", "json"], found)
    for run in (_finish(clean), _finish(detect)):
        assert run.code == 0 and "Traceback" not in run.stderr, run.stderr
    data = src.read_bytes()
    assert out.read_bytes() == data
    text = data.decode("utf-8")
    rows = json.loads(found.read_bytes())
    assert rows and all(r.get("replacement") is None for r in rows)
    assert all(r["text"] == text[r["start"] : r["end"]] for r in rows)
    undo = script("undo", "--report", str(report), str(out), stdout=tmp / "restored.txt")
    assert undo.code == 0, undo.stderr
    assert (tmp / "restored.txt").read_bytes() == data
    assert snapshot(src) == before


# One round of the pipeline each (a repair would make clean run a second round to
# its fixed point and double the time); correctness of repairs is tested above.


@pytest.mark.slow
def test_a_single_50_mb_line(tmp_path: Path) -> None:
    """One 50 MB line (a run of one character, as an inlined data blob leaves) finishes."""
    src = tmp_path / "line.txt"
    src.write_bytes(b"The spokesman said " + b"x" * (50 * 1024 * 1024) + b" and left.\n")
    _clean_and_detect(src, tmp_path)


@pytest.mark.slow
def test_a_million_tiny_lines(tmp_path: Path) -> None:
    src = tmp_path / "lines.txt"
    src.write_bytes(b"ok.\n" * 1_000_000)
    _clean_and_detect(src, tmp_path)


# One slot per code path (the in-process matrix covers the rest): each process costs
# about a second of imports on these machines.
CONSOLE_SLOTS = {
    "clean",
    "detect",
    "undo",
    "replay",
    "align",
    "score",
    "qe",
    "glossary_check",
    "glossary_import",
}


def test_every_command_through_the_console_script(tmp_path: Path) -> None:
    """The real entry point: a PNG in each command's slot is one line on stderr (in parallel)."""
    env = Env.build(tmp_path)
    png = next(c for c in CASES if c.name == "png")
    procs = []
    for slot in (s for s in SLOTS if s.name in CONSOLE_SLOTS):
        folder = tmp_path / slot.name
        folder.mkdir()
        path = make_input(png, folder, slot.fmt)
        if slot.prepare is not None:
            slot.prepare(path, png, env)
        procs.append((slot, path, _spawn(slot.args(path, env), folder / "stdout")))
    for slot, path, proc in procs:
        run = _finish(proc)
        needle = expected(png, slot)
        assert needle is not None
        assert_one_line_error(run, path, needle)
        assert path.read_bytes() == PNG, slot.name


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["clean", "{src}"], False),
        (["detect", "{src}"], False),
        (["glossary", "suggest", "{src}"], False),
        (["align", "{src}", "{good}"], True),
        (["glossary", "qa", "--src", "{src}", "--mt", "{good}", "--src-lang", "en"], True),
    ],
    ids=["clean", "detect", "suggest", "align", "qa"],
)
def test_jsonl_without_usable_records(args: list[str], error: bool, tmp_path: Path) -> None:
    """Nothing usable: a command that needs a document says which line failed and why; the
    others warn per skipped line and exit 6, as for any skipped record."""
    env = Env.build(tmp_path)
    src = _jsonl(tmp_path / "nothing.jsonl", [b"{broken", b'{"id": 1}'])
    run = cli(*(a.format(src=src, good=env.good) for a in args))
    assert "Traceback" not in run.stderr
    if error:
        assert_one_line_error(run, src, f"{src}:1: broken JSON")
    else:
        assert run.code == 6
        assert f"{src}:1: broken JSON" in run.stderr and f"{src}:2: not an object" in run.stderr


def test_segments_split_only_at_line_ends(tmp_path: Path) -> None:
    """U+2028, U+0085 (cp1252's ellipsis read as Latin-1) and a form feed stay inside a segment."""
    segments = ["He said\u2028it was over.", "Then\x85 nothing\x0c more.", "The end."]
    path = tmp_path / "seg.txt"
    path.write_text("\n".join(segments) + "\n", encoding="utf-8")
    run = cli(
        "score", "--hyp", str(path), "--ref", str(path), "--metric", "chrf", "--sentence", "--format", "json"
    )
    assert run.code == 0, run.stderr
    assert len(json.loads(run.stdout)["segments"]) == 3
    run = cli("qe", "--mt", str(path), "--format", "json")
    assert run.code == 0 and len(json.loads(run.stdout)["sentences"]) == 3
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"Wait\x85 what?\nFine.\n")  # 0x85 is U+0085 in Latin-1
    run = cli("qe", "--mt", str(latin), "--encoding", "latin-1", "--format", "json")
    assert run.code == 0 and len(json.loads(run.stdout)["sentences"]) == 2
