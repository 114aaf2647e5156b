"""The command line: thin typer wrappers around library functions.

Each command turns options into a :class:`Config` and library calls; domain errors
(:class:`MtrepairError`) become one line on stderr and a non-zero exit here, and
nowhere else. Exit codes: 0 success, 1 findings-related failure, 2 bad input,
3 bad report, 4 bad output location, 5 bad configuration, 6 some JSONL records
were skipped (the rest was processed), 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from mtrepair import __version__
from mtrepair.cli_align import align
from mtrepair.cli_bench import bench as bench_command
from mtrepair.cli_common import cli_errors, err, fail
from mtrepair.cli_glossary import app as glossary_app
from mtrepair.cli_measure import score as score_command
from mtrepair.cli_qe import qe as qe_command
from mtrepair.config import Config
from mtrepair.errors import ConfigError, ReportError
from mtrepair.io import ReadProblems, atomic_writer, decode, is_jsonl, read_documents
from mtrepair.pipeline import undo as undo_steps
from mtrepair.progress import ProgressSink, reporter
from mtrepair.registry import RULES
from mtrepair.report import read_report, sha256, steps_of
from mtrepair.rules import PIPELINE

app = typer.Typer(
    name="mtrepair",
    help="Detect, repair and measure damage in machine-translated, scraped news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(glossary_app, name="glossary")
app.command("align")(align)
app.command("score")(score_command)
app.command("qe")(qe_command)
app.command("bench")(bench_command)
RECORDS_SKIPPED = 6

T = TypeVar("T")


def _config(
    lang: str,
    disable: list[str] | None,
    boilerplate: list[Path] | None,
    glossary: list[Path] | None,
    no_glossary: bool,
) -> Config:
    from mtrepair.glossary import default_paths

    config = Config(lang=lang, disabled=frozenset(disable or ()))
    for path in boilerplate or ():
        config = config.with_boilerplate_file(path)
    if no_glossary:
        return config
    return config.with_glossary(list(glossary) if glossary else default_paths())


def _report_problems(problems: list[str]) -> None:
    for p in problems:
        err.print(f"mtrepair: warning: {p}", markup=False, soft_wrap=True)


PathsArg = Annotated[
    list[str], typer.Argument(help="Files (.txt, .jsonl, .jsonl.gz), folders, or - for stdin.")
]
LangOpt = Annotated[str, typer.Option("--lang", help="Document language: auto, en, fr, de, es or ar.")]
DisableOpt = Annotated[
    list[str] | None, typer.Option("--disable", help="Turn a rule off (repeatable); see `mtrepair rules`.")
]
BoilerOpt = Annotated[
    list[Path] | None, typer.Option("--boilerplate", help="Extra boilerplate patterns file (repeatable).")
]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Encoding of the inputs.")]
GlossaryOpt = Annotated[
    list[Path] | None,
    typer.Option("--glossary", help="Glossary file(s) replacing the shipped glossaries/*.toml (repeatable)."),
]
NoGlossaryOpt = Annotated[bool, typer.Option("--no-glossary", help="Do not normalize glossary terms.")]


def _with_progress(log_every: float, run: Callable[[ProgressSink | None], T]) -> T:
    """A live bar on a terminal, plain lines every ``log_every`` seconds otherwise."""
    if log_every < 0:
        raise ConfigError(f"--log-every must be 0 (off) or a number of seconds, not {log_every}")
    with reporter(err, log_every=log_every) as progress:
        return run(progress)


@app.command()
def clean(
    paths: PathsArg,
    output: Annotated[
        str | None,
        typer.Option(
            "-o", "--output", help="Output file, or folder (existing, or ending in /) to mirror inputs."
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="text or jsonl (default: jsonl for JSONL inputs, else text)."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write every edit to this JSON file (for review and undo)."),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", help="Write a self-contained HTML page of every edit, to review in a browser."
        ),
    ] = None,
    lang: LangOpt = "auto",
    disable: DisableOpt = None,
    boilerplate: BoilerOpt = None,
    encoding: EncodingOpt = "utf-8",
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    reference: Annotated[
        Path | None, typer.Option("--reference", help="A clean version of the same story to compare with.")
    ] = None,
    adopt: Annotated[
        str,
        typer.Option("--adopt", help="With --reference: none, mismatch, or below:SCORE (replace sentences)."),
    ] = "none",
    model: Annotated[
        str, typer.Option("--model", help="With --reference: similarity backend (see align).")
    ] = "lexical",
    model_path: Annotated[
        Path | None, typer.Option("--model-path", help="Local model for --model hf.")
    ] = None,
    min_score: Annotated[
        float, typer.Option("--min-score", help="With --reference: weaker beads stay unaligned.")
    ] = 0.2,
    workers: Annotated[
        int, typer.Option("--workers", help="Clean in N processes (results stay in input order).")
    ] = 1,
    engine: Annotated[
        str, typer.Option("--engine", help="local, or dask (every input file a Dask task; needs -o FOLDER/).")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="With --engine dask: an existing cluster (tcp://HOST:8786)."),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Skip input files whose output in -o FOLDER/ is complete.")
    ] = False,
    report_dir: Annotated[
        Path | None,
        typer.Option("--report-dir", help="Write the edits of each input file to DIR/NAME.edits.jsonl."),
    ] = None,
    log_every: Annotated[
        float,
        typer.Option("--log-every", help="Stderr not a terminal: a progress line every N seconds (0: none)."),
    ] = 30.0,
    garble: Annotated[
        bool | None,
        typer.Option(
            "--garble/--no-garble",
            help="Score every output sentence in the report (default: with --report/--html, "
            "not for --report-dir alone).",
        ),
    ] = None,
) -> None:
    """Repair documents; every edit is logged with --report and can be undone.

    Input files are shards: with -o FOLDER/ each output is committed atomically
    with a hidden .NAME.done marker (--resume skips finished ones), and documents
    whose repair fails go to NAME.excluded.jsonl with their reason.
    """
    from mtrepair.corpus import clean_corpus

    with cli_errors():
        config = _config(lang, disable, boilerplate, glossary, no_glossary)
        spec = _reference(reference, adopt, model, model_path, min_score, encoding)
        summary = _with_progress(
            log_every,
            lambda cb: clean_corpus(
                paths,
                config=config,
                out=output,
                stdout=sys.stdout,
                fmt=fmt,
                report=report,
                encoding=encoding,
                progress=cb,
                workers=workers,
                engine=engine,
                scheduler=scheduler,
                resume=resume,
                report_dir=report_dir,
                reference=spec,
                html=html,
                garble=garble,
            ),
        )
        _report_problems(summary.problems)
        if output is not None or report is not None or html is not None:
            err.print(
                f"mtrepair: {summary.documents} documents, {summary.changed} changed, "
                f"{summary.edits} edits, {summary.flags} flags",
                markup=False,
            )
        if summary.resumed:
            err.print(f"mtrepair: {summary.resumed} input files already done (--resume)", markup=False)
        if summary.excluded:
            err.print(
                f"mtrepair: {summary.excluded} excluded (broken or failed), each with its reason "
                "in the warnings above and, with -o FOLDER/, in NAME.excluded.jsonl",
                markup=False,
                soft_wrap=True,
            )
        if summary.problems:
            raise typer.Exit(RECORDS_SKIPPED)


def _reference(
    path: Path | None, adopt: str, model: str, model_path: Path | None, min_score: float, encoding: str
) -> Any:
    """The reference document and how to compare with it (None without --reference)."""
    from mtrepair.align.reference import Policy

    policy = Policy.parse(adopt)
    if path is None:
        if adopt != "none":
            raise ConfigError("--adopt needs --reference CLEAN_PATH")
        return None
    from mtrepair.align.backends import get_backend
    from mtrepair.corpus import ReferenceSpec

    docs = list(read_documents([str(path)], encoding=encoding))
    if len(docs) != 1:
        raise ConfigError(f"{path}: --reference takes one document, found {len(docs)}")
    return ReferenceSpec(docs[0].text, str(path), get_backend(model, model_path), min_score, policy)


@app.command()
def detect(
    paths: PathsArg,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    lang: LangOpt = "auto",
    disable: DisableOpt = None,
    boilerplate: BoilerOpt = None,
    encoding: EncodingOpt = "utf-8",
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    garble: Annotated[
        bool, typer.Option("--garble/--no-garble", help="Also give every sentence a garble score (qe).")
    ] = True,
    garble_min: Annotated[
        float,
        typer.Option("--garble-min", help="Text format: show sentences scoring at least this (JSON: all)."),
    ] = 0.45,
) -> None:
    """List the damage in documents: rule, span, line, text, reason, confidence.

    With --garble (the default) every sentence also gets the fluency garble score
    of `mtrepair qe` (0 clean, 1 garbled) and the signals that raised it: JSON
    rows of kind "sentence"; the text format prints those at or above --garble-min.
    """
    from mtrepair.corpus import iter_results
    from mtrepair.segment import Document

    with cli_errors():
        if fmt not in ("text", "json"):
            raise fail(f"unknown format {fmt!r}; use text or json", 2)
        config = _config(lang, disable, boilerplate, glossary, no_glossary)
        problems = ReadProblems()
        rows: list[dict[str, Any]] = []
        for doc, findings in iter_results(paths, config=config, encoding=encoding, problems=problems):
            lines = Document(doc.text, "en")
            for f in findings:
                row = {
                    "doc": doc.id,
                    "kind": "finding",
                    "rule": f.rule,
                    "start": f.start,
                    "end": f.end,
                    "line": lines.line_of(f.start),
                    "text": doc.text[f.start : f.end],
                    "message": f.message,
                    "confidence": f.confidence,
                    "replacement": f.replacement,
                }
                if fmt == "json":
                    rows.append(row)
                else:
                    snippet = json.dumps(row["text"][:60], ensure_ascii=False)
                    action = "flag" if f.replacement is None else "fix"
                    sys.stdout.write(
                        f"{doc.id}:{row['line']}: {f.rule} [{action} {f.confidence:.2f}] "
                        f"{f.message} {snippet}\n"
                    )
            if garble:
                _garble_rows(doc.id, doc.text, config.lang, fmt, garble_min, rows)
        if fmt == "json":
            json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        _report_problems(problems.messages)
        if problems.messages:
            raise typer.Exit(RECORDS_SKIPPED)


def _garble_rows(
    doc_id: str, text: str, lang: str, fmt: str, show: float, rows: list[dict[str, Any]]
) -> None:
    """``detect``'s sentence scores: appended to ``rows`` (JSON) or printed (text)."""
    from mtrepair.qe.sentences import garble_sentences

    for g in garble_sentences(text, lang):
        sentence = text[g.start : g.end]
        if fmt == "json":
            rows.append({"doc": doc_id, "kind": "sentence", **g.as_dict(), "text": sentence})
        elif g.score >= show:
            why = f" ({', '.join(g.reasons)})" if g.reasons else ""
            snippet = json.dumps(" ".join(sentence.split())[:60], ensure_ascii=False)
            sys.stdout.write(f"{doc_id}:{g.line}: garble {g.score:.2f}{why} {snippet}\n")


@app.command()
def undo(
    repaired: Annotated[Path, typer.Argument(help="The output of clean (text or JSONL).")],
    report: Annotated[Path, typer.Option("--report", help="The report clean wrote for it.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Restore the original input, byte for byte, from a repaired file and its report.

    A text input that was not UTF-8 (``clean --encoding``, or a UTF-16 file with a
    byte-order mark) is written back in its own encoding, which the report records.
    """
    with cli_errors():
        docs = read_report(report)
        if is_jsonl(str(repaired)):
            restored = _undo_jsonl(repaired, report, docs).encode("utf-8", "surrogatepass")
        else:
            restored = _undo_text(repaired, report, docs)
        _emit(restored, output, protect=(repaired, report))


def _restore(text: str, entry: dict[str, Any], report: Path, repaired: Path) -> str:
    if sha256(text) != entry.get("output_sha256"):
        raise ReportError(
            f"{repaired}: does not match document {entry.get('id')!r} of {report} "
            "(edited since, or another report); pass the file clean wrote with this report"
        )
    original = undo_steps(text, steps_of(entry, str(report)))
    if sha256(original) != entry.get("input_sha256"):
        raise ReportError(f"{report}: undo of {entry.get('id')!r} does not reproduce the input checksum")
    return original


def _entry_encoding(entry: dict[str, Any], report: Path) -> str:
    """The codec the original input was read with (UTF-8 unless the report says otherwise)."""
    import codecs

    encoding = entry.get("encoding", "utf-8")
    try:
        codecs.lookup(str(encoding))
    except LookupError:
        raise ReportError(f"{report}: unknown encoding {encoding!r}; the report is corrupt") from None
    return str(encoding)


def _undo_text(repaired: Path, report: Path, docs: list[dict[str, Any]]) -> bytes:
    if len(docs) != 1:
        raise ReportError(
            f"{report}: holds {len(docs)} documents; undo a text file with a one-document "
            "report, or clean to JSONL / a folder"
        )
    try:
        data = repaired.read_bytes()
    except OSError as exc:
        raise ReportError(f"{repaired}: cannot read ({exc.strerror}); pass the file clean wrote") from None
    original = _restore(decode(data, str(repaired)), docs[0], report, repaired)
    encoding = _entry_encoding(docs[0], report)
    try:
        return original.encode(encoding)
    except UnicodeEncodeError:
        raise ReportError(f"{report}: the restored text cannot be written as {encoding}") from None


def _undo_jsonl(repaired: Path, report: Path, docs: list[dict[str, Any]]) -> str:
    by_id = {str(d.get("id")): d for d in docs}
    out: list[str] = []
    for doc in read_documents([str(repaired)]):
        entry = by_id.get(doc.id)
        if entry is None:
            raise ReportError(f"{repaired}:{doc.line}: document {doc.id!r} is not in {report}")
        record = dict(doc.record or {})
        record.pop("mtrepair", None)
        record["text"] = _restore(doc.text, entry, report, repaired)
        out.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(out)


def _emit(data: bytes, output: Path | None, protect: tuple[Path, ...]) -> None:
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    with atomic_writer(output, protect=protect) as fh:
        fh.flush()
        fh.buffer.write(data)


@app.command()
def replay(
    original: Annotated[Path, typer.Argument(help="The original input text file.")],
    report: Annotated[Path, typer.Option("--report", help="A one-document report from clean.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Re-apply a report's edits to the original text (reproduces clean's output).

    The original is read in the encoding the report records (UTF-8 by default).
    """
    from mtrepair.pipeline import replay as replay_steps

    with cli_errors():
        docs = read_report(report)
        if len(docs) != 1:
            raise ReportError(f"{report}: holds {len(docs)} documents; replay takes a one-document report")
        try:
            data = original.read_bytes()
        except OSError as exc:
            raise ReportError(f"{original}: cannot read ({exc.strerror}); pass the input of clean") from None
        text = decode(data, str(original), _entry_encoding(docs[0], report))
        if sha256(text) != docs[0].get("input_sha256"):
            raise ReportError(f"{report}: was not made from {original} (checksum differs)")
        replayed = replay_steps(text, steps_of(docs[0], str(report)))
        _emit(replayed.encode("utf-8", "surrogatepass"), output, protect=(original, report))


@app.command("rules")
def list_rules() -> None:
    """List every rule with its family and a one-line explanation."""
    table = Table("rule", "family", "action", "explanation")
    for name in PIPELINE:
        r = RULES[name]
        table.add_row(r.name, r.family, "repair" if r.repairs else "flag", r.explanation)
    Console().print(table)


def _version(value: bool) -> None:
    if value:
        print(f"mtrepair {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Detect, repair and measure damage in machine-translated, scraped news articles."""


def main() -> None:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8", newline="")
    app()
