"""`score` gives sacrebleu's numbers, with signatures and working significance tests."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtrepair.cli import app

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mlqe-pe" / "ro-en-dev"
needs_mlqe = pytest.mark.skipif(not DATA.exists(), reason="MLQE-PE data (../shared) not present")


@needs_mlqe
def test_corpus_scores_equal_the_sacrebleu_cli(runner: CliRunner) -> None:
    res = runner.invoke(
        app,
        [
            "score",
            "--hyp",
            str(DATA / "dev.mt"),
            "--ref",
            str(DATA / "dev.pe"),
            "--metric",
            "bleu",
            "--metric",
            "chrf",
            "--metric",
            "ter",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    ours = {r["metric"]: r for r in json.loads(res.stdout)}
    exe = Path(sys.executable).parent / "sacrebleu"
    proc = subprocess.run(
        [
            str(exe),
            str(DATA / "dev.pe"),
            "-i",
            str(DATA / "dev.mt"),
            "-m",
            "bleu",
            "chrf",
            "ter",
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = json.loads(proc.stdout)
    for m, t in zip(("bleu", "chrf", "ter"), theirs, strict=True):
        assert round(ours[m]["score"], 1) == t["score"]
        assert ours[m]["signature"].split("|")[0] == "nrefs:1"
        if m == "bleu":
            assert t["verbose_score"] in ours[m]["formatted"]


def test_sentence_scores_and_signatures(runner: CliRunner, tmp_path: Path) -> None:
    hyp = tmp_path / "h.txt"
    ref = tmp_path / "r.txt"
    hyp.write_text("the cat sat on the mat\nno match here\n")
    ref.write_text("the cat sat on the mat\nsomething else entirely\n")
    res = runner.invoke(
        app, ["score", "--hyp", str(hyp), "--ref", str(ref), "--sentence", "--format", "json"]
    )
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert out["segments"][0]["bleu"] == 100.0 and out["segments"][1]["bleu"] < 20
    assert "eff:yes" in out["signatures"]["bleu"]


@needs_mlqe
@pytest.mark.parametrize("test", ["paired-bs", "paired-ar"])
def test_significance_between_systems(runner: CliRunner, test: str) -> None:
    res = runner.invoke(
        app,
        [
            "score",
            "--hyp",
            str(DATA / "dev.mt"),
            "--hyp",
            str(DATA / "dev.pe"),
            "--ref",
            str(DATA / "dev.pe"),
            "--significance",
            test,
            "--n-samples",
            "100",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = [r for r in json.loads(res.stdout) if r["metric"] == "bleu"]
    assert rows[1]["p_value"] is not None and rows[1]["p_value"] < 0.05
    assert ("bs:" if test == "paired-bs" else "ar:") in rows[0]["signature"]


@needs_mlqe
def test_misaligned_files_are_one_line_errors(runner: CliRunner, tmp_path: Path) -> None:
    short = tmp_path / "s.txt"
    short.write_text("one line\n")
    res = runner.invoke(app, ["score", "--hyp", str(short), "--ref", str(DATA / "dev.pe")])
    assert res.exit_code == 2 and "line-aligned" in res.stderr
    res = runner.invoke(app, ["score", "--hyp", str(tmp_path / "missing"), "--ref", str(DATA / "dev.pe")])
    assert res.exit_code == 2 and "no such file" in res.stderr
    res = runner.invoke(app, ["score", "--hyp", str(short), "--ref", str(short), "--metric", "meteor"])
    assert res.exit_code == 5 and "unknown metric" in res.stderr


@needs_mlqe
def test_repair_effect_with_rule_attribution(runner: CliRunner, tmp_path: Path) -> None:
    refs = (DATA / "dev.pe").read_text(encoding="utf-8").splitlines()[:60]
    hyps = (DATA / "dev.mt").read_text(encoding="utf-8").splitlines()[:60]
    damaged = [f"{h.split()[0]} {h}" if i % 3 == 0 else h for i, h in enumerate(hyps)]  # doubled first word
    (tmp_path / "g.txt").write_text("\n".join(damaged) + "\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("\n".join(refs) + "\n", encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "score",
            "--hyp",
            str(tmp_path / "g.txt"),
            "--ref",
            str(tmp_path / "r.txt"),
            "--repair",
            "--metric",
            "bleu",
            "--n-samples",
            "100",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    (effect,) = json.loads(res.stdout)
    assert effect["after"]["score"] > effect["before"]["score"]
    assert effect["edits"]["doubled_word"] >= 15
    assert effect["attribution"]["doubled_word"] > 0
    assert effect["p_value"] is not None


# ------------------------------------------------------------ markdown tables

# Line-aligned segments written for these tests: French and Arabic, with a doubled word.
FR_REF = [
    "Le ministre a annoncé un plan pour les agriculteurs.",
    "Les syndicats jugent le montant insuffisant.",
]
FR_HYP = [
    "Le ministre a annoncé annoncé un plan pour agriculteurs.",
    "Les syndicats trouvent le montant faible.",
]
AR_REF = ["أعلنت الحكومة خطة لدعم المزارعين.", "اعتبرت النقابات أن المبلغ غير كاف."]
AR_HYP = ["أعلنت الحكومة خطة خطة لدعم المزارعين.", "قالت النقابات إن المبلغ قليل."]


def unescaped_pipes(row: str) -> int:
    """The pipes that delimit cells: those not escaped by an odd run of backslashes."""
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", row))


def cells(row: str) -> list[str]:
    """The cells of a Markdown table row, split at unescaped pipes, unescaped, outer spaces dropped."""
    parts = re.split(r"(?<!\\)((?:\\\\)*)\|", row.strip())
    # re.split keeps each captured backslash run; glue it back to the cell before it
    out, buf = [], ""
    for k, part in enumerate(parts):
        buf += part
        if k % 2 == 1:
            out.append(buf)
            buf = ""
    out.append(buf)
    return [c.strip().replace("\\|", "|") for c in out[1:-1]]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def markdown_rows(out: str) -> list[str]:
    rows = [line for line in out.splitlines() if line.startswith("|")]
    assert len(rows) >= 3 and set(rows[1]) <= set("|-: ")  # header, delimiter, body
    return rows


@pytest.mark.parametrize(("ref", "hyp"), [(FR_REF, FR_HYP), (AR_REF, AR_HYP)], ids=["fr", "ar"])
@pytest.mark.parametrize("significance", [None, "paired-ar"])
def test_markdown_rows_have_as_many_cells_as_the_header(
    runner: CliRunner, tmp_path: Path, ref: list[str], hyp: list[str], significance: str | None
) -> None:
    # A file name may hold a pipe too (it is the system's name in the table).
    r = write_lines(tmp_path / "ref.txt", ref)
    h1 = write_lines(tmp_path / "mt|v1.txt", hyp)
    h2 = write_lines(tmp_path / "mt|v2.txt", ref)
    args = ["score", "--hyp", str(h1), "--hyp", str(h2), "--ref", str(r), "--metric", "bleu"]
    args += ["--metric", "chrf", "--metric", "ter"]
    if significance:
        args += ["--significance", significance, "--n-samples", "50"]
    md = runner.invoke(app, [*args, "--format", "markdown"])
    assert md.exit_code == 0, md.output
    rows = markdown_rows(md.stdout)
    header = unescaped_pipes(rows[0])
    assert header == 7
    assert [unescaped_pipes(row) for row in rows] == [header] * len(rows)
    # Unescaped, every cell says what JSON says: the signature and the system, verbatim.
    js = runner.invoke(app, [*args, "--format", "json"])
    expected = [(x["system"], x["metric"], f"`{x['signature']}`") for x in json.loads(js.stdout)]
    assert all("|" in sig for _, _, sig in expected)
    got = [(c[0], c[1], c[5]) for c in map(cells, rows[2:])]
    assert got == expected


def test_markdown_cells_keep_backslashes_and_stay_on_one_line(tmp_path: Path) -> None:
    from mtrepair.markdown import md_cell

    assert md_cell("mt|v1.txt") == "mt\\|v1.txt"
    assert md_cell("C:\\mt\\|x") == "C:\\\\mt\\\\\\|x"  # a backslash before a pipe cannot escape it
    trailing = md_cell("c\\")  # a cell ending in a backslash must not escape the next pipe
    assert unescaped_pipes(f"| {md_cell('a|b')} | {trailing} |") == 3
    assert md_cell("two\nlines\r\nhere") == "two lines here"
    assert md_cell("plain") == "plain"
    # Code spans show backslashes literally, so only pipes are escaped there; GFM
    # unescapes `\|` inside a code span in a table cell.
    assert md_cell("nrefs:1|case:mixed", code=True) == "`nrefs:1\\|case:mixed`"
    assert md_cell("a\\b|c", code=True) == "`a\\b\\|c`"
    assert md_cell("x`y", code=True) == "``x`y``" and md_cell("`q", code=True) == "`` `q ``"


def test_text_and_json_keep_signatures_unescaped(runner: CliRunner, tmp_path: Path) -> None:
    r = write_lines(tmp_path / "ref.txt", FR_REF)
    h = write_lines(tmp_path / "hyp.txt", FR_HYP)
    args = ["score", "--hyp", str(h), "--ref", str(r), "--metric", "chrf"]
    text = runner.invoke(app, args).stdout
    (row,) = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    assert row["signature"].startswith("nrefs:1|case:mixed") and "\\" not in row["signature"]
    assert text.rstrip("\n").endswith(row["signature"]) and "\\|" not in text


class _Cells(HTMLParser):
    """The text of every ``td`` of a rendered table, row by row."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._in_td = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._in_td = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_td = False

    def handle_data(self, data: str) -> None:
        if self._in_td:
            self.rows[-1][-1] += data


def test_a_markdown_renderer_shows_every_cell_verbatim(runner: CliRunner, tmp_path: Path) -> None:
    """Rendered as a GFM table (markdown-it-py, which rich already installs), nothing moves."""
    markdown_it = pytest.importorskip("markdown_it")
    r = write_lines(tmp_path / "ref.txt", AR_REF)
    h1 = write_lines(tmp_path / "mt|v1.txt", AR_HYP)
    h2 = write_lines(tmp_path / "back\\|slash.txt", FR_HYP[:1] + AR_HYP[1:])
    args = [
        "score",
        "--hyp",
        str(h1),
        "--hyp",
        str(h2),
        "--ref",
        str(r),
        "--metric",
        "chrf",
        "--metric",
        "bleu",
    ]
    md = runner.invoke(app, [*args, "--format", "markdown"]).stdout
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(md)
    body = [row for row in _Cells(html).rows if row]
    expected = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    assert [len(row) for row in body] == [6] * len(expected)
    assert [(row[0], row[1], row[5]) for row in body] == [
        (x["system"], x["metric"], x["signature"]) for x in expected
    ]
