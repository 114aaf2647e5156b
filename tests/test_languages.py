"""Languages (issue 16): shipped data per language, the language guess, what runs where.

The data comes from maintained sources (sacremoses' Moses non-breaking prefixes,
jusText's stoplists ranked by wordfreq) merged with short own lists; these tests
check the merge, that the shipped JSON is what the generator makes of the installed
packages, the guess on news sentences in the shipped languages and in languages we
ship nothing for (which must come out as ``und``), and that the rules a language
turns off do not run on it. The sentences are written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mtrepair import clean_text, langbuild, langdata, undo
from mtrepair.cli import app
from mtrepair.config import Config
from mtrepair.errors import ConfigError
from mtrepair.registry import RULES
from mtrepair.segment import Document

# The same news sentence, written in each language.
SHIPPED = {
    "en": "The ministry said on Tuesday that two rockets hit the base, but there were no casualties "
    "among the troops.",
    "fr": "Le ministère a indiqué mardi que deux roquettes avaient frappé la base, sans faire de "
    "victimes parmi les soldats.",
    "de": "Das Ministerium teilte am Dienstag mit, dass zwei Raketen den Stützpunkt getroffen hätten, "
    "es gebe aber keine Opfer.",
    "es": "El ministerio informó el martes de que dos cohetes alcanzaron la base, pero no hubo "
    "víctimas entre los soldados.",
    "it": "Il ministero ha detto martedì che due razzi hanno colpito la base, ma non ci sono state "
    "vittime tra i soldati.",
    "pt": "O ministério disse na terça-feira que dois foguetes atingiram a base, mas não houve "
    "vítimas entre os soldados.",
    "tr": "Bakanlık salı günü yaptığı açıklamada iki roketin üsse isabet ettiğini ve bu saldırıda askerler "
    "arasında kayıp olmadığını söyledi.",
    "ru": "Министерство сообщило во вторник, что две ракеты попали в базу, но жертв среди военных нет.",
    "ar": "قال وزير الدفاع إن الهجمات انتهت وإن الوضع تحت السيطرة.",
    "fa": "وزارت دفاع روز سه‌شنبه اعلام کرد که دو موشک به این پایگاه اصابت کرد، "
    "اما هیچ تلفاتی در میان نیروها نبود.",
    "zh": "国防部周二表示，两枚火箭击中了该基地，但士兵中没有人员伤亡。",
    "ro": "Ministerul a declarat marți că două rachete au lovit baza, dar nu au existat victime "
    "în rândul soldaților.",
}
# Languages we ship no data for: related to a shipped one (ca, nl, pl: Latin;
# uk: Cyrillic; ur: Arabic script), or in another script altogether.
OTHERS = {
    "ca": "El ministeri va dir dimarts que dos coets van impactar contra la base, però no hi va "
    "haver víctimes entre els soldats.",
    "nl": "Het ministerie zei dinsdag dat twee raketten de basis hadden getroffen, maar dat er geen "
    "slachtoffers waren onder de soldaten.",
    "pl": "Ministerstwo poinformowało we wtorek, że dwie rakiety trafiły w bazę, ale wśród żołnierzy "
    "nie ma ofiar.",
    "vi": "Bộ Quốc phòng cho biết hôm thứ Ba rằng hai quả rocket đã bắn trúng căn cứ, nhưng không "
    "có thương vong.",
    "id": "Kementerian mengatakan pada hari Selasa bahwa dua roket menghantam pangkalan itu, tetapi "
    "tidak ada korban jiwa di antara tentara.",
    "uk": "Міністерство заявило у вівторок, що дві ракети влучили в базу, але серед військових жертв немає.",
    "ur": "وزارت دفاع نے منگل کو کہا کہ دو راکٹ اڈے پر گرے، لیکن فوجیوں میں کوئی جانی نقصان نہیں ہوا۔",
    "hi": "मंत्रालय ने मंगलवार को कहा कि दो रॉकेट अड्डे पर गिरे, लेकिन सैनिकों में कोई हताहत नहीं हुआ।",
    "ja": "国防省は火曜日、ロケット弾2発が基地に着弾したが、兵士に死傷者はいなかったと発表した。",
    "ko": "국방부는 화요일 로켓 두 발이 기지에 떨어졌지만 병사들 가운데 사상자는 없었다고 밝혔다.",
    "el": "Το υπουργείο ανακοίνωσε την Τρίτη ότι δύο ρουκέτες έπληξαν τη βάση, χωρίς θύματα.",
}
LANG_DIR = Path(langdata.__file__).parent / "data" / "lang"


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "300"})
    return result.exit_code, result.stdout, result.stderr


# --- shipped data -------------------------------------------------------------------


def test_shipped_json_is_what_the_generator_makes_of_the_installed_packages() -> None:
    """The ``generated`` sections are sacremoses + jusText + wordfreq, untouched by hand.

    After upgrading one of them: ``python -m mtrepair.langbuild`` and review the diff.
    """
    built = langbuild.build()
    assert sorted(built) == sorted(p.name for p in LANG_DIR.glob("*.json"))
    for name, text in built.items():
        shipped = json.loads((LANG_DIR / name).read_text(encoding="utf-8"))
        assert json.loads(text)["generated"] == shipped["generated"], (
            f"{name}: run python -m mtrepair.langbuild"
        )


def test_every_language_has_a_file_and_every_file_a_language() -> None:
    assert sorted(langdata.LANGUAGES) == sorted(p.stem for p in LANG_DIR.glob("*.json"))
    assert langdata.LANGUAGES[-1] == langdata.GENERIC == "und"


@pytest.mark.parametrize("lang", langdata.LANGUAGES)
def test_the_lists_of_each_language_are_consistent(lang: str) -> None:
    data = langdata.load(lang)
    assert data.lang == lang and data.name
    assert all(a.endswith(".") and a.strip() == a for a in data.abbreviations)
    # Titles never end a sentence, numeric-only ones end it unless a number follows:
    # both are abbreviations, and nothing can be both.
    assert data.title_abbreviations <= data.abbreviations
    assert data.numeric_abbreviations <= data.abbreviations
    assert not data.title_abbreviations & data.numeric_abbreviations
    assert all(w == w.lower() for w in data.stopwords)
    assert all(len(o) == 1 and len(c) == 1 for o, c in data.quotes)
    assert data.sentence_end and "." in data.sentence_end
    assert data.disabled_rules <= RULES.keys(), "rules_off names a rule that does not exist"
    assert all(why for _, why in data.rules_off)


def test_rule_data_names_real_rules_and_fields() -> None:
    assert langdata.RULE_DATA.keys() <= RULES.keys()
    fields = set(langdata.describe("en")) | {"sentences", "line_stopwords", "glossary"}
    assert {f for used in langdata.RULE_DATA.values() for f in used} <= fields


def test_moses_prefixes_keep_their_period_and_numeric_only_ones_apart() -> None:
    en = langdata.load("en")
    # Moses marks "No" #NUMERIC_ONLY#: "No. 5" goes on, "the answer was No." ends.
    assert {"No.", "Art.", "pp."} <= en.numeric_abbreviations
    assert "No." not in en.title_abbreviations
    assert {"Adm.", "Messrs.", "Mr.", "i.e.", "e.g.", "Jan."} <= en.abbreviations  # sacremoses
    assert {"U.S.", "U.A.E.", "Cdr."} <= en.abbreviations  # own: the lists lack them
    assert "Cdr." in en.title_abbreviations
    plain, numeric = langbuild.moses_prefixes("pt")
    assert "Art." in numeric and "Art." not in plain  # listed twice: the last line wins, as in Moses
    assert "art." in plain


def test_multi_part_abbreviations_come_in_both_spellings() -> None:
    de, es, fr = langdata.load("de"), langdata.load("es"), langdata.load("fr")
    generated_de = langdata.raw_data("de")["generated"]["abbreviations"]
    assert {"z.B.", "z. B.", "d.h.", "d. h.", "u.a.", "u. a."} <= set(generated_de)
    assert {"z. B.", "d. h."} <= de.abbreviations
    assert {"EE.UU.", "EE. UU.", "p.ej.", "p. ej."} <= es.abbreviations
    assert {"c.-à-d.", "N.B."} <= fr.abbreviations
    assert "c.- à-d." not in fr.abbreviations  # only a period followed by a letter gets a space


def test_broken_moses_entries_are_left_out() -> None:
    es, ru = langdata.load("es"), langdata.load("ru")
    assert "pág." in es.numeric_abbreviations and "núm." in es.numeric_abbreviations
    assert not any("Ã" in a for a in es.abbreviations)  # "pÃ¡g": mojibake of "pág" in the Moses file
    assert not any(a[0].isdigit() for a in ru.abbreviations)  # "5км": a digit glued to a unit
    assert {"тыс.", "млн.", "г.", "ул."} <= ru.abbreviations
    assert {"проф.", "им."} <= ru.title_abbreviations


def test_stopwords_are_function_words_of_the_language_only() -> None:
    stop = {lang: langdata.load(lang).stopwords for lang in ("en", "de", "it", "pt", "tr", "ru", "fa")}
    assert {"the", "and", "of", "said"} <= stop["en"]
    assert {"und", "nicht", "dass"} <= stop["de"]
    assert {"che", "della", "non"} <= stop["it"]
    assert {"não", "uma", "mais"} <= stop["pt"]
    assert {"ve", "bir", "için"} <= stop["tr"]
    assert {"что", "это", "как"} <= stop["ru"]
    assert {"که", "این", "است"} <= stop["fa"]
    # Words as frequent in English are no evidence of another language.
    assert not {"a", "in", "man", "also", "the"} & (stop["de"] | stop["it"] | stop["pt"])
    assert "war" in stop["de"]  # "was": ten times as frequent in German as "war" in English


def test_the_generic_fallback_has_script_level_data_only() -> None:
    und = langdata.load("und")
    assert not (und.abbreviations or und.stopwords or und.sentence_starters or und.doubled_word_exceptions)
    assert und.script is None
    assert "hyphenation" in und.disabled_rules
    # A doubled word in an unknown language is shown, never removed: reduplication may be grammar.
    assert "doubled_word" in und.flag_only_rules and "doubled_word" not in und.disabled_rules
    assert "。" in und.sentence_end and "؟" in und.sentence_end
    assert not langdata.load("zh").spaces_between_words and langdata.load("zh").word_space == ""
    assert langdata.load("ru").word_space == " "


def test_a_flag_only_rule_flags_and_never_edits() -> None:
    from mtrepair import Config

    text = "Ang pulong ay natapos natapos kahapon sa Maynila at ang mga kinatawan ay umuwi na.\n"
    result = clean_text(text, Config(lang="und"))
    assert result.text == text
    (flag,) = [f for f in result.flags if f.rule == "doubled_word"]
    assert flag.original == " natapos" and "flagged, not repaired" in flag.message
    # the same damage in a language with data is repaired
    en = clean_text("The meeting ended ended yesterday in Manila and all went home.\n", Config(lang="en"))
    assert "ended ended" not in en.text


# --- abbreviations in the segmenter -------------------------------------------------


@pytest.mark.parametrize(
    ("s", "lang", "expected"),
    [
        ("Preise steigen, z. B.", "de", "z. B."),
        ("las tropas de (EE. UU.", "es", "EE. UU."),
        ("las tropas de EE.UU.", "es", "EE.UU."),
        ("a U.S.", "en", "U.S."),
        ("“Col.", "en", "Col."),
        ("и т. д.", "ru", "т. д."),
        ("the base.", "en", None),
        ("z. B", "de", None),
        ("", "en", None),
    ],
)
def test_abbreviation_at_end(s: str, lang: str, expected: str | None) -> None:
    assert langdata.load(lang).abbreviation_at_end(s) == expected


@pytest.mark.parametrize(
    ("text", "lang", "count"),
    [
        ("Die Preise stiegen z. B. Höhere Mieten folgten daraus.", "de", 1),  # "B." alone is no abbreviation
        ("Die Preise stiegen stark. Höhere Mieten folgten daraus.", "de", 2),
        ("Las tropas de EE. UU. Llegaron ayer a la base.", "es", 1),
        ("Las tropas llegaron a EE. UU. El ministro lo confirmó.", "es", 2),  # a starter follows
        ("Building No. 5 was hit by a rocket.", "en", 1),
        ("The answer was No. The talks ended there.", "en", 2),  # numeric-only: ends before a word
        ("Дом на ул. Ленина сгорел ночью.", "ru", 1),  # a title
        ("Это было в 2020 г. В Москве тогда шёл снег.", "ru", 2),  # "В" starts a sentence
        ("Il Sig. Rossi ha parlato ieri.", "it", 1),
        ("O Sr. Silva falou ontem.", "pt", 1),
        ("Prof. Yılmaz dün konuştu.", "tr", 1),
    ],
)
def test_sentences_split_around_abbreviations(text: str, lang: str, count: int) -> None:
    assert len(Document(text, lang).sentences) == count


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # The cases: a break inside "EE. UU." and after "z. B." or a title is rejoined.
        (
            "Las tropas de EE.\n\n\n\nUU. llegaron ayer a la base.",
            "es",
            "Las tropas de EE. UU. llegaron ayer a la base.",
        ),
        ("Die Preise stiegen, z. B.\n\nhöhere Mieten.", "de", "Die Preise stiegen, z. B. höhere Mieten."),
        ("Navy Cdr.\n\nSean Robertson said so.", "en", "Navy Cdr. Sean Robertson said so."),
        ("Lo ha detto il Sig.\n\n\n\nRossi ieri sera.", "it", "Lo ha detto il Sig. Rossi ieri sera."),
        ("Он жил на ул.\n\n\n\nЛенина много лет.", "ru", "Он жил на ул. Ленина много лет."),
    ],
)
def test_breaks_after_abbreviations_in_several_languages(text: str, lang: str, expected: str) -> None:
    assert clean_text(text, Config(lang=lang)).text == expected


@pytest.mark.parametrize(("lang", "text"), [*SHIPPED.items(), *OTHERS.items()], ids=[*SHIPPED, *OTHERS])
def test_clean_is_idempotent_and_undoable_in_every_language(lang: str, text: str) -> None:
    # A joint written as four newlines, a repeated word (kept where doubled_word is
    # off), stray spaces: clean twice gives clean once, undo gives the input back.
    words = text.split(" ")
    repeated = " ".join([*words[:2], words[1], *words[2:]]) if len(words) > 2 else text[:3] + text[1:]
    damaged = f"{text}  \n\n\n\n{repeated}\n\n\n\n{text}"
    once = clean_text(damaged)
    assert clean_text(once.text).text == once.text
    assert undo(once.text, once.steps) == damaged


# --- the language guess -------------------------------------------------------------


@pytest.mark.parametrize(("lang", "text"), SHIPPED.items(), ids=SHIPPED.keys())
def test_guess_shipped_languages(lang: str, text: str) -> None:
    assert langdata.guess_language(text) == lang
    assert langdata.guess_language(f"{text}\n\n{text}") == lang


@pytest.mark.parametrize(("lang", "text"), OTHERS.items(), ids=OTHERS.keys())
def test_any_other_language_is_generic_not_its_nearest_neighbour(lang: str, text: str) -> None:
    # Romanian used to be read as Spanish, Ukrainian and Urdu as English: their
    # repairs would have run on it.
    assert langdata.guess_language(text) == "und"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("", "en"),
        ("Rockets hit base", "en"),  # too short to tell: English, the default
        ("گزارش پژوهشگران", "fa"),  # no stopword: Persian letters (گ ژ پ)
        ("الهجمات الصاروخية", "ar"),  # no stopword: Arabic letters (ي ة)
        ("Иисус им в ответ :", "ru"),  # "в" and "им" are Bulgarian too: one word is no lead
        ("Apple 发布了新款 iPhone，售价为 999 美元。", "zh"),  # Latin names in Chinese
        ("President Xi Jinping (习近平) met the delegation in Beijing and said the talks were good.", "en"),
        (SHIPPED["en"] + " " + SHIPPED["ru"] + " " + SHIPPED["en"], "en"),
        ("\u0600", "en"),  # an Arabic-block sign, no letters
    ],
)
def test_guess_short_and_mixed_texts(text: str, lang: str) -> None:
    assert langdata.guess_language(text) == lang


@settings(max_examples=300)
@given(st.text(max_size=300) | st.text("aé ßاиж中ア한अ.,\n", max_size=300))
def test_guess_always_answers_a_code_we_ship(text: str) -> None:
    assert langdata.guess_language(text) in langdata.LANGUAGES


def test_persian_typed_with_arabic_letters_is_still_persian() -> None:
    # ي and ك from an Arabic keyboard: the stopwords decide before the letters.
    arabic_keyboard = SHIPPED["fa"].replace("ی", "ي").replace("ک", "ك")
    assert langdata.guess_language(arabic_keyboard) == "fa"


@pytest.mark.parametrize(("lang", "text"), SHIPPED.items(), ids=SHIPPED.keys())
def test_guess_survives_the_repairs_clean_makes(lang: str, text: str) -> None:
    # clean() guesses again every round: a removed doubled word must not change it.
    words = text.split()
    doubled = " ".join([*words[:3], words[2], *words[3:]]) if len(words) > 3 else text[:4] + text[2:]
    assert langdata.guess_language(doubled) == langdata.guess_language(text) == lang


# --- configuration and the rules that run -------------------------------------------


@pytest.mark.parametrize("lang", [*langdata.LANGUAGES, "auto"])
def test_config_accepts_every_shipped_code(lang: str) -> None:
    assert Config(lang=lang).lang == lang


@pytest.mark.parametrize("lang", ["vi", "EN", "english", "zh-Hans", ""])
def test_config_refuses_other_codes_and_points_at_und(lang: str) -> None:
    with pytest.raises(ConfigError, match="und for any other language"):
        Config(lang=lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Askerler yavaş yavaş geri çekildi ve bu sırada iki roket üsse isabet etti.", "tr"),
        ("Nhưng các binh sĩ đã rút lui từ từ và không có thương vong nào.", "und"),
        ("نیروها کم کم عقب نشینی کردند و در این حمله هیچ تلفاتی نبود.", "fa"),
    ],
)
def test_reduplication_is_left_alone_where_doubled_word_is_off(text: str, lang: str) -> None:
    data = langdata.load(lang)
    assert "doubled_word" in data.disabled_rules | data.flag_only_rules
    assert langdata.guess_language(text) == lang
    result = clean_text(text)
    assert result.text == text
    assert not any(s.rule == "doubled_word" and s.edits for s in result.steps)


def test_doubled_word_still_runs_where_it_is_on() -> None:
    assert clean_text("Army Colonel Colonel Wayne Marotto said the base was hit.").text == (
        "Army Colonel Wayne Marotto said the base was hit."
    )
    assert clean_text(SHIPPED["ru"].replace("ракеты", "ракеты ракеты")).text == SHIPPED["ru"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # A word list is needed to tell a hyphenated word from a compound: none for und,
        # and wordfreq cannot look up Chinese without jieba.
        (
            "Các binh sĩ đã rút lui và không có thương vong nào trong cuộc tấn công tên lửa thân-\nthiết.",
            "und",
        ),
        ("国防部表示，A A 两枚火箭击中了 Ain al-\nAsad 基地。", "zh"),
    ],
)
def test_rules_off_for_a_language_do_not_run_on_it(text: str, lang: str) -> None:
    result = clean_text(text, Config(lang=lang))
    ran = {s.rule for s in result.steps}
    assert not ran & langdata.load(lang).disabled_rules


def test_rules_command_says_what_runs_for_a_language_and_with_what_data() -> None:
    code, out, _ = _cli("rules", "--lang", "ru")
    assert code == 0
    assert "ru: Russian; script: Cyrillic" in out
    row = next(line for line in out.splitlines() if "abbreviation_break" in line)
    assert "sacremoses nonbreaking_prefix.ru" in row and " on " in row
    code, out, _ = _cli("rules", "--lang", "tr")
    row = next(line for line in out.splitlines() if "doubled_word" in line)
    assert " off " in row and "reduplication" in row
    code, out, _ = _cli("rules", "--lang", "zh")
    assert "spaces between words: no" in out
    assert "。！？ not split points yet" in out


def test_rules_command_without_lang_is_unchanged_and_refuses_unknown_codes() -> None:
    code, out, _ = _cli("rules")
    assert code == 0 and "explanation" in out and "abbreviation_break" in out
    code, _, err = _cli("rules", "--lang", "vi")
    assert code == 5
    assert "und for any other language" in err
