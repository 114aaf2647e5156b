"""Bilingual files (issue 19): TMX 1.4, XLIFF 1.2 and XLIFF 2.0 in ``qe`` and ``glossary qa``."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mtrepair.bilingual import (
    Segment,
    is_bilingual,
    read_bilingual,
    tag_findings,
    term_qa,
    write_xliff_notes,
)
from mtrepair.cli import app
from mtrepair.errors import InputError, OutputError
from mtrepair.glossary import Matcher, load

# English news sentences into French (TMX), German (XLIFF 1.2) and Romanian (XLIFF 2.0):
# each file has a segment whose target lost a tag, one with an extra tag, one untranslated.
TMX = """\
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="handmade" creationtoolversion="1" segtype="sentence" o-tmf="none"
          adminlang="en" srclang="en-US" datatype="html"/>
  <body>
    <tu tuid="t1">
      <tuv xml:lang="en-US"><seg>Three rockets hit <bpt i="1">&lt;b&gt;</bpt>Ain al-Asad<ept i="1"
        >&lt;/b&gt;</ept> air base.</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>Trois roquettes ont frappé la base <bpt i="1">&lt;b&gt;</bpt
        >Aïn al-Asad<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
    </tu>
    <tu tuid="t2">
      <tuv xml:lang="en-US"><seg>No one was hurt<ph x="2">&lt;br/&gt;</ph> in the attack.</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>Personne n'a été blessé dans l'attaque.</seg></tuv>
    </tu>
    <tu tuid="t3">
      <tuv xml:lang="en-US"><seg>Wayne Marotto gave no details.</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>Wayne <ph x="7">&lt;i/&gt;</ph>Marotto n'a donné aucun détail.</seg></tuv>
    </tu>
    <tu tuid="t4">
      <tuv xml:lang="en-US"><seg>The base is in <hi x="3">Anbar</hi> province.</seg></tuv>
    </tu>
  </body>
</tmx>
"""

XLIFF12 = """\
<?xml version="1.0" encoding="UTF-8"?>
<!-- exported by hand for the tests -->
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="news.html" source-language="en" target-language="de-DE" datatype="html">
    <body>
      <trans-unit id="u1">
        <source>Three rockets hit <g id="1">Ain al-Asad</g> air base.</source>
        <target>Drei Raketen trafen den Luftwaffenstützpunkt <g id="1">Ain al-Asad</g>.</target>
      </trans-unit>
      <trans-unit id="u2">
        <source>No one was hurt<x id="2"/> in the attack.</source>
        <target>Bei dem Angriff wurde niemand verletzt.</target>
      </trans-unit>
      <trans-unit id="u3">
        <source>Wayne Marotto gave no details.</source>
        <target>Wayne Marotto <bx id="5"/>nannte keine Einzelheiten.</target>
      </trans-unit>
      <trans-unit id="u4">
        <source>The base is in Anbar province.</source>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

XLIFF2 = """\
<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="ro">
  <file id="f1">
    <unit id="u1">
      <notes>
        <note>from the newsroom</note>
      </notes>
      <segment id="s1">
        <source>Three rockets hit <pc id="1">Ain al-Asad</pc> air base.</source>
        <target>Trei rachete au lovit baza aeriană <pc id="1">Ain al-Asad</pc>.</target>
      </segment>
    </unit>
    <unit id="u2">
      <segment id="s1">
        <source>No one was hurt<ph id="2"/> in the attack.</source>
        <target>Nimeni nu a fost rănit în atac.</target>
      </segment>
      <segment id="s2">
        <source><sc id="3"/>Wayne Marotto<ec startRef="3"/> gave no details.</source>
        <target><ec startRef="3"/>Wayne Marotto<sc id="3"/> nu a dat<ph id="9"/> detalii.</target>
      </segment>
    </unit>
    <unit id="u3">
      <segment>
        <source>The base is in Anbar province.</source>
      </segment>
    </unit>
  </file>
</xliff>
"""

GLOSSARY = """\
[[term]]
id = "ain-al-asad"
canonical = "Ain al-Asad"
type = "base"
note = "Air base in Anbar province"
en = ["Ain al-Assad"]
de = ["Ain al-Asad", "Ain al-Assad"]
fr = ["Aïn al-Asad", "Aïn al-Assad"]
ro = ["Ain al-Asad", "Ain al-Assad"]

[[term]]
id = "wayne-marotto"
canonical = "Wayne Marotto"
type = "person"
note = "Spokesman of Operation Inherent Resolve"
en = ["Wayne Maroto"]
"""

FILES = {"tmx": ("news.tmx", TMX), "xliff-1.2": ("news.xlf", XLIFF12), "xliff-2": ("news.xlf2", XLIFF2)}


def write(tmp_path: Path, fmt: str) -> Path:
    name, text = FILES[fmt]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def glossary(tmp_path: Path) -> Path:
    path = tmp_path / "news.toml"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


# ---------------------------------------------------------------- reading


def test_tmx_segments_languages_and_tags(tmp_path: Path) -> None:
    f = read_bilingual(write(tmp_path, "tmx"))
    assert (f.format, f.source_lang, f.target_lang) == ("tmx", "en-US", "fr-FR")
    assert [s.id for s in f.segments] == ["t1", "t2", "t3", "t4"]
    t1, t2, t3, t4 = f.segments
    assert t1 == Segment(
        "t1",
        "Three rockets hit Ain al-Asad air base.",
        "Trois roquettes ont frappé la base Aïn al-Asad.",
        ("bpt:1", "ept:1"),
        ("bpt:1", "ept:1"),
    )
    assert t2.source == "No one was hurt in the attack."  # the <br/> code is not text
    assert t4.source == "The base is in Anbar province." and t4.target == ""  # hi keeps its text
    assert t4.source_tags == ("hi:3",)
    assert tag_findings(t1) == [] and tag_findings(t4) == []
    assert [(x.kind, x.tag) for x in tag_findings(t2)] == [("missing", "ph:2")]
    assert [(x.kind, x.tag) for x in tag_findings(t3)] == [("extra", "ph:7")]


def test_xliff12_segments_languages_and_tags(tmp_path: Path) -> None:
    f = read_bilingual(write(tmp_path, "xliff-1.2"))
    assert (f.format, f.source_lang, f.target_lang) == ("xliff-1.2", "en", "de-DE")
    u1, u2, u3, u4 = f.segments
    assert u1.id == "u1" and u1.source_tags == ("g:1",) == u1.target_tags
    assert u1.target == "Drei Raketen trafen den Luftwaffenstützpunkt Ain al-Asad."
    assert [(x.kind, x.tag) for x in tag_findings(u2)] == [("missing", "x:2")]
    assert [(x.kind, x.tag) for x in tag_findings(u3)] == [("extra", "bx:5")]
    assert u4.target == "" and tag_findings(u4) == []


def test_xliff2_segments_ids_and_tags(tmp_path: Path) -> None:
    f = read_bilingual(write(tmp_path, "xliff-2"))
    assert (f.format, f.source_lang, f.target_lang) == ("xliff-2", "en", "ro")
    assert [s.id for s in f.segments] == ["u1", "u2:s1", "u2:s2", "u3"]
    u1, u2s1, u2s2, u3 = f.segments
    assert u1.source == "Three rockets hit Ain al-Asad air base." and u1.source_tags == ("pc:1",)
    assert [(x.kind, x.tag) for x in tag_findings(u2s1)] == [("missing", "ph:2")]
    found = {(x.kind, x.tag) for x in tag_findings(u2s2)}
    assert found == {("extra", "ph:9"), ("order", "ec:3")}  # closed before it was opened
    assert u3.target == ""


def test_xliff12_seg_source_gives_one_segment_per_mrk(tmp_path: Path) -> None:
    path = tmp_path / "seg.xlf"
    path.write_text(
        """<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="a" source-language="en" target-language="fr" datatype="plaintext"><body>
<trans-unit id="p1">
<source>Rockets hit the base. No one was hurt.</source>
<seg-source><mrk mtype="seg" mid="1">Rockets hit the base.</mrk> <mrk mtype="seg" mid="2"
>No one was hurt.</mrk></seg-source>
<target><mrk mtype="seg" mid="1">Des roquettes ont frappé la base.</mrk> <mrk mtype="seg" mid="2"/></target>
</trans-unit></body></file></xliff>""",
        encoding="utf-8",
    )
    f = read_bilingual(path)
    assert [(s.id, s.source, s.target) for s in f.segments] == [
        ("p1:1", "Rockets hit the base.", "Des roquettes ont frappé la base."),
        ("p1:2", "No one was hurt.", ""),
    ]


def test_xliff12_pairs_are_linked_by_rid(tmp_path: Path) -> None:
    path = tmp_path / "pairs.xlf"
    path.write_text(
        """<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="a" source-language="en" target-language="fr" datatype="html"><body>
<trans-unit id="b1"><source><bx id="1" rid="7"/>Breaking:<ex id="2" rid="7"/> rockets hit the base.</source>
<target><ex id="2" rid="7"/>Dernière heure :<bx id="1" rid="7"/> des roquettes ont frappé la base.</target>
</trans-unit></body></file></xliff>""",
        encoding="utf-8",
    )
    (seg,) = read_bilingual(path).segments
    assert seg.source_tags == ("bx:7", "ex:7") and seg.target_tags == ("ex:7", "bx:7")
    assert [(f.kind, f.tag) for f in tag_findings(seg)] == [("order", "ex:7")]
    fine = Segment("s", "Rockets.", "Roquettes.", ("bpt:1", "ept:1"), ("bpt:1", "ept:1"))
    assert tag_findings(fine) == []
    twice = Segment("s", "Rockets.", "Roquettes.", ("ph:1", "ph:1"), ())
    assert [f.message for f in tag_findings(twice)] == [
        "tag ph:1 is in the source but missing in the target (2 times)"
    ]


def test_tmx_with_several_targets_needs_a_choice(tmp_path: Path) -> None:
    path = tmp_path / "multi.tmx"
    path.write_text(
        """<tmx version="1.4"><header srclang="en" segtype="sentence" o-tmf="x" adminlang="en"
 datatype="plaintext" creationtool="t" creationtoolversion="1"/><body>
<tu><tuv xml:lang="en"><seg>The attack failed.</seg></tuv>
<tuv xml:lang="de"><seg>Der Angriff scheiterte.</seg></tuv>
<tuv xml:lang="ro"><seg>Atacul a eșuat.</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Nobody was hurt.</seg></tuv>
<tuv xml:lang="ro"><seg>Nimeni nu a fost rănit.</seg></tuv></tu>
</body></tmx>""",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"several target languages \(de, ro\).*--tgt-lang"):
        read_bilingual(path)
    ro = read_bilingual(path, target_lang="ro")
    assert ro.target_lang == "ro" and [s.target for s in ro.segments] == [
        "Atacul a eșuat.",
        "Nimeni nu a fost rănit.",
    ]
    de = read_bilingual(path, target_lang="DE")
    assert [s.id for s in de.segments] == ["1", "2"] and de.segments[1].target == ""


def test_xliff_languages_must_agree_with_the_options(tmp_path: Path) -> None:
    path = write(tmp_path, "xliff-1.2")
    assert read_bilingual(path, source_lang="en-GB", target_lang="de").target_lang == "de-DE"
    with pytest.raises(InputError, match="target language is 'de-DE', not 'fr'"):
        read_bilingual(path, target_lang="fr")


def test_repeated_ids_are_made_unique(tmp_path: Path) -> None:
    path = tmp_path / "two-files.xlf"
    unit = '<trans-unit id="1"><source>{}</source><target>{}</target></trans-unit>'
    path.write_text(
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        + "".join(
            f'<file original="{n}" source-language="en" target-language="fr" datatype="x"><body>'
            + unit.format(s, t)
            + "</body></file>"
            for n, s, t in (("a", "Hello.", "Bonjour."), ("b", "Thanks.", "Merci."))
        )
        + "</xliff>",
        encoding="utf-8",
    )
    f = read_bilingual(path)
    assert [s.id for s in f.segments] == ["1", "1#2"]
    out = tmp_path / "out.xlf"
    write_xliff_notes(path, out, {"1#2": ["second file"]})
    notes = [n.text for n in ET.parse(out).getroot().iter("{urn:oasis:names:tc:xliff:document:1.2}note")]
    assert notes == ["second file"]
    assert "second file</note></trans-unit></body></file></xliff>" in out.read_text(encoding="utf-8")


def test_is_bilingual_by_extension_or_root(tmp_path: Path) -> None:
    sniffed = tmp_path / "memory.xml"
    sniffed.write_text('<?xml version="1.0"?>\n<!-- tm -->\n<tmx version="1.4"/>', encoding="utf-8")
    html = tmp_path / "page.xml"
    html.write_text("<html><body>hi</body></html>", encoding="utf-8")
    text = tmp_path / "mt.txt"
    text.write_text("<b>not xml</b> but a line\n", encoding="utf-8")
    assert is_bilingual(tmp_path / "x.XLF") and is_bilingual(tmp_path / "y.tmx")
    assert is_bilingual(sniffed)
    assert not is_bilingual(html) and not is_bilingual(text)
    assert not is_bilingual(tmp_path / "missing.txt") and not is_bilingual(Path("-"))
    assert not is_bilingual(tmp_path)


BAD = {
    "corrupt": ("<xliff version='1.2'><file>", "not well-formed XML"),
    "dtd": (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        "<tmx version='1.4'><body><tu><tuv xml:lang='en'><seg>&lol2;</seg></tuv></tu></body></tmx>",
        "has a DTD",
    ),
    "wrong-root": ("<html><body>Three rockets hit the base.</body></html>", "root element <html>"),
    "empty": ("  \n", "empty file"),
    "no-units": (
        "<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'><file source-language='en'"
        " original='a' datatype='x'><body/></file></xliff>",
        "holds no translation units",
    ),
    "undefined-entity": ("<tmx version='1.4'><body>&nbsp;</body></tmx>", "undefined entity"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_raise_input_errors_naming_the_file(case: str, tmp_path: Path) -> None:
    text, message = BAD[case]
    path = tmp_path / f"{case}.xlf"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as exc:
        read_bilingual(path)
    assert str(path) in str(exc.value) and "\n" not in str(exc.value)


def test_deeply_nested_inline_elements_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.tmx"
    deep = "<hi>" * 300 + "Rockets." + "</hi>" * 300
    path.write_text(
        f'<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>{deep}</seg></tuv>'
        "</tu></body></tmx>",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=f"{path}: inline elements nested more than"):
        read_bilingual(path)


def test_tmx_without_source_language_asks_for_it(tmp_path: Path) -> None:
    path = tmp_path / "nolang.tmx"
    path.write_text(TMX.replace('srclang="en-US"', 'srclang="*all*"'), encoding="utf-8")
    with pytest.raises(InputError, match=r"names no source language.*--src-lang"):
        read_bilingual(path)
    assert read_bilingual(path, source_lang="en").segments == read_bilingual(write(tmp_path, "tmx")).segments


@settings(max_examples=60)
@given(cut=st.integers(0, len(XLIFF12.encode())), junk=st.binary(max_size=8))
def test_damaged_files_read_or_fail_with_input_error(cut: int, junk: bytes) -> None:
    """Bytes spliced into an XLIFF: either it still reads, or one InputError, never a traceback."""
    import tempfile

    data = XLIFF12.encode()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.xlf"
        path.write_bytes(data[:cut] + junk + data[cut + len(junk) :])
        try:
            read_bilingual(path)
        except InputError as exc:
            assert str(path) in str(exc) and "\n" not in str(exc)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_bilingual(tmp_path / "nothing.tmx")


# ---------------------------------------------------------------- notes


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_notes_go_into_a_copy_that_keeps_everything(fmt: str, tmp_path: Path) -> None:
    path = write(tmp_path, fmt)
    before = path.read_bytes()
    f = read_bilingual(path)
    out = tmp_path / f"annotated-{path.name}"
    first, last = f.segments[0].id, f.segments[-1].id
    write_xliff_notes(path, out, {first: ["score 0.2 & <fine>"], last: ["untranslated"]})
    assert path.read_bytes() == before
    again = read_bilingual(out)
    assert again.segments == f.segments and again.format == f.format
    notes = [n.text for n in ET.parse(out).getroot().iter() if n.tag.endswith("note")]
    assert "score 0.2 & <fine>" in notes and "untranslated" in notes
    # The copy is the input plus the notes: removing them gives the input back.
    text = out.read_text(encoding="utf-8")
    for line in text.splitlines():
        if "score 0.2" in line or ">untranslated<" in line:
            text = text.replace(line + "\n", "")
    if fmt == "xliff-2":  # u3 had no <notes>: a new one was made for it
        assert "from the newsroom" in notes
        text = text.replace("      <notes>\n      </notes>\n", "")
    assert text == before.decode("utf-8")


def test_notes_keep_a_namespace_prefix_and_utf16(tmp_path: Path) -> None:
    path = tmp_path / "prefixed.xlf"
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<x:xliff xmlns:x="urn:oasis:names:tc:xliff:document:1.2" version="1.2">'
        '<x:file original="a" source-language="en" target-language="ro" datatype="x"><x:body>'
        '<x:trans-unit id="n1"><x:source>The attack failed.</x:source>'
        "<x:target>Atacul a eșuat.</x:target></x:trans-unit>"
        "</x:body></x:file></x:xliff>"
    )
    path.write_bytes(text.encode("utf-16"))
    out = tmp_path / "out.xlf"
    write_xliff_notes(path, out, {"n1": ["verificat: țară"]})
    written = out.read_bytes().decode("utf-16")
    assert '<x:note from="mtrepair">verificat: țară</x:note></x:trans-unit>' in written
    assert read_bilingual(out).segments == read_bilingual(path).segments


def test_notes_refuse_unknown_ids_and_overwriting_the_input(tmp_path: Path) -> None:
    path = write(tmp_path, "xliff-1.2")
    with pytest.raises(InputError, match="no segment with id 'nope'"):
        write_xliff_notes(path, tmp_path / "o.xlf", {"nope": ["x"]})
    with pytest.raises(OutputError, match="is also an input"):
        write_xliff_notes(path, path, {"u1": ["x"]})
    assert not (tmp_path / "o.xlf").exists()


def test_term_qa_per_segment(tmp_path: Path, glossary: Path) -> None:
    f = read_bilingual(write(tmp_path, "tmx"))
    results = {r.segment.id: r for r in term_qa(f, Matcher(load([glossary])), src_lang="en", tgt_lang="fr")}
    assert not results["t1"].has_findings
    assert results["t2"].messages() == ["tag: tag ph:2 is in the source but missing in the target"]
    # Wayne Marotto has no French form: the canonical one is expected, and is there.
    assert [t.entry for t in results["t3"].terms] == [] and results["t3"].tags
    assert results["t4"].untranslated and results["t4"].messages() == ["untranslated"]


# ---------------------------------------------------------------- qe


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_qe_json_is_keyed_by_segment_id(fmt: str, tmp_path: Path, runner: CliRunner) -> None:
    path = write(tmp_path, fmt)
    f = read_bilingual(path)
    run = runner.invoke(app, ["qe", "--mt", str(path), "--format", "json"])
    assert run.exit_code == 0, run.output
    doc = json.loads(run.stdout)
    assert doc["bilingual"]["format"] == fmt and doc["bilingual"]["segments"] == len(f.segments)
    rows = {row["id"]: row for row in doc["sentences"]}
    assert list(rows) == [s.id for s in f.segments]
    # A non-English target has no learned model: the model-free scores with the source.
    assert doc["model"] == "none"
    missing = f.segments[1].id
    assert rows[missing]["tags"][0]["kind"] == "missing"
    assert rows[f.segments[-1].id]["untranslated"] is True
    assert "untranslated" not in rows[f.segments[0].id] and rows[f.segments[0].id]["tags"] == []
    assert all(0.0 <= row["score"] <= 1.0 for row in rows.values())


def test_qe_learned_model_on_english_xliff_with_notes(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "ro-en.xlf"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="stiri.html" source-language="ro-RO" target-language="en-US" datatype="html">
    <body>
      <trans-unit id="n1">
        <source>Armata a anunțat că <g id="1">trei rachete</g> au lovit baza aeriană.</source>
        <target>The army said that <g id="1">three rockets</g> hit the air base.</target>
      </trans-unit>
      <trans-unit id="n2">
        <source>Nimeni nu a fost rănit<x id="2"/> în atac.</source>
        <target>Nobody nobody was was hurt hurt in in the attack attack.</target>
      </trans-unit>
      <trans-unit id="n3">
        <source>Oficialii nu au dat detalii.</source>
        <target/>
      </trans-unit>
    </body>
  </file>
</xliff>
""",
        encoding="utf-8",
    )
    before = path.read_bytes()
    notes = tmp_path / "ro-en.qe.xlf"
    run = runner.invoke(app, ["qe", "--mt", str(path), "--format", "json", "--notes-out", str(notes)])
    assert run.exit_code == 0, run.output
    doc = json.loads(run.stdout)
    assert doc["model"] == "learned-with-source" and doc["source"]["lang"] == "ro"
    rows = {row["id"]: row for row in doc["sentences"]}
    assert rows["n2"]["score"] > rows["n1"]["score"]  # the stuttering translation is worse
    assert rows["n2"]["tags"] == [
        {"kind": "missing", "tag": "x:2", "message": "tag x:2 is in the source but missing in the target"}
    ]
    assert rows["n3"]["untranslated"] is True
    assert path.read_bytes() == before
    ns = "{urn:oasis:names:tc:xliff:document:1.2}"
    units = {u.get("id"): u for u in ET.parse(notes).getroot().iter(f"{ns}trans-unit")}
    note2 = units["n2"].find(f"{ns}note")
    assert note2 is not None and note2.get("from") == "mtrepair"
    assert (
        note2.text
        == f"mtrepair qe: score {rows['n2']['score']:.3f}; "
        + "; ".join(
            f"{r['feature']}={r['value']:.3g}"
            + (f' at "{r["at"]}"' if "at" in r else "")
            + f" (+{r['contribution']:.2f})"
            for r in rows["n2"]["reasons"]
        )
        + "; tag x:2 missing"
    )
    note3 = units["n3"].find(f"{ns}note")
    # nothing translated: every word is still to write (score 1, as the hand-weighted score gives)
    assert note3 is not None and note3.text == "mtrepair qe: score 1.000; untranslated"
    text = runner.invoke(app, ["qe", "--mt", str(path)])
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["n1", "n2", "n3"]
    assert lines[1].endswith(f"tag x:2 missing\t{rows['n2']['score']:.3f}")
    assert lines[2] == "n3\tuntranslated\t1.000"


def test_qe_text_output_of_the_model_free_scores(tmp_path: Path, runner: CliRunner) -> None:
    run = runner.invoke(app, ["qe", "--mt", str(write(tmp_path, "tmx"))])
    assert run.exit_code == 0, run.output
    rows = [line.split("\t") for line in run.stdout.splitlines()]
    assert [r[0] for r in rows] == ["t1", "t2", "t3", "t4"] and all(len(r) == 3 for r in rows)
    assert rows[1][1].endswith("tag ph:2 missing") and rows[2][1].endswith("tag ph:7 extra")
    assert rows[3][1] == "untranslated"
    assert all(0.0 <= float(r[2]) <= 1.0 for r in rows)


def test_qe_text_lines_unchanged_for_plain_files(tmp_path: Path, runner: CliRunner) -> None:
    mt = tmp_path / "mt.txt"
    mt.write_text("The army said three rockets hit the base.\n\n", encoding="utf-8")
    run = runner.invoke(app, ["qe", "--mt", str(mt)])
    assert run.exit_code == 0
    assert [line.split("\t")[0] for line in run.stdout.splitlines()] == ["1", "2"]
    assert run.stdout.splitlines()[1] == "2\t-\t0.000"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--src", "{plain}"], "holds the source too; drop --src"),
        (["--lang", "fr"], "not 'fr'"),
    ],
)
def test_qe_refuses_conflicting_options(
    extra: list[str], message: str, tmp_path: Path, runner: CliRunner
) -> None:
    path = write(tmp_path, "xliff-1.2")
    plain = tmp_path / "src.txt"
    plain.write_text("Three rockets hit the base.\n", encoding="utf-8")
    run = runner.invoke(app, ["qe", "--mt", str(path), *(a.format(plain=plain) for a in extra)])
    assert run.exit_code != 0 and message in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_qe_notes_out_needs_a_bilingual_file(tmp_path: Path, runner: CliRunner) -> None:
    mt = tmp_path / "mt.txt"
    mt.write_text("The army said three rockets hit the base.\n", encoding="utf-8")
    run = runner.invoke(app, ["qe", "--mt", str(mt), "--notes-out", str(tmp_path / "n.xlf")])
    assert run.exit_code == 5 and "copy of a TMX/XLIFF --mt" in run.stderr
    assert not (tmp_path / "n.xlf").exists()


# ---------------------------------------------------------------- glossary qa


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_glossary_qa_on_bilingual_files(fmt: str, tmp_path: Path, glossary: Path, runner: CliRunner) -> None:
    path = write(tmp_path, fmt)
    before = path.read_bytes()
    f = read_bilingual(path)
    ids = [s.id for s in f.segments]
    out = tmp_path / f"qa-{path.name}"
    args = ["glossary", "qa", "--mt", str(path), "--glossary", str(glossary)]
    run = runner.invoke(app, [*args, "--format", "json", "--notes-out", str(out)])
    assert run.exit_code == 1, run.output
    doc = json.loads(run.stdout)
    assert doc["format"] == fmt and doc["checked"] == len(ids)
    found = doc["segments"]
    assert ids[0] not in found  # the first segment is clean in every file
    assert found[ids[1]]["tags"][0]["kind"] == "missing"
    assert found[ids[-1]] == {"untranslated": True, "terms": [], "tags": []}
    assert path.read_bytes() == before
    notes = [n.text or "" for n in ET.parse(out).getroot().iter() if n.tag.endswith("note")]
    # A unit of several segments names the segment: "[u2:s1] mtrepair glossary qa: …".
    assert sum("mtrepair glossary qa: " in n for n in notes) == sum(
        len(v["tags"]) + len(v["terms"]) + v["untranslated"] for v in found.values()
    )
    assert read_bilingual(out).segments == f.segments
    text = runner.invoke(app, args)
    assert text.exit_code == 1
    assert f"{path}:{ids[-1]}: untranslated" in text.stdout.splitlines()


def test_glossary_qa_reports_a_respelled_term_per_segment(
    tmp_path: Path, glossary: Path, runner: CliRunner
) -> None:
    path = tmp_path / "terms.xlf"
    path.write_text(
        """<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="a" source-language="en-GB" target-language="fr-FR" datatype="plaintext"><body>
<trans-unit id="ok"><source>Ain al-Asad is in Anbar.</source>
<target>Aïn al-Asad est dans l'Anbar.</target></trans-unit>
<trans-unit id="bad"><source>Rockets hit Ain al-Asad.</source>
<target>Des roquettes ont frappé Aïn al-Assad.</target></trans-unit>
</body></file></xliff>""",
        encoding="utf-8",
    )
    run = runner.invoke(
        app, ["glossary", "qa", "--mt", str(path), "--glossary", str(glossary), "--format", "json"]
    )
    assert run.exit_code == 1
    found = json.loads(run.stdout)["segments"]
    assert list(found) == ["bad"]
    (term,) = found["bad"]["terms"]
    assert (term["entry"], term["found"], term["expected"], term["line"]) == (
        "ain-al-asad",
        "Aïn al-Assad",
        "Aïn al-Asad",
        2,
    )
    fixed = tmp_path / "fixed.xlf"
    fixed.write_text(
        path.read_text(encoding="utf-8").replace("Aïn al-Assad", "Aïn al-Asad"), encoding="utf-8"
    )
    clean = runner.invoke(app, ["glossary", "qa", "--mt", str(fixed), "--glossary", str(glossary)])
    assert clean.exit_code == 0 and clean.stdout == ""


def test_glossary_qa_plain_texts_still_need_src(tmp_path: Path, glossary: Path, runner: CliRunner) -> None:
    mt = tmp_path / "mt.txt"
    mt.write_text("Rockets hit Ain al-Asad.\n", encoding="utf-8")
    run = runner.invoke(app, ["glossary", "qa", "--mt", str(mt), "--glossary", str(glossary)])
    assert run.exit_code == 5 and "--src is missing" in run.stderr


@pytest.mark.parametrize("command", ["qe", "glossary-qa"])
@pytest.mark.parametrize("case", ["corrupt", "dtd", "wrong-root", "missing"])
def test_cli_bad_bilingual_input_is_one_line(
    command: str, case: str, tmp_path: Path, glossary: Path, runner: CliRunner
) -> None:
    path = tmp_path / f"{case}.xlf"
    if case != "missing":
        path.write_text(BAD[case][0], encoding="utf-8")
    if command == "qe":
        args = ["qe", "--mt", str(path)]
    else:
        args = ["glossary", "qa", "--mt", str(path), "--glossary", str(glossary)]
    run = runner.invoke(app, args)
    assert run.exit_code == 2, run.output
    assert run.stdout == "" and "Traceback" not in run.output
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith("mtrepair: error: ") and str(path) in line


# ---------------------------------------------------------------- README

README_EXAMPLES = """\
mtrepair qe --mt news.xlf                                # source and MT from the file; rows by segment id
mtrepair qe --mt news.xlf --format json --notes-out news.qe.xlf   # JSON keyed by "id"; a copy with notes
mtrepair qe --mt news.tmx --src-lang en --lang fr        # a TMX may hold several targets: choose one
mtrepair glossary qa --mt news.xlf2                      # terms, tags, untranslated per id; exit 1 if any
mtrepair glossary qa --mt news.xlf2 --format json --notes-out news.qa.xlf2
"""


def test_readme_examples(tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's "Bilingual files" commands, run on the test files (once merged, verbatim)."""
    import shlex

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if "### Bilingual files" in readme:
        assert README_EXAMPLES in readme
    for fmt in FILES:
        write(tmp_path, fmt)
    monkeypatch.chdir(tmp_path)
    for line in README_EXAMPLES.splitlines():
        args = shlex.split(line.partition("#")[0])[1:]
        run = runner.invoke(app, args)
        assert run.exit_code == (1 if args[0] == "glossary" else 0), (line, run.output)
        assert run.stdout.strip(), line
    assert read_bilingual(tmp_path / "news.qe.xlf").segments == read_bilingual(tmp_path / "news.xlf").segments
    assert "mtrepair glossary qa: " in (tmp_path / "news.qa.xlf2").read_text(encoding="utf-8")
