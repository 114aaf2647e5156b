"""``mtrepair qe``: a reference-free garble score per line, with the signals behind it."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import regex
import typer

from mtrepair.cli_common import cli_errors
from mtrepair.errors import ConfigError, InputError
from mtrepair.io import _read_bytes as read_bytes
from mtrepair.io import decode, segment_lines, sniff_encoding

if TYPE_CHECKING:
    from mtrepair.bilingual import BilingualFile, TagFinding

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


@dataclass(frozen=True)
class _Bilingual:
    """A TMX/XLIFF ``--mt``: its segments, their tag findings, and where notes go (if asked)."""

    path: Path
    file: BilingualFile
    tags: tuple[tuple[TagFinding, ...], ...]
    notes_out: Path | None

    def key(self, i: int, row: dict[str, Any]) -> dict[str, Any]:
        """The JSON row of segment ``i`` keyed by its id, with its tag findings."""
        seg = self.file.segments[i]
        extra: dict[str, Any] = {"untranslated": True} if not seg.target else {}
        return {"id": seg.id, **row, **extra, "tags": [_tag_json(f) for f in self.tags[i]]}

    def label(self, i: int) -> str:
        return self.file.segments[i].id

    def reasons(self, i: int, reasons: str) -> str:
        """The text reasons of segment ``i`` with its tag findings (and "untranslated") added."""
        more = [f"tag {f.tag} {f.kind}" for f in self.tags[i]]
        if not self.file.segments[i].target:
            more.insert(0, "untranslated")
        return "; ".join([r for r in (reasons,) if r != "-"] + more) or "-"

    def doc(self) -> dict[str, Any]:
        f = self.file
        return {
            "path": f.path,
            "format": f.format,
            "source_lang": f.source_lang,
            "target_lang": f.target_lang,
            "segments": len(f.segments),
            "tag_findings": sum(len(t) for t in self.tags),
        }

    def write_notes(self, scores: list[float], reasons: list[str]) -> None:
        """One note per segment into a copy of the input: the score, its reasons and tag findings."""
        from mtrepair.bilingual import write_xliff_notes

        if self.notes_out is None:
            return
        notes = {
            seg.id: [f"mtrepair qe: score {score:.3f}; {self.reasons(i, why)}"]
            for i, (seg, score, why) in enumerate(zip(self.file.segments, scores, reasons, strict=True))
        }
        write_xliff_notes(
            self.path,
            self.notes_out,
            notes,
            source_lang=self.file.source_lang or None,
            target_lang=self.file.target_lang or None,
        )


def _tag_json(finding: TagFinding) -> dict[str, str]:
    return {"kind": finding.kind, "tag": finding.tag, "message": finding.message}


def _read_bilingual(
    mt: Path, src: Path | None, src_lang: str | None, lang: str | None, notes_out: Path | None
) -> _Bilingual:
    """``--mt`` as a TMX/XLIFF file: source and translation both come from it."""
    from mtrepair.bilingual import read_bilingual, tag_findings

    if src is not None:
        raise ConfigError(f"--mt {mt} is a TMX/XLIFF file that holds the source too; drop --src")
    file = read_bilingual(mt, source_lang=src_lang, target_lang=lang)
    return _Bilingual(mt, file, tuple(tuple(tag_findings(s)) for s in file.segments), notes_out)


def _file_lang(value: str, what: str, option: str) -> str:
    """A language code as a TMX/XLIFF writes it (``en-US``, ``sr-Latn-RS``): its primary subtag."""
    if not value:
        raise ConfigError(f"{what} names no language; pass {option}")
    return _lang(value.replace("_", "-").split("-")[0], option)


def qe(
    mt: Annotated[
        Path,
        typer.Option(
            "--mt",
            help="Translation to score, one segment per line (- for stdin); or a TMX/XLIFF file, "
            "which gives the source too (results keyed by segment id, inline tags checked).",
        ),
    ],
    src: Annotated[
        Path | None, typer.Option("--src", help="Source, line-aligned with --mt: adds adequacy signals.")
    ] = None,
    src_lang: Annotated[
        str | None, typer.Option("--src-lang", help="Language of --src (ISO 639-1, e.g. ro, ru, ar).")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language of --mt (default en; a TMX/XLIFF's target language)."),
    ] = None,
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
    notes_out: Annotated[
        Path | None,
        typer.Option(
            "--notes-out",
            help="With a TMX/XLIFF --mt: write a copy of it here with a note per segment "
            "(score, reasons, tag findings); the input is not changed.",
        ),
    ] = None,
) -> None:
    """Score each line 0 (clean) to 1 (garbled): estimated share of words to post-edit (HTER).

    By default English MT is scored by the model learned from MLQE-PE post-edits: without
    --src its fluency half, with --src in ro, ru, et, ne or si also its adequacy half
    (another source language falls back to the fluency half, and the output says so).
    Every score names the two or three features that raised it, with their values and the
    words they peak at; the JSON adds P(HTER >= 0.3) and P(BAD) per token.

    A TMX or XLIFF --mt holds source and translation: the rows are keyed by segment id,
    each reports its missing or extra inline tags, and --notes-out writes them back.
    """
    from mtrepair import qe as estimation
    from mtrepair.bilingual import is_bilingual

    with cli_errors():
        if fmt not in ("text", "json"):
            raise ConfigError(f"unknown format {fmt!r}; use text or json")
        bi = _read_bilingual(mt, src, src_lang, lang, notes_out) if is_bilingual(mt) else None
        if bi is None and notes_out is not None:
            raise ConfigError("--notes-out writes notes into a copy of a TMX/XLIFF --mt; pass one")
        if bi is None and src is None and src_lang is not None:
            raise ConfigError("--src-lang describes --src; pass --src FILE too")
        if src is not None and src_lang is None:
            raise ConfigError("--src needs --src-lang (the source language, e.g. ro)")
        if bi is not None:
            mt_lang = _lang(lang, "--lang") if lang else _file_lang(bi.file.target_lang, str(mt), "--lang")
            src_lang = src_lang or _file_lang(bi.file.source_lang, str(mt), "--src-lang")
        else:
            mt_lang = _lang(lang or "en", "--lang")
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
            if bi is not None:
                segs = bi.file.segments
                _learned([s.target for s in segs], fmt, [s.source for s in segs], s_lang, bi)
                return
            learned_srcs = _lines(src, encoding) if src is not None else None
            _learned(_lines(mt, encoding), fmt, learned_srcs, s_lang)
            return
        model = chosen
        s_lang = _lang(src_lang, "--src-lang") if src_lang is not None else None
        if bi is not None:
            mts = [s.target for s in bi.file.segments]
            srcs: list[str] | None = [s.source for s in bi.file.segments]
        else:
            mts = _lines(mt, encoding)
            srcs = _lines(src, encoding) if src is not None else None
        name = estimation.combination(srcs is not None, model)
        matcher = None if srcs is None or no_glossary else _matcher(glossary)
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
        texts = []
        for r in results:
            reasons = [f"{k}=+{v:.2f}" for k, v in r.top_reasons(4) if k != "lm_z"][:3]
            z = r.signals.get("lm_z", math.nan)
            if not math.isnan(z):  # with --lm: the LM's view, whether or not it is scored
                reasons.append(f"lm_z={z:+.2f}")
            texts.append(" ".join(reasons) or "-")
        if bi is not None:
            bi.write_notes([r.score for r in results], texts)
        if fmt == "json":
            doc = _json(results, name, weights)
            if lm is not None:
                doc["lm"] = _lm_json(lm, lm_weight)
            if bi is not None:
                doc["bilingual"] = bi.doc()
                doc["sentences"] = [bi.key(i, row) for i, row in enumerate(doc["sentences"])]
            json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return
        for i, (r, why) in enumerate(zip(results, texts, strict=True)):
            label = bi.label(i) if bi is not None else str(r.line)
            why = bi.reasons(i, why) if bi is not None else why
            sys.stdout.write(f"{label}\t{why}\t{r.score:.3f}\n")


def _learned(
    mts: list[str],
    fmt: str,
    srcs: list[str] | None = None,
    src_lang: str | None = None,
    bi: _Bilingual | None = None,
) -> None:
    """``--learned``: the models of :mod:`mtrepair.qe.learned`.

    A blank MT line scores 1 when its source line has text (nothing was translated: every
    word is still to write) and 0 otherwise (nothing to garble), as the hand-weighted score
    does (:func:`mtrepair.qe.score_rows`).

    With a source whose language the with-source model covers, that model scores; otherwise
    the no-source one, and the JSON's ``source`` field says which and why. ``bi``: the
    lines are the segments of a TMX/XLIFF file (rows keyed by id, tag findings, notes).
    """
    from mtrepair.qe.learned import MODEL_FILE
    from mtrepair.qe.lines import learned_lines

    lines = learned_lines(mts, srcs, src_lang)
    source = lines.source
    if srcs is None:
        source = {**source, "note": "no --src given"}
    elif not source["used"] and fmt != "json":
        sys.stderr.write(f"mtrepair qe: {source['note']}\n")
    scored = lines.scored
    if bi is not None:
        bi.write_notes(
            [lines.score(i) for i in range(len(mts))],
            ["; ".join(scored[i].explain()) or "-" if i in scored else "-" for i in range(len(mts))],
        )
    if fmt == "json":
        sentences: list[dict[str, Any]] = []
        for i in range(len(mts)):
            r = scored.get(i)
            if r is None:
                sentences.append({"line": i + 1, "score": lines.score(i), "signals": {"blank": 1.0}})
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
        if bi is not None:
            sentences = [bi.key(i, row) for i, row in enumerate(sentences)]
        doc = {
            "model": "learned-with-source" if source["used"] else "learned",
            "weights": MODEL_FILE,
            "source": source,
            "score": "predicted HTER (share of words a post-editor changes), clipped to [0, 1]",
            **({"bilingual": bi.doc()} if bi is not None else {}),
            "sentences": sentences,
        }
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    for i in range(len(mts)):
        r = scored.get(i)
        label = bi.label(i) if bi is not None else str(i + 1)
        reasons = "; ".join(r.explain()) or "-" if r is not None else "-"
        if bi is not None:
            reasons = bi.reasons(i, reasons)
        sys.stdout.write(f"{label}\t{reasons}\t{lines.score(i):.3f}\n")


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
