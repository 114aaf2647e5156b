"""Build a deterministic, realistic benchmark corpus (JSONL) from the five seed articles.

Every document starts from the paragraphs of one or more seeds (shuffled, with
sentences shuffled inside some paragraphs) and then, unless it is one of the
untouched documents, gets a random mix of the damage BRIEF §3 describes:
sentence joints written as four newlines, ``U.S.`` + four newlines, orphan
``, fragment`` paragraphs, doubled words, stray `` “.``, mojibake (UTF-8 read as
cp1252 or latin-1) on some paragraphs, boilerplate lines, a glued ``date`` field,
hard wraps at ~70 columns with hyphenated line ends, and CRLF line breaks.

The same ``seed`` and size always give the same file, byte for byte.

    .venv/bin/python benchmarks/make_corpus.py --size-mb 20 -o benchmarks/corpus/bench.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
MB = 1_000_000  # throughput figures use decimal megabytes of UTF-8 text

UNTOUCHED = "untouched"  # an exact copy of a seed article
CLEAN_MIX = "clean_mix"  # reshuffled seed paragraphs, no damage injected

# Paragraph-level damage, applied to a few paragraphs of a document.
PARAGRAPH_DAMAGE = (
    "sentence_joint",
    "abbreviation_break",
    "orphan_fragment",
    "doubled_word",
    "stray_quote",
    "mojibake",
)
# Document-level damage.
DOCUMENT_DAMAGE = ("boilerplate", "metadata", "hard_wrap", "crlf")
DAMAGE_KINDS = PARAGRAPH_DAMAGE + DOCUMENT_DAMAGE

BOILERPLATE_TAIL = (
    "Please enter your comment!\nPlease enter your name here",
    "Leave a Reply\nCancel reply",
    "Share this article",
    "Subscribe to our newsletter",
)
BOILERPLATE_HEAD = (
    "Powered by automated translation",
    "Updated: July 08, 2021, 4:50 PM",
    "Tyler Durden's Photo",
    "Advertisement",
)

# A gap between blocks; a gap of more than two newlines is a seed's own sentence
# joint (seed 002), which stays inside its paragraph when paragraphs are shuffled.
_GAP = re.compile(r"(\n(?:[^\S\n]*\n)+)")
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"”’]?) (?=[“\"A-Z])")
_US_BEFORE_WORD = re.compile(r"\b(?:U\.S\.|US) (?=[a-z])")
_COMMA_CLAUSE = re.compile(r", (?=[a-z]{3,})")
_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


@dataclass(frozen=True)
class CorpusInfo:
    """What was written: enough to check that two runs measured the same corpus."""

    path: Path
    seed: int
    size_mb: float
    documents: int
    text_bytes: int
    file_bytes: int
    sha256: str
    damage: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "seed": self.seed,
            "size_mb_requested": self.size_mb,
            "documents": self.documents,
            "text_bytes": self.text_bytes,
            "text_mb": round(self.text_bytes / MB, 3),
            "file_bytes": self.file_bytes,
            "sha256": self.sha256,
            "documents_with_damage": dict(sorted(self.damage.items())),
        }


def load_seeds(folder: Path = SEEDS_DIR) -> list[str]:
    """The seed articles, in file-name order."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    if not texts:
        raise FileNotFoundError(f"no seed articles (*.txt) in {folder}")
    return texts


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; gaps longer than one blank line stay inside."""
    parts = _GAP.split(text.strip())
    out = [parts[0]]
    for gap, block in zip(parts[1::2], parts[2::2], strict=True):
        if gap.count("\n") > 2:
            out[-1] += gap + block
        else:
            out.append(block)
    return [p.strip() for p in out if p.strip()]


def sentences(paragraph: str) -> list[str]:
    """A rough sentence split, good enough to shuffle and to rejoin with other gaps."""
    pieces = _SENTENCE_END.split(paragraph)
    out = [pieces[0]]
    for closer, rest in zip(pieces[1::2], pieces[2::2], strict=True):
        out[-1] += closer
        out.append(rest)
    return out


# --- paragraph-level damage: each returns the damaged paragraph, or None if it cannot apply


def sentence_joint(p: str, rng: random.Random) -> str | None:
    """Seed 002: sentences of one paragraph separated by four newlines."""
    sents = sentences(p)
    if len(sents) < 2 or "\n" in p:
        return None
    i = rng.randrange(1, len(sents))
    return " ".join(sents[:i]) + "\n\n\n\n" + " ".join(sents[i:])


def abbreviation_break(p: str, rng: random.Random) -> str | None:
    """Seed 002: ``U.S.`` + four newlines + the rest of the sentence."""
    spots = list(_US_BEFORE_WORD.finditer(p))
    if not spots:
        return None
    m = rng.choice(spots)
    return p[: m.start()] + "U.S.\n\n\n\n" + p[m.end() :]


def orphan_fragment(p: str, rng: random.Random) -> str | None:
    """Seed 002: ``Air Force base.`` then a paragraph ``, injuring two members…``."""
    spots = [m for m in _COMMA_CLAUSE.finditer(p) if m.start() > 20]
    if not spots:
        return None
    m = rng.choice(spots)
    return p[: m.start()] + ".\n\n" + rng.choice(("", "\n\n")) + ", " + p[m.end() :]


def doubled_word(p: str, rng: random.Random) -> str | None:
    """Seed 002: ``Army Colonel Colonel spokesman``."""
    words = list(_WORD.finditer(p))
    if not words:
        return None
    m = rng.choice(words)
    return p[: m.end()] + " " + m.group() + p[m.end() :]


def stray_quote(p: str, rng: random.Random) -> str | None:
    """Seeds 002/003: ``want to complicate it “.`` and ``escalation.” “.``."""
    if p.endswith("“."):
        return None
    if p.endswith("."):
        return p[:-1] + " “."
    if p.endswith(("”", '"')):
        return p + " “."
    return None


def mojibake(p: str, rng: random.Random) -> str | None:
    """UTF-8 bytes decoded as cp1252 (ftfy's sloppy variant) or latin-1: ``â€™`` for ``’``."""
    if p.isascii():
        # Publishers curl their quotes; scraped copies then garble them.
        p = p.replace("'", "’").replace(" - ", " — ")
        if p.isascii():
            return None
    codec = rng.choice(("sloppy-windows-1252", "sloppy-windows-1252", "latin-1"))
    return p.encode("utf-8").decode(codec)


PARAGRAPH_FUNCS: dict[str, Callable[[str, random.Random], str | None]] = {
    "sentence_joint": sentence_joint,
    "abbreviation_break": abbreviation_break,
    "orphan_fragment": orphan_fragment,
    "doubled_word": doubled_word,
    "stray_quote": stray_quote,
    "mojibake": mojibake,
}


# --- document-level damage


def hard_wrap(text: str, width: int, rng: random.Random) -> str:
    """Wrap every line at ``width`` columns, hyphenating some long words at the line end."""
    return "\n".join(_wrap_line(line, width, rng) for line in text.split("\n"))


def _wrap_line(line: str, width: int, rng: random.Random) -> str:
    out: list[str] = []
    cur = ""
    words = line.split(" ")
    i = 0
    while i < len(words):
        word = words[i]
        candidate = f"{cur} {word}" if cur else word
        if len(candidate) <= width or not cur:
            cur = candidate
            i += 1
            continue
        room = width - len(cur) - 2  # a space before the piece, a hyphen after it
        if "-" in word and 0 < word.index("-") < room and rng.random() < 0.7:
            # A real compound (Iran-backed) broken at its own hyphen.
            cut = word.index("-") + 1
            out.append(f"{cur} {word[:cut]}")
            cur = ""
            words[i] = word[cut:]
        elif word.isalpha() and len(word) >= 7 and room >= 3 and rng.random() < 0.6:
            cut = min(room, len(word) - 3)
            out.append(f"{cur} {word[:cut]}-")
            cur = ""
            words[i] = word[cut:]
        else:
            out.append(cur)
            cur = ""
    out.append(cur)
    return "\n".join(out)


# --- documents


def _base_paragraphs(seed_pars: list[list[str]], rng: random.Random) -> list[str]:
    """A title and a shuffled body drawn from one to three seeds."""
    main = rng.randrange(len(seed_pars))
    title, *body = seed_pars[main]
    for _ in range(rng.choice((0, 0, 1, 2))):
        body.extend(seed_pars[rng.randrange(len(seed_pars))][1:])
    if rng.random() < 0.7:
        rng.shuffle(body)
    shuffled: list[str] = []
    for p in body:
        sents = sentences(p)
        if len(sents) > 2 and "\n" not in p and rng.random() < 0.3:
            rng.shuffle(sents)
            p = " ".join(sents)
        shuffled.append(p)
    return [title, *shuffled]


def make_document(
    seed_texts: Sequence[str], seed_pars: list[list[str]], rng: random.Random
) -> tuple[str, list[str]]:
    """One document and the kinds of damage it carries (``untouched``/``clean_mix`` for none)."""
    roll = rng.random()
    if roll < 0.10:
        return seed_texts[rng.randrange(len(seed_texts))], [UNTOUCHED]
    pars = _base_paragraphs(seed_pars, rng)
    if roll < 0.20:
        return "\n\n".join(pars) + "\n", [CLEAN_MIX]

    kinds = [k for k in DAMAGE_KINDS if rng.random() < 0.4] or [rng.choice(DAMAGE_KINDS)]
    applied: list[str] = []
    for kind in PARAGRAPH_DAMAGE:
        if kind not in kinds:
            continue
        hits = 0
        body = range(1, len(pars)) if len(pars) > 1 else range(1)
        for i in rng.sample(body, min(len(body), rng.randint(1, 4))):
            damaged = PARAGRAPH_FUNCS[kind](pars[i], rng)
            if damaged is not None:
                pars[i] = damaged
                hits += 1
        if hits:
            applied.append(kind)
    if "boilerplate" in kinds:
        pars.insert(1, rng.choice(BOILERPLATE_HEAD))
        if rng.random() < 0.6:
            pars.insert(rng.randrange(2, len(pars) + 1), rng.choice(BOILERPLATE_HEAD))
        pars.append(rng.choice(BOILERPLATE_TAIL))
        applied.append("boilerplate")
    text = "\n\n".join(pars) + "\n"
    if "metadata" in kinds and not text.lstrip().startswith("date "):
        text = f" date 2021-07-{rng.randint(1, 28):02d} " + text
        applied.append("metadata")
    if "hard_wrap" in kinds:
        text = hard_wrap(text, rng.randint(64, 76), rng)
        applied.append("hard_wrap")
    if "crlf" in kinds:
        text = text.replace("\n", "\r\n")
        applied.append("crlf")
    return text, applied or [CLEAN_MIX]


def generate(
    size_bytes: int, *, seed: int = 0, seeds_dir: Path = SEEDS_DIR
) -> Iterator[tuple[dict[str, str], list[str]]]:
    """Records ``{"id", "text"}`` with their damage kinds, until the texts reach ``size_bytes``."""
    rng = random.Random(seed)
    seed_texts = load_seeds(seeds_dir)
    seed_pars = [paragraphs(t) for t in seed_texts]
    total = 0
    n = 0
    while total < size_bytes:
        text, kinds = make_document(seed_texts, seed_pars, rng)
        yield {"id": f"bench-{seed}-{n:06d}", "text": text}, kinds
        total += len(text.encode("utf-8"))
        n += 1


def write_corpus(
    path: Path, *, size_mb: float = 20.0, seed: int = 0, seeds_dir: Path = SEEDS_DIR
) -> CorpusInfo:
    """Write the corpus as JSONL to ``path`` (its folder is created) and describe it."""
    if size_mb <= 0:
        raise ValueError("size_mb must be positive")
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    damage: Counter[str] = Counter()
    documents = text_bytes = file_bytes = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for record, kinds in generate(int(size_mb * MB), seed=seed, seeds_dir=seeds_dir):
            line = json.dumps(record, ensure_ascii=False) + "\n"
            data = line.encode("utf-8")
            out.write(line)
            digest.update(data)
            damage.update(kinds)
            documents += 1
            text_bytes += len(record["text"].encode("utf-8"))
            file_bytes += len(data)
    return CorpusInfo(
        path, seed, size_mb, documents, text_bytes, file_bytes, digest.hexdigest(), dict(damage)
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=float, default=20.0, help="MB (10^6 bytes) of UTF-8 text")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same corpus)")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "benchmarks" / "corpus" / "bench.jsonl")
    args = parser.parse_args(argv)
    info = write_corpus(args.output, size_mb=args.size_mb, seed=args.seed)
    print(json.dumps(info.as_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
