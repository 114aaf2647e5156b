"""Corpus scale: ``mtrepair clean`` with 1 and 2 workers vs ``ftfy.fix_text``, and flat memory.

One command, one run, one corpus:

    .venv/bin/python benchmarks/bench_scale.py

1. Builds a sharded JSONL corpus from the seeds with ``make_corpus.generate``
   (default 50 MB of text in 5 MB shards, seed 0; reused if already there).
2. Times ``ftfy.fix_text`` over every document of it in this process.
3. Times ``mtrepair clean CORPUS/ --format jsonl -o OUT/ --workers N`` end to end
   in a subprocess for N = 1 and 2 (start-up, reading, cleaning, writing).
   Steps 2 and 3 are repeated ``--repeat`` times (default 3), interleaved, and
   the median is reported: this machine has slow spells that no load average
   shows.
4. Runs ``--workers 1`` on a small corpus (default 10 MB: the first shards) and a
   large one (default 200 MB: the shards repeated through symbolic links, so the
   disk holds them once) and compares the peak RSS.

Peak RSS is each process's VmHWM from /proc, polled every 50 ms over the whole
process tree (the main process, the forkserver, the pool workers). The load
average (1, 5, 15 min) is recorded before and after every figure: the machine
may be shared, and other work slows the figures down. MB is 10^6 bytes of UTF-8
text (the ``text`` fields). Results go to ``benchmarks/results/scale.json`` and a
Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_clean import _load_average, _mtrepair_command, _vm_hwm_mb, machine_info, time_ftfy
from benchmarks.make_corpus import MB, ROOT, generate

DEFAULT_CORPUS_DIR = ROOT / "benchmarks" / "corpus" / "scale"
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "scale.json"


def build_shards(folder: Path, *, size_mb: float, shard_mb: float, seed: int) -> dict[str, Any]:
    """Write the corpus as ``part-NNN.jsonl`` shards of about ``shard_mb`` MB of text each."""
    info_path = folder / "corpus.json"
    wanted = {"size_mb": size_mb, "shard_mb": shard_mb, "seed": seed}
    if info_path.exists():
        info: dict[str, Any] = json.loads(info_path.read_text(encoding="utf-8"))
        if info.get("params") == wanted:
            return info
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shards: list[dict[str, Any]] = []
    out = None
    text_bytes = docs = shard_text = 0
    for record, _kinds in generate(int(size_mb * MB), seed=seed):
        if out is None or shard_text >= shard_mb * MB:
            if out is not None:
                out.close()
            path = folder / f"part-{len(shards):03d}.jsonl"
            shards.append({"path": path.name, "text_bytes": 0, "documents": 0})
            out = path.open("w", encoding="utf-8", newline="\n")
            shard_text = 0
        n = len(record["text"].encode("utf-8"))
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        shards[-1]["text_bytes"] += n
        shards[-1]["documents"] += 1
        shard_text += n
        text_bytes += n
        docs += 1
    if out is not None:
        out.close()
    info = {"params": wanted, "documents": docs, "text_bytes": text_bytes, "shards": shards}
    info_path.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return info


def link_corpus(source: Path, shards: list[dict[str, Any]], target: Path, size_mb: float) -> tuple[int, int]:
    """A folder of symbolic links to ``shards``, repeated until it holds ``size_mb`` MB of text."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    total = docs = i = 0
    while total < size_mb * MB:
        shard = shards[i % len(shards)]
        (target / f"r{i // len(shards):03d}-{shard['path']}").symlink_to(source / shard["path"])
        total += shard["text_bytes"]
        docs += shard["documents"]
        i += 1
    return total, docs


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (the forkserver and the pool workers)."""
    found = [pid]
    for p in found:
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                children = Path(f"/proc/{p}/task/{tid}/children").read_text(encoding="utf-8").split()
                found.extend(int(c) for c in children if int(c) not in found)
        except OSError:
            continue
    return found


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a running process (fields 14 and 15 of /proc/PID/stat).

    Polled rather than taken from getrusage(RUSAGE_CHILDREN): pool workers are
    children of the forkserver, which the main process does not wait for.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def run_clean(corpus: Path, out: Path, workers: int, text_bytes: int, docs: int) -> dict[str, Any]:
    """``mtrepair clean CORPUS/ --format jsonl -o OUT/ --workers N``, timed, with peak RSS per process."""
    shutil.rmtree(out, ignore_errors=True)
    command = [
        *_mtrepair_command(),
        "clean",
        f"{corpus}/",
        "--format",
        "jsonl",
        "-o",
        f"{out}/",
        "--workers",
        str(workers),
        "--log-every",
        "0",
    ]
    peaks: dict[int, float] = {}  # MB
    cpus: dict[int, float] = {}
    load_before = _load_average()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stderr is not None
        while True:
            for pid in _descendants(proc.pid):
                hwm = _vm_hwm_mb(pid)
                if hwm is not None:
                    peaks[pid] = max(peaks.get(pid, 0.0), hwm)
                cpu_s = _cpu_s(pid)
                if cpu_s is not None:
                    cpus[pid] = max(cpus.get(pid, 0.0), cpu_s)
            try:
                proc.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                continue
        seconds = time.perf_counter() - start
        stderr = proc.stderr.read().strip()
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {proc.returncode}: {stderr}")
    # The main process is waited for: its exact figure; the others as last polled (<= 50 ms short).
    main_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    cpu = max(main_cpu, cpus.get(proc.pid, 0.0)) + sum(v for pid, v in cpus.items() if pid != proc.pid)
    main_peak = peaks.get(proc.pid, 0.0)
    others = sorted((mb for pid, mb in peaks.items() if pid != proc.pid), reverse=True)
    return {
        "command": f"mtrepair clean {corpus.name}/ --format jsonl -o {out.name}/ --workers {workers}",
        "workers": workers,
        "documents": docs,
        "text_mb": round(text_bytes / MB, 3),
        "seconds": round(seconds, 2),
        "mb_per_s": round(text_bytes / MB / seconds, 3),
        "docs_per_s": round(docs / seconds, 1),
        "cpu_seconds": round(cpu, 2),
        "cpu_mb_per_s": round(text_bytes / MB / cpu, 3) if cpu else None,
        "peak_rss_main_mb": main_peak,
        "peak_rss_other_processes_mb": others,
        "peak_rss_total_mb": round(sum(peaks.values()), 1),
        "summary": stderr.splitlines()[-1] if stderr else "",
        "load_average_before": load_before,
        "load_average_after": _load_average(),
    }


def load_texts(folder: Path, shards: list[dict[str, Any]]) -> list[str]:
    """Every document's text, in shard order (what ftfy is timed on)."""
    return [
        json.loads(line)["text"]
        for shard in shards
        for line in (folder / shard["path"]).read_text(encoding="utf-8").splitlines()
    ]


def ftfy_figures(texts: list[str], text_bytes: int) -> dict[str, Any]:
    load_before = _load_average()
    figures = time_ftfy(texts[:200], sum(len(t.encode("utf-8")) for t in texts[:200]))  # warm-up
    figures = time_ftfy(texts, text_bytes)
    return {**figures, "load_average_before": load_before, "load_average_after": _load_average()}


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median wall time (the lower middle one of an even number)."""
    return sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2]


def derived(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The three ratios the issue asks for, from the median runs and paired within each round.

    Paired ratios compare runs made one after the other, so a slow spell of the
    machine (seen here: the same command at 0.86 and 0.61 MB/s a quarter of an hour apart,
    nothing else running) moves both sides of a pair; their median is the figure
    to quote, the median runs' ratios are kept beside it.
    """
    f, w1, w2 = (median_run(runs[k]) for k in ("ftfy", "workers_1", "workers_2"))
    pairs_ftfy = [a["mb_per_s"] / b["mb_per_s"] for a, b in zip(runs["workers_1"], runs["ftfy"], strict=True)]
    pairs_speedup = [
        a["seconds"] / b["seconds"] for a, b in zip(runs["workers_1"], runs["workers_2"], strict=True)
    ]
    return {
        "clean_1_vs_ftfy_wall": round(w1["mb_per_s"] / f["mb_per_s"], 2),
        "clean_1_vs_ftfy_cpu": round(w1["cpu_mb_per_s"] / f["cpu_mb_per_s"], 2),
        "speedup_1_to_2": round(w1["seconds"] / w2["seconds"], 2),
        "clean_1_vs_ftfy_paired": [round(x, 2) for x in pairs_ftfy],
        "speedup_1_to_2_paired": [round(x, 2) for x in pairs_speedup],
        "clean_1_vs_ftfy_paired_median": round(sorted(pairs_ftfy)[(len(pairs_ftfy) - 1) // 2], 2),
        "speedup_1_to_2_paired_median": round(sorted(pairs_speedup)[(len(pairs_speedup) - 1) // 2], 2),
    }


def _load(values: list[float] | None) -> str:
    return " / ".join(f"{v:.2f}" for v in values) if values else "n/a"


def markdown(results: dict[str, Any]) -> str:
    """The table for benchmarks/README.md."""
    m = results["machine"]
    f, w1, w2 = results["ftfy"], results["workers_1"], results["workers_2"]
    small, large = results["rss_small"], results["rss_large"]
    rows = [
        "| what | MB of text | wall s | CPU s | MB/s (wall) | MB/s (CPU) | peak RSS MB "
        "| load avg before → after |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        f"| `ftfy.fix_text` (defaults), in process | {results['corpus']['text_mb']} | {f['seconds']} | "
        f"{f['cpu_seconds']} | {f['mb_per_s']} | {f['cpu_mb_per_s']} | n/a | "
        f"{_load(f['load_average_before'])} → {_load(f['load_average_after'])} |",
    ]
    for r in (w1, w2, small, large):
        rss = f"{r['peak_rss_main_mb']} main" + (
            f" + {', '.join(str(x) for x in r['peak_rss_other_processes_mb'])}"
            if r["peak_rss_other_processes_mb"]
            else ""
        )
        rows.append(
            f"| `{r['command']}` | {r['text_mb']} | {r['seconds']} | {r['cpu_seconds']} | {r['mb_per_s']} | "
            f"{r['cpu_mb_per_s']} | {rss} | "
            f"{_load(r['load_average_before'])} → {_load(r['load_average_after'])} |"
        )
    d = results["derived"]
    return "\n".join(
        [
            f"Measured {results['date']} on {m['nproc']} × {m['cpu_model']}, Python {m['python']}, "
            f"ftfy {m['ftfy_version']}, mtrepair {m['mtrepair_version']} at commit `{m['git_commit']}`"
            f"{' (plus uncommitted changes in src/)' if m['src_uncommitted_changes'] else ''}.",
            "",
            f"Corpus: {results['corpus']['documents']} documents, {results['corpus']['text_mb']} MB of "
            f"text in {results['corpus']['shards']} shards (seed {results['corpus']['seed']}).",
            "",
            *rows,
            "",
            f"Each throughput row is the median of {len(results['runs']['ftfy'])} interleaved runs "
            "(rounds of ftfy, 1 worker, 2 workers); every run is in the JSON.",
            "",
            f"- clean, 1 worker, vs ftfy: {d['clean_1_vs_ftfy_paired_median']}x, median of the rounds' "
            f"ratios {d['clean_1_vs_ftfy_paired']} ({d['clean_1_vs_ftfy_wall']}x wall and "
            f"{d['clean_1_vs_ftfy_cpu']}x CPU between the median runs; goal: 3x).",
            f"- speed-up from 1 to 2 workers (wall): {d['speedup_1_to_2_paired_median']}x, median of the "
            f"rounds' ratios {d['speedup_1_to_2_paired']} ({d['speedup_1_to_2']}x between the median runs; "
            "goal: 1.8x on 2 cores).",
            f"- peak RSS of the main process, {large['text_mb']} MB vs {small['text_mb']} MB of input: "
            f"{d['rss_large_vs_small']}x (goal: within 20%, i.e. at most 1.2x).",
        ]
    )


def rss_only(args: argparse.Namespace) -> int:
    """Peak RSS at a small and a large input, nothing else: the long run, on its own."""
    source = args.corpus_dir / "shards"
    info = build_shards(source, size_mb=args.size_mb, shard_mb=args.shard_mb, seed=args.seed)
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
    }
    with tempfile.TemporaryDirectory(prefix="bench-scale-", dir=args.corpus_dir) as tmp:
        work = Path(tmp)
        for name, size in (("rss_small", args.rss_small_mb), ("rss_large", args.rss_large_mb)):
            folder = work / f"in-{size:g}mb"
            nbytes, ndocs = link_corpus(source.resolve(), info["shards"], folder, size)
            results[name] = run_clean(folder, work / "out", 1, nbytes, ndocs)
            shutil.rmtree(work / "out", ignore_errors=True)
    results["rss_large_vs_small"] = round(
        results["rss_large"]["peak_rss_main_mb"] / results["rss_small"]["peak_rss_main_mb"], 2
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    for name in ("rss_small", "rss_large"):
        r = results[name]
        print(
            f"| `{r['command']}` | {r['text_mb']} | {r['seconds']} | {r['cpu_seconds']} | {r['mb_per_s']} | "
            f"{r['peak_rss_main_mb']} | "
            f"{_load(r['load_average_before'])} → {_load(r['load_average_after'])} |"
        )
    print(f"peak RSS large / small: {results['rss_large_vs_small']}x")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=float, default=50.0, help="corpus size, MB of text (default 50)")
    parser.add_argument("--shard-mb", type=float, default=5.0, help="MB of text per shard (default 5)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rss-small-mb", type=float, default=10.0, help="small input for peak RSS")
    parser.add_argument(
        "--rss-large-mb", type=float, default=200.0, help="large input for peak RSS (the goal says 1000)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds of ftfy, 1 and 2 workers, interleaved (default 3)"
    )
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS_DIR)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--rss-only", action="store_true", help="only the two peak-RSS runs (e.g. with --rss-large-mb 1000)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.rss_only:
        return rss_only(args)

    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
    }
    source = args.corpus_dir / "shards"
    info = build_shards(source, size_mb=args.size_mb, shard_mb=args.shard_mb, seed=args.seed)
    text_bytes, docs = info["text_bytes"], info["documents"]
    results["corpus"] = {
        "path": str(source),
        "seed": args.seed,
        "documents": docs,
        "text_mb": round(text_bytes / MB, 3),
        "shards": len(info["shards"]),
        "file_mb": round(sum(p.stat().st_size for p in source.glob("*.jsonl")) / MB, 3),
    }
    with tempfile.TemporaryDirectory(prefix="bench-scale-", dir=args.corpus_dir) as tmp:
        work = Path(tmp)
        texts = load_texts(source, info["shards"])
        runs: dict[str, list[dict[str, Any]]] = {"ftfy": [], "workers_1": [], "workers_2": []}
        for round_no in range(1, args.repeat + 1):  # interleaved: each round sees the same machine
            runs["ftfy"].append(ftfy_figures(texts, text_bytes))
            for workers in (1, 2):
                runs[f"workers_{workers}"].append(run_clean(source, work / "out", workers, text_bytes, docs))
            print(
                f"round {round_no}: " + ", ".join(f"{k} {v[-1]['mb_per_s']} MB/s" for k, v in runs.items()),
                file=sys.stderr,
            )
        del texts
        results["runs"] = runs
        for key, values in runs.items():
            results[key] = median_run(values)
        for name, size in (("rss_small", args.rss_small_mb), ("rss_large", args.rss_large_mb)):
            folder = work / f"in-{size:g}mb"
            nbytes, ndocs = link_corpus(source.resolve(), info["shards"], folder, size)
            results[name] = run_clean(folder, work / "out", 1, nbytes, ndocs)
            print(f"{name}: {results[name]['peak_rss_main_mb']} MB", file=sys.stderr)
            shutil.rmtree(work / "out", ignore_errors=True)
    results["derived"] = {
        **derived(runs),
        "rss_large_vs_small": round(
            results["rss_large"]["peak_rss_main_mb"] / results["rss_small"]["peak_rss_main_mb"], 2
        ),
    }
    results["load_average_at_end"] = _load_average()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
