"""Countries from pycountry (ISO 3166-1 alpha-2), named in the reader's language.

English names are pycountry's common names. Other languages take the Unicode CLDR's name (from
Babel), which every language here has for every country, else pycountry's translation (its
Mongolian catalog, for one, lacks about a third of the countries), else the English name.
"""

import gettext
from functools import cache

import pycountry
from babel import Locale, UnknownLocaleError

# pycountry's catalogs are named after the language with a region where scripts differ.
_CATALOG_FOR_LOCALE = {"zh_Hans": "zh_CN", "zh": "zh_CN", "zh_Hant": "zh_TW"}


@cache
def _translations(locale: str) -> gettext.NullTranslations:
    catalog = _CATALOG_FOR_LOCALE.get(locale, locale)
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[catalog], fallback=True
    )


@cache
def _cldr_names(locale: str) -> dict[str, str]:
    if locale.startswith("en"):
        return {}
    try:
        return dict(Locale.parse(locale).territories)
    except (ValueError, UnknownLocaleError):
        return {}


@cache
def _english_names() -> dict[str, str]:
    return {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}


def is_country(code: str | None) -> bool:
    return bool(code) and code in _english_names()


def country_name(code: str | None, locale: str = "en") -> str:
    """The country's name in ``locale``; the code itself when it is unknown."""
    if not code:
        return ""
    english = _english_names().get(code)
    if english is None:
        return code
    locale = str(locale)
    return _cldr_names(locale).get(code) or _translations(locale).gettext(english)


@cache
def country_choices(locale: str = "en") -> tuple[tuple[str, str], ...]:
    """(code, name) pairs sorted by the name as readers of ``locale`` would look for it."""
    names = [(code, country_name(code, locale)) for code in _english_names()]
    return tuple(sorted(names, key=lambda pair: pair[1].casefold()))
