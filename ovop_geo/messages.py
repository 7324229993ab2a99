"""Messages a user reads, by id, in Bahasa Indonesia and English.

The texts live in ``ovop_geo/locale/messages.toml``, one table per message id with an ``en`` and
an ``id`` text, so a translator edits one plain file and sees both languages side by side (a
TOML table rather than gettext catalogues: no compile step, no tool to install, and the ids and
named placeholders are checked by the tests; every placeholder must appear in both texts).

A message is a :class:`Message`: a ``str`` holding its English text, so everything that prints,
joins or logs text keeps working, that also remembers its id and parameters. The app shows it in
the page's language with :func:`translate`; translation never depends on matching English text.

Placeholders are ``{name}`` or ``{name:spec}``. Numbers follow the language (``12.610,5`` in
Bahasa Indonesia, ``12,610.5`` in English) when the spec has a thousands separator or decimals
(``{area:,.1f}``); a parameter that is itself a :class:`Message` is translated too; a list or
tuple is joined, by ``, `` (``{villages:list}``) or one item a line (``{problems:lines}``).
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from types import MappingProxyType

__all__ = ["LANGUAGES", "Message", "catalogue", "msg", "translate"]

LANGUAGES = ("id", "en")
_CATALOGUE = "messages.toml"


@cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Message id -> {"en": text, "id": text}, read once from ``locale/messages.toml``."""
    raw = (resources.files("ovop_geo") / "locale" / _CATALOGUE).read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    return MappingProxyType({key: MappingProxyType(dict(texts)) for key, texts in data.items()})


class _Formatter(string.Formatter):
    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def format_field(self, value, format_spec: str) -> str:
        if isinstance(value, Message):
            return value.text(self.lang)
        if isinstance(value, list | tuple):
            items = [translate(v, self.lang) if isinstance(v, str) else str(v) for v in value]
            if format_spec == "lines":
                return "\n".join(f"- {item}" for item in items)
            return ", ".join(items)
        if isinstance(value, int | float) and not isinstance(value, bool) and format_spec:
            text = format(value, format_spec)
            if self.lang == "id":
                text = text.translate(str.maketrans({",": ".", ".": ","}))
            return text
        return super().format_field(value, format_spec)


def _render(key: str, lang: str, params: Mapping[str, object]) -> str:
    try:
        texts = catalogue()[key]
    except KeyError:
        raise KeyError(f"no message '{key}' in ovop_geo/locale/{_CATALOGUE}") from None
    return _Formatter(lang).format(texts[lang], **params)


class Message(str):
    """A user-facing text: its English text as a ``str``, with its id and parameters.

    Examples
    --------
    >>> m = Message("no_elevation")                      # doctest: +SKIP
    >>> str(m), m.text("id")                             # doctest: +SKIP
    ('No elevation layer: slope criteria are unknown.', 'Tidak ada lapisan elevasi: ...')
    """

    key: str
    params: Mapping[str, object]

    def __new__(cls, key: str, /, **params: object) -> Message:
        """A message for catalogue ``key`` with ``params``; as a string it is the English text."""
        self = super().__new__(cls, _render(key, "en", params))
        self.key = key
        self.params = MappingProxyType(dict(params))
        return self

    def text(self, lang: str = "en") -> str:
        """The text in ``lang`` (``"id"`` or ``"en"``)."""
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language '{lang}': use one of {', '.join(LANGUAGES)}")
        return _render(self.key, lang, self.params)

    def __reduce__(self):  # pickling (Streamlit's caches, multiprocessing)
        return (_rebuild, (self.key, dict(self.params)))


def _rebuild(key: str, params: dict) -> Message:
    return Message(key, **params)


def msg(key: str, /, **params: object) -> Message:
    """The message ``key`` of the catalogue with its placeholders filled from ``params``."""
    return Message(key, **params)


def translate(text: str, lang: str) -> str:
    """``text`` in ``lang`` when it is a :class:`Message`; other text as it is."""
    return text.text(lang) if isinstance(text, Message) else str(text)


def join(texts: Sequence[str], lang: str, separator: str = "; ") -> str:
    """Several texts, each translated, joined."""
    return separator.join(translate(t, lang) for t in texts)
