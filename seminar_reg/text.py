"""Cleaning and comparing the text people type: names in any script, slugs, institution names."""

import re
import unicodedata

# Control characters and the bidi embedding/override/isolate marks, which can disguise text.
# Zero-width (non-)joiners stay allowed: Urdu, Persian and Indic scripts need them.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def has_forbidden_characters(value: str) -> bool:
    return bool(_FORBIDDEN.search(value))


def clean_line(value: str | None) -> str:
    """One line of text as it is stored: Unicode NFC, trimmed, inner runs of space made one."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def clean_paragraphs(value: str | None) -> str:
    """Multi-line text as it is stored: NFC, Unix line ends, no trailing spaces or blank runs."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def fold(value: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form, for matching names."""
    # Case first: casefolding turns some marks into letters (the Greek iota subscript into ι),
    # which must happen before the marks are dropped, or "ᾳ" and "ΑΙ" would differ.
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[\W_]+", " ", without_marks.casefold())
    return _SPACES.sub(" ", words).strip()


def slugify(title: str, max_length: int = 80) -> str:
    """A URL part from a title: ASCII letters, digits and hyphens; empty for a non-Latin title."""
    ascii_only = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")
    return slug[:max_length].rstrip("-")


SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def normalise_email(value: str | None) -> str:
    """The form an email address is keyed by: trimmed, NFC, case-insensitive."""
    # NFC last: lower-casing can undo it (Ϊ́ lower-cases to ϊ + U+0301, whose NFC is ΐ).
    return unicodedata.normalize("NFC", (value or "").strip().lower())


# Mongolian Cyrillic as Mongolian passports spell it (Мөнх → Munkh, Сүхбаатар → Sukhbaatar,
# Дорж → Dorj, Өлзий → Ulzii, Гарьд → Garid), which also reads Russian names well enough; then
# the letters Kazakh (Bayan-Ölgii), Ukrainian and Belarusian add.
_CYRILLIC_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "ө": "u", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "i", "ы": "y", "ь": "i", "э": "e", "ю": "yu", "я": "ya",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "ng", "ұ": "u", "һ": "h", "і": "i",
    "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}  # fmt: skip
_TRANSLITERATION = str.maketrans(
    {
        **{ord(letter): latin for letter, latin in _CYRILLIC_LATIN.items()},
        **{ord(letter.upper()): latin.capitalize() for letter, latin in _CYRILLIC_LATIN.items()},
    }
)


_CYRILLIC_WORD = re.compile(r"\w*[\u0400-\u04ff]\w*")


def transliterate(text: str) -> str:
    """Cyrillic letters in Latin ones, for comparing "Батбаяр Дорж" with "Batbayar Dorj".

    Other scripts are left as they are: Chinese needs a dictionary, Arabic script has no vowels.
    """
    return _CYRILLIC_WORD.sub(_transliterate_word, unicodedata.normalize("NFC", text))


def _transliterate_word(match: re.Match) -> str:
    word = match.group()
    if word.isupper() and len(word) > 1:  # "ДОРЖ" is "DORJ", not "DORj"
        return word.lower().translate(_TRANSLITERATION).upper()
    return word.translate(_TRANSLITERATION)
