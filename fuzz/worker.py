"""One fuzzing slice: one target, one engine, a few seconds, in its own process.

    python -m fuzz.worker hypothesis TARGET --seconds S --workdir DIR
    python -m fuzz.worker atheris TARGET --seconds S --workdir DIR [libFuzzer flags...]
    python -m fuzz.worker decode TARGET ARTIFACT     # a libFuzzer artifact -> its input (JSON)

A separate process per slice keeps a hang, a crash in C code or a memory blowup
from taking the runner down, and lets the runner kill a slice that overruns.

- ``hypothesis``: the target's ``@given`` test in batches until the time is up;
  Hypothesis shrinks a failure before it is reported, and its example database
  (``DIR/db/TARGET``) replays earlier failures first.
- ``atheris``: libFuzzer's coverage-guided mutation of the bytes Hypothesis
  draws its choices from (``fuzz_one_input``), over instrumented ``mtrepair``
  code; the corpus is kept in ``DIR/corpus/TARGET``. No shrinking.

A failure is written to ``DIR/findings/`` as JSON (target, engine, input in the
target's codec, error, traceback) before the exception goes on. For a hang,
each example is armed with :func:`faulthandler.dump_traceback_later` (hypothesis)
or libFuzzer's ``-timeout`` (atheris); the runner recovers the input from
``DIR/current-TARGET.json`` or by decoding the libFuzzer artifact. The last line
on stdout is a JSON summary with the example count.
"""

from __future__ import annotations

import argparse
import faulthandler
import importlib
import json
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Seconds one example may take before it counts as a hang.
PER_INPUT_SECONDS = 60
# Examples per Hypothesis run; the time budget is checked between runs.
BATCH = 100


def _save_finding(workdir: Path, target: Any, engine: str, value: Any, exc: BaseException) -> Path:
    folder = workdir / "findings"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{target.name}-{engine}-{time.time_ns()}.json"
    record = {
        "target": target.name,
        "engine": engine,
        "input": target.to_json(value),
        "error": f"{type(exc).__name__}: {exc}"[:2000],
        "traceback": "".join(traceback.format_exception(exc))[-6000:],
    }
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return path


def _hypothesis(name: str, seconds: float, workdir: Path) -> dict[str, Any]:
    from hypothesis import HealthCheck, Verbosity, given, settings
    from hypothesis.database import DirectoryBasedExampleDatabase

    from fuzz.targets import TARGETS

    target = TARGETS[name]
    current = workdir / f"current-{name}.json"
    count = 0
    failing: list[tuple[Any, BaseException]] = []

    def body(value: Any) -> None:
        nonlocal count
        count += 1
        current.write_text(json.dumps(target.to_json(value)), encoding="utf-8")
        faulthandler.dump_traceback_later(PER_INPUT_SECONDS, exit=True)
        try:
            target.check(value)
        except Exception as exc:
            failing.append((value, exc))
            raise
        finally:
            faulthandler.cancel_dump_traceback_later()

    test = settings(
        max_examples=BATCH,
        deadline=None,
        database=DirectoryBasedExampleDatabase(str(workdir / "db" / name)),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=Verbosity.quiet,
    )(given(target.strategy)(body))
    end = time.monotonic() + seconds
    finding = None
    while time.monotonic() < end and finding is None:
        try:
            test()
        except Exception as exc:
            value, error = failing[-1] if failing else (None, exc)
            finding = str(_save_finding(workdir, target, "hypothesis", value, error))
    current.unlink(missing_ok=True)
    return {"target": name, "engine": "hypothesis", "examples": count, "finding": finding}


def _instrumented_targets() -> Any:
    import atheris

    with atheris.instrument_imports(include=["mtrepair"]):
        from fuzz import targets
    return targets


def _one_input(name: str, on_value: Callable[[Any], None]) -> Callable[[bytes], Any]:
    """The Hypothesis test of ``name`` as a bytes -> None function for libFuzzer."""
    from hypothesis import HealthCheck, given, settings

    from fuzz.targets import TARGETS

    test = settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))(
        given(TARGETS[name].strategy)(on_value)
    )
    fuzz_one: Callable[[bytes], Any] = test.hypothesis.fuzz_one_input  # type: ignore[attr-defined]
    return fuzz_one


def _atheris(name: str, seconds: float, workdir: Path, extra: list[str]) -> None:
    import atheris

    targets = _instrumented_targets()
    target = targets.TARGETS[name]

    def body(value: Any) -> None:
        try:
            target.check(value)
        except Exception as exc:
            _save_finding(workdir, target, "atheris", value, exc)
            raise

    corpus = workdir / "corpus" / name
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts = workdir / "artifacts" / name
    artifacts.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.argv[0],
        f"-max_total_time={max(1, int(seconds))}",
        f"-timeout={PER_INPUT_SECONDS}",
        "-rss_limit_mb=3072",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
        # Full-size inputs from the start: a slice is too short for libFuzzer to
        # grow its length limit, and tiny buffers only draw tiny texts.
        "-len_control=0",
        "-max_len=4096",
        *extra,
        str(corpus),
    ]
    atheris.Setup(argv, _one_input(name, body))
    atheris.Fuzz()


def _decode(name: str, artifact: Path) -> None:
    """Print the target input a libFuzzer artifact stands for."""
    from fuzz.targets import TARGETS

    target = TARGETS[name]
    seen: list[Any] = []

    def keep(value: Any) -> None:
        seen.append(value)

    _one_input(name, keep)(artifact.read_bytes())
    if not seen:
        raise SystemExit(f"{artifact}: does not decode to an input of {name}")
    print(json.dumps(target.to_json(seen[-1])))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fuzz.worker")
    parser.add_argument("engine", choices=("hypothesis", "atheris", "decode"))
    parser.add_argument("target")
    parser.add_argument("artifact", nargs="?", type=Path)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workdir", type=Path, default=Path(".hypothesis/fuzz"))
    args, extra = parser.parse_known_args(argv)
    # atheris instruments mtrepair as it is imported: nothing may import it before.
    targets = _instrumented_targets() if args.engine == "atheris" else importlib.import_module("fuzz.targets")
    if args.target not in targets.TARGETS:
        parser.error(f"unknown target {args.target!r}; known: {', '.join(targets.TARGETS)}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    # Scratch files of the targets go under the work folder: libFuzzer ends the
    # process without running atexit handlers, so the runner clears them.
    scratch = args.workdir / "tmp"
    scratch.mkdir(exist_ok=True)
    tempfile.tempdir = str(scratch)
    if args.engine == "decode":
        if args.artifact is None:
            parser.error("decode needs the artifact path")
        _decode(args.target, args.artifact)
    elif args.engine == "atheris":
        _atheris(args.target, args.seconds, args.workdir, extra)
    else:
        summary = _hypothesis(args.target, args.seconds, args.workdir)
        print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
