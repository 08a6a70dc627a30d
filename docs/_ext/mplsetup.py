"""Matplotlib set-up for every figure on the site: Hangul renders, tofu fails the build.

* Registers NanumGothic (regular and bold), which ships inside the ``koreanize-matplotlib``
  wheel, so no system font is needed. The package itself is never imported (it fails on
  Python >= 3.12 without setuptools); its ``.ttf`` files are found with ``find_spec``.
* Font family ``["NanumGothic", "DejaVu Sans"]``: DejaVu Sans supplies glyphs NanumGothic
  lacks in ordinary text. Mathtext has no per-glyph fallback for its default font, and
  NanumGothic has no U+2212, so every log-axis tick (``$\\mathdefault{10^{-3}}$``) and
  every label mixing ``$math$`` with Hangul would show a dummy glyph. The registered
  copy of NanumGothic therefore maps U+2212 to its own en-dash glyph (a cmap-only edit
  with fontTools, cached under matplotlib's cache directory; about 0.3 s once).
* Turns matplotlib's "Glyph ... missing from font(s)" warning, and mathtext's "does not
  have a glyph ... substituting with a dummy symbol" log record, into errors, so a
  figure with tofu (empty boxes) can never ship.

Used in two places:

* sphinx-gallery: ``"reset_modules": ("matplotlib", "mplsetup.reset_matplotlib")`` in
  ``docs/conf.py`` (a dotted name keeps the config picklable), run before every example;
* myst-nb pages: a hidden first cell (``docs/_ext`` is on the kernel's ``PYTHONPATH``)::

      ```{code-cell} ipython3
      :tags: [remove-cell]
      import mplsetup
      mplsetup.setup()
      ```
"""

from __future__ import annotations

import importlib.util
import logging
import os
import warnings
from pathlib import Path
from typing import Any

FAMILY = ["NanumGothic", "DejaVu Sans"]
MISSING_GLYPH = r"Glyph .* missing from font"
MINUS, EN_DASH = 0x2212, 0x2013
PATCH_VERSION = 1  # bump when with_minus() changes


def nanum_fonts() -> list[Path]:
    """Return the NanumGothic ``.ttf`` files shipped in the koreanize-matplotlib wheel."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pip install koreanize-matplotlib (it ships NanumGothic)")
    fonts = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    files = [fonts / "NanumGothic.ttf", fonts / "NanumGothicBold.ttf"]
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"NanumGothic not found: {missing}")
    return files


def with_minus(font: Path, cache_dir: Path) -> Path:
    """A cached copy of ``font`` whose U+2212 (minus) shows its en-dash glyph."""
    st = font.stat()
    target = cache_dir / f"{font.stem}-minus{PATCH_VERSION}-{st.st_size}-{int(st.st_mtime)}.ttf"
    if target.is_file():
        return target
    from fontTools.ttLib import TTFont  # a matplotlib dependency

    tt = TTFont(str(font), lazy=True)  # lazy: only the cmap is decoded and rewritten
    dash = tt.getBestCmap()[EN_DASH]
    for table in tt["cmap"].tables:
        if table.isUnicode():
            table.cmap[MINUS] = dash
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tt.save(str(tmp))
    tt.close()
    tmp.replace(target)  # atomic: parallel kernels may race here
    return target


class _DummyGlyphError(logging.Handler):
    """Raise instead of logging mathtext's "substituting with a dummy symbol"."""

    def emit(self, record: logging.LogRecord) -> None:
        if "dummy symbol" in record.getMessage():
            raise RuntimeError(f"matplotlib mathtext: {record.getMessage()}")


def setup() -> None:
    """Register NanumGothic, select it, and make missing glyphs an error."""
    import matplotlib as mpl
    from matplotlib import font_manager

    cache = Path(mpl.get_cachedir()) / "vanishing-fonts"
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in nanum_fonts():
        patched = str(with_minus(path, cache))
        if patched not in known:
            font_manager.fontManager.addfont(patched)
    mpl.rcParams["font.family"] = FAMILY
    mpl.rcParams["axes.unicode_minus"] = True
    warnings.filterwarnings("error", message=MISSING_GLYPH, category=UserWarning)
    mathtext_log = logging.getLogger("matplotlib.mathtext")
    if not any(isinstance(h, _DummyGlyphError) for h in mathtext_log.handlers):
        mathtext_log.addHandler(_DummyGlyphError())


def reset_matplotlib(gallery_conf: dict[str, Any], fname: str) -> None:
    """sphinx-gallery ``reset_modules`` hook: run :func:`setup` before each example."""
    setup()
