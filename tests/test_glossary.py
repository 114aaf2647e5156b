"""The shared glossary: matching, traps, maintenance, exchange, lint and term QA."""

from __future__ import annotations

import json
import multiprocessing
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtrepair.cli import app
from mtrepair.glossary import GlossaryError, Matcher, load
from mtrepair.glossary.exchange import from_csv, from_tbx, to_csv, to_tbx
from mtrepair.glossary.lint import check
from mtrepair.glossary.model import default_paths, parse
from mtrepair.glossary.normalize import normalize
from mtrepair.glossary.qa import check_texts
from mtrepair.glossary.suggest import skeleton, suggest
from tests.conftest import ROOT, seed_text

SHIPPED = ROOT / "glossaries" / "military-iraq-syria.toml"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load([SHIPPED]))


def apply(matcher: Matcher, text: str, lang: str = "en") -> str:
    out, pos = [], 0
    for m in matcher.find(text, lang):
        out += [text[pos : m.start], m.replacement]
        pos = m.end
    return "".join(out) + text[pos:]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("at Ain al-Assad base", "at Ain al-Asad base"),
        ("the Ain Al Assad military base", "the Ain al-Asad military base"),
        ("towards the “Ain Al-Assad” base", "towards the “Ain al-Asad” base"),
        ("rocket fell inside Ain Assad.", "rocket fell inside Ain al-Asad."),
        ("forces at Asad base and", "forces at Ain al-Asad base and"),
        ("a facility at al-Asad base in Iraq", "a facility at Ain al-Asad base in Iraq"),
        ("aimed at the Al Assad airbase on", "aimed at the Ain al-Asad airbase on"),
        ("the Al Assad Air Base and", "the Ain al-Asad Air Base and"),
        ("spokesman Wayne Maroto said", "spokesman Wayne Marotto said"),
        ("Maroto denied it", "Marotto denied it"),
        ("with 30 “Grad” missiles.", "with 30 “Grad” rockets."),
        ("fired Grad missiles at", "fired Grad rockets at"),
        ("the CRAM system", "the C-RAM system"),
        ("the C-Ram fired", "the C-RAM fired"),
        ("near Omar oil field across", "near al-Omar oil field across"),
        ("Al Omar oil field was hit", "Al-Omar oil field was hit"),
        ("in the Al-Omar field area", "in the al-Omar oil field area"),
        ("from Deir Ezzor in Syria", "from Deir al-Zor in Syria"),
        ("in Deir ez-Zor dealt", "in Deir al-Zor dealt"),
        ("Dayr az-Zawr province", "Deir al-Zor province"),
        ("facilities in Albukamal.", "facilities in Albu Kamal."),
        ("drones hit Arbil airport", "drones hit Erbil airport"),
        ("Kata'ib Hizballah fighters", "Kataib Hezbollah fighters"),
        (
            "Commander of Kataib Sayyid Al Shuhada, Abu Alaa Al Walae,",
            "Commander of Kataib Sayyid al-Shuhada, Abu Alaa al-Walae,",
        ),
        ("killing of Qasem Soleimani", "killing of Qassem Soleimani"),
        ("Qassim Suleimani was", "Qassem Soleimani was"),
    ],
)
def test_variants_are_normalized(matcher: Matcher, before: str, after: str) -> None:
    assert apply(matcher, before) == after


@pytest.mark.parametrize(
    "text",
    [
        "Bashar al-Assad said",
        "pro-Assad national forces",
        "the Assad regime",
        "President Assad met",
        "if Assad decided to seek",
        "Assad's forces",
        "the Al-Assad family",
        "at Ain al-Asad air base",
        "the Ain al-Asad base",
        "Wayne Marotto said",
        "Grad rockets",
        "Omar said the field was quiet",
        "Eric Omar was quoted",
        "Erbilian",
        "GREEN ZONE",
    ],
)
def test_lookalikes_and_canonical_forms_stay(matcher: Matcher, text: str) -> None:
    assert apply(matcher, text) == text


def test_arabic_normalization_and_preferred_form(matcher: Matcher) -> None:
    # alef with hamza dropped, diacritics and tatweel added: still the entry, and
    # Arabic text is normalized to the Arabic preferred form.
    assert apply(matcher, "هجوم على عين الاسد", "ar") == "هجوم على عين الأسد"
    assert apply(matcher, "هجوم على عَين الأســد", "ar") == "هجوم على عين الأسد"
    assert normalize("إبراهيم رئيسى").text == normalize("ابراهيم رئيسي").text


def test_every_brief_variant_in_the_seeds_is_normalized(matcher: Matcher) -> None:
    seeds = "\n".join(seed_text(s) for s in ("000", "001", "002", "003", "004"))
    fixed = apply(matcher, seeds)
    for bad in (
        "Ain al-Assad",
        "Ain Al Assad",
        "Ain Al-Assad",
        "Ain Assad",
        "Asad base",
        "al-Assad base",
        "Al Assad airbase",
        "Al Assad Air Base",
        "Maroto",
        "Deir Ezzor",
        "Deir ez-Zor",
        "Deir Al Zor",
        "Albukamal",
        "Grad” missiles",
    ):
        assert not re.search(rf"(?<![\w-]){re.escape(bad)}", fixed), bad
    for kept in ("pro-Assad", "if Assad decided", "Ain al-Asad air base", "Wayne Marotto"):
        assert kept in fixed, kept


def test_match_offsets_point_at_the_original(matcher: Matcher) -> None:
    text = "x “Ain  Al-Assad” y"
    (m,) = matcher.find(text)
    assert text[m.start : m.end] == m.original == "Al-Assad"


def test_glossary_of_many_entries_uses_one_automaton() -> None:
    block = '[[term]]\nid = "t{0:05d}"\ncanonical = "Canon{0:05d}"\ntype = "term"\nen = ["Varx{0:05d}"]\n'
    lines = [block.format(i) for i in range(2000)]
    g = parse("\n".join(lines), "big.toml")
    m = Matcher(g)
    assert [x.replacement for x in m.find("a Varx01234 b Varx00007")] == ["Canon01234", "Canon00007"]


# --- files: parse errors, add/remove, locking ------------------------------------------


def test_corrupt_glossary_names_file_and_line_and_is_never_written(tmp_path: Path) -> None:
    bad = tmp_path / "g.toml"
    bad.write_text('[[term]]\nid = "x"\ncanonical = "X"\ntype = "term"\nen = ["a", \n')
    before = bad.read_bytes()
    from mtrepair.glossary import edit

    with pytest.raises(GlossaryError, match=r"g\.toml:\d+: not valid TOML"):
        edit.add(bad, "X", ["Y"])
    assert bad.read_bytes() == before
    schema = tmp_path / "s.toml"
    schema.write_text('# c\n\n[[term]]\nid = "x"\ncanonical = "X"\ntype = "wrong"\n')
    with pytest.raises(GlossaryError, match=r"s\.toml:3: type 'wrong'"):
        load([schema])
    unknown = tmp_path / "u.toml"
    unknown.write_text('[[term]]\nid = "x"\ncanonical = "X"\ntype = "term"\ncanonicall = "Y"\n')
    with pytest.raises(GlossaryError, match="unknown field"):
        load([unknown])


def test_add_and_remove_keep_comments_and_order(tmp_path: Path, runner: CliRunner) -> None:
    g = tmp_path / "g.toml"
    g.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    res = runner.invoke(
        app, ["glossary", "add", "Wayne Marotto", "--variant", "Marrotto", "--glossary", str(g)]
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app,
        [
            "glossary",
            "add",
            "Union III",
            "--variant",
            "Union 3",
            "--type",
            "base",
            "--note",
            "US facility in Baghdad",
            "--glossary",
            str(g),
        ],
    )
    assert res.exit_code == 0, res.output
    text = g.read_text(encoding="utf-8")
    assert "# mtrepair domain glossary" in text and "Trap: Assad alone" in text
    loaded = load([g])
    assert "Marrotto" in loaded.get("wayne-marotto").variants["en"]  # type: ignore[union-attr]
    assert loaded.get("union-iii") is not None
    assert [e.id for e in loaded.entries] == sorted(e.id for e in loaded.entries)
    assert not [p for p in check(loaded) if p.severity == "error"]
    res = runner.invoke(app, ["glossary", "remove", "union-iii", "--glossary", str(g)])
    assert res.exit_code == 0 and load([g]).get("union-iii") is None
    res = runner.invoke(app, ["glossary", "remove", "nothing-here", "--glossary", str(g)])
    assert res.exit_code == 5 and "no entry" in res.stderr


def _add_one(args: tuple[str, int]) -> int:
    path, i = args
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mtrepair.cli_entry",
            "glossary",
            "add",
            f"Term Number {i}",
            "--variant",
            f"Termvariant{i}x",
            "--glossary",
            path,
        ],
        capture_output=True,
        check=False,
    )
    return proc.returncode


def test_eight_concurrent_adds_keep_all_eight(tmp_path: Path) -> None:
    g = tmp_path / "g.toml"
    g.write_text("# shared\n")
    with multiprocessing.Pool(8) as pool:
        codes = pool.map(_add_one, [(str(g), i) for i in range(8)])
    assert codes == [0] * 8
    ids = {e.id for e in load([g]).entries}
    assert ids == {f"term-number-{i}" for i in range(8)}
    assert g.read_text().startswith("# shared")


# --- exchange, lint, suggest, QA --------------------------------------------------------


def _plain(entries: object) -> list[tuple[object, ...]]:
    return [(e.id, e.canonical, e.type, e.note, dict(e.variants), e.context) for e in entries]  # type: ignore[attr-defined]


def test_tbx_and_csv_round_trip_losslessly() -> None:
    g = load([SHIPPED])
    assert _plain(from_tbx(to_tbx(g), "x.tbx").entries) == _plain(g.entries)
    assert _plain(from_csv(to_csv(g), "x.csv").entries) == _plain(g.entries)
    assert 'type="TBX-Basic"' in to_tbx(g)


def test_import_merges_into_glossary(tmp_path: Path, runner: CliRunner) -> None:
    g = tmp_path / "g.toml"
    g.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    csv = tmp_path / "in.csv"
    csv.write_text(
        "id,canonical,type,note,lang,variant,context\n"
        "erbil,Erbil,place,,en,Hawler,\nunion-iii,Union III,base,US site,en,Union 3,\n"
    )
    res = runner.invoke(app, ["glossary", "import", str(csv), "--glossary", str(g)])
    assert res.exit_code == 0, res.output
    merged = load([g])
    assert "Hawler" in merged.get("erbil").variants["en"]  # type: ignore[union-attr]
    assert merged.get("union-iii") is not None
    res = runner.invoke(app, ["glossary", "export", "--format", "tbx", "--glossary", str(g)])
    assert res.exit_code == 0 and "Hawler" in res.stdout


def test_check_passes_on_shipped_and_catches_conflicts(tmp_path: Path) -> None:
    assert not [p for p in check(load([SHIPPED])) if p.severity == "error"]
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[term]]\nid = "b"\ncanonical = "Bravo"\ntype = "term"\nen = ["Alpha", "xy", "The"]\n\n'
        '[[term]]\nid = "a"\ncanonical = "Alpha"\ntype = "term"\nen = ["Charlie"]\n\n'
        '[[term]]\nid = "c"\ncanonical = "Delta"\ntype = "term"\nen = ["Charlie"]\n'
    )
    messages = "\n".join(str(p) for p in check(load([bad])))
    assert "is the canonical form of 'a'" in messages
    assert "too short" in messages
    assert "common English word" in messages
    assert "also belongs to" in messages
    assert "not sorted" in messages


def test_check_takes_files_as_arguments_as_pre_commit_passes_them(tmp_path: Path, runner: CliRunner) -> None:
    from tests.samples import CONFLICT, ERBIL, MOSUL

    (tmp_path / "iraq places.toml").write_text(ERBIL + "\n" + MOSUL, encoding="utf-8")
    (tmp_path / "provinces.toml").write_text(CONFLICT, encoding="utf-8")
    good = runner.invoke(app, ["glossary", "check", str(tmp_path / "iraq places.toml")])
    assert good.exit_code == 0, good.output
    assert "2 entries, 0 errors" in good.stdout
    both = [str(tmp_path / "iraq places.toml"), str(tmp_path / "provinces.toml")]
    together = runner.invoke(app, ["glossary", "check", *both])
    assert together.exit_code == 1 and "also belongs to" in together.stdout
    # the same files named with --glossary give the same answer
    options = runner.invoke(app, ["glossary", "check", "--glossary", both[0], "--glossary", both[1]])
    assert (options.exit_code, options.stdout) == (together.exit_code, together.stdout)
    missing = runner.invoke(app, ["glossary", "check", str(tmp_path / "nope.toml")])
    assert missing.exit_code != 0 and "nope.toml" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


def test_suggest_finds_transliteration_variants() -> None:
    g = parse('[[term]]\nid = "wayne-marotto"\ncanonical = "Wayne Marotto"\ntype = "person"\n', "g.toml")
    texts = [
        seed_text("003"),
        "Col. Wayne Marroto said.",
        "Qasem Suleimani and Qassem Soleimani and Qasim Sulaimani",
    ]
    found = suggest(g, texts)
    near = {(s.candidate, s.entry) for s in found}
    assert ("Wayne Maroto", "wayne-marotto") in near
    assert ("Wayne Marroto", "wayne-marotto") in near
    clusters = {s.candidate for s in found if s.entry is None}
    assert {"Suleimani", "Sulaimani"} & clusters or {"Soleimani", "Sulaimani"} & clusters
    assert skeleton("Maroto") == skeleton("Marotto")
    assert skeleton("Asad") == skeleton("Assad")


def test_term_qa_reports_missing_and_respelled_terms(matcher: Matcher) -> None:
    src = "هاجمت صواريخ غراد قاعدة عين الأسد\nوقال واين ماروتو إن الهجوم فشل"
    mt = "Grad missiles attacked the Ain al-Assad base\nThe spokesman said the attack failed"
    issues = check_texts(matcher, src, mt, src_lang="ar")
    by_entry = {i.entry: i for i in issues}
    assert by_entry["grad-rockets"].found == "Grad missiles" and by_entry["grad-rockets"].line == 1
    assert by_entry["ain-al-asad"].found == "Ain al-Assad"
    assert by_entry["wayne-marotto"].found is None and by_entry["wayne-marotto"].line == 2


def test_qa_cli_exit_code(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "s.txt").write_text("قال واين ماروتو\n", encoding="utf-8")
    (tmp_path / "t.txt").write_text("Wayne Marotto said\n", encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "glossary",
            "qa",
            "--src",
            str(tmp_path / "s.txt"),
            "--mt",
            str(tmp_path / "t.txt"),
            "--src-lang",
            "ar",
            "--glossary",
            str(SHIPPED),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0 and json.loads(res.stdout) == []


def test_default_glossary_is_the_shipped_one() -> None:
    assert SHIPPED in default_paths()
