"""The HTML review page (``clean --html``): markup, offsets, safety, and a real browser.

The page is checked two ways: parsed with the standard library (every seed, fast,
no browser needed), and rendered by headless Chromium, which runs the page's
script under its Content-Security-Policy and takes a screenshot.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import mtrepair.review as review
from mtrepair.cli import app
from mtrepair.config import Config
from mtrepair.corpus import clean_corpus
from mtrepair.glossary import default_paths
from mtrepair.model import Finding, Step
from mtrepair.pipeline import clean_text, locate
from mtrepair.report import document_entry
from mtrepair.review import Mark, markup, output_spans
from tests.conftest import SEED_IDS, seed_path

HOSTILE = (
    'A U.S.\n\n\n\ndiplomat said <script>alert(1)</script> and "><img src=x onerror=alert(2)> '
    "the Colonel Colonel spoke.\n\n</div></section><b>bold</b> & &amp; {x} {{y}} end.\n"
)
CONFIG = Config().with_glossary(default_paths())  # as `mtrepair clean` runs by default
VOID = {"meta", "input", "br", "img", "link", "hr", "area", "base", "col", "embed", "source", "track", "wbr"}


class Dom(HTMLParser):
    """Every element with its attributes, and the text of each document's two columns."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.columns: dict[tuple[str, str], list[str]] = {}
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._doc = ""
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag == "section" and "doc" in a.get("class", "").split():
            self._doc = a["id"]
        if tag not in VOID:
            self._stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1][0] == "script":
            self.scripts.append(data)
        elif self._stack and self._stack[-1][0] == "style":
            self.styles.append(data)
        for _, a in self._stack:
            classes = a.get("class", "").split()
            if "text" in classes:
                side = "orig" if "orig" in classes else "rep"
                self.columns.setdefault((self._doc, side), []).append(data)

    def text(self, doc: str, side: str) -> str:
        return "".join(self.columns.get((doc, side), []))

    def having(self, cls: str, attr: str | None = None) -> list[dict[str, str]]:
        return [
            a for _, a in self.elements if cls in a.get("class", "").split() and (attr is None or attr in a)
        ]


@pytest.fixture
def no_qe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep library tests fast and independent of the optional mtrepair.qe package."""
    monkeypatch.setattr(review, "qe_scorer", lambda lang: (None, "switched off in this test"))


def clean_to_page(
    tmp_path: Path, paths: Sequence[str], *, reference: Any = None
) -> tuple[str, list[dict[str, Any]]]:
    """Clean ``paths`` with --html and --report; the page and the report's documents."""
    page, report = tmp_path / "review.html", tmp_path / "edits.json"
    clean_corpus(
        list(paths),
        config=CONFIG,
        out=None,
        stdout=io.StringIO(),
        report=report,
        html=page,
        reference=reference,
    )
    return page.read_text(encoding="utf-8"), json.loads(report.read_text(encoding="utf-8"))["documents"]


# ----------------------------------------------------------------------- markup


def test_markup_nests_crossing_marks_and_keeps_one_primary_each() -> None:
    marks = [
        Mark(0, 4, 1, '<span id="a">', '<span class="cont">'),
        Mark(2, 6, 2, '<span id="b">', '<span class="cont">'),
        Mark(3, 3, 2, '<span id="c">', '<span class="cont">'),
    ]
    out = "".join(markup("abcdef", marks))
    assert out == (
        '<span id="a">ab<span id="b">c<span id="c"></span>d</span></span><span class="cont">ef</span>'
    )
    dom = Dom(out)
    assert [a.get("id") for _, a in dom.elements if "id" in a] == ["a", "b", "c"]


def test_markup_escapes_text_and_draws_whitespace_only_inside_edits() -> None:
    out = "".join(markup("<b>\n&\r\n", [Mark(3, 6, 2, "<span>", "<span>", True)]))
    assert out == '&lt;b&gt;<span><i class="nl"></i>\n&amp;<i class="cr"></i>&#13;</span>\n'


# ---------------------------------------------------------------------- offsets


def _entry_edits(steps: Sequence[Step]) -> list[dict[str, Any]]:
    out = []
    for s, step in enumerate(steps):
        for e in step.edits:
            out.append({"step": s, "rule": e.rule, "start": e.start, "end": e.end, "original": e.original,
                        "replacement": e.replacement, "message": "", "confidence": 1.0})  # fmt: skip
    return out


def test_output_spans_follow_later_steps() -> None:
    # "ab cd" -> "X cd" (step 0) -> "Yd" (step 1 rewrites text step 0 wrote)
    steps = [
        Step("r", (Finding("r", 0, 2, "ab", "X", "", 1.0),)),
        Step("r", (Finding("r", 0, 3, "X c", "Y", "", 1.0),)),
    ]
    spans, flags = output_spans(_entry_edits(steps), [(3, 5), (0, 0)])
    assert spans == [(0, 1), (0, 1)]
    assert flags == [(0, 2), (0, 0)]


def test_output_spans_of_insertions_and_deletions_at_one_point() -> None:
    # one step: delete "b", insert "+" at 2, replace "cd" with "Z": "abcde" -> "a+Ze"
    step = Step(
        "r",
        (
            Finding("r", 1, 2, "b", "", "", 1.0),
            Finding("r", 2, 2, "", "+", "", 1.0),
            Finding("r", 2, 4, "cd", "Z", "", 1.0),
        ),
    )
    spans, flags = output_spans(_entry_edits([step]), [(0, 2), (2, 5), (4, 5)])
    assert spans == [(1, 1), (1, 2), (2, 3)]
    assert flags == [(0, 1), (2, 4), (3, 4)]


@pytest.mark.parametrize("seed", SEED_IDS)
def test_last_step_edits_land_on_their_replacement(seed: str) -> None:
    result = clean_text(seed_path(seed[:3]).read_text(encoding="utf-8"), CONFIG)
    entry = document_entry(seed, "seed", result)
    spans, _ = output_spans(entry["edits"])
    last = max(e["step"] for e in entry["edits"])
    for e, (start, end) in zip(entry["edits"], spans, strict=True):
        assert 0 <= start <= end <= len(result.text)
        if e["step"] == last:
            assert result.text[start:end] == e["replacement"]
    assert len(locate(result.steps)) == len(result.steps)


# ------------------------------------------------------------------ page (parsed)


@pytest.mark.usefixtures("no_qe")
def test_every_seed_page_shows_every_edit_and_both_texts_verbatim(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(b"Windows line\r\nends here.\r\n\r\nThe U.S.\r\n\r\n\r\n\r\ntroops left.\r\n")
    paths = [str(seed_path(s[:3])) for s in SEED_IDS] + [str(crlf)]
    page, docs = clean_to_page(tmp_path, paths)
    dom = Dom(page)
    edits = dom.having("edit", "data-rule")
    assert len(edits) == sum(len(d["edits"]) for d in docs)
    assert len(dom.having("flag", "data-rule")) == sum(len(d["flags"]) for d in docs)
    assert {a["data-rule"] for a in edits} == {e["rule"] for d in docs for e in d["edits"]}
    ids = {a["id"] for _, a in dom.elements if "id" in a}
    assert all(a["data-of"] in ids for _, a in dom.elements if "data-of" in a)
    for n, path in enumerate(paths, start=1):
        original = Path(path).read_bytes().decode("utf-8")
        assert dom.text(f"doc-{n}", "orig") == original
        assert dom.text(f"doc-{n}", "rep") == clean_text(original, CONFIG).text
    twins = [a for a in dom.having("twin") if "cont" not in a["class"].split()]
    assert len(twins) == len(edits) + len(dom.having("flag", "data-rule"))


@pytest.mark.usefixtures("no_qe")
def test_page_loads_nothing_and_its_policy_pins_its_own_script(tmp_path: Path) -> None:
    page, _ = clean_to_page(tmp_path, [str(seed_path("002"))])
    dom = Dom(page)
    (csp,) = [a["content"] for t, a in dom.elements if t == "meta" and a.get("http-equiv")]
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe" not in csp
    (script,), (style,) = dom.scripts, dom.styles
    for source in (script, style):
        digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert not [t for t, a in dom.elements if "src" in a or t in ("link", "img", "iframe", "object")]
    assert all(a["href"].startswith("#") for _, a in dom.elements if "href" in a)
    assert not [a for _, a in dom.elements if "style" in a or any(k.startswith("on") for k in a)]
    assert not re.search(r"https?:|url\(|@import", page)


@pytest.mark.usefixtures("no_qe")
def test_hostile_text_is_escaped_everywhere(tmp_path: Path) -> None:
    hostile = tmp_path / 'evil"<i>{x}.txt'
    hostile.write_text(HOSTILE, encoding="utf-8")
    page, docs = clean_to_page(tmp_path, [str(hostile)])
    dom = Dom(page)
    assert [t for t, _ in dom.elements if t in ("script", "img", "b")] == ["script"]
    assert "<script>alert(1)</script>" in dom.text("doc-1", "orig")
    assert dom.text("doc-1", "orig") == HOSTILE
    assert len(dom.having("edit", "data-rule")) == len(docs[0]["edits"]) > 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.usefixtures("no_qe")
def test_summary_counts_rules_documents_and_glossary_entries(tmp_path: Path) -> None:
    page, docs = clean_to_page(tmp_path, [str(seed_path("002")), str(seed_path("003"))])
    dom = Dom(page)
    boxes = {a["value"] for a in dom.having("rule") if a.get("type") == "checkbox"}
    assert boxes == {e["rule"] for d in docs for e in (*d["edits"], *d["flags"])}
    index = re.findall(r'<td class="id"><a href="#doc-(\d+)"', page)
    assert index == ["1", "2"]
    entries = {e["ref"] for d in docs for e in d["edits"] if e["rule"] == "glossary"}
    assert entries and all(f"<code>{ref}</code>" in page for ref in entries)


def test_garble_heat_strip_when_a_scorer_is_given(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    text = seed_path("002").read_text(encoding="utf-8")
    result = clean_text(text, CONFIG)

    def scorer(sentences: Sequence[str]) -> list[tuple[float, str]]:
        return [(0.95 if "Colonel" in s else 0.05, "test") for s in sentences]

    with review.review_writer(target, config=CONFIG, garble=scorer) as w:
        w.add(document_entry("002", "seed", result), original=text, repaired=result.text)
        assert w.spool.tell() > 0  # the section is on disk before the page is finished
    page = target.read_text(encoding="utf-8")
    assert page.count('class="h9"') == 2  # one garbled sentence per column
    # the sentence with "Army Colonel" (seed 002's doubled word) is shaded, with its score and reason
    assert re.search(r'<span id="d1rs\d+" class="s h9" title="garble 0.95 \(test\): Two people', page)


def test_a_failing_garble_scorer_leaves_a_note_not_an_error(tmp_path: Path) -> None:
    def broken(sentences: Sequence[str]) -> list[tuple[float, str]]:
        raise RuntimeError("no weights")

    target = tmp_path / "r.html"
    result = clean_text("The U.S.\n\n\n\ntroops left.\n")
    with review.review_writer(target, config=CONFIG, garble=broken) as w:
        w.add(document_entry("x", "x", result), original=result.original, repaired=result.text)
    page = target.read_text(encoding="utf-8")
    assert "No garble heat strip: mtrepair.qe failed (RuntimeError: no weights)" in page
    assert 'class="heat"' not in page


# Short news paragraphs written for these tests, each with damage `clean` repairs:
# a paragraph broken after an abbreviation ("M.", "د.") and a doubled word. The
# Arabic one ends on a short line closed by an ASCII full stop: "؟" and "،" are
# Arabic letters to the bidi algorithm (class AL) and land right in any box, while
# "." is neutral and takes the box's direction, so it is what a wrong layout strands
# on the right; and a line shorter than the box shows which side it is aligned to.
FRENCH = (
    "PARIS — Le gouvernement a annoncé mardi un plan de soutien aux agriculteurs touchés par la "
    "sécheresse. Selon le ministre M.\n\nDupont, les aides seront versées avant la fin du mois.\n\n"
    "Les syndicats ont salué une mesure attendue, mais ils jugent le montant montant insuffisant. "
    "« Nous attendons des actes », a déclaré une porte-parole de la confédération.\n"
)
ARABIC = (
    "أعلنت الحكومة يوم الثلاثاء عن خطة جديدة لدعم المزارعين المتضررين من الجفاف. وقال الوزير د.\n\n"
    "أحمد سالم إن المساعدات ستصرف قبل نهاية الشهر الجاري.\n\n"
    "ورحبت النقابات بالقرار، لكنها اعتبرت أن المبلغ المبلغ غير كاف لتعويض الخسائر. "
    "فهل تكفي هذه الإجراءات؟\n\n"
    "وتجتمع النقابات مجددا الأسبوع المقبل.\n"
)
# English with one sentence left in French: that sentence *is* foreign to the document.
ENGLISH_WITH_FRENCH = (
    "The minister presented the new budget for farmers on Tuesday in Paris.\n\n"
    "Les syndicats ont salué une mesure attendue mais jugent le montant insuffisant.\n\n"
    "The unions will meet again next week to discuss the plan with the government.\n"
)
FOREIGN_DOCS = {"fr": FRENCH, "ar": ARABIC}


def write_doc(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def sentence_titles(dom: Dom, side: str) -> list[str]:
    """The tooltips of one column's scored sentences (``side``: ``o`` original, ``r`` repaired)."""
    return [a["title"] for a in dom.having("s") if re.fullmatch(rf"d\d+{side}s\d+", a.get("id", ""))]


@pytest.mark.parametrize("lang", sorted(FOREIGN_DOCS))
def test_both_panes_are_scored_in_the_document_language(tmp_path: Path, lang: str) -> None:
    path = write_doc(tmp_path, f"{lang}.txt", FOREIGN_DOCS[lang])
    page, docs = clean_to_page(tmp_path, [str(path)])
    assert docs[0]["edits"]  # the damage was repaired, so the two panes differ
    dom = Dom(page)
    for side in ("o", "r"):
        titles = sentence_titles(dom, side)
        assert len(titles) >= 3, side
        assert not [t for t in titles if "foreign_language" in t], (side, titles)
        assert not [t for t in titles if t.startswith("garble 1.00")], (side, titles)


def test_a_foreign_sentence_in_an_english_document_still_scores_as_foreign(tmp_path: Path) -> None:
    path = write_doc(tmp_path, "en.txt", ENGLISH_WITH_FRENCH)
    page, _ = clean_to_page(tmp_path, [str(path)])
    dom = Dom(page)
    for side in ("o", "r"):
        foreign = [t for t in sentence_titles(dom, side) if "foreign_language" in t]
        assert len(foreign) == 1 and "Les syndicats" in foreign[0], side


@pytest.mark.parametrize(("lang_option", "expected"), [("auto", ["fr", "ar", "en"]), ("fr", ["fr"] * 3)])
def test_the_scorer_gets_the_guessed_or_given_language_per_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang_option: str, expected: list[str]
) -> None:
    asked: list[str] = []

    def fake_qe(lang: str) -> tuple[review.GarbleScorer, str]:
        def score(sentences: Sequence[str]) -> list[tuple[float, str]]:
            asked.append(lang)
            return [(0.1, "test") for _ in sentences]

        return score, ""

    monkeypatch.setattr(review, "qe_scorer", fake_qe)
    target = tmp_path / "r.html"
    config = Config(lang=lang_option)
    with review.review_writer(target, config=config) as w:
        for n, text in enumerate((FRENCH, ARABIC, ENGLISH_WITH_FRENCH)):
            result = clean_text(text, config)
            w.add(document_entry(str(n), "x", result), original=text, repaired=result.text)
    # one call per pane: original and repaired (these entries carry no report garble block)
    assert asked == [lang for lang in expected for _ in range(2)]


@pytest.mark.usefixtures("no_qe")
def test_text_columns_carry_the_document_language_and_direction(tmp_path: Path) -> None:
    paths = [
        write_doc(tmp_path, "fr.txt", FRENCH),
        write_doc(tmp_path, "ar.txt", ARABIC),
        seed_path("002"),
    ]
    page, _ = clean_to_page(tmp_path, [str(p) for p in paths])
    dom = Dom(page)
    texts = dom.having("text")
    assert len(texts) == 6
    got = [(a["lang"], a["dir"]) for a in texts]
    assert got == [("fr", "ltr")] * 2 + [("ar", "rtl")] * 2 + [("en", "ltr")] * 2


def test_the_heat_strip_reads_in_the_document_direction(tmp_path: Path) -> None:
    def scorer(sentences: Sequence[str]) -> list[tuple[float, str]]:
        return [(0.2, "test") for _ in sentences]

    target = tmp_path / "r.html"
    with review.review_writer(target, config=CONFIG, garble=scorer) as w:
        for n, text in enumerate((ARABIC, FRENCH)):
            result = clean_text(text, CONFIG)
            w.add(document_entry(str(n), "x", result), original=text, repaired=result.text)
    strips = Dom(target.read_text(encoding="utf-8")).having("heat")
    assert [a["dir"] for a in strips] == ["rtl", "rtl", "ltr", "ltr"]


@pytest.mark.usefixtures("no_qe")
def test_reference_rows_and_metrics_with_signatures(tmp_path: Path) -> None:
    from sacrebleu.metrics import CHRF

    from mtrepair.corpus import ReferenceSpec

    reference = Path(__file__).parent.parent / "benchmarks" / "reference" / "002.clean.txt"
    ref_text = reference.read_text(encoding="utf-8")
    spec = ReferenceSpec(ref_text, "002.clean.txt")
    page, docs = clean_to_page(tmp_path, [str(seed_path("002"))], reference=spec)
    beads = docs[0]["reference"]["beads"]
    assert len(re.findall(r'<tr class="(?:ok|mm|lost|ins)">', page)) == len(beads)
    # Each word-level divergence is listed in its bead's row.
    assert page.count('<tr class="mm">') >= 1
    assert re.search(r"substitution \(content word\): .{0,12}shouted.{0,40}blared", page)
    # Both sides of a divergence are marked in their cells, titled with what differs.
    assert re.search(r'<mark class="x" title="substitution[^"]*blared[^"]*">shouted</mark>', page)
    assert re.search(r'<mark class="x" title="substitution[^"]*">blared</mark>', page)
    assert "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no" in page  # chrF signature
    clean_ref = " ".join(clean_text(ref_text, CONFIG).text.split())
    repaired = " ".join(clean_text(seed_path("002").read_text(encoding="utf-8"), CONFIG).text.split())
    expected = CHRF().corpus_score([repaired], [[clean_ref]]).score
    assert re.search(rf"<td>chrF</td><td>[\d.]+</td><td>{expected:.2f}</td>", page)


def test_html_cannot_overwrite_an_input_or_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("The U.S.\n\n\n\ntroops left.\n", encoding="utf-8")
    res = runner.invoke(app, ["clean", str(doc), "--html", str(doc)])
    assert res.exit_code == 4 and "is also an input" in res.stderr
    assert doc.read_text(encoding="utf-8") == "The U.S.\n\n\n\ntroops left.\n"
    res = runner.invoke(app, ["clean", str(doc), "--html", str(tmp_path)])
    assert res.exit_code == 4 and "is a folder" in res.stderr


# --------------------------------------------------------------------- browser

BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def find_chromium() -> str | None:
    """Debian's chromium (what .ci/run installs), or another Chrome build, or $MTREPAIR_CHROMIUM."""
    named = os.environ.get("MTREPAIR_CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture
def chromium() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip(
            "no chromium on PATH (checked chromium, chromium-browser, google-chrome, chrome and "
            "$MTREPAIR_CHROMIUM): install Debian's `chromium` (apt-get install chromium), as .ci/run does"
        )
    return found


def browse(
    chromium: str, page: Path, tmp_path: Path, *args: str, fragment: str = ""
) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [chromium, *BROWSER_FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri() + fragment],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )


def test_seed_002_in_headless_chromium(chromium: str, runner: CliRunner, tmp_path: Path) -> None:
    report, page = tmp_path / "R.json", tmp_path / "H.html"
    res = runner.invoke(app, ["clean", str(seed_path("002")), "--report", str(report), "--html", str(page)])
    assert res.exit_code == 0, res.stderr
    (doc,) = json.loads(report.read_text(encoding="utf-8"))["documents"]
    n_edits, n_flags = len(doc["edits"]), len(doc["flags"])

    # Open the page on its 28th edit (seed 002's doubled "Colonel"), as a link to an edit would.
    colonel = 1 + next(i for i, e in enumerate(doc["edits"]) if e["rule"] == "doubled_word")
    dumped = browse(chromium, page, tmp_path, "--dump-dom", fragment=f"#d1e{colonel}").stdout
    dom = Dom(dumped)
    assert len(dom.having("edit", "data-rule")) == n_edits == 30
    assert len(dom.having("flag", "data-rule")) == n_flags
    # The page's script ran under its own CSP: it marks the page and counts what it shows.
    (html_tag,) = [a for t, a in dom.elements if t == "html"]
    assert html_tag.get("data-ready") == str(n_edits + n_flags)
    assert re.search(rf'id="shown"[^>]*>showing {n_edits} of {n_edits} edits<', dumped)
    current = [a for a in dom.having("cur")]
    assert current[0]["id"] == f"d1e{colonel}" and current[0]["data-rule"] == "doubled_word"
    assert [a["data-of"] for a in current[1:]] == [f"d1e{colonel}"]  # its twin in the repaired text
    assert re.search(r'<aside id="detail"[^>]*>1: 002_\w+\.txt  ·  <b>doubled_word \(token\)', dumped)

    shot = tmp_path / "review-002.png"
    browse(chromium, page, tmp_path, f"--screenshot={shot}", "--window-size=1400,1000")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_hostile_document_in_headless_chromium(chromium: str, runner: CliRunner, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    page = tmp_path / "H.html"
    res = runner.invoke(app, ["clean", str(hostile), str(seed_path("002")), "--html", str(page)])
    assert res.exit_code == 0, res.stderr
    dumped = browse(chromium, page, tmp_path, "--dump-dom").stdout
    dom = Dom(dumped)
    assert [t for t, _ in dom.elements if t in ("script", "img", "b")] == ["script"]
    assert "<script>alert(1)</script>" in dom.text("doc-1", "orig")
    assert 'data-ready="' in dumped


# Run inside the page (its CSP is widened by this script's hash in the test's copy
# only): for each text column, its computed direction, and where the last paragraph's
# first letter and its final punctuation (with the letter before it) are drawn.
PROBE = """
(function(){
function rect(nodes,k){
  for(var i=0;i<nodes.length;i++){
    var len=nodes[i].data.length;
    if(k<len){var r=document.createRange();r.setStart(nodes[i],k);r.setEnd(nodes[i],k+1);
      var b=r.getBoundingClientRect();return [b.left,b.right];}
    k-=len;
  }
  return null;
}
document.querySelectorAll(".text").forEach(function(box){
  var w=document.createTreeWalker(box,NodeFilter.SHOW_TEXT),nodes=[],n;
  while((n=w.nextNode()))nodes.push(n);
  var text=nodes.map(function(t){return t.data;}).join("");
  var end=text.replace(/\\s+$/,"").length-1,start=text.lastIndexOf("\\n\\n",end)+2;
  var b=box.getBoundingClientRect();
  box.setAttribute("data-probe",JSON.stringify({
    direction:getComputedStyle(box).direction,box:[b.left,b.right],
    first:rect(nodes,start),last:rect(nodes,end),before:rect(nodes,end-1),punct:text.charAt(end)}));
});
})();
"""


def with_probe(page: Path) -> Path:
    """A copy of ``page`` that runs :data:`PROBE` too (its hash added to the page's policy)."""
    html = page.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(PROBE.encode()).digest()).decode()
    assert html.count("script-src ") == 1 and html.count("</body>") == 1
    html = html.replace("script-src ", f"script-src &#x27;sha256-{digest}&#x27; ")
    html = html.replace("</body>", f"<script>{PROBE}</script></body>")
    probed = page.with_name(f"probed-{page.name}")
    probed.write_text(html, encoding="utf-8")
    return probed


@pytest.mark.parametrize(("lang", "direction", "punct"), [("fr", "ltr", "."), ("ar", "rtl", ".")])
def test_french_and_arabic_documents_in_headless_chromium(
    chromium: str,
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    direction: str,
    punct: str,
) -> None:
    """Scored in their own language, laid out in their own direction; screenshots for docs/.

    Set ``MTREPAIR_SAVE_SCREENSHOTS=docs`` to copy the screenshot there as
    ``review-fr.png`` / ``review-ar.png`` (how the README's images were made).
    """
    save = os.environ.get("MTREPAIR_SAVE_SCREENSHOTS")
    save_to = Path(save).resolve() if save else None
    monkeypatch.chdir(tmp_path)  # the page names its source "fr.txt", not a temp path
    write_doc(tmp_path, f"{lang}.txt", FOREIGN_DOCS[lang])
    page = tmp_path / f"review-{lang}.html"
    res = runner.invoke(app, ["clean", f"{lang}.txt", "--html", str(page)])
    assert res.exit_code == 0, res.stderr
    dumped = browse(chromium, with_probe(page), tmp_path, "--dump-dom").stdout
    dom = Dom(dumped)
    (html_tag,) = [a for t, a in dom.elements if t == "html"]
    assert int(html_tag["data-ready"]) > 0  # the page's own script ran, beside the probe
    for side in ("o", "r"):
        titles = sentence_titles(dom, side)
        assert titles and not [t for t in titles if "foreign_language" in t], titles
    columns = dom.having("text", "data-probe")
    assert len(columns) == 2
    for column in columns:
        assert (column["lang"], column["dir"]) == (lang, direction)
        probe = json.loads(column["data-probe"])
        assert probe["direction"] == direction and probe["punct"] == punct
        (box_left, box_right), first = probe["box"], probe["first"]
        # The paragraph starts at the reading side: left for French, right for Arabic ...
        near_left = first[0] - box_left < box_right - first[1]
        assert near_left == (direction == "ltr"), probe
        # ... and its final punctuation follows the last letter in reading order.
        last, before = probe["last"], probe["before"]
        if direction == "ltr":
            assert last[0] >= before[1] - 0.5, probe
        else:
            assert last[1] <= before[0] + 0.5, probe

    shot = tmp_path / f"review-{lang}.png"
    browse(chromium, page, tmp_path, f"--screenshot={shot}", "--window-size=1400,1000", fragment="#d1e2")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    if save_to is not None:
        shutil.copyfile(shot, save_to / shot.name)


def test_html_needs_the_local_engine(tmp_path: Path) -> None:
    from mtrepair.errors import ConfigError

    doc = tmp_path / "doc.txt"
    doc.write_text("The U.S.\n\n\n\ntroops left.\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="--html"):
        clean_corpus(
            [str(doc)], config=CONFIG, out=f"{tmp_path}/out/", html=tmp_path / "r.html", engine="dask"
        )
    assert not (tmp_path / "r.html").exists()


@pytest.mark.usefixtures("no_qe")
def test_html_with_workers_matches_one_process(tmp_path: Path) -> None:
    paths = [str(seed_path(s[:3])) for s in SEED_IDS]
    pages = []
    for workers in (1, 2):
        page = tmp_path / f"w{workers}.html"
        clean_corpus(paths, config=CONFIG, out=None, stdout=io.StringIO(), html=page, workers=workers)
        pages.append(page.read_text(encoding="utf-8"))
    assert pages[0] == pages[1]


def test_the_default_scorer_underlines_the_words_a_post_editor_would_change(tmp_path: Path) -> None:
    """English documents get the learned model: its flagged words are marked inside their sentences."""
    text = seed_path("002").read_text(encoding="utf-8")
    result = clean_text(text, CONFIG)
    target = tmp_path / "r.html"
    with review.review_writer(target, config=CONFIG) as w:
        w.add(document_entry("002", "seed", result), original=text, repaired=result.text)
    page = target.read_text(encoding="utf-8")
    words = re.findall(r'<span class="w( w2)?" title="P\(BAD\) (\d\.\d\d): [^"]*">([^<]*)</span>', page)
    assert words and all(0.0 <= float(p) <= 1.0 and w.strip() for _strong, p, w in words)
    # the strong mark goes exactly to the words at or above review.STRONG_BAD
    assert all((float(p) >= review.STRONG_BAD) == bool(strong) for strong, p, _w in words if p != "0.60")
    assert any(strong for strong, _p, _w in words) and any(not strong for strong, _p, _w in words)
    assert "dotted words" in page  # the legend explains them
    Dom(page)  # still well formed
