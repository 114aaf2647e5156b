"""Glossary rewrites that must not happen (issue 15, items 1, 2 and 11).

1. A rewrite never deletes a word of the sentence: a variant that is the preferred
   form plus a generic word ("قاعدة عين الأسد", "C-RAM system") would shorten the
   text; ``glossary check`` rejects such variants and the matcher refuses to apply
   them, so a user glossary that was never checked cannot delete words either.
2. A term glossed by another mention of itself in brackets ("Syrian Democratic
   Forces (SDF)") is left alone, or the gloss would repeat the expansion.
11. A variant list under a key that is not a language code is an error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mtrepair.config import Config
from mtrepair.glossary import Matcher, load
from mtrepair.glossary.lint import check
from mtrepair.glossary.matcher import dropped_words
from mtrepair.glossary.model import parse
from mtrepair.rules.terms import glossary as glossary_rule
from mtrepair.segment import Document
from tests.conftest import ROOT
from tests.test_glossary import apply

SHIPPED = ROOT / "glossaries" / "military-iraq-syria.toml"
EXE = Path(sys.executable).parent / "mtrepair"
# The issue's reproduction, byte for byte (printf '...\n' > ar.txt).
ISSUE_AR = "سقطت صواريخ على قاعدة عين الأسد الجوية في الأنبار، وفي حقل العمر النفطي.\n"


def glossary(toml: str) -> Matcher:
    return Matcher(parse(toml, "g.toml"))


@pytest.fixture(scope="module")
def shipped() -> Matcher:
    return Matcher(load([SHIPPED]))


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "MTREPAIR_GLOSSARY_DIR": str(SHIPPED.parent)}
    return subprocess.run([str(EXE), *args], cwd=cwd, env=env, capture_output=True, check=False)


# --- item 1: no rewrite drops a word ------------------------------------------------------


def test_issue_command_keeps_every_arabic_word(tmp_path: Path) -> None:
    (tmp_path / "ar.txt").write_bytes(ISSUE_AR.encode("utf-8"))
    proc = _run("clean", "ar.txt", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    assert "قاعدة" in out and "النفطي" in out
    assert out == ISSUE_AR
    proc = _run("clean", "ar.txt", "--report", "r.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (doc,) = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["documents"]
    for edit in doc["edits"]:
        if edit["rule"] == "glossary":
            assert len(edit["replacement"].split()) >= len(edit["original"].split()), edit


def test_glossary_check_cli_passes_on_shipped_and_fails_on_a_dropping_variant(tmp_path: Path) -> None:
    proc = _run("glossary", "check", "--glossary", str(SHIPPED), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert b"drop" not in proc.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[term]]\nid = "c-ram"\ncanonical = "C-RAM"\ntype = "weapon"\nnote = "n"\n'
        'en = ["CRAM", "C-RAM system"]\nar = ["سي رام"]\nxx = ["Si Ram"]\n',
        encoding="utf-8",
    )
    proc = _run("glossary", "check", "--glossary", str(bad), cwd=tmp_path)
    assert proc.returncode == 1
    out = proc.stdout.decode("utf-8")
    assert "'C-RAM system'" in out and "'system'" in out
    assert "'xx' is not a language code" in out
    assert out.count(": error:") == 2 and b"Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("variant", "target", "dropped"),
    [
        # The issue's cases: a generic word around the name would vanish.
        ("C-RAM system", "C-RAM", ["system"]),
        ("قاعدة عين الأسد", "عين الأسد", ["قاعدة"]),
        ("حقل العمر النفطي", "حقل العمر", ["النفطي"]),
        ("الحرس الثوري الإيراني", "الحرس الثوري", ["الإيراني"]),
        ("base aérienne d'Aïn al-Asad", "Aïn al-Asad", ["base", "aérienne"]),
        ("Baghdad International Zone", "Green Zone", ["Baghdad"]),
        # Order matters: "base" has no counterpart even though "Ain" is new.
        ("Al Asad base", "Ain al-Asad", ["base"]),
        ("Asad air base", "Ain al-Asad", ["air", "base"]),
        ("Hezbollah Brigades", "Kataib Hezbollah", ["Brigades"]),
        # An article is only an article before a word: at the end it is a word.
        ("Shami al", "Shami", ["al"]),
        ("at Tanf", "Tanf", []),
        ("at base", "base", ["at"]),
        # Spellings: the transliterated Arabic article, joined or split words.
        ("Farhad Al-Shami", "Farhad Shami", []),
        ("Farhad ash-Shami", "Farhad Shami", []),
        ("Deir ez-Zor", "Deir Zor", []),
        ("Abu Kamal", "Albukamal", []),
        ("al-Omar oil field", "Omar oilfield", []),
        ("Dayr az-Zawr", "Deir al-Zor", []),
        # Substitutions, translations, reordering and insertions drop nothing.
        ("Grad missile", "Grad rocket", []),
        ("Inherent Resolve operation", "Operation Inherent Resolve", []),
        ("Omar field", "al-Omar oil field", []),
        ("Asad", "Ain al-Asad", []),
        ("قسد", "قوات سوريا الديمقراطية", []),
        ("عين الاسد", "عين الأسد", []),
    ],
)
def test_dropped_words_aligns_variant_and_target(variant: str, target: str, dropped: list[str]) -> None:
    assert dropped_words(variant, target) == tuple(dropped)


LANGS_TOML = """\
[[term]]
id = "ain-al-asad"
canonical = "Ain al-Asad"
type = "base"
note = "n"
en = ["Ain al-Assad", "Ain al-Asad air base"]
ar = ["عين الأسد", "قاعدة عين الأسد"]
fr = ["Aïn al-Asad", "base aérienne d'Aïn al-Asad"]

[[term]]
id = "farhad-shami"
canonical = "Farhad Shami"
type = "person"
note = "n"
en = ["Farhad Al-Shami"]
ar = ["فرهاد شامي"]

[[term]]
id = "grad-rocket"
canonical = "Grad rocket"
type = "weapon"
note = "n"
en = ["Grad missile"]
ar = ["صاروخ غراد"]
"""


def test_check_flags_every_dropping_variant_in_every_language() -> None:
    problems = [p for p in check(parse(LANGS_TOML, "g.toml")) if "drop" in p.message]
    assert all(p.severity == "error" for p in problems)
    text = "\n".join(str(p) for p in problems)
    assert len(problems) == 3, text
    assert "'Ain al-Asad air base'" in text and "'air', 'base'" in text
    assert "'قاعدة عين الأسد'" in text and "'قاعدة'" in text
    assert "'base aérienne d'Aïn al-Asad'" in text or "base aérienne" in text
    for fine in ("Farhad Al-Shami", "Grad missile", "Ain al-Assad"):
        assert fine not in text


def test_shipped_glossary_has_no_dropping_variant() -> None:
    assert not [p for p in check(load([SHIPPED])) if "drop" in p.message]


def test_matcher_never_applies_a_dropping_variant() -> None:
    m = Matcher(parse(LANGS_TOML, "g.toml"))
    # The unchecked long variants match first but are refused; the shorter form inside
    # still normalizes its own spelling.
    assert apply(m, "near the Ain al-Asad air base today") == "near the Ain al-Asad air base today"
    assert apply(m, "سقطت صواريخ على قاعدة عين الاسد", "ar") == "سقطت صواريخ على قاعدة عين الأسد"
    assert apply(m, "la base aérienne d'Aïn al-Asad", "fr") == "la base aérienne d'Aïn al-Asad"
    # Negatives: variants that drop nothing still change.
    assert apply(m, "at Ain al-Assad base") == "at Ain al-Asad base"
    assert apply(m, "Farhad Al-Shami said") == "Farhad Shami said"
    assert apply(m, "two Grad missile launchers") == "two Grad rocket launchers"


def test_shipped_glossary_keeps_words_around_names(shipped: Matcher) -> None:
    assert apply(shipped, ISSUE_AR, "ar") == ISSUE_AR
    assert apply(shipped, "الحرس الثوري الإيراني", "ar") == "الحرس الثوري الإيراني"
    assert apply(shipped, "the C-RAM system fired", "en") == "the C-RAM system fired"
    assert apply(shipped, "the CRAM system fired", "en") == "the C-RAM system fired"
    assert apply(shipped, "the Baghdad International Zone", "en") == "the Baghdad Green Zone"
    assert apply(shipped, "في حقل العمر", "ar") == "في حقل العمر"


@pytest.mark.parametrize(
    ("text", "lang", "says"),
    [
        ("at the Ain Al Assad base", "en", "'Ain Al Assad' is a variant of 'Ain al-Asad'"),
        ("في قاعدة عين الاسد", "ar", "'عين الاسد' is a spelling of 'عين الأسد'"),
    ],
)
def test_edit_message_names_the_whole_variant_and_target(
    shipped: Matcher, text: str, lang: str, says: str
) -> None:
    # The edit itself is minimal (the words that differ); the message says what matched
    # and the whole form it becomes, not the edited fragments.
    (finding,) = glossary_rule(Document(text, lang), Config(terms=shipped))
    assert finding.original in says and says.count("'") == 4
    assert says in finding.message


# --- item 2: a bracketed gloss of the same term stays -------------------------------------

SDF_TOML = """\
[[term]]
id = "irgc"
canonical = "Islamic Revolutionary Guard Corps"
type = "organization"
note = "n"
en = ["Revolutionary Guards Corps"]
ar = ["الحرس الثوري"]

[[term]]
id = "sdf"
canonical = "Syrian Democratic Forces"
type = "organization"
note = "n"
en = ["SDF", "Syria Democratic Forces"]
ar = ["قوات سوريا الديمقراطية", "قسد"]
"""


@pytest.mark.parametrize(
    ("text", "lang", "after"),
    [
        # An acronym right after its own expansion stays, in either language.
        ("the Syrian Democratic Forces (SDF) said", "en", None),
        ("the Syrian Democratic Forces [SDF] said", "en", None),
        ("the Syrian Democratic Forces ( “SDF” ) said", "en", None),
        ("قالت قوات سوريا الديمقراطية (قسد) إن", "ar", None),
        ("قالت قوات سوريا الديمقراطية [قسد] إن", "ar", None),
        # ... also after the expansion in another language,
        ("the قوات سوريا الديمقراطية (SDF) said", "en", None),
        ("قالت Syrian Democratic Forces (قسد) إن", "ar", None),
        # ... also when the expansion is itself a variant (only the expansion changes),
        ("Syria Democratic Forces (SDF)", "en", "Syrian Democratic Forces (SDF)"),
        # ... or the gloss comes second.
        ("the SDF (Syrian Democratic Forces) said", "en", None),
        ("قالت قسد (قوات سوريا الديمقراطية) إن", "ar", None),
        # Both would become the expansion: the closer spelling is respelled, the acronym stays.
        ("SDF (Syria Democratic Forces)", "en", "SDF (Syrian Democratic Forces)"),
        # Negatives: after a different entry, without brackets, or alone, it changes.
        (
            "the Islamic Revolutionary Guard Corps (SDF)",
            "en",
            "the Islamic Revolutionary Guard Corps (Syrian Democratic Forces)",
        ),
        ("قال الحرس الثوري (قسد)", "ar", "قال الحرس الثوري (قوات سوريا الديمقراطية)"),
        ("the SDF said", "en", "the Syrian Democratic Forces said"),
        ("قالت قسد إن", "ar", "قالت قوات سوريا الديمقراطية إن"),
        ("sources (SDF) said", "en", "sources (Syrian Democratic Forces) said"),
        # A bracketed gloss in another language is not repeated by the rewrite.
        ("the SDF (قسد) said", "en", "the Syrian Democratic Forces (قسد) said"),
        (
            "Syrian Democratic Forces (SDF said",
            "en",
            "Syrian Democratic Forces (Syrian Democratic Forces said",
        ),
        ("Syrian Democratic Forces, SDF", "en", "Syrian Democratic Forces, Syrian Democratic Forces"),
    ],
)
def test_gloss_of_the_same_entry_in_brackets_stays(text: str, lang: str, after: str | None) -> None:
    assert apply(glossary(SDF_TOML), text, lang) == (text if after is None else after)


def test_shipped_arabic_acronym_after_expansion_stays(shipped: Matcher) -> None:
    text = "أعلنت قوات سوريا الديمقراطية (قسد) أنها صدت الهجوم"
    assert apply(shipped, text, "ar") == text
    assert apply(shipped, "أعلنت قسد أنها", "ar") == "أعلنت قوات سوريا الديمقراطية أنها"


# --- item 11: language codes --------------------------------------------------------------


def _entry_with(code: str) -> str:
    return (
        '[[term]]\nid = "erbil"\ncanonical = "Erbil"\ntype = "place"\nnote = "n"\n'
        f'ar = ["أربيل"]\n{code} = ["Hewlêr"]\n'
    )


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("xx", "'xx' is not a language code"),
        ("zz", "'zz' is not a language code"),
        ("qaa", "'qaa' is not a language code"),
        ("ara", "use 'ar'"),
        ("kur", "use 'ku'"),
        ("iw", "use 'he'"),
        ("und", "not a language"),
        ("mul", "not a language"),
    ],
)
def test_check_rejects_unknown_language_codes(code: str, says: str) -> None:
    problems = [p for p in check(parse(_entry_with(code), "g.toml")) if p.severity == "error"]
    assert len(problems) == 1, problems
    assert says in problems[0].message and problems[0].where == "g.toml:1"


@pytest.mark.parametrize("code", ["ku", "ckb", "fr", "fa", "tr", "he", "kmr", "en"])
def test_check_accepts_real_language_codes(code: str) -> None:
    assert not [p for p in check(parse(_entry_with(code), "g.toml")) if p.severity == "error"]
