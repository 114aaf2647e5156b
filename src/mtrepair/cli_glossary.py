"""``mtrepair glossary …``: maintain the shared glossary from the command line.

Thin wrappers over :mod:`mtrepair.glossary`; errors become one line and exit 5
(configuration) through the same handler as the other commands.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mtrepair.cli_common import cli_errors, err
from mtrepair.glossary import Glossary, GlossaryError, Matcher, default_paths, load

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


RECORDS_SKIPPED = 6  # as clean and detect: some JSONL records were skipped, the rest used


def _warn(problems: list[str]) -> None:
    for p in problems:
        err.print(f"mtrepair: warning: {p}", markup=False, soft_wrap=True)


def _first_text(path: Path, encoding: str) -> str:
    """The text of the first document of ``path``; a one-line error if it holds none."""
    from mtrepair.errors import InputError
    from mtrepair.io import ReadProblems, read_documents

    problems = ReadProblems()
    for doc in read_documents([str(path)], encoding=encoding, problems=problems):
        return doc.text
    why = f"; {problems.messages[0]}" if problems.messages else ""
    raise InputError(f"{path}: holds no usable document{why}")


@app.command("list")
def list_entries(
    glossary: GlossaryOpt = None,
    type_: Annotated[str | None, typer.Option("--type", help="Only entries of this type.")] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Only entries with variants in this language.")
    ] = None,
) -> None:
    """List entries: id, type, canonical form, variant counts per language."""
    with cli_errors():
        table = Table("id", "type", "canonical", "variants")
        for e in _load(glossary).entries:
            if (type_ and e.type != type_) or (lang and lang not in e.variants):
                continue
            counts = ", ".join(f"{k}:{len(v)}" for k, v in sorted(e.variants.items()))
            table.add_row(e.id, e.type, e.canonical, counts)
        Console().print(table)


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
        print(f"{path}: {edit.add(path, term, variant, lang=lang, type_=type_, note=note)}")


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
        print(f"{path}: {edit.remove(path, term, variant)}")


@app.command()
def check(glossary: GlossaryOpt = None) -> None:
    """Lint the glossary: conflicts, unsafe variants, schema; exit 1 on errors."""
    from mtrepair.glossary.lint import check as lint

    with cli_errors():
        g = _load(glossary)
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
    """Merge a TBX-Basic or CSV glossary into ours (new entries, new variants)."""
    from mtrepair.glossary import edit
    from mtrepair.glossary.exchange import read_exchange

    with cli_errors():
        incoming = read_exchange(source, fmt, encoding=encoding)
        path = _target(glossary)
        print(f"{path}: {edit.merge(path, list(incoming.entries))}")


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
    src: Annotated[Path, typer.Option("--src", help="The source text.")],
    mt: Annotated[Path, typer.Option("--mt", help="Its translation.")],
    src_lang: Annotated[str, typer.Option("--src-lang", help="Language of the source, e.g. ar.")],
    tgt_lang: Annotated[str, typer.Option("--tgt-lang", help="Language of the translation.")] = "en",
    glossary: GlossaryOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Term QA: glossary terms of the source missing or respelled in the translation."""
    from mtrepair.glossary.qa import check_texts

    with cli_errors():
        s, t = _first_text(src, encoding), _first_text(mt, encoding)
        issues = check_texts(Matcher(_load(glossary)), s, t, src_lang=src_lang, tgt_lang=tgt_lang)
        if fmt == "json":
            json.dump([i.__dict__ for i in issues], sys.stdout, ensure_ascii=False, indent=1)
            print()
        else:
            for i in issues:
                print(f"{mt}:{i.line}: {i.entry}: {i.message}")
        if issues:
            raise typer.Exit(1)
