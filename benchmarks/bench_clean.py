"""Throughput of ``mtrepair.clean_text`` next to ``ftfy.fix_text`` on the same corpus.

Builds the deterministic corpus of ``make_corpus.py`` (default 20 MB of text),
then in one process: warms both up once on the seed articles, times
``clean_text`` and ``ftfy.fix_text`` over every document, records the peak RSS,
and times ``mtrepair clean CORPUS -o OUT --report EDITS`` end to end once in a
subprocess. Writes the figures as JSON and prints a Markdown table;
``--readme`` also replaces the table between the bench markers of that file.

    .venv/bin/python benchmarks/bench_clean.py --size-mb 20 --readme benchmarks/README.md

MB means 10^6 bytes of UTF-8 text (the ``text`` fields, not the JSON around them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ftfy

import mtrepair
from benchmarks.make_corpus import MB, ROOT, load_seeds, write_corpus

DEFAULT_CORPUS_DIR = ROOT / "benchmarks" / "corpus"
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "clean_throughput.json"
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"
RSS_METHOD = "resource.getrusage(RUSAGE_SELF).ru_maxrss (peak resident set size of this process so far)"


def _rss_mb() -> float:
    """Peak RSS of this process in MB (Linux reports ru_maxrss in KiB, macOS in bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / MB if sys.platform == "darwin" else peak * 1024 / MB, 1)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git(*args: str, cwd: Path = ROOT) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip()


def machine_info() -> dict[str, Any]:
    """Where and with what the figures were measured.

    The commit is that of the checkout the imported ``mtrepair`` comes from (the
    editable install, or whatever ``PYTHONPATH`` puts first).
    """
    package = Path(mtrepair.__file__).resolve().parent
    checkout = package.parent.parent  # src/mtrepair -> the repository
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "mtrepair_version": mtrepair.__version__,
        "ftfy_version": ftfy.__version__,
        "mtrepair_source": str(package),
        "git_commit": _git("rev-parse", "--short", "HEAD", cwd=checkout),
        "src_uncommitted_changes": _git("status", "--porcelain", "--", "src", cwd=checkout)
        not in ("", "unknown"),
        "load_average_at_start": _load_average(),
    }


def _load_average() -> list[float] | None:
    """1/5/15-minute load averages: other work on the machine skews the timings."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def _rate(nbytes: int, docs: int, seconds: float, cpu_seconds: float | None = None) -> dict[str, float]:
    """Throughput from wall-clock seconds; CPU seconds too where known (contention shows as a gap)."""
    return {
        "seconds": round(seconds, 3),
        "mb_per_s": round(nbytes / MB / seconds, 3),
        "docs_per_s": round(docs / seconds, 1),
        **(
            {}
            if cpu_seconds is None
            else {"cpu_seconds": round(cpu_seconds, 3), "cpu_mb_per_s": round(nbytes / MB / cpu_seconds, 3)}
        ),
    }


def time_clean(texts: Sequence[str], nbytes: int) -> dict[str, Any]:
    changed = edits = flags = 0
    cpu, start = time.process_time(), time.perf_counter()
    for text in texts:
        result = mtrepair.clean_text(text)
        changed += result.changed
        for step in result.steps:
            edits += len(step.edits)
            flags += len(step.flags)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        **_rate(nbytes, len(texts), seconds, cpu),
        "changed_docs": changed,
        "edits": edits,
        "flags": flags,
    }


def time_ftfy(texts: Sequence[str], nbytes: int) -> dict[str, Any]:
    changed = 0
    fix: Callable[[str], str] = ftfy.fix_text
    cpu, start = time.process_time(), time.perf_counter()
    for text in texts:
        changed += fix(text) != text
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {**_rate(nbytes, len(texts), seconds, cpu), "changed_docs": changed, "config": "ftfy defaults"}


def _mtrepair_command() -> list[str]:
    beside = Path(sys.executable).with_name("mtrepair")
    found = str(beside) if beside.exists() else shutil.which("mtrepair")
    if found is None:
        raise FileNotFoundError("the mtrepair command is not installed next to this Python or on PATH")
    return [found]


def _vm_hwm_mb(pid: int) -> float | None:
    """The peak RSS (VmHWM) of a running process, from /proc; None where unreadable."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return round(int(m.group(1)) * 1024 / MB, 1) if m else None


def time_cli(corpus: Path, workdir: Path, nbytes: int, docs: int) -> dict[str, Any]:
    """``mtrepair clean CORPUS -o OUT --report EDITS`` once, wall clock, in a subprocess.

    The child's peak RSS is polled from /proc/PID/status (VmHWM) while it runs:
    getrusage(RUSAGE_CHILDREN) would report this process's size at fork time
    instead, since Linux carries the pre-exec high-water mark over the exec.
    """
    out, report = workdir / "out.jsonl", workdir / "edits.json"
    command = [*_mtrepair_command(), "clean", str(corpus), "-o", str(out), "--report", str(report)]
    peak: float | None = None
    start = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stderr is not None
        # stderr is only a summary line and warnings: it cannot fill the pipe and block the child.
        while True:
            hwm = _vm_hwm_mb(proc.pid)
            if hwm is not None:
                peak = hwm if peak is None else max(peak, hwm)
            try:
                proc.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                continue
        seconds = time.perf_counter() - start
        stderr = proc.stderr.read().strip()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {proc.returncode}: {stderr}")
    shown = ["mtrepair", "clean", corpus.name, "-o", out.name, "--report", report.name]
    return {
        "command": " ".join(shown),
        **_rate(nbytes, docs, seconds),
        "exit_code": proc.returncode,
        "summary": stderr.splitlines()[-1] if stderr else "",
        "output_bytes": out.stat().st_size,
        "report_bytes": report.stat().st_size,
        "peak_rss_mb": peak,
        "peak_rss_method": "VmHWM of /proc/PID/status, polled every 50 ms while the command runs",
    }


def run_benchmark(*, size_mb: float, seed: int, corpus_dir: Path, cli: bool = True) -> dict[str, Any]:
    """Build the corpus, measure, and return every figure as a JSON-ready dict."""
    machine = machine_info()
    corpus = corpus_dir / f"bench-{size_mb:g}mb-seed{seed}.jsonl"
    info = write_corpus(corpus, size_mb=size_mb, seed=seed)
    with corpus.open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    rss_loaded = _rss_mb()

    warmup = load_seeds()
    for text in warmup:  # loads language data, wordfreq and langdetect profiles, ftfy tables
        mtrepair.clean_text(text)
        ftfy.fix_text(text)

    clean = time_clean(texts, nbytes)
    rss_clean = _rss_mb()
    peer = time_ftfy(texts, nbytes)
    rss_ftfy = _rss_mb()

    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "corpus": info.as_dict(),
        "warmup": {
            "documents": len(warmup),
            "what": "one pass of clean_text and ftfy.fix_text over the seeds",
        },
        "mtrepair_clean_text": clean,
        "ftfy_fix_text": peer,
        "ratio_mtrepair_to_ftfy": round(clean["mb_per_s"] / peer["mb_per_s"], 3),
        "ratio_mtrepair_to_ftfy_cpu": round(clean["cpu_mb_per_s"] / peer["cpu_mb_per_s"], 3),
        "peak_rss": {
            "method": RSS_METHOD,
            "after_loading_corpus_mb": rss_loaded,
            "after_clean_text_mb": rss_clean,
            "after_ftfy_mb": rss_ftfy,
        },
        "cli": time_cli(corpus, corpus_dir, nbytes, len(texts)) if cli else None,
        "load_average_at_end": _load_average(),
    }
    return results


def _row(label: str, t: dict[str, Any], rss: float | None) -> str:
    cpu = f"{t['cpu_seconds']:.1f}" if "cpu_seconds" in t else "n/a"
    cpu_rate = f"{t['cpu_mb_per_s']:.3f}" if "cpu_mb_per_s" in t else "n/a"
    peak = "n/a" if rss is None else f"{rss:.0f}"
    return (
        f"| {label} | {t['seconds']:.1f} | {cpu} | {t['mb_per_s']:.3f} | {cpu_rate} "
        f"| {t['docs_per_s']:.1f} | {peak} |"
    )


def _fmt_load(load: list[float] | None) -> str:
    return "n/a" if not load else " / ".join(f"{x:.2f}" for x in load)


def render_table(r: dict[str, Any]) -> str:
    """The Markdown summary of one run, for the README."""
    m, c = r["machine"], r["corpus"]
    rss = r["peak_rss"]
    rows = [
        "| what | wall s | CPU s | MB/s (wall) | MB/s (CPU) | docs/s (wall) | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
        _row("`mtrepair.clean_text`", r["mtrepair_clean_text"], rss["after_clean_text_mb"]),
        _row("`ftfy.fix_text` (defaults)", r["ftfy_fix_text"], rss["after_ftfy_mb"]),
    ]
    if r["cli"] is not None:
        cli = r["cli"]
        rows.append(_row(f"`{cli['command']}` (end to end)", cli, cli["peak_rss_mb"]))
    dirty = " (with uncommitted changes in src/)" if m["src_uncommitted_changes"] else ""
    load = _fmt_load(m.get("load_average_at_start"))
    return "\n".join(
        [
            f"Measured {r['date']} on {m['nproc']} × {m['cpu_model']}, Python {m['python']}, "
            f"ftfy {m['ftfy_version']}, mtrepair {m['mtrepair_version']} at commit "
            f"`{m['git_commit']}`{dirty}; load average (1, 5, 15 min) {load} at the start, "
            f"{_fmt_load(r.get('load_average_at_end'))} at the end.",
            "",
            f"Corpus: {c['documents']} documents, {c['text_mb']} MB of text (seed {c['seed']}, "
            f"sha256 `{c['sha256'][:12]}…`).",
            "",
            *rows,
            "",
            f"**Ratio mtrepair / ftfy: {r['ratio_mtrepair_to_ftfy']:.2f}** "
            f"(MB/s of `clean_text` over MB/s of `ftfy.fix_text`, wall time, same documents, same "
            f"process; {r['ratio_mtrepair_to_ftfy_cpu']:.2f} on CPU time).",
            "",
            "CPU time is `time.process_time()` of the benchmark process: when other work shares "
            "the machine, wall time grows and CPU time much less. "
            "Peak RSS is `ru_maxrss` from `resource.getrusage`, "
            "read after each phase in the same process (it only grows, and includes the corpus held "
            f"in memory: {rss['after_loading_corpus_mb']:.0f} MB after loading it); the CLI row is "
            "the child process's own peak (VmHWM, polled from /proc).",
        ]
    )


def update_readme(path: Path, table: str) -> None:
    """Replace the text between the bench markers of ``path`` with ``table``."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"{path}: no {README_START} … {README_END} block to replace")
    block = f"{README_START}\n{table}\n{README_END}"
    path.write_text(pattern.sub(lambda _: block, text, count=1), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=float, default=20.0, help="corpus size, MB of text (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="corpus random seed (default 0)")
    parser.add_argument(
        "--corpus-dir", type=Path, default=DEFAULT_CORPUS_DIR, help="where the corpus and CLI outputs go"
    )
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, help="results JSON file")
    parser.add_argument("--no-cli", action="store_true", help="skip the end-to-end CLI run")
    parser.add_argument("--readme", type=Path, help="also replace the results table in this Markdown file")
    args = parser.parse_args(argv)
    if args.size_mb <= 0:
        parser.error("--size-mb must be positive")

    results = run_benchmark(
        size_mb=args.size_mb, seed=args.seed, corpus_dir=args.corpus_dir, cli=not args.no_cli
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    table = render_table(results)
    if args.readme is not None:
        update_readme(args.readme, table)
    print(table)
    print(f"\nresults: {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
