"""Build the real-world damage corpus: ``benchmarks/realworld/corpus.jsonl`` and its README.

Why: the other benchmarks inject one kind of damage at a time into English text.
Real scraped pages carry several kinds at once, in their own language, and the
same site prints the same chrome on every page. This corpus gives the rules
that: pages in eight languages grouped into nine sites, most of them damaged in
several ways at once (:mod:`benchmarks.realworld_damage`), about three in ten
left clean to count false edits, and a gold text and a label per damage
instance for every page.

Deterministic: the same seed and the same source files give the same bytes (the
test rebuilds it and compares). The clean text comes only from files in the
repository (:mod:`benchmarks.realworld_sources`), so rebuilding needs no data
outside it; ``--extract-mlqe DATA`` refreshes the MLQE-PE selection first.

    .venv/bin/python benchmarks/make_realworld.py            # rebuild benchmarks/realworld/
    .venv/bin/python benchmarks/make_realworld.py --out /tmp/rw --seed 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import realworld_damage as damage
from benchmarks import realworld_sources as sources

HERE = Path(__file__).resolve().parent
OUT = HERE / "realworld"
SEED = 16
CLEAN_SHARE = 0.3  # at least one page in four must be clean; a little more is safer
PER_KIND = 3  # damaged pages of a language that get each kind


@dataclass(frozen=True)
class Site:
    """A news site: its pages share a language, a name, a domain and chrome lines."""

    slug: str
    lang: str
    name: str
    motto: str
    domain: str
    chrome_top: tuple[str, ...]
    chrome_bottom: tuple[str, ...]
    articles: tuple[str, ...]  # article keys (sources.Article.key), in page order


# Invented sites (names and domains are made up for this corpus).
SITES: tuple[Site, ...] = (
    Site(
        "gulf-courier",
        "en",
        "The Gulf Courier",
        "News you can trust",
        "www.gulfcourier.example",
        ("Home | World | Business | Sport | Opinion | Video",),
        ("© 2024 The Gulf Courier. All rights reserved.", "About us | Contact | Privacy policy"),
        ("en-01", "en-02", "en-03", "en-04", "en-05", "en-mlqe-01", "en-mlqe-02", "en-mlqe-03"),
    ),
    Site(
        "daily-ledger",
        "en",
        "Daily Ledger",
        "Independent since 1987",
        "dailyledger.example",
        ("Daily Ledger — Independent since 1987", "NEWS SPORT CULTURE WEATHER"),
        ("Copyright 2024 Daily Ledger Media Ltd",),
        ("en-mlqe-04", "en-mlqe-05", "en-mlqe-06", "en-mlqe-07", "en-mlqe-08", "en-mlqe-09"),
    ),
    Site(
        "courrier-du-levant",
        "fr",
        "Le Courrier du Levant",
        "L’information sans frontières",
        "www.courrierdulevant.example",
        ("Accueil | Monde | Politique | Économie | Sport | Culture",),
        ("© Le Courrier du Levant 2024 - Tous droits réservés", "Mentions légales | Contact | Publicité"),
        tuple(f"fr-{i:02d}" for i in range(1, 11)),
    ),
    Site(
        "el-meridiano",
        "es",
        "El Meridiano",
        "Diario independiente",
        "www.elmeridiano.example",
        ("Portada · Nacional · Internacional · Economía · Deportes",),
        ("© 2024 El Meridiano. Todos los derechos reservados.", "Aviso legal | Política de cookies"),
        tuple(f"es-{i:02d}" for i in range(1, 11)),
    ),
    Site(
        "al-rafidain",
        "ar",
        "الرافدين نيوز",
        "صوت الحقيقة",
        "alrafidain.example",
        ("الرئيسية | محليات | عربي ودولي | اقتصاد | رياضة",),
        ("جميع الحقوق محفوظة © الرافدين نيوز 2024", "من نحن | اتصل بنا | سياسة الخصوصية"),
        tuple(f"ar-{i:02d}" for i in range(1, 11)),
    ),
    Site(
        "rheinbote",
        "de",
        "Rheinbote",
        "Nachrichten aus der Region",
        "www.rheinbote.example",
        ("Startseite | Politik | Wirtschaft | Sport | Kultur",),
        ("© Rheinbote Verlag 2024", "Impressum | Datenschutz | Kontakt"),
        tuple(f"de-mlqe-{i:02d}" for i in range(1, 11)),
    ),
    Site(
        "vecherny-vestnik",
        "ru",
        "Вечерний вестник",
        "Новости города и мира",
        "vestnik.example",
        ("Главная | Политика | Экономика | Общество | Спорт",),
        ("© 2024 Вечерний вестник. Все права защищены.", "При перепечатке ссылка на сайт обязательна."),
        ("ru-01", "ru-02", "ru-03", "ru-04", *(f"ru-mlqe-{i:02d}" for i in range(1, 11))),
    ),
    Site(
        "gazeta-de-vest",
        "ro",
        "Gazeta de Vest",
        "Știri locale și internaționale",
        "www.gazetadevest.example",
        ("Acasă | Actualitate | Politică | Economie | Sport",),
        (
            "© 2024 Gazeta de Vest. Toate drepturile rezervate.",
            "Despre noi | Contact | Politica de confidențialitate",
        ),
        tuple(f"ro-mlqe-{i:02d}" for i in range(1, 11)),
    ),
    Site(
        "louna-uudised",
        "et",
        "Lõuna Uudised",
        "Uudised lõunast",
        "www.lounauudised.example",
        ("Avaleht | Eesti | Maailm | Majandus | Sport",),
        ("© 2024 Lõuna Uudised. Kõik õigused kaitstud.", "Kontakt | Privaatsuspoliitika"),
        tuple(f"et-mlqe-{i:02d}" for i in range(1, 11)),
    ),
)
MLQE_DOCS = {"en": 9, "de": 10, "ru": 10, "ro": 10, "et": 10}


@dataclass(frozen=True)
class Doc:
    """One page of the corpus, as written to ``corpus.jsonl``."""

    id: str
    lang: str
    site: str
    origin: str
    clean: bool
    text: str
    gold: str
    labels: tuple[damage.Label, ...]

    def as_json(self) -> str:
        record = {
            "id": self.id,
            "lang": self.lang,
            "site": self.site,
            "origin": self.origin,
            "clean": self.clean,
            "text": self.text,
            "gold": self.gold,
            "labels": [label.as_dict() for label in self.labels],
        }
        return json.dumps(record, ensure_ascii=False)


def all_articles(seed: int = SEED, root: Path = sources.SOURCES) -> dict[str, sources.Article]:
    """Every clean article by key: the written ones and the MLQE-PE documents."""
    out = {a.key: a for a in sources.load_articles(root)}
    for lang, count in MLQE_DOCS.items():
        out.update((a.key, a) for a in sources.mlqe_articles(lang, count, seed=seed, sources=root))
    return out


def _page(site: Site, article: sources.Article, index: int, titles: Sequence[str]) -> damage.Page:
    page = damage.page_from_blocks([(b.role, b.text) for b in article.blocks], article.lang)
    title = article.blocks[0].text
    return replace(
        page,
        site=site.name,
        domain=site.domain,
        motto=site.motto,
        chrome_top=site.chrome_top,
        chrome_bottom=site.chrome_bottom,
        date=dt.date(2024, 1 + index % 12, 1 + (index * 7) % 28),
        teasers=tuple(t for t in titles if t != title),
    )


def _supports(page: damage.Page, kind: str) -> bool:
    """Whether ``kind`` finds a place on the clean page (tried with a throwaway generator)."""
    return bool(damage.DAMAGE[kind](page, random.Random(0)).labels())


def allocate(pages: dict[str, damage.Page], damaged: list[str], seed: int, lang: str) -> dict[str, list[str]]:
    """Which kinds each damaged page gets: every kind on ``PER_KIND`` pages, the load kept even.

    ``site_chrome`` goes on every damaged page: a site prints its chrome on all
    of them, which is what makes it recognisable across a site's pages.
    """
    rng = random.Random(f"{seed}:allocate:{lang}")
    kinds = {doc: ["site_chrome"] for doc in damaged}
    load = dict.fromkeys(damaged, 0)
    order = [k for k in damage.ORDER if k != "site_chrome"]
    rng.shuffle(order)
    for kind in order:
        able = [doc for doc in damaged if _supports(pages[doc], kind)]
        ties = {doc: rng.random() for doc in able}
        able.sort(key=lambda doc: (load[doc], ties[doc]))
        for doc in able[:PER_KIND]:
            kinds[doc].append(kind)
            load[doc] += 1
    return kinds


def _kinds_of(page: damage.Page) -> set[str]:
    return {label.kind for label in page.labels()}


def _damage_language(
    pages: dict[str, damage.Page], damaged: list[str], seed: int, lang: str
) -> dict[str, damage.Page]:
    """Damage the pages of one language; then top up every kind that landed on too few pages.

    A kind allocated to a page can find nothing left to damage there (another
    kind took the page's only sentence joint): it is then tried on the other
    damaged pages, least loaded first, and kept where it lands without making
    a kind the page already had disappear.
    """
    kinds = allocate(pages, damaged, seed, lang)

    def run(key: str, plan: list[str]) -> damage.Page:
        return damage.apply(pages[key], plan, random.Random(f"{seed}:{key}"))

    built = {key: run(key, kinds[key]) for key in damaged}
    for kind in damage.ORDER:
        have = [key for key in damaged if kind in _kinds_of(built[key])]
        for key in sorted(damaged, key=lambda k: (len(kinds[k]), damaged.index(k))):
            if len(have) >= PER_KIND:
                break
            if kind in kinds[key]:
                continue
            trial = run(key, [*kinds[key], kind])
            if _kinds_of(trial) >= _kinds_of(built[key]) | {kind}:
                kinds[key].append(kind)
                built[key] = trial
                have.append(key)
    return built


def build(seed: int = SEED, root: Path = sources.SOURCES) -> list[Doc]:
    """The whole corpus, page by page, site by site."""
    articles = all_articles(seed, root)
    plans: list[tuple[Site, str, damage.Page, bool]] = []
    for site in SITES:
        titles = [articles[key].blocks[0].text for key in site.articles]
        rng = random.Random(f"{seed}:clean:{site.slug}")
        n_clean = max(2, math.ceil(len(site.articles) * CLEAN_SHARE))
        clean = set(rng.sample(site.articles, n_clean))
        for index, key in enumerate(site.articles):
            plans.append((site, key, _page(site, articles[key], index, titles), key in clean))
    built: dict[str, damage.Page] = {}
    for lang in damage.LANGS:
        pages = {key: page for site, key, page, is_clean in plans if site.lang == lang}
        damaged = [key for site, key, _, is_clean in plans if site.lang == lang and not is_clean]
        built.update(_damage_language(pages, damaged, seed, lang))
    docs: list[Doc] = []
    for site, key, page, is_clean in plans:
        if not is_clean:
            page = built[key]
        docs.append(
            Doc(
                f"{site.slug}/{key}",
                site.lang,
                site.slug,
                articles[key].origin,
                is_clean,
                page.damaged,
                page.gold,
                tuple(page.labels()),
            )
        )
    return docs


def counts(docs: Sequence[Doc]) -> dict[str, dict[str, int]]:
    """Damage instances per kind and language."""
    table: dict[str, dict[str, int]] = {kind: {} for kind in damage.KINDS}
    for doc in docs:
        for label in doc.labels:
            table[label.kind][doc.lang] = table[label.kind].get(doc.lang, 0) + 1
    return table


README = """# Real-world damage corpus

`corpus.jsonl`: {docs} news pages in {n_langs} languages ({langs}) from {n_sites} invented
sites, {n_clean} of them clean (no damage at all, to count false edits) and {n_damaged}
damaged the way scraped, machine-translated pages are: several kinds at once, in the page's
own language, and the same site chrome on every damaged page of a site. {n_labels} labelled
damage instances. Built by `benchmarks/make_realworld.py` (seed {seed}; rebuilding gives the
same bytes), damage from `benchmarks/realworld_damage.py`, scored by
`benchmarks/bench_realworld.py` (`mtrepair bench --parts realworld`).

## Records

One JSON object per line: `id` (`site/article`), `lang`, `site` (the source whose
chrome repeats: `mtrepair clean` reads it as the record's source), `origin` (where the clean
text comes from), `clean` (true: no damage), `text` (the damaged page: what a tool gets),
`gold` (the page as it should read) and `labels`. A label is one damage instance: `kind`,
`start` and `end` (code points into `text`), `text` (= `text[start:end]`), `gold` (what the
span should read; replacing every span by its gold gives `gold`), `expect` (`repair`, or
`flag` where the words are gone or the language is wrong and only a flag can be expected)
and `detail` (the variant: the code page, the abbreviation, where a line was put).

## Instances per kind and language

{table}

## Where the text comes from, and its licence

- `sources/mlqe/<lang>.tsv`: sentences of MLQE-PE (Fomicheva et al. 2020,
  sheffieldnlp/mlqe-pe, CC0 1.0): the source side of ro-en, ru-en and et-en and the human
  post-edits of en-de (German) and of ro-en, et-en and ru-en (English), detokenized with
  sacremoses, each with its file and line. Chosen by `realworld_sources.keep_sentence`
  (clean news-like sentences only) and grouped into pages of three or four paragraphs.
  CC0: no conditions.
- `sources/articles/*.txt`: {n_written} short news articles in English, French, Spanish,
  Arabic and Russian with headlines, bylines, datelines, sub-headings and captions, written
  for this corpus by the mtrepair project. People, sites and most events are invented.
  Released under CC0 1.0 with this corpus.
- Headlines, bylines, dates and captions of the MLQE-PE pages, site names, menus, footers
  and CMS lines: written for this corpus (`realworld_sources.MLQE_FRAME`,
  `make_realworld.SITES`, `realworld_damage`), CC0 1.0.
"""


def readme(docs: Sequence[Doc], seed: int, root: Path = sources.SOURCES) -> str:
    langs = sorted({d.lang for d in docs})
    table = counts(docs)
    head = "| kind | expect | " + " | ".join(langs) + " | all |"
    rows = [head, "|---|---|" + "---:|" * (len(langs) + 1)]
    for kind, per in table.items():
        cells = [str(per.get(lang, 0)) for lang in langs]
        rows.append(
            f"| `{kind}` | {damage.KINDS[kind][0]} | " + " | ".join(cells) + f" | {sum(per.values())} |"
        )
    pages = [str(sum(1 for d in docs if d.lang == lang)) for lang in langs]
    clean = [str(sum(1 for d in docs if d.lang == lang and d.clean)) for lang in langs]
    rows.append("| pages | | " + " | ".join(pages) + f" | {len(docs)} |")
    rows.append("| clean pages | | " + " | ".join(clean) + f" | {sum(d.clean for d in docs)} |")
    return README.format(
        docs=len(docs),
        n_langs=len(langs),
        langs=", ".join(langs),
        n_sites=len({d.site for d in docs}),
        n_clean=sum(d.clean for d in docs),
        n_damaged=sum(not d.clean for d in docs),
        n_labels=sum(len(d.labels) for d in docs),
        seed=seed,
        table="\n".join(rows),
        n_written=len(list((root / "articles").glob("*.txt"))),
    )


def write(out: Path = OUT, seed: int = SEED, root: Path = sources.SOURCES) -> list[Doc]:
    """Build and write ``out/corpus.jsonl`` and ``out/README.md``."""
    docs = build(seed, root)
    out.mkdir(parents=True, exist_ok=True)
    (out / "corpus.jsonl").write_text("".join(d.as_json() + "\n" for d in docs), encoding="utf-8")
    (out / "README.md").write_text(readme(docs, seed, root), encoding="utf-8")
    return docs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=OUT, help="folder for corpus.jsonl and README.md")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--extract-mlqe",
        type=Path,
        metavar="DATA",
        help="refresh sources/mlqe/*.tsv from an MLQE-PE folder first",
    )
    args = parser.parse_args(argv)
    if args.extract_mlqe:
        print(sources.extract_mlqe(args.extract_mlqe), file=sys.stderr)
    docs = write(args.out, args.seed)
    n_labels = sum(len(d.labels) for d in docs)
    print(f"{len(docs)} pages ({sum(d.clean for d in docs)} clean), {n_labels} labels -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
