"""Regressions found by the bench suite (benchmarks/results/report.md)."""

from __future__ import annotations

from mtrepair import clean_text, detect_text


def test_dangling_quote_does_not_glue_the_next_paragraph() -> None:
    text = "He said the talks failed “.\n\nThe next day, officials met again.\n"
    result = clean_text(text)
    assert "\n\nThe next day" in result.text
    assert {e.rule for e in result.edits} == {"stray_quote"}


def test_sinhala_fragment_is_flagged() -> None:
    text = "The minister said the talks were difficult. ශ්‍රී ලංකා ආණ්ඩුව පැවසීය. Officials agreed.\n"
    flags = [f for f in detect_text(text) if f.rule == "language_mix"]
    assert flags and "Sinhala" in flags[0].message
