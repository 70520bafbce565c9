"""Time zones: the list organisers choose from, and local ↔ UTC conversion that knows about DST."""

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

_REGIONS = (
    "Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/",
    "Indian/", "Pacific/",
)  # fmt: skip


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped by a daylight-saving change (02:30 on a spring-forward night)."""


@cache
def timezone_names() -> tuple[str, ...]:
    """Canonical IANA zone names (``Asia/Ulaanbaatar``), without the legacy aliases."""
    names = {n for n in available_timezones() if n.startswith(_REGIONS)}
    return ("UTC", *sorted(names))


def is_timezone(name: str) -> bool:
    return name in timezone_names()


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_to_utc(wall_clock: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of a naive wall-clock time in ``tz``; refuses times that never happen."""
    aware = wall_clock.replace(tzinfo=tz)
    instant = aware.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall_clock:
        raise NonexistentLocalTime(f"{wall_clock:%Y-%m-%d %H:%M} does not exist in {tz.key}")
    return instant


def utc_to_local(instant: datetime, tz: ZoneInfo) -> datetime:
    """A naive wall-clock time in ``tz``, for filling a datetime-local form field."""
    return instant.astimezone(tz).replace(tzinfo=None)
