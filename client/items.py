"""DynamoDB items as the client and the test harness read them: plain Python values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer


def plain(item: dict) -> dict[str, Any]:
    """A DynamoDB item as Python values (numbers as float or int)."""
    deserializer = TypeDeserializer()
    values = {key: deserializer.deserialize(value) for key, value in item.items()}
    return {key: _number(value) if isinstance(value, Decimal) else value
            for key, value in values.items()}


def _number(value: Decimal) -> int | float:
    return int(value) if value.is_finite() and value == value.to_integral_value() \
        else float(value)
