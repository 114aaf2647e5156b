"""Hypothesis strategies: damaged news text, hostile text, JSONL bytes, glossary TOML bytes.

``damaged_text`` builds clean news sentences (a small vocabulary plus random
words), then injects the damage of BRIEF §3 at drawn places: doubled words,
breaks after abbreviations (``U.S.`` + four newlines), sentence joints written
as paragraph breaks, orphan comma lines, stray quotes, mojibake of a fragment
(its UTF-8 bytes read as Latin-1 or Windows-1252), glossary variants
(``Ain Al Assad``, ``Maroto``), the ``Assad`` traps that must never change,
boilerplate lines, glued metadata, hard wraps, hyphenation and CRLF.

Every generator is deterministic given Hypothesis' choices, so a failing input
shrinks and replays.
"""

from __future__ import annotations

import gzip
import json
import textwrap

from hypothesis import strategies as st

from mtrepair.glossary.model import TYPES

NOUNS = ("rocket", "base", "militia", "embassy", "drone", "convoy", "province", "official", "spokesman")
VERBS = ("hit", "struck", "targeted", "reached", "circled", "left", "guarded", "watched")
OTHERS = ("the", "a", "near", "in", "western", "Iraqi", "Syria’s", "two", "three", "café", "heavily")
STARTERS = ("The", "A", "Two", "Iraqi", "Officials", "Militias", "He", "She")

# Term variants the shipped glossary rewrites (BRIEF §4), as they appear in prose.
GLOSSARY_VARIANTS = (
    "Ain Al Assad air base",
    "Ain al-Assad",
    "Ain Assad",
    "the Al Assad airbase",
    "Asad base",
    "Colonel Wayne Maroto",
    "Maroto",
    "30 “Grad” missiles",
    "Grad missiles",
    "Deir Ezzor",
    "Deir ez-Zor",
    "Abu Kamal",
    "Albukamal",
    "Arbil",
    "Irbil",
    "the CRAM system",
    "C-Ram",
    "Kataib Hizbollah",
    "Kata'ib Hizballah",
    "Qasem Soleimani",
    "Al Omar oil field",
    "Omar oil field",
    "Abu Alaa Al Walae",
)
# Glossary traps: "Assad" alone is Syria's president; these must never change.
GLOSSARY_TRAPS = ("Bashar al-Assad", "President Assad", "pro-Assad", "the Assad regime")
# Canonical forms: already right, never rewritten.
GLOSSARY_CANONICAL = ("Ain al-Asad", "Wayne Marotto", "Deir al-Zor", "Albu Kamal", "Erbil", "C-RAM")

BOILERPLATE = (
    "Please enter your comment!",
    "Please enter your name here",
    "Powered by automated translation",
    "Updated: July 08, 2021, 4:50 PM",
    "Tyler Durden's Photo",
    "Share this article",
    "Advertisement",
)
# Lines that must stay (headings, bylines, datelines): negative cases.
KEEP_LINES = (
    "Why now?",
    "Syria",
    "Al Assad Air Base",
    "US Embassy",
    "A co-ordinated escalation",
    "By Ahmed Rasheed and Suleiman Al-Khalidi",
    "2021/07/08 | 05:32 - Source: Iraq News",
    "قال المتحدث باسم التحالف الدولي إن الهجوم فشل.",
)
ORPHAN_CLAUSES = (
    ", injuring two members of the American service.",
    ", the spokesman said.",
    ", according to a statement.",
)
QUOTES = ("“", "”", '"', "«", "»", "‘", "’", " “.", "”.")

_free_word = st.text(alphabet="abcdefghijklmnoprstuvwyzéüç", min_size=2, max_size=9)


@st.composite
def sentence(draw: st.DrawFn, *, terms: bool = True) -> str:
    """A capitalized sentence ending in '.', with no adjacent repeated word.

    Sometimes it holds ``U.S.``, a quoted phrase, a glossary variant, a trap or
    a canonical glossary form.
    """
    words = [draw(st.sampled_from(STARTERS))]
    for pool in (OTHERS, NOUNS, VERBS, OTHERS, NOUNS):
        for _ in range(draw(st.integers(0 if pool is OTHERS else 1, 2))):
            word = draw(st.one_of(st.sampled_from(pool), _free_word))
            if word.lower() != words[-1].strip(",“”").lower():
                words.append(word + ("," if draw(st.integers(0, 6)) == 0 else ""))
    extra = draw(st.integers(0, 9))
    if extra == 0:
        words += ["said", "“" + draw(st.sampled_from(NOUNS)), draw(st.sampled_from(VERBS)) + "”"]
    elif extra == 1:
        words += ["near", "the", "U.S.", draw(st.sampled_from(("embassy", "diplomats", "troops")))]
    elif terms and extra in (2, 3):
        words += ["at", draw(st.sampled_from(GLOSSARY_VARIANTS))]
    elif terms and extra == 4:
        words += ["and", draw(st.sampled_from(GLOSSARY_TRAPS))]
    elif terms and extra == 5:
        words += ["in", draw(st.sampled_from(GLOSSARY_CANONICAL))]
    return " ".join(words).rstrip(",") + "."


paragraph = st.lists(sentence(), min_size=1, max_size=4)


def _double_a_word(text: str, draw: st.DrawFn) -> str:
    words = text.split(" ")
    i = draw(st.integers(0, len(words) - 1))
    bare = words[i].strip(".,“”")
    if bare.isalpha():
        words[i] = f"{bare} {words[i]}"
    return " ".join(words)


def _mojibake(text: str, draw: st.DrawFn) -> str:
    """Re-read a drawn fragment's UTF-8 bytes as Latin-1 or Windows-1252."""
    if not text:
        return text
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, min(len(text), start + 80)))
    fragment = text[start:end]
    raw = fragment.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        garbled = raw.decode("latin-1")
    else:
        garbled = raw.decode("cp1252", errors="replace").replace("\ufffd", "\x9d")
    return text[:start] + garbled + text[end:]


def _insert_quote(text: str, draw: st.DrawFn) -> str:
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return text + draw(st.sampled_from(QUOTES))
    at = draw(st.sampled_from(spaces))
    return text[:at] + draw(st.sampled_from(QUOTES)) + text[at:]


def _break_after_abbreviation(text: str, draw: st.DrawFn, gap: str | None = None) -> str:
    gap = gap or draw(st.sampled_from(("\n\n\n\n", "\n\n", "\n")))
    return text.replace("U.S. ", "U.S." + gap)


def _hyphenate(text: str, draw: st.DrawFn) -> str:
    words = text.split(" ")
    i = draw(st.integers(0, len(words) - 1))
    w = words[i]
    if w.isalpha() and len(w) > 5:
        cut = draw(st.integers(2, len(w) - 2))
        words[i] = f"{w[:cut]}-\n{w[cut:]}"
    return " ".join(words)


# Seed 002: a quotation torn by a sentence joint, and its comparative tail.
QUOTE_SPLITS = (
    "He said “The attack on the base was not going well.{joint}But at the same time the convoy left.”",
    "“We are weaker in the US air.{joint}Strikes than before,” the commander said.",
    "The statement said “the drones struck{joint}the embassy compound”.",
)
DANGLING = (" “.", " “", "”.", " ”", " «", "\u00a0“.")


@st.composite
def damaged_text(draw: st.DrawFn) -> str:
    """Generated news paragraphs with BRIEF §3 damage injected at drawn places.

    Half the documents write every sentence joint as four newlines and every
    paragraph break as two (seed 002's style, which ``paragraph_joint`` learns);
    the others mix joints and gaps at random.
    """
    paragraphs = draw(st.lists(paragraph, min_size=1, max_size=5))
    seed_002_style = draw(st.booleans())
    blocks: list[str] = []
    for sentences in paragraphs:
        # A hard-wrapped paragraph is one long line first (the wrap needs several lines).
        wrap = None if seed_002_style else draw(st.sampled_from((None, None, 60, 70)))
        joints = ("\n\n\n\n",) if seed_002_style else (" ", " ", " ", "\n\n\n\n", "\n\n")
        joint = " " if wrap else draw(st.sampled_from(joints))
        if wrap:
            sentences = sentences + draw(st.lists(sentence(), min_size=2, max_size=4))
        para = joint.join(sentences)
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(
                st.sampled_from(
                    ("double", "abbr", "abbr", "quote", "dangling", "split", "hyphen", "orphan", "nbsp")
                )
            )
            if kind == "double":
                para = _double_a_word(para, draw)
            elif kind == "abbr":
                para += " Officials near the U.S. " + draw(
                    st.sampled_from(("diplomats", "embassy", "troops"))
                )
                para = _break_after_abbreviation(
                    para + " left.", draw, "\n\n\n\n" if seed_002_style else None
                )
            elif kind == "quote":
                para = _insert_quote(para, draw)
            elif kind == "dangling":
                para += draw(st.sampled_from(DANGLING))
            elif kind == "split":
                para += " " + draw(st.sampled_from(QUOTE_SPLITS)).format(
                    joint=draw(st.sampled_from(("\n\n\n\n", "\n\n")))
                )
            elif kind == "hyphen":
                para = _hyphenate(para, draw)
            elif kind == "orphan":
                para = (
                    para + ("\n\n\n\n" if seed_002_style else "\n\n") + draw(st.sampled_from(ORPHAN_CLAUSES))
                )
            else:
                para = para + "\u00a0"
        if wrap and "\n" not in para:
            para = textwrap.fill(para, wrap, break_long_words=False, break_on_hyphens=False)
        blocks.append(para)
        extra = draw(st.integers(0, 5))
        if extra == 0:
            blocks.append(draw(st.sampled_from(BOILERPLATE)))
        elif extra == 1:
            blocks.append(draw(st.sampled_from(KEEP_LINES)))
    seps = st.sampled_from(("\n\n",) if seed_002_style else ("\n\n", "\n\n", "\n", "\n\n\n\n"))
    text = "".join(b + draw(seps) for b in blocks)
    text = text.rstrip("\n") + draw(st.sampled_from(("", "\n", "\n\n\n")))
    if draw(st.integers(0, 4)) == 0:
        text = " date 2021-07-07 " + text
    if draw(st.integers(0, 3)) == 0:
        text = _mojibake(text, draw)
    newline = draw(st.sampled_from(("\n", "\n", "\n", "\r\n", "\r")))
    return text.replace("\n", newline)


# Characters that trip text handling: bidi controls, zero-width joiners, combining
# marks, emoji (and their modifiers), NUL, BOM, line and paragraph separators, a
# lone surrogate (JSON can carry one), C1 controls, Arabic with its punctuation.
_HOSTILE_PIECES = (
    "\u202e",
    "\u202d",
    "\u2066",
    "\u200f",
    "\u200d",
    "\u200b",
    "\u0301",
    "e\u0301",
    "\U0001f600",
    "\U0001f44d\U0001f3fd",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\x00",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x0c",
    "\ud800",
    "\x9d",
    "ﬁ",
    "İ",
    "ß",
    "Σ",
    "قال",
    "،",
    "؟",
    "U.S.",
    "Col.",
    "e.g.",
    "J.",
    " ",
    "\t",
    ",",
    ".",
    "...",
    "…",
    "!",
    "?",
    "\n",
    "\n\n",
    "\n\n\n\n",
    "\r\n",
    "\r",
    "-\n",
    "\u00a0",
    "â€™",
    "Ã©",
    " date 2021-07-07 ",
    "Colonel Colonel",
    "had had",
    "the the",
    "Please enter your comment!",
    "Powered by automated translation",
    "Ain Al Assad",
    "Assad",
    "base",
    "Maroto",
    "Grad missiles",
    "The",
    "officials",
    *QUOTES,
)

hostile_text = st.lists(
    st.one_of(st.text(max_size=6), st.sampled_from(_HOSTILE_PIECES), st.sampled_from(GLOSSARY_VARIANTS)),
    max_size=50,
).map("".join)

any_text = st.one_of(damaged_text(), hostile_text, st.text(max_size=200))


# --- JSONL bytes -----------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)


@st.composite
def _record_line(draw: st.DrawFn) -> bytes:
    record: dict[str, object] = {}
    kind = draw(st.integers(0, 9))
    if kind < 7:
        record["text"] = draw(st.one_of(damaged_text(), hostile_text, st.text(max_size=30)))
    elif kind < 9:
        record["text"] = draw(json_values)
    if draw(st.booleans()):
        record["id"] = draw(json_values)
    record.update(draw(st.dictionaries(st.text(max_size=5), json_values, max_size=2)))
    line = json.dumps(record, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    damage = draw(st.integers(0, 12))
    if damage == 0 and line:
        line = line[: draw(st.integers(0, len(line) - 1))]
    elif damage == 1:
        at = draw(st.integers(0, len(line)))
        line = line[:at] + draw(st.binary(min_size=1, max_size=4)) + line[at:]
    elif damage == 2:
        line = b"\xef\xbb\xbf" + line
    elif damage == 3:
        line = line.decode("utf-8", "surrogatepass").encode("latin-1", "replace")
    return line


@st.composite
def _special_line(draw: st.DrawFn) -> bytes:
    depth = draw(st.integers(1, 5000))
    big = draw(st.integers(1, 6000))
    return draw(
        st.sampled_from(
            (
                b"[" * depth + b"]" * depth,
                b'{"text": "a", "x": ' + b"[" * depth + b"]" * depth + b"}",
                b'{"text": "a", "id": ' + b"9" * big + b"}",
                b'{"text": "a", "id": 1e' + b"9" * min(big, 400) + b"}",
                b'{"text": "a", "id": NaN, "n": Infinity}',
                b'{"text": "a\\ud800b", "id": 1}',
                b'{"text": "\\udc00", "id": "\\ud83d"}',
                b'{"text": "x", "text": 5}',
                b'{"text": "x"}{"text": "y"}',
                b'"text"',
                b"null",
                b"\x00\x00\x00",
                b"\xff\xfe{\x00}\x00",
            )
        )
    )


@st.composite
def jsonl_bytes(draw: st.DrawFn) -> bytes:
    """A JSONL file: good, broken and hostile records, with mixed line endings."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=300))
    lines = draw(st.lists(st.one_of(_record_line(), _special_line(), st.binary(max_size=20)), max_size=6))
    out = b""
    for line in lines:
        out += line + draw(st.sampled_from((b"\n", b"\n", b"\r\n", b"\r", b"\n\n")))
    if draw(st.integers(0, 6)) == 0:
        out = b"\xef\xbb\xbf" + out
    if draw(st.integers(0, 6)) == 0 and out:
        out = out[:-1]
    return out


def gzip_of(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


# --- glossary TOML bytes ---------------------------------------------------------

_term_text = st.one_of(
    st.sampled_from(GLOSSARY_VARIANTS + GLOSSARY_CANONICAL + GLOSSARY_TRAPS),
    st.sampled_from(("Assad", "al-Asad", "base", "-", "’", "“”", "a", "Al", "عين الأسد", "ـ", "\u064b")),
    st.text(max_size=12),
)


def _toml_string(value: str) -> str:
    # A JSON string is a TOML basic string, except for raw DEL and surrogates
    # (both then fail to parse, which exercises the error path).
    return json.dumps(value, ensure_ascii=False)


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_string(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return '""'


@st.composite
def _entry(draw: st.DrawFn) -> str:
    fields: dict[str, object] = {}
    variants = draw(st.lists(_term_text, min_size=0, max_size=5))
    if draw(st.integers(0, 9)):
        fields["id"] = draw(
            st.one_of(st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True), st.text(max_size=8))
        )
    if draw(st.integers(0, 9)):
        fields["canonical"] = draw(_term_text)
    if draw(st.integers(0, 9)):
        fields["type"] = draw(st.one_of(st.sampled_from(TYPES), st.text(max_size=6)))
    if draw(st.booleans()):
        fields["note"] = draw(st.one_of(st.text(max_size=20), st.integers()))
    if draw(st.integers(0, 5)):
        fields["en"] = variants
    if draw(st.booleans()):
        fields[draw(st.sampled_from(("ar", "fr", "de", "xyz", "EN", "e")))] = draw(
            st.one_of(st.lists(_term_text, max_size=3), json_values)
        )
    if draw(st.integers(0, 9)) == 0:
        fields[draw(st.text(max_size=6))] = draw(json_values)
    lines = ["[[term]]"]
    lines += [f"{_toml_string(k)} = {_toml_value(v)}" for k, v in fields.items()]
    if draw(st.integers(0, 3)) == 0:
        ctx: dict[str, object] = {}
        if draw(st.integers(0, 5)):
            ctx["variants"] = draw(
                st.lists(st.one_of(st.sampled_from(variants or ["x"]), _term_text), max_size=3)
            )
        for name in ("followed_by", "preceded_by", "never_after"):
            if draw(st.booleans()):
                ctx[name] = draw(st.lists(_term_text, max_size=3))
        if draw(st.integers(0, 9)) == 0:
            ctx["bogus"] = draw(json_values)
        lines.append("")
        lines.append("[term.context]")
        lines += [f"{_toml_string(k)} = {_toml_value(v)}" for k, v in ctx.items()]
    return "\n".join(lines) + "\n"


@st.composite
def glossary_bytes(draw: st.DrawFn) -> bytes:
    """A glossary file: mostly schema-shaped TOML, sometimes broken, sometimes noise."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=200))
    if kind == 1:
        return draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")
    text = "# comment\n\n" + "\n".join(draw(st.lists(_entry(), max_size=4)))
    if draw(st.integers(0, 9)) == 0:
        text += draw(
            st.sampled_from(("term = 1\n", "[other]\nx = 1\n", "[[term]]\n[[term]]\n", "term = []\n"))
        )
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 5)) == 0 and data:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at + draw(st.integers(0, 3)) :]
    return data
