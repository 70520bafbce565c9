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
    decomposed = unicodedata.normalize("NFKD", value)
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
    return unicodedata.normalize("NFC", value or "").strip().lower()
