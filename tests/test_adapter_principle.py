"""The adapter's principle, held to its own text: every fix says which way it moves the engine
(toward AWS, neutral, or Step Functions Local's test harness), and every fix listed is one that
``install()`` applies, in the order listed, from the module that holds the fix's section."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from types import ModuleType

import moto
import pytest

from engine import adapter

DIRECTIONS = ("toward AWS", "neutral (speed only)", "neutral (timing only)", "harness")


def entries() -> dict[int, str]:
    text = adapter.__doc__.split("\n1. ", 1)[1]
    text = "1. " + text.split("\nJSONata", 1)[0]
    return {int(number): body for number, body in
            re.findall(r"^(\d+)\. (.*?)(?=^\d+\. |\Z)", text, flags=re.S | re.M)}


def modules() -> dict[str, ModuleType]:
    return {found.name: importlib.import_module(f"{adapter.__name__}.{found.name}")
            for found in pkgutil.iter_modules(adapter.__path__)}


def sections() -> dict[int, list[str]]:
    """Each fix number with the modules that hold a section of that number."""
    found: dict[int, list[str]] = {}
    for name, module in modules().items():
        for number in re.findall(r"^# --- (\d+)\. ", inspect.getsource(module), flags=re.M):
            found.setdefault(int(number), []).append(name)
    return found


def applied() -> list[tuple[str, str]]:
    """(module, function) of each fix ``install()`` applies, in its order."""
    return re.findall(r"^        (\w+)\.(\w+)\(\)$", inspect.getsource(adapter.install), re.M)


def test_fixes_are_numbered_without_gaps_and_each_has_one_section():
    numbers = sorted(entries())
    assert numbers == list(range(1, len(numbers) + 1))
    where = sections()
    assert sorted(where) == numbers
    assert {number: len(names) for number, names in where.items()} == dict.fromkeys(numbers, 1)


def test_install_applies_one_function_per_fix_in_order_from_its_sections_module():
    calls = applied()
    assert len(calls) == len(entries())
    where = sections()
    for number, (module, function) in enumerate(calls, 1):
        assert where[number] == [module], (number, function)
        assert callable(getattr(modules()[module], function)), (number, function)


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


def test_install_refuses_an_other_moto_version(monkeypatch):
    monkeypatch.setattr(adapter, "_installed", False)
    monkeypatch.setattr(moto, "__version__", "9.9.9")
    with pytest.raises(RuntimeError, match="written for moto 5.2.5, found 9.9.9"):
        adapter.install()
