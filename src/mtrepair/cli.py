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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from mtrepair import __version__, langdata
from mtrepair.cli_align import align
from mtrepair.cli_bench import bench as bench_command
from mtrepair.cli_common import cli_errors, err, fail
from mtrepair.cli_glossary import app as glossary_app
from mtrepair.cli_measure import score as score_command
from mtrepair.cli_qe import qe as qe_command
from mtrepair.cli_undo import replay as replay_command
from mtrepair.cli_undo import undo as undo_command
from mtrepair.config import Config
from mtrepair.errors import ConfigError
from mtrepair.io import ReadProblems, read_documents
from mtrepair.progress import ProgressSink, reporter
from mtrepair.registry import RULES
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
app.command("undo")(undo_command)
app.command("replay")(replay_command)
RECORDS_SKIPPED = 6

T = TypeVar("T")


def _config(
    lang: str,
    disable: list[str] | None,
    boilerplate: list[Path] | None,
    glossary: list[Path] | None,
    no_glossary: bool,
    glossary_lenient: bool = False,
) -> Config:
    from mtrepair.glossary import default_paths

    config = Config(lang=lang, disabled=frozenset(disable or ()))
    for path in boilerplate or ():
        config = config.with_boilerplate_file(path)
    if no_glossary:
        return config
    return config.with_glossary(
        list(glossary) if glossary else default_paths(),
        lenient=glossary_lenient,
        warn=lambda message: _report_problems([message]),
    )


def _report_problems(problems: list[str]) -> None:
    for p in problems:
        err.print(f"mtrepair: warning: {p}", markup=False, soft_wrap=True)


PathsArg = Annotated[
    list[str], typer.Argument(help="Files (.txt, .jsonl, .jsonl.gz), folders, or - for stdin.")
]
LangOpt = Annotated[
    str,
    typer.Option(
        "--lang",
        help=f"Document language: auto (guessed per document), {', '.join(langdata.LANGUAGES[:-1])}, "
        f"or {langdata.GENERIC} (any other language: script-level rules only). "
        "`mtrepair rules --lang L` shows what runs.",
    ),
]
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
LenientOpt = Annotated[
    bool,
    typer.Option(
        "--glossary-lenient",
        help="A glossary failing `glossary check`: warn and skip its conflicting entries (default: refuse).",
    ),
]


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
    glossary_lenient: LenientOpt = False,
    reference: Annotated[
        Path | None, typer.Option("--reference", help="A clean version of the same story to compare with.")
    ] = None,
    adopt: Annotated[
        str,
        typer.Option(
            "--adopt",
            help="With --reference: none, mismatch, below:SCORE (replace sentences), or phrases (words).",
        ),
    ] = "none",
    force_adopt: Annotated[
        bool,
        typer.Option(
            "--force-adopt", help="With --adopt: adopt even from a reference that is only a related article."
        ),
    ] = False,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="With --reference: similarity backend (see align); default lexical, or e5 when --lang "
            "and the reference's language differ.",
        ),
    ] = None,
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
    repeated_lines: Annotated[
        bool,
        typer.Option(
            "--repeated-lines/--no-repeated-lines",
            help="Learn the lines each source repeats across its documents (a first pass over the "
            "inputs) and remove them as site chrome, logged with their count.",
        ),
    ] = True,
    repeated_min_docs: Annotated[
        int,
        typer.Option(
            "--repeated-min-docs", help="A repeated line is in at least this many documents of its source..."
        ),
    ] = 5,
    repeated_share: Annotated[
        float,
        typer.Option(
            "--repeated-share", help="...and in at least this share (0-1) of its source's documents."
        ),
    ] = 0.3,
    filter_file: Annotated[
        Path | None,
        typer.Option(
            "--filter",
            help="Drop whole documents by the thresholds in this TOML file (too_garbled, wrong_language, "
            "too_short, boilerplate); each drop goes to the exclusion file with its reason and score.",
        ),
    ] = None,
    exclusions: Annotated[
        Path | None,
        typer.Option(
            "--exclusions",
            help="With --filter and one output: write the dropped documents here (default: beside "
            "-o FILE as NAME.excluded.jsonl; needed for stdout).",
        ),
    ] = None,
) -> None:
    """Repair documents; every edit is logged with --report and can be undone.

    Input files are shards: with -o FOLDER/ each output is committed atomically
    with a hidden .NAME.done marker (--resume skips finished ones), and documents
    whose repair fails go to NAME.excluded.jsonl with their reason.

    With --filter FILE, documents a filter drops are not written: each goes to
    the exclusion file (NAME.excluded.jsonl per input with -o FOLDER/, beside
    -o FILE, or --exclusions) with its reason, score and threshold, and the
    summary counts them per reason.
    """
    from mtrepair.corpus import clean_corpus

    with cli_errors():
        filters = None
        if filter_file is not None:
            from mtrepair.filters import load_filters

            filters = load_filters(filter_file)
        config = _config(lang, disable, boilerplate, glossary, no_glossary, glossary_lenient)
        config = config.with_repeated_lines(
            min_docs=repeated_min_docs, share=repeated_share, enabled=repeated_lines
        )
        spec = _reference(reference, adopt, model, model_path, min_score, encoding, force_adopt, lang)
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
                filters=filters,
                exclusions=exclusions,
            ),
        )
        _report_problems(summary.problems)
        # One summary line on every run (stderr, so a repaired stdout stays clean).
        err.print(f"mtrepair: {summary_line(summary)}", markup=False, soft_wrap=True)
        if summary.reference:
            line = reference_line(summary.reference)
            err.print(f"mtrepair: reference: {line}", markup=False, soft_wrap=True)
        if filters is not None:
            err.print(f"mtrepair: {filtered_line(summary)}", markup=False, soft_wrap=True)
        if summary.resumed:
            err.print(
                f"mtrepair: {plural(summary.resumed, 'input file')} already done (--resume)", markup=False
            )
        if summary.excluded:
            err.print(
                f"mtrepair: {summary.excluded} excluded (unreadable, broken or failed), each with its "
                "reason in the warnings above and, with -o FOLDER/, in NAME.excluded.jsonl",
                markup=False,
                soft_wrap=True,
            )
        if summary.problems:
            raise typer.Exit(RECORDS_SKIPPED)


def plural(n: int, noun: str) -> str:
    """``1 document``, ``2 documents``: counts in messages read as English."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def summary_line(summary: Any) -> str:
    """What a clean run did, in one line: documents, changed, edits, flags."""
    return (
        f"{plural(summary.documents, 'document')}, {summary.changed} changed, "
        f"{plural(summary.edits, 'edit')}, {plural(summary.flags, 'flag')}"
    )


def filtered_line(summary: Any) -> str:
    """What the filters dropped, in one line: the total, then the count of every reason that dropped one."""
    from mtrepair.filters import REASONS

    counts: Mapping[str, int] = summary.filtered
    total = sum(counts.values())
    by_reason = ", ".join(f"{reason} {counts[reason]}" for reason in REASONS if counts.get(reason))
    where = (
        f"in {summary.exclusions}"
        if summary.exclusions is not None
        else "in NAME.excluded.jsonl beside each output"
    )
    if not total:
        return "filtered out 0 documents"
    return f"filtered out {plural(total, 'document')} ({by_reason}), each with its reason and score {where}"


def reference_line(counts: Mapping[str, int]) -> str:
    """What the comparison with the reference found, in one line: beads and divergences by kind."""
    names = ("substitution", "omission", "insertion", "roles")
    labels = {"roles": "who-did-what"}
    kinds = ", ".join(f"{counts.get(k, 0)} {labels.get(k, k)}" for k in names if counts.get(k))
    total = sum(counts.get(k, 0) for k in names)
    adopted = f"; {plural(counts['adopted'], 'adoption')}" if counts.get("adopted") else ""
    return (
        f"{plural(counts.get('beads', 0), 'bead')} ({counts.get('aligned', 0)} aligned, "
        f"{counts.get('inserted', 0)} inserted, {counts.get('lost', 0)} lost); "
        f"{plural(total, 'divergence')}{' (' + kinds + ')' if kinds else ''}{adopted}"
    )


def _reference(
    path: Path | None,
    adopt: str,
    model: str | None,
    model_path: Path | None,
    min_score: float,
    encoding: str,
    force_adopt: bool = False,
    lang: str = "auto",
) -> Any:
    """The reference document and how to compare with it (None without --reference)."""
    from mtrepair.align.reference import Policy

    policy = Policy.parse(adopt, force=force_adopt)
    if force_adopt and not policy.adopts:
        raise ConfigError("--force-adopt goes with --adopt mismatch or --adopt below:SCORE")
    if path is None:
        if adopt != "none":
            raise ConfigError("--adopt needs --reference CLEAN_PATH")
        return None
    from mtrepair.align.backends import choose_backend
    from mtrepair.corpus import ReferenceSpec
    from mtrepair.langdata import guess_language

    docs = list(read_documents([str(path)], encoding=encoding))
    if len(docs) != 1:
        raise ConfigError(f"{path}: --reference takes one document, found {len(docs)}")
    # The copies' language is known only when --lang names it; with auto, each
    # document's report says when the two languages differ.
    ref_lang = guess_language(docs[0].text)
    choice = choose_backend(model, model_path, ref_lang if lang == "auto" else lang, ref_lang)
    if choice.message:
        err.print(f"mtrepair: {'warning: ' if choice.warning else ''}{choice.message}", markup=False)
    return ReferenceSpec(docs[0].text, str(path), choice.backend, min_score, policy)


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
    glossary_lenient: LenientOpt = False,
    garble: Annotated[
        bool, typer.Option("--garble/--no-garble", help="Also give every sentence a garble score (qe).")
    ] = True,
    garble_min: Annotated[
        float,
        typer.Option(
            "--garble-min",
            help="Text format: show sentences scoring at least this (JSON: all). English scores are "
            "a predicted share of words to post-edit; 0.3 = heavy post-editing.",
        ),
    ] = 0.3,
) -> None:
    """List the damage in documents: rule, span, line, text, reason, confidence.

    With --garble (the default) every sentence also gets a garble score (0 clean,
    1 garbled) and the signals that raised it, with their values: for English the
    model learned from MLQE-PE post-edits (predicted HTER; JSON rows also list the
    words it flags), for other languages the fluency signals. JSON rows of kind
    "sentence"; the text format prints those at or above --garble-min.
    """
    from mtrepair.corpus import iter_results
    from mtrepair.segment import Document

    with cli_errors():
        if fmt not in ("text", "json"):
            raise fail(f"unknown format {fmt!r}; use text or json", 2)
        config = _config(lang, disable, boilerplate, glossary, no_glossary, glossary_lenient)
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
            words = ", ".join(text[a:b] for a, b, _p in g.words[:5])
            look = f" look at: {words}" if words else ""
            sys.stdout.write(f"{doc_id}:{g.line}: garble {g.score:.2f}{why} {snippet}{look}\n")


@app.command("rules")
def list_rules(
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Which rules run for this language (a code --lang takes, und: any other language) "
            "and the data each reads; the rules that are off, and why.",
        ),
    ] = None,
) -> None:
    """List every rule with its family and a one-line explanation (with --lang: what runs for it)."""
    if lang is None:
        table = Table("rule", "family", "action", "explanation")
        for name in PIPELINE:
            r = RULES[name]
            table.add_row(r.name, r.family, "repair" if r.repairs else "flag", r.explanation)
        Console().print(table)
        return
    with cli_errors():
        data = langdata.load(lang)
        info = langdata.describe(lang)
    console = Console()
    console.print(
        f"{lang}: {data.name}; script: {info['script']}; "
        f"spaces between words: {info['spaces_between_words']}; guessed from: {langdata.guess_basis(lang)}"
    )
    table = Table("rule", "action", lang, f"data for {lang} (off: why)")
    for name in PIPELINE:
        why = data.off_reason(name)
        used = langdata.rule_data(lang, name) or "none: works alike in every language"
        action = "repair" if RULES[name].repairs else "flag"
        flag_why = data.flag_only_reason(name)
        if flag_why:
            action, used = "flag", f"flag only: {flag_why}"
        table.add_row(name, action, "off" if why else "on", why or used)
    console.print(table)


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
