"""Translation coverage per page, from the ``.po`` catalogs (polib, not ``sphinx-intl stat``,
which exits 1 on any gap).

``python docs/_ext/translation_coverage.py [LOCALE_DIR]`` prints the table; docs/build.py
also writes it to ``docs/_build/site/translation-coverage.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import polib


def catalog_rows(messages_dir: Path) -> list[dict[str, Any]]:
    """One row per ``.po`` under ``messages_dir``: page, counts and percent translated."""
    rows = []
    for po_path in sorted(messages_dir.rglob("*.po")):
        po = polib.pofile(str(po_path))
        fuzzy = len(po.fuzzy_entries())
        translated = len(po.translated_entries())
        untranslated = len(po.untranslated_entries())
        total = translated + fuzzy + untranslated
        rows.append(
            {
                "page": po_path.relative_to(messages_dir).with_suffix("").as_posix(),
                "translated": translated,
                "fuzzy": fuzzy,
                "untranslated": untranslated,
                "total": total,
                "percent": round(100.0 * translated / total, 1) if total else 100.0,
            }
        )
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals over all rows, in the same shape as a row."""
    keys = ("translated", "fuzzy", "untranslated", "total")
    total = {k: sum(r[k] for r in rows) for k in keys}
    pct = 100.0 * total["translated"] / total["total"] if total["total"] else 100.0
    return {"page": "TOTAL", **total, "percent": round(pct, 1)}


def format_table(rows: list[dict[str, Any]]) -> str:
    """A plain-text table of the rows followed by their total."""
    width = max([len(r["page"]) for r in rows] + [len("TOTAL"), len("page")])
    head = f"{'page':<{width}}  translated  fuzzy  untranslated      %"
    lines = [head, "-" * len(head)]
    for r in [*rows, summary(rows)]:
        lines.append(
            f"{r['page']:<{width}}  {r['translated']:>10}  {r['fuzzy']:>5}  "
            f"{r['untranslated']:>12}  {r['percent']:>5.1f}"
        )
    return "\n".join(lines)


def write_json(rows: list[dict[str, Any]], path: Path, language: str) -> None:
    """Write the rows and their total as JSON (read by people and by tests)."""
    data = {"language": language, "pages": rows, "total": summary(rows)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1] / "locale" / "ko" / "LC_MESSAGES"
    print(format_table(catalog_rows(Path(sys.argv[1]) if len(sys.argv) > 1 else default)))
