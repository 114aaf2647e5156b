"""Properties every repair run must keep, on arbitrary and on generated news text.

The edit log is the product's promise to the analyst (BRIEF §1: "trust nothing
was lost"): undo must give back the input byte for byte, replay must rebuild the
output, cleaning twice must change nothing, and well-formed prose must pass
through untouched. Example-based tests cannot cover the interactions of 17 rules
on the same text, so these are stated for every input Hypothesis can build,
including inputs made by injecting the damage of BRIEF §3 into clean sentences.
"""

from __future__ import annotations

import textwrap

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mtrepair import clean_text, langdata, replay, undo
from mtrepair.model import Step

# Modest budgets: the whole suite has to stay well under a minute (2 cores). The
# rest (no database, derandomized, no deadline) is tests/conftest.py's profile.
_FUZZ = settings(max_examples=150)
# Generated articles are a few hundred words each: fewer of them.
_FUZZ_DOCS = settings(_FUZZ, max_examples=100)


# Pieces that trip the rules: abbreviations, quote styles, gaps, CR, mojibake,
# Arabic, a scraped date, boilerplate, a dangling quote, a hyphen at a line end.
_PIECES = (
    "U.S.",
    "Col.",
    "Jan.",
    " ",
    ",",
    ".",
    "\n",
    "\n\n",
    "\n\n\n\n",
    "\r\n",
    "\r",
    "“",
    "”",
    '"',
    "«",
    "»",
    "’",
    " “.",
    "-\n",
    "\u00a0",
    "â€™",
    "é",
    "قال المتحدث",
    "،",
    "؟",
    " date 2021-07-07 ",
    "Colonel Colonel",
    "had had",
    "Please enter your comment!",
    "diplomats",
    "The",
)

arbitrary_text = st.lists(
    st.one_of(st.text(max_size=6), st.sampled_from(_PIECES)),
    max_size=40,
).map("".join)

# --- generated news: clean sentences, then the damage of BRIEF §3 -----------------

_NOUNS = ("rocket", "base", "militia", "embassy", "drone", "convoy", "province", "official", "spokesman")
_VERBS = ("hit", "struck", "targeted", "reached", "circled", "left", "guarded", "watched")
_OTHERS = ("the", "a", "near", "in", "western", "Iraqi", "Syria’s", "two", "three", "heavily", "fortified")


# A random word is never a known abbreviation: "vs." ending a paragraph is exactly the
# break-after-an-abbreviation damage clean repairs, so prose holding it is not "undamaged".
_ABBREVIATIONS = frozenset(
    a.lower().rstrip(".")
    for lang in langdata.LANGUAGES
    for a in langdata.load(lang).abbreviations | langdata.load(lang).title_abbreviations
)
_free_word = st.text(alphabet="abcdefghijklmnoprstuvwyzéüç", min_size=2, max_size=9).filter(
    lambda w: w not in _ABBREVIATIONS
)


@st.composite
def _sentence(draw: st.DrawFn) -> str:
    """A capitalized sentence ending in '.', no adjacent repeated word.

    Words come from a news vocabulary or are random lower-case strings; some
    carry a comma, some sentences hold a balanced “quoted phrase” or "U.S.".
    """
    words = [draw(st.sampled_from(("The", "A", "Two", "Iraqi", "Officials")))]
    for pool in (_OTHERS, _NOUNS, _VERBS, _OTHERS, _NOUNS):
        for _ in range(draw(st.integers(0 if pool is _OTHERS else 1, 2))):
            word = draw(st.one_of(st.sampled_from(pool), _free_word))
            if word.lower() != words[-1].strip(",“”").lower():
                words.append(word + ("," if draw(st.integers(0, 6)) == 0 else ""))
    if draw(st.integers(0, 3)) == 0:
        words += ["said", "“" + draw(st.sampled_from(_NOUNS)), draw(st.sampled_from(_VERBS)) + "”"]
    if draw(st.booleans()):
        words += ["near", "the", "U.S.", draw(st.sampled_from(("embassy", "diplomats", "troops")))]
    return " ".join(words).rstrip(",") + "."


_clean_paragraph = st.lists(_sentence(), min_size=1, max_size=4).map(" ".join)
# Unique: a paragraph printed twice in a row is damage (duplicate_line repairs it).
clean_news = st.lists(_clean_paragraph, min_size=1, max_size=6, unique=True).map("\n\n".join)

_JOINT = "\n\n\n\n"


def _damage_sentence_joints(text: str, draw: st.DrawFn) -> str:
    """Seed 002: some sentence joints and 'U.S. x' spaces become four newlines."""
    out = []
    for piece in text.split(" "):
        out.append(piece)
        sep = " "
        if piece == "U.S." or piece.endswith("."):
            sep = draw(st.sampled_from((" ", " ", _JOINT)))
        out.append(sep)
    return "".join(out[:-1])


def _damage_words(text: str, draw: st.DrawFn) -> str:
    """Doubled words, words hyphenated across a line end, trailing no-break spaces."""
    words = text.split(" ")
    for i, word in enumerate(words):
        kind = draw(st.sampled_from(("none", "none", "none", "double", "hyphen", "nbsp")))
        bare = word.strip(".")
        if kind == "double" and bare.isalpha():
            words[i] = f"{bare} {word}"
        elif kind == "hyphen" and bare.isalpha() and len(bare) > 5:
            words[i] = f"{word[:3]}-\n{word[3:]}"
        elif kind == "nbsp" and word.endswith("."):
            words[i] = word + "\u00a0"
    return " ".join(words)


_EXTRA_BLOCKS = (
    "Why now?",
    "Syria",
    "By Ahmed Rasheed and Suleiman Al-Khalidi",
    "2021/07/08 | 05:32 - Source: Iraq News",
    "Powered by automated translation",
    "Please enter your comment!\nPlease enter your name here",
    "Tyler Durden's Photo",
    "- With additional reporting from Reuters",
    "قال المتحدث باسم التحالف الدولي إن الهجوم فشل.",
    ", injuring two members of the American service.",
    "“We want an operation that befits those martyrs,” the commander said.",
    "“It is a long road.",
    "Strikes than before – and want to complicate it.",
    "the sirens shouted from the embassy.",
)


# UTF-8 read as Windows-1252 (BRIEF §3: `â€™` for `’`).
_MOJIBAKE = {"’": "â€™", "“": "â€œ", "”": "â€\x9d"}


@st.composite
def damaged_news(draw: st.DrawFn) -> str:
    """Clean paragraphs with BRIEF §3 damage injected at drawn places."""
    paragraphs = draw(st.lists(_clean_paragraph, min_size=1, max_size=5))
    wrap = draw(st.sampled_from((None, None, 60, 70)))
    blocks: list[str] = []
    for para in paragraphs:
        if wrap:
            para = textwrap.fill(para, wrap, break_long_words=False, break_on_hyphens=False)
        para = _damage_words(_damage_sentence_joints(para, draw), draw)
        if draw(st.booleans()):
            para += draw(st.sampled_from((" “.", "”", " “", "\u00a0")))
        blocks.append(para)
        if draw(st.integers(0, 3)) == 0:
            blocks.append(draw(st.sampled_from(_EXTRA_BLOCKS)))
    text = "".join(b + draw(st.sampled_from(("\n\n", "\n\n", "\n\n\n", _JOINT))) for b in blocks)
    text = text.rstrip("\n") + draw(st.sampled_from(("", "\n", "\n\n\n")))
    if draw(st.booleans()):
        text = " date 2021-07-07 " + text
    if draw(st.integers(0, 3)) == 0:
        for char, mojibake in _MOJIBAKE.items():
            text = text.replace(char, mojibake)
    if draw(st.integers(0, 3)) == 0:
        text = text.replace("\n", "\r\n")
    return text


def _check_round_trip(text: str) -> None:
    """Undo gives the input back; replay gives the output."""
    result = clean_text(text)
    assert undo(result.text, result.steps) == text
    assert replay(text, result.steps) == result.text


def _check_step_edits(text: str, steps: tuple[Step, ...]) -> None:
    """Each step's edits are sorted, disjoint and name the text they replace."""
    current = text
    for step in steps:
        previous = None
        for e in step.edits:
            assert 0 <= e.start <= e.end <= len(current), (step.rule, e)
            assert current[e.start : e.end] == e.original, (step.rule, e)
            if previous is not None:
                assert previous.end <= e.start, (step.rule, previous, e)
                assert (previous.start, previous.end) < (e.start, e.end), (step.rule, previous, e)
            previous = e
        for f in step.flags:
            assert 0 <= f.start <= f.end <= len(current), (step.rule, f)
        current = replay(current, (step,))


# (a) and (c): undo inverts the run and replay repeats it -------------------------


@_FUZZ
@given(arbitrary_text)
def test_undo_and_replay_on_arbitrary_text(text: str) -> None:
    _check_round_trip(text)


@_FUZZ_DOCS
@given(damaged_news())
def test_undo_and_replay_on_damaged_news(text: str) -> None:
    _check_round_trip(text)


# (b): clean is idempotent --------------------------------------------------------


@_FUZZ
@given(arbitrary_text)
@example("Colonel " * 20)  # a run of repeats must go in one round, not one per round
@example("Y0á\x80\x80THE:had had")  # fixing the mojibake must not change the language guess
@example("The die der had had.\n\nPowered by automated translation")  # nor removing a banner's "by"
def test_clean_is_idempotent_on_arbitrary_text(text: str) -> None:
    once = clean_text(text).text
    assert clean_text(once).text == once


@_FUZZ_DOCS
@given(damaged_news())
def test_clean_is_idempotent_on_damaged_news(text: str) -> None:
    once = clean_text(text).text
    twice = clean_text(once)
    assert twice.text == once, twice.edits


# (d): well-formed prose passes untouched -----------------------------------------


@_FUZZ_DOCS
@given(clean_news)
@example("The rocket, hit, said “rocket hit”. The rocket, hit, vs. The aa.")
def test_undamaged_news_is_left_alone(text: str) -> None:
    result = clean_text(text)
    assert result.text == text
    assert result.edits == ()


# (e): every step's edits are well-formed against that step's input ---------------


@_FUZZ_DOCS
@given(st.one_of(arbitrary_text, damaged_news()))
def test_step_edits_are_sorted_disjoint_and_in_range(text: str) -> None:
    _check_step_edits(text, clean_text(text).steps)
