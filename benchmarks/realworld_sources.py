"""The clean text of the real-world corpus: MLQE-PE sentences (CC0) and articles written for it.

Why a module of its own: the corpus must rebuild byte for byte from files in the
repository (the test does it), while MLQE-PE lives outside it, in
``../shared/data/mlqe-pe``. So :func:`extract_mlqe` runs once, when the
selection is refreshed, and writes the chosen sentences, detokenized, with their
origin (file and line), to ``benchmarks/realworld/sources/mlqe/<lang>.tsv``;
:func:`load_articles` then reads only the repository.

Selection (:func:`keep_sentence`): MLQE-PE sentences come from Wikipedia and
Reddit and are Moses-tokenized. A sentence is kept when, detokenized, it reads
as a clean sentence of a news page, so that any edit a rule makes to it is a
false edit and not a fix of damage that was already there: 8-40 words, a capital
first letter, one final full stop, only the language's own script, no quotes,
slashes, ellipses, colons or unbalanced brackets, no word written twice in a
row, and (where wordfreq knows the language) every lower-case word known to
wordfreq, which drops the post-edits' typos ("antologies"). English post-edits
get typographic apostrophes (``it’s``), as news sites print them, which gives
the encoding damage something to garble.

Articles (``sources/articles/<lang>-NN.txt``, written for this corpus by the
project, released with it) and the MLQE-PE documents share one block format,
one block per line, blank lines ignored::

    T: headline
    B: byline
    D: date or dateline line
    H: sub-heading
    C: photo caption
    any other line: a paragraph
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "realworld" / "sources"

# Where each language's MLQE-PE sentences come from (source side, or the
# post-edit side where the human text is in that language).
MLQE_FILES: dict[str, tuple[str, ...]] = {
    "en": ("ro-en-train/train.pe", "et-en-train/train.pe", "ru-en-train/train.pe"),
    "de": ("en-de-train/train.pe",),
    "ru": ("ru-en-train/train.src", "ru-en-dev/dev.src"),
    "ro": ("ro-en-train/train.src",),
    "et": ("et-en-train/train.src",),
}
MLQE_PER_LANG = 90
# Sentences with an abbreviation or an ordinal followed by a word give the
# abbreviation-break damage somewhere to happen; a few are always taken.
ABBREVIATION_HINTS: dict[str, str] = {
    "en": r"\b(?:U\.S\.|U\.K\.|Dr\.|St\.|Mr\.|Mrs\.|Gen\.|Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.) \w",
    "de": r"\b(?:\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+|Dr\. \w|St\. \w|ca\. \w|bzw\. \w)",
    "ru": r"(?:\d г\. [а-яё]|\bим\. \w|\bт\. е\.|\bгг\. [а-яё])",
    "ro": r"(?:\b\p{Lu}\. \p{Lu}\p{Ll}|[îd]\.Hr\. \p{Ll}|\b(?:dr|nr|prof|str|Sf)\. \w)",
    "et": r"\b\d{1,4}\. (?:aasta|aastal|sajandi|sajandil|jaanuaril|veebruaril|märtsil|aprillil|mail|juunil"
    r"|juulil|augustil|septembril|oktoobril|novembril|detsembril)\b",
}
SCRIPT = {
    "en": r"\p{Latin}",
    "de": r"\p{Latin}",
    "ro": r"\p{Latin}",
    "et": r"\p{Latin}",
    "ru": r"\p{Cyrillic}",
}
WORDFREQ = {"en", "de", "ru", "ro"}
PERSONAL: dict[str, frozenset[str]] = {
    "en": frozenset({"i", "me", "my", "you", "your", "we", "us", "our"}),
    "de": frozenset({"ich", "mich", "mir", "mein", "meine", "du", "dich", "dir", "wir", "uns"}),
    "ru": frozenset(
        {
            "я",
            "мне",
            "меня",
            "мой",
            "моя",
            "мои",
            "ты",
            "тебя",
            "вы",
            "вас",
            "мы",
            "нас",
            "лиш",
            "моему",
            "моей",
            "моего",
            "тк",
            "подонки",
        }
    ),
    "ro": frozenset({"eu", "mă", "meu", "mea", "tu", "te", "noi", "voi"}),
    "et": frozenset({"mina", "ma", "minu", "sina", "sa", "sinu", "meie", "me"}),
}
UNWANTED = ("porn", "sex", "fuck", "shit", "хуй", "бля", "пизд", "ебан", "секс")


@dataclass(frozen=True)
class Block:
    """One line of a page: its role decides which damage may touch it."""

    role: str  # title | byline | date | heading | caption | paragraph
    text: str


@dataclass(frozen=True)
class Article:
    """A clean document before any damage: where it comes from and its blocks."""

    key: str
    lang: str
    origin: str
    blocks: tuple[Block, ...]


ROLES = {"T": "title", "B": "byline", "D": "date", "H": "heading", "C": "caption"}


def parse_blocks(text: str) -> tuple[Block, ...]:
    """The block format of the module docstring, parsed."""
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = re.match(r"([TBDHC]): (.+)", line)
        if m:
            blocks.append(Block(ROLES[m.group(1)], m.group(2)))
        else:
            blocks.append(Block("paragraph", line))
    return tuple(blocks)


def load_articles(sources: Path = SOURCES) -> list[Article]:
    """Every written article, sorted by file name (the order is part of the corpus)."""
    out: list[Article] = []
    for path in sorted((sources / "articles").glob("*.txt")):
        lang = path.stem.split("-")[0]
        out.append(
            Article(
                path.stem,
                lang,
                f"written for this corpus ({path.name})",
                parse_blocks(path.read_text("utf-8")),
            )
        )
    return out


def load_mlqe(lang: str, sources: Path = SOURCES) -> list[tuple[str, str]]:
    """(origin, sentence) pairs selected from MLQE-PE for ``lang``, in file order."""
    path = sources / "mlqe" / f"{lang}.tsv"
    rows = []
    for line in path.read_text("utf-8").splitlines():
        origin, sentence = line.split("\t", 1)
        rows.append((origin, sentence))
    return rows


def _words(sentence: str) -> list[str]:
    import regex

    return [w for w in regex.findall(r"\p{L}[\p{L}\p{M}'’-]*", sentence)]


def keep_sentence(sentence: str, lang: str) -> bool:
    """True when ``sentence`` reads as clean news prose (the selection rules above)."""
    import regex

    words = sentence.split()
    # Russian MLQE-PE has many proverbs and forum lines: longer sentences are Wikipedia's.
    if not (10 if lang == "ru" else 8) <= len(words) <= 40:
        return False
    if not regex.match(r"\p{Lu}", sentence) or not sentence.endswith(".") or sentence.endswith(".."):
        return False
    if regex.search(r"[\"“”„«»‘‚‹›`/\\:;…|_*#@<>\[\]{}=+~^]|\.\.|\?|!|http|www", sentence):
        return False
    if lang != "en" and "'" in sentence:
        return False
    if sentence.count("(") != sentence.count(")") or regex.search(r"\(\s*\)", sentence):
        return False
    if regex.search(r"\s[,.)]|\(\s|\s-\s*$|,,|\p{L},\p{L}", sentence):
        return False
    # Forum posts (first and second person, swearing) are not news prose.
    lowered_words = {w.lower() for w in _words(sentence)}
    if lowered_words & PERSONAL.get(lang, frozenset()) or any(bad in sentence.lower() for bad in UNWANTED):
        return False
    letters = regex.findall(r"\p{L}", sentence)
    own = regex.findall(SCRIPT[lang], sentence)
    if len(own) != len(letters):
        return False
    lowered = [w.lower() for w in _words(sentence)]
    if any(a == b for a, b in itertools.pairwise(lowered)):
        return False
    # A sentence-internal full stop must be an abbreviation or an ordinal: a
    # second sentence glued on would be a joint the corpus did not put there.
    inner = sentence[:-1]
    if re.search(r"[a-zà-ÿа-яё]{3,}\. [A-ZА-ЯЁ]", inner):
        return False
    if lang in WORDFREQ:
        from wordfreq import zipf_frequency

        for w in _words(sentence):
            if w[0].isupper() or "-" in w:
                continue
            if zipf_frequency(w.replace("’", "'"), lang) < 1.5:
                return False
    return True


def _typography(sentence: str, lang: str) -> str:
    """English apostrophes as news sites print them (``it’s``)."""
    if lang == "en":
        return re.sub(r"(?<=\w)'(?=\w)", "’", sentence)
    return sentence


def extract_mlqe(data: Path, sources: Path = SOURCES, *, seed: int = 16) -> dict[str, int]:
    """Choose and detokenize the MLQE-PE sentences; write ``sources/mlqe/<lang>.tsv``.

    Deterministic for one seed and one copy of the data. Returns how many
    sentences were written per language.
    """
    import regex
    from sacremoses import MosesDetokenizer  # type: ignore[import-untyped]

    counts: dict[str, int] = {}
    (sources / "mlqe").mkdir(parents=True, exist_ok=True)
    for lang, files in MLQE_FILES.items():
        detok = MosesDetokenizer(lang=lang)
        kept: list[tuple[str, str]] = []
        seen: set[str] = set()
        for name in files:
            for no, line in enumerate((data / name).read_text("utf-8").splitlines(), 1):
                sentence = _typography(detok.detokenize(line.split()), lang)
                if sentence in seen or not keep_sentence(sentence, lang):
                    continue
                seen.add(sentence)
                kept.append((f"{name}:{no}", sentence))
        rng = random.Random(f"{seed}-{lang}")
        hinted = [row for row in kept if regex.search(ABBREVIATION_HINTS[lang], row[1])]
        rng.shuffle(hinted)
        chosen = hinted[:18]
        # A few with a letter Latin-1 lacks (names: "Tomáš", "Łódź"): lossy code pages need one.
        lossy = [row for row in kept if row not in chosen and re.search(r"[^\x00-\xff’]", row[1])]
        rng.shuffle(lossy)
        chosen += lossy[:5] if SCRIPT[lang] == r"\p{Latin}" else []
        rest = [row for row in kept if row not in chosen]
        rng.shuffle(rest)
        chosen += rest[: MLQE_PER_LANG - len(chosen)]
        order = {row: i for i, row in enumerate(kept)}
        chosen.sort(key=lambda row: order[row])
        text = "".join(f"{origin}\t{sentence}\n" for origin, sentence in chosen)
        (sources / "mlqe" / f"{lang}.tsv").write_text(text, encoding="utf-8")
        counts[lang] = len(chosen)
    return counts


# Headlines, bylines, dates and captions for the MLQE-PE documents: the
# sentences are the body, these give each page the structure a news page has
# (written for this corpus). Names are invented.
MLQE_FRAME: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "title": (
            "A Look Back at the Region’s Turbulent Century",
            "Historians Revisit an Overlooked Chapter",
            "What the New Survey Tells Us",
            "From the Archives: Wars, Treaties and Trade",
            "Inside the Debate Over the Museum’s Collection",
            "Scientists Weigh In on a Long-Running Question",
            "The Town That Rebuilt Itself Twice",
            "Notes From a Season of Change",
            "Readers Ask, Experts Answer",
            "How a Small Country Made Its Mark",
        ),
        "byline": (
            "By Helen Marsh",
            "By Daniel Okafor",
            "By Priya Raman",
            "By Tom Hartley",
            "By Sara Lindqvist",
        ),
        "date": ("March 4, 2024", "April 22, 2024", "May 9, 2024", "June 17, 2024", "July 1, 2024"),
        "caption": (
            "Visitors walk past the old harbour wall on Sunday.",
            "A replica of the medieval map on display at the city library.",
            "Students listen to a lecture in the restored assembly hall.",
            "The valley seen from the northern ridge in early spring.",
        ),
    },
    "de": {
        "title": (
            "Ein Blick zurück auf bewegte Jahrzehnte",
            "Was Historiker heute anders sehen",
            "Zwischen Krieg und Wiederaufbau",
            "Die Geschichte hinter der Sammlung",
            "Neue Funde werfen alte Fragen auf",
            "Wie eine Stadt ihr Gesicht veränderte",
            "Leser fragen, Fachleute antworten",
            "Aus dem Archiv: Menschen und Ereignisse",
            "Ein Sommer voller Entscheidungen",
            "Kleine Geschichten aus großer Zeit",
        ),
        "byline": (
            "Von Anna Berger",
            "Von Jonas Keller",
            "Von Miriam Sommer",
            "Von Lukas Brandt",
            "Von Eva Lorenz",
        ),
        "date": ("04.03.2024", "22.04.2024", "09.05.2024", "17.06.2024", "01.07.2024"),
        "caption": (
            "Besucher gehen am Sonntag an der alten Hafenmauer entlang.",
            "Eine Nachbildung der mittelalterlichen Karte in der Stadtbibliothek.",
            "Blick vom nördlichen Grat in das Tal im Frühjahr.",
            "Studierende im restaurierten Festsaal der Universität.",
        ),
    },
    "ru": {
        "title": (
            "Взгляд назад: век перемен",
            "Историки возвращаются к забытой странице",
            "Что показал новый опрос",
            "Из архива: войны, договоры и торговля",
            "Спор вокруг музейной коллекции",
            "Город, который отстроили дважды",
            "Заметки о сезоне перемен",
            "Читатели спрашивают, эксперты отвечают",
            "Как небольшая страна оставила свой след",
            "Новые находки и старые вопросы",
        ),
        "byline": ("Анна Воронова", "Игорь Семенов", "Мария Белова", "Павел Орлов", "Елена Крылова"),
        "date": ("04.03.2024", "22.04.2024", "09.05.2024", "17.06.2024", "01.07.2024"),
        "caption": (
            "Посетители у старой крепостной стены в воскресенье.",
            "Копия средневековой карты в городской библиотеке.",
            "Вид на долину с северного хребта ранней весной.",
            "Студенты в отреставрированном актовом зале университета.",
        ),
    },
    "ro": {
        "title": (
            "O privire înapoi asupra unui secol agitat",
            "Istoricii revin asupra unui capitol uitat",
            "Ce arată noul studiu",
            "Din arhivă: războaie, tratate și comerț",
            "Dezbaterea din jurul colecției muzeului",
            "Orașul care s-a reconstruit de două ori",
            "Note dintr-un anotimp al schimbărilor",
            "Cititorii întreabă, specialiștii răspund",
            "Cum și-a lăsat amprenta o țară mică",
            "Descoperiri noi, întrebări vechi",
        ),
        "byline": (
            "de Ana Popescu",
            "de Mihai Ionescu",
            "de Ioana Dumitru",
            "de Andrei Stan",
            "de Elena Marin",
        ),
        "date": ("4 martie 2024", "22 aprilie 2024", "9 mai 2024", "17 iunie 2024", "1 iulie 2024"),
        "caption": (
            "Vizitatori pe lângă vechiul zid al portului, duminică.",
            "O copie a hărții medievale expusă la biblioteca orașului.",
            "Valea văzută de pe creasta nordică, la începutul primăverii.",
            "Studenți în sala de festivități restaurată a universității.",
        ),
    },
    "et": {
        "title": (
            "Pilk tagasi tormilisele sajandile",
            "Ajaloolased vaatavad üle unustatud peatüki",
            "Mida näitab uus uuring",
            "Arhiivist: sõjad, lepingud ja kaubandus",
            "Vaidlus muuseumi kogu ümber",
            "Linn, mis ehitati üles kaks korda",
            "Märkmeid muutuste aastaajast",
            "Lugejad küsivad, asjatundjad vastavad",
            "Kuidas väike riik jättis oma jälje",
            "Uued leiud ja vanad küsimused",
        ),
        "byline": ("Kadri Tamm", "Martin Saar", "Liis Kask", "Jaan Mägi", "Triin Lepp"),
        "date": ("04.03.2024", "22.04.2024", "09.05.2024", "17.06.2024", "01.07.2024"),
        "caption": (
            "Külastajad vana sadamamüüri ääres pühapäeval.",
            "Keskaegse kaardi koopia linnaraamatukogus.",
            "Vaade orule põhjapoolselt mäeharjalt varakevadel.",
            "Üliõpilased ülikooli taastatud aulas.",
        ),
    },
}


def _chunks(items: list[str], sizes: Iterable[int]) -> Iterator[list[str]]:
    pos = 0
    for size in sizes:
        if pos >= len(items):
            return
        yield items[pos : pos + size]
        pos += size


def mlqe_articles(lang: str, count: int, *, seed: int = 16, sources: Path = SOURCES) -> list[Article]:
    """``count`` documents of MLQE-PE sentences: headline, byline, date, 3-5 paragraphs of 2-4 sentences.

    Consecutive selected sentences are grouped in file order (the sentences of
    one MLQE-PE file are not from one article, so the paragraphs read as a
    digest; their words and punctuation are the sentences' own). Every other
    document gets a caption line after its first paragraph.
    """
    rows = load_mlqe(lang, sources)
    frame = MLQE_FRAME[lang]
    rng = random.Random(f"{seed}-frame-{lang}")
    per_doc = len(rows) // count
    out: list[Article] = []
    for i in range(count):
        doc_rows = rows[i * per_doc : (i + 1) * per_doc]
        sentences = [s for _, s in doc_rows]
        sizes = [rng.randint(2, 4) for _ in range(12)]
        paragraphs = [" ".join(p) for p in _chunks(sentences, sizes)]
        blocks = [
            Block("title", frame["title"][i % len(frame["title"])]),
            Block("byline", frame["byline"][i % len(frame["byline"])]),
            Block("date", frame["date"][i % len(frame["date"])]),
        ]
        for j, paragraph in enumerate(paragraphs):
            blocks.append(Block("paragraph", paragraph))
            if j == 0 and i % 2 == 0:
                blocks.append(Block("caption", frame["caption"][(i // 2) % len(frame["caption"])]))
        origin = f"MLQE-PE (CC0) {doc_rows[0][0]} … {doc_rows[-1][0]}"
        out.append(Article(f"{lang}-mlqe-{i + 1:02d}", lang, origin, tuple(blocks)))
    return out
