"""Build the ``generated`` part of ``data/lang/*.json`` from maintained multilingual data.

Run ``python -m mtrepair.langbuild`` after upgrading sacremoses, justext or wordfreq
(or after changing a file's ``sources``); ``tests/test_languages.py`` fails until
the shipped files equal what this produces from the installed packages.

Why generated at build time rather than at import: ranking stopwords needs
wordfreq's frequency tables (about 0.1 s and tens of MB per language), which
``clean`` must not pay for a per-document language guess; the JSON it writes
loads in a millisecond. The hand-written part of each file (``own``, quotes,
sentence marks, ``rules_off``) is read and written back unchanged.

What each source gives (per language, as its file's ``sources`` names them):

- ``sacremoses``: the Moses non-breaking prefixes, each with its final period
  (Moses lists ``z.B``; text has ``z.B.``). Multi-part ones also get their spaced
  form (``z. B.``, ``EE. UU.``): it is the form Duden and the RAE prescribe, and
  the form the damage splits. Prefixes marked ``#NUMERIC_ONLY#`` ("No" in "No. 5")
  go to ``numeric_abbreviations``; when Moses lists a prefix twice its last line
  wins, as in the Moses tokenizer. Left out: entries that are mojibake of
  another entry (``pÃ¡g`` next to ``pág``) and a digit glued to a unit
  (``5км``), a shape no whitespace-delimited token has.
- ``justext`` + ``wordfreq``: ``stopwords`` are the :data:`STOPWORDS` most
  frequent words (by wordfreq) of jusText's stoplist, letters of the language's
  script only. jusText's lists come from Wikipedia and hold names and content
  words; ranking by frequency keeps the function words. Outside English, a word
  must also be ten times as frequent in the language as in English ("a", "in",
  "war", "man" are not): English is in every scraped page, and a word it shares
  is no evidence of another language.
- ``sentence_starters`` (cased scripts only): the first :data:`STARTERS`
  stopwords, capitalized: the words after which an abbreviation most likely
  ended a sentence ("U.S. The…").
- ``decoys`` (in ``und.json`` only): the same stopword ranking for languages we
  ship no rules for. A document whose best match is a decoy (Romanian, Catalan,
  Ukrainian…) is guessed ``und``, instead of the shipped language it resembles
  most (Romanian read as Spanish got Spanish repairs).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

LANG_DIR = Path(__file__).resolve().parent / "data" / "lang"
STOPWORDS = 100
STARTERS = 30
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGIT_UNIT = re.compile(r"\d+[^\W\d_]")
_CASED = frozenset({"Latin", "Cyrillic"})
PACKAGES = ("sacremoses", "justext", "wordfreq")


def _script_of(ch: str) -> str:
    """The script of a letter, from its Unicode name ("CYRILLIC SMALL LETTER A")."""
    return unicodedata.name(ch, "?").split(" ", 1)[0].capitalize()


def _in_script(word: str, script: str) -> bool:
    return all(_script_of(ch) == script for ch in word)


def _is_mojibake(entry: str) -> bool:
    """UTF-8 read as Latin-1 (``pÃ¡g`` for ``pág``): decoding its bytes again succeeds."""
    try:
        return entry.encode("latin-1").decode("utf-8") != entry
    except UnicodeError:
        return False


def _spaced(abbreviation: str) -> str:
    """``z.B.`` → ``z. B.``: a space after every inner period that a letter follows."""
    return re.sub(r"\.(?=[^\W\d_])", ". ", abbreviation)


def moses_prefixes(code: str) -> tuple[list[str], list[str]]:
    """(abbreviations, numeric-only abbreviations) from the Moses list for ``code``."""
    from sacremoses.corpus import NonbreakingPrefixes  # type: ignore[import-untyped]

    prefixes = NonbreakingPrefixes()
    if code not in prefixes.available_langs:
        raise ValueError(f"sacremoses has no non-breaking prefixes for {code!r}")
    kind: dict[str, bool] = {}  # prefix -> numeric only; the last line wins
    for line in prefixes.words(code):
        prefix, _, mark = line.partition("#")
        prefix = prefix.strip()
        if not prefix or _is_mojibake(prefix) or _DIGIT_UNIT.match(prefix):
            continue
        kind.pop(prefix, None)  # re-inserted: keep Moses's order of last occurrence
        kind[prefix] = mark.strip().startswith("NUMERIC_ONLY")
    plain: list[str] = []
    numeric: list[str] = []
    for prefix, numeric_only in kind.items():
        forms = [prefix + "."]
        if "." in prefix and _spaced(prefix + ".") != prefix + ".":
            forms.append(_spaced(prefix + "."))
        (numeric if numeric_only else plain).extend(forms)
    return _unique(plain), _unique(numeric)


def ranked_stopwords(justext_name: str, wordfreq_code: str, script: str, n: int = STOPWORDS) -> list[str]:
    """The ``n`` most frequent words of jusText's stoplist (see the module docstring)."""
    import justext  # type: ignore[import-untyped]
    from wordfreq import word_frequency, zipf_frequency

    words = {w.lower() for w in justext.get_stoplist(justext_name)}
    keep = [w for w in words if _LETTERS.fullmatch(w) and _in_script(w, script)]
    if wordfreq_code != "en":
        keep = [w for w in keep if zipf_frequency(w, wordfreq_code) - 1 >= zipf_frequency(w, "en")]
    keep = [w for w in keep if word_frequency(w, wordfreq_code) > 0]
    keep.sort(key=lambda w: (-word_frequency(w, wordfreq_code), w))
    return keep[:n]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def generate(raw: dict[str, Any]) -> dict[str, Any]:
    """The ``generated`` section for one language file's hand-written part ``raw``."""
    sources: dict[str, Any] = raw.get("sources", {})
    script: str | None = raw.get("script")
    out: dict[str, Any] = {"versions": {p: version(p) for p in PACKAGES}}
    if "sacremoses" in sources:
        plain, numeric = moses_prefixes(sources["sacremoses"])
        out["abbreviations"] = plain
        out["numeric_abbreviations"] = numeric
    if "justext" in sources and script is not None:
        stop = ranked_stopwords(sources["justext"], sources["wordfreq"], script)
        out["stopwords"] = stop
        if script in _CASED:
            out["sentence_starters"] = _unique(w[:1].upper() + w[1:] for w in stop[:STARTERS])
    decoys: dict[str, list[str]] = sources.get("decoys", {})
    if decoys:
        out["decoys"] = {
            code: ranked_stopwords(name, code, decoy_script)
            for code, (name, decoy_script) in sorted(decoys.items())
        }
    return out


def dumps(data: dict[str, Any]) -> str:
    """JSON a reviewer can read: one key per line, string lists wrapped at 100 columns."""

    def value(v: Any, indent: int) -> str:
        pad = " " * indent
        if isinstance(v, dict):
            if not v:
                return "{}"
            inner = [
                f"{pad}  {json.dumps(k, ensure_ascii=False)}: {value(x, indent + 2)}" for k, x in v.items()
            ]
            return "{\n" + ",\n".join(inner) + f"\n{pad}}}"
        if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
            lines: list[str] = []
            line = ""
            for item in (json.dumps(x, ensure_ascii=False) for x in v):
                if line and len(pad) + 4 + len(line) + len(item) > 100:
                    lines.append(line.rstrip(", "))
                    line = ""
                line += item + ", "
            lines.append(line.rstrip(", "))
            if len(lines) == 1 and len(lines[0]) + indent < 90:
                return f"[{lines[0]}]"
            return "[\n" + ",\n".join(f"{pad}  {ln}" for ln in lines) + f"\n{pad}]"
        return json.dumps(v, ensure_ascii=False)

    return value(data, 0) + "\n"


def build(lang_dir: Path = LANG_DIR) -> dict[str, str]:
    """Every language file in ``lang_dir`` with its ``generated`` section rebuilt: name → text."""
    out: dict[str, str] = {}
    for path in sorted(lang_dir.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw["generated"] = generate(raw)
        out[path.name] = dumps(raw)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mtrepair.langbuild", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--dir", type=Path, default=LANG_DIR, help="the data/lang folder to rewrite")
    parser.add_argument("--check", action="store_true", help="only report files that would change (exit 1)")
    args = parser.parse_args(argv)
    stale = []
    for name, text in build(args.dir).items():
        path = args.dir / name
        if path.read_text(encoding="utf-8") != text:
            stale.append(name)
            if not args.check:
                path.write_text(text, encoding="utf-8")
    verb = "stale" if args.check else "rewritten"
    print(f"{len(stale)} file(s) {verb}: {', '.join(stale) or '-'}", file=sys.stderr)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
