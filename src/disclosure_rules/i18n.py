"""Messages in the user's language: beside the first module of the pipeline.

Every message a person reads — diagnostics, the ``explain`` text, the command
line's help — is written in English in the code and translated through gettext
catalogs shipped in ``locale/`` (``docs/languages.md`` says how to update them).

Two kinds of text:

* A diagnostic's message is a :class:`Message`: ``_("unknown parameter {name!r}")
  .format(name=…)``. It *is* its English text (a ``str``), so the JSON outputs and
  the results files stay the same whatever the language, and it renders itself in
  the active language with :func:`localized` when a person reads it.
* Presentation text (help, tables, the explanation) is translated at once with
  :func:`gettext` / :func:`ngettext`.

The active language is, in order: :func:`set_language` (the command line's
``--lang``), the ``DISCLOSURE_RULES_LANG`` environment variable, then the locale
(``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``: a value starting ``zh`` means
Chinese). English needs no catalog; a catalog is read on the first translation into
its language, so importing the package reads none.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
import os
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "LANGUAGES",
    "Message",
    "_",
    "alternatives",
    "gettext",
    "joined",
    "language",
    "localized",
    "n_",
    "ngettext",
    "set_language",
    "translations",
    "using_language",
]

LANGUAGES = ("en", "zh")
"""The languages messages are available in; English is the source language."""

DOMAIN = "disclosure_rules"
_LOCALE_DIR = Path(__file__).parent / "locale"
_ENVIRONMENT = ("DISCLOSURE_RULES_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None


def set_language(lang: str | None) -> None:
    """Make ``lang`` (``"en"`` or ``"zh"``) the active language; None: from the environment."""
    global _chosen
    if lang is not None and lang not in LANGUAGES:
        msg = f"lang: expected one of {', '.join(LANGUAGES)}, got {lang!r}"
        raise ValueError(msg)
    _chosen = lang


@contextlib.contextmanager
def using_language(lang: str | None) -> Iterator[None]:
    """Within the block, ``lang`` is the active language (None: leave it as it is)."""
    global _chosen
    previous = _chosen
    if lang is not None:
        set_language(lang)
    try:
        yield
    finally:
        _chosen = previous


def language() -> str:
    """The active language: chosen, else ``DISCLOSURE_RULES_LANG``, else the locale's."""
    if _chosen is not None:
        return _chosen
    for name in _ENVIRONMENT:
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


@cache
def translations(lang: str, domain: str = DOMAIN) -> _gettext.NullTranslations:
    """The catalog of ``domain`` in ``lang``, read once; English (the source) has none."""
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(domain, _LOCALE_DIR, languages=[lang], fallback=True)


def gettext(text: str) -> str:
    """``text`` in the active language, now (for help, tables and explanations)."""
    return translations(language()).gettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the active language, now."""
    return translations(language()).ngettext(singular, plural, n)


class Message(str):
    """A message whose value is its English text and which renders in any language.

    Build one with :func:`_` (or :func:`n_`) and fill its named placeholders with
    :meth:`format`; :func:`localized` gives it in the active language. Operations of
    ``str`` other than ``format`` give plain English text: pass the message itself
    (or put it in another message's placeholder) to keep it translatable.
    """

    template: str
    plural: str | None
    n: int
    args: Mapping[str, Any] | None

    def __new__(
        cls,
        template: str,
        args: Mapping[str, Any] | None = None,
        plural: str | None = None,
        n: int = 1,
    ) -> Message:
        english = template if plural is None or n == 1 else plural
        self = super().__new__(cls, english.format(**args) if args is not None else english)
        self.template, self.plural, self.n, self.args = template, plural, n, args
        return self

    def __reduce__(self) -> tuple[Any, ...]:  # copied and pickled as a message, not a str
        return (Message, (self.template, self.args, self.plural, self.n))

    def format(self, /, *positional: object, **args: Any) -> Message:
        """The message with its named placeholders filled (kept translatable)."""
        if positional:
            raise TypeError("a message's placeholders are named: format(name=value)")
        return Message(self.template, args, self.plural, self.n)

    def localized(self) -> str:
        """The message in the active language."""
        catalog = translations(language())
        if self.plural is None:
            text = catalog.gettext(self.template)
        else:
            text = catalog.ngettext(self.template, self.plural, self.n)
        if self.args is None:
            return text
        return text.format(
            **{k: v.localized() if isinstance(v, Message) else v for k, v in self.args.items()}
        )


class _Joined(Message):
    """Parts (messages or plain text) joined by a separator, each part translated."""

    parts: tuple[str, ...]
    separator: str

    def __new__(cls, parts: Iterable[str], separator: str) -> _Joined:
        items = tuple(parts)
        self = str.__new__(cls, str(separator).join(str(p) for p in items))
        self.template, self.plural, self.n, self.args = str(self), None, 1, None
        self.parts, self.separator = items, separator
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Joined, (self.parts, self.separator))

    def format(self, /, *positional: object, **args: Any) -> Message:
        raise TypeError("joined text has no placeholders")

    def localized(self) -> str:
        return localized(self.separator).join(localized(p) for p in self.parts)


def _(text: str) -> Message:
    """A translatable message (extracted into the catalogs); fill it with ``.format``."""
    return Message(text)


def n_(singular: str, plural: str, n: int) -> Message:
    """A translatable message with a singular and a plural form, chosen by ``n``."""
    return Message(singular, None, plural, n)


def joined(parts: Iterable[str], separator: str) -> Message:
    """``parts`` joined by ``separator``, each (and the separator) translated when shown."""
    return _Joined(parts, separator)


def alternatives(names: Iterable[str]) -> Message:
    """``names`` joined by “or” in the active language (for “did you mean …?”)."""
    return _Joined(names, _(" or "))


def localized(text: str) -> str:
    """``text`` in the active language: a :class:`Message` translated, other text as is."""
    return text.localized() if isinstance(text, Message) else text
