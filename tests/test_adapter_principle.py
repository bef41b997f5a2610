"""The adapter's principle, held to its own text: every fix says which way it moves the engine
(toward AWS, neutral, or Step Functions Local's test harness), and every fix listed is one that
``install()`` applies, in the order listed."""

from __future__ import annotations

import inspect
import re

from engine import adapter

DIRECTIONS = ("toward AWS", "neutral (speed only)", "neutral (timing only)", "harness")


def entries() -> dict[int, str]:
    text = adapter.__doc__.split("\n1. ", 1)[1]
    text = "1. " + text.split("\nJSONata", 1)[0]
    return {int(number): body for number, body in
            re.findall(r"^(\d+)\. (.*?)(?=^\d+\. |\Z)", text, flags=re.S | re.M)}


def sections() -> list[int]:
    source = inspect.getsource(adapter)
    return [int(number) for number in re.findall(r"^# --- (\d+)\. ", source, flags=re.M)]


def test_fixes_are_numbered_without_gaps_and_each_has_its_section():
    numbers = sorted(entries())
    assert numbers == list(range(1, len(numbers) + 1))
    assert sorted(set(sections())) == numbers


def test_every_fix_says_which_way_it_moves_the_engine():
    missing = {}
    for number, body in entries().items():
        found = re.findall(r"Direction: ([^.:;]+)", " ".join(body.split()))
        if len(found) != 1 or not found[0].startswith(DIRECTIONS):
            missing[number] = found
    assert missing == {}


def test_a_neutral_fix_names_no_aws_behaviour_it_changes():
    """Speed and timing fixes must not change answers: none of them claims to refuse or
    accept anything."""
    for number, body in entries().items():
        direction = re.search(r"Direction: ([^.:;]+)", " ".join(body.split())).group(1)
        if direction.startswith("neutral"):
            assert not re.search(r"\b(refuses?|accepts?)\b", body), number


def test_install_applies_one_function_per_fix():
    calls = re.findall(r"^        (_\w+)\(\)$", inspect.getsource(adapter.install), re.M)
    assert len(calls) == len(entries())
    assert all(callable(getattr(adapter, name)) for name in calls)
