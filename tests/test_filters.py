"""Document filters (issue 19): each reason on documents built for it, the TOML file, ``clean --filter``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtrepair.cli import app
from mtrepair.config import Config
from mtrepair.corpus import clean_corpus
from mtrepair.errors import ConfigError
from mtrepair.filters import REASONS, Filters, Verdict, document_scores, judge, load_filters, word_count
from mtrepair.model import Result
from mtrepair.pipeline import clean_text

# Short invented news stories, one per language (three sentences each).
STORIES = {
    "en": (
        "The city council approved the new budget on Tuesday after a long debate. "
        "The mayor said the plan would fund three new schools. "
        "Opposition members argued that taxes would rise for most families in the coming year.\n"
    ),
    "fr": (
        "Le conseil municipal a approuvé le nouveau budget mardi après un long débat. "
        "Le maire a déclaré que le plan financerait trois nouvelles écoles. "
        "Les élus de l'opposition estiment que les impôts vont augmenter pour la plupart des familles.\n"
    ),
    "de": (
        "Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt gebilligt. "
        "Der Bürgermeister sagte, mit dem Plan würden drei neue Schulen finanziert. "
        "Die Opposition warnt, dass die Steuern für die meisten Familien im kommenden Jahr steigen.\n"
    ),
    "es": (
        "El ayuntamiento aprobó el nuevo presupuesto el martes después de un largo debate. "
        "El alcalde dijo que el plan financiará tres escuelas nuevas. "
        "La oposición sostiene que los impuestos subirán para la mayoría de las familias el próximo año.\n"
    ),
}
# A second paragraph for English documents (a repeated paragraph would be removed as a doubled line).
MORE_EN = (
    "\nThe vote ended a dispute that had delayed the budget for two months. "
    "Work on the first school is due to start in the spring, the council said.\n"
)
DUTCH = (
    "De gemeenteraad heeft dinsdag na een lang debat de nieuwe begroting goedgekeurd. "
    "De burgemeester zei dat het plan drie nieuwe scholen zou financieren. "
    "De oppositie vreest dat de belastingen voor de meeste gezinnen volgend jaar zullen stijgen.\n"
)
# One short sentence: a stub, not an article.
STUBS = {
    "en": "Rain expected on Friday.\n",
    "fr": "Pluie attendue vendredi.\n",
    "de": "Regen am Freitag erwartet.\n",
    "es": "Se espera lluvia el viernes.\n",
}
# The comment form a blog template prints under every article, in each language.
CHROME = {
    "en": [
        "Leave a Reply Cancel reply",
        "Your email address will not be published. Required fields are marked *",
        "Save my name, email, and website in this browser for the next time I comment.",
        "You must be logged in to post a comment.",
        "Notify me of follow-up comments by email.",
    ],
    "fr": [
        "Laisser un commentaire Annuler la réponse",
        "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *",
        "Enregistrer mon nom, mon e-mail et mon site dans le navigateur pour mon prochain commentaire.",
        "Vous devez être connecté pour publier un commentaire.",
    ],
    "de": [
        "Schreibe einen Kommentar Antworten abbrechen",
        "Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert",
        "Meinen Namen, meine E-Mail-Adresse und meine Website in diesem Browser speichern, "
        "bis ich wieder kommentiere.",
        "Sie müssen angemeldet sein, um einen Kommentar abzugeben.",
    ],
    "es": [
        "Deja una respuesta Cancelar la respuesta",
        "Tu dirección de correo electrónico no será publicada. Los campos obligatorios están marcados con *",
        "Guarda mi nombre, correo electrónico y web en este navegador para la próxima vez que comente.",
        "Debes iniciar sesión para publicar un comentario.",
    ],
}
# Word salad and keyboard noise: what the garble scores are for (English: the learned model).
GARBLED_EN = (
    "The of the the of and to the of in the of. "
    "He has said that the he of him not is no to agree with the decision of the which it. "
    "Asdf qwer zxcv tyui ghjk bnm, lkjh poiu mnbv.\n"
)
LANGS = tuple(STORIES)


def repaired(text: str) -> Result:
    return clean_text(text, Config())


def chrome_heavy(lang: str) -> str:
    """One sentence of story under the whole comment form: most characters are site chrome."""
    first = STORIES[lang].split(". ")[0] + ".\n"
    return first + "\n" + "\n".join(CHROME[lang]) + "\n"


# --- each reason on its own document, and a clean counterpart it keeps


@pytest.mark.parametrize("lang", LANGS)
def test_too_short_drops_a_stub_and_keeps_the_story(lang: str) -> None:
    filters = Filters(min_words=15)
    verdict = judge(repaired(STUBS[lang]), filters)
    assert verdict is not None
    assert verdict.reason == "too_short"
    assert verdict.score < 15 and verdict.threshold == 15
    assert verdict.message.startswith("too_short: ")
    assert judge(repaired(STORIES[lang]), filters) is None


@pytest.mark.parametrize("lang", LANGS)
def test_too_short_counts_characters_after_repair(lang: str) -> None:
    # Long before repair, short after it: the comment form goes, one sentence stays.
    text = chrome_heavy(lang)
    filters = Filters(min_chars=len(text) // 2)
    result = repaired(text)
    assert len(result.text) < len(text) // 2 < len(text)
    verdict = judge(result, filters)
    assert verdict is not None and verdict.reason == "too_short"
    assert verdict.score == len("".join(result.text.split()))
    assert judge(repaired(STORIES[lang]), Filters(min_chars=len(STORIES[lang]) // 2)) is None


@pytest.mark.parametrize("accepted", LANGS)
def test_wrong_language_drops_every_other_language(accepted: str) -> None:
    filters = Filters(languages=(accepted,))
    assert judge(repaired(STORIES[accepted]), filters) is None
    for lang in LANGS:
        if lang == accepted:
            continue
        verdict = judge(repaired(STORIES[lang]), filters)
        assert verdict is not None, lang
        assert verdict.reason == "wrong_language"
        assert verdict.score < verdict.threshold == 0.5
        assert f"guessed {lang}" in verdict.message


def test_wrong_language_accepts_a_language_the_guess_has_no_data_for() -> None:
    # Dutch is "und" to the cheap guess; langdetect confirms it, so accept = ["nl"] works.
    filters = Filters(languages=("nl",))
    assert judge(repaired(DUTCH), filters) is None
    verdict = judge(repaired(STORIES["en"]), filters)
    assert verdict is not None and verdict.reason == "wrong_language"
    assert judge(repaired(DUTCH), Filters(languages=("en", "fr"))) is not None


def test_several_accepted_languages_keep_each_of_them() -> None:
    filters = Filters(languages=("fr", "de"))
    assert judge(repaired(STORIES["fr"]), filters) is None
    assert judge(repaired(STORIES["de"]), filters) is None
    assert judge(repaired(STORIES["es"]), filters) is not None


@pytest.mark.parametrize("lang", LANGS)
def test_boilerplate_share_drops_a_page_of_site_chrome(lang: str) -> None:
    filters = Filters(max_boilerplate_share=0.5)
    heavy = chrome_heavy(lang)
    verdict = judge(repaired(heavy), filters)
    assert verdict is not None
    assert verdict.reason == "boilerplate"
    assert 0.5 < verdict.score <= 1
    # The same story with one line of the form under it: mostly article, kept.
    light = STORIES[lang] + "\n" + CHROME[lang][0] + "\n"
    result = repaired(light)
    assert result.text != light  # the chrome line was removed...
    scores = document_scores(result, filters)
    assert 0 < scores["boilerplate_share"] < 0.5  # ...and counted
    assert judge(result, filters) is None


def test_boilerplate_share_reads_only_boilerplate_rules() -> None:
    # A repair of another family (a doubled word) removes characters but is not chrome.
    text = "The minister minister said the talks would resume next week in Geneva.\n"
    result = repaired(text)
    assert result.changed
    assert document_scores(result, Filters(max_boilerplate_share=0.1)) == {"boilerplate_share": 0.0}


def test_too_garbled_by_mean_and_by_share_in_english() -> None:
    clean, garbled = repaired(STORIES["en"]), repaired(GARBLED_EN)
    by_mean = Filters(max_mean_garble=0.4)
    verdict = judge(garbled, by_mean)
    assert verdict is not None and verdict.reason == "too_garbled"
    assert verdict.score > 0.4 and verdict.message.startswith("too_garbled: mean garble ")
    assert judge(clean, by_mean) is None
    by_share = Filters(max_garbled_share=0.5, garbled_at=0.3)
    verdict = judge(garbled, by_share)
    assert verdict is not None and verdict.reason == "too_garbled" and verdict.score == 1.0
    assert judge(clean, by_share) is None
    assert document_scores(clean, by_share)["garbled_share"] < 0.5


def test_cheap_filters_decide_first() -> None:
    # A stub of word salad fails too_short and too_garbled: the cheap reason is given.
    result = repaired("The of the of and to the of.\n")
    verdict = judge(result, Filters(min_words=20, max_mean_garble=0.01))
    assert verdict is not None and verdict.reason == "too_short"


def test_scores_only_for_active_filters() -> None:
    result = repaired(STORIES["en"])
    assert document_scores(result, Filters()) == {}
    assert set(document_scores(result, Filters(min_words=3, languages=("en",)))) == {"words", "language_prob"}
    every = Filters(
        max_mean_garble=0.9, max_garbled_share=0.9, languages=("en",), min_chars=1, min_words=1,
        max_boilerplate_share=0.9,
    )  # fmt: skip
    assert set(document_scores(result, every)) == {
        "boilerplate_share", "chars", "words", "language_prob", "mean_garble", "garbled_share",
    }  # fmt: skip
    assert judge(result, every) is None


def test_no_filter_is_inactive_and_keeps_everything() -> None:
    assert not Filters().active
    assert Filters(min_words=1).active
    assert judge(repaired(STUBS["en"]), Filters()) is None


def test_chinese_words_are_characters() -> None:
    result = repaired("市议会周二批准了新预算。\n")  # eleven characters, no spaces
    assert document_scores(result, Filters(min_words=1))["words"] == 11
    assert word_count("Reuters报道 2024年 l'été") == 7  # Reuters 报 道 2024 年 l été


def test_verdict_is_one_of_the_reasons() -> None:
    v = Verdict("too_short", 4.0, 10.0, "too_short: 4 words after repair < 10")
    assert v.reason in REASONS
    assert v.as_dict() == {"reason": "too_short", "score": 4.0, "threshold": 10.0, "message": v.message}


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"max_mean_garble": 1.5}, "[too_garbled] max_mean"),
        ({"max_garbled_share": -0.1}, "[too_garbled] max_share"),
        ({"min_words": 0}, "[too_short] min_words"),
        ({"min_chars": 2.5}, "[too_short] min_chars"),
        ({"max_boilerplate_share": True}, "[boilerplate] max_share"),
        ({"languages": ("xx",)}, "unknown language code 'xx'"),
    ],
)
def test_filters_refuse_bad_thresholds(kwargs: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigError, match=words.replace("[", r"\[").replace("]", r"\]")):
        Filters(**kwargs)  # type: ignore[arg-type]


# --- the TOML file

README_TOML = """\
[too_garbled]
max_mean = 0.45
max_share = 0.5
garbled_at = 0.3

[wrong_language]
accept = ["en"]

[too_short]
min_words = 50

[boilerplate]
max_share = 0.6
"""


def test_load_filters_reads_every_section(tmp_path: Path) -> None:
    path = tmp_path / "filters.toml"
    path.write_text(README_TOML, encoding="utf-8")
    assert load_filters(path) == Filters(
        max_mean_garble=0.45,
        max_garbled_share=0.5,
        garbled_at=0.3,
        languages=("en",),
        min_words=50,
        max_boilerplate_share=0.6,
    )
    path.write_text('[wrong_language]\naccept = ["FR", "de"]\nmin_prob = 0.8\n', encoding="utf-8")
    assert load_filters(path) == Filters(languages=("fr", "de"), min_language_prob=0.8)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("", "no filter set"),
        ("# nothing\n", "no filter set"),
        ("[too_short\nmin_words = 3\n", "not valid TOML"),
        ("[too_garbeld]\nmax_mean = 0.4\n", "unknown section [too_garbeld]"),
        ("[too_short]\nmin_word = 3\n", "unknown key 'min_word' in [too_short]"),
        ('[too_short]\nmin_words = "fifty"\n', "[too_short] min_words must be a whole number"),
        ("[too_garbled]\nmax_mean = 45\n", "[too_garbled] max_mean must be a number from 0 to 1"),
        ("[boilerplate]\nmax_share = true\n", "[boilerplate] max_share must be a number"),
        ("[wrong_language]\naccept = []\n", "[wrong_language] accept must be a non-empty list"),
        ('[wrong_language]\naccept = "en"\n', "[wrong_language] accept must be a non-empty list"),
        ('[wrong_language]\naccept = ["english"]\n', "unknown language code 'english'"),
        ("[wrong_language]\nmin_prob = 0.9\n", "min_prob needs accept"),
        ("[too_garbled]\ngarbled_at = 0.2\n", "garbled_at needs max_share"),
        ("too_short = 3\n", "too_short must be a section"),
    ],
)
def test_load_filters_errors_name_the_file_and_key(tmp_path: Path, body: str, words: str) -> None:
    path = tmp_path / "f.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_filters(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert words in message
    assert "\n" not in message


def test_load_filters_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="filter file not found"):
        load_filters(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="is a folder"):
        load_filters(tmp_path)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00[too_short]\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_filters(binary)


# --- clean --filter, end to end


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder of small documents: two to keep, one for every reason to drop."""
    folder = tmp_path / "articles"
    folder.mkdir()
    docs = {
        "budget.txt": STORIES["en"] + MORE_EN,
        "stub.txt": STUBS["en"],
        "budget_fr.txt": STORIES["fr"],
        "comments.txt": chrome_heavy("en"),
        "salad.txt": GARBLED_EN,
        "second.txt": STORIES["en"] + STORIES["en"].replace("Tuesday", "Thursday"),
    }
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


FILTER_TOML = """\
[too_garbled]
max_mean = 0.45

[wrong_language]
accept = ["en"]

[too_short]
min_words = 20

[boilerplate]
max_share = 0.5
"""
DROPPED = {
    "stub.txt": "too_short",
    "budget_fr.txt": "wrong_language",
    "comments.txt": "boilerplate",
    "salad.txt": "too_garbled",
}


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_clean_filter_folder_drops_each_reason(tmp_path: Path, corpus: Path) -> None:
    rules = tmp_path / "filters.toml"
    rules.write_text(FILTER_TOML, encoding="utf-8")
    out = tmp_path / "cleaned"
    code, _, stderr = invoke("clean", "--filter", str(rules), str(corpus), "-o", f"{out}/")
    assert code == 0, stderr
    for name in ("budget.txt", "second.txt"):
        assert (out / name).read_text(encoding="utf-8").startswith("The city council")
        assert not (out / name.replace(".txt", ".excluded.jsonl")).exists()
    for name, reason in DROPPED.items():
        assert (out / name).read_text(encoding="utf-8") == ""  # the shard is done, its document dropped
        (line,) = (out / name.replace(".txt", ".excluded.jsonl")).read_text(encoding="utf-8").splitlines()
        record = json.loads(line)
        assert record["reason"] == reason
        assert record["id"] == name
        assert isinstance(record["score"], float | int) and isinstance(record["threshold"], float | int)
        assert record["message"].startswith(f"{reason}: ")
        assert record["record"]["text"] == (corpus / name).read_text(encoding="utf-8")
    assert "mtrepair: 2 documents," in stderr
    assert "filtered out 4 documents (too_garbled 1, wrong_language 1, too_short 1, boilerplate 1)" in stderr
    assert "warning" not in stderr  # dropping is not a problem: no warnings, exit 0


def test_clean_without_filter_changes_nothing(tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "cleaned"
    code, _, stderr = invoke("clean", str(corpus), "-o", f"{out}/")
    assert code == 0, stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        p.name for p in corpus.iterdir()
    )
    assert (out / "stub.txt").read_text(encoding="utf-8") == STUBS["en"]
    assert "filtered" not in stderr
    assert "mtrepair: 6 documents," in stderr


def test_clean_filter_one_output_file_writes_exclusions_beside_it(tmp_path: Path, corpus: Path) -> None:
    rules = tmp_path / "filters.toml"
    rules.write_text('[too_short]\nmin_words = 20\n[wrong_language]\naccept = ["en"]\n', encoding="utf-8")
    out = tmp_path / "all.jsonl"
    code, _, stderr = invoke(
        "clean", "--filter", str(rules), str(corpus), "-o", str(out), "--format", "jsonl"
    )
    assert code == 0, stderr
    kept = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(kept) == ["budget.txt", "salad.txt", "second.txt"]
    excluded = tmp_path / "all.excluded.jsonl"
    records = [json.loads(line) for line in excluded.read_text(encoding="utf-8").splitlines()]
    assert {r["id"]: r["reason"] for r in records} == {
        "stub.txt": "too_short",
        "budget_fr.txt": "wrong_language",
        "comments.txt": "too_short",  # one sentence once its comment form is removed
    }
    assert f"in {excluded}" in stderr
    assert "filtered out 3 documents (wrong_language 1, too_short 2)" in stderr


def test_clean_filter_to_stdout_needs_exclusions(tmp_path: Path, corpus: Path) -> None:
    rules = tmp_path / "filters.toml"
    rules.write_text("[too_short]\nmin_words = 20\n", encoding="utf-8")
    code, stdout, stderr = invoke("clean", "--filter", str(rules), str(corpus / "stub.txt"))
    assert code == 5 and stdout == ""
    assert stderr.count("\n") == 1 and "--exclusions FILE" in stderr
    dropped = tmp_path / "dropped.jsonl"
    code, stdout, stderr = invoke(
        "clean", "--filter", str(rules), str(corpus / "stub.txt"), str(corpus / "budget.txt"),
        "--exclusions", str(dropped),
    )  # fmt: skip
    assert code == 0, stderr
    assert "Rain expected" not in stdout and "The city council" in stdout
    (record,) = [json.loads(line) for line in dropped.read_text(encoding="utf-8").splitlines()]
    assert (record["reason"], record["score"], record["threshold"]) == ("too_short", 4, 20)


def test_clean_filter_with_no_drop_writes_an_empty_exclusion_file(tmp_path: Path, corpus: Path) -> None:
    rules = tmp_path / "filters.toml"
    rules.write_text("[too_short]\nmin_words = 2\n", encoding="utf-8")
    out = tmp_path / "one.txt"
    code, _, stderr = invoke("clean", "--filter", str(rules), str(corpus / "budget.txt"), "-o", str(out))
    assert code == 0, stderr
    assert (tmp_path / "one.excluded.jsonl").read_text(encoding="utf-8") == ""
    assert "filtered out 0 documents" in stderr


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("[too_short]\nmin_words = -3\n", "[too_short] min_words must be a whole number of at least 1"),
        ("[too_sort]\nmin_words = 3\n", "unknown section [too_sort]"),
        ("not toml at all", "not valid TOML"),
    ],
)
def test_clean_bad_filter_file_is_one_line_and_writes_nothing(
    tmp_path: Path, corpus: Path, body: str, words: str
) -> None:
    rules = tmp_path / "filters.toml"
    rules.write_text(body, encoding="utf-8")
    out = tmp_path / "cleaned"
    code, stdout, stderr = invoke("clean", "--filter", str(rules), str(corpus), "-o", f"{out}/")
    assert code == 5
    assert stderr.startswith(f"mtrepair: error: {rules}: ") and stderr.count("\n") == 1
    assert words in stderr
    assert not out.exists() and stdout == ""
    missing = tmp_path / "nope.toml"
    code, _, stderr = invoke("clean", "--filter", str(missing), str(corpus), "-o", str(tmp_path / "x.txt"))
    assert code == 5 and "filter file not found" in stderr
    assert not (tmp_path / "x.txt").exists()


def test_exclusions_option_only_with_one_output(tmp_path: Path, corpus: Path) -> None:
    rules = tmp_path / "filters.toml"
    rules.write_text("[too_short]\nmin_words = 20\n", encoding="utf-8")
    code, _, stderr = invoke(
        "clean", "--filter", str(rules), str(corpus), "-o", f"{tmp_path / 'o'}/",
        "--exclusions", str(tmp_path / "d.jsonl"),
    )  # fmt: skip
    assert code == 5 and "NAME.excluded.jsonl" in stderr
    code, _, stderr = invoke("clean", str(corpus), "-o", str(tmp_path / "o.txt"), "--exclusions", "d.jsonl")
    assert code == 5 and "--exclusions goes with --filter" in stderr


def test_jsonl_records_dropped_in_workers_keep_their_line(tmp_path: Path) -> None:
    # Two worker processes: the verdict crosses the process boundary with the outcome.
    source = tmp_path / "news.jsonl"
    rows = [
        {"id": "a", "text": STORIES["en"] + MORE_EN},
        {"id": "b", "text": STUBS["en"], "url": "https://example.org/b"},
        {"id": "c", "text": STORIES["es"] * 2},
        {"id": "d", "text": MORE_EN + STORIES["en"]},
    ]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    summary = clean_corpus(
        [str(source)],
        config=Config(),
        out=f"{out}/",
        workers=2,
        filters=Filters(min_words=20, languages=("en",)),
    )
    assert summary.documents == 2 and summary.excluded == 0 and not summary.problems
    assert summary.filtered == {"too_short": 1, "wrong_language": 1}
    kept = [json.loads(line)["id"] for line in (out / "news.jsonl").read_text(encoding="utf-8").splitlines()]
    assert kept == ["a", "d"]
    lines = (out / "news.excluded.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["id"], r["line"], r["reason"]) for r in records] == [
        ("b", 2, "too_short"),
        ("c", 3, "wrong_language"),
    ]
    assert records[0]["record"] == rows[1]


def test_resume_redoes_shards_when_the_thresholds_change(tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "out"
    first = clean_corpus([str(corpus)], config=Config(), out=f"{out}/", filters=Filters(min_words=20))
    assert first.filtered == {"too_short": 2}  # the stub, and the comment page once its form is gone
    again = clean_corpus(
        [str(corpus)], config=Config(), out=f"{out}/", resume=True, filters=Filters(min_words=20)
    )
    assert again.resumed == 6 and again.documents == 0
    changed = clean_corpus(
        [str(corpus)], config=Config(), out=f"{out}/", resume=True, filters=Filters(min_words=2)
    )
    assert changed.resumed == 0 and changed.filtered == {}
    assert (out / "stub.txt").read_text(encoding="utf-8") == STUBS["en"]
    assert not (out / "stub.excluded.jsonl").exists()


def test_dask_engine_is_refused_with_filters(tmp_path: Path, corpus: Path) -> None:
    with pytest.raises(ConfigError, match="local engine"):
        clean_corpus(
            [str(corpus)], config=Config(), out=f"{tmp_path}/o/", engine="dask", filters=Filters(min_words=2)
        )


# --- the README's examples, as written there (/tmp/issue19/README-filters.md)


def test_readme_api_example() -> None:
    from mtrepair.config import Config
    from mtrepair.filters import Filters, document_scores, judge
    from mtrepair.pipeline import clean_text

    result = clean_text("Rain expected on Friday.\n", Config())
    filters = Filters(min_words=20, languages=("en",))
    assert document_scores(result, filters) == {"words": 4.0, "language_prob": 1.0}
    verdict = judge(result, filters)
    assert verdict is not None
    assert verdict.message == "too_short: 4 words after repair < 20"


def test_readme_cli_example(tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # mtrepair clean --filter filters.toml articles/ -o cleaned/
    monkeypatch.chdir(tmp_path)
    Path("filters.toml").write_text(FILTER_TOML, encoding="utf-8")
    code, _, stderr = invoke("clean", "--filter", "filters.toml", "articles/", "-o", "cleaned/")
    assert code == 0, stderr
    assert (
        json.loads(Path("cleaned/stub.excluded.jsonl").read_text(encoding="utf-8"))["reason"] == "too_short"
    )
    # mtrepair clean --filter filters.toml articles/ -o cleaned.jsonl --format jsonl
    code, _, stderr = invoke(
        "clean", "--filter", "filters.toml", "articles/", "-o", "cleaned.jsonl", "--format", "jsonl"
    )
    assert code == 0, stderr
    assert len(Path("cleaned.excluded.jsonl").read_text(encoding="utf-8").splitlines()) == len(DROPPED)
    assert "filtered out 4 documents" in stderr
