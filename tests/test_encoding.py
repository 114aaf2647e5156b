"""Encoding damage (issue 16): ftfy's own golden cases, mojibake in many codecs, letters lost to "?".

The mojibake rule promises ``ftfy.fix_encoding``'s output on every line, and
every other rule promises to leave alone what ftfy leaves alone. ftfy's test
cases (vendored from its source distribution, ``tests/data/ftfy/``) are the
specification, run whole:

* a positive case ("expect": "pass", and ``fix_encoding`` changes the text)
  gives, with the encoding rules alone, exactly what ``fix_encoding`` gives; and
  the whole pipeline gives the same text from the damaged original as from the
  repaired one, so the damage leaves no trace;
* a negative case ("pass", and ``fix_encoding`` leaves it) is left untouched by
  every rule of the pipeline, alone and in ``clean_text`` (the one exception is
  an HTML entity, which ``html_entities`` decodes as ``ftfy.fix_text`` does);
* a case ftfy itself gets wrong ("fail") is ``xfail(strict=True)`` here too, as
  in ftfy's own suite, and still no other rule may edit what is left of it
  (the Arabic "Ù Ù" residue that ``doubled_word`` used to delete).
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # registers the "sloppy-windows-1252" codec the MacRoman tests use
import pytest
from ftfy.chardata import CHARMAP_ENCODINGS
from hypothesis import given, settings
from hypothesis import strategies as st

from mtrepair.config import Config
from mtrepair.model import Finding, Result
from mtrepair.pipeline import clean_text
from mtrepair.registry import RULES
from mtrepair.rules import PIPELINE
from mtrepair.rules.encoding import _SUSPECT
from mtrepair.segment import Document
from tests.conftest import ROOT, seed_text

DATA = Path(__file__).resolve().parent / "data" / "ftfy"
CASES: list[dict[str, str]] = json.loads((DATA / "test_cases.json").read_text(encoding="utf-8"))
FTFY_VERSION = "6.3.1"  # the source distribution the cases come from (tests/data/ftfy/README.md)

ENCODING_RULES = frozenset({"line_endings", "mojibake", "lossy_encoding"})
ENCODING_ONLY = Config(disabled=frozenset(PIPELINE) - ENCODING_RULES)
WHOLE = Config()  # every rule; no glossary (the CLI's default glossary is not part of Config())
# What the pipeline's two ftfy rules together amount to: fix_encoding plus
# unescape_html, with everything else ftfy's fix_text would change left alone.
FTFY_PIPELINE = ftfy.TextFixerConfig(
    unescape_html=True,
    remove_terminal_escapes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
)


def expected_encoding(case: dict[str, str]) -> str:
    return case.get("fixed-encoding", case["fixed"])


def case_id(case: dict[str, str]) -> str:
    return case["label"]


PASSING = [c for c in CASES if c["expect"] == "pass"]
POSITIVE = [c for c in PASSING if expected_encoding(c) != c["original"]]
NEGATIVE = [c for c in PASSING if expected_encoding(c) == c["original"]]
FAILING = [c for c in CASES if c["expect"] == "fail"]


def encoding_only(text: str) -> str:
    return clean_text(text, ENCODING_ONLY).text


@cache
def whole(text: str) -> Result:
    return clean_text(text, WHOLE)


def edits_by_rule(text: str) -> dict[str, list[tuple[str, str | None]]]:
    """Every edit ``clean_text`` makes, by rule: what it replaced, and with what."""
    out: dict[str, list[tuple[str, str | None]]] = {}
    for step in whole(text).steps:
        for e in step.edits:
            out.setdefault(step.rule, []).append((e.original, e.replacement))
    return out


def test_the_vendored_cases_are_ftfys_and_match_the_installed_ftfy() -> None:
    assert ftfy.__version__ == FTFY_VERSION, "refresh tests/data/ftfy/ from the new source distribution"
    assert (DATA / "LICENSE.txt").read_text(encoding="utf-8").count("Apache License") == 1
    assert (len(CASES), len(POSITIVE), len(NEGATIVE), len(FAILING)) == (161, 103, 48, 10)
    for case in PASSING:
        assert ftfy.fix_encoding(case["original"]) == expected_encoding(case), case["label"]


# --- ftfy's cases, every one ------------------------------------------------------------


@pytest.mark.parametrize("case", POSITIVE, ids=case_id)
def test_positive_case_is_repaired_as_fix_encoding_does(case: dict[str, str]) -> None:
    original = case["original"]
    assert encoding_only(original) == expected_encoding(case)
    # The whole pipeline: the damage leaves no trace, whatever other rules do with the text.
    assert whole(original).text == whole(ftfy.fix_text(original, FTFY_PIPELINE)).text


@pytest.mark.parametrize("case", PASSING, ids=case_id)
def test_an_extra_layer_of_mojibake_is_seen(case: dict[str, str]) -> None:
    """ftfy's own extra check: the UTF-8 bytes of each case read once more as Latin-1."""
    extra = case["original"].encode("utf-8").decode("latin-1")
    assert encoding_only(extra) == ftfy.fix_encoding(extra)


@pytest.mark.parametrize("case", NEGATIVE, ids=case_id)
def test_negative_case_is_left_alone_by_every_rule(case: dict[str, str]) -> None:
    original = case["original"]
    expected = ftfy.fix_text(original, FTFY_PIPELINE)  # the original, unless it holds an HTML entity
    assert whole(original).text == expected
    if expected == original:
        assert edits_by_rule(original) == {}
    doc = Document(original)  # the language guessed as clean_text guesses it
    for name in PIPELINE:  # each rule alone, as well as in the pipeline
        if name == "html_entities" and expected != original:
            continue
        assert [f for f in RULES[name].detect(doc, WHOLE) if f.replacement is not None] == [], name


@pytest.mark.parametrize("case", FAILING, ids=case_id)
def test_what_ftfy_gets_wrong_no_other_rule_touches(case: dict[str, str]) -> None:
    original = case["original"]
    assert encoding_only(original) == ftfy.fix_encoding(original)
    assert set(edits_by_rule(original)) <= {"mojibake"}


@pytest.mark.parametrize("case", FAILING, ids=case_id)
@pytest.mark.xfail(strict=True, reason="ftfy's heuristic gets this case wrong (expect: fail in ftfy's suite)")
def test_known_ftfy_failure(case: dict[str, str]) -> None:
    assert encoding_only(case["original"]) == expected_encoding(case)


def test_the_figures_issue_16_asks_for() -> None:
    """103 of 103 positive cases as fix_encoding does, 48 of 48 negative cases untouched.

    Before issue 16: 99 and 46 (cp1251 and MacRoman lines never reached ftfy; the
    mojibake rule removed a control character and stray_whitespace a no-break space).
    """
    repaired = sum(encoding_only(c["original"]) == expected_encoding(c) for c in POSITIVE)
    untouched = sum(
        whole(c["original"]).text == ftfy.fix_text(c["original"], FTFY_PIPELINE) for c in NEGATIVE
    )
    assert (repaired, untouched) == (len(POSITIVE), len(NEGATIVE))


# --- the scan in front of ftfy ------------------------------------------------------------

# Non-ASCII text in several scripts, and the ten codecs ftfy reads mojibake in.
SAMPLES = [
    "£5.8bn",
    "’s",
    "Zamò",
    "été à Paris",
    "Straße",
    "¿Qué?",
    "Ελληνικά",
    "Привет",
    "عين الأسد",
    "İstanbul’da",
    "Łódź",
    "日本語",
    "– “quoted” …",
]


@pytest.mark.parametrize("codec", CHARMAP_ENCODINGS)
def test_single_layer_mojibake_in_every_codec_is_seen(codec: str) -> None:
    for sample in SAMPLES:
        try:
            damaged = sample.encode("utf-8").decode(codec)
        except UnicodeDecodeError:
            continue
        assert _SUSPECT.search(damaged) is not None, (codec, sample, damaged)
        fixed = ftfy.fix_encoding(damaged)
        assert encoding_only(damaged) == fixed, (codec, sample)


@settings(max_examples=300)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("aZ ?.\u00a0’‘“”–—…•™€„‚«»éÃÂâ€œÐÑØÙ√≤ÕвЂГВЈРСΒΓβ¢£°±×\x81\x93\ufffd\x1aĂăœ")
        ),
        max_size=12,
    )
)
def test_a_line_the_scan_skips_is_one_ftfy_leaves(text: str) -> None:
    """The scan only saves work: on what it skips, ``fix_encoding`` changes nothing."""
    if _SUSPECT.search(text) is None:
        assert ftfy.fix_encoding(text) == text


@settings(max_examples=300)
@given(st.text(st.characters(min_codepoint=0xA0, max_codepoint=0x2FFF), min_size=1, max_size=6))
def test_any_text_shown_through_any_codec_is_seen(text: str) -> None:
    for codec in CHARMAP_ENCODINGS:
        try:
            damaged = text.encode("utf-8").decode(codec)
        except UnicodeDecodeError:
            continue
        assert _SUSPECT.search(damaged) is not None, (codec, text, damaged)


def test_clean_text_in_many_scripts_does_not_wake_the_scan_or_change() -> None:
    clean = [
        "He said “it’s over” — and left… The U.S. ‘response’ was swift.",
        "Der Minister sagte: „Wir werden antworten.“ Es gab ‚Zweifel‘.",
        "قال المتحدث باسم التحالف الدولي إن الهجوم وقع في الصباح.",
        "日本語のテキストと中文文本。",
        "पुटिनविरोधी सभासम्मेलन र र्यालीहरूको आधिकारिक नारा",
    ]
    for text in clean:
        assert _SUSPECT.search(text) is None, text
        assert whole(text).edits == ()


# --- mojibake the issue names, and more -------------------------------------------------


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        pytest.param(
            "a bigger-than-expected Г‚ВЈ5.8bn rights issue",
            "a bigger-than-expected £5.8bn rights issue",
            id="cp1251-double",
        ),
        pytest.param(
            "S&P Confirms UkrsotsbankвЂ™s вЂњB-вЂњ Rating",
            "S&P Confirms Ukrsotsbank’s “B-“ Rating",
            id="cp1251-quotes",
        ),
        pytest.param("Le Vigne di Zam√≤", "Le Vigne di Zamò", id="macroman-it"),
        pytest.param("The world√ïs best", "The world’s best", id="macroman-apostrophe-read-twice"),
        pytest.param(
            "the worldÕs biggest, and we donÕt know why IÕm here",
            "the world’s biggest, and we don’t know why I’m here",
            id="macroman-apostrophe-as-latin1",
        ),
        pytest.param(
            "Les autoritÃ©s ont qualifiÃ© lâ€™attaque", "Les autorités ont qualifié l’attaque", id="cp1252-fr"
        ),
        pytest.param("Ù‚Ø§Ù„ Ø§Ù„Ù…ØªØ­Ø¯Ø«", "قال المتحدث", id="cp1252-ar"),
        pytest.param("РџСЂРёРІРµС‚ РјРёСЂ", "Привет мир", id="cp1251-ru"),
        pytest.param("Î•Î»Î»Î·Î½Î¹ÎºÎ¬", "Ελληνικά", id="cp1252-el"),
        pytest.param("StraÃŸe in MÃ¼nchen", "Straße in München", id="cp1252-de"),
    ],
)
def test_mojibake_repairs(damaged: str, repaired: str) -> None:
    assert whole(damaged).text == repaired


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("CORAÇÕES PORTUGUESES e o Õ maiúsculo", id="pt-capital-o-tilde"),
        pytest.param("Õhtul läks ta ÕUNA järele; õun oli punane.", id="et-o-tilde"),
        pytest.param("HUHLL Õ…", id="ftfy-negative"),
        pytest.param("Le café « Zürich » coûte 5 €. L’été, à Paris…", id="fr"),
        pytest.param("¿Dónde está la estación? ¡Aquí!", id="es"),
        pytest.param("Возможно, в «Газпроме» — нет.", id="ru"),
    ],
)
def test_mojibake_leaves_real_text(text: str) -> None:
    assert [f for f in RULES["mojibake"].detect(Document(text), WHOLE)] == []


# --- doubled_word never deletes residue or parts of words ---------------------------------


def doubled(text: str, lang: str) -> list[Finding]:
    return list(RULES["doubled_word"].detect(Document(text, lang), WHOLE))


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        pytest.param("أكثر من Ù Ù Ù¡ بلد", "ar", id="ar-mojibake-residue"),
        pytest.param("He wrote Ù Ù Ù¡ in the margin.", "en", id="en-lone-letters-residue"),
        pytest.param("The code Ãƒ Ãƒ came through.", "en", id="en-cp1252-residue"),
        pytest.param("पुटिनविरोधी सभासम्मेलन र र्यालीहरूको आधिकारिक नारा", "en", id="devanagari-virama"),
        pytest.param("ජීව ජීවිතය", "en", id="sinhala"),
        pytest.param("Jose Jose\u0301 came.", "en", id="decomposed-accent"),
        pytest.param("He answered: да да, конечно.", "en", id="russian-in-english"),
        pytest.param("Rows b b and x x of the table.", "en", id="lone-letters-not-words"),
        pytest.param("قال الجيش إن Colonel Colonel وصل.", "ar", id="latin-in-arabic"),
    ],
)
def test_doubled_word_leaves_non_words_alone(text: str, lang: str) -> None:
    assert doubled(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang", "removed"),
    [
        pytest.param("It was a a big attack.", "en", " a", id="en-single-letter-word"),
        pytest.param("Il est allé à à Paris.", "fr", " à", id="fr-single-letter-word"),
        pytest.param("Paz y y justicia.", "es", " y", id="es-single-letter-word"),
        pytest.param("قال قال المتحدث", "ar", " قال", id="ar-word"),
        pytest.param("Der Oberst Oberst sagte.", "de", " Oberst", id="de-word"),
    ],
)
def test_doubled_word_still_removes_real_doubles(text: str, lang: str, removed: str) -> None:
    assert [f.original for f in doubled(text, lang)] == [removed]


# --- stray_whitespace keeps the no-break space that may be half a character ---------------


def stripped(text: str) -> list[str]:
    return [text[f.start : f.end] for f in RULES["stray_whitespace"].detect(Document(text, "en"), WHOLE)]


def test_stray_whitespace_keeps_an_nbsp_after_a_mojibake_lead() -> None:
    assert stripped("NICIODATĂ\u00a0") == []  # ftfy's negative case: Romanian, not mojibake
    assert stripped("voilÃ\u00a0\nnext") == []
    assert stripped("ЗДОРОВЬЕ\u00a0  \nnext") == ["  "]  # the NBSP stays, the spaces after it go


def test_stray_whitespace_still_strips_ordinary_line_ends() -> None:
    assert stripped("dent.\u00a0\nnext") == ["\u00a0"]  # seed 004
    assert stripped("Oui\u00a0\nnon ") == ["\u00a0", " "]
    assert stripped("Il a dit\u00a0: « oui\u00a0»\u00a0!") == []  # French spacing inside a line stays
    assert stripped(seed_text("004")).count("\u00a0") == 3


# --- lossy_encoding: a letter replaced by "?" ---------------------------------------------


def lossy(text: str, lang: str = "en") -> list[Finding]:
    return list(RULES["lossy_encoding"].detect(Document(text, lang), WHOLE))


@pytest.mark.parametrize(
    ("text", "lang", "repaired"),
    [
        pytest.param(
            "Rockets hit A?n al-Asad. The Aïn al-Asad base hosts US troops.",
            "en",
            "Rockets hit Aïn al-Asad. The Aïn al-Asad base hosts US troops.",
            id="en-inner",
        ),
        pytest.param(
            "Llegó a Bogot? ayer. Bogotá es la capital.",
            "es",
            "Llegó a Bogotá ayer. Bogotá es la capital.",
            id="es-final",
        ),
        pytest.param(
            "Il l'a d?j? dit. Il l'a déjà dit.",
            "fr",
            "Il l'a déjà dit. Il l'a déjà dit.",
            id="fr-two-letters",
        ),
        pytest.param("Is it A?n? Yes, Aïn.", "en", "Is it Aïn? Yes, Aïn.", id="question-after-lost-letter"),
        pytest.param(
            "From S?o Paulo. São Paulo is big.", "en", "From São Paulo. São Paulo is big.", id="pt-name"
        ),
    ],
)
def test_lossy_encoding_repairs_where_the_document_shows_the_word(
    text: str, lang: str, repaired: str
) -> None:
    assert whole_repaired(text, lang) == repaired


def whole_repaired(text: str, lang: str) -> str:
    return clean_text(text, Config(lang=lang, disabled=frozenset(PIPELINE) - {"lossy_encoding"})).text


def test_lossy_encoding_flags_what_it_cannot_decide() -> None:
    (alone,) = lossy("Rockets hit A?n al-Asad and Ain Assad.")  # "Ain" is ASCII: not a candidate
    assert (alone.original, alone.replacement) == ("A?n", None)
    (two,) = lossy("Ni?o, Niño and Niõo.", "es")
    assert two.replacement is None and "'Niño'" in two.message and "'Niõo'" in two.message
    flagged = clean_text("Rockets hit A?n al-Asad.").flags
    assert [f.original for f in flagged if f.rule == "lossy_encoding"] == ["A?n"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Why now? What next?", id="questions"),
        pytest.param("Is it in Bogot?", id="question-without-the-word"),
        pytest.param("Is this Paris? Parisé is a name, and Paris a city.", id="word-also-written-without"),
        pytest.param("Why?The answer came later.", id="question-glued-to-next-sentence"),
        pytest.param("See index.php?id=5 and https://example.com/a?b=c for details.", id="urls"),
        pytest.param("Really?? What?!", id="runs"),
        pytest.param("The ternary a?b:c and x?y_z stay.", id="code"),
        pytest.param("¿Qué? ¿Dónde?", id="es-questions"),
        pytest.param("هل قال ذلك؟ نعم?", id="ar"),
        pytest.param("?Hola", id="starts-a-word"),
    ],
)
def test_lossy_encoding_leaves_question_marks_alone(text: str) -> None:
    assert lossy(text) == []


@pytest.mark.parametrize(
    ("text", "lang", "flagged"),
    [
        pytest.param("Она — инвалид 3 ?????? и не может работать.", "ru", "??????", id="ru-word"),
        pytest.param("О ??????? Телеграма - Нет.", "ru", "???????", id="ru-word-before-capital"),
        pytest.param("وتبلغ كلفته نحو 300 ????? دولار.", "ar", "?????", id="ar-word"),
        pytest.param("The ??????? ministry said so.", "en", "???????", id="en-word"),
        pytest.param("Nad sõitsid 1952. aastal ?otimaale ja Norrasse.", "und", "?otimaale", id="et-lead"),
        pytest.param("Biserica protestant? în 1597.", "ro", "protestant?", id="ro-final-lower"),
        pytest.param("Ismet Bajramovi?, 42, bekannte sich.", "de", "Bajramovi?", id="de-final-comma"),
        pytest.param("Bajramovi? said nothing.", "en", "Bajramovi?", id="en-final-lower"),
    ],
)
def test_lossy_encoding_flags_lost_words_and_glued_marks(text: str, lang: str, flagged: str) -> None:
    (f,) = lossy(text, lang)
    assert (f.original, f.replacement) == (flagged, None)
    assert "charset conversion" in f.message


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Why? Really?! What?? Is it?", id="questions"),
        pytest.param("¿Vienes?, dijo. ¿Qué pasa? dijo él.", id="es-question-goes-on"),
        pytest.param("Why ???\n\nThe end???", id="runs-ending-questions"),
        pytest.param("He asked what ???. Then he left.", id="run-before-sentence-end"),
        pytest.param("See ?id=5 and index.php?q=abc&x=1 for details.", id="query-strings"),
        pytest.param("if (a ?? b) x = y ?: z; ???", id="code"),
        pytest.param("?Hola, ?Qué tal", id="lost-inverted-mark"),
    ],
)
def test_lossy_encoding_leaves_question_shapes_alone(text: str) -> None:
    assert lossy(text) == []


# --- code pages ftfy does not read: Windows-1256, MacRoman read as Windows-1252 ------------


def moj(text: str, lang: str) -> list[Finding]:
    return list(RULES["mojibake"].detect(Document(text, lang), Config(lang=lang)))


def mojibake_repaired(text: str, lang: str) -> str:
    return clean_text(text, Config(lang=lang, disabled=frozenset(PIPELINE) - {"mojibake"})).text


ARABIC_SCRIPT = [
    pytest.param("فاز المنتخب الوطني لكرة القدم على ضيفه بهدفين مقابل هدف.", "ar", id="ar"),
    pytest.param(
        "وسجل المهاجم الهدف الأول في الدقيقة 30، قبل أن يضيف زميله الهدف الثاني.", "ar", id="ar-digits"
    ),
    pytest.param("وزارت خارجه ایران روز دوشنبه گفت که مذاکرات ادامه پیدا می‌کند.", "fa", id="fa"),
    pytest.param("پاکستان کے وزیر اعظم نے کہا کہ بجٹ جلد پیش کیا جائے گا۔", "und", id="ur"),
]


@pytest.mark.parametrize(("text", "lang"), ARABIC_SCRIPT)
def test_arabic_utf8_read_as_windows_1256_is_repaired(text: str, lang: str) -> None:
    damaged = text.encode("utf-8").decode("cp1256")
    assert damaged != text
    assert mojibake_repaired(damaged, lang) == text
    page = f"العنوان\n\n{damaged}\n\nقال المتحدث إن الوضع هادئ."
    assert mojibake_repaired(page, lang) == f"العنوان\n\n{text}\n\nقال المتحدث إن الوضع هادئ."


def test_a_windows_1256_run_inside_a_line_of_real_arabic_is_repaired() -> None:
    damaged = "فاز المنتخب الوطني".encode().decode("cp1256")
    assert mojibake_repaired(f"قال المتحدث: {damaged}", "ar") == "قال المتحدث: فاز المنتخب الوطني"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "ظل الطيار يطير فوق الظهران وطنطا في ظروف طارئة، وظهر الطقس مظلما.", id="many-ta-and-za"
        ),
        pytest.param("طط ظظ طظ ظط", id="dense-but-not-utf8"),
        pytest.param("الطاقة والظروف: طلب ظاهر", id="short"),
    ],
)
def test_real_arabic_with_ta_and_za_is_left_alone(text: str) -> None:
    assert moj(text, "ar") == []


MACROMAN = [
    pytest.param(
        "Keha ja vaim on täiesti eraldi asjad, ja vaimu põhjuslik mõju kehale on väljaspool füüsika seadusi.",
        "und",
        id="et-no-word-list",
    ),
    pytest.param(
        "Les agriculteurs ont bloqué vendredi l’autoroute au sud de la ville, pour dénoncer les prix.",
        "fr",
        id="fr",
    ),
    pytest.param(
        "Il a promis des mesures « rapides et concrètes », sans en préciser le coût.",
        "fr",
        id="fr-guillemets",
    ),
    pytest.param(
        "Die Brücke über den Fluss wurde für den Verkehr gesperrt, sagte der Bürgermeister.", "de", id="de"
    ),
]


@pytest.mark.parametrize(("text", "lang"), MACROMAN)
def test_macroman_read_as_windows_1252_is_repaired(text: str, lang: str) -> None:
    damaged = text.encode("mac_roman").decode("sloppy-windows-1252")
    assert damaged != text
    assert mojibake_repaired(damaged, lang) == text


def test_a_real_curly_quote_beside_macroman_damage_stays() -> None:
    damaged = "St. PetersburgÕs Vodokanal said the water is flowing into the homes of citizens ”."
    assert mojibake_repaired(damaged, "en") == damaged.replace("Õ", "’")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        pytest.param("the fŸŸsika and p›hjuslik stuff", "en", id="words-unknown-after"),
        pytest.param("vaimu p›hjuslik m›ju on vŠljaspool, Łódź", "und", id="does-not-encode"),
    ],
)
def test_uncertain_macroman_is_flagged_not_changed(text: str, lang: str) -> None:
    (flag,) = moj(text, lang)
    assert flag.replacement is None and "MacRoman" in flag.message
    assert mojibake_repaired(text, lang) == text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        pytest.param("Škoda Auto sídlí v Mladé Boleslavi, MŠK Žilina hrá doma.", "und", id="cs-sk"),
        pytest.param("Škoda a Žilina: Šport, Žena, Œuvre.", "und", id="cp1252-only-capitals"),
        pytest.param("Il a dit « non » à l’œuvre, puis « oui ».", "fr", id="fr-guillemets"),
        pytest.param("Er sagte: „Nein“ und ›Wort‹ – dann ging er…", "de", id="de-quotes"),
        pytest.param("Microsoft™ and Google™ said Smith† died.", "en", id="signs-after-words"),
        pytest.param("Fašismi ja šokolaad, žürii ja Šveits.", "und", id="et-real-s-caron"),
        pytest.param("Why? Really?! ¿Qué pasa?", "es", id="questions"),
    ],
)
def test_real_text_with_windows_1252_letters_is_left_alone(text: str, lang: str) -> None:
    assert moj(text, lang) == []


# --- linear time on hostile input ---------------------------------------------------------

N = 200_000
HOSTILE = {
    "letter question": "a?" * (N // 2),
    "question letter": "?a" * (N // 2),
    "short suspects": "a?a " * (N // 4),
    "suspects and candidates": "a?a aéa " * (N // 8),
    "final questions with candidates": "caf? café " * (N // 10),
    "question runs": "?" * N,
    "lead characters": "Ã" * N,
    "lead and space": "Ã " * (N // 2),
    "lead and nbsp": "Ã\u00a0" * (N // 2),
    "lead and nbsp lines": "Ã\u00a0\n" * (N // 3),
    "cp1251 pairs": "вЂ" * (N // 2),
    "residue letters": "Ù " * (N // 2),
    "one long mojibake line": "lâ€™Ã©tÃ© " * (N // 10),
    "cp1256 pairs": "ظپ" * (N // 2),
    "cp1256 words": "ظپط§ ط§ظ„ " * (N // 10),
    "cp1256 pairs and real words": "ظپط§ طط " * (N // 8),
    "macroman marks": "p›h vŠl " * (N // 10),
    "macroman marks, no encoding": "p›h vŠl ł " * (N // 12),
    "lost words": "a ??? " * (N // 6),
    "lead questions": " ?ab cd? ef" * (N // 12),
}


def hostile_inputs() -> None:
    """(Runs in a subprocess.) The encoding rules, doubled_word and stray_whitespace on each shape."""
    names = [*ENCODING_RULES, "html_entities", "doubled_word", "stray_whitespace"]
    for shape, text in HOSTILE.items():
        for name in names:
            print(f"case {name} on {shape}", flush=True)
            for f in RULES[name].detect(Document(text, "en"), WHOLE):
                assert 0 <= f.start <= f.end <= len(text)
    print("done", flush=True)


def test_encoding_rules_stay_linear_on_hostile_input() -> None:
    """Each case finishes (no timing asserted: a hang fails, naming the case)."""
    code = "from tests.test_encoding import hostile_inputs; hostile_inputs()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, errors = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, errors = proc.communicate()
        started = [line for line in out.splitlines() if line.startswith("case ")]
        pytest.fail(f"no answer in 240 s; stuck in {started[-1] if started else 'start-up'}")
    assert proc.returncode == 0, errors[-3000:]
    assert out.rstrip().endswith("done"), out[-1000:]
