"""No catastrophic backtracking (issue 8): user text is never a regex, shipped regexes stay linear.

Where user or glossary data meets matching:

* boilerplate patterns (``--boilerplate FILE`` and ``data/boilerplate.txt``) are
  globs: ``langdata.compile_glob`` escapes every literal and matches each one
  between two stars at its first occurrence in an atomic group, so a glob with
  many stars costs one pass over a line (it was exponential in the stars);
* glossary variants, canonical forms and context words go into an Aho-Corasick
  automaton and plain set lookups (``glossary/matcher.py``), never into a regex;
  ids are checked with one anchored pattern;
* ``--disable`` names, languages, types and codecs are compared as strings;
* the quote characters of the language files are ``re.escape``d into classes;
* the stale temporary files of a shard are found with ``glob.escape``d names
  (``tests/test_crash.py::test_stale_temp_files_of_a_shard_are_matched_literally``).

Hostile inputs run in a subprocess with a generous time limit: a hang fails the
test (naming the case) instead of the suite, and no timing is asserted.
Linear scaling itself is measured in ``benchmarks/bench_linear.py``.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mtrepair.config import Config
from mtrepair.langdata import compile_glob
from mtrepair.registry import finding
from mtrepair.rules.breaks import _quote_chars, _quote_depth
from mtrepair.rules.tokens import _block_end, _block_start, stray_quote
from mtrepair.segment import Document
from tests.conftest import ROOT

# Classic ReDoS patterns: catastrophic if compiled as regular expressions.
HOSTILE = ["(a+)+$", "(a|aa)*b", "(.*a){20}", "(a|a?)+$", "([a-z]+)*!", "[unclosed"]
N = 200_000  # characters in each catastrophic input

# Inputs that make backtracking regexes go quadratic or worse: long runs of one
# character, runs ending in something that fails the match, alternations.
SHAPES = {
    "letters": "a" * N,
    "letters then a stop": "a" * (N - 1) + "!",
    "spaces": " " * N,
    "spaces inside a line": "x" + " " * N + "x",
    "tabs and no-break spaces inside a line": "x" + "\t\u00a0" * (N // 2) + "x",
    "full stops": "." * N,
    "full stops inside a line": "x" + "." * N + "x",
    "exclamation marks": "!" * N,
    "straight quotes": '"' * N,
    "opening quotes": "“" * N,
    "dangling quotes": "“." * (N // 2),
    "lines ending in a quote": "a “\n" * (N // 4),
    "words and spaces": "a " * (N // 2),
    "short sentences": "Aa. " * (N // 4),
    "hyphenated line ends": "a-\n" * (N // 3),
    "newlines": "\n" * N,
    "newline space": "\n " * (N // 2),
    "quote space": '" ' * (N // 2),
    "arabic letters and spaces": "ب " * (N // 2),
}


def run_guarded(function: str, limit: float) -> str:
    """Run ``tests.test_redos.FUNCTION()`` in a subprocess; fail naming the last case if it hangs."""
    code = f"from tests.test_redos import {function}; {function}()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, errors = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, errors = proc.communicate()
        started = [line for line in out.splitlines() if line.startswith("case ")]
        pytest.fail(f"no answer in {limit:.0f} s; stuck in {started[-1] if started else 'start-up'}")
    assert proc.returncode == 0, errors[-3000:]
    assert out.rstrip().endswith("done"), out[-1000:]
    return out


# --- user and glossary data are literal -------------------------------------------------


def hostile_user_patterns() -> None:
    """(Runs in a subprocess.) Boilerplate globs, glossary terms and rule names made of ReDoS patterns."""
    import tempfile

    from mtrepair.errors import ConfigError
    from mtrepair.glossary import GlossaryError, Matcher, load
    from mtrepair.pipeline import clean_text

    folder = Path(tempfile.mkdtemp())
    print("case boilerplate globs", flush=True)
    many_stars = "*a" * 12 + "*b"
    (folder / "patterns.txt").write_text("\n".join([*HOSTILE, many_stars]) + "\n", encoding="utf-8")
    config = Config(lang="en").with_boilerplate_file(folder / "patterns.txt")
    lines = ["a" * 199] * 200 + ["(a+)+$", "Keep (a|aa)*b here.", "a" * 50_000 + "!", "ba" * 99 + "a"]
    result = clean_text("\n\n".join([*lines, "a" * 20 + "b"]) + "\n", config)
    removed = [e.original.strip() for e in result.edits if e.rule == "boilerplate"]
    # Only the line that is literally a pattern, and the one the many-star glob describes.
    assert removed == ["(a+)+$", "a" * 20 + "b"], removed
    assert "Keep (a|aa)*b here." in result.text and "a" * 199 in result.text

    print("case glossary terms", flush=True)
    glossary = folder / "g.toml"
    variants = json.dumps([h for h in HOSTILE if h != "[unclosed"])
    glossary.write_text(
        '[[term]]\nid = "hostile"\ncanonical = "Hostile Term"\ntype = "term"\nnote = ""\n'
        f"en = {variants}\n"
        '[term.context]\nvariants = ["(a|aa)*b"]\nfollowed_by = ["(a+)+", ".*"]\n'
        'never_after = ["(.*a){20}"]\n',
        encoding="utf-8",
    )
    matcher = Matcher(load([glossary]))
    assert matcher.find("a" * 50_000 + "!") == []
    found = matcher.find("They said (a+)+$ twice, and (a|aa)*b (a+)+ after it.")
    assert [m.original for m in found] == ["(a+)+$", "(a|aa)*b"], found

    print("case glossary id", flush=True)
    glossary.write_text(f'[[term]]\nid = "{"a-" * 50_000}!"\ncanonical = "X"\ntype = "term"\n', "utf-8")
    try:
        load([glossary])
        raise AssertionError("a hostile id was accepted")
    except GlossaryError:
        pass

    print("case --disable names", flush=True)
    for name in HOSTILE:
        try:
            clean_text("a" * 50_000 + "!", Config(lang="en", disabled=frozenset({name})))
            raise AssertionError(f"unknown rule {name!r} accepted")
        except ConfigError as exc:
            assert name in str(exc)
    print("done", flush=True)


def test_user_and_glossary_patterns_are_literal_and_fast() -> None:
    run_guarded("hostile_user_patterns", limit=60)


def _glob_oracle(pattern: str, line: str) -> bool:
    """What a whole-line glob means, by dynamic programming (no regex)."""
    p, s = pattern.lower(), line.lower()
    row = [True] + [False] * len(s)  # row[j]: p[:i] matches s[:j]
    for ch in p:
        if ch == "*":
            row = list(itertools.accumulate(row, lambda a, b: a or b))
        else:
            row = [False] + [row[j] and s[j] == ch for j in range(len(s))]
    return row[-1]


def test_boilerplate_globs_match_exactly_what_the_glob_says() -> None:
    rng = random.Random(8)
    for _ in range(20_000):
        pattern = "".join(rng.choice("ab*.(+") for _ in range(rng.randint(1, 8)))
        if not pattern.replace("*", ""):
            continue
        line = "".join(rng.choice("abAB.(+") for _ in range(rng.randint(0, 12)))
        expected = _glob_oracle(pattern, line)
        assert (compile_glob(pattern).match(line) is not None) == expected, (pattern, line)


def test_a_glob_with_many_stars_is_one_pass() -> None:
    """*a*a*...*b on 200 a's: one pass, where the plain translation tried every placement."""
    matcher = compile_glob("*a" * 30 + "*b")
    start = time.perf_counter()
    assert matcher.match("a" * 200) is None
    assert matcher.match("a" * 200 + "b") is not None
    assert time.perf_counter() - start < 5  # generous: it takes well under a millisecond


# --- shipped rules on catastrophic inputs -----------------------------------------------


def shipped_rules_on_catastrophic_inputs() -> None:
    """(Runs in a subprocess.) Every rule, the segmenter and the garble score on every shape."""
    from mtrepair.glossary import default_paths
    from mtrepair.qe.sentences import garble_sentences
    from mtrepair.registry import RULES
    from mtrepair.rules import PIPELINE

    config = Config(lang="en").with_glossary(default_paths())
    for shape, text in SHAPES.items():
        print(f"case segmenter on {shape}", flush=True)
        doc = Document(text, "en")
        assert sum(s.end - s.start for s in doc.sentences) <= len(text)
        for name in PIPELINE:
            print(f"case {name} on {shape}", flush=True)
            for f in RULES[name].detect(Document(text, "en"), config):
                assert 0 <= f.start <= f.end <= len(text)
    for shape in ("full stops", "spaces inside a line"):  # what made the sentence splitter hang
        print(f"case garble score on {shape}", flush=True)
        garble_sentences(SHAPES[shape], "en")
    print("done", flush=True)


def test_shipped_rules_stay_linear_on_catastrophic_inputs() -> None:
    """Each case finishes (these shapes took minutes to hours before the fixes); no timing asserted."""
    run_guarded("shipped_rules_on_catastrophic_inputs", limit=240)


# --- the linear stray_quote gives the same answers as the plain one ----------------------


def _plain_stray_quote(doc: Document) -> list[object]:
    """stray_quote as first written: obviously right, quadratic in a block's quote marks."""

    def dangling(s: str, i: int) -> bool:
        rest = s[i + 1 :].strip()
        return bool(rest) and not rest.strip(".,;!?")

    def stray(s: str, i: int) -> bool:
        return not s[i + 1 :].strip(" .,;!?")

    def depth_of(s: str, depth: int = 0) -> tuple[int, bool]:
        closed, start = False, depth
        for m in _quote_chars(openers, closers).finditer(s):
            ch, i = m.group(), m.start()
            if ch in closers or (ch == '"' and depth > 0) or (ch in openers and depth > 0 and stray(s, i)):
                depth = max(0, depth - 1)
                if depth < start:
                    closed, start = True, depth
            elif (ch in openers or ch == '"') and not dangling(s, i):
                depth += 1
        return depth, closed

    text, out = doc.text, []
    openers, closers = doc.data.opening_quotes, doc.data.closing_quotes
    pattern = re.compile(rf"[^\S\n]*([{re.escape(openers)}])[^\S\n]*([.!?,;]?)(?=[^\S\n]*(?:\n|\Z))")
    for m in pattern.finditer(text):
        before = text[_block_start(text, m.start()) : m.start()]
        if not before.strip() or depth_of(text[m.end() : _block_end(text, m.end())], 1)[1]:
            continue
        depth, punct = depth_of(before)[0], m.group(2)
        if depth > 0:
            tail = punct if not before.rstrip().endswith(tuple(".!?…")) else ""
            repl, msg = tail + dict(doc.data.quotes)[m.group(1)], "closes the open quotation"
        else:
            repl = "" if before.rstrip()[-1:] in ".!?…" + closers + '"' else punct
            msg = "after a closed quotation removed"
        message = f"dangling {m.group(1)!r} {msg}"
        out.append(finding("stray_quote", text, m.start(), m.end(), repl, message, 0.8))
        assert depth_of(before) == _quote_depth(before, openers, closers)
    return out


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_linear_stray_quote_agrees_with_the_plain_one(lang: str) -> None:
    rng = random.Random(lang)
    alphabet = list(' \n\n\t.,;!?…ab“”"‘’«»„‹›\u00a0')
    hits = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        doc = Document(text, lang)
        expected = _plain_stray_quote(doc)
        assert list(stray_quote(doc, Config(lang=lang))) == expected, text
        hits += bool(expected)
    assert hits > 300, "the random texts should exercise the rule"
