"""``mtrepair glossary …``: maintain the shared glossary from the command line.

Thin wrappers over :mod:`mtrepair.glossary`; errors become one line and exit 5
(configuration) through the same handler as the other commands.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mtrepair.cli_common import cli_errors, err, fail
from mtrepair.glossary import Entry, Glossary, GlossaryError, Matcher, default_paths, load
from mtrepair.glossary.model import TYPES

app = typer.Typer(
    help="Maintain the shared domain glossary (TOML files in glossaries/).", no_args_is_help=True
)

GlossaryOpt = Annotated[
    list[Path] | None,
    typer.Option("--glossary", help="Glossary file(s) to use instead of the shipped glossaries/*.toml."),
]
EncodingOpt = Annotated[
    str,
    typer.Option("--encoding", help="Encoding of the input texts (glossary TOML files are always UTF-8)."),
]


def _paths(glossary: list[Path] | None) -> list[Path]:
    paths = list(glossary or default_paths())
    if not paths:
        raise GlossaryError(
            "no glossary found: pass --glossary FILE or run from the repository (glossaries/)"
        )
    return paths


def _target(glossary: list[Path] | None) -> Path:
    paths = _paths(glossary)
    if len(paths) != 1:
        raise GlossaryError(f"{len(paths)} glossary files: name the one to change with --glossary FILE")
    return paths[0]


def _load(glossary: list[Path] | None) -> Glossary:
    return load(_paths(glossary))


def _companions(target: Path) -> list[Path]:
    """The files ``clean`` loads together with ``target`` by default, so conflicts across them count.

    Empty unless ``target`` is one of the default glossary files.
    """
    defaults = default_paths()
    resolved = target.resolve()
    if resolved not in {p.resolve() for p in defaults}:
        return []
    return [p for p in defaults if p.resolve() != resolved]


RECORDS_SKIPPED = 6  # as clean and detect: some JSONL records were skipped, the rest used


def _warn(problems: list[str]) -> None:
    for p in problems:
        err.print(f"mtrepair: warning: {p}", markup=False, soft_wrap=True)


def _warn_one(problem: str) -> None:
    _warn([problem])


def _first_text(path: Path, encoding: str) -> str:
    """The text of the first document of ``path``; a one-line error if it holds none."""
    from mtrepair.errors import InputError
    from mtrepair.io import ReadProblems, read_documents

    problems = ReadProblems()
    for doc in read_documents([str(path)], encoding=encoding, problems=problems):
        return doc.text
    why = f"; {problems.messages[0]}" if problems.messages else ""
    raise InputError(f"{path}: holds no usable document{why}")


LIST_FORMATS = ("text", "tsv", "json")
LIST_COLUMNS = ("id", "type", "canonical", "variants")
# Room the table needs beside the ids (three narrow columns and the borders);
# a terminal narrower than that gets plain columns, which it wraps, not cuts.
MIN_OTHER_COLUMNS = 34


def _entry_dict(e: Entry) -> dict[str, object]:
    """One entry for ``list --format json``: everything the file says, plus where."""
    return {
        "id": e.id,
        "type": e.type,
        "canonical": e.canonical,
        "note": e.note,
        "variants": {lang: list(forms) for lang, forms in sorted(e.variants.items())},
        "context": asdict(e.context) if e.context else None,
        "source": e.source,
        "line": e.line,
    }


def _print_columns(rows: list[tuple[str, ...]]) -> None:
    """Plain aligned columns, nothing cut or wrapped: what a pipe or a file gets."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


@app.command("list")
def list_entries(
    glossary: GlossaryOpt = None,
    type_: Annotated[str | None, typer.Option("--type", help="Only entries of this type.")] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Only entries with variants in this language.")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="text (a table; plain columns when not a terminal), tsv (id, type, canonical, "
            "variants) or json (every field).",
        ),
    ] = "text",
) -> None:
    """List entries: id, type, canonical form, variant counts per language.

    Nothing is cut: on a terminal the table keeps ids whole and wraps the other
    columns, and anywhere else (a pipe, a file) the text format is plain
    columns as wide as their longest cell.
    """
    with cli_errors():
        if fmt not in LIST_FORMATS:
            raise fail(f"unknown format {fmt!r}; use {', '.join(LIST_FORMATS)}", 2)
        if type_ is not None and type_ not in TYPES:
            raise fail(f"unknown type {type_!r}; use one of {', '.join(TYPES)}", 2)
        entries = [
            e
            for e in _load(glossary).entries
            if not (type_ and e.type != type_) and not (lang and lang not in e.variants)
        ]
        if fmt == "json":
            json.dump([_entry_dict(e) for e in entries], sys.stdout, ensure_ascii=False, indent=1)
            print()
            return
        rows = [
            (e.id, e.type, e.canonical, " ".join(f"{k}:{len(v)}" for k, v in sorted(e.variants.items())))
            for e in entries
        ]
        if fmt == "tsv":
            # Ids, types, canonical forms and counts never hold tabs or newlines (model.py).
            for row in [LIST_COLUMNS, *rows]:
                print("\t".join(row))
            return
        console = Console()
        id_width = max((len(r[0]) for r in rows), default=2)
        if not console.is_terminal or console.width < id_width + MIN_OTHER_COLUMNS:
            _print_columns([LIST_COLUMNS, *rows])  # the terminal wraps long lines; nothing is cut
            return
        table = Table()
        table.add_column(LIST_COLUMNS[0], no_wrap=True, min_width=id_width)
        for name in LIST_COLUMNS[1:]:
            table.add_column(name, overflow="fold")  # wrapped, never cut with an ellipsis
        for row in rows:
            table.add_row(*row)
        console.print(table)


@app.command()
def show(
    term: Annotated[str, typer.Argument(help="Entry id or canonical form.")], glossary: GlossaryOpt = None
) -> None:
    """Show one entry with its variants, context rule and where it is defined."""
    from mtrepair.glossary.edit import entry_lines

    with cli_errors():
        entry = _load(glossary).get(term)
        if entry is None:
            raise GlossaryError(f"no entry {term!r}; see `mtrepair glossary list`")
        print("\n".join(entry_lines(entry)))


@app.command()
def add(
    term: Annotated[str, typer.Argument(help="Canonical form (or id) of the entry.")],
    variant: Annotated[list[str], typer.Option("--variant", help="A variant spelling (repeatable).")],
    lang: Annotated[str, typer.Option("--lang", help="Language of the variants.")] = "en",
    type_: Annotated[str | None, typer.Option("--type", help="Entry type (for a new entry).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why the entry exists.")] = None,
    glossary: GlossaryOpt = None,
) -> None:
    """Add variants to an entry, creating the entry if it is new (locked, atomic)."""
    from mtrepair.glossary import edit

    with cli_errors():
        path = _target(glossary)
        message = edit.add(
            path,
            term,
            variant,
            lang=lang,
            type_=type_,
            note=note,
            companions=_companions(path),
            warn=_warn_one,
        )
        print(f"{path}: {message}")


@app.command()
def remove(
    term: Annotated[str, typer.Argument(help="Canonical form or id of the entry.")],
    variant: Annotated[list[str] | None, typer.Option("--variant", help="Remove only this variant.")] = None,
    glossary: GlossaryOpt = None,
) -> None:
    """Remove an entry, or only some of its variants."""
    from mtrepair.glossary import edit

    with cli_errors():
        path = _target(glossary)
        message = edit.remove(path, term, variant, companions=_companions(path), warn=_warn_one)
        print(f"{path}: {message}")


@app.command()
def check(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Glossary files to check, together (the same as one --glossary each; "
            "pre-commit passes the changed files this way). None: the shipped glossaries.",
            show_default=False,
        ),
    ] = None,
    glossary: GlossaryOpt = None,
) -> None:
    """Lint the glossary: conflicts, unsafe variants, schema; exit 1 on errors."""
    from mtrepair.glossary.lint import check as lint

    with cli_errors():
        g = _load([*(glossary or []), *(files or [])] or None)
        problems = lint(g)
        for p in problems:
            print(p)
        errors = sum(1 for p in problems if p.severity == "error")
        print(f"{len(g.entries)} entries, {errors} errors, {len(problems) - errors} warnings")
        if errors:
            raise typer.Exit(1)


@app.command()
def suggest(
    paths: Annotated[list[str], typer.Argument(help="Texts to mine: files, folders, JSONL.")],
    glossary: GlossaryOpt = None,
    min_count: Annotated[int, typer.Option("--min-count", help="Ignore spellings seen fewer times.")] = 1,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many.")] = 50,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Mine texts for spellings that look like variants of entries, or of each other."""
    from mtrepair.glossary.suggest import suggest as mine
    from mtrepair.io import ReadProblems, read_documents

    with cli_errors():
        problems = ReadProblems()
        texts = (d.text for d in read_documents(paths, encoding=encoding, problems=problems))
        found = mine(_load(glossary), texts, min_count=min_count)[:limit]
        _warn(problems.messages)
        if fmt == "json":
            json.dump([s.as_dict() for s in found], sys.stdout, ensure_ascii=False, indent=1)
            print()
        else:
            for s in found:
                target = f"variant of {s.entry} ({s.near!r})" if s.entry else f"new cluster with {s.near!r}"
                example = f"  e.g. …{s.examples[0]}…" if s.examples else ""
                print(f"{s.candidate!r} x{s.count}: {target}, distance {s.distance}{example}")
        if problems.messages:
            raise typer.Exit(RECORDS_SKIPPED)


@app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(help="A TBX or CSV file.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="tbx or csv (default: from the suffix).")
    ] = None,
    glossary: GlossaryOpt = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="Encoding of SOURCE (a UTF-16 byte-order mark is honoured).")
    ] = "utf-8",
) -> None:
    """Merge a TBX (2008 martif or 2019 tbx) or CSV glossary into ours: new entries, new variants."""
    from mtrepair.glossary import edit
    from mtrepair.glossary.exchange import read_exchange

    with cli_errors():
        notes: list[str] = []
        incoming = read_exchange(source, fmt, encoding=encoding, notes=notes)
        path = _target(glossary)
        _warn(notes)
        message = edit.merge(path, list(incoming.entries), companions=_companions(path), warn=_warn_one)
        print(f"{path}: {message}")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="tbx or csv.")] = "tbx",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    glossary: GlossaryOpt = None,
) -> None:
    """Export the glossary as TBX-Basic or CSV."""
    from mtrepair.glossary.exchange import to_csv, to_tbx
    from mtrepair.io import atomic_writer

    with cli_errors():
        if fmt not in ("tbx", "csv"):
            raise GlossaryError(f"unknown export format {fmt!r}; use tbx or csv")
        g = _load(glossary)
        text = to_tbx(g) if fmt == "tbx" else to_csv(g)
        if output is None:
            sys.stdout.write(text)
        else:
            with atomic_writer(output) as fh:
                fh.write(text)


@app.command()
def qa(
    mt: Annotated[
        Path,
        typer.Option(
            "--mt",
            help="The translation; or a TMX/XLIFF file holding source and translation (no --src then).",
        ),
    ],
    src: Annotated[Path | None, typer.Option("--src", help="The source text (plain-text --mt).")] = None,
    src_lang: Annotated[
        str | None,
        typer.Option("--src-lang", help="Language of the source, e.g. ar (default: a TMX/XLIFF's own)."),
    ] = None,
    tgt_lang: Annotated[
        str | None,
        typer.Option("--tgt-lang", help="Language of the translation (default en, or a TMX/XLIFF's own)."),
    ] = None,
    glossary: GlossaryOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    encoding: EncodingOpt = "utf-8",
    notes_out: Annotated[
        Path | None,
        typer.Option(
            "--notes-out",
            help="With a TMX/XLIFF --mt: write a copy of it here with the findings as notes of their "
            "segments; the input is not changed.",
        ),
    ] = None,
) -> None:
    """Term QA: glossary terms of the source missing or respelled in the translation.

    With a TMX or XLIFF --mt every segment is checked on its own, its inline tags too
    (missing, extra, closed before opened), and an untranslated segment is a finding;
    findings are reported per segment id. Exit 1 when anything is found.
    """
    from mtrepair.bilingual import is_bilingual
    from mtrepair.glossary.qa import check_texts

    with cli_errors():
        if fmt not in ("text", "json"):
            raise GlossaryError(f"unknown format {fmt!r}; use text or json")
        if is_bilingual(mt):
            if _qa_bilingual(mt, src, src_lang, tgt_lang, glossary, fmt, notes_out):
                raise typer.Exit(1)
            return
        if notes_out is not None:
            raise GlossaryError("--notes-out writes notes into a copy of a TMX/XLIFF --mt; pass one")
        if src is None:
            raise GlossaryError("--src is missing: pass the source text, or a TMX/XLIFF file as --mt")
        if src_lang is None:
            raise GlossaryError("--src-lang is missing: pass the language of --src, e.g. --src-lang ar")
        s, t = _first_text(src, encoding), _first_text(mt, encoding)
        issues = check_texts(Matcher(_load(glossary)), s, t, src_lang=src_lang, tgt_lang=tgt_lang or "en")
        if fmt == "json":
            json.dump([i.__dict__ for i in issues], sys.stdout, ensure_ascii=False, indent=1)
            print()
        else:
            for i in issues:
                print(f"{mt}:{i.line}: {i.entry}: {i.message}")
        if issues:
            raise typer.Exit(1)


def _primary(value: str, given: str | None, path: Path, side: str, option: str) -> str:
    """The glossary language of a TMX/XLIFF side: the option, else the file's code without region."""
    lang = (given or value).strip().replace("_", "-").split("-")[0].lower()
    if not lang:
        raise GlossaryError(f"{path} names no {side} language; pass {option}")
    return lang


def _qa_bilingual(
    mt: Path,
    src: Path | None,
    src_lang: str | None,
    tgt_lang: str | None,
    glossary: list[Path] | None,
    fmt: str,
    notes_out: Path | None,
) -> bool:
    """``glossary qa`` on a TMX/XLIFF file; True when something was found (exit 1)."""
    from mtrepair.bilingual import read_bilingual, term_qa, write_xliff_notes

    if src is not None:
        raise GlossaryError(f"--mt {mt} is a TMX/XLIFF file that holds the source too; drop --src")
    file = read_bilingual(mt, source_lang=src_lang, target_lang=tgt_lang)
    results = term_qa(
        file,
        Matcher(_load(glossary)),
        src_lang=_primary(file.source_lang, src_lang, mt, "source", "--src-lang"),
        tgt_lang=_primary(file.target_lang, tgt_lang, mt, "target", "--tgt-lang"),
    )
    found = [r for r in results if r.has_findings]
    if notes_out is not None:
        notes = {r.segment.id: [f"mtrepair glossary qa: {m}" for m in r.messages()] for r in found}
        write_xliff_notes(mt, notes_out, notes, source_lang=src_lang or None, target_lang=tgt_lang or None)
    if fmt == "json":
        doc = {
            "path": file.path,
            "format": file.format,
            "source_lang": file.source_lang,
            "target_lang": file.target_lang,
            "checked": len(results),
            "segments": {
                r.segment.id: {
                    "untranslated": r.untranslated,
                    "terms": [i.__dict__ for i in r.terms],
                    "tags": [{"kind": t.kind, "tag": t.tag, "message": t.message} for t in r.tags],
                }
                for r in found
            },
        }
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for r in found:
            for message in r.messages():
                print(f"{mt}:{r.segment.id}: {message}")
    return bool(found)
