"""``make fuzz``: fuzz every target until a time budget is spent, save what fails.

    python -m fuzz.run [--seconds 600] [--slice 60] [--engine auto|hypothesis|atheris|both]
                       [--targets segment,detect,...] [--workdir .hypothesis/fuzz] [--jobs 1]

Targets and engines take turns in slices of ``--slice`` seconds (by default
the budget shared evenly by every target and engine, 30 to 120 s), each slice a
``fuzz.worker`` process, until ``--seconds`` of wall clock are spent (``auto``
alternates Hypothesis and atheris when atheris is installed, the ``fuzz`` extra,
and uses Hypothesis alone otherwise). A slice that fails writes a finding; the
runner appends its input to ``tests/fuzz_regressions/TARGET.json`` (marked
``"status": "open"``), where ``tests/test_fuzz_regressions.py`` replays it in
``make test`` until the library is fixed, and stops fuzzing that target for the
rest of the run. Exit status 1 when anything was found.

Work files (Hypothesis example database, atheris corpus, artifacts, findings,
``runs.jsonl`` with one summary line per run) live in ``--workdir``, inside the
git-ignored ``.hypothesis/`` by default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGRESSIONS = ROOT / "tests" / "fuzz_regressions"
# Extra seconds a slice may run past its budget (start-up, a last batch) before it is killed.
GRACE = 120
_DONE = re.compile(r"Done (\d+) runs")
_PROGRESS = re.compile(r"^#(\d+)\s", re.MULTILINE)


@dataclass
class Tally:
    examples: int = 0
    seconds: float = 0.0
    slices: int = 0
    findings: list[str] = field(default_factory=list)


def _all_targets() -> list[str]:
    from fuzz.targets import TARGETS

    return list(TARGETS)


def _engines(choice: str) -> list[str]:
    has_atheris = importlib.util.find_spec("atheris") is not None
    if choice == "auto":
        return ["hypothesis", "atheris"] if has_atheris else ["hypothesis"]
    if choice == "both":
        if not has_atheris:
            raise SystemExit(
                "atheris is not installed: pip install -e '.[fuzz]' (or use --engine hypothesis)"
            )
        return ["hypothesis", "atheris"]
    if choice == "atheris" and not has_atheris:
        raise SystemExit("atheris is not installed: pip install -e '.[fuzz]'")
    return [choice]


def _worker(engine: str, target: str, seconds: float, workdir: Path) -> tuple[int, str, str]:
    cmd = [
        sys.executable,
        "-m",
        "fuzz.worker",
        engine,
        target,
        "--seconds",
        f"{seconds:.0f}",
        "--workdir",
        str(workdir),
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    try:
        done = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, errors="replace", timeout=seconds + GRACE
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr or ""
        return -9, out, err + f"\n[runner] slice killed after {seconds + GRACE:.0f} s"
    return done.returncode, done.stdout, done.stderr


def _examples(engine: str, stdout: str, stderr: str) -> int:
    if engine == "hypothesis":
        for line in reversed(stdout.splitlines()):
            if line.startswith("{"):
                return int(json.loads(line).get("examples", 0))
        return 0
    done = _DONE.findall(stderr)
    if done:
        return int(done[-1])
    progress = _PROGRESS.findall(stderr)
    return int(progress[-1]) if progress else 0


def _decode_artifact(target: str, artifact: Path, workdir: Path) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "fuzz.worker", "decode", target, str(artifact), "--workdir", str(workdir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return (
        json.loads(done.stdout.strip().splitlines()[-1])
        if done.returncode == 0 and done.stdout.strip()
        else None
    )


def _recover(engine: str, target: str, workdir: Path, since: float, code: int, stderr: str) -> Path | None:
    """A finding for a slice that died without writing one (a hang, a crash in C, OOM)."""
    value = None
    current = workdir / f"current-{target}.json"
    if engine == "hypothesis" and current.exists():
        value = json.loads(current.read_text(encoding="utf-8"))
        current.unlink()
    elif engine == "atheris":
        artifacts = sorted(
            (p for p in (workdir / "artifacts" / target).glob("*") if p.stat().st_mtime >= since),
            key=lambda p: p.stat().st_mtime,
        )
        if artifacts:
            value = _decode_artifact(target, artifacts[-1], workdir)
    if value is None:
        return None
    folder = workdir / "findings"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{target}-{engine}-{time.time_ns()}.json"
    tail = stderr.strip().splitlines()[-30:]
    record = {
        "target": target,
        "engine": engine,
        "input": value,
        "error": f"worker died (exit {code}): hang, crash or memory limit",
        "traceback": "\n".join(tail),
    }
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return path


def save_regression(finding: Path, regressions: Path = REGRESSIONS) -> bool:
    """Append a finding's input to its target's regression file; False if already there."""
    record = json.loads(finding.read_text(encoding="utf-8"))
    path = regressions / f"{record['target']}.json"
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    if any(c["input"] == record["input"] for c in cases):
        return False
    cases.append(
        {
            "input": record["input"],
            "error": record["error"].splitlines()[0][:500] if record["error"] else "",
            "found": f"{dt.date.today().isoformat()}, make fuzz ({record['engine']})",
            "status": "open",
            "fix": "",
        }
    )
    regressions.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(cases, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return True


def _run_slice(engine: str, target: str, seconds: float, workdir: Path) -> tuple[int, float, list[Path], str]:
    started = time.time()
    t0 = time.monotonic()
    code, out, err = _worker(engine, target, seconds, workdir)
    elapsed = time.monotonic() - t0
    found = sorted(
        p for p in (workdir / "findings").glob(f"{target}-{engine}-*.json") if p.stat().st_mtime >= started
    )
    if code != 0 and not found:
        recovered = _recover(engine, target, workdir, started, code, err)
        if recovered is not None:
            found.append(recovered)
        elif "Traceback" in err or code not in (0, 1):
            print(
                f"  [{engine} {target}] worker exited {code}:\n" + "\n".join(err.splitlines()[-15:]),
                flush=True,
            )
    return _examples(engine, out, err), elapsed, found, err


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("FUZZ_SECONDS", 600)))
    parser.add_argument(
        "--slice",
        type=float,
        default=0.0,
        help="seconds per target and engine turn (default: the budget shared by every pair, 30-120 s)",
    )
    parser.add_argument("--engine", default="auto", choices=("auto", "hypothesis", "atheris", "both"))
    parser.add_argument("--targets", default="", help="comma-separated target names (default: all)")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".hypothesis" / "fuzz")
    parser.add_argument("--regressions", type=Path, default=REGRESSIONS)
    parser.add_argument("--jobs", type=int, default=1, help="slices run at once")
    args = parser.parse_args(argv)

    targets = [t for t in args.targets.split(",") if t] or _all_targets()
    unknown = set(targets) - set(_all_targets())
    if unknown:
        parser.error(f"unknown target(s) {', '.join(sorted(unknown))}; known: {', '.join(_all_targets())}")
    engines = _engines(args.engine)
    if args.slice <= 0:
        # A slice overruns its budget by a few seconds (start-up, the last batch).
        args.slice = min(120.0, max(30.0, 0.93 * args.seconds / (len(targets) * len(engines))))
    args.workdir.mkdir(parents=True, exist_ok=True)
    plan = itertools.cycle([(t, e) for t in targets for e in engines])
    tally: dict[tuple[str, str], Tally] = {}
    open_targets: set[str] = set()
    start = time.monotonic()
    started_at = dt.datetime.now().isoformat(timespec="seconds")
    print(
        f"fuzzing {', '.join(targets)} with {' + '.join(engines)} for {args.seconds:.0f} s "
        f"({args.slice:.0f} s slices, {args.jobs} at once; work files in {args.workdir})",
        flush=True,
    )

    budget = float(args.seconds)

    def remaining() -> float:
        return budget - (time.monotonic() - start)

    def turn(target: str, engine: str, seconds: float) -> None:
        examples, elapsed, found, _ = _run_slice(engine, target, seconds, args.workdir)
        t = tally.setdefault((target, engine), Tally())
        t.examples += examples
        t.seconds += elapsed
        t.slices += 1
        status = "ok"
        for f in found:
            record = json.loads(f.read_text(encoding="utf-8"))
            new = save_regression(f, args.regressions)
            t.findings.append(record["error"].splitlines()[0][:200])
            status = f"FOUND {record['error'].splitlines()[0][:160]!r}" + ("" if new else " (already saved)")
            open_targets.add(target)
        print(f"  {engine:10} {target:11} {elapsed:6.1f} s {examples:8d} examples  {status}", flush=True)

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        running: list[Any] = []
        while remaining() > 5 and len(open_targets) < len(targets):
            target, engine = next(plan)
            if target in open_targets:
                continue
            running = [r for r in running if not r.done()]
            while len(running) >= max(1, args.jobs):
                time.sleep(0.5)
                running = [r for r in running if not r.done()]
            seconds = min(args.slice, remaining())
            if seconds <= 5:
                break
            running.append(pool.submit(turn, target, engine, seconds))
        for r in running:
            r.result()

    wall = time.monotonic() - start
    shutil.rmtree(args.workdir / "tmp", ignore_errors=True)
    total = sum(t.examples for t in tally.values())
    print(f"\n{'target':11} {'engine':10} {'slices':>6} {'seconds':>8} {'examples':>9}  findings")
    for (target, engine), t in sorted(tally.items()):
        found = "; ".join(t.findings) or "-"
        print(f"{target:11} {engine:10} {t.slices:6d} {t.seconds:8.0f} {t.examples:9d}  {found}")
    print(f"\n{wall:.0f} s wall clock, {total} examples, {len(open_targets)} target(s) with a finding")
    summary = {
        "started": started_at,
        "wall_seconds": round(wall),
        "engines": engines,
        "examples": total,
        "per_target": {
            f"{target}/{engine}": {
                "examples": t.examples,
                "seconds": round(t.seconds),
                "findings": t.findings,
            }
            for (target, engine), t in sorted(tally.items())
        },
        "open_targets": sorted(open_targets),
    }
    with (args.workdir / "runs.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(summary) + "\n")
    if open_targets:
        print(f"failing inputs saved under {args.regressions}; fix them, then `make test` replays them")
    return 1 if open_targets else 0


if __name__ == "__main__":
    raise SystemExit(main())
