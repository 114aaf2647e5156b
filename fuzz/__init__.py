"""Fuzzing harness for mtrepair: input generators, fuzz targets and a time-budgeted runner.

- :mod:`fuzz.strategies`: Hypothesis strategies for damaged news text (BRIEF §3
  damage injected into generated sentences), hostile text, JSONL bytes and
  glossary TOML bytes. The property tests in ``tests/`` use them too.
- :mod:`fuzz.targets`: one named target per component (segmenter, detectors,
  clean/undo round trip, idempotence, JSONL reader, glossary parser, aligner):
  a strategy, a check that raises ``AssertionError`` (or lets an unexpected
  exception escape) on a finding, and a JSON codec for the failing input.
- :mod:`fuzz.run`: ``make fuzz``; loops the targets until a time budget is spent,
  with Hypothesis and, when installed, atheris (coverage-guided) driving the
  same strategies, and saves every failing input to
  ``tests/fuzz_regressions/`` where ``tests/test_fuzz_regressions.py`` replays it.

Nothing here is collected by pytest (the folder is outside ``testpaths``).
"""
