"""Four languages: every string marked, every marked string translated, every page switching.

The catalogs are ``seminar_reg/translations/<locale>/LC_MESSAGES/messages.po``; ``make install``
compiles them (the .mo files are build products). These tests read the sources and the .po files
themselves, so they hold whether or not the catalogs were compiled; the page tests need them
compiled, as the application does.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "seminar_reg" / "translations"
LOCALES = ("zh_Hans", "mn", "de")
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "_ln": (1, 2),
    "lazy_ngettext": (1, 2),
}
LETTER = re.compile(r"[^\W\d_]")
#: attributes a person reads or hears
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "label"}
#: placeholders a translation must keep: %(name)s, %%, {name}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdfr]|%%|\{[a-z_]+\}")
TAG = re.compile(r"</?[a-z][a-z0-9]*")


def catalog(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def marked_strings() -> set[str]:
    """Every msgid in the code and templates, found as ``make translations`` finds them."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_data(self, data: str) -> None:
        if LETTER.search(data):
            self.found.append(data.strip())

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and LETTER.search(value):
                self.found.append(f'{name}="{value}"')


def unmarked_text(path: Path) -> list[str]:
    """Words in a template outside ``{{ _(...) }}``, tags and expressions: untranslatable."""
    # Only lexed, never rendered: escaping does not arise.
    environment = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"])  # noqa: S701
    source = path.read_text(encoding="utf-8")
    # Only the template's own text; whatever Jinja evaluates becomes a space.
    text = "".join(
        value if kind == "data" else " " for _line, kind, value in environment.lex(source)
    )
    if path.suffix == ".txt":
        return [line.strip() for line in text.splitlines() if LETTER.search(line)]
    parser = _VisibleText()
    parser.feed(text)
    return parser.found


TEMPLATES = sorted(
    path for path in (ROOT / "templates").rglob("*") if path.suffix in (".html", ".txt")
)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_templates_have_no_text_that_is_not_marked_for_translation(path):
    assert unmarked_text(path) == []


def test_the_checker_finds_text_that_is_not_marked(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<p title="Help">{{ _("Marked") }} plain words <b>{{ name }}</b></p>'
        "{% if x %}<button aria-label=\"{{ _('Close') }}\">×</button>Bye{% endif %}"
    )
    assert unmarked_text(page) == ['title="Help"', "plain words", "Bye"]
    mail = tmp_path / "mail.txt"
    mail.write_text("{{ _('Dear %(name)s,', name=name) }}\nRegards\n{{ url }} – 3\n")
    assert unmarked_text(mail) == ["Regards"]


@pytest.fixture(scope="module")
def sources() -> set[str]:
    return marked_strings()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_marked_string_is_translated(locale, sources):
    translated = catalog(locale)
    missing = []
    for msgid in sorted(sources):
        message = translated.get(msgid)
        strings = () if message is None else message.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if message is None or message.fuzzy or not all(strings):
            missing.append(msgid)
    assert not missing, f"{len(missing)} strings lack a {locale} translation, e.g. {missing[:5]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_placeholders_and_markup(locale):
    translated = catalog(locale)
    wrong = []
    for message in translated:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in filter(None, strings):
            # The singular of a plural may say "one" where the English says %(num)d.
            if set(PLACEHOLDER.findall(text)) - {"%(num)d"} != wanted - {"%(num)d"}:
                wrong.append((ids[0], text))
            if sorted(TAG.findall(ids[0])) != sorted(TAG.findall(text)):
                wrong.append((ids[0], text))
    errors = [(m.id, e) for m, found in translated.check() for e in found]
    assert not wrong and not errors, (wrong[:5], errors[:5])


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogs_compile(locale, tmp_path):
    with (tmp_path / "messages.mo").open("wb") as compiled:
        write_mo(compiled, catalog(locale))
