"""Pages every anonymous visitor sees alike, rendered once per process for what they show.

A page is kept under a key made of everything it shows (its rows' column values, the language),
so a change of any of them is a new key and nothing is ever stale. What differs per visitor (the
CSRF token, a form's submission id) is rendered into the page the first time, cut out of it, and
put back in for each visitor. A registration rush GETs the same form thousands of times a minute.
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask import Flask, current_app, request, session
from flask_login import current_user

#: pages kept per process; a key is a seminar in a language, so this is many seminars' worth
SIZE = 512


class PageCache:
    """Rendered pages as fragments, with the per-visitor values' places between them."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._pages: OrderedDict[str, tuple[list[str], list[str]]] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, key: str, values: dict[str, str], render: Callable[[], str]) -> str:
        """The page under ``key`` with ``values`` put in; rendered (with them) when not kept.

        ``values`` must be distinct, unguessable strings (tokens): every place they appear in
        the rendered page is theirs.
        """
        if not all(values.values()):
            return render()  # nothing to cut out by
        with self._lock:
            kept = self._pages.get(key)
            if kept is not None:
                self._pages.move_to_end(key)
        if kept is not None:
            fragments, names = kept
            return "".join(_interleave(fragments, [values[name] for name in names]))
        html = render()
        by_value = {value: name for name, value in values.items()}
        pieces = re.split("(" + "|".join(map(re.escape, by_value)) + ")", html)
        fragments, names = pieces[0::2], [by_value[value] for value in pieces[1::2]]
        with self._lock:
            self._pages[key] = (fragments, names)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return html


def _interleave(fragments: list[str], values: list[str]) -> Iterable[str]:
    for fragment, value in zip(fragments, values, strict=False):
        yield fragment
        yield value
    yield fragments[-1]


def shared_view() -> bool:
    """Whether this request sees the page every anonymous visitor sees: nobody signed in, no
    message waiting to be shown, no query string (the language switcher links back to it)."""
    return not (current_user.is_authenticated or session.get("_flashes") or request.query_string)


def row_key(*rows: object) -> str:
    """Every column value of these rows (ORM objects), as one string."""
    return repr(
        [
            tuple(getattr(row, attribute.key) for attribute in sa.inspect(row).mapper.column_attrs)
            for row in rows
        ]
    )


def pages() -> PageCache:
    return current_app.extensions["page_cache"]


def init_app(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache()
