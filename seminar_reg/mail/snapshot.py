"""An email's template context as JSON, kept in its outbox row until the email is rendered.

Only plain data goes in: dicts, lists, strings, numbers, booleans, None, enums (as their value),
aware or naive datetimes and time zones. An ORM object is refused, because what it would read
when the email is rendered later is the database as it is then, not as it was when the email
was written.
"""

import enum
from datetime import datetime
from zoneinfo import ZoneInfo

DATETIME, ZONE = "$datetime", "$zone"


def freeze(value):
    """``value`` as JSON that :func:`thaw` turns back into it."""
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return value
    if isinstance(value, datetime):
        return {DATETIME: value.isoformat()}
    if isinstance(value, ZoneInfo):
        return {ZONE: value.key}
    if isinstance(value, dict):
        return {str(key): freeze(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [freeze(item) for item in value]
    raise TypeError(f"an email's context holds plain data, not {type(value).__name__}")


def thaw(value):
    if isinstance(value, list):
        return [thaw(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and DATETIME in value:
        return datetime.fromisoformat(value[DATETIME])
    if len(value) == 1 and ZONE in value:
        return ZoneInfo(value[ZONE])
    return {key: thaw(item) for key, item in value.items()}
