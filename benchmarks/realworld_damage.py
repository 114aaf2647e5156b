"""Damage as scraped, machine-translated news pages show it, injected at known places.

Why a generator of its own, written from descriptions of real pages and not from
the rules: a benchmark whose damage is made by the same hands, from the same
patterns, as the repairs measures only that the two agree. This module was
written from the damage listed in issue 16 and BRIEF §3 (what the seeds and real
pages show), without reading ``src/mtrepair/rules/``, so that a rule that
recognizes only its own idea of the damage scores low here.

The model. A page is a sequence of :class:`Piece` s. A piece is either text the
damage left alone (its damaged and gold strings are equal) or one labelled damage
instance (its damaged string replaces its gold string). The damaged page is the
concatenation of the damaged strings, the gold page that of the gold strings, so
by construction every label's span points at its damage and replacing every
span by its gold gives the gold page. A damage function takes a page and a
seeded :class:`random.Random`, finds places in untouched pieces and splits
them; it never touches a piece another damage made, so kinds can be layered
(several per page, as real pages have them) without their spans overlapping.

Kinds (:data:`KINDS`) and what a tool should do with them (``expect``):

- site chrome lines in the page's language (``boilerplate``: share, comment,
  newsletter and mobile-menu lines; ``teaser``: "Read also: <another headline>";
  ``ad_marker``; ``source_url``; ``update_stamp``), the site's own lines that
  recur on every page of the site (``site_chrome``: menu bar, motto, footer),
  and a header glued from the site's name and a date (``glued_header``): remove;
- inline photo credits "(AFP)" (``photo_credit``) and a caption printed twice
  (``repeated_caption``): remove;
- hard wraps, ragged or fixed, on part of a page or all of it, sometimes right
  after an abbreviation (``hard_wrap``, one instance per inserted line break):
  unwrap;
- a sentence joint without its space "reported.The" (``missing_space``):
  insert the space;
- words the scraper deleted (a link's text), leaving "told . that", "told ..",
  "said. of" (``deleted_text``): flag only, the words are gone;
- mojibake, UTF-8 read as cp1252, cp1251, cp1256 or MacRoman, or MacRoman
  read as cp1252 (``mojibake``): repair; a letter lost as "?" in a legacy code
  page (``lossy_encoding``): flag (or repair);
- a break after an abbreviation or an ordinal (``abbreviation_break``), a
  sentence joint written as a paragraph break (``paragraph_joint``), a
  paragraph starting with the comma of the sentence before it
  (``orphan_fragment``): rejoin;
- a doubled word (``doubled_word``), a stray quote (``stray_quote``): remove;
- a fragment of fewer than four words in another script or language
  (``language_mix``): flag;
- a scraper field glued before the text " date 2024-04-22 " (``metadata``):
  remove (move to metadata).

Everything is deterministic for a given random generator: no set iteration, no
hashing, no clock.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import regex

REPAIR = "repair"
FLAG = "flag"

KINDS: dict[str, tuple[str, str]] = {
    "boilerplate": (REPAIR, "share, comment, newsletter or menu line of the page's CMS"),
    "teaser": (REPAIR, "related-article teaser: 'Read also: <headline>'"),
    "ad_marker": (REPAIR, "advertisement marker line: 'Advertisement', '[إعلان 2]'"),
    "source_url": (REPAIR, "source-URL line: 'Source: https://…'"),
    "update_stamp": (REPAIR, "update stamp line: 'Updated: …', 'Dernière mise à jour …'"),
    "site_chrome": (REPAIR, "the site's own menu, motto or footer line, on every page of the site"),
    "glued_header": (REPAIR, "site name, motto and date glued into one line: 'SiteSite22/04/2024'"),
    "photo_credit": (REPAIR, "inline photo credit: '(Reuters-Archive)', '(AFP)'"),
    "repeated_caption": (REPAIR, "a photo caption printed twice"),
    "hard_wrap": (REPAIR, "a line break inside a paragraph (one per break)"),
    "missing_space": (REPAIR, "no space at a sentence joint: 'reported.The'"),
    "deleted_text": (FLAG, "words the scraper deleted: 'told . that', 'told ..', 'said. of'"),
    "mojibake": (REPAIR, "UTF-8 decoded in a legacy code page: 'â€™', 'вЂ™', 'Zam√≤', 'worldÕs'"),
    "lossy_encoding": (FLAG, "a letter lost as '?' in a legacy code page: 'A?n'"),
    "abbreviation_break": (REPAIR, "paragraph break after an abbreviation or ordinal: 'EE.\\n\\n\\n\\nUU.'"),
    "paragraph_joint": (REPAIR, "a sentence joint written as a paragraph break"),
    "orphan_fragment": (REPAIR, "a paragraph starting with the comma of the sentence before it"),
    "doubled_word": (REPAIR, "a word written twice: 'Colonel Colonel'"),
    "stray_quote": (REPAIR, "a dangling quote mark: 'complicate it “.'"),
    "language_mix": (FLAG, "fewer than four words in another script or language inside a paragraph"),
    "metadata": (REPAIR, "a scraper field glued before the text: ' date 2024-04-22 This…'"),
}

LANGS = ("en", "fr", "de", "es", "ar", "ru", "ro", "et")


# --- the page model


@dataclass(frozen=True)
class Piece:
    """A stretch of the page: untouched text (``kind`` None) or one damage instance."""

    damaged: str
    gold: str
    role: str  # title | byline | date | heading | caption | paragraph | sep | inserted
    block: int  # the block it belongs to, -1 for separators and inserted lines
    kind: str | None = None
    expect: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Label:
    """One damage instance located in the damaged text (``start``/``end``) with its gold."""

    kind: str
    start: int
    end: int
    text: str
    gold: str
    expect: str
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "gold": self.gold,
            "expect": self.expect,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Page:
    """A page being damaged, and what its site and language give the damage to work with."""

    lang: str
    pieces: tuple[Piece, ...]
    site: str = ""
    domain: str = "news.example.org"
    motto: str = ""
    chrome_top: tuple[str, ...] = ()
    chrome_bottom: tuple[str, ...] = ()
    date: dt.date = dt.date(2024, 4, 22)
    teasers: tuple[str, ...] = ()
    joint: str = "\n\n\n\n"

    @property
    def damaged(self) -> str:
        return "".join(p.damaged for p in self.pieces)

    @property
    def gold(self) -> str:
        return "".join(p.gold for p in self.pieces)

    def labels(self) -> list[Label]:
        out: list[Label] = []
        pos = 0
        for p in self.pieces:
            if p.kind is not None:
                out.append(Label(p.kind, pos, pos + len(p.damaged), p.damaged, p.gold, p.expect, p.detail))
            pos += len(p.damaged)
        return out

    def with_pieces(self, pieces: Sequence[Piece]) -> Page:
        return replace(self, pieces=tuple(p for p in pieces if p.damaged or p.gold))


def page_from_blocks(blocks: Sequence[tuple[str, str]], lang: str, *, sep: str = "\n\n") -> Page:
    """A clean page from (role, text) blocks joined by ``sep``."""
    pieces: list[Piece] = []
    for i, (role, text) in enumerate(blocks):
        if i:
            pieces.append(Piece(sep, sep, "sep", -1))
        pieces.append(Piece(text, text, role, i))
    return Page(lang, tuple(pieces))


def page_from_text(text: str, lang: str) -> Page:
    """A clean page from plain text: blocks at blank lines, every block a paragraph."""
    blocks = [b.strip() for b in regex.split(r"\n\s*\n", text) if b.strip()]
    return page_from_blocks([("paragraph", b) for b in blocks], lang)


def _split(page: Page, index: int, start: int, end: int, damaged: str, kind: str, detail: str) -> Page:
    """Replace ``[start, end)`` of untouched piece ``index`` by a damage instance."""
    p = page.pieces[index]
    assert p.kind is None, "damage only ever splits untouched text"
    expect = KINDS[kind][0]
    new = [
        Piece(p.gold[:start], p.gold[:start], p.role, p.block),
        Piece(damaged, p.gold[start:end], p.role, p.block, kind, expect, detail),
        Piece(p.gold[end:], p.gold[end:], p.role, p.block),
    ]
    return page.with_pieces([*page.pieces[:index], *new, *page.pieces[index + 1 :]])


def _insert(page: Page, index: int, damaged: str, kind: str, detail: str, role: str = "inserted") -> Page:
    """Insert a damage instance whose gold is nothing (a line the page should not have)."""
    piece = Piece(damaged, "", role, -1, kind, KINDS[kind][0], detail)
    return page.with_pieces([*page.pieces[:index], piece, *page.pieces[index:]])


def _candidates(
    page: Page, pattern: str | regex.Pattern[str], roles: Sequence[str] = ("paragraph",)
) -> list[tuple[int, regex.Match[str]]]:
    """Matches of ``pattern`` inside untouched pieces of the given roles."""
    compiled = regex.compile(pattern) if isinstance(pattern, str) else pattern
    out: list[tuple[int, regex.Match[str]]] = []
    for i, p in enumerate(page.pieces):
        if p.kind is None and p.role in roles:
            out.extend((i, m) for m in compiled.finditer(p.damaged))
    return out


def _first_in_block(page: Page, index: int) -> bool:
    block = page.pieces[index].block
    return block >= 0 and (index == 0 or page.pieces[index - 1].block != block)


def _last_in_block(page: Page, index: int) -> bool:
    block = page.pieces[index].block
    return block >= 0 and (index + 1 == len(page.pieces) or page.pieces[index + 1].block != block)


def _block_end(page: Page, block: int) -> int:
    """Index just after the last piece of ``block``."""
    last = max(i for i, p in enumerate(page.pieces) if p.block == block)
    return last + 1


def _blocks(page: Page, role: str) -> list[int]:
    out: list[int] = []
    for p in page.pieces:
        if p.role == role and p.block >= 0 and p.block not in out:
            out.append(p.block)
    return out


def _pristine_blocks(page: Page, roles: Sequence[str]) -> list[int]:
    """Piece indices of blocks still in one untouched piece."""
    counts: dict[int, int] = {}
    for p in page.pieces:
        if p.block >= 0:
            counts[p.block] = counts.get(p.block, 0) + 1
    return [
        i
        for i, p in enumerate(page.pieces)
        if p.block >= 0 and p.kind is None and p.role in roles and counts[p.block] == 1
    ]


# --- language data: what real pages print, written for this module

CASED = {"en", "fr", "de", "es", "ru", "ro", "et"}

# Words before a full stop that do not end a sentence (compared in lower case).
_NOT_SENTENCE_END = (
    "u.s u.k u.n dr mr mrs ms prof gen col lt cdr sgt capt st e.g i.e a.m p.m no vs m mme apr av "
    "j.-c ex sr sra dra ee uu ej z b u a d h ca bzw vgl nr г гг т е ул им пр св в hr î.hr d.hr str "
    "sf nt jne jt د "
)
NOT_SENTENCE_END = frozenset(_NOT_SENTENCE_END.split())

# Abbreviations and ordinals whose following space a page may turn into a
# paragraph break. Each pattern ends at the space (a lookahead checks what follows).
ABBREVIATION_BREAKS: dict[str, str] = {
    "en": r"(?:\bU\.S\.|\bU\.K\.|\bU\.N\.)(?= [\p{Ll}\p{Lu}\d])"
    r"|\b(?:Dr|Mr|Mrs|Ms|Prof|Gen|Col|Lt|Cdr|Sgt|Capt|St)\.(?= \p{Lu})"
    r"|\b(?:e\.g|i\.e|[ap]\.m)\.(?= [\p{Ll}\d])",
    "fr": r"\bM\.(?= \p{Lu})|\b(?:apr|av)\.(?= J\.-C\.)|\bJ\.-C\.(?= \p{Ll})"
    r"|\bp\.(?= ex\.)|\bex\.(?= \p{Ll})",
    "es": r"\bEE\.(?= UU\.)|\bUU\.(?= [\p{Ll}\d])|\b(?:Sr|Sra|Dr|Dra)\.(?= \p{Lu})|\bp\.(?= ej\.)"
    r"|\bej\.(?= \p{Ll})",
    "de": r"\bz\.(?= B\.)|\b(?:B|a|h)\.(?= \p{Ll})|\b(?:Dr|St|Prof)\.(?= \p{Lu})"
    r"|\b(?:ca|bzw|vgl|Nr)\.(?= [\p{L}\d])"
    r"|(?<![\d.])\b\d{1,2}\.(?= (?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober"
    r"|November|Dezember|Jahrhundert|Weltkrieg|Jahrhunderts)\b)",
    "ru": r"(?<=\d )гг?\.(?= \p{Ll})|\bт\.(?= е\.)|\bе\.(?= \p{Ll})|\b(?:ул|им|пр|св)\.(?= \p{Lu})"
    r"|\b\p{Lu}\.(?= \p{Lu})",
    "ro": r"\b[îd]\.Hr\.(?= \p{Ll})|\b\p{Lu}\.(?= \p{Lu}\p{Ll})|\b(?:dr|nr|prof|str|Sf)\.(?= [\p{L}\d])",
    "et": r"(?<![\d.])\b\d{1,4}\.(?= \p{Ll})",
    "ar": r"(?<!\p{L})د\.(?= \p{Arabic})",
}

QUOTES: dict[str, tuple[str, ...]] = {
    "en": ("“", "”", '"'),
    "fr": ("«", "»", "“"),
    "es": ("«", "“", "”"),
    "de": ("„", "“", '"'),
    "ar": ("“", "»", '"'),
    "ru": ("«", "»", "„"),
    "ro": ("„", "”", '"'),
    "et": ("„", "“", '"'),
}
CLOSING = '”»“"'

BOILERPLATE: dict[str, tuple[str, ...]] = {
    "en": (
        "Exit mobile version",
        "MORE LESS",
        "Comment (0)",
        "Leave a comment",
        "Share this article",
        "Share on Facebook",
        "Share on X",
        "Sign up for our newsletter",
        "Please enter your comment!",
        "Please enter your name here",
        "Click here to subscribe",
        "Print this page",
        "Tweet",
        "You may also like",
        "Join our WhatsApp channel",
    ),
    "fr": (
        "Laisser un commentaire",
        "Partager sur Facebook",
        "Partager cet article",
        "Commentaires (0)",
        "Inscrivez-vous à notre newsletter",
        "Vous aimerez aussi",
        "Abonnez-vous",
        "Imprimer",
        "Envoyer par e-mail",
        "Réagir à cet article",
        "Suivez-nous sur X",
    ),
    "de": (
        "Kommentar schreiben",
        "Artikel teilen",
        "Jetzt teilen",
        "Kommentare (0)",
        "Newsletter abonnieren",
        "Mehr zum Thema",
        "Drucken",
        "Weiterlesen",
        "Artikel merken",
        "Folgen Sie uns auf Facebook",
    ),
    "es": (
        "Deja un comentario",
        "Compartir en Facebook",
        "Compartir",
        "Comentarios (0)",
        "Suscríbete a nuestro boletín",
        "Te puede interesar",
        "Imprimir",
        "Enviar por correo",
        "Síguenos en X",
        "Más noticias",
    ),
    "ar": (
        "اترك تعليقاً",
        "شاركها",
        "شارك على فيسبوك",
        "اشترك في النشرة البريدية",
        "تعليقات (0)",
        "طباعة",
        "أضف تعليقاً",
        "تابعونا على تلغرام",
        "شارك الخبر",
    ),
    "ru": (
        "Оставить комментарий",
        "Поделиться",
        "Комментарии (0)",
        "Подпишитесь на нашу рассылку",
        "Версия для печати",
        "Нашли ошибку? Выделите её и нажмите Ctrl+Enter",
        "Подписывайтесь на наш Telegram",
    ),
    "ro": (
        "Lasă un comentariu",
        "Distribuie",
        "Comentarii (0)",
        "Abonează-te la newsletter",
        "Printează",
        "Urmărește-ne pe Facebook",
        "Trimite pe e-mail",
    ),
    "et": (
        "Jaga",
        "Lisa kommentaar",
        "Kommentaarid (0)",
        "Telli uudiskiri",
        "Prindi",
        "Jälgi meid Facebookis",
        "Saada e-postiga",
    ),
}

TEASER_PREFIX: dict[str, tuple[str, ...]] = {
    "en": ("Read also: ", "Related: ", "READ MORE: "),
    "fr": ("Lire aussi : ", "À lire aussi : ", "LIRE AUSSI - "),
    "de": ("Lesen Sie auch: ", "Auch interessant: ", "Mehr dazu: "),
    "es": ("Lee también: ", "Te puede interesar: ", "LEA TAMBIÉN: "),
    "ar": ("اقرأ أيضاً: ", "اقرأ أيضا: ", "ذات صلة: "),
    "ru": ("Читайте также: ", "По теме: ", "Читайте также "),
    "ro": ("Citește și: ", "Citește și ", "Vezi și: "),
    "et": ("Loe ka: ", "Loe lisaks: ", "Vaata ka: "),
}

AD_MARKERS: dict[str, tuple[str, ...]] = {
    "en": ("Advertisement", "ADVERTISEMENT", "[Ad 1]", "Sponsored content"),
    "fr": ("Publicité", "PUBLICITÉ", "[Publicité]"),
    "de": ("Anzeige", "ANZEIGE", "Werbung"),
    "es": ("Publicidad", "PUBLICIDAD", "[Anuncio]"),
    "ar": ("[إعلان 2]", "[إعلان 1]", "إعلان", "محتوى ممول"),
    "ru": ("Реклама", "РЕКЛАМА", "[Реклама]"),
    "ro": ("Publicitate", "PUBLICITATE", "[Reclamă]"),
    "et": ("Reklaam", "REKLAAM", "[Reklaam]"),
}

SOURCE_PREFIX: dict[str, tuple[str, ...]] = {
    "en": ("Source: ", "Source link: ", ""),
    "fr": ("Source : ", "Lien source : ", ""),
    "de": ("Quelle: ", "Quelle: ", ""),
    "es": ("Fuente: ", "Enlace: ", ""),
    "ar": ("المصدر: ", "رابط المصدر: ", ""),
    "ru": ("Источник: ", "Ссылка на источник: ", ""),
    "ro": ("Sursa: ", "Sursa articolului: ", ""),
    "et": ("Allikas: ", "Allikas: ", ""),
}

MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    "ar": (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ),
}

UPDATE_STAMPS: dict[str, tuple[str, ...]] = {
    "en": (
        "Updated: {Month} {d}, {Y}, {h}:{MM} {ampm}",
        "Last updated on {d} {Month} {Y}",
        "Updated {dd}/{mm}/{Y} {HH}:{MM} GMT",
    ),
    "fr": ("Dernière mise à jour : {dd}/{mm}/{Y} à {HH}:{MM}", "Mis à jour le {d} {month} {Y} à {HH}h{MM}"),
    "de": ("Aktualisiert am {dd}.{mm}.{Y}, {HH}:{MM} Uhr", "Zuletzt aktualisiert: {dd}.{mm}.{Y}"),
    "es": ("Actualizado: {dd}/{mm}/{Y} {HH}:{MM}", "Última actualización: {d} de {month} de {Y}"),
    "ar": ("آخر تحديث: {d} {month} {Y} - {HH}:{MM}", "تم التحديث: {dd}/{mm}/{Y}"),
    "ru": ("Обновлено: {dd}.{mm}.{Y} {HH}:{MM}", "Последнее обновление: {dd}.{mm}.{Y}"),
    "ro": ("Actualizat: {dd}.{mm}.{Y}, {HH}:{MM}", "Ultima actualizare: {dd}.{mm}.{Y}"),
    "et": ("Uuendatud: {dd}.{mm}.{Y} {HH}:{MM}", "Viimati uuendatud {dd}.{mm}.{Y}"),
}

CREDITS: dict[str, tuple[str, ...]] = {
    "en": ("(Reuters-Archive)", "(AFP)", "(AP Photo)", "(Photo: Reuters)", "(Getty Images)"),
    "fr": ("(AFP)", "(Photo AFP)", "(AFP/Archives)", "(Photo : Reuters)"),
    "de": ("(Foto: dpa)", "(Archivbild: Reuters)", "(Bild: AFP)", "(dpa)"),
    "es": ("(EFE)", "(Foto: EFE)", "(Europa Press)", "(Foto de archivo: Reuters)"),
    "ar": ("(رويترز - أرشيف)", "(أ ف ب)", "(الأناضول)", "(صورة أرشيفية)"),
    "ru": ("(Фото: ТАСС)", "(РИА Новости)", "(Фото: Reuters)", "(фото из архива)"),
    "ro": ("(Foto: Agerpres)", "(Foto: arhivă)", "(Sursa foto: Reuters)"),
    "et": ("(Foto: Scanpix)", "(Foto: arhiiv)", "(Foto: Reuters)"),
}

# (fragment, its language, "script" when its script differs from the page's)
FOREIGN: dict[str, tuple[tuple[str, str, str], ...]] = {
    "en": (
        ("وفقا للمصادر", "ar", "script"),
        ("في وقت سابق", "ar", "script"),
        ("по словам источников", "ru", "script"),
        ("selon des sources", "fr", "language"),
        ("según la agencia", "es", "language"),
    ),
    "fr": (
        ("according to officials", "en", "language"),
        ("وفقا للمصادر", "ar", "script"),
        ("last week", "en", "language"),
        ("по данным", "ru", "script"),
    ),
    "es": (
        ("according to officials", "en", "language"),
        ("selon le ministère", "fr", "language"),
        ("في وقت لاحق", "ar", "script"),
    ),
    "de": (
        ("according to officials", "en", "language"),
        ("selon le ministère", "fr", "language"),
        ("по данным", "ru", "script"),
    ),
    "ar": (
        ("according to officials", "en", "script"),
        ("selon le ministère", "fr", "script"),
        ("on Monday", "en", "script"),
    ),
    "ru": (
        ("according to officials", "en", "script"),
        ("وفقا للمصادر", "ar", "script"),
        ("last week", "en", "script"),
    ),
    "ro": (
        ("according to officials", "en", "language"),
        ("по данным", "ru", "script"),
        ("selon le ministère", "fr", "language"),
    ),
    "et": (
        ("according to officials", "en", "language"),
        ("по данным", "ru", "script"),
        ("laut Angaben", "de", "language"),
    ),
}

MOJIBAKE: dict[str, tuple[str, ...]] = {
    "en": ("cp1252", "cp1252", "macroman", "macroman-as-cp1252", "cp1251"),
    "fr": ("cp1252", "cp1252", "macroman", "macroman-as-cp1252"),
    "es": ("cp1252", "cp1252", "macroman", "macroman-as-cp1252"),
    "de": ("cp1252", "cp1252", "macroman", "macroman-as-cp1252"),
    "ro": ("cp1252", "macroman"),
    "et": ("cp1252", "macroman", "macroman-as-cp1252"),
    "ru": ("cp1251", "cp1251", "cp1252"),
    "ar": ("cp1256", "cp1252"),
}

_LETTER = r"[\p{L}\p{M}]"


def _is_abbreviation(word: str) -> bool:
    if word.isdigit():
        return False
    w = word.lower().rstrip(".")
    return (
        w in NOT_SENTENCE_END
        or len(regex.sub(r"\P{L}", "", w)) <= 2
        or regex.fullmatch(r"[ivxlcdm]+", w) is not None
    )


def _sentence_joints(lang: str) -> str:
    """Pattern of the space between two sentences (the space itself is the match)."""
    if lang in ("de", "et"):  # "am 17. Juni", "1956. aastal": a number and a full stop is an ordinal
        return r"(?<=(\p{L}{3,})[.!?][”»\"]?) (?=[«“„\"]?\p{Lu})"
    if lang in CASED:
        return r"(?<=(\p{L}{3,}|\d{4})[.!?][”»\"]?) (?=[«“„\"]?\p{Lu})"
    return r"(?<=(\p{Arabic}{2,})[.!?][”»\"]?) (?=[«“\"]?\p{Arabic})"


def _joints(page: Page) -> list[tuple[int, regex.Match[str]]]:
    return [
        (i, m) for i, m in _candidates(page, _sentence_joints(page.lang)) if not _is_abbreviation(m.group(1))
    ]


# --- damage functions: (page, rng) -> page with one kind of damage added


def missing_space(page: Page, rng: random.Random) -> Page:
    """'reported.The US military': one to three sentence joints lose their space."""
    for _ in range(rng.randint(1, 3)):
        found = _joints(page)
        if not found:
            break
        i, m = rng.choice(found)
        text = page.pieces[i].damaged
        # The span covers the full stop (and closing quote) and the next letter, so it is never empty.
        start = m.start() - 1 - (1 if text[m.start() - 1] in CLOSING else 0)
        end = m.end() + 1
        page = _split(page, i, start, end, text[start : m.start()] + text[m.end() : end], "missing_space", "")
    return page


def deleted_text(page: Page, rng: random.Random) -> Page:
    """A link's words cut out: 'told . that', 'told ..', 'sources said. of security.' (flag only)."""
    word = r"\p{L}[\p{L}\p{M}’'-]*"
    patterns = {
        "dot-in-place": rf"(?<=\p{{L}} )((?:{word} ){{0,2}}{word})(?= \p{{L}})",
        "double-stop": rf"(?<=\p{{L}} )((?:{word} ){{0,1}}{word})(?=\.(?:\s|$))",
        "glued-stop": rf"(?<=\p{{L}})( (?:{word} ){{0,1}}{word})(?= \p{{L}})",
    }
    for _ in range(rng.randint(1, 2)):
        style = rng.choice(sorted(patterns))
        found = _candidates(page, patterns[style])
        # Prefer names (a link's text); any words otherwise.
        names = [(i, m) for i, m in found if m.group(1).strip()[0].isupper()]
        pool = names if names and rng.random() < 0.7 else found
        pool = [(i, m) for i, m in pool if m.start(1) > 12]
        if not pool:
            continue
        i, m = rng.choice(pool)
        page = _split(page, i, m.start(1), m.end(1), ".", "deleted_text", style)
    return page


def doubled_word(page: Page, rng: random.Random) -> Page:
    """'Army Colonel Colonel spokesman': a content word written twice."""
    minimum = 3 if page.lang == "ar" else 4
    for _ in range(rng.randint(1, 2)):
        found = [
            (i, m) for i, m in _candidates(page, rf"(?<=\s)(\p{{L}}{{{minimum},}})(?=[\s,])") if m.start() > 0
        ]
        if not found:
            break
        i, m = rng.choice(found)
        page = _split(page, i, m.end(), m.end(), " " + m.group(1), "doubled_word", m.group(1))
    return page


def stray_quote(page: Page, rng: random.Random) -> Page:
    """A dangling quote: 'complicate it “.' inside a paragraph, or 'escalation.” “.' after a quotation."""
    q = rng.choice(QUOTES[page.lang])
    closed = [(i, m) for i, m in _candidates(page, r"(?<=[.!?][”»\"])$") if _last_in_block(page, i)]
    plain = [
        (i, m)
        for i, m in _candidates(page, r"(?<=(\p{L}{3,}))(?=\.(?: |$))")
        if not _is_abbreviation(m.group(1))
    ]
    if closed and rng.random() < 0.5:
        i, m = rng.choice(closed)
        return _split(page, i, m.start(), m.end(), f" {q}.", "stray_quote", "after quotation")
    if plain:
        i, m = rng.choice(plain)
        return _split(page, i, m.start(), m.end(), f" {q}", "stray_quote", "before stop")
    return page


def language_mix(page: Page, rng: random.Random) -> Page:
    """A fragment of fewer than four words left in another script or language (flag only)."""
    fragment, lang, how = rng.choice(FOREIGN[page.lang])
    found = [
        (i, m)
        for i, m in _candidates(page, r"(?<=(\p{L}+))(?=[,،] |\.(?: |$))")
        if not _is_abbreviation(m.group(1))
    ]
    if not found:
        return page
    i, m = rng.choice(found)
    return _split(page, i, m.start(), m.end(), f" {fragment}", "language_mix", f"{lang} {how}")


def photo_credit(page: Page, rng: random.Random) -> Page:
    """An inline photo credit where the picture was: '(AFP) The ministry…', '…on Monday (AFP)'."""
    credit = rng.choice(CREDITS[page.lang])
    where = rng.choice(("start", "end", "between"))
    if where == "start":
        found = [(i, m) for i, m in _candidates(page, r"^(?=\p{L})") if _first_in_block(page, i)]
        text = f"{credit} "
    elif where == "end":
        found = [(i, m) for i, m in _candidates(page, r"(?<=[.!?])$") if _last_in_block(page, i)]
        text = f" {credit}"
    else:
        found = _joints(page)
        text = f" {credit}"
        if found:
            i, m = rng.choice(found)
            return _split(page, i, m.start(), m.start(), text, "photo_credit", where)
    if not found:
        return page
    i, m = rng.choice(found)
    return _split(page, i, m.start(), m.end(), text, "photo_credit", where)


def orphan_fragment(page: Page, rng: random.Random) -> Page:
    """'Air Force base.' then a paragraph ', injuring two…': a clause split off at its comma."""
    comma = "،" if page.lang == "ar" else ","
    pattern = rf"(?<=(?:^|[.!?] )(?:\S+ ){{3,}}\S*\p{{L}}){comma}(?= (?:\S+ ){{2,}}\S*[^\s.!?]*)"
    found = _candidates(page, pattern)
    if not found:
        return page
    i, m = rng.choice(found)
    style = rng.choice((".\n\n", ".\n\n\n\n", "\n\n"))
    return _split(
        page, i, m.start(), m.end(), f"{style}{comma}", "orphan_fragment", style.replace("\n", "\\n")
    )


def abbreviation_break(page: Page, rng: random.Random) -> Page:
    """The space after an abbreviation breaks: 'U.S.\\n\\n\\n\\ndiplomats', 'z. B.\\n\\nhöhere'."""
    pattern = regex.compile(rf"(?:{ABBREVIATION_BREAKS[page.lang]}) ")
    found = _candidates(page, pattern)
    if not found:
        return page
    rate = rng.choice((0.6, 0.8, 1.0))
    chosen = [x for x in found if rng.random() < rate] or [rng.choice(found)]
    brk = page.joint if rng.random() < 0.6 else "\n\n"
    # Right to left inside each piece, so earlier offsets stay valid.
    for i, m in sorted(chosen, key=lambda x: (x[0], x[1].start()), reverse=True):
        page = _split(page, i, m.end() - 1, m.end(), brk, "abbreviation_break", m.group().strip())
    return page


def paragraph_joint(page: Page, rng: random.Random) -> Page:
    """Sentences of one paragraph separated like paragraphs (seed 002: four newlines)."""
    for _ in range(rng.randint(1, 3)):
        found = _joints(page)
        if not found:
            break
        i, m = rng.choice(found)
        page = _split(page, i, m.start(), m.end(), page.joint, "paragraph_joint", "")
    return page


def hard_wrap(page: Page, rng: random.Random) -> Page:
    """Lines wrapped at a fixed or ragged width, on some paragraphs or all, at times after an abbreviation."""
    blocks = _blocks(page, "paragraph")
    if not blocks:
        return page
    style = rng.choice(("fixed", "ragged", "partial"))
    if style == "partial":
        blocks = sorted(rng.sample(blocks, max(1, len(blocks) // 2)))
    width = rng.randint(58, 80)
    trailing = rng.random() < 0.2
    abbreviation = regex.compile(rf"(?:{ABBREVIATION_BREAKS[page.lang]}) ")
    for block in reversed(blocks):
        indices = [i for i, p in enumerate(page.pieces) if p.block == block]
        text = "".join(page.pieces[i].damaged for i in indices)
        where: dict[int, tuple[int, int]] = {}  # position in text -> (piece index, offset)
        pos = 0
        for i in indices:
            p = page.pieces[i]
            if p.kind is None:
                for k, ch in enumerate(p.damaged):
                    if ch == " ":
                        where[pos + k] = (i, k)
            pos += len(p.damaged)
        after_abbreviation = {m.end() - 1 for m in abbreviation.finditer(text)}
        breaks: list[tuple[int, str]] = []
        line_start, last, limit = 0, -1, width
        for pos, ch in enumerate(text):
            if ch == "\n":
                line_start, last = pos + 1, -1
                continue
            if pos not in where:
                continue
            if pos in after_abbreviation and pos - line_start >= 0.6 * limit and rng.random() < 0.7:
                breaks.append((pos, "abbreviation"))
                line_start, last = pos + 1, -1
            elif pos - line_start > limit and last >= 0:
                breaks.append((last, style))
                line_start, last = last + 1, pos
            else:
                last = pos
                continue
            if style == "ragged":
                limit = rng.randint(40, 88)
        if len(text) - line_start > limit and last >= 0 and (not breaks or breaks[-1][0] != last):
            breaks.append((last, style))
        for pos, detail in sorted(breaks, reverse=True):
            i, k = where[pos]
            page = _split(page, i, k, k + 1, " \n" if trailing else "\n", "hard_wrap", detail)
    return page


def _sloppy_decode(data: bytes, codec: str) -> str:
    """Decode byte by byte as a browser does: a byte the code page leaves undefined becomes U+0080-U+009F."""
    out = []
    for b in data:
        try:
            out.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def garble(text: str, how: str) -> str | None:
    """``text`` as a page in the wrong encoding shows it; None when ``how`` cannot apply."""
    if how == "macroman-as-cp1252":
        try:
            return _sloppy_decode(text.encode("mac_roman"), "cp1252")
        except UnicodeEncodeError:
            return None
    codec = {"cp1252": "cp1252", "cp1251": "cp1251", "cp1256": "cp1256", "macroman": "mac_roman"}[how]
    return _sloppy_decode(text.encode("utf-8"), codec)


def mojibake(page: Page, rng: random.Random) -> Page:
    """One or two blocks (headline, byline or paragraph) decoded in the wrong code page."""
    how = rng.choice(MOJIBAKE[page.lang])
    for _ in range(rng.randint(1, 2)):
        options = [
            i
            for i in _pristine_blocks(page, ("paragraph", "title", "byline", "caption"))
            if regex.search(r"[^\x00-\x7f]", page.pieces[i].damaged)
        ]
        if not options:
            break
        i = rng.choice(options)
        gold = page.pieces[i].gold
        bad = garble(gold, how)
        if bad is None or bad == gold:
            continue
        head = 0
        while head < min(len(gold), len(bad)) and gold[head] == bad[head]:
            head += 1
        tail = 0
        while tail < min(len(gold), len(bad)) - head and gold[-1 - tail] == bad[-1 - tail]:
            tail += 1
        page = _split(page, i, head, len(gold) - tail, bad[head : len(bad) - tail], "mojibake", how)
    return page


def lossy_encoding(page: Page, rng: random.Random) -> Page:
    """A word saved in a code page that lacks its letters: 'A?n', 'it?s', '?????' (flag, or repair)."""
    codec = "cp1252" if page.lang in ("ar", "ru") else "latin-1"
    found = [
        (i, m)
        for i, m in _candidates(page, rf"{_LETTER}+(?:[’']{_LETTER}+)?", ("paragraph", "byline", "caption"))
        if m.group().encode(codec, errors="replace") != m.group().encode(codec, errors="ignore")
    ]
    if not found:
        return page
    i, m = rng.choice(found)
    lost = m.group().encode(codec, errors="replace").decode(codec)
    return _split(page, i, m.start(), m.end(), lost, "lossy_encoding", codec)


def _format_date(template: str, lang: str, day: dt.date, rng: random.Random) -> str:
    hour, minute = rng.randint(6, 22), rng.choice((5, 12, 20, 34, 41, 50, 58))
    months = MONTHS.get(lang, MONTHS["en"])
    return template.format(
        d=day.day,
        dd=f"{day.day:02d}",
        mm=f"{day.month:02d}",
        Y=day.year,
        Month=months[day.month - 1],
        month=months[day.month - 1],
        h=(hour - 1) % 12 + 1,
        HH=f"{hour:02d}",
        MM=f"{minute:02d}",
        ampm="PM" if hour >= 12 else "AM",
    )


def _line_after_block(page: Page, block: int, line: str, kind: str, detail: str) -> Page:
    """A line between ``block`` and the next one (or at the end of the page)."""
    sep = _block_end(page, block)
    while sep < len(page.pieces) and page.pieces[sep].role != "sep":
        sep += 1
    if sep >= len(page.pieces):
        return _line_at_bottom(page, line, kind, detail)
    # After the separator that follows the block: 'line' + a separator of its own.
    return _insert(page, sep + 1, line + page.pieces[sep].damaged, kind, detail)


def _line_at_top(page: Page, line: str, kind: str, detail: str, newline: str = "\n") -> Page:
    return _insert(page, 0, line + newline, kind, detail)


def _line_at_bottom(page: Page, line: str, kind: str, detail: str, newline: str = "\n\n") -> Page:
    return _insert(page, len(page.pieces), newline + line, kind, detail)


def _body_blocks(page: Page) -> list[int]:
    return _blocks(page, "paragraph")


def boilerplate(page: Page, rng: random.Random) -> Page:
    """One to three CMS lines: at the top (menu), between paragraphs, or at the bottom (share and comment)."""
    lines = rng.sample(BOILERPLATE[page.lang], rng.randint(1, 3))
    for line in lines:
        where = rng.choice(("top", "bottom", "bottom", "between"))
        body = _body_blocks(page)
        if where == "top":
            page = _line_at_top(page, line, "boilerplate", where)
        elif where == "between" and len(body) > 1:
            page = _line_after_block(page, rng.choice(body[:-1]), line, "boilerplate", where)
        else:
            page = _line_at_bottom(page, line, "boilerplate", "bottom", rng.choice(("\n", "\n\n")))
    return page


def teaser(page: Page, rng: random.Random) -> Page:
    """'Read also: <the headline of another page of the site>' between two paragraphs."""
    body = _body_blocks(page)
    if len(body) < 2 or not page.teasers:
        return page
    line = rng.choice(TEASER_PREFIX[page.lang]) + rng.choice(page.teasers)
    return _line_after_block(page, rng.choice(body[:-1]), line, "teaser", "")


def ad_marker(page: Page, rng: random.Random) -> Page:
    """An advertisement marker line where the ad slot was."""
    body = _body_blocks(page)
    if len(body) < 2:
        return page
    for _ in range(rng.randint(1, 2)):
        body = _body_blocks(page)
        page = _line_after_block(
            page, rng.choice(body[:-1]), rng.choice(AD_MARKERS[page.lang]), "ad_marker", ""
        )
    return page


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    words = regex.findall(r"[a-z0-9]+", ascii_title)
    return "-".join(words[:8]) if len(words) >= 3 else f"article-{abs(sum(map(ord, title))) % 90000 + 10000}"


def source_url(page: Page, rng: random.Random) -> Page:
    """'Source: https://site/section/2024/04/22/slug' at the bottom of the page."""
    title = next((p.gold for p in page.pieces if p.role == "title"), page.site)
    section = rng.choice(("news", "world", "local", "politics", "society", "culture"))
    url = f"https://{page.domain}/{section}/{page.date:%Y/%m/%d}/{_slug(title)}"
    if rng.random() < 0.3:
        url += f"?utm_source=feed&id={rng.randint(10000, 99999)}"
    return _line_at_bottom(page, rng.choice(SOURCE_PREFIX[page.lang]) + url, "source_url", "", "\n\n")


def update_stamp(page: Page, rng: random.Random) -> Page:
    """'Updated: April 22, 2024, 4:50 PM' under the byline or at the bottom."""
    line = _format_date(rng.choice(UPDATE_STAMPS[page.lang]), page.lang, page.date, rng)
    anchors = _blocks(page, "date") or _blocks(page, "byline")
    if anchors and rng.random() < 0.7:
        return _line_after_block(page, anchors[0], line, "update_stamp", "under byline")
    return _line_at_bottom(page, line, "update_stamp", "bottom")


def site_chrome(page: Page, rng: random.Random) -> Page:
    """The site's menu, motto and footer lines: the same on every page of the site."""
    for line in reversed(page.chrome_top):
        page = _line_at_top(page, line, "site_chrome", "top")
    for line in page.chrome_bottom:
        page = _line_at_bottom(page, line, "site_chrome", "bottom", "\n")
    return page


def glued_header(page: Page, rng: random.Random) -> Page:
    """'SiteNameSiteName22/04/2024': the site's name, motto and date run together on the first line."""
    d = page.date
    date = rng.choice((f"{d:%d/%m/%Y}", f"{d:%d.%m.%Y}", f"{d:%Y-%m-%d}"))
    name = page.site or "News"
    second = page.motto if page.motto and rng.random() < 0.5 else name
    return _line_at_top(page, f"{name}{second}{date}", "glued_header", "", rng.choice(("\n", "\n\n")))


def metadata(page: Page, rng: random.Random) -> Page:
    """' date 2024-04-22 This is…': a scraper's field glued in front of the text."""
    field_ = rng.choice((" date {:%Y-%m-%d} ", "date {:%Y-%m-%d} ", " date {:%Y/%m/%d} "))
    # In front of everything the scraper extracted, chrome included (seeds 000 and 002).
    return _insert(page, 0, field_.format(page.date), "metadata", field_.strip().split()[0])


def repeated_caption(page: Page, rng: random.Random) -> Page:
    """A photo caption printed twice (the image's alt text and its caption)."""
    captions = _blocks(page, "caption")
    if not captions:
        return page
    block = rng.choice(captions)
    end = _block_end(page, block)
    text = "".join(p.damaged for p in page.pieces if p.block == block)
    newline = rng.choice(("\n", "\n\n"))
    return _insert(page, end, newline + text, "repeated_caption", newline.replace("\n", "\\n"))


DAMAGE: dict[str, Callable[[Page, random.Random], Page]] = {
    "mojibake": mojibake,
    "lossy_encoding": lossy_encoding,
    "paragraph_joint": paragraph_joint,
    "missing_space": missing_space,
    "abbreviation_break": abbreviation_break,
    "orphan_fragment": orphan_fragment,
    "deleted_text": deleted_text,
    "language_mix": language_mix,
    "doubled_word": doubled_word,
    "stray_quote": stray_quote,
    "photo_credit": photo_credit,
    "hard_wrap": hard_wrap,
    "repeated_caption": repeated_caption,
    "teaser": teaser,
    "ad_marker": ad_marker,
    "update_stamp": update_stamp,
    "boilerplate": boilerplate,
    "source_url": source_url,
    "site_chrome": site_chrome,
    "glued_header": glued_header,
    "metadata": metadata,
}
# The order damage is layered in: encodings on untouched blocks first, then the
# breaks at sentence joints and abbreviations (they need a sentence's context,
# which later splits would hide), then words, then wraps, then whole lines, and
# the glued field last (it must stay in front of the article).
ORDER: tuple[str, ...] = tuple(DAMAGE)
assert set(ORDER) == set(KINDS)


def apply(page: Page, kinds: Sequence[str], rng: random.Random) -> Page:
    """Layer ``kinds`` on ``page`` in :data:`ORDER`."""
    for kind in ORDER:
        if kind in kinds:
            page = DAMAGE[kind](page, rng)
    return page


def damage_text(kind: str, text: str, rng: random.Random, lang: str = "en") -> tuple[str, list[Label]]:
    """One kind of damage on plain ``text`` (paragraphs at blank lines): damaged text and its labels."""
    page = DAMAGE[kind](page_from_text(text, lang), rng)
    return page.damaged, page.labels()
