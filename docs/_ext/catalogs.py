"""Fill repeated boilerplate in the per-page Korean catalogs from one compendium.

With ``gettext_compact = False`` every page has its own ``.po``, so strings that
sphinx-gallery, numpydoc and our extensions repeat on many pages ("Download Python source
code: ...", "Parameters", "Examples using this object") would have to be translated
once per page. ``docs/locale/ko/compendium.po`` holds them once; :func:`fill` copies a
compendium translation into every empty, non-fuzzy entry with the same msgid.

Entries whose msgid is a pattern are supported too: a compendium entry flagged
``#, pattern`` is a regular expression (``re.fullmatch``) and its msgstr a replacement
template (``\\1`` ...), e.g. for "Download Python source code: plot_x.py".

API docstrings stay English on the Korean site (they change with every library edit and
are read next to the code): :func:`prune` drops every message of the API pages' catalogs
that the compendium cannot translate, so translators only see the headings there.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib


def load(compendium: Path) -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    """Exact translations and (pattern, template) pairs from the compendium."""
    po = polib.pofile(str(compendium))
    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for entry in po.translated_entries():
        if "pattern" in entry.flags:
            patterns.append((re.compile(entry.msgid, re.S), entry.msgstr))
        else:
            exact[entry.msgid] = entry.msgstr
    return exact, patterns


def translate(
    msgid: str, exact: dict[str, str], patterns: list[tuple[re.Pattern[str], str]]
) -> str:
    """The compendium's translation of ``msgid``, or ``""``."""
    if msgid in exact:
        return exact[msgid]
    for pattern, template in patterns:
        if m := pattern.fullmatch(msgid):
            return m.expand(template)
    return ""


def fill(messages_dir: Path, compendium: Path) -> int:
    """Fill empty entries of every ``.po`` under ``messages_dir``; return how many."""
    exact, patterns = load(compendium)
    filled = 0
    for po_path in sorted(messages_dir.rglob("*.po")):
        po = polib.pofile(str(po_path), wrapwidth=76)
        changed = False
        for entry in po.untranslated_entries():
            if "fuzzy" in entry.flags:
                continue
            if text := translate(entry.msgid, exact, patterns):
                entry.msgstr = text
                changed = True
                filled += 1
        if changed:
            po.save()
    return filled


def prune(messages_dir: Path, compendium: Path, prefixes: tuple[str, ...]) -> int:
    """Keep only compendium-translatable entries in catalogs under ``prefixes``."""
    exact, patterns = load(compendium)
    dropped = 0
    for prefix in prefixes:
        for po_path in sorted((messages_dir / prefix).rglob("*.po")):
            po = polib.pofile(str(po_path), wrapwidth=76)
            keep = [e for e in po if translate(e.msgid, exact, patterns)]
            dropped += len(po) - len(keep)
            if len(keep) != len(po):
                po[:] = keep
                po.save()
    return dropped
