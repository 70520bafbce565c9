"""Language choice and the template helpers that show dates, times, zones and countries."""

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_interval, get_timezone_location
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from seminar_reg.countries import country_name
from seminar_reg.extensions import utcnow

#: each language named in itself
LANGUAGE_NAMES = {"en": "English", "zh_Hans": "简体中文", "mn": "Монгол", "de": "Deutsch"}


def select_locale() -> str:
    """The participant's choice, else the browser's best supported language, else English."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command-line and worker code speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    for value, _quality in request.accept_languages:
        language = _supported(value, languages)
        if language:
            return language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _supported(value: str, languages: tuple[str, ...]) -> str | None:
    primary = value.replace("_", "-").split("-")[0].lower()
    if primary == "zh":
        return "zh_Hans" if "zh_Hans" in languages else None
    return primary if primary in languages else None


def site_name() -> str:
    """The configured name of the site, else the product's name in the reader's language."""
    return current_app.config["SITE_NAME"] or gettext("Seminar registration")


def locale_name() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def format_in_zone(
    instant: datetime, tz: ZoneInfo, pattern: str = "medium", locale: str | None = None
) -> str:
    """A UTC instant as the wall-clock time in ``tz``, in the reader's language (or ``locale``)."""
    return babel_format_datetime(instant, pattern, tzinfo=tz, locale=locale or locale_name())


def format_day(day: date, pattern: str = "full") -> str:
    return babel_format_date(day, pattern, locale=locale_name())


def date_range(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """The days a seminar runs, e.g. "18–19 Apr 2023", as the seminar's time zone dates them."""
    return format_interval(start, end, "yMMMd", tzinfo=tz, locale=locale_name())


#: where a language's own data has no short zone names, the variant whose data has them
_SHORT_ZONE_NAMES_FROM = {"en": "en_GB"}


def zone_label(instant: datetime, tz: ZoneInfo) -> str:
    """The zone as people read it, with the offset of that instant, and the short name where the
    language has one (so a Berlin reader sees summer time): "Ulaanbaatar (GMT+08:00)",
    "Berlin (CEST, GMT+02:00)", "Berlin (MESZ, GMT+02:00)"."""
    return _zone_label(instant, tz, locale_name())


def _zone_label(instant: datetime, tz: ZoneInfo, locale: str) -> str:
    if tz.key == "UTC":
        return "UTC"
    offset = babel_format_datetime(instant, "ZZZZ", tzinfo=tz, locale=locale)
    city = get_timezone_location(tz, locale=locale, return_city=True)
    short = babel_format_datetime(
        instant, "z", tzinfo=tz, locale=_SHORT_ZONE_NAMES_FROM.get(locale, locale)
    )
    if short.startswith(("+", "-", "GMT", "UTC")):  # no name, only the offset again
        return f"{city} ({offset})"
    return f"{city} ({short}, {offset})"


def session_when(start: datetime, end: datetime, seminar_tz: ZoneInfo, reader_tz: ZoneInfo) -> str:
    """A session's date and times in the seminar's zone, and in the reader's when it differs.

    "Tue, 18 Apr 2023, 14:00–14:30 Ulaanbaatar (GMT+08:00) · 08:00–08:30 Berlin (GMT+02:00)"
    """
    return _session_when(start, end, seminar_tz, reader_tz, locale_name())


# A registration shows each session's times three times (the form, the email's two parts) and
# every participant of a seminar sees the same few: Babel's formatting was a tenth of its time.
@lru_cache(maxsize=4096)
def _session_when(
    start: datetime, end: datetime, seminar_tz: ZoneInfo, reader_tz: ZoneInfo, locale: str
) -> str:
    def at(instant: datetime, tz: ZoneInfo, pattern: str) -> str:
        return format_in_zone(instant, tz, pattern, locale)

    def in_zone(tz: ZoneInfo) -> str:
        return f"{at(start, tz, 'HH:mm')}–{at(end, tz, 'HH:mm')} {_zone_label(start, tz, locale)}"

    text = f"{at(start, seminar_tz, 'EEE, d MMM y')}, {in_zone(seminar_tz)}"
    if start.astimezone(reader_tz).utcoffset() != start.astimezone(seminar_tz).utcoffset():
        text += f" · {at(start, reader_tz, 'EEE, d MMM')}, {in_zone(reader_tz)}"
    return text


def paragraphs(text: str) -> Markup:
    """Plain text with blank-line paragraphs as escaped HTML paragraphs."""
    blocks = [block.strip() for block in (text or "").split("\n\n") if block.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in b.split("\n")))
        for b in blocks
    )


def init_app(app: Flask) -> None:
    app.add_template_filter(format_in_zone, "in_zone")
    app.add_template_filter(format_day)
    app.add_template_global(date_range)
    app.add_template_filter(paragraphs)
    app.add_template_global(zone_label)
    app.add_template_global(session_when)
    app.add_template_global(ZoneInfo("UTC"), "UTC")
    app.add_template_global(utcnow, "now")
    app.add_template_global(locale_name)
    app.add_template_global(site_name)
    app.add_template_global(
        {code: LANGUAGE_NAMES.get(code, code) for code in app.config["LANGUAGES"]},
        "language_names",
    )
    app.add_template_filter(lambda code: country_name(code, locale_name()), "country_name")
