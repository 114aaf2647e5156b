"""Every rule, alone and in the pipeline: the damage it must repair, the text it must leave.

Positive cases are taken from the seed articles (BRIEF §3), so a rule is tested on
the damage it was written for; negative cases are the look-alikes a careless rule
would "repair": headings, bylines, datelines, list items, legitimate doubles,
"U.S." really ending a sentence, real hyphenated compounds, balanced quotes and
multi-paragraph quotations. The tables are checked to cover every rule in
``PIPELINE`` both ways, so a new rule cannot arrive untested.
"""

from __future__ import annotations

import textwrap
from dataclasses import KW_ONLY, dataclass

import pytest

from mtrepair import clean_text
from mtrepair.config import Config
from mtrepair.frequent import SourceLines
from mtrepair.langdata import guess_language, load
from mtrepair.model import Finding
from mtrepair.pipeline import apply_edits, resolve
from mtrepair.registry import RULES
from mtrepair.rules import PIPELINE
from mtrepair.segment import Document, split_sentences
from tests.conftest import seed_text

J = "\n\n\n\n"  # seed 002's sentence joint: four newlines where the paragraph uses a space


def detect(rule: str, text: str, lang: str = "en", config: Config | None = None) -> list[Finding]:
    """Everything ``rule`` finds in ``text``, called directly through the registry."""
    return list(RULES[rule].detect(Document(text, lang), config or Config()))


def repaired(rule: str, text: str, lang: str = "en", config: Config | None = None) -> str:
    """``text`` after one application of ``rule`` alone, as the pipeline applies it."""
    edits, _ = resolve(detect(rule, text, lang, config), len(text))
    return apply_edits(text, edits)


def flagged(rule: str, text: str, lang: str = "en", config: Config | None = None) -> list[str]:
    """The text of each flag-only finding of ``rule``."""
    return [f.original for f in detect(rule, text, lang, config) if f.replacement is None]


# --- Prose shared by several cases (all from the seeds) ---------------------------

# Seed 002, the quotation split over three blocks with a dangling “ at its end.
QUOTE_002 = (
    "“It seems to me that they have a green light from Iran, especially that the nuclear "
    "negotiations are not going well.\n\nBut at the same time, they don’t want to go beyond a "
    "certain point – they are weaker in the US air. Strikes than before – and want to complicate it "
)
# Seed 001, two paragraphs of plain prose, hard-wrapped at 70 columns for the tests.
PROSE_001 = (
    "In June, four Iran-backed Iraqi militia group members were killed by US strikes on the "
    "Iraqi-Syrian border. The Pentagon said the facilities struck were used by Iran-backed militia "
    "groups to support strikes on US forces.",
    "Speaking to Reuters, he said the attacks reflect the first time targets were simultaneously hit "
    "in Syria and Iraq. Ongoing talks in Vienna to revive the Joint Comprehensive Plan of Action "
    "(JCPOA) known as the Iran nuclear deal have stalled, after Iranian officials said they were "
    "expecting to have positive results by the time Iran elects a new president.",
)
WRAPPED_001 = "\n\n".join(textwrap.fill(p, 70) for p in PROSE_001)
# Seed 001's section headings between its paragraphs: a joint-free document.
HEADINGS_001 = (
    "No armed groups have claimed responsibility for the attacks.\n\nWhy now?\n\n"
    "In June, four Iran-backed Iraqi militia group members were killed.\n\nSyria\n\n"
    "On Tuesday, the Al Omar oil field was targeted.\n\nAl Assad Air Base\n\n"
    "A truck carrying a rocket launcher was also found near the air base.\n\nUS Embassy\n\n"
    "The embassy itself was not hit, the Iraqi army said.\n\nA co-ordinated escalation\n\n"
    "Cleric Ebrahim Raisi won the vote in June."
)
# Seed 002's opening: byline, dateline and caption around broken sentences.
OPENING_002 = (
    "2021/07/08 | 05:32 - Source: Iraq News\n\n"
    "Smoke is seen in Baghdad, Anbar Province, Iraq, on July 7, 2021, after rocket attacks.\n\n"
    "By Ahmed Rasheed and Suleiman Al-Khalidi\n\n"
    "BAGHDAD / AMMAN (Reuters) – Iraqi and Syrian U.S." + J + "diplomats and troops have fired three "
    "rockets and drones in the past 24 hours, U.S." + J + "and Iraqi officials said on Wednesday."
)
# A document whose only paragraph gap is four newlines: nothing tells joints apart.
ONE_GAP_STYLE = J.join(
    [
        "The rockets landed at the base and its perimeter.",
        "He first said three people were injured.",
        "Security officials said the second rocket crashed near the perimeter of the area.",
        "Three rockets also landed in Ain Al-Assad on Monday without causing any casualties.",
    ]
)
# An English article with an Arabic and a French fragment left in by the translator.
MIXED = (
    "On Wednesday, the al-Omar oil field base in Deir Ezzor countryside was attacked with missiles "
    "and drones that came from the western side of the Euphrates River, which is controlled by the "
    "Syrian regime. Les autorités locales ont qualifié cette attaque de terroriste et ont promis une "
    "enquête. The sources added that the US forces used man-portable air defense missiles, in an "
    "attempt to confront the attack.\n\n"
    "A spokesman for the International Coalition, Wayne Maroto, said that 3 casualties were recorded "
    "as a result of the attack, قال المتحدث باسم التحالف الدولي, noting that more details would follow."
)

# A French sentence made of words an English vocabulary also lists ("a", "que",
# "la", "situation", "sous", "et", "les", "forces"): only its stopwords give it away.
MIXED_KNOWN_WORDS = MIXED.replace(
    "Les autorités locales ont qualifié cette attaque de terroriste et ont promis une enquête.",
    "Le ministre a déclaré que la situation était sous contrôle et que les forces américaines resteraient.",
)

# What the first pass over a site's 40 documents learned (tests/test_repeated_lines.py
# learns it from files): the masthead and the wire dateline in all of them, seed 001's
# "Syria" heading in 14, a byline in 20, a background sentence in 16.
SITE_40 = Config(
    repeated=SourceLines.of(
        {
            "Iraq News Network | Home | World | Middle East": 40,
            "BAGHDAD (Reuters) -": 40,
            "Syria": 14,
            "By Ahmed Rasheed and Suleiman Al-Khalidi": 20,
            "No armed groups have claimed responsibility for the attacks.": 16,
        },
        documents=40,
        source="site iraqnews.example",
    )
)

# Prose in German and Arabic for the wrap rules (written for the tests).
PROSE_DE = (
    "Der Minister sagte am Mittwoch in Berlin, dass die Regierung die Angriffe auf die Stützpunkte "
    "verurteile und eine Untersuchung fordere. Die Lage sei unter Kontrolle, hieß es aus dem Ministerium."
)
PROSE_AR = (
    "قال المتحدث باسم التحالف الدولي إن ثلاثة صواريخ سقطت على القاعدة في غرب العراق، دون أن تسفر عن "
    "إصابات، وأضاف أن التحقيق جار لمعرفة الجهة التي تقف وراء الهجوم."
)

# --- Per-rule tables ---------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One rule on one text; ``expected`` is the repaired text or the flagged span."""

    rule: str
    text: str
    expected: str = ""
    _: KW_ONLY
    id: str
    lang: str = "en"
    config: Config | None = None  # data a rule needs (repeated_lines: what a corpus pass learned)


def params(cases: list[Case]) -> list[object]:
    return [pytest.param(c, id=c.id) for c in cases]


REPAIRS = [
    Case(
        "line_endings",
        "Rockets hit the base.\r\nThe embassy was targeted.\rNo one was hurt.\r\n",
        "Rockets hit the base.\nThe embassy was targeted.\nNo one was hurt.\n",
        id="line_endings-crlf-and-cr",
    ),
    Case(
        "mojibake",
        "in Wednesdayâ€™s attack, with 30 â€œGradâ€\x9d missiles",
        "in Wednesday’s attack, with 30 “Grad” missiles",
        id="mojibake-cp1252-quotes",
    ),
    Case(
        "mojibake",
        "in WednesdayвЂ™s attack, a Г‚ВЈ5.8bn base",
        "in Wednesday’s attack, a £5.8bn base",
        id="mojibake-cp1251-quotes-and-pound",
    ),
    Case(
        "mojibake",
        "Le Vigne di Zam√≤\n\nThe worldÕs oldest base",
        "Le Vigne di Zamò\n\nThe world’s oldest base",
        id="mojibake-macroman",
    ),
    Case(
        "mojibake",
        "قال المتحدث:\n\nظپط§ط² ط§ظ„ظ…ظ†طھط®ط¨ ط§ظ„ظˆط·ظ†ظٹ ظ„ظƒط±ط© ط§ظ„ظ‚ط¯ظ…",
        "قال المتحدث:\n\nفاز المنتخب الوطني لكرة القدم",
        id="mojibake-arabic-utf8-as-cp1256",
        lang="ar",
    ),
    Case(
        "mojibake",
        "Des agriculteurs ont bloquŽ vendredi lÕautoroute et promis des mesures Ç rapides È.",
        "Des agriculteurs ont bloqué vendredi l’autoroute et promis des mesures « rapides ».",
        id="mojibake-macroman-read-as-cp1252",
        lang="fr",
    ),
    Case(
        "lossy_encoding",
        "Rockets hit A?n al-Asad. The Aïn al-Asad base hosts US troops.",
        "Rockets hit Aïn al-Asad. The Aïn al-Asad base hosts US troops.",
        id="lossy_encoding-letter-shown-elsewhere",
    ),
    Case(
        "html_entities",
        "The spokesman said &quot;no damage&quot; was done to AT&amp;T&#8217;s line.",
        "The spokesman said \"no damage\" was done to AT&T’s line.",
        id="html_entities-en-named-and-numeric",
    ),
    Case(
        "html_entities",
        "Le porte-parole a d&eacute;clar&eacute; : &laquo;&nbsp;aucun bless&eacute;&nbsp;&raquo;.",
        "Le porte-parole a déclaré : «\u00a0aucun blessé\u00a0».",
        id="html_entities-fr-accents-and-guillemets",
        lang="fr",
    ),
    Case(
        "html_entities",
        "Die Stra&szlig;e nach Erbil war gesperrt, sagte ein Sprecher&#x2e;",
        "Die Straße nach Erbil war gesperrt, sagte ein Sprecher.",
        id="html_entities-de-hex-reference",
        lang="de",
    ),
    Case(
        "html_entities",
        "قال المتحدث &quot;لا أضرار&quot; في القاعدة.",
        "قال المتحدث \"لا أضرار\" في القاعدة.",
        id="html_entities-ar",
        lang="ar",
    ),
    Case(
        "metadata",
        " date 2021-07-07 This is the first time coordinated attacks struck US forces.",
        "This is the first time coordinated attacks struck US forces.",
        id="metadata-000-glued-date",
    ),
    Case(
        "boilerplate",
        "Major facilities were targeted over 72 hours\n\nPowered by automated translation\n\n"
        "US interests in Iraq are seeing regular bombardment.",
        "Major facilities were targeted over 72 hours\n\n"
        "US interests in Iraq are seeing regular bombardment.",
        id="boilerplate-001-mt-banner",
    ),
    Case(
        "boilerplate",
        "we will enter into an endless cycle of escalation.”\n\n\n"
        "Please enter your comment!\nPlease enter your name here",
        "we will enter into an endless cycle of escalation.”",
        id="boilerplate-003-comment-form",
    ),
    Case(
        "boilerplate",
        "US Bases In Both Iraq & Syria Under Fresh Rocket Attacks\n\nTyler Durden's Photo\n"
        "by Tyler Durden\nWednesday, Jan 05, 2022 - 07:21 PM",
        "US Bases In Both Iraq & Syria Under Fresh Rocket Attacks\n\n"
        "by Tyler Durden\nWednesday, Jan 05, 2022 - 07:21 PM",
        id="boilerplate-004-photo-alt-text",
    ),
    Case(
        "boilerplate",
        "Des roquettes ont frappé la base mercredi.\n\nLaisser un commentaire\nAnnuler la réponse",
        "Des roquettes ont frappé la base mercredi.",
        id="boilerplate-fr-comment-form",
        lang="fr",
    ),
    Case(
        "boilerplate",
        "شاركها\n\nسقطت ثلاثة صواريخ قرب السفارة.\n\nاترك تعليقاً",
        "سقطت ثلاثة صواريخ قرب السفارة.",
        id="boilerplate-ar-share-and-comment",
        lang="ar",
    ),
    Case(
        "boilerplate_line",
        "Rockets hit the base on Wednesday, officials said.\n\n[إعلان 2]\n\nComment (0)\n"
        "https://www.example.com/news/rockets-hit-base",
        "Rockets hit the base on Wednesday, officials said.",
        id="boilerplate_line-ad-slot-counter-link",
    ),
    Case(
        "boilerplate_line",
        "Accueil » International » Moyen-Orient\nDes roquettes visent une base en Irak\n\n"
        "Quatorze roquettes ont frappé mercredi la base, selon la coalition.",
        "Des roquettes visent une base en Irak\n\n"
        "Quatorze roquettes ont frappé mercredi la base, selon la coalition.",
        id="boilerplate_line-fr-breadcrumb",
        lang="fr",
    ),
    Case(
        "boilerplate_line",
        "Báo Quốc TếBáo Quốc Tế22/04/2024\nRockets hit the base on Wednesday, officials said.",
        "Rockets hit the base on Wednesday, officials said.",
        id="boilerplate_line-glued-site-title",
    ),
    Case(
        "photo_credit",
        "Smoke rises over the base after the attack. (Reuters-Archive)\n\nThree rockets hit.",
        "Smoke rises over the base after the attack.\n\nThree rockets hit.",
        id="photo_credit-reuters-archive",
    ),
    Case(
        "photo_credit",
        "جندي عراقي يقف أمام بوابة القاعدة. (أ ف ب)\n\nسقطت ثلاثة صواريخ.",
        "جندي عراقي يقف أمام بوابة القاعدة.\n\nسقطت ثلاثة صواريخ.",
        id="photo_credit-ar-afp",
        lang="ar",
    ),
    Case(
        "duplicate_line",
        "Smoke rises over the base after the attack.\nSmoke rises over the base after the attack.\n\n"
        "Three rockets hit the base.",
        "Smoke rises over the base after the attack.\n\nThree rockets hit the base.",
        id="duplicate_line-caption-twice",
    ),
    Case(
        "duplicate_line",
        "De la fumée s'élève au-dessus de la base.De la fumée s'élève au-dessus de la base.",
        "De la fumée s'élève au-dessus de la base.",
        id="duplicate_line-fr-glued-caption",
        lang="fr",
    ),
    Case(
        "stray_whitespace",
        "where Americans are hosted.\u00a0\n\nImages in the aftermath were released Wednesday...  ",
        "where Americans are hosted.\n\nImages in the aftermath were released Wednesday...",
        id="stray_whitespace-004-nbsp",
    ),
    Case(
        "hyphenation",
        "pro-Iran militias have carried out at-\ntacks on US forces",
        "pro-Iran militias have carried out attacks on US forces",
        id="hyphenation-word-split",
    ),
    Case(
        "hyphenation",
        "four Iran-\nbacked Iraqi militia group members and the pro-\nIran groups",
        "four Iran-backed Iraqi militia group members and the pro-Iran groups",
        id="hyphenation-keeps-compounds",
    ),
    Case(
        "hard_wrap",
        WRAPPED_001,
        "\n\n".join(PROSE_001),
        id="hard_wrap-70-columns",
    ),
    Case(
        "hard_wrap",
        "In June, four Iran-backed Iraqi militia group members were\nkilled by US strikes on the "
        "Iraqi-Syrian border. The Pentagon said the\nfacilities struck were used by Iran-backed militia "
        "groups\nto support strikes on US forces.",
        PROSE_001[0],
        id="hard_wrap-ragged-widths",
    ),
    Case(
        "hard_wrap",
        PROSE_001[0] + "\n\n" + textwrap.fill(PROSE_001[1], 62) + "\n\nNo one was hurt.",
        "\n\n".join(PROSE_001) + "\n\nNo one was hurt.",
        id="hard_wrap-one-paragraph-of-three",
    ),
    Case(
        "hard_wrap",
        textwrap.fill(PROSE_DE, 55),
        PROSE_DE,
        id="hard_wrap-de-nouns-start-lines",
        lang="de",
    ),
    Case(
        "hard_wrap",
        textwrap.fill(PROSE_AR, 50),
        PROSE_AR,
        id="hard_wrap-ar",
        lang="ar",
    ),
    Case(
        "hard_wrap",
        "美国国防部星期三表示，三枚火箭弹落在伊拉克西部的\n空军基地附近，没有造成人员伤亡。官员们说，调查正\n"
        "在进行中，以确定谁应对这次袭击负责。",
        "美国国防部星期三表示，三枚火箭弹落在伊拉克西部的空军基地附近，没有造成人员伤亡。官员们说，调查正"
        "在进行中，以确定谁应对这次袭击负责。",
        id="hard_wrap-zh-no-space-when-rejoined",
    ),
    Case(
        "paragraph_joint",
        "The rockets landed at the base.\n\nTwo rockets were fired at the U.S." + J + "embassy inside the "
        "Green Zone.\n\nIran has denied attacks on U.S." + J + "forces in Iraq and Syria.\n\n"
        "Two people were lightly wounded, U.S. Army Colonel Wayne Marotto said." + J + "The rockets "
        "landed at the base and its perimeter." + J + "He first said three people were injured.",
        "The rockets landed at the base.\n\nTwo rockets were fired at the U.S." + J + "embassy inside the "
        "Green Zone.\n\nIran has denied attacks on U.S." + J + "forces in Iraq and Syria.\n\n"
        "Two people were lightly wounded, U.S. Army Colonel Wayne Marotto said. The rockets "
        "landed at the base and its perimeter. He first said three people were injured.",
        id="paragraph_joint-002-four-newlines",
    ),
    Case(
        "paragraph_joint",
        "Rockets hit the base. Two were hurt.\n\nOfficials said the attack" + J + "was the third this week."
        "\n\nThe embassy was targeted." + J + "the sirens shouted.\n\nIran denied the attacks.",
        "Rockets hit the base. Two were hurt.\n\nOfficials said the attack was the third this week."
        "\n\nThe embassy was targeted. the sirens shouted.\n\nIran denied the attacks.",
        id="paragraph_joint-no-full-stop-is-no-heading",
    ),
    Case(
        "paragraph_joint",
        "Rockets hit a base in western Iraq.\n\nThe truck was found near a village." + J
        + "No group claimed responsibility.\n\nThe attack was the third this month." + J
        + "U.S. officials blamed armed groups.\n\nPatrols were increased.",
        "Rockets hit a base in western Iraq.\n\nThe truck was found near a village. "
        "No group claimed responsibility.\n\nThe attack was the third this month. "
        "U.S. officials blamed armed groups.\n\nPatrols were increased.",
        id="paragraph_joint-two-gap-lengths-without-visible-split",
    ),
    Case(
        "abbreviation_break",
        "BAGHDAD / AMMAN (Reuters) – Iraqi and Syrian U.S." + J + "diplomats and troops have fired "
        "three rockets, including at least 14 rockets targeting a U.S." + J + "Air Force base.",
        "BAGHDAD / AMMAN (Reuters) – Iraqi and Syrian U.S. diplomats and troops have fired "
        "three rockets, including at least 14 rockets targeting a U.S. Air Force base.",
        id="abbreviation_break-002-us",
    ),
    Case(
        "abbreviation_break",
        "Spokesman for Operation Inherent Resolve Col.\n\nWayne Marotto said the attacks failed.",
        "Spokesman for Operation Inherent Resolve Col. Wayne Marotto said the attacks failed.",
        id="abbreviation_break-title",
    ),
    Case(
        "abbreviation_break",
        "A spokesman for the Fifth Fleet, Cmdr.\nTim Hawkins, said the ship was not hit.",
        "A spokesman for the Fifth Fleet, Cmdr. Tim Hawkins, said the ship was not hit.",
        id="abbreviation_break-title-wrapped-on-one-newline",
    ),
    Case(
        "abbreviation_break",
        "Las tropas de EE." + J + "UU. dijeron que el ataque fracasó.",
        "Las tropas de EE. UU. dijeron que el ataque fracasó.",
        id="abbreviation_break-es-split-inside-ee-uu",
        lang="es",
    ),
    Case(
        "abbreviation_break",
        "Viele Orte, z. B.\n\nhöhere Lagen, meldeten Schnee. Andere Waffen, z. B.\n\nRaketen, fehlten.",
        "Viele Orte, z. B. höhere Lagen, meldeten Schnee. Andere Waffen, z. B. Raketen, fehlten.",
        id="abbreviation_break-de-z-b-with-its-space",
        lang="de",
    ),
    Case(
        "abbreviation_break",
        "Der Papst kam am 13.\n\noktober 1979. Das Buch schrieb Michael D." + J + "Higgins im Jahr 2011.",
        "Der Papst kam am 13. oktober 1979. Das Buch schrieb Michael D. Higgins im Jahr 2011.",
        id="abbreviation_break-ordinal-and-middle-initial",
        lang="de",
    ),
    Case(
        "orphan_fragment",
        "14 rockets targeting a U.S. Air Force base." + J + ", injuring two members of the American service.",
        "14 rockets targeting a U.S. Air Force base, injuring two members of the American service.",
        id="orphan_fragment-002-comma",
    ),
    Case(
        "orphan_fragment",
        "attacks on the U.S.\n\n, injuring two.",
        "attacks on the U.S., injuring two.",
        id="orphan_fragment-keeps-abbreviation-dot",
    ),
    Case(
        "orphan_fragment",
        "وسقطت الصواريخ على القاعدة." + J + "، مما أدى إلى إصابة جنديين.",
        "وسقطت الصواريخ على القاعدة، مما أدى إلى إصابة جنديين.",
        id="orphan_fragment-ar-comma",
        lang="ar",
    ),
    Case(
        "quote_split",
        QUOTE_002 + "“.",
        QUOTE_002.replace("\n\n", " ") + "“.",
        id="quote_split-002",
    ),
    Case(
        "quote_split",
        "“The attack failed,” he said. “\n\nWe will respond to it,” he added.",
        "“The attack failed,” he said. “We will respond to it,” he added.",
        id="quote_split-opening-quote-left-behind",
    ),
    Case(
        "excess_blank_lines",
        "the third on the outskirts of a residential area, the Iraqi military said.\n\n\n"
        "A co-ordinated escalation",
        "the third on the outskirts of a residential area, the Iraqi military said.\n\n"
        "A co-ordinated escalation",
        id="excess_blank_lines-001",
    ),
    Case(
        "missing_space",
        "CNN reported.The US military said.“We will respond.”The base was hit in 2021.Officials agreed.",
        "CNN reported. The US military said. “We will respond.” The base was hit in 2021. Officials agreed.",
        id="missing_space-en-quotes-and-year",
    ),
    Case(
        "missing_space",
        "Le ministre a parlé.«Nous gagnerons», a-t-il dit.Puis il est parti.",
        "Le ministre a parlé. «Nous gagnerons», a-t-il dit. Puis il est parti.",
        id="missing_space-fr-guillemets",
        lang="fr",
    ),
    Case(
        "missing_space",
        "Der Minister sprach in Berlin.Die Lage sei ruhig, sagte er.„Wir bleiben.“",
        "Der Minister sprach in Berlin. Die Lage sei ruhig, sagte er. „Wir bleiben.“",
        id="missing_space-de",
        lang="de",
    ),
    Case(
        "missing_space",
        "قال المتحدث إن الهجوم فشل.وأضاف أن التحقيق جار؟وقال مسؤول آخر.",
        "قال المتحدث إن الهجوم فشل. وأضاف أن التحقيق جار؟ وقال مسؤول آخر.",
        id="missing_space-ar-caseless",
        lang="ar",
    ),
    Case(
        "doubled_word",
        "Ain al-Asad air base in western Iraq, U.S. Army Colonel Colonel spokesman Wayne Marotto said.",
        "Ain al-Asad air base in western Iraq, U.S. Army Colonel spokesman Wayne Marotto said.",
        id="doubled_word-002-colonel",
    ),
    Case(
        "doubled_word",
        "the the the rockets landed",
        "the rockets landed",
        id="doubled_word-run-in-one-pass",
    ),
    Case(
        "stray_quote",
        QUOTE_002.replace("\n\n", " ") + "“.",
        QUOTE_002.replace("\n\n", " ").rstrip() + ".”",
        id="stray_quote-002-closes-quotation",
    ),
    Case(
        "stray_quote",
        "we will enter into an endless cycle of escalation.” “.\n\n\nPlease enter your comment!",
        "we will enter into an endless cycle of escalation.”\n\n\nPlease enter your comment!",
        id="stray_quote-003-after-closed-quotation",
    ),
    Case(
        "quote_before_stop",
        "The solution is drunk - a fact documented ”.\n\nThe match turned on a strike from 25 metres “. "
        "Then it rained. He said “we will win “. The end.",
        "The solution is drunk - a fact documented.\n\nThe match turned on a strike from 25 metres. "
        "Then it rained. He said “we will win”. The end.",
        id="quote_before_stop-en-closer-and-openers",
    ),
    Case(
        "quote_before_stop",
        "Le trajet durera 22 minutes, a dit le maire ».\n\n« Nous gagnerons », a-t-il dit. « Oui ». Puis…",
        "Le trajet durera 22 minutes, a dit le maire.\n\n« Nous gagnerons », a-t-il dit. « Oui ». Puis…",
        id="quote_before_stop-fr-keeps-spaced-closer",
        lang="fr",
    ),
    Case(
        "quote_before_stop",
        "وشملت أكثر من 180 ألف طالب وطالبة \".\n\nوقال \"نحن هنا \". ثم غادر.",
        "وشملت أكثر من 180 ألف طالب وطالبة.\n\nوقال \"نحن هنا \". ثم غادر.",
        id="quote_before_stop-ar-straight",
        lang="ar",
    ),
]

FLAGS = [
    Case(
        "unbalanced_quote",
        "The commander said: “We will retaliate.\n\nThe group vowed revenge.",
        "The commander said: “We will retaliate.",
        id="unbalanced_quote-never-closes",
    ),
    Case(
        "unbalanced_quote",
        "Ongoing talks to revive the Joint Comprehensive Plan of Action (JCPOA known as the deal stalled.",
        "Ongoing talks to revive the Joint Comprehensive Plan of Action (JCPOA known as the deal stalled.",
        id="unbalanced_quote-bracket",
    ),
    Case(
        "sentence_fragment",
        "they are weaker in the US air. Strikes than before – and want to complicate it.",
        "Strikes than before – and want to complicate it.",
        id="sentence_fragment-002-than",
    ),
    Case(
        "sentence_fragment",
        "Security officials said the second rocket crashed.\n\nthe sirens shouted from the embassy.",
        "the sirens shouted from the embassy.",
        id="sentence_fragment-lowercase-paragraph",
    ),
    Case(
        "deleted_text",
        "The sources told . that the attack on the base had failed.",
        "told . that",
        id="deleted_text-en-lone-full-stop",
    ),
    Case(
        "deleted_text", "A source told .. The attack failed.", "told ..", id="deleted_text-en-two-full-stops"
    ),
    Case(
        "deleted_text",
        "Gen. Ahmed Karim, an. commander, said so. The findings were published on. a journal.",
        "an. commander",
        id="deleted_text-en-function-word-before-full-stop",
    ),
    Case(
        "deleted_text",
        "« Le musée reste ouvert », a confié la directrice, Mme ..\n\nLa salle était pleine.",
        "Mme ..",
        id="deleted_text-fr-title-lost-its-name",
        lang="fr",
    ),
    Case(
        "deleted_text",
        "Er diente bei den Marines in . Elliott, Panama.",
        "in . Elliott",
        id="deleted_text-de-function-word-before-capital",
        lang="de",
    ),
    Case(
        "deleted_text",
        "وقال المتحدث إن الكليات سجلت أعلى المعدلات، وإن. زاد بنسبة 8 في المئة.",
        "وإن. زاد",
        id="deleted_text-ar-particle-before-full-stop",
        lang="ar",
    ),
    Case(
        "deleted_text",
        "The attack was planned, sources said. of security. Nobody was hurt.",
        "said. of",
        id="deleted_text-en-sentence-ends-before-lower-case",
    ),
    Case(
        "deleted_text",
        "Un témoin a déclaré . que l’attaque avait échoué.",
        "déclaré . que",
        id="deleted_text-fr",
        lang="fr",
    ),
    Case(
        "deleted_text",
        "Die Quellen sagten. dass der Angriff scheiterte.",
        "sagten. dass",
        id="deleted_text-de",
        lang="de",
    ),
    Case(
        "deleted_text",
        "Las fuentes dijeron .. que el ataque fracasó.",
        "dijeron ..",
        id="deleted_text-es",
        lang="es",
    ),
    Case("language_mix", MIXED, "قال المتحدث باسم التحالف الدولي", id="language_mix-arabic"),
    Case(
        "language_mix",
        MIXED,
        "Les autorités locales ont qualifié cette attaque de terroriste et ont promis une enquête.",
        id="language_mix-french",
    ),
    Case(
        "language_mix",
        MIXED_KNOWN_WORDS,
        "Le ministre a déclaré que la situation était sous contrôle et que les forces américaines "
        "resteraient.",
        id="language_mix-french-in-english-vocabulary",
    ),
    Case(
        "language_mix",
        "قال المتحدث باسم التحالف الدولي إن الهجوم فشل. Exit mobile version وأضاف أن التحقيق جار.",
        "Exit mobile version",
        id="language_mix-ar-short-latin-ui-phrase",
        lang="ar",
    ),
    Case(
        "language_mix",
        "Le slogan du pays, « Độc lập – Tự do – Hạnh phúc », a été rappelé par le ministre.",
        "Độc lập – Tự do – Hạnh",
        id="language_mix-fr-vietnamese-motto",
        lang="fr",
    ),
    Case(
        "language_mix",
        "Le public pourra visiter le site lors des Journées de l’archéologie according to officials, les 15 "
        "et 16 juin.",
        "according to officials",
        id="language_mix-fr-short-english-phrase",
        lang="fr",
    ),
    Case(
        "language_mix",
        "Commander Ahmed Karim said patrols had been increased along the main road según la agencia, "
        "at the crossing near the river.",
        "según la agencia",
        id="language_mix-en-short-spanish-phrase",
    ),
]

REPAIRS += [
    Case(
        "repeated_lines",
        "Iraq News Network | Home | World | Middle East\n\nBAGHDAD (Reuters) -\n\n" + HEADINGS_001,
        HEADINGS_001,
        config=SITE_40,
        id="repeated_lines-masthead-and-dateline-at-the-top",
    ),
]

UNTOUCHED = [
    Case("line_endings", "Rockets hit the base.\nThe embassy was targeted.\n", id="line_endings-lf"),
    Case(
        "mojibake",
        "The café in Zürich costs €50 — “quoted” in Syria’s east… قال المتحدث",
        id="mojibake-real-non-ascii",
    ),
    Case(
        "mojibake",
        "Возможно, в «Газпроме» — нет. CORAÇÕES. ¿Dónde está? Ελληνικά",
        id="mojibake-cyrillic-portuguese-spanish-greek",
    ),
    Case(
        "mojibake",
        "ظل الطيار يطير فوق الظهران وطنطا في ظروف طارئة، وظهر الطقس مظلما.",
        id="mojibake-real-arabic-with-ta-and-za",
        lang="ar",
    ),
    Case(
        "mojibake",
        "Škoda a MŠK Žilina: Œuvre, « guillemets », „Zitat“ ›Wort‹, Microsoft™ and Smith†.",
        id="mojibake-real-windows-1252-letters-and-marks",
    ),
    Case(
        "lossy_encoding",
        "Why now? See index.php?id=5, a?b:c and Really?? Why?The base. Is it in Bogot?",
        id="lossy_encoding-question-marks",
    ),
    Case(
        "lossy_encoding",
        "Why? Really?! What?? ¿Vienes?, dijo. Why ???\n\nSee ?id=5 and ?Hola.",
        id="lossy_encoding-question-shapes",
    ),
    Case(
        "html_entities",
        "In HTML, write &amp;amp; to show &amp; and &lt;p&gt; for a paragraph tag.",
        id="html_entities-text-about-markup",
    ),
    Case("html_entities", "The page had <b>bold &amp; bright</b> markup.", id="html_entities-in-markup"),
    Case(
        "html_entities",
        "Use this&not that, AT&T; and R&D &bogus; stay.",
        id="html_entities-informal-ampersands",
    ),
    Case("metadata", "The date 2021-07-07 was the third day of attacks.", id="metadata-in-prose"),
    Case("metadata", " date 2021-07-07 ", id="metadata-nothing-after-it"),
    Case("boilerplate", HEADINGS_001, id="boilerplate-001-headings"),
    Case(
        "boilerplate",
        "The page said Please enter your comment! and the reader typed a long angry reply about it.",
        id="boilerplate-inside-a-sentence",
    ),
    Case("boilerplate_line", HEADINGS_001, id="boilerplate_line-001-headings"),
    Case("boilerplate_line", OPENING_002.split(J)[0], id="boilerplate_line-byline-dateline-caption"),
    Case(
        "boilerplate_line",
        "Targets this week:\n- Ain al-Asad air base\n- the U.S. embassy\n\nCasualties by province\n"
        "Anbar (3)\nBaghdad (2)\n\nCLIMBING\n\n“No,” he said.",
        id="boilerplate_line-list-table-caps-heading-quote",
    ),
    Case(
        "photo_credit",
        "BAGHDAD / AMMAN (Reuters) – Iraqi officials said on Wednesday.\n\nBagdad (AFP)\n\n"
        "Reports came from Agence France-Presse (AFP)\n\n(Reporting by Ahmed Rasheed)\n\n(AFP)",
        id="photo_credit-dateline-acronym-story-credit-signature",
    ),
    Case(
        "duplicate_line",
        "Syria\n\nSyria\n\nDeath to America\n\nDeath to America\n\nThey flew to Bora Bora.",
        id="duplicate_line-short-repeats",
    ),
    Case("stray_whitespace", "Rockets hit the base.\n\n  Indented second paragraph.", id="ws-indent"),
    Case(
        "repeated_lines",
        "By Ahmed Rasheed and Suleiman Al-Khalidi\n\n" + HEADINGS_001,
        config=SITE_40,
        id="repeated_lines-byline-heading-and-prose-a-site-repeats",
    ),
    Case(
        "repeated_lines",
        "Iraq News Network | Home | World | Middle East\n\n" + HEADINGS_001,
        id="repeated_lines-nothing-learned-single-document",
    ),
    Case(
        "hyphenation",
        "Iran-backed militias, the Iraqi-Syrian border and co-ordinated attacks in 2015-\n2016",
        id="hyphenation-compounds-on-one-line",
    ),
    Case(
        "hard_wrap",
        "Tyler Durden's Photo\nby Tyler Durden\nWednesday, Jan 05, 2022 - 07:21 PM\n\n" + HEADINGS_001,
        id="hard_wrap-short-lines",
    ),
    Case(
        "hard_wrap",
        "Targets this week:\n"
        "- Ain al-Asad air base in western Anbar province, hit by 14 rockets on Wednesday\n"
        "- the U.S. embassy in Baghdad's Green Zone, where three rockets were fired\n"
        "- Erbil airport in northern Iraq, hit by a drone on Tuesday evening\n"
        "- the al-Omar oil field in eastern Syria, targeted by drones on Monday\n"
        "- the Green Village base in Deir Ezzor, shelled on Wednesday morning\n"
        "- the Union III facility near the embassy, where three drones attacked",
        id="hard_wrap-list-items",
    ),
    Case(
        "hard_wrap",
        "I wandered lonely as a cloud\nThat floats on high o'er vales and hills,\n"
        "When all at once I saw a crowd,\nA host, of golden daffodils;",
        id="hard_wrap-poetry",
    ),
    Case(
        "hard_wrap",
        "The attack happened on Monday.\nIraqi officials said two people were hurt.\nThe US denied it.",
        id="hard_wrap-one-sentence-per-line",
    ),
    Case(
        "hard_wrap",
        "2019: 14 attacks on bases in Iraq and Syria, most with rockets\n"
        "2020: 27 attacks on bases in Iraq and Syria, most with drones\n2021: 55 attacks",
        id="hard_wrap-numbers-and-labels",
    ),
    Case(
        "hard_wrap",
        "Read the full report of the coalition at https://www.example.com/news/\n"
        "2021/07/attacks-on-bases.html for details.\n\n"
        "for (int i = 0; i < n; i++) {\n    total += items[i].price;\n}",
        id="hard_wrap-url-and-code",
    ),
    Case(
        "hard_wrap",
        "Iraq: rockets hit US base in western Anbar province today\nThe US-led coalition said on "
        "Wednesday that three rockets landed near the base and caused no casualties, officials said.",
        id="hard_wrap-headline-above-its-text",
    ),
    Case("paragraph_joint", ONE_GAP_STYLE, id="paragraph_joint-one-gap-style"),
    Case("paragraph_joint", HEADINGS_001.replace("\n\n", J), id="paragraph_joint-headings"),
    Case("paragraph_joint", OPENING_002.split(J)[0], id="paragraph_joint-byline-dateline-caption"),
    Case(
        "abbreviation_break",
        "The pro-Iran groups vowed attacks on the U.S.\n\nThe next day, rockets hit Erbil.",
        id="abbreviation_break-us-ends-sentence",
    ),
    Case(
        "abbreviation_break",
        "The talks were held in Washington, D.C.\n\nIran has denied the attacks.",
        id="abbreviation_break-dc-ends-sentence",
    ),
    Case(
        "abbreviation_break",
        "The answer was No.\nThe talks ended there.\n\nThe envoy arrived on Jan.\n\nThe 5th was a Tuesday.",
        id="abbreviation_break-numeric-only-and-single-newline",
    ),
    Case(
        "orphan_fragment",
        "The targets:\n\n- the embassy\n\n- the air base\n\n(Reporting by Ahmed Rasheed)",
        id="orphan_fragment-list-and-credit",
    ),
    Case(
        "missing_space",
        "Visit example.com or www.CNN.com, read 3.5 million posts in the U.S.Army, e.g.The Node.js "
        "docs, J.R.R.Tolkien, version 2.0.Beta, Mr.Smith in St.Louis, CNN.Com, Console.WriteLine(x), "
        "ASP.NET, report.Docx, john.Smith@x.com, 1.Introduction, wait...Then COVID-19.The end.",
        id="missing_space-urls-numbers-abbreviations-code",
    ),
    Case(
        "missing_space",
        "Am 12.Mai kam Dr.Müller, z.B.Herr Meier, nach Berlin.",
        id="missing_space-de-dates-and-abbreviations",
        lang="de",
    ),
    Case("missing_space", "美国国防部表示。三枚火箭弹落在基地附近。", id="missing_space-zh", lang="zh"),
    Case(
        "deleted_text",
        "He paused... then spoke. He paused… then went on. He paused . . . then left. U.S. officials, "
        "e.g. the envoy, met at 5 p.m. on Monday in the U.S.. The iPhone. eBay sales and example. com fell.",
        id="deleted_text-ellipses-abbreviations-brands",
    ),
    Case(
        "deleted_text",
        "The U.S . officials said , on Monday , that the attack , which failed , was . the third .",
        id="deleted_text-tokenized-document",
    ),
    Case(
        "deleted_text",
        "Viele Orte, z. B. höhere Lagen, usw. und ca. zwei Städte.",
        id="deleted_text-de-abbreviations",
        lang="de",
    ),
    Case(
        "quote_split",
        "“It seems to me they have the green light from Iran.\n\n“We want an operation that befits "
        "those martyrs,” the commander said.",
        id="quote_split-quotation-reopens",
    ),
    Case(
        "quote_split",
        "“We want revenge,” the commander said.\n\nThe group has not claimed responsibility.",
        id="quote_split-balanced",
    ),
    Case(
        "quote_before_stop",
        "He called it “a bad deal ”. She said “no.” « Nous gagnerons ». Scores were 3 \" and 4 \". "
        "The quote “is long,\nand wrapped”.",
        id="quote_before_stop-closers-that-close",
    ),
    Case("excess_blank_lines", "\n\n\nRockets hit.\n\nThe base was hit.\n\n\n", id="excess-edges"),
    Case(
        "doubled_word",
        "He had had enough. That that was true. They flew to Bora Bora. US us and AI Ai are two words.",
        id="doubled_word-legitimate",
    ),
    Case(
        "stray_quote",
        "He said “no.”\nShe said “yes.”\n\nThe militia fired 30 “\nGrad” rockets.",
        id="stray_quote-balanced-and-wrapped",
    ),
    Case(
        "unbalanced_quote",
        "“It seems to me they have the green light from Iran.\n\n“We want an operation,” he said. "
        "(The group denied it.)",
        id="unbalanced_quote-multi-paragraph-quotation",
    ),
    Case(
        "sentence_fragment",
        "More than 20 rockets were fired. Less than half hit.\n\nby Tyler Durden\n\n"
        "- with additional reporting from Reuters",
        id="sentence_fragment-comparatives-byline-list",
    ),
    Case(
        "sentence_fragment",
        "date 2023-12 This is the first time coordinated attacks struck US forces.\n\nupdated 12:30 GMT\n\n"
        "source: Reuters, AFP and local media reports on the attacks",
        id="sentence_fragment-metadata-fields",
    ),
    Case(
        "language_mix",
        HEADINGS_001 + "\n\nKataib Sayyid Al Shuhada vowed to retaliate. UN envoy Staffan de Mistura met "
        "the ministers of the coalition in La Paz and in Los Angeles on the same day.",
        id="language_mix-english-with-names",
    ),
    Case("language_mix", "قال المتحدث باسم التحالف الدولي إن الهجوم فشل.", lang="ar", id="mix-ar-home"),
    Case(
        "language_mix",
        "قال المتحدث لشبكة CNN إن الهجوم فشل، وذكرت BBC أن iPhone 13 Pro Max و Bank of America "
        "لم يتأثرا، كما قال الرئيس Joe Biden.",
        lang="ar",
        id="language_mix-ar-brands-names-acronyms",
    ),
    Case(
        "language_mix",
        "Le Premier ministre Nguyễn Phú Trọng a rencontré Recep Tayyip Erdoğan à Hanoï. Le ﬁnancement "
        "des ﬁlières a été voté.",
        lang="fr",
        id="language_mix-fr-names-in-their-spelling-and-ligatures",
    ),
]


# Rules that act only with data of their own (a glossary) are tested with that data.
TESTED_ELSEWHERE = {"glossary": "tests/test_glossary.py"}


def test_every_pipeline_rule_has_positive_and_negative_cases() -> None:
    """A rule added to PIPELINE without tests fails here, not in a user's corpus."""
    expected = set(PIPELINE) - TESTED_ELSEWHERE.keys()
    assert {c.rule for c in REPAIRS + FLAGS} == expected
    assert {c.rule for c in UNTOUCHED} == expected


@pytest.mark.parametrize("case", params(REPAIRS))
def test_rule_repairs(case: Case) -> None:
    assert RULES[case.rule].repairs
    assert repaired(case.rule, case.text, case.lang, case.config) == case.expected


@pytest.mark.parametrize("case", params(FLAGS))
def test_rule_flags(case: Case) -> None:
    assert not RULES[case.rule].repairs
    assert case.expected in flagged(case.rule, case.text, case.lang, case.config)


@pytest.mark.parametrize("case", params(UNTOUCHED))
def test_rule_leaves_text_alone(case: Case) -> None:
    assert detect(case.rule, case.text, case.lang, case.config) == []


# --- Seeds, rule by rule --------------------------------------------------------


def test_seed_002_rules_find_its_damage() -> None:
    text = seed_text("002")
    breaks = detect("abbreviation_break", text)
    assert len(breaks) == 15
    assert all(f.original == J and text[f.start - 4 : f.start] == "U.S." for f in breaks)
    # The sentence goes on in lower case, or after "a U.S." ("a U.S. Air Force base").
    assert all(text[f.end].islower() or text[f.start - 6 : f.start] == "a U.S." for f in breaks)
    assert [f.original for f in detect("doubled_word", text)] == [" Colonel"]
    (orphan,) = detect("orphan_fragment", text)
    assert text[orphan.start - 4 : orphan.end + 10] == "base.\n\n\n\n, injuring"
    # Alone, the rule sees only the last block of the split quotation; after the
    # joints are rejoined the pipeline knows the quotation is open and closes it.
    (stray,) = detect("stray_quote", text)
    assert stray.original == " “."
    assert "and want to complicate it.”\n" in clean_text(text).text
    assert len(detect("paragraph_joint", text)) == 8


def test_seed_003_004_001_boilerplate_and_quotes() -> None:
    (stray,) = detect("stray_quote", seed_text("003"))
    assert (stray.original, stray.replacement) == (" “.", "")
    removed = [f.original.strip() for f in detect("boilerplate", seed_text("003"))]
    assert removed == ["Please enter your comment!\nPlease enter your name here"]
    assert [f.original for f in detect("boilerplate", seed_text("004"))] == ["Tyler Durden's Photo\n"]
    assert [f.original for f in detect("stray_whitespace", seed_text("004"))] == ["\u00a0"] * 3
    banners = [f.original.strip() for f in detect("boilerplate", seed_text("001"))]
    assert banners == ["Powered by automated translation", "Updated: July 08, 2021, 4:50 PM"]


def test_seed_000_has_only_its_glued_date() -> None:
    """Seed 000 is clean English: once the date is off, no rule may touch it."""
    text = seed_text("000")
    (glued,) = detect("metadata", text)
    assert glued.original == " date 2021-07-07 "
    rest = repaired("metadata", text)
    for rule in PIPELINE:
        assert [f for f in detect(rule, rest) if f.replacement is not None] == [], rule


# --- Through clean_text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(OPENING_002, OPENING_002.replace(J, " "), id="002-opening"),
        pytest.param(
            "targeting a U.S."
            + J
            + "Air Force base."
            + J
            + ", injuring two members of the American service.",
            "targeting a U.S. Air Force base, injuring two members of the American service.",
            id="002-orphan-after-abbreviation-break",
        ),
        pytest.param(
            "Rockets hit the base.\n\n"
            + QUOTE_002.replace("\n\n", J)
            + "“.\n\nThe United States told the UN.",
            "Rockets hit the base.\n\n" + QUOTE_002.replace("\n\n", " ").rstrip() + ".”\n\n"
            "The United States told the UN.",
            id="002-quotation",
        ),
        pytest.param(WRAPPED_001.replace("\n", "\r\n"), "\n\n".join(PROSE_001), id="crlf-hard-wrap"),
        pytest.param(
            WRAPPED_001.replace("to support\nstrikes", "to support pro-\nIran strikes"),
            "\n\n".join(PROSE_001).replace("to support strikes", "to support pro-Iran strikes"),
            id="hard-wrap-at-a-real-hyphen",
        ),
        pytest.param(
            "Iran-\nbacked militias carried out at-\ntacks on Americaâ€™s bases. Army Colonel Colonel Wayne "
            "Marotto said so.\u00a0",
            "Iran-backed militias carried out attacks on America’s bases. "
            "Army Colonel Wayne Marotto said so.",
            id="token-damage",
        ),
    ],
)
def test_clean_text_repairs(text: str, expected: str) -> None:
    assert clean_text(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(HEADINGS_001, id="headings"),
        pytest.param(OPENING_002.split(J)[0], id="byline-dateline-caption"),
        pytest.param("Targets:\n\n- the embassy\n- the air base\n\n1. Erbil\n2. Baghdad", id="list-items"),
        pytest.param("He had had enough; that that was so. They flew to Bora Bora.", id="legit-doubles"),
        pytest.param("Rockets hit the U.S. The next day, Iraq protested.", id="us-ends-sentence"),
        pytest.param("Rockets hit the U.S.\n\nThe next day, Iraq protested.", id="us-ends-paragraph"),
        pytest.param("Iran-backed, pro-Iran and Iraqi-Syrian co-ordinated attacks.", id="compounds"),
        pytest.param("He said “no.” She said, “We will see,” and left.", id="balanced-quotes"),
        pytest.param(
            "“It seems to me they have the green light.\n\n“We want an operation,” he said.",
            id="multi-paragraph-quotation",
        ),
        pytest.param(ONE_GAP_STYLE.replace(J, "\n\n"), id="single-gap-style"),
    ],
)
def test_clean_text_keeps(text: str) -> None:
    result = clean_text(text)
    assert result.text == text
    assert result.edits == ()


def test_clean_text_single_gap_style_keeps_paragraphs() -> None:
    """Four-newline gaps everywhere are a style, not joints: they shrink, never join."""
    out = clean_text(ONE_GAP_STYLE).text
    assert out == ONE_GAP_STYLE.replace(J, "\n\n")


def test_clean_text_flags_language_fragments_without_changing_them() -> None:
    result = clean_text(MIXED)
    assert result.text == MIXED
    mixed = [f.original for f in result.flags if f.rule == "language_mix"]
    assert any(f.startswith("Les autorités") for f in mixed)
    assert "قال المتحدث باسم التحالف الدولي" in mixed


# --- Segmentation -----------------------------------------------------------------


def sentences(text: str, lang: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text, 0, len(text), load(lang))]


# Sentences that must split back exactly where they were joined with one space.
SENTENCES: dict[str, tuple[str, list[str]]] = {
    "en-titles": (
        "en",
        ["Army Col. Wayne Marotto said it.", "Gen. Qassem Soleimani was killed.", "Mr. Al Walae left."],
    ),
    "en-abbreviations-continue": (
        "en",
        ["U.S. officials met J. R. Smith on Jan. 5 at the U.S. embassy.", "It was over."],
    ),
    "en-us-ends-sentence": (
        "en",
        ["Iran denied attacks on the U.S.", "The next day, rockets hit.", "He said “no.”", "She left."],
    ),
    "fr-guillemets-with-spaces": (
        "fr",
        ["Le ministre a dit : « Nous gagnerons. »", "Puis il est parti.", "M. Dupont a répondu."],
    ),
    "de-low-and-reversed-quotes": (
        "de",
        ["Er sagte: „Wir gewinnen.“", "Dann ging er.", "»Wir bleiben.«", "Dr. Müller sagte z.B. nichts."],
    ),
    "es-inverted-marks": ("es", ["¿Dónde está?", "El Sr. García dijo «No lo sé.»", "Luego se fue."]),
    "ar-comma-and-question-mark": ("ar", ["قال المتحدث، إن الهجوم فشل.", "هل انتهى الأمر؟", "لا أحد يعرف."]),
}


@pytest.mark.parametrize(("lang", "expected"), SENTENCES.values(), ids=SENTENCES.keys())
def test_sentences_are_abbreviation_and_quote_aware(lang: str, expected: list[str]) -> None:
    assert sentences(" ".join(expected), lang) == expected


def test_document_structure_never_crosses_blocks() -> None:
    doc = Document("Rockets hit the U.S.\n\n\n\nembassy today.\n\nSyria", "en")
    assert [g.newlines for g in doc.gaps] == [4, 2]
    assert [doc.text[s.start : s.end] for s in doc.sentences] == [
        "Rockets hit the U.S.",
        "embassy today.",
        "Syria",
    ]
    assert doc.line_of(doc.text.index("embassy")) == 5


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The attack on the base was reported by officials, and they said that it is over.", "en"),
        (
            "Le ministre a déclaré que les attaques sont terminées et que la situation est sous contrôle.",
            "fr",
        ),
        ("Der Minister sagte, dass die Angriffe beendet sind und die Lage unter Kontrolle ist.", "de"),
        ("El ministro dijo que los ataques han terminado y que la situación está bajo control.", "es"),
        ("قال وزير الدفاع إن الهجمات انتهت وإن الوضع تحت السيطرة.", "ar"),
        (seed_text("002"), "en"),
        ("", "en"),
        ("Y0 the y", "en"),
    ],
)
def test_guess_language(text: str, lang: str) -> None:
    assert guess_language(text) == lang
