"""Rules AWS applies to every template, written once for the lint and the embedded engine."""

from __future__ import annotations

from collections.abc import Iterator


def nulls(document, pointer: str = "") -> Iterator[str]:
    """The JSON pointer (``/Resources/Name/Properties/...``) of every null, in order:
    CloudFormation refuses a template holding any."""
    if document is None:
        yield pointer
    elif isinstance(document, dict):
        for key, value in document.items():
            yield from nulls(value, f"{pointer}/{key}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from nulls(value, f"{pointer}/{index}")
