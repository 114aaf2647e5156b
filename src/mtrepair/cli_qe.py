"""``mtrepair qe``: a reference-free garble score per line, with the signals behind it."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import regex
import typer

from mtrepair.cli_common import cli_errors
from mtrepair.errors import ConfigError, InputError
from mtrepair.io import _read_bytes as read_bytes
from mtrepair.io import decode, segment_lines, sniff_encoding

_LANG = regex.compile(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?\Z")


def _lines(path: Path, encoding: str) -> list[str]:
    """The lines of a one-segment-per-line file ("-" reads stdin); errors are one line."""
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        source = "<stdin>"
    else:
        source = str(path)
        data = read_bytes(path)
    lines = segment_lines(decode(data, source, sniff_encoding(data, encoding)))
    if not any(line.strip() for line in lines):
        raise InputError(f"{source}: empty input; pass one segment per line")
    return lines


def _lang(value: str, option: str) -> str:
    lang = value.strip().lower()
    if not _LANG.match(lang):
        raise ConfigError(f"{option} {value!r} is not a language code; use ISO 639-1 such as ro, ru, ar")
    return lang.split("-")[0]


def qe(
    mt: Annotated[
        Path, typer.Option("--mt", help="Translation to score, one segment per line (- for stdin).")
    ],
    src: Annotated[
        Path | None, typer.Option("--src", help="Source, line-aligned with --mt: adds adequacy signals.")
    ] = None,
    src_lang: Annotated[
        str | None, typer.Option("--src-lang", help="Language of --src (ISO 639-1, e.g. ro, ru, ar).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of --mt.")] = "en",
    model: Annotated[
        str,
        typer.Option(
            "--model",
            help="auto (default: the model learned from MLQE-PE post-edits for English MT), learned, "
            "or the hand-weighted scores: e5, use-multilingual (with --src: an encoder's similarity), "
            "none (no encoder).",
        ),
    ] = "auto",
    fmt: Annotated[str, typer.Option("--format", help="text (score last on each line) or json.")] = "text",
    glossary: Annotated[
        list[Path] | None,
        typer.Option("--glossary", help="Glossary file(s) for the term check (default: the shipped one)."),
    ] = None,
    no_glossary: Annotated[bool, typer.Option("--no-glossary", help="Skip the glossary term check.")] = False,
    weights: Annotated[
        Path | None, typer.Option("--weights", help="A weights JSON file instead of the shipped one.")
    ] = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="Encoding of the inputs (a UTF-16 BOM is honoured).")
    ] = "utf-8",
    lm: Annotated[
        Path | None,
        typer.Option(
            "--lm",
            help="A local Hugging Face causal or masked LM directory: adds lm_surprisal and lm_z "
            "(reported; scored only with --lm-weight).",
        ),
    ] = None,
    lm_weight: Annotated[
        float,
        typer.Option(
            "--lm-weight", help="Add W * lm_z (within-file z of surprisal) to the score; not fitted."
        ),
    ] = 0.0,
    learned: Annotated[
        bool,
        typer.Option("--learned", hidden=True, help="Same as --model learned (kept for old scripts)."),
    ] = False,
) -> None:
    """Score each line 0 (clean) to 1 (garbled): estimated share of words to post-edit (HTER).

    By default English MT is scored by the model learned from MLQE-PE post-edits: without
    --src its fluency half, with --src in ro, ru, et, ne or si also its adequacy half
    (another source language falls back to the fluency half, and the output says so).
    Every score names the two or three features that raised it, with their values and the
    words they peak at; the JSON adds P(HTER >= 0.3) and P(BAD) per token.
    """
    from mtrepair import qe as estimation

    with cli_errors():
        if fmt not in ("text", "json"):
            raise ConfigError(f"unknown format {fmt!r}; use text or json")
        if src is None and src_lang is not None:
            raise ConfigError("--src-lang describes --src; pass --src FILE too")
        if src is not None and src_lang is None:
            raise ConfigError("--src needs --src-lang (the source language, e.g. ro)")
        mt_lang = _lang(lang, "--lang")
        if learned:
            if model not in ("auto", "learned"):
                raise ConfigError(f"--learned is --model learned; it cannot go with --model {model}")
            model = "learned"
        chosen = estimation.resolve_model(
            model,
            mt_lang=mt_lang,
            hand_weighted_options=lm is not None or weights is not None or bool(lm_weight),
        )
        if chosen == "learned":
            if lm is not None or weights is not None or lm_weight:
                raise ConfigError(
                    "--lm, --lm-weight and --weights belong to the hand-weighted scores; "
                    "pass --model e5, use-multilingual or none with them"
                )
            s_lang = _lang(src_lang, "--src-lang") if src_lang is not None else None
            learned_srcs = _lines(src, encoding) if src is not None else None
            _learned(_lines(mt, encoding), fmt, learned_srcs, s_lang)
            return
        model = chosen
        name = estimation.combination(src is not None, model)
        s_lang = _lang(src_lang, "--src-lang") if src_lang is not None else None
        mts = _lines(mt, encoding)
        srcs = _lines(src, encoding) if src is not None else None
        matcher = None if src is None or no_glossary else _matcher(glossary)
        with _encoder_progress(model if srcs is not None else "none", 2 * len(mts)) as progress:
            results = estimation.estimate(
                mts,
                srcs=srcs,
                src_lang=s_lang,
                mt_lang=mt_lang,
                model=model,
                glossary=matcher,
                weights_path=weights,
                lm_path=lm,
                lm_weight=lm_weight,
                progress=progress,
            )
        if fmt == "json":
            doc = _json(results, name, weights)
            if lm is not None:
                doc["lm"] = _lm_json(lm, lm_weight)
            json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return
        for r in results:
            reasons = [f"{k}=+{v:.2f}" for k, v in r.top_reasons(4) if k != "lm_z"][:3]
            z = r.signals.get("lm_z", math.nan)
            if not math.isnan(z):  # with --lm: the LM's view, whether or not it is scored
                reasons.append(f"lm_z={z:+.2f}")
            sys.stdout.write(f"{r.line}\t{' '.join(reasons) or '-'}\t{r.score:.3f}\n")


def _learned(mts: list[str], fmt: str, srcs: list[str] | None = None, src_lang: str | None = None) -> None:
    """``--learned``: the models of :mod:`mtrepair.qe.learned`; a blank line scores 0.

    With a source whose language the with-source model covers, that model scores; otherwise
    the no-source one, and the JSON's ``source`` field says which and why.
    """
    from mtrepair.qe.learned import MODEL_FILE, SRC_MODEL_FILE, score, score_with_source, source_langs

    if srcs is not None and len(srcs) != len(mts):
        raise InputError(
            f"source has {len(srcs)} lines but the translation has {len(mts)}; qe compares them line by line"
        )
    keep = [i for i, t in enumerate(mts) if t.strip()]
    source: dict[str, Any] = {"used": False, "note": "no --src given"}
    if srcs is not None and src_lang is not None:
        lang = src_lang.strip().lower()
        covered = source_langs()
        if lang in covered:
            source = {"used": True, "lang": lang, "weights": SRC_MODEL_FILE}
            results = score_with_source([srcs[i] for i in keep], [mts[i] for i in keep], lang)
        else:
            source = {
                "used": False,
                "lang": lang,
                "note": f"no learned with-source model for {lang!r} (have: {', '.join(covered)}); "
                "scored without the source",
            }
            results = score([mts[i] for i in keep])
            if fmt != "json":
                sys.stderr.write(f"mtrepair qe: {source['note']}\n")
    else:
        results = score([mts[i] for i in keep])
    scored = dict(zip(keep, results, strict=True))
    if fmt == "json":
        sentences: list[dict[str, Any]] = []
        for i in range(len(mts)):
            r = scored.get(i)
            if r is None:
                sentences.append({"line": i + 1, "score": 0.0, "signals": {"blank": 1.0}})
                continue
            sentences.append(
                {
                    "line": i + 1,
                    "score": round(r.garble, 4),
                    "p_hter_ge_0_3": round(r.p_high, 4),
                    "reasons": [
                        {
                            "feature": k,
                            "value": v,
                            "contribution": c,
                            **({"at": r.at[k]} if k in r.at else {}),
                        }
                        for k, v, c in r.reasons
                    ],
                    "tokens": [[t, round(p, 3)] for t, p in zip(r.tokens, r.token_bad, strict=True)],
                }
            )
        doc = {
            "model": "learned-with-source" if source["used"] else "learned",
            "weights": MODEL_FILE,
            "source": source,
            "score": "predicted HTER (share of words a post-editor changes), clipped to [0, 1]",
            "sentences": sentences,
        }
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    for i in range(len(mts)):
        r = scored.get(i)
        if r is None:
            sys.stdout.write(f"{i + 1}\t-\t0.000\n")
            continue
        reasons = "; ".join(r.explain()) or "-"
        sys.stdout.write(f"{i + 1}\t{reasons}\t{r.garble:.3f}\n")


@contextmanager
def _encoder_progress(model: str, total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal while an encoder embeds ``total`` texts (e5 is slow on CPU)."""
    if model not in ("e5", "use-multilingual") or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"embedding with {model}", total=total)
        yield lambda n: bar.advance(task, n)


def _matcher(paths: list[Path] | None) -> Any:
    from mtrepair.glossary import Matcher, default_paths, load

    chosen = list(paths) if paths else default_paths()
    return Matcher(load(chosen)) if chosen else None


def _json(results: list[Any], name: str, weights: Path | None) -> dict[str, Any]:
    from mtrepair.qe import finite
    from mtrepair.qe.model import load_weights

    w = load_weights(name, weights)
    return {
        "model": name,
        "weights": str(weights) if weights else "shipped",
        "fitted_on": w.fitted_on,
        "score": "estimated HTER (share of words a post-editor changes), clipped to [0, 1]",
        "sentences": [
            {
                "line": r.line,
                "score": round(r.score, 4),
                "signals": {k: _rounded(finite(x)) for k, x in r.signals.items()},
                "contributions": {k: round(v, 4) for k, v in r.contributions.items() if v},
            }
            for r in results
        ],
    }


def _lm_json(path: Path, weight: float) -> dict[str, Any]:
    from mtrepair.qe.lm import load

    return {
        "path": str(path),
        "kind": load(path).kind,
        "weight": weight,
        "scored": weight > 0,
        "about": "lm_surprisal: mean NLL per token (nats; pseudo-log-likelihood for a masked LM); "
        "lm_z: its robust z within this file; the score adds weight * lm_z (weight not fitted)",
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
