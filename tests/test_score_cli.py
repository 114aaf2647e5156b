"""`score` follows sacrebleu's CLI: the same options give the same numbers and signatures.

Every parity test runs the real ``sacrebleu`` console script next to ``mtrepair
score`` on the same files; sacrebleu's start-up costs about half a second, so each
case asks it for all three metrics at once.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sacrebleu as sacrebleu_api
from typer.testing import CliRunner

from mtrepair.cli import app

SACREBLEU = Path(sys.executable).parent / "sacrebleu"
MTREPAIR = Path(sys.executable).parent / "mtrepair"
ENV = {"NO_COLOR": "1", "COLUMNS": "200"}

# Invented news lines: English, French, German and Chinese, with case and punctuation differences.
REF = [
    "The minister announced a new plan for farmers on Monday.",
    "Unions said the sum was far too small.",
    "Le gouvernement a fermé trois écoles après la tempête.",
    "Die Regierung will die Steuern im Herbst senken.",
    "政府周一宣布了新的农业计划。",
    "Heavy rain flooded the old bridge near Mosul.",
]
HYP = [
    "The Minister announced announced a plan for the farmers on Monday.",
    "Unions found the amount too small.",
    "Le gouvernement a fermé 3 écoles après la Tempête.",
    "Die Regierung möchte im Herbst die Steuern senken.",
    "政府周一公布了新农业计划。",
    "heavy rain flooded the old bridge close to Mosul.",
]
HYP2 = [
    "The minister announced a new plan for farmers on Monday.",
    "The unions said the sum was too small.",
    "Le gouvernement a fermé trois écoles après la tempête.",
    "Die Regierung will im Herbst Steuern senken.",
    "政府周一宣布了新的计划。",
    "Heavy rain flooded the bridge near Mosul.",
]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    return (
        write(tmp_path / "ref.txt", REF),
        write(tmp_path / "hyp.txt", HYP),
        write(tmp_path / "hyp2.txt", HYP2),
    )


def sacrebleu(*args: str) -> str:
    proc = subprocess.run(
        [str(SACREBLEU), *args, "-q"], capture_output=True, text=True, env={**os.environ, **ENV}, check=True
    )
    return proc.stdout


def mtrepair(runner: CliRunner, *args: str, stdin: str | None = None) -> str:
    res = runner.invoke(app, ["score", *args], input=stdin, env=ENV)
    assert res.exit_code == 0, res.output
    return res.stdout


def same_number(ours: float, width: int, theirs: float) -> bool:
    """sacrebleu's JSON score is float(f"{score:.{width}f}")."""
    return float(f"{ours:.{width}f}") == theirs


# tokenizer, lowercase, width, chrF word order
CORPUS_CASES = [
    ("13a", False, 1, 0),
    ("intl", True, 3, 2),
    ("zh", False, 2, 0),
    ("char", True, 0, 1),
    ("none", False, 4, 2),
]


@pytest.mark.parametrize(("tok", "lc", "width", "cw"), CORPUS_CASES)
def test_corpus_scores_and_signatures_equal_the_sacrebleu_cli(
    runner: CliRunner, files: tuple[Path, Path, Path], tok: str, lc: bool, width: int, cw: int
) -> None:
    ref, hyp, _ = files
    common = ["-tok", tok, "-w", str(width), "--chrf-word-order", str(cw)] + (["-lc"] if lc else [])
    theirs = json.loads(
        sacrebleu(str(ref), "-i", str(hyp), "-m", "bleu", "chrf", "ter", "-f", "json", *common)
    )
    args = ["--hyp", str(hyp), "--ref", str(ref), "--metric", "bleu", "--metric", "chrf", "--metric", "ter"]
    ours = json.loads(mtrepair(runner, *args, *common, "-f", "json"))
    assert [o["name"] for o in ours] == [t["name"] for t in theirs]
    for o, t in zip(ours, theirs, strict=True):
        assert same_number(o["score"], width, t["score"]), (o, t)
        assert o["signature"] == t["signature"]
        assert o["formatted"].startswith(f"{t['name']} = {t['score']:.{width}f}")
        if "verbose_score" in t:
            assert o["formatted"].endswith(t["verbose_score"])
    # The text format prints sacrebleu's score string (name = score at width, then details).
    text = mtrepair(runner, *args, *common).splitlines()
    for line, t in zip(text, theirs, strict=True):
        system, formatted, signature = line.split("\t")
        assert system == str(hyp) and signature == t["signature"]
        assert formatted.startswith(f"{t['name']} = {t['score']:.{width}f}")


LINE = re.compile(r"^(?P<name>[^|]+)\|(?P<sig>\S+) = (?P<score>[0-9.]+)")


@pytest.mark.parametrize(
    ("metric", "options"),
    [
        ("bleu", ["-tok", "intl", "-lc", "-w", "3"]),
        ("chrf", ["--chrf-word-order", "2", "-w", "2"]),
        ("ter", ["-w", "1"]),
    ],
)
def test_sentence_scores_equal_sacrebleu_sentence_level(
    runner: CliRunner, files: tuple[Path, Path, Path], metric: str, options: list[str]
) -> None:
    ref, hyp, _ = files
    width = int(options[options.index("-w") + 1])
    theirs = [
        LINE.match(line)
        for line in sacrebleu(str(ref), "-i", str(hyp), "-m", metric, "-sl", *options).splitlines()
    ]
    out = json.loads(
        mtrepair(
            runner,
            "--hyp",
            str(hyp),
            "--ref",
            str(ref),
            "--metric",
            metric,
            "--sentence",
            "-f",
            "json",
            *options,
        )
    )
    assert len(theirs) == len(out["segments"]) == len(REF)
    for row, t in zip(out["segments"], theirs, strict=True):
        assert t is not None
        assert f"{row[metric]:.{width}f}" == t["score"]
        assert out["signatures"][metric] == t["sig"]


def test_force_silences_the_tokenized_input_warning_as_sacrebleu_does(
    runner: CliRunner, tmp_path: Path
) -> None:
    """sacrebleu warns (and still scores) from 100 lines ending in " ."; --force silences it."""
    ref = write(tmp_path / "ref.txt", [f"Report {i} says the dam held ." for i in range(110)])
    hyp = write(tmp_path / "hyp.txt", [f"Report {i} says the dam has held ." for i in range(110)])
    proc = subprocess.run(
        [str(SACREBLEU), str(ref), "-i", str(hyp), "-m", "bleu", "-f", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, **ENV},
        check=True,
    )
    assert "tokenized period" in proc.stderr
    theirs = json.loads(sacrebleu(str(ref), "-i", str(hyp), "-m", "bleu", "-f", "json", "--force"))
    args = ["score", "--hyp", str(hyp), "--ref", str(ref), "--metric", "bleu", "-f", "json", "-w", "1"]
    warned = runner.invoke(app, args, env=ENV)
    assert warned.exit_code == 0
    (line,) = warned.stderr.strip().splitlines()
    assert "110 lines end in a tokenized period" in line and "--force" in line
    forced = runner.invoke(app, [*args, "--force"], env=ENV)
    assert forced.exit_code == 0 and forced.stderr == ""
    for res in (warned, forced):
        (o,) = json.loads(res.stdout)
        assert same_number(o["score"], 1, theirs["score"]) and o["signature"] == theirs["signature"]
    # chrF alone: sacrebleu's check is BLEU's, so there is nothing to warn about.
    quiet = runner.invoke(app, ["score", "--hyp", str(hyp), "--ref", str(ref), "--metric", "chrf"], env=ENV)
    assert quiet.exit_code == 0 and quiet.stderr == ""


def table(out: str) -> str:
    """The tabular environment of a LaTeX output."""
    return out[out.index("\\begin{tabular}") : out.index("\\end{tabular}")]


@pytest.mark.parametrize("paired", [[], ["--paired-bs", "-pbsn", "100"]], ids=["plain", "paired-bs"])
def test_latex_table_equals_sacrebleus(
    runner: CliRunner, files: tuple[Path, Path, Path], paired: list[str]
) -> None:
    ref, hyp, hyp2 = files
    theirs = sacrebleu(
        str(ref), "-i", str(hyp), str(hyp2), "-m", "bleu", "chrf", "ter", "-f", "latex", "-w", "2", *paired
    )
    args = ["--hyp", str(hyp), "--hyp", str(hyp2), "--ref", str(ref), "--metric", "bleu"]
    args += ["--metric", "chrf", "--metric", "ter", "-f", "latex", "-w", "2"]
    if paired:
        args += ["--significance", "paired-bs", "--n-samples", "100"]
    ours = mtrepair(runner, *args)
    assert table(ours) == table(theirs)
    # The signatures follow as LaTeX comments, one per metric, as sacrebleu lists them.
    comments = [line for line in ours.splitlines() if line.startswith("% ")]
    listed = re.findall(r"^ - (\S+)\s+(\S+)$", theirs, flags=re.M)
    assert comments == [f"% {name}: {sig}" for name, sig in listed]


@pytest.mark.parametrize("test", ["paired-bs", "paired-ar"])
def test_a_system_compared_with_itself_gets_p_1(
    runner: CliRunner, files: tuple[Path, Path, Path], test: str
) -> None:
    ref, hyp, hyp2 = files
    copy = write(ref.parent / "copy.txt", HYP)
    flag = "--paired-bs" if test == "paired-bs" else "--paired-ar"
    theirs = json.loads(
        sacrebleu(
            str(ref),
            "-i",
            str(hyp),
            str(copy),
            str(hyp2),
            "-m",
            "bleu",
            "-f",
            "json",
            flag,
            "-pbsn",
            "100",
            "-parn",
            "100",
        )
    )
    assert theirs[1]["BLEU"]["p_value"] < 0.05  # sacrebleu: 1/(n+1), "significant" against itself
    args = ["--hyp", str(hyp), "--hyp", str(copy), "--hyp", str(hyp2), "--ref", str(ref), "--metric", "bleu"]
    rows = json.loads(mtrepair(runner, *args, "--significance", test, "--n-samples", "100", "-f", "json"))
    assert rows[1]["p_value"] == 1.0 and rows[1]["note"] == "identical to the baseline for this metric"
    # A different system keeps sacrebleu's p-value, untouched.
    assert rows[2]["p_value"] == pytest.approx(theirs[2]["BLEU"]["p_value"]) and "note" not in rows[2]
    text = mtrepair(runner, *args, "--significance", test, "--n-samples", "100")
    assert "p = 1.0000 (identical to the baseline for this metric)" in text.splitlines()[1]


def test_text_the_metric_cannot_tell_apart_counts_as_identical(
    runner: CliRunner, files: tuple[Path, Path, Path]
) -> None:
    """Lowercased BLEU sees no difference in case, chrF (case-sensitive) does."""
    ref, hyp, _ = files
    upper = write(ref.parent / "upper.txt", [h.upper() for h in HYP])
    args = ["--hyp", str(hyp), "--hyp", str(upper), "--ref", str(ref), "--metric", "bleu", "--metric", "chrf"]
    rows = json.loads(
        mtrepair(runner, *args, "-lc", "--significance", "paired-ar", "--n-samples", "200", "-f", "json")
    )
    by = {(r["system"], r["metric"]): r for r in rows}
    assert by[(str(upper), "bleu")]["p_value"] == 1.0 and "note" in by[(str(upper), "bleu")]
    assert by[(str(upper), "chrf")]["p_value"] < 0.05 and "note" not in by[(str(upper), "chrf")]


def test_hypotheses_from_stdin(runner: CliRunner, files: tuple[Path, Path, Path]) -> None:
    ref, hyp, _ = files
    from_file = json.loads(mtrepair(runner, "--hyp", str(hyp), "--ref", str(ref), "-f", "json"))
    for args in (["--hyp", "-"], []):
        piped = json.loads(
            mtrepair(runner, *args, "--ref", str(ref), "-f", "json", stdin=hyp.read_text(encoding="utf-8"))
        )
        assert [p["system"] for p in piped] == ["<stdin>", "<stdin>"]
        assert [(p["score"], p["signature"]) for p in piped] == [
            (f["score"], f["signature"]) for f in from_file
        ]


def test_stdin_and_files_compare_in_a_paired_test(runner: CliRunner, files: tuple[Path, Path, Path]) -> None:
    ref, hyp, hyp2 = files
    args = [
        "--hyp",
        str(hyp),
        "--hyp",
        "-",
        "--ref",
        str(ref),
        "--metric",
        "chrf",
        "--significance",
        "paired-ar",
    ]
    rows = json.loads(
        mtrepair(runner, *args, "--n-samples", "50", "-f", "json", stdin=hyp2.read_text(encoding="utf-8"))
    )
    assert [r["system"] for r in rows] == [str(hyp), "<stdin>"] and rows[1]["score"] > rows[0]["score"]


def one_line_error(
    runner: CliRunner, args: list[str], code: int, needle: str, stdin: str | None = None
) -> None:
    res = runner.invoke(app, ["score", *args], input=stdin, env=ENV)
    assert res.exit_code == code, res.output
    assert res.stdout == "" and needle in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr


def test_bad_options_and_input_are_one_line_errors(runner: CliRunner, files: tuple[Path, Path, Path]) -> None:
    ref, hyp, _ = files
    base = ["--hyp", str(hyp), "--ref", str(ref)]
    one_line_error(runner, [*base, "-tok", "moses"], 5, "unknown tokenizer 'moses'; use one of")
    one_line_error(runner, [*base, "-w", "-1"], 5, "width -1 out of range")
    one_line_error(runner, [*base, "-w", "17"], 5, "width 17 out of range")
    one_line_error(runner, [*base, "--chrf-word-order", "9"], 5, "word order 9 out of range")
    one_line_error(runner, [*base, "--metric", "chrf++", "-cw", "1"], 5, "chrf++ is chrF with word order 2")
    one_line_error(runner, [*base, "-f", "html"], 5, "unknown format 'html'")
    one_line_error(runner, [*base, "--sentence", "-f", "latex"], 5, "--sentence prints text or json")
    one_line_error(runner, ["--hyp", "-", "--ref", str(ref)], 2, "<stdin>: empty input", stdin="")
    one_line_error(
        runner, ["--hyp", "-", "--hyp", "-", "--ref", str(ref)], 5, "stdin can be read once", stdin="a\n"
    )
    one_line_error(runner, ["--hyp", "-", "--ref", str(ref)], 2, "line-aligned", stdin="only one line\n")
    if importlib.util.find_spec("MeCab") is None:
        one_line_error(runner, [*base, "-tok", "ja-mecab"], 5, "pip install 'sacrebleu[ja]'")


def test_a_tokenizer_that_would_download_is_a_one_line_error(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """flores101/200 load a SentencePiece model from sacrebleu's folder; mtrepair never downloads it."""
    ref, hyp, _ = files
    empty = tmp_path / "sacrebleu-home"
    empty.mkdir()
    env = {**os.environ, **ENV, "SACREBLEU": str(empty)}
    for tok in ("flores101", "flores200"):
        proc = subprocess.run(
            [str(MTREPAIR), "score", "--hyp", str(hyp), "--ref", str(ref), "-tok", tok],
            capture_output=True,
            text=True,
            env=env,
        )
        assert proc.returncode == 5 and proc.stdout == ""
        (line,) = proc.stderr.strip().splitlines()
        assert f"tokenizer {tok!r} needs its SentencePiece model at {empty}" in line
    assert not any(empty.iterdir())


def test_no_hyp_and_a_terminal_on_stdin_is_an_error_not_a_wait(files: tuple[Path, Path, Path]) -> None:
    ref, _, _ = files
    main, other = os.openpty()
    try:
        proc = subprocess.run(
            [str(MTREPAIR), "score", "--ref", str(ref)],
            stdin=other,
            capture_output=True,
            text=True,
            env={**os.environ, **ENV},
            timeout=120,
        )
    finally:
        os.close(main)
        os.close(other)
    assert proc.returncode == 5
    assert proc.stderr.strip() == "mtrepair: error: no hypotheses: pass --hyp FILE, or pipe them in (--hyp -)"


# ------------------------------------------------------------ TMX and XLIFF input

XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file source-language="fr" target-language="en" datatype="plaintext" original="news.txt">
  <body>
   <trans-unit id="a1"><source>Le ministre a annoncé un plan.</source>
    <target>The minister announced announced a plan.</target></trans-unit>
   <trans-unit id="a2"><source>Les syndicats jugent le <g id="1">montant</g> insuffisant.</source>
    <target>Unions find the <g id="1">amount</g> too small.</target></trans-unit>
   <trans-unit id="a3"><source>La tempête a fermé trois écoles.</source>
    <target>{a3}</target></trans-unit>
  </body>
 </file>
</xliff>
"""
XLIFF2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="fr" trgLang="en">
 <file id="f1">
  <unit id="a1"><segment><source>Le ministre a annoncé un plan.</source>
   <target>The minister has announced a plan.</target></segment></unit>
  <unit id="a2"><segment><source>Les syndicats jugent le montant insuffisant.</source>
   <target>The unions find the amount too small.</target></segment></unit>
  <unit id="a3"><segment><source>La tempête a fermé trois écoles.</source>
   <target>The storm closed three schools.</target></segment></unit>
 </file>
</xliff>
"""
# The post-edits, in another order than the XLIFF, and a German column that needs --tgt-lang.
TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
 <header creationtool="hand" creationtoolversion="1" segtype="sentence" o-tmf="none"
   adminlang="en" srclang="fr" datatype="plaintext"/>
 <body>
  <tu tuid="a3"><tuv xml:lang="fr"><seg>La tempête a fermé trois écoles.</seg></tuv>
   <tuv xml:lang="en"><seg>{a3}</seg></tuv>
   <tuv xml:lang="de"><seg>Der Sturm schloss drei Schulen.</seg></tuv></tu>
  <tu tuid="a1"><tuv xml:lang="fr"><seg>Le ministre a annoncé un plan.</seg></tuv>
   <tuv xml:lang="en"><seg>The minister announced a plan.</seg></tuv>
   <tuv xml:lang="de"><seg>Der Minister kündigte einen Plan an.</seg></tuv></tu>
  <tu tuid="a2"><tuv xml:lang="fr"><seg>Les syndicats jugent le montant insuffisant.</seg></tuv>
   <tuv xml:lang="en"><seg>Unions find the amount too small.</seg></tuv>
   <tuv xml:lang="de"><seg>Die Gewerkschaften finden den Betrag zu klein.</seg></tuv></tu>
 </body>
</tmx>
"""
PE = [
    "The minister announced a plan.",
    "Unions find the amount too small.",
    "The storm closed three schools.",
]
MT = [
    "The minister announced announced a plan.",
    "Unions find the amount too small.",
    "The storm shut three schools.",
]


def test_tmx_and_xliff_score_like_their_targets_as_text(runner: CliRunner, tmp_path: Path) -> None:
    """--hyp XLIFF 1.2/2.0 and --ref TMX: the targets are scored, paired by segment id."""
    mt = tmp_path / "mt.xlf"
    mt.write_text(XLIFF12.format(a3=MT[2]), encoding="utf-8")
    mt2 = tmp_path / "mt2.xliff"
    mt2.write_text(XLIFF2, encoding="utf-8")
    pe = tmp_path / "pe.tmx"
    pe.write_text(TMX.format(a3=PE[2]), encoding="utf-8")
    plain_ref = write(tmp_path / "pe.txt", PE)
    plain_hyp = write(tmp_path / "mt.txt", MT)
    metrics = ["--metric", "bleu", "--metric", "chrf", "--metric", "ter", "-f", "json"]
    expected = json.loads(mtrepair(runner, "--hyp", str(plain_hyp), "--ref", str(plain_ref), *metrics))
    got = json.loads(mtrepair(runner, "--hyp", str(mt), "--ref", str(pe), "--tgt-lang", "en", *metrics))
    assert [(g["score"], g["signature"]) for g in got] == [(e["score"], e["signature"]) for e in expected]
    assert [g["system"] for g in got] == [str(mt)] * 3
    # XLIFF 2 against a plain reference file, by position.
    xl2 = json.loads(mtrepair(runner, "--hyp", str(mt2), "--ref", str(plain_ref), *metrics))
    (bleu,) = (r for r in xl2 if r["metric"] == "bleu")
    assert 0 < bleu["score"] < 100
    # The TMX's other target language, German, is chosen with --tgt-lang and scores low against English.
    de = json.loads(mtrepair(runner, "--hyp", str(plain_hyp), "--ref", str(pe), "--tgt-lang", "de", *metrics))
    assert de[0]["score"] < 10 and de[0]["score"] < expected[0]["score"]
    # Per segment, each row names its segment id, in the reference's order.
    r3 = round(sacrebleu_api.sentence_bleu(MT[2], [PE[2]]).score, 4)
    out = json.loads(
        mtrepair(runner, "--hyp", str(mt), "--ref", str(pe), "--tgt-lang", "en", "--sentence", "-f", "json")
    )
    a1 = round(sacrebleu_api.sentence_bleu(MT[0], [PE[0]]).score, 4)
    assert [(r["id"], r["bleu"]) for r in out["segments"]] == [
        ("a3", r3),
        ("a1", a1),
        ("a2", 100.0),
    ]
    text = mtrepair(runner, "--hyp", str(mt), "--ref", str(pe), "--tgt-lang", "en", "--sentence").splitlines()
    assert text[0] == "segment\tid\tbleu\tchrf" and text[1].startswith("1\ta3\t")


def test_bilingual_problems_are_one_line(runner: CliRunner, tmp_path: Path) -> None:
    mt = tmp_path / "mt.xlf"
    mt.write_text(XLIFF12.format(a3=MT[2]), encoding="utf-8")
    pe = tmp_path / "pe.tmx"
    pe.write_text(TMX.format(a3=PE[2]), encoding="utf-8")
    # Two target languages in the TMX: which one is the reference must be said.
    one_line_error(runner, ["--hyp", str(mt), "--ref", str(pe)], 2, "--tgt-lang")
    # An XLIFF names its own target language: a different --tgt-lang is a mistake caught early.
    one_line_error(runner, ["--hyp", str(mt), "--ref", str(pe), "--tgt-lang", "de"], 2, "not 'de'")
    # An untranslated reference segment cannot be scored against.
    hole = tmp_path / "hole.tmx"
    hole.write_text(TMX.format(a3=""), encoding="utf-8")
    one_line_error(
        runner, ["--hyp", str(mt), "--ref", str(hole), "--tgt-lang", "en"], 2, "segment a3 has no target"
    )
    # An untranslated hypothesis segment is scored as empty, with a one-line warning.
    untranslated = tmp_path / "untranslated.xlf"
    untranslated.write_text(XLIFF12.format(a3=""), encoding="utf-8")
    res = runner.invoke(
        app,
        ["score", "--hyp", str(untranslated), "--ref", str(pe), "--tgt-lang", "en", "--metric", "chrf"],
        env=ENV,
    )
    assert res.exit_code == 0, res.output
    (line,) = res.stderr.strip().splitlines()
    assert "1 untranslated segment(s) (first: a3) scored as empty" in line
    broken = tmp_path / "broken.xlf"
    broken.write_text(XLIFF12.format(a3=MT[2])[:200], encoding="utf-8")
    one_line_error(runner, ["--hyp", str(broken), "--ref", str(pe), "--tgt-lang", "en"], 2, str(broken))
