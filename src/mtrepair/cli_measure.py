"""``mtrepair score``: sacrebleu metrics with signatures and significance.

Options follow the sacrebleu CLI (``-tok``, ``-lc``, ``--force``, ``-w``,
``--chrf-word-order``, ``-f text|json|latex``); hypotheses may come from stdin,
and ``--hyp``/``--ref`` may be TMX or XLIFF files (their targets are scored).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mtrepair.cli_common import cli_errors, err
from mtrepair.errors import ConfigError
from mtrepair.io import decode, segment_lines, sniff_encoding
from mtrepair.markdown import md_cell

if TYPE_CHECKING:
    from mtrepair.score import Options


STDIN = "<stdin>"
FORMATS = ("text", "json", "markdown", "latex")


def _read(data: bytes, source: str, encoding: str) -> list[str]:
    from mtrepair.errors import InputError

    lines = segment_lines(decode(data, source, sniff_encoding(data, encoding)))
    if not lines:
        what = "empty input; pipe the hypotheses in," if source == STDIN else "empty file; pass"
        raise InputError(f"{source}: {what} one segment per line")
    return lines


def _lines(path: Path, encoding: str = "utf-8") -> list[str]:
    from mtrepair.errors import InputError

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; pass a file with one segment per line") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return _read(data, str(path), encoding)


@dataclass(frozen=True)
class Side:
    """One input of ``score``: its name, its segments, and their ids when it is TMX/XLIFF."""

    name: str
    lines: list[str]
    ids: tuple[str, ...] | None = None


def _side(path: Path, encoding: str, src_lang: str | None, tgt_lang: str | None, role: str) -> Side:
    """A --hyp or --ref file: one segment per line, or the targets of a TMX/XLIFF file.

    A bilingual file's targets are what gets scored (--hyp: the MT output it
    carries; --ref: the approved translations); its sources are not used. The
    file's XML declaration gives its encoding, so --encoding does not apply. An
    untranslated segment is an empty hypothesis (it scores as one, with a
    warning) but cannot be a reference.
    """
    from mtrepair.bilingual import is_bilingual, read_bilingual
    from mtrepair.errors import InputError

    if not is_bilingual(path):
        return Side(str(path), _lines(path, encoding))
    segments = read_bilingual(path, source_lang=src_lang, target_lang=tgt_lang).segments
    empty = [s.id for s in segments if not s.target.strip()]
    if empty and role == "ref":
        raise InputError(
            f"{path}: segment {empty[0]} has no target ({len(empty)} untranslated); "
            "a reference needs every segment translated"
        )
    if empty:
        err.print(
            f"mtrepair: warning: {path}: {len(empty)} untranslated segment(s) (first: {empty[0]}) "
            "scored as empty hypotheses",
            markup=False,
            soft_wrap=True,
        )
    return Side(str(path), [s.target for s in segments], tuple(s.id for s in segments))


def _in_order(side: Side, ids: tuple[str, ...] | None) -> Side:
    """``side`` in the segment order of ``ids`` when both files hold the same segment ids.

    Two TMX/XLIFF files with the same ids in another order are paired by id;
    otherwise segments pair by position, and the line-count check catches a
    missing or extra segment.
    """
    if ids is None or side.ids is None or side.ids == ids or sorted(side.ids) != sorted(ids):
        return side
    by_id = dict(zip(side.ids, side.lines, strict=True))
    return Side(side.name, [by_id[i] for i in ids], ids)


def _systems(
    hyp: list[Path] | None, encoding: str, src_lang: str | None = None, tgt_lang: str | None = None
) -> list[Side]:
    """The hypotheses: each --hyp file, "-" for stdin, or stdin when no --hyp and it is piped.

    As with ``cat out.txt | sacrebleu ref.txt``, a pipe without --hyp is the
    system output; stdin is one system (its name is ``<stdin>``; tabs stay inside
    a segment rather than splitting systems). A terminal on stdin is an error,
    not a silent wait.
    """
    paths = hyp or [Path("-")]
    if sum(1 for p in paths if str(p) == "-") > 1:
        raise ConfigError("stdin can be read once; pass --hyp - at most once")
    if not hyp and sys.stdin.isatty():
        raise ConfigError("no hypotheses: pass --hyp FILE, or pipe them in (--hyp -)")
    out = []
    for p in paths:
        if str(p) == "-":
            out.append(Side(STDIN, _read(sys.stdin.buffer.read(), STDIN, encoding)))
        else:
            out.append(_side(p, encoding, src_lang, tgt_lang, "hyp"))
    return out


def score(
    ref: Annotated[
        list[Path],
        typer.Option("--ref", help="Reference, line-aligned, or TMX/XLIFF (its targets); repeatable."),
    ],
    hyp: Annotated[
        list[Path] | None,
        typer.Option(
            "--hyp",
            help="System output: one segment per line, or TMX/XLIFF (its targets); repeatable. "
            "- or a pipe without --hyp: stdin.",
        ),
    ] = None,
    metric: Annotated[
        list[str] | None, typer.Option("--metric", help="bleu, chrf, chrf++ or ter (repeatable).")
    ] = None,
    sentence: Annotated[
        bool, typer.Option("--sentence", help="Per-segment scores instead of corpus scores.")
    ] = False,
    significance: Annotated[
        str | None,
        typer.Option("--significance", help="paired-bs or paired-ar: compare each --hyp with the first."),
    ] = None,
    n_samples: Annotated[
        int, typer.Option("--n-samples", help="Resamples/trials (0: sacrebleu's default).")
    ] = 0,
    tokenize: Annotated[
        str | None,
        typer.Option(
            "--tokenize",
            "-tok",
            help="BLEU tokenizer as sacrebleu's -tok: 13a (default), intl, zh, char, none...",
        ),
    ] = None,
    lowercase: Annotated[
        bool, typer.Option("--lowercase", "-lc", help="Case-insensitive BLEU (sacrebleu's -lc).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Text ending in ' .' is detokenized anyway: no warning.")
    ] = False,
    width: Annotated[
        int | None,
        typer.Option("--width", "-w", help="Decimal places of printed scores (default 2; sentences 4)."),
    ] = None,
    chrf_word_order: Annotated[
        int | None,
        typer.Option("--chrf-word-order", "-cw", help="Word n-gram order of chrf: 0 chrF, 2 chrF++."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json, markdown or latex.")] = "text",
    repair: Annotated[
        bool,
        typer.Option(
            "--repair", help="Score --hyp before and after `clean`, with significance and per-rule shares."
        ),
    ] = False,
    no_glossary: Annotated[bool, typer.Option("--no-glossary", help="With --repair: no glossary.")] = False,
    encoding: Annotated[
        str, typer.Option("--encoding", help="Encoding of --hyp and --ref (a UTF-16 BOM is honoured).")
    ] = "utf-8",
    src_lang: Annotated[
        str | None, typer.Option("--src-lang", help="TMX/XLIFF input: the source language (e.g. ar).")
    ] = None,
    tgt_lang: Annotated[
        str | None,
        typer.Option(
            "--tgt-lang", help="TMX/XLIFF input: the target language scored (a TMX may hold several)."
        ),
    ] = None,
) -> None:
    """Score MT output with sacrebleu (identical numbers), signatures on every score.

    -tok, -lc, --force, -w and --chrf-word-order mean what they mean to the
    sacrebleu CLI and give its numbers and signatures. A paired test of a system
    against an identical one reports p = 1 (sacrebleu reports 1/(n+1)). TMX and
    XLIFF files give their targets, paired by segment id with a TMX/XLIFF --ref.
    """
    from mtrepair import score as scoring

    with cli_errors():
        metrics = metric or ["bleu", "chrf"]
        if fmt not in FORMATS:
            raise ConfigError(f"unknown format {fmt!r}; use text, json, markdown or latex")
        options = scoring.Options(tokenize, lowercase, force, chrf_word_order, 2 if width is None else width)
        for m in metrics:
            scoring.metric(m, options)  # unknown metric or a chrf++/word-order clash: before reading
        ref_sides = [_side(p, encoding, src_lang, tgt_lang, "ref") for p in ref]
        order = ref_sides[0].ids if ref_sides else None
        refs = [_in_order(r, order).lines for r in ref_sides]
        hyp_sides = [_in_order(h, order) for h in _systems(hyp, encoding, src_lang, tgt_lang)]
        systems = [(s.name, s.lines) for s in hyp_sides]
        for name, lines in systems:
            warning = scoring.tokenized_warning(name, lines, metrics, options)
            if warning:
                err.print(f"mtrepair: warning: {warning}", markup=False, soft_wrap=True)
        if repair:
            _repair(systems, refs, metrics, significance or "paired-bs", n_samples, fmt, no_glossary, options)
            return
        if sentence:
            if len(systems) != 1:
                raise ConfigError("--sentence scores one --hyp at a time")
            if fmt in ("markdown", "latex"):
                raise ConfigError(f"--sentence prints text or json, not {fmt}")
            digits = 4 if width is None else width
            rows, sigs = scoring.sentence_scores(systems[0][1], refs, metrics, options, digits=digits)
            ids = hyp_sides[0].ids
            columns = ["segment", *(["id"] if ids else []), *metrics]
            for row, seg_id in zip(rows, ids or (), strict=False):
                row["id"] = seg_id  # a TMX/XLIFF segment's own id, to find it in the CAT tool
            if fmt == "json":
                json.dump({"signatures": sigs, "segments": rows}, sys.stdout, indent=1)
                print()
            else:
                print("\t".join(columns))
                for r in rows:
                    print("\t".join(str(r[k]) for k in columns))
                for m, s in sigs.items():
                    print(f"# {m}: {s}")
            return
        if significance:
            results = scoring.paired_test(systems, refs, metrics, significance, n_samples, options)
        else:
            results = scoring.corpus_scores(systems, refs, metrics, options)
        _print(results, fmt, options.width, significance)


def _print(results: list[Any], fmt: str, width: int = 2, significance: str | None = None) -> None:
    if fmt == "json":
        json.dump([r.as_dict() for r in results], sys.stdout, indent=1)
        print()
        return
    if fmt == "latex":
        print(latex_table(results, width, significance))
        return
    if fmt == "markdown":
        print("| system | metric | score | p-value | 95% CI | signature |")
        print("|---|---|---:|---:|---:|---|")
        for r in results:
            p = "" if r.p_value is None else f"{r.p_value:.4f}"
            ci = "" if r.ci is None else f"±{r.ci:.{width}f}"
            row = [
                md_cell(r.system),
                md_cell(r.metric),
                f"{r.score:.{width}f}",
                p,
                ci,
                md_cell(r.signature, code=True),
            ]
            print("| " + " | ".join(row) + " |")
        return
    for r in results:
        extra = ""
        if r.ci is not None:
            extra += f" (μ = {r.mean:.{width}f} ± {r.ci:.{width}f})"
        if r.p_value is not None:
            extra += f" p = {r.p_value:.4f}" + (" *" if r.p_value < 0.05 else "")
        if "note" in r.extra:
            extra += f" ({r.extra['note']})"
        print(f"{r.system}\t{r.formatted}{extra}\t{r.signature}")


def latex_table(results: list[Any], width: int, significance: str | None = None) -> str:
    """sacrebleu's ``-f latex`` table (booktabs, one row per system, one column per metric).

    Built with tabulate exactly as sacrebleu builds it, so the table is the one
    the sacrebleu CLI prints for the same systems and options (in paired mode the
    baseline is named ``Baseline: ...`` and a p <= 0.05 is starred). The
    signatures follow as LaTeX comments, so the output pastes into a document.
    """
    import tabulate  # type: ignore[import-untyped]  # sacrebleu's own table dependency

    systems = list(dict.fromkeys(r.system for r in results))
    columns: dict[str, list[str]] = {}
    for r in results:
        title = r.name or r.metric
        if r.mean is not None:
            title += " (μ ± 95% CI)"
        cell = f"{r.score:.{width}f}"
        if r.mean is not None:
            cell += f" ({r.mean:.{width}f} ± {r.ci:.{width}f})"
        if r.p_value is not None:
            cell += f" (p = {r.p_value:.4f})" + ("*" if r.p_value <= 0.05 else "")
        columns.setdefault(title, []).append(cell)
    names = [f"Baseline: {systems[0]}", *systems[1:]] if significance else systems
    table = tabulate.tabulate(
        {"System": names, **columns},
        headers="keys",
        tablefmt="latex_booktabs",
        colalign=("right",),
        stralign="center",
        numalign="center",
        floatfmt=f".{width}f",
    )
    signatures = {r.name or r.metric: r.signature for r in results}
    return "\n".join([table, *(f"% {name}: {sig}" for name, sig in signatures.items())])


def _repair(
    systems: list[tuple[str, list[str]]],
    refs: list[list[str]],
    metrics: list[str],
    test: str,
    n_samples: int,
    fmt: str,
    no_glossary: bool,
    options: Options | None = None,
) -> None:
    from mtrepair.config import Config
    from mtrepair.glossary import default_paths
    from mtrepair.score import repair_effect

    if len(systems) != 1:
        raise ConfigError("--repair scores one --hyp (the garbled output) against its own repair")
    config = Config() if no_glossary else Config().with_glossary(default_paths())
    effects = repair_effect(
        systems[0][1], refs, metrics, config, test=test, n_samples=n_samples, options=options
    )
    if fmt == "json":
        json.dump([e.as_dict() for e in effects], sys.stdout, indent=1)
        print()
        return
    for e in effects:
        p = "" if e.p_value is None else f", p = {e.p_value:.4f}"
        delta = e.after.score - e.before.score
        change = f"{e.before.score:.2f} -> {e.after.score:.2f} ({delta:+.2f}{p})"
        print(f"{e.metric}: {change}\t{e.after.signature}")
        for rule, share in sorted(e.attribution.items(), key=lambda kv: -abs(kv[1])):
            print(f"  {rule:<20} {share:+.2f}  ({e.edits[rule]} edits)")
