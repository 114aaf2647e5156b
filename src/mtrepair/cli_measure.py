"""``mtrepair score``: sacrebleu metrics with signatures and significance."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from mtrepair.cli_common import cli_errors
from mtrepair.errors import ConfigError
from mtrepair.io import decode, segment_lines, sniff_encoding
from mtrepair.markdown import md_cell


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
    lines = segment_lines(decode(data, str(path), sniff_encoding(data, encoding)))
    if not lines:
        raise InputError(f"{path}: empty file; pass one segment per line")
    return lines


def score(
    hyp: Annotated[
        list[Path], typer.Option("--hyp", help="System output, one segment per line (repeatable).")
    ],
    ref: Annotated[list[Path], typer.Option("--ref", help="Reference, line-aligned (repeatable).")],
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
    fmt: Annotated[str, typer.Option("--format", help="text, json or markdown.")] = "text",
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
) -> None:
    """Score MT output with sacrebleu (identical numbers), signatures on every score."""
    from mtrepair import score as scoring

    with cli_errors():
        metrics = metric or ["bleu", "chrf"]
        if fmt not in ("text", "json", "markdown"):
            raise ConfigError(f"unknown format {fmt!r}; use text, json or markdown")
        refs = [_lines(p, encoding) for p in ref]
        systems = [(str(p), _lines(p, encoding)) for p in hyp]
        if repair:
            _repair(systems, refs, metrics, significance or "paired-bs", n_samples, fmt, no_glossary)
            return
        if sentence:
            if len(systems) != 1:
                raise ConfigError("--sentence scores one --hyp at a time")
            rows, sigs = scoring.sentence_scores(systems[0][1], refs, metrics)
            if fmt == "json":
                json.dump({"signatures": sigs, "segments": rows}, sys.stdout, indent=1)
                print()
            else:
                print("\t".join(["segment", *metrics]))
                for r in rows:
                    print("\t".join(str(r[k]) for k in ["segment", *metrics]))
                for m, s in sigs.items():
                    print(f"# {m}: {s}")
            return
        if significance:
            results = scoring.paired_test(systems, refs, metrics, significance, n_samples)
        else:
            results = scoring.corpus_scores(systems, refs, metrics)
        _print(results, fmt)


def _print(results: list[Any], fmt: str) -> None:
    if fmt == "json":
        json.dump([r.as_dict() for r in results], sys.stdout, indent=1)
        print()
        return
    if fmt == "markdown":
        print("| system | metric | score | p-value | 95% CI | signature |")
        print("|---|---|---:|---:|---:|---|")
        for r in results:
            p = "" if r.p_value is None else f"{r.p_value:.4f}"
            ci = "" if r.ci is None else f"±{r.ci:.2f}"
            row = [
                md_cell(r.system),
                md_cell(r.metric),
                f"{r.score:.2f}",
                p,
                ci,
                md_cell(r.signature, code=True),
            ]
            print("| " + " | ".join(row) + " |")
        return
    for r in results:
        extra = ""
        if r.ci is not None:
            extra += f" (μ = {r.mean:.2f} ± {r.ci:.2f})"
        if r.p_value is not None:
            extra += f" p = {r.p_value:.4f}" + (" *" if r.p_value < 0.05 else "")
        print(f"{r.system}\t{r.formatted}{extra}\t{r.signature}")


def _repair(
    systems: list[tuple[str, list[str]]],
    refs: list[list[str]],
    metrics: list[str],
    test: str,
    n_samples: int,
    fmt: str,
    no_glossary: bool,
) -> None:
    from mtrepair.config import Config
    from mtrepair.glossary import default_paths
    from mtrepair.score import repair_effect

    if len(systems) != 1:
        raise ConfigError("--repair scores one --hyp (the garbled output) against its own repair")
    config = Config() if no_glossary else Config().with_glossary(default_paths())
    effects = repair_effect(systems[0][1], refs, metrics, config, test=test, n_samples=n_samples)
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
