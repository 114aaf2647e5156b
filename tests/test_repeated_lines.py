"""Corpus-level repeated lines (issue 16a): learned in a first pass, removed by ``repeated_lines``.

The library tests pin the counting (Misra-Gries bound, ordered merge, sources,
thresholds) and the rule's decisions on one document. The command-line tests run
the console script on a corpus of two sites built here, and check what is removed
and kept, that every removal is logged with its count and undone, that
``--workers 2`` and Dask learn and write exactly what one worker does, that
``--resume`` learns the same, and that one document or stdin learns nothing.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mtrepair import clean_text, undo
from mtrepair.config import Config
from mtrepair.frequent import (
    CAPACITY,
    LineCounts,
    SourceCounts,
    SourceLines,
    document_keys,
    fold,
    line_key,
    source_of,
    thresholds,
)
from mtrepair.io import SourceDoc
from mtrepair.rules import PIPELINE
from mtrepair.rules.repeated import is_credit, is_fragment, is_prose, removed_lines
from mtrepair.segment import Document

MTREPAIR = Path(sys.executable).parent / "mtrepair"

# --- A corpus of two sites ------------------------------------------------------

MASTHEAD = "Iraq News Network"
DATELINE = "BAGHDAD (Reuters) -"
SPONSOR = "Sponsored by Al-Rafidain Bank"
FOOTER = "The views expressed in this article are the author's own."
BYLINE = "By Ahmed Rasheed"
HEADING = "Syria"
BACKGROUND = (
    "The U.S.-led coalition has been fighting Islamic State militants in Iraq and Syria since 2014, "
    "and Iran-backed groups have attacked its bases dozens of times this year."
)
OTHER_MASTHEAD = "The National"
WORDS = [
    "rockets",
    "drones",
    "militia",
    "base",
    "embassy",
    "convoy",
    "officials",
    "coalition",
    "spokesman",
    "province",
    "border",
    "attack",
    "statement",
    "casualties",
    "airport",
    "village",
    "field",
    "sirens",
    "forces",
    "talks",
]


def _paragraph(rng: random.Random, i: int) -> str:
    """Two sentences no other document has (the document number and a random number in each)."""
    out = []
    for _ in range(2):
        a, b, c, d = rng.sample(WORDS, 4)
        out.append(f"On day {i} the {a} near the {b} said {rng.randint(1, 10**9)} {c} hit the {d}.")
    return " ".join(out)


def site_document(rng: random.Random, i: int) -> str:
    """One article of Iraq News Network: its template around unique text.

    Masthead and footer in every document (edges), the dateline in every one, a
    sponsor line in 9 of 10 (inside the body), a byline, the "Syria" heading and
    a background paragraph in some (content a site repeats).
    """
    body = [_paragraph(rng, i) for _ in range(5)]
    if i % 10 < 9:
        body.insert(1, SPONSOR)
    if i % 10 < 4:
        body.insert(len(body) - 1, HEADING)
        body.insert(1, BACKGROUND)
    head = [MASTHEAD, f"Rockets hit the base on day {i} as talks stall"]
    if i % 2 == 0:
        head.append(BYLINE)
    head.append(DATELINE)
    return "\n\n".join([*head, *body, FOOTER]) + "\n"


def other_document(rng: random.Random, i: int) -> str:
    """An article of another site; two of them quote the first site's masthead as a line."""
    lines = [OTHER_MASTHEAD, _paragraph(rng, 1000 + i), _paragraph(rng, 1000 + i)]
    if i < 2:
        lines.insert(2, MASTHEAD)
    return "\n\n".join(lines) + "\n"


def make_corpus(folder: Path, *, site: int, other: int, shards: int, seed: int = 7) -> list[Path]:
    """JSONL shards mixing both sites: the first identified by ``url``, the other by ``site``."""
    rng = random.Random(seed)
    records = [
        {"id": f"inn-{i}", "url": f"https://www.iraqnews.example/{i}", "text": site_document(rng, i)}
        for i in range(site)
    ]
    records += [
        {"id": f"tn-{i}", "site": "TheNational.example", "text": other_document(rng, i)} for i in range(other)
    ]
    random.Random(seed).shuffle(records)
    folder.mkdir(parents=True)
    paths = []
    for s in range(shards):
        path = folder / f"part-{s}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records[s::shards]), encoding="utf-8")
        paths.append(path)
    return paths


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MTREPAIR), *args], input=stdin, capture_output=True, text=True, check=False, timeout=300
    )


def texts(folder: Path) -> dict[str, str]:
    """Every record's text in a folder of JSONL outputs, by id."""
    out = {}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            out[record["id"]] = record["text"]
    return out


def tree(folder: Path) -> dict[str, bytes]:
    """Every output with its bytes (not the hidden markers, which name their own folder)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def repeated_messages(edits: Path) -> list[str]:
    return [
        e["message"]
        for path in sorted(edits.glob("*.edits.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        for e in json.loads(line)["edits"]
        if e["rule"] == "repeated_lines"
    ]


# 400 documents of 6 lines of their own: more than 2 x 1024 distinct lines, so the
# summary is shrunk while the four shards' counts are merged.
SITE, OTHER, SHARDS = 400, 40, 4


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("repeated") / "in"
    make_corpus(folder, site=SITE, other=OTHER, shards=SHARDS)
    return folder


@pytest.fixture(scope="module")
def one_worker(corpus: Path) -> Path:
    """The reference: one worker, local engine."""
    base = corpus.parent / "w1"
    result = run("clean", str(corpus), "--no-glossary", "-o", f"{base}/out/", "--report-dir", f"{base}/edits")
    assert result.returncode == 0, result.stderr
    return base


# --- What clean removes, keeps and logs -------------------------------------------


def test_site_chrome_is_removed_and_content_a_site_repeats_is_kept(corpus: Path, one_worker: Path) -> None:
    cleaned = texts(one_worker / "out")
    original = texts(corpus)
    assert len(cleaned) == SITE + OTHER
    for doc_id, text in cleaned.items():
        lines = set(text.splitlines())
        if doc_id.startswith("inn-"):
            # The template: edges (masthead, footer, dateline) and a sponsor line in 90%.
            assert not lines & {MASTHEAD, DATELINE, SPONSOR, FOOTER}, doc_id
            i = int(doc_id.removeprefix("inn-"))
            # What the site repeats but is content: byline, heading, background.
            assert (BYLINE in lines) == (i % 2 == 0)
            assert (HEADING in lines) == (BACKGROUND in lines) == (i % 10 < 4)
            assert f"Rockets hit the base on day {i} as talks stall" in lines
        else:
            assert OTHER_MASTHEAD not in lines
            # The first site's masthead in 2 of the other site's documents: not its chrome.
            assert (MASTHEAD in lines) == (MASTHEAD in original[doc_id].splitlines())
    messages = repeated_messages(one_worker / "edits")
    # The site's summary was shrunk: its counts are lower bounds, a few documents short at most.
    pattern = re.compile(
        r"repeated line removed: '(.+)' is in at least (\d+) of 400 documents of site iraqnews\.example"
    )
    found = {m.group(1): int(m.group(2)) for m in map(pattern.fullmatch, messages) if m}
    assert set(found) >= {MASTHEAD, DATELINE, SPONSOR}
    assert 360 - 5 <= found[SPONSOR] <= 360 and 400 - 5 <= found[MASTHEAD] <= 400
    assert f'"{FOOTER}" is in at least' in "\n".join(messages)
    # The other site's summary was never shrunk: exact counts.
    of = f"{OTHER} of {OTHER} documents of site thenational.example"
    assert f"repeated line removed: '{OTHER_MASTHEAD}' is in {of}" in messages


def test_every_removal_is_undone_byte_for_byte(corpus: Path, one_worker: Path, tmp_path: Path) -> None:
    result = run(
        "undo", "--report", str(one_worker / "edits"), str(one_worker / "out"), "-o", f"{tmp_path}/r/"
    )
    assert result.returncode == 0, result.stderr
    assert texts(tmp_path / "r") == texts(corpus)


def test_off_switch_and_thresholds(corpus: Path, tmp_path: Path) -> None:
    off = run("clean", str(corpus), "--no-glossary", "--no-repeated-lines", "-o", f"{tmp_path}/off/")
    assert off.returncode == 0, off.stderr
    assert all(MASTHEAD in text for i, text in texts(tmp_path / "off").items() if i.startswith("inn-"))
    # Every document, and a sponsor line in 9 of 10: under the threshold now.
    high = run("clean", str(corpus), "--no-glossary", "--repeated-share", "0.95", "-o", f"{tmp_path}/h/")
    assert high.returncode == 0, high.stderr
    kept = texts(tmp_path / "h")
    assert all(
        SPONSOR in kept[f"inn-{i}"] and MASTHEAD not in kept[f"inn-{i}"] for i in range(SITE) if i % 10 < 9
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--repeated-share", "0"], "--repeated-share must be above 0 and at most 1, not 0.0"),
        (["--repeated-share", "1.5"], "--repeated-share must be above 0 and at most 1, not 1.5"),
        (["--repeated-min-docs", "1"], "--repeated-min-docs must be at least 2"),
    ],
)
def test_bad_thresholds_are_one_line_errors(corpus: Path, args: list[str], message: str) -> None:
    result = run("clean", str(corpus / "part-0.jsonl"), "--no-glossary", *args)
    assert result.returncode == 5
    assert message in result.stderr and result.stderr.count("\n") == 1


# --- Engines and resume learn the same ---------------------------------------------


def test_two_workers_and_dask_learn_and_write_what_one_worker_does(
    corpus: Path, one_worker: Path, tmp_path: Path
) -> None:
    runs = {"w2": ["--workers", "2"], "dask": ["--engine", "dask", "--workers", "2"]}
    for name, extra in runs.items():
        base = tmp_path / name
        result = run(
            "clean",
            str(corpus),
            "--no-glossary",
            "-o",
            f"{base}/out/",
            "--report-dir",
            f"{base}/edits",
            *extra,
        )
        assert result.returncode == 0, (name, result.stderr)
        assert tree(base / "out") == tree(one_worker / "out"), name
        assert tree(base / "edits") == tree(one_worker / "edits"), name


def test_resume_learns_from_every_input(corpus: Path, one_worker: Path, tmp_path: Path) -> None:
    """Finished shards are still read by the first pass: the resumed output is the whole run's."""
    out = tmp_path / "out"
    first = run("clean", str(corpus), "--no-glossary", "-o", f"{out}/")  # markers name their own folder
    assert first.returncode == 0, first.stderr
    (out / "part-2.jsonl").unlink()  # as if the run had been killed before this shard finished
    (out / ".part-2.jsonl.done").unlink()
    result = run("clean", str(corpus), "--no-glossary", "-o", f"{out}/", "--resume")
    assert result.returncode == 0, result.stderr
    assert f"{SHARDS - 1} input files already done" in result.stderr
    assert tree(out) == tree(one_worker / "out")
    # A new input changes what is learned (more documents, new counts): every shard is redone.
    grown = tmp_path / "grown"
    shutil.copytree(corpus, grown)
    rng = random.Random(3)
    extra = [
        {"id": f"new-{i}", "url": "https://iraqnews.example/x", "text": site_document(rng, 900 + i)}
        for i in range(80)
    ]
    (grown / "part-9.jsonl").write_text("".join(json.dumps(r) + "\n" for r in extra), encoding="utf-8")
    again = run("clean", str(grown), "--no-glossary", "-o", f"{out}/", "--resume")
    assert again.returncode == 0, again.stderr
    assert "already done" not in again.stderr
    fresh = run("clean", str(grown), "--no-glossary", "-o", f"{tmp_path}/fresh/")
    assert fresh.returncode == 0
    assert tree(out) == tree(tmp_path / "fresh")


# --- Nothing to learn, other sources, detect ------------------------------------------


def test_one_document_and_stdin_learn_nothing(tmp_path: Path) -> None:
    text = site_document(random.Random(1), 1)
    path = tmp_path / "one.txt"
    path.write_text(text, encoding="utf-8")
    for result in (run("clean", str(path), "--no-glossary"), run("clean", "-", "--no-glossary", stdin=text)):
        assert result.returncode == 0, result.stderr
        assert MASTHEAD in result.stdout and FOOTER in result.stdout


def test_text_files_learn_per_folder_and_detect_reports_what_clean_removes(tmp_path: Path) -> None:
    rng = random.Random(2)
    site = tmp_path / "crawl" / "inn"
    other = tmp_path / "crawl" / "other"
    site.mkdir(parents=True)
    other.mkdir()
    for i in range(8):
        (site / f"{i}.txt").write_text(site_document(rng, i), encoding="utf-8")
    for i in range(3):  # the same masthead in 3 documents of another folder: under min-docs there
        (other / f"{i}.txt").write_text(MASTHEAD + "\n\n" + _paragraph(rng, i) + "\n", encoding="utf-8")
    cleaned = run("clean", str(tmp_path / "crawl"), "--no-glossary", "-o", f"{tmp_path}/out/")
    assert cleaned.returncode == 0, cleaned.stderr
    for i in range(8):
        assert MASTHEAD not in (tmp_path / "out" / "inn" / f"{i}.txt").read_text(encoding="utf-8")
    for i in range(3):
        assert MASTHEAD in (tmp_path / "out" / "other" / f"{i}.txt").read_text(encoding="utf-8")
    found = run("detect", str(tmp_path / "crawl"), "--no-glossary", "--format", "json", "--no-garble")
    assert found.returncode == 0, found.stderr
    rows = [r for r in json.loads(found.stdout) if r["rule"] == "repeated_lines"]
    folder = tmp_path / "crawl" / "inn"
    message = f"repeated line removed: '{MASTHEAD}' is in 8 of 8 documents of folder {folder}"
    assert message in {r["message"] for r in rows}
    assert {r["doc"].split("/")[0] for r in rows} == {"inn"}


# --- The counting ------------------------------------------------------------------


def test_a_line_is_counted_once_per_document_whatever_its_spacing_and_case() -> None:
    assert line_key("  Share  this\tARTICLE \r") == line_key("share this article")
    assert line_key("\ufeffShare this article") == line_key("Share this article")
    assert line_key("   ") is None and line_key("x" * 1001) is None
    assert document_keys("A line\n\na LINE\nother") == {line_key("a line"), line_key("other")}


def test_misra_gries_never_overcounts_and_stays_within_its_bound() -> None:
    rng = random.Random(5)
    capacity = 8
    counts = SourceCounts()
    truth: dict[int, int] = {}
    for _ in range(3000):
        keys = {rng.randrange(100_000) for _ in range(6)} | ({1, 2} if rng.random() < 0.6 else set())
        for k in keys:
            truth[k] = truth.get(k, 0) + 1
        counts.add(keys, capacity)
        assert len(counts.counts) <= 2 * capacity  # memory: bounded whatever the stream
    assert counts.error <= counts.lines // (capacity + 1)
    for key, n in truth.items():
        estimate = counts.counts.get(key, 0)
        assert n - counts.error <= estimate <= n
    assert {1, 2} <= counts.counts.keys()  # lines in 60% of documents are never lost


def test_shard_counts_merge_in_input_order_whatever_order_they_arrive_in() -> None:
    rng = random.Random(6)
    shards = []
    for s in range(5):
        shard = LineCounts(capacity=4)
        for i in range(60):
            shard.add("site a", "\n".join(["Masthead", f"line {rng.randrange(400)}", f"doc {s} {i}"]))
        shards.append((s, shard))
    ordered = fold(shards, range(5), capacity=4)
    shuffled = list(shards)
    random.Random(1).shuffle(shuffled)
    assert fold(shuffled, range(5), capacity=4) == ordered
    learned = ordered.learn()
    (lines,) = learned.by_source.values()
    assert not lines.exact and lines.count("Masthead") is not None
    assert learned.digest() == fold(shuffled, range(5), capacity=4).learn().digest()
    with pytest.raises(ValueError, match="did not finish"):
        fold(shards[:3], range(5))


@pytest.mark.parametrize(
    ("record", "source"),
    [
        ({"site": "WWW.Example.com ", "url": "https://other.org/a"}, "site example.com"),
        ({"url": "https://www.reuters.com/world/x", "source": "cc-news"}, "site reuters.com"),
        ({"url": "http://[broken", "source": "cc-news"}, "source cc-news"),
        ({"site": 3}, "file crawl/a.jsonl"),
        (None, "folder crawl"),
    ],
)
def test_the_source_of_a_document(record: dict[str, object] | None, source: str) -> None:
    path = "crawl/a.jsonl" if record is not None else "crawl/a.txt"
    doc = SourceDoc("d", "text", path, "a", "jsonl" if record else "text", record=record)
    assert source_of(doc) == source
    assert source_of(SourceDoc("-", "text", "-", "stdin.txt", "text")) is None


@pytest.mark.parametrize(
    ("documents", "min_docs", "share", "expected"),
    [(10, 5, 0.3, (5, 20)), (1000, 5, 0.3, (300, 800)), (10, 2, 0.3, (3, 8)), (40, 5, 0.3, (12, 32))],
)
def test_thresholds(documents: int, min_docs: int, share: float, expected: tuple[int, int]) -> None:
    assert thresholds(documents, min_docs=min_docs, share=share) == expected


def test_memory_is_bounded_per_source() -> None:
    """A source of 20,000 documents of unique lines keeps at most 2 x CAPACITY counters."""
    counts = LineCounts()
    for i in range(20_000):
        counts.add("site a", f"Masthead\nunique line {i}\nanother {i}")
    (source,) = counts.sources.values()
    assert len(source.counts) <= 2 * CAPACITY
    assert source.counts[line_key("Masthead") or 0] >= 20_000 - source.error
    assert source.error <= source.lines // (CAPACITY + 1)


# --- The rule on one document -------------------------------------------------------

P1 = "Three rockets hit the base on Wednesday, the coalition said in a statement."
P2 = "Nobody was hurt, and the damage was being assessed, officials told reporters."
LONG = "Iran-backed groups have attacked U.S. forces in Iraq and Syria dozens of times this year."


def learned(lines: dict[str, int], documents: int = 100) -> Config:
    """The rule alone, with what a pass over 100 documents of one site learned."""
    others = frozenset(PIPELINE) - {"repeated_lines"}
    return Config(disabled=others, repeated=SourceLines.of(lines, documents=documents))


@pytest.mark.parametrize(
    ("text", "lines", "expected"),
    [
        pytest.param(f"Masthead\n\n{P1}\n\n{P2}\n", {"Masthead": 35}, f"{P1}\n\n{P2}\n", id="edge-top-base"),
        pytest.param(
            f"{P1}\n\n{P2}\n\nShare it\n", {"Share it": 35}, f"{P1}\n\n{P2}\n", id="edge-bottom-base"
        ),
        pytest.param(f"{P1}\n\nSyria\n\n{P2}\n", {"Syria": 79}, None, id="body-heading-below-strict"),
        pytest.param(f"{P1}\n\nAd label\n\n{P2}\n", {"Ad label": 80}, f"{P1}\n\n{P2}\n", id="body-at-strict"),
        pytest.param(f"{P1}\n\n{LONG}\n\n{P2}\n", {LONG: 100}, None, id="body-prose-never"),
        pytest.param(f"{P1}\n\n{P2}\n\n{LONG}\n", {LONG: 79}, None, id="edge-prose-below-strict"),
        pytest.param(f"{P1}\n\n{P2}\n\n{LONG}\n", {LONG: 80}, f"{P1}\n\n{P2}\n", id="edge-prose-at-strict"),
        pytest.param(f"By Ahmed Rasheed\n\n{P1}\n", {"By Ahmed Rasheed": 100}, None, id="byline"),
        pytest.param(
            f"(Reporting by Ahmed Rasheed)\n\n{P1}\n", {"(Reporting by Ahmed Rasheed)": 90}, None, id="credit"
        ),
        pytest.param("Masthead\n\nMenu\n", {"Masthead": 100, "Menu": 100}, None, id="never-emptied"),
        pytest.param(f"U.S.\n\nofficials said so.\n\n{P1}\n", {"U.S.": 100}, None, id="fragment"),
        pytest.param(
            f"Tyler Durden's Photo\nby Tyler Durden\n\n{P1}\n",
            {"Tyler Durden's Photo": 90, "by Tyler Durden": 90},
            f"by Tyler Durden\n\n{P1}\n",
            id="photo-above-its-byline",
        ),
        pytest.param(
            f"Masthead\n  Menu\n\n{P1}\n\nFoot\n\nLast\n",
            {"Masthead": 100, "Menu": 40, "Foot": 50, "Last": 99},
            f"{P1}\n",
            id="runs-at-both-edges",
        ),
        pytest.param(f"Masthead\n\n  {P1}\n", {"Masthead": 100}, f"  {P1}\n", id="next-indent-kept"),
    ],
)
def test_the_rule_in_one_document(text: str, lines: dict[str, int], expected: str | None) -> None:
    config = learned(lines)
    result = clean_text(text, config)
    assert result.text == (text if expected is None else expected)
    assert undo(result.text, result.steps) == text
    for step in result.steps:
        if step.rule == "repeated_lines":
            for e in step.edits:
                assert re.search(r"is in \d+ of 100 documents of site example\.com\Z", e.message)


def _eager(doc: Document, lines: SourceLines) -> list[int]:
    """The decision table read plainly: every line classified, then edges and body (a reference)."""
    rows = [(s.start, doc.text[s.start : s.end].strip()) for s in doc.lines]
    rows = [(start, line) for start, line in rows if line]
    counts: list[int | None] = []
    for i, (_, line) in enumerate(rows):
        following = rows[i + 1][1] if i + 1 < len(rows) else None
        repeated = not is_credit(line) and not is_fragment(line, following)
        counts.append(lines.count(line) if repeated else None)
    anchors = [i for i, n in enumerate(counts) if n is None or (is_prose(rows[i][1]) and n < lines.strict)]
    out = []
    for i, n in enumerate(counts):
        if i in anchors or n is None:
            continue
        edge = bool(anchors) and (i < anchors[0] or i > anchors[-1])
        if edge or (not is_prose(rows[i][1]) and n >= lines.strict):
            out.append(rows[i][0])
    return [] if len(out) == len(rows) else out


def test_the_rule_reads_lazily_what_the_decision_table_says() -> None:
    """The rule looks up as few lines as it can; it decides as if it had read them all."""
    pool = [P1, P2, LONG, "Masthead", "Menu", "Syria", "By Ahmed Rasheed", "U.S.", "officials said so.", "Ad"]
    rng = random.Random(11)
    for _ in range(400):
        counts = {line: rng.choice((10, 40, 79, 80, 100)) for line in rng.sample(pool, 6)}
        learned = SourceLines.of(counts, documents=100)
        text = "\n\n".join(rng.choices(pool, k=rng.randint(1, 9)))
        doc = Document(text, "en")
        got = [span.start for span, _, _, _ in removed_lines(doc, Config(repeated=learned))]
        assert got == _eager(doc, learned), text


def test_the_rule_does_nothing_without_what_a_corpus_taught_it() -> None:
    text = f"Masthead\n\n{P1}\n"
    assert clean_text(text, Config()).text == text
    assert clean_text(text, learned({"Masthead": 4})).text == text  # under --repeated-min-docs
