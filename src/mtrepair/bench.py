"""``mtrepair bench``: the benchmark suite, one command, one seed, one report.

Why a suite and not five scripts: the figures an MT engineer compares (what is
detected, what repair does to chrF/BLEU, how alignment and QE hold up, what it
costs next to the peer tool) must come from one run on one machine, or they
cannot be read side by side. The suite reuses the scripts in ``benchmarks/`` (the
labelled garble set of ``bench_detect``, the corpus of ``make_corpus``, the
alignment cases and baseline of ``bench_align``, the QE signals of ``bench_qe``,
the glossary entries of ``bench_glossary``) and adds what none of them does: the
speed and memory of each operation in its own fresh process next to its peer.

Parts (``PARTS``): ``detect`` and ``repair`` (one ``clean`` of the garble set
serves both), ``align``, ``qe``, ``speed``, ``realworld`` (``bench_realworld``: recall
per damage kind and language on the committed multilingual corpus), ``reference``
(``bench_reference``: seed 002's meaning errors against a faithful clean version;
``bench_divergence``: the divergence score on MLQE-PE et-en multiref). Each writes ``suite_<part>.json`` to
the output folder; the run ends with ``report.md`` and ``suite_<part>.png``.
The ``benchmarks/`` folder lives in the repository, not in the installed package:
the suite needs an editable install (or ``benchmarks=`` pointing at a checkout).

Peak RSS of an operation is the ``VmHWM`` of a process that does only that
operation (``python -m mtrepair.bench OP``, or the peer's command line): a
high-water mark read inside one long-lived process would only ever grow.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from mtrepair.errors import ConfigError, InputError
from mtrepair.markdown import md_cell

PARTS: tuple[str, ...] = ("detect", "repair", "align", "qe", "speed", "realworld", "reference")
MB = 1_000_000
ALIGN_BACKENDS = ("lexical", "minilm", "use-multilingual", "e5")
QE_MODELS = ("e5", "use-multilingual")
README_HEADER = "## The bench suite (`mtrepair bench`)"


@dataclass(frozen=True)
class Sizes:
    """How much of everything one run measures (``--quick`` for a smoke test)."""

    detect_per_kind: int
    detect_mixed: int
    detect_negatives: int
    ablation_docs: int
    align_lines: int
    align_scale: int
    clean_mb: float
    glossary_mb: float
    glossary_variants: int
    speed_align_lines: int
    score_repeats: int


# Full: under 15 minutes on 2 loaded cores (the chrF DP baseline and the garble
# set dominate); quick: seconds, for the test that keeps the suite from rotting.
FULL = Sizes(40, 200, 200, 150, 300, 500, 2.0, 2.0, 10_000, 300, 3)
QUICK = Sizes(2, 6, 6, 6, 60, 100, 0.05, 0.05, 500, 40, 1)


@dataclass
class BenchRun:
    """What a run wrote and what it could not do."""

    out: Path
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


Progress = Callable[[str], None]


# --- where the benchmark scripts are


def locate_benchmarks(explicit: Path | None = None) -> Path:
    """The repository's ``benchmarks/`` folder (editable install) or a clear error."""
    if explicit is not None:
        candidates = [explicit]
    else:
        package = Path(__file__).resolve().parent
        candidates = [package.parent.parent / "benchmarks", Path.cwd() / "benchmarks"]
    for folder in candidates:
        if (folder / "make_corpus.py").is_file() and (folder / "bench_detect.py").is_file():
            return folder.resolve()
    tried = ", ".join(str(c) for c in candidates)
    raise ConfigError(
        f"mtrepair bench needs the repository's benchmarks/ folder (looked in {tried}); "
        "run it from a clone installed with `pip install -e .`, or pass --benchmarks DIR"
    )


def load_module(folder: Path, name: str) -> ModuleType | None:
    """``benchmarks.<name>`` from ``folder``, or None when it is absent or does not import."""
    root = str(folder.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    if not (folder / f"{name}.py").is_file():
        return None
    try:
        return importlib.import_module(f"benchmarks.{name}")
    except ImportError:
        return None


def _required(folder: Path, name: str) -> ModuleType:
    module = load_module(folder, name)
    if module is None:
        raise ConfigError(f"{folder / (name + '.py')}: missing or does not import")
    return module


# --- machine and load


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def _git(checkout: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=checkout, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip()


def machine_info(checkout: Path) -> dict[str, Any]:
    """Where and with what the figures were measured (the machine is shared: load too)."""
    import ftfy
    import sacrebleu

    from mtrepair import __version__

    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "mtrepair_version": __version__,
        "ftfy_version": ftfy.__version__,
        "sacrebleu_version": sacrebleu.__version__,
        "git_commit": _git(checkout, "rev-parse", "--short", "HEAD"),
        "uncommitted_changes": _git(checkout, "status", "--porcelain", "--", "src", "benchmarks")
        not in ("", "unknown"),
    }


# --- speed workers: one operation per fresh process


def _status_mb(field_name: str, pid: int | str = "self") -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(rf"^{field_name}:\s+(\d+) kB", status, re.MULTILINE)
    return round(int(m.group(1)) * 1024 / MB, 1) if m else None


def _peak_self_mb() -> float | None:
    """This process's own high-water mark (VmHWM), else ru_maxrss where /proc is missing."""
    hwm = _status_mb("VmHWM")
    if hwm is not None:
        return hwm
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / MB if sys.platform == "darwin" else peak * 1024 / MB, 1)


def _timed(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Best wall and CPU seconds of ``repeats`` runs (the cost, not the machine's noise)."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(max(1, repeats)):
        cpu, start = time.process_time(), time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best, best_cpu


def _naive_glossary(variants: dict[str, str]) -> Callable[[str], str]:
    """What a user would write without mtrepair: one regex alternation, longest first."""
    ordered = sorted(variants, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, ordered)) + r")\b")
    return lambda text: pattern.sub(lambda m: variants[m.group()], text)


def worker(op: str, spec_path: Path) -> dict[str, Any]:
    """Run one timed operation described by the JSON file ``spec_path``; figures as a dict.

    Called as ``python -m mtrepair.bench OP SPEC.json`` by :func:`run_worker`.
    """
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    folder = Path(spec["benchmarks"])
    repeats = int(spec.get("repeats", 1))
    extra: dict[str, Any] = {}
    if op in ("clean", "ftfy"):
        texts = [
            json.loads(line)["text"] for line in Path(spec["corpus"]).read_text(encoding="utf-8").splitlines()
        ]
        nbytes = sum(len(t.encode("utf-8")) for t in texts)
        if op == "clean":
            from mtrepair.pipeline import clean_text

            fix: Callable[[str], object] = clean_text
        else:
            import ftfy

            fix = ftfy.fix_text
        for t in texts[:5]:  # warm-up: language data, wordfreq, ftfy tables
            fix(t)
        rss = _status_mb("VmRSS")
        seconds, cpu = _timed(lambda: [fix(t) for t in texts], repeats)
    elif op in ("glossary", "glossary-naive"):
        bench_glossary = _required(folder, "bench_glossary")
        from mtrepair.glossary import Glossary, Matcher, load

        text = Path(spec["text"]).read_text(encoding="utf-8")
        nbytes = len(text.encode("utf-8"))
        shipped = list(load([Path(spec["glossary"])]).entries)
        have = sum(len(e.variants.get("en", ())) for e in shipped)
        entries = shipped + bench_glossary.synthetic(max(0, int(spec["variants"]) - have), 0)
        build = time.perf_counter()
        if op == "glossary":
            matcher = Matcher(Glossary(tuple(entries)))
            _ = matcher.automaton
            run: Callable[[], object] = lambda: matcher.find(text)  # noqa: E731
        else:
            mapping = {v: e.canonical for e in entries for v in e.variants.get("en", ())}
            replace = _naive_glossary(mapping)
            run = lambda: replace(text)  # noqa: E731
        extra["build_seconds"] = round(time.perf_counter() - build, 3)
        extra["variants"] = sum(len(e.variants.get("en", ())) for e in entries)
        rss = _status_mb("VmRSS")
        seconds, cpu = _timed(run, repeats)
    elif op in ("align", "align-naive"):
        case = json.loads(Path(spec["case"]).read_text(encoding="utf-8"))
        garbled, clean = case["garbled"], case["clean"]
        nbytes = sum(len(x.encode("utf-8")) for x in garbled + clean)
        if op == "align":
            from mtrepair.align.core import align

            align(garbled[:20], clean[:20])  # warm-up: imports, numpy kernels
            run = lambda: align(garbled, clean)  # noqa: E731
        else:
            bench_align = _required(folder, "bench_align")
            run = lambda: bench_align.chrf_dp(garbled, clean, band=25)  # noqa: E731
        rss = _status_mb("VmRSS")
        seconds, cpu = _timed(run, repeats)
    else:
        raise ConfigError(f"unknown bench worker operation {op!r}")
    return {
        "seconds": round(seconds, 4),
        "cpu_seconds": round(cpu, 4),
        "bytes": nbytes,
        "mb_per_s": round(nbytes / MB / seconds, 4) if seconds > 0 else None,
        "rss_before_mb": rss,
        "peak_rss_mb": _peak_self_mb(),
        "repeats": repeats,
        **extra,
    }


def run_worker(op: str, spec: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """One operation in a fresh interpreter; its own figures, read from its stdout."""
    spec_path = workdir / f"{op}.spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mtrepair.bench", op, str(spec_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ConfigError(f"bench worker {op} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_command(command: Sequence[str], nbytes: int, repeats: int) -> dict[str, Any]:
    """A command line end to end (start-up included): median wall seconds, peak VmHWM polled."""
    times: list[float] = []
    peak: float | None = None
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as proc:
            while True:
                hwm = _status_mb("VmHWM", proc.pid)
                if hwm is not None:
                    peak = hwm if peak is None else max(peak, hwm)
                try:
                    proc.wait(timeout=0.02)
                    break
                except subprocess.TimeoutExpired:
                    continue
            err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise ConfigError(f"{' '.join(command)} exited {proc.returncode}: {err.strip()[-300:]}")
    seconds = statistics.median(times)
    return {
        "seconds": round(seconds, 4),
        "bytes": nbytes,
        "mb_per_s": round(nbytes / MB / seconds, 4),
        "peak_rss_mb": peak,
        "repeats": len(times),
        "all_seconds": [round(t, 3) for t in times],
    }


# --- the parts


@dataclass(frozen=True)
class Options:
    """One run's settings, resolved (see :func:`run_bench`)."""

    parts: tuple[str, ...]
    seed: int
    quick: bool
    out: Path
    data: Path
    benchmarks: Path
    align_backends: tuple[str, ...]
    qe_models: tuple[str, ...]
    sizes: Sizes


def part_detect_repair(opts: Options) -> tuple[dict[str, Any], dict[str, Any]]:
    """One ``clean`` of the labelled garble set gives both detection and repair figures."""
    bench_detect = _required(opts.benchmarks, "bench_detect")
    s = opts.sizes
    data = opts.data if opts.data.exists() else None
    start = time.perf_counter()
    samples = bench_detect.build_set(
        seed=opts.seed,
        per_kind=s.detect_per_kind,
        mixed=s.detect_mixed,
        negatives=s.detect_negatives,
        data=data,
    )
    build = time.perf_counter() - start
    scored = bench_detect.run(samples)
    sources: dict[str, int] = {}
    groups: dict[str, int] = {}
    for sample in samples:
        sources[sample.source] = sources.get(sample.source, 0) + 1
        groups[sample.group] = groups.get(sample.group, 0) + 1
    garble_set = {
        "documents": len(samples),
        "characters": sum(len(x.damaged) for x in samples),
        "gold_spans": sum(len(x.gold) for x in samples),
        "groups": groups,
        "sources": dict(sorted(sources.items())),
        "mlqe_pe": str(data) if data is not None else None,
        "build_seconds": round(build, 3),
        "kinds": dict(bench_detect.KINDS),
    }
    detection = {"garble_set": garble_set, **scored["detection"]}
    repair = {"garble_set": garble_set, **scored["repair"]}
    if "repair" in opts.parts:
        repair["ablation"] = bench_detect.ablation(samples, limit=s.ablation_docs)
    return detection, repair


def part_align(opts: Options) -> dict[str, Any]:
    """bench_align's injected MLQE-PE et-en case at a small size: aligner(s) and the chrF DP baseline."""
    bench_align = _required(opts.benchmarks, "bench_align")
    base = opts.data / "et-en-multiref"
    if not (base / "mt.en").exists():
        return {"skipped": f"MLQE-PE data not found in {opts.data}"}
    n = opts.sizes.align_lines
    mt = bench_align.read_lines(base / "mt.en")[:n]
    ref = bench_align.read_lines(base / "ref-1.en")[:n]
    pool = bench_align.read_lines(opts.data / "et-en-dev" / "dev.mt")
    case = bench_align.inject(mt, ref, pool, seed=opts.seed, rate=0.05)
    runs: list[dict[str, Any]] = []
    for name in opts.align_backends:
        backend, why, load = bench_align.build_backend(name)
        row: dict[str, Any] = {"pair": "mt.en vs ref-1.en", "method": name}
        if backend is None:
            row["skipped"] = why
        else:
            row.update(bench_align.run_aligner(case, backend))
            row["load_seconds"] = load
        runs.append(row)
    start = time.perf_counter()
    pred = bench_align.chrf_dp(case.garbled, case.clean, band=25)
    runs.append(
        {
            "pair": "mt.en vs ref-1.en",
            "method": "chrF DP baseline",
            **bench_align._scores(pred, case.gold),
            "seconds": round(time.perf_counter() - start, 3),
        }
    )
    scale = bench_align.scaling(mt, ref, pool, n=opts.sizes.align_scale, seed=opts.seed, repeats=2)
    return {
        "lines": len(mt),
        "events": case.events,
        "garbled_units": len(case.garbled),
        "gold_beads": len(case.gold),
        "gold_drift": bench_align.gold_drift(case),
        "baseline_band": 25,
        "runs": runs,
        "scaling": scale,
    }


def part_qe(opts: Options, workdir: Path) -> dict[str, Any]:
    """bench_qe's leave-one-pair-out Pearson/Spearman with HTER, model-free by default."""
    bench_qe = load_module(opts.benchmarks, "bench_qe")
    if bench_qe is None:
        return {"skipped": "benchmarks/bench_qe.py is not there or does not import (the qe work is not in)"}
    if not (opts.data / "ro-en-dev" / "dev.hter").exists():
        return {"skipped": f"MLQE-PE data not found in {opts.data}"}
    setattr(bench_qe, "DATA", opts.data)  # noqa: B010  (its readers take the folder from the module)
    cache = workdir / "qe-cache"
    cache.mkdir(exist_ok=True)
    hter: dict[str, list[float]] = {}
    base: dict[str, list[dict[str, float]]] = {}
    seconds: dict[str, float] = {}
    for pair in bench_qe.PAIRS:
        hter[pair] = bench_qe.read_pair(pair)[2]
        base[pair], seconds[f"{pair} signals"] = bench_qe.base_signals(pair, cache)
    kinds = ["fluency", "none"]
    skipped: dict[str, str] = {}
    tables: dict[str, dict[str, list[dict[str, float]]]] = {"fluency": base, "none": base}
    for model in opts.qe_models:
        if not bench_qe.available(model):
            skipped[model] = "model package not installed or does not load"
            continue
        tables[model] = {}
        for pair in bench_qe.PAIRS:
            sims, seconds[f"{pair} {model}"] = bench_qe.model_rows(pair, model, cache)
            tables[model][pair] = [{**b, **x} for b, x in zip(base[pair], sims, strict=True)]
        kinds.append(model)
    garble = {kind: bench_qe.lopo(kind, tables[kind], hter) for kind in kinds}
    singles = {
        name: bench_qe.single_signal(name, base, hter)
        for name in bench_qe.signal_names("none", base[bench_qe.PAIRS[0]])
    }
    best = max(singles, key=lambda n: singles[n]["mean_pearson"])
    return {
        "pairs": list(bench_qe.PAIRS),
        "segments_per_pair": len(hter[bench_qe.PAIRS[0]]),
        "garble": garble,
        "learned": _learned_qe(opts.data, list(bench_qe.PAIRS), hter),
        "best_single_signal": {"name": best, **singles[best]},
        "models_skipped": skipped,
        "signal_seconds": {k: round(v, 2) for k, v in seconds.items()},
        "protocol": "leave-one-language-pair-out: weights fitted on the other pairs (bench_qe.lopo)",
    }


def _learned_qe(data: Path, pairs: list[str], hter: dict[str, list[float]]) -> dict[str, Any]:
    """Dev Pearson of the shipped learned models (issue 18; fitted on train, so no protocol needed)."""
    import numpy as np

    from mtrepair.qe import learned

    out: dict[str, Any] = {"no_source": {}, "with_source": {}}
    for pair in pairs:
        base = data / f"{pair}-dev"
        mts = (base / "dev.mt").read_text(encoding="utf-8").splitlines()
        srcs = (base / "dev.src").read_text(encoding="utf-8").splitlines()
        y = np.asarray(hter[pair])
        nosrc = np.asarray([q.garble for q in learned.score(mts)])
        withsrc = np.asarray([q.garble for q in learned.score_with_source(srcs, mts, pair.split("-")[0])])
        out["no_source"][pair] = round(float(np.corrcoef(nosrc, y)[0, 1]), 4)
        out["with_source"][pair] = round(float(np.corrcoef(withsrc, y)[0, 1]), 4)
    for mode in ("no_source", "with_source"):
        out[f"{mode}_mean_pearson"] = round(float(np.mean(list(out[mode].values()))), 4)
    out["protocol"] = "shipped models (benchmarks/train_qe.py, MLQE-PE train only), scored on dev"
    return out


def part_realworld(opts: Options) -> dict[str, Any]:
    """bench_realworld: recall per damage kind and language, edit precision, false edits on clean pages.

    The corpus is committed (``benchmarks/realworld/corpus.jsonl``), so this part
    needs no data outside the repository; ``--quick`` scores every fourth page.
    """
    bench_realworld = load_module(opts.benchmarks, "bench_realworld")
    corpus = opts.benchmarks / "realworld" / "corpus.jsonl"
    if bench_realworld is None or not corpus.exists():
        return {"skipped": f"benchmarks/bench_realworld.py or {corpus} is not there"}
    pages = bench_realworld.load_corpus(corpus)
    if opts.quick:
        pages = pages[::4]
    runs, info = bench_realworld.clean_pages(pages)
    result: dict[str, Any] = bench_realworld.evaluate(pages, runs)
    result["run"] = {**info, "corpus": str(corpus), "pages_scored": len(pages)}
    result["markdown"] = bench_realworld.render_markdown(result)
    return result


def part_reference(opts: Options) -> dict[str, Any]:
    """bench_reference and bench_divergence: meaning errors found against a faithful clean version.

    Seed 002 against ``benchmarks/reference/002.clean.txt`` (the ten errors issue
    17 lists, false alarms on name spellings and structure lines), and, when the
    MLQE-PE et-en multiref data is there, the divergence score's correlation with
    DA next to sentence chrF and the false alarms between two human references.
    """
    bench_reference = load_module(opts.benchmarks, "bench_reference")
    if bench_reference is None:
        return {"skipped": "benchmarks/bench_reference.py is not there"}
    result: dict[str, Any] = {"seed_002": bench_reference.run()}
    seed = result["seed_002"]
    variants, structure = seed["false_alarms_on_name_variants"], seed["false_alarms_on_structure_lines"]
    lines = [
        f"Seed 002 against its faithful reference: **{seed['found']} of {seed['errors']}** meaning errors "
        f"reported at their words; false alarms on name spellings: {len(variants)}, "
        f"on structure lines: {len(structure)}."
    ]
    bench_divergence = load_module(opts.benchmarks, "bench_divergence")
    multiref = opts.data / "et-en-multiref"
    if bench_divergence is not None and (multiref / "mt.en").is_file() and not opts.quick:
        result["et_en_multiref"] = bench_divergence.run(multiref)
        lines += ["", bench_divergence.markdown(result["et_en_multiref"])]
    result["markdown"] = "\n".join(lines)
    return result


def part_speed(opts: Options, workdir: Path) -> dict[str, Any]:
    """Every operation next to its peer, each in a fresh process: MB/s, peak RSS, ratios."""
    make_corpus = _required(opts.benchmarks, "make_corpus")
    s = opts.sizes
    root = opts.benchmarks.parent
    rows: list[dict[str, Any]] = []
    corpus = workdir / "speed-corpus.jsonl"
    info = make_corpus.write_corpus(corpus, size_mb=s.clean_mb, seed=opts.seed)
    common = {"benchmarks": str(opts.benchmarks)}

    def pair(
        op: str, label: str, peer_label: str, ours: dict[str, Any], peer: dict[str, Any], what: str
    ) -> None:
        rows.append(
            {
                "operation": op,
                "what": what,
                "mtrepair": {"label": label, **ours},
                "peer": {"label": peer_label, **peer},
                "speed_ratio": round(ours["mb_per_s"] / peer["mb_per_s"], 3)
                if ours.get("mb_per_s") and peer.get("mb_per_s")
                else None,
                "cpu_speed_ratio": round(peer["cpu_seconds"] / ours["cpu_seconds"], 3)
                if ours.get("cpu_seconds") and peer.get("cpu_seconds")
                else None,
                "rss_ratio": round(ours["peak_rss_mb"] / peer["peak_rss_mb"], 3)
                if ours.get("peak_rss_mb") and peer.get("peak_rss_mb")
                else None,
            }
        )

    spec = {**common, "corpus": str(corpus), "repeats": 1}
    pair(
        "clean",
        "mtrepair.clean_text",
        "ftfy.fix_text (defaults)",
        run_worker("clean", spec, workdir),
        run_worker("ftfy", spec, workdir),
        f"{info.documents} damaged documents, {info.text_bytes / MB:.2f} MB (make_corpus, seed {opts.seed})",
    )

    seeds = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((root / "seeds").glob("*.txt")))
    text = (seeds + "\n\n") * max(1, int(s.glossary_mb * MB / len(seeds.encode("utf-8"))))
    text_path = workdir / "glossary-text.txt"
    text_path.write_text(text, encoding="utf-8")
    gspec = {
        **common,
        "text": str(text_path),
        "glossary": str(root / "glossaries" / "military-iraq-syria.toml"),
        "variants": s.glossary_variants,
        "repeats": 3,
    }
    pair(
        "glossary",
        "Matcher.find (Aho-Corasick, context rules)",
        "one Python re alternation + dict",
        run_worker("glossary", gspec, workdir),
        run_worker("glossary-naive", gspec, workdir),
        f"the seeds repeated to {len(text.encode('utf-8')) / MB:.2f} MB, "
        f"shipped glossary + synthetic entries to {s.glossary_variants:,} variants",
    )

    base = opts.data / "et-en-multiref"
    bench_align = load_module(opts.benchmarks, "bench_align")
    if bench_align is not None and (base / "mt.en").exists():
        n = s.speed_align_lines
        case = bench_align.inject(
            bench_align.read_lines(base / "mt.en")[:n],
            bench_align.read_lines(base / "ref-1.en")[:n],
            bench_align.read_lines(opts.data / "et-en-dev" / "dev.mt"),
            seed=opts.seed,
        )
        case_path = workdir / "align-case.json"
        case_path.write_text(json.dumps({"garbled": case.garbled, "clean": case.clean}), encoding="utf-8")
        aspec = {**common, "case": str(case_path), "repeats": 3}
        ours = run_worker("align", aspec, workdir)
        pair(
            "align",
            "mtrepair align (lexical)",
            "chrF DP aligner (naive)",
            ours,
            run_worker("align-naive", {**aspec, "repeats": 1}, workdir),
            f"MLQE-PE et-en, {n} lines with injected merges/splits/insertions/deletions",
        )

    hyp, ref = opts.data / "ro-en-dev" / "dev.mt", opts.data / "ro-en-dev" / "dev.pe"
    mtrepair_cmd = Path(sys.executable).with_name("mtrepair")
    sacrebleu_cmd = Path(sys.executable).with_name("sacrebleu")
    if hyp.exists() and ref.exists():
        nbytes = hyp.stat().st_size + ref.stat().st_size
        ours_cmd = [str(mtrepair_cmd), "score", "--hyp", str(hyp), "--ref", str(ref)]
        ours_cmd += ["--metric", "bleu", "--metric", "chrf", "--metric", "ter"]
        peer_cmd = (
            [str(sacrebleu_cmd)] if sacrebleu_cmd.exists() else [sys.executable, "-m", "sacrebleu"]
        ) + [str(ref), "-i", str(hyp), "-m", "bleu", "chrf", "ter"]
        if mtrepair_cmd.exists():
            pair(
                "score",
                "mtrepair score (BLEU, chrF, TER)",
                "sacrebleu CLI (BLEU, chrF, TER)",
                run_command(ours_cmd, nbytes, s.score_repeats),
                run_command(peer_cmd, nbytes, s.score_repeats),
                "MLQE-PE ro-en dev.mt vs dev.pe (1,000 segments), end to end with start-up, median of runs",
            )
    return {
        "rows": rows,
        "method": (
            "Each operation in a fresh process (python -m mtrepair.bench OP): time of the operation only "
            "(best of the repeats, after a warm-up), peak RSS = the process's VmHWM at its end; score: "
            "both command lines end to end (median), VmHWM polled every 20 ms"
        ),
    }


# --- report and plots


def _fmt(x: Any, digits: int = 3) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def _load(values: Any) -> str:
    return "n/a" if not values else " / ".join(f"{v:.2f}" for v in values)


def render_report(run: dict[str, Any], results: dict[str, dict[str, Any]], plots: dict[str, str]) -> str:
    """The Markdown report of one run, every figure taken from ``results``."""
    m = run["machine"]
    dirty = " with uncommitted changes" if m.get("uncommitted_changes") else ""
    lines = [
        "# mtrepair benchmark suite",
        "",
        f"Recorded run: {run['date']}, `{run['command']}` ({run['mode']}, seed {run['seed']}), "
        f"{run['seconds']:.0f} s in all.",
        "",
        f"Machine: {m['nproc']} × {m['cpu_model']}, Python {m['python']}, mtrepair {m['mtrepair_version']} "
        f"at commit `{m['git_commit']}`{dirty}, ftfy {m['ftfy_version']}, "
        f"sacrebleu {m['sacrebleu_version']}.",
        "",
        "The machine was shared with other jobs. Load average (1, 5, 15 min) per part:",
        "",
        "| part | seconds | load at start | load at end |",
        "|---|---:|---|---|",
    ]
    for part, t in run["parts"].items():
        lines.append(f"| {part} | {t['seconds']:.1f} | {_load(t['load_start'])} | {_load(t['load_end'])} |")
    lines += [
        "",
        "Wall-clock figures are inflated when the load is above the 2 cores; ratios measured in the same "
        "conditions (same run, one after the other) suffer less.",
        "",
    ]
    if "detect" in results:
        lines += _report_detect(results["detect"], plots.get("detect"))
    if "repair" in results:
        lines += _report_repair(results["repair"], plots.get("repair"))
    if "align" in results:
        lines += _report_align(results["align"], plots.get("align"))
    if "qe" in results:
        lines += _report_qe(results["qe"], plots.get("qe"))
    if "realworld" in results and "markdown" in results["realworld"]:
        lines += ["## Real-world damage (`benchmarks/realworld/`)", "", results["realworld"]["markdown"], ""]
    if "reference" in results and "markdown" in results["reference"]:
        section = "## Against a clean version (`clean --reference`)"
        lines += [section, "", results["reference"]["markdown"], ""]
    if "speed" in results:
        lines += _report_speed(results["speed"], plots.get("speed"))
    lines += [
        "## What is left out",
        "",
        "- Meaning errors (agent and patient swapped, `the sirens shouted`) and term mistranslations "
        "are not injected: no rule can see them without a clean version (`clean --reference` aligns "
        "with one; the `reference` part scores its report on seed 002).",
        "- Headings and bylines that must stay are covered only as part of the clean text (any "
        "finding on them counts against precision), not as a separately scored set.",
        "- The clean text is not perfectly clean: MLQE-PE post-edits carry some real damage (doubled "
        "words, unbalanced brackets, foreign words; see the findings on untouched documents above), "
        "counted as false positives, since only injected damage is gold.",
        "- chrF and BLEU ignore whitespace (chrF drops it, BLEU's 13a tokenizer turns newlines into "
        "spaces), so repairs of line structure move them by 0: the character error rate shows those.",
        "- Alignment and QE default to the model-free backends (`--align-backends`, `--qe-models` add "
        "the neural ones: minutes each on CPU); the full neural tables are in `align.json` / `qe.json` "
        "of `bench_align.py` / `bench_qe.py`.",
        "- Corpus scale (workers, 200 MB runs) is `bench_scale.py`'s job, not the suite's: it takes "
        "longer than the suite's 15-minute budget.",
        "",
    ]
    for note in run.get("notes", []):
        lines.append(f"- Note: {note}")
    return "\n".join(lines).rstrip() + "\n"


def _img(path: str | None, alt: str) -> list[str]:
    return [f"![{alt}]({path})", ""] if path else []


def _report_detect(d: dict[str, Any], plot: str | None) -> list[str]:
    g = d["garble_set"]
    sources = ", ".join(f"{k} {v}" for k, v in g["sources"].items())
    lines = [
        "## 1. Detection: precision, recall and F1 per rule",
        "",
        f"The labelled garble set (`benchmarks/bench_detect.py`): {g['documents']} documents "
        f"({g['characters']:,} characters, {g['gold_spans']:,} gold spans) built from {sources}. "
        f"{g['groups'].get('mixed', 0)} documents carry 2-4 kinds of damage, "
        f"{g['groups'].get('negative', 0)} are untouched negatives, the rest one kind each. "
        "A finding matches a gold span when its rule is the gold span's rule and the spans overlap; "
        "precision counts findings, recall counts gold spans. "
        f"Cleaning the set and matching its findings ran at {d['mb_per_s']:.2f} MB/s.",
        "",
        "| rule | precision | recall | F1 | findings | gold spans | recall by any rule "
        "| false alarms / 100k clean chars |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rule, r in d["per_rule"].items():
        lines.append(
            f"| `{rule}` | {r['precision']:.3f} | {_fmt(r['recall']) if r['gold'] else 'n/a'} | "
            f"{_fmt(r['f1']) if r['gold'] else 'n/a'} | {r['findings']} | {r['gold']} | "
            f"{_fmt(r['recall_any_rule'])} | {r['false_alarms_per_100k_clean_chars']:.1f} |"
        )
    mi, ma = d["micro"], d["macro"]
    lines += [
        f"| **micro** | {mi['precision']:.3f} | {mi['recall']:.3f} | {mi['f1']:.3f} | {mi['findings']} | "
        f"{mi['gold']} | | |",
        f"| **macro** ({len(d['macro_over'])} rules with gold) | {ma['precision']:.3f} "
        f"| {ma['recall']:.3f} | "
        f"{ma['f1']:.3f} | | | | |",
        "",
        "Micro figures are dominated by the many CRLF and hard-wrap spans (one per line break); macro "
        "weighs every rule alike. *Recall by any rule*: the share of the rule's gold spans that some "
        "rule found (damage repaired under another rule's name).",
        "",
        *_img(plot, "per-rule precision, recall and F1"),
        "Recall per injected kind:",
        "",
        "| kind | gold spans | found | recall |",
        "|---|---:|---:|---:|",
    ]
    for kind, r in d["per_kind_recall"].items():
        lines.append(f"| {kind} | {r['gold']} | {r['found']} | {r['recall']:.3f} |")
    if d.get("per_detail_recall"):
        detail = ", ".join(f"{k} {v['found']}/{v['gold']}" for k, v in d["per_detail_recall"].items())
        lines += ["", f"By language of the inserted fragment and by mojibake codec: {detail}."]
    confused = []
    for rule, r in d["per_rule"].items():
        wrong = d.get("unmatched_overlaps", {}).get(rule, {})
        if wrong:
            top = ", ".join(f"{k} {v}" for k, v in list(wrong.items())[:3])
            confused.append(
                f"- `{rule}`: {r['findings'] - r['findings_matched']} unmatched findings; they "
                f"overlap gold spans of {top}"
            )
    if confused:
        lines += [
            "",
            "Where unmatched findings fall (gold rule of the span they overlap, or none):",
            "",
            *confused,
        ]
    neg = d["negatives"]
    found = ", ".join(f"{k} {v}" for k, v in neg["findings"].items()) or "none"
    lines += [
        "",
        f"Negatives: {neg['documents_with_findings']} of {neg['documents']} untouched documents "
        f"({neg['characters']:,} characters) drew at least one finding ({found}).",
        "",
    ]
    if neg.get("examples"):
        lines += ["Findings on untouched documents (the clean text is not always clean):", ""]
        for ex in neg["examples"][:6]:
            snippet = ex["text"].replace("\n", " ").replace("|", "\\|")
            lines.append(f"- `{ex['rule']}` in {ex['source']}: “{snippet}”")
        lines.append("")
    return lines


def _report_repair(r: dict[str, Any], plot: str | None) -> list[str]:
    lines = [
        "## 2. Repair: chrF, BLEU and character error rate before and after `clean`",
        "",
        "Each document of the garble set scored against its clean original, as damaged and as repaired "
        "(one segment per document). CER = Levenshtein distance / clean characters × 100 (sees line "
        "breaks, which chrF and BLEU ignore). p: sacrebleu paired bootstrap, chrF after vs before "
        "(only where chrF moved, at least 10 documents).",
        "",
        "| documents | n | chrF before → after (Δ) | BLEU before → after (Δ) | CER before → after "
        "| exact after | p (chrF) |",
        "|---|---:|---|---|---|---:|---:|",
    ]
    for group, g in r["groups"].items():
        lines.append(
            f"| {group} | {g['documents']} | {g['chrf_before']:.2f} → {g['chrf_after']:.2f} "
            f"({g['chrf_delta']:+.2f}) | {g['bleu_before']:.2f} → {g['bleu_after']:.2f} "
            f"({g['bleu_delta']:+.2f}) | "
            f"{g['cer_before']:.2f} → {g['cer_after']:.2f} | {g['exact_after']:.2f} | "
            f"{_fmt(g.get('chrf_p_value'), 4)} |"
        )
    lines += ["", "Signatures: " + "; ".join(f"`{v}`" for v in r["signatures"].values()), ""]
    lines += _img(plot, "repair: chrF and CER before and after clean")
    ab = r.get("ablation")
    if ab and ab.get("effects"):
        lines += [
            f"Per-rule attribution on {ab['documents']} mixed documents (`score.repair_effect`: the metric "
            "with every rule on minus the metric with that rule off; shares need not add up, rules "
            "interact):",
            "",
            "| metric | before | after | p | largest shares |",
            "|---|---:|---:|---:|---|",
        ]
        for e in ab["effects"]:
            top = sorted(e["attribution"].items(), key=lambda kv: -abs(kv[1]))[:5]
            shares = ", ".join(f"{k} {v:+.2f}" for k, v in top)
            lines.append(
                f"| {e['metric']} | {e['before']['score']:.2f} | {e['after']['score']:.2f} | "
                f"{_fmt(e['p_value'], 4)} | {shares} |"
            )
        lines.append("")
    return lines


def _report_align(a: dict[str, Any], plot: str | None) -> list[str]:
    if "skipped" in a:
        return ["## 3. Alignment", "", f"Skipped: {a['skipped']}.", ""]
    lines = [
        "## 3. Alignment: strict and lax F1, time",
        "",
        f"`bench_align.inject` on the first {a['lines']} lines of MLQE-PE et-en (`mt.en` vs `ref-1.en`), "
        f"events {a['events']}; Vecalign's strict/lax scores. The baseline is bench_align's chrF DP "
        f"(sacrebleu sentence chrF per candidate bead, band ±{a['baseline_band']}).",
        "",
        "| method | strict P | strict R | strict F1 | lax F1 | seconds |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in a["runs"]:
        if "skipped" in row:
            method, why = md_cell(str(row["method"])), md_cell(str(row["skipped"]))
            lines.append(f"| {method} | skipped: {why} | | | | |")
            continue
        lines.append(
            f"| {md_cell(str(row['method']))} | {row['precision_strict']:.4f} | {row['recall_strict']:.4f} | "
            f"{row['f1_strict']:.4f} | {row['f1_lax']:.4f} | {row['seconds']:.2f} |"
        )
    sc = a["scaling"]
    n, n4 = (k for k in sc if k != "ratio")
    lines += [
        "",
        f"Scaling (lexical): {n} lines {sc[n]['seconds']:.2f} s, {n4} lines {sc[n4]['seconds']:.2f} s: "
        f"ratio {sc['ratio']} for 4x the lines (linear 4, full DP table 16).",
        "",
        *_img(plot, "alignment F1 and time"),
    ]
    return lines


def _report_qe(q: dict[str, Any], plot: str | None) -> list[str]:
    if "skipped" in q:
        return ["## 4. Quality estimation", "", f"Skipped: {q['skipped']}.", ""]
    pairs = q["pairs"]
    lines = [
        "## 4. Quality estimation: correlation with HTER",
        "",
        f"`mtrepair qe` garble score vs MLQE-PE HTER, {q['segments_per_pair']} dev segments per pair, "
        f"{q['protocol']}. Pearson r (Spearman in brackets).",
        "",
        "| method | " + " | ".join(pairs) + " | mean |",
        "|---|" + "---:|" * (len(pairs) + 1),
    ]
    labels = {"fluency": "garble score, fluency only (no source)", "none": "garble score, `--model none`"}

    def row(label: str, res: dict[str, Any]) -> str:
        cells = [f"{res[p]['pearson']:.3f} ({res[p]['spearman']:.3f})" for p in pairs]
        return f"| {label} | " + " | ".join(cells) + f" | **{res['mean_pearson']:.3f}** |"

    for kind, res in q["garble"].items():
        lines.append(row(labels.get(kind, f"garble score, `--model {kind}`"), res))
    best = q["best_single_signal"]
    lines.append(row(f"best single signal in hindsight (`{best['name']}`)", best))
    learned = q.get("learned")
    if learned:
        for mode, label in (("no_source", "no source"), ("with_source", "with source")):
            cells = [f"{learned[mode][p]:.3f}" for p in pairs]
            lines.append(
                f"| learned model, {label} (the default; Pearson only) | "
                + " | ".join(cells)
                + f" | **{learned[f'{mode}_mean_pearson']:.3f}** |"
            )
        lines += ["", f"Learned rows: {learned['protocol']}."]
    if q.get("models_skipped"):
        lines += ["", "Not run: " + ", ".join(f"{k} ({v})" for k, v in q["models_skipped"].items()) + "."]
    lines += ["", *_img(plot, "QE correlation with HTER per pair")]
    return lines


def _report_speed(sp: dict[str, Any], plot: str | None) -> list[str]:
    lines = [
        "## 5. Speed and memory next to the peer",
        "",
        sp["method"] + ". Ratios are mtrepair over the peer: speed > 1 is faster, RSS > 1 uses more memory; "
        "the CPU ratio (same input, CPU seconds of the operation) suffers less from other jobs.",
        "",
        "| operation | input | mtrepair | MB/s | peak RSS MB | peer | MB/s | peak RSS MB "
        "| speed ratio | CPU ratio | RSS ratio |",
        "|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in sp["rows"]:
        a, b = r["mtrepair"], r["peer"]
        lines.append(
            f"| {r['operation']} | {r['what']} | {a['label']} | {_fmt(a['mb_per_s'])} "
            f"| {_fmt(a['peak_rss_mb'], 0)} | {b['label']} | {_fmt(b['mb_per_s'])} "
            f"| {_fmt(b['peak_rss_mb'], 0)} | **{_fmt(r['speed_ratio'], 2)}** "
            f"| {_fmt(r['cpu_speed_ratio'], 2)} "
            f"| {_fmt(r['rss_ratio'], 2)} |"
        )
    lines += ["", *_img(plot, "speed and memory ratios to the peer")]
    return lines


def make_plots(results: dict[str, dict[str, Any]], out: Path) -> tuple[dict[str, str], list[str]]:
    """One PNG per part (matplotlib, Agg); names relative to ``out`` for the report."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return {}, ["matplotlib is not installed: no plots (pip install -e '.[bench]')"]
    made: dict[str, str] = {}

    def save(fig: Any, part: str) -> None:
        name = f"suite_{part}.png"
        fig.tight_layout()
        fig.savefig(out / name, dpi=110)
        plt.close(fig)
        made[part] = name

    d = results.get("detect")
    if d and d.get("per_rule"):
        rules = [r for r, v in d["per_rule"].items() if v["gold"]]
        fig, ax = plt.subplots(figsize=(8, 0.38 * len(rules) + 1.5))
        ys = range(len(rules))
        for k, (key, color) in enumerate(
            (("precision", "#4c72b0"), ("recall", "#dd8452"), ("f1", "#55a868"))
        ):
            ax.barh(
                [y + (k - 1) * 0.27 for y in ys],
                [d["per_rule"][r][key] for r in rules],
                0.27,
                label=key,
                color=color,
            )
        ax.set_yticks(list(ys), rules)
        ax.invert_yaxis()
        ax.set_xlim(0, 1.05)
        ax.set_title("Detection on the labelled garble set, per rule")
        ax.legend(loc="lower right", fontsize=8)
        save(fig, "detect")
    r = results.get("repair")
    if r and r.get("groups"):
        groups = [g for g in r["groups"] if g not in ("all damaged",)]
        fig, axes = plt.subplots(1, 2, figsize=(11, 0.35 * len(groups) + 1.8), sharey=True)
        ys = range(len(groups))
        for ax, metric, title in (
            (axes[0], "chrf", "chrF (higher is better)"),
            (axes[1], "cer", "CER % (lower is better)"),
        ):
            before = [r["groups"][g][f"{metric}_before"] for g in groups]
            after = [r["groups"][g][f"{metric}_after"] for g in groups]
            ax.barh([y - 0.2 for y in ys], before, 0.4, label="damaged", color="#c44e52")
            ax.barh([y + 0.2 for y in ys], after, 0.4, label="after clean", color="#55a868")
            ax.set_title(title)
            if metric == "chrf":
                ax.set_xlim(min(before + after) - 1, 100.5)
        axes[0].set_yticks(list(ys), groups)
        axes[0].invert_yaxis()
        axes[1].legend(loc="lower right", fontsize=8)
        save(fig, "repair")
    a = results.get("align")
    if a and a.get("runs"):
        runs = [x for x in a["runs"] if "skipped" not in x]
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.2))
        names = [x["method"] for x in runs]
        xs = range(len(runs))
        ax1.bar([x - 0.2 for x in xs], [x["f1_strict"] for x in runs], 0.4, label="strict F1")
        ax1.bar([x + 0.2 for x in xs], [x["f1_lax"] for x in runs], 0.4, label="lax F1")
        ax1.set_xticks(list(xs), names)
        ax1.set_ylim(min(x["f1_strict"] for x in runs) - 0.05, 1.0)
        ax1.legend(fontsize=8)
        ax1.set_title("Alignment F1")
        ax2.bar(list(xs), [x["seconds"] for x in runs], color="#8172b2")
        ax2.set_xticks(list(xs), names)
        ax2.set_yscale("log")
        ax2.set_title("seconds (log)")
        save(fig, "align")
    q = results.get("qe")
    if q and q.get("garble"):
        pairs = q["pairs"]
        kinds = list(q["garble"])
        fig, ax = plt.subplots(figsize=(8, 3.4))
        width = 0.8 / (len(kinds) + 1)
        for k, kind in enumerate([*kinds, "best single"]):
            res = q["best_single_signal"] if kind == "best single" else q["garble"][kind]
            ax.bar(
                [i + k * width for i in range(len(pairs))],
                [res[p]["pearson"] for p in pairs],
                width,
                label=kind,
            )
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(pairs))], pairs)
        ax.set_ylabel("Pearson r with HTER")
        ax.axhline(0, color="black", lw=0.5)
        ax.legend(fontsize=8)
        ax.set_title("QE garble score vs HTER (leave one pair out)")
        save(fig, "qe")
    sp = results.get("speed")
    if sp and sp.get("rows"):
        rows = sp["rows"]
        fig, ax = plt.subplots(figsize=(8, 3.2))
        xs = range(len(rows))
        ax.bar([x - 0.2 for x in xs], [x["speed_ratio"] or 0 for x in rows], 0.4, label="MB/s ratio")
        ax.bar([x + 0.2 for x in xs], [x["rss_ratio"] or 0 for x in rows], 0.4, label="peak RSS ratio")
        ax.axhline(1, color="black", lw=0.7)
        ax.set_yscale("log")
        ax.set_xticks(list(xs), [x["operation"] for x in rows])
        ax.set_title("mtrepair / peer (speed > 1 faster; RSS > 1 more memory)")
        ax.legend(fontsize=8)
        save(fig, "speed")
    return made, []


def write_readme_section(readme: Path, run: dict[str, Any], report: Path) -> None:
    """Replace this suite's section of ``readme``, or append it at the end, in one write."""
    m = run["machine"]
    rel = os.path.relpath(report, readme.parent)
    section = "\n".join(
        [
            README_HEADER,
            "",
            "One command runs every benchmark at a size that fits in 15 minutes on 2 cores, "
            "with a fixed seed:",
            "",
            "```",
            "mtrepair bench --record             # all parts; --quick, --parts detect,repair,align,qe,speed,",
            "                                    # --seed N, --out DIR, --align-backends, --qe-models",
            "```",
            "",
            "Without `--record` (or `--out DIR`) a run writes into a fresh temporary folder and leaves "
            "the recorded results alone. With `--record` it writes "
            "`results/suite_*.json` (one per part), PNG plots `results/suite_*.png` and the "
            f"report [`{rel}`]({rel}): per-rule detection precision/recall/F1 on a labelled garble set "
            "(`bench_detect.py`), chrF/BLEU/CER before and after `clean` per damage kind, alignment F1 and "
            "time, QE correlation with HTER, and speed and peak memory next to ftfy, the sacrebleu CLI and "
            "a naive aligner.",
            "",
            f"Recorded run: {run['date']} on {m['nproc']} × {m['cpu_model']}, Python {m['python']}, commit "
            f"`{m['git_commit']}`, {run['seconds']:.0f} s, load average {_load(run['load_start'])} at the "
            "start (shared machine).",
            "",
        ]
    )
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    marker = "\n" + README_HEADER + "\n"
    start = text.find(marker)
    if start < 0:
        new = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section
    else:
        end = text.find("\n## ", start + len(marker))
        after = text[end + 1 :] if end >= 0 else ""
        new = text[: start + 1] + section + ("\n" + after if after else "")
    readme.write_text(new, encoding="utf-8")


# --- the run


def parse_parts(spec: str) -> tuple[str, ...]:
    """``detect,repair`` -> the parts in suite order; ``all`` for every part."""
    names = [p.strip() for p in spec.split(",") if p.strip()]
    if names == ["all"]:
        return PARTS
    unknown = [p for p in names if p not in PARTS]
    if unknown or not names:
        raise ConfigError(f"unknown part(s) {', '.join(unknown) or spec!r}; use {','.join(PARTS)} or all")
    return tuple(p for p in PARTS if p in names)


def run_bench(
    *,
    parts: Sequence[str] = PARTS,
    seed: int = 0,
    quick: bool = False,
    out: Path | None = None,
    data: Path | None = None,
    benchmarks: Path | None = None,
    align_backends: Sequence[str] = ("lexical",),
    qe_models: Sequence[str] = (),
    readme: bool | None = None,
    command: str = "mtrepair bench",
    progress: Progress | None = None,
    record: bool = False,
) -> BenchRun:
    """Run the chosen parts, write one JSON per part, the report, the plots (and the README section).

    Where results go: ``out`` if given; with ``record`` (the run of record) the
    checkout's ``benchmarks/results``; otherwise a fresh folder under the system's
    temporary directory, so a user's run never overwrites the tracked results.
    ``readme`` None: update ``benchmarks/README.md`` only for the run of record.
    """
    folder = locate_benchmarks(benchmarks)
    default_out = folder / "results"
    if out is None:
        out = default_out if record else Path(tempfile.mkdtemp(prefix="mtrepair-bench-"))
    out = out.resolve()
    data = (data or folder.parent.parent / "shared" / "data" / "mlqe-pe").resolve()
    for name in align_backends:
        if name not in ALIGN_BACKENDS:
            raise ConfigError(f"unknown align backend {name!r}; use {', '.join(ALIGN_BACKENDS)}")
    for name in qe_models:
        if name not in QE_MODELS:
            raise ConfigError(f"unknown qe model {name!r}; use {', '.join(QE_MODELS)}")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    opts = Options(
        tuple(p for p in PARTS if p in parts),
        seed,
        quick,
        out,
        data,
        folder,
        tuple(align_backends),
        tuple(qe_models),
        QUICK if quick else FULL,
    )
    say = progress or (lambda _msg: None)
    result = BenchRun(out)
    started = time.perf_counter()
    run_info: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command,
        "mode": "quick" if quick else "full",
        "seed": seed,
        "sizes": asdict(opts.sizes),
        "machine": machine_info(folder.parent),
        "load_start": _load_average(),
        "data": str(data) if data.exists() else None,
        "parts": {},
        "notes": result.notes,
    }
    if not data.exists():
        result.notes.append(f"MLQE-PE data not found in {data}: seeds only, alignment/QE/score skipped")
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="mtrepair-bench-") as tmp:
        workdir = Path(tmp)
        todo: list[tuple[str, Callable[[], None]]] = []

        def detect_repair() -> None:
            detection, repair = part_detect_repair(opts)
            if "detect" in opts.parts:
                results["detect"] = detection
            if "repair" in opts.parts:
                results["repair"] = repair

        if "detect" in opts.parts or "repair" in opts.parts:
            label = "+".join(p for p in ("detect", "repair") if p in opts.parts)
            todo.append((label, detect_repair))
        if "align" in opts.parts:
            todo.append(("align", lambda: results.__setitem__("align", part_align(opts))))
        if "qe" in opts.parts:
            todo.append(("qe", lambda: results.__setitem__("qe", part_qe(opts, workdir))))
        if "realworld" in opts.parts:
            todo.append(("realworld", lambda: results.__setitem__("realworld", part_realworld(opts))))
        if "reference" in opts.parts:
            todo.append(("reference", lambda: results.__setitem__("reference", part_reference(opts))))
        if "speed" in opts.parts:
            todo.append(("speed", lambda: results.__setitem__("speed", part_speed(opts, workdir))))
        for label, step in todo:
            say(f"bench: {label} ...")
            load_start, t0 = _load_average(), time.perf_counter()
            step()
            seconds = time.perf_counter() - t0
            run_info["parts"][label] = {
                "seconds": round(seconds, 2),
                "load_start": load_start,
                "load_end": _load_average(),
            }
            say(f"bench: {label} done in {seconds:.1f} s")
    for part, data_ in results.items():
        if "skipped" in data_:
            result.notes.append(f"{part} skipped: {data_['skipped']}")
    plots, plot_notes = make_plots(results, out)
    result.notes.extend(plot_notes)
    result.seconds = time.perf_counter() - started
    run_info["seconds"] = round(result.seconds, 1)
    run_info["load_end"] = _load_average()
    for part, data_ in results.items():
        path = out / f"suite_{part}.json"
        path.write_text(
            json.dumps({"run": run_info, part: data_}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        result.written.append(path)
    result.written.extend(out / name for name in plots.values())
    report = out / "report.md"
    report.write_text(render_report(run_info, results, plots), encoding="utf-8")
    result.written.append(report)
    if readme or (readme is None and record):
        write_readme_section(folder / "README.md", run_info, report)
        result.written.append(folder / "README.md")
    return result


def _main(argv: Sequence[str]) -> int:
    """``python -m mtrepair.bench OP SPEC.json``: one speed worker (see :func:`worker`)."""
    if len(argv) != 2:
        print(
            "usage: python -m mtrepair.bench OP SPEC.json (internal: run by mtrepair bench)", file=sys.stderr
        )
        return 2
    print(json.dumps(worker(argv[0], Path(argv[1]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))


__all__ = ["PARTS", "BenchRun", "locate_benchmarks", "parse_parts", "run_bench"]
