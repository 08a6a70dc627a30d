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
* Fails a figure whose smallest text would show below :data:`MIN_TEXT_PX` CSS pixels in
  the page's text column (:func:`check_text_size`): a gallery figure through the
  scraper :class:`CheckedScraper`, a notebook figure through the inline backend's
  display formatter (wrapped when :func:`setup` runs in a kernel). Both check the
  figure at the draw that saves or shows it (:class:`CheckWhenDrawn`), not with a draw
  of their own: drawing a figure with a constrained layout costs as much as saving it.
* Fails a notebook figure that shows words (:func:`words_to_translate`): it is drawn once,
  from the English code, and shown as it is on both languages' pages.

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
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

FAMILY = ["NanumGothic", "DejaVu Sans"]
MISSING_GLYPH = r"Glyph .* missing from font"
MINUS, EN_DASH = 0x2212, 0x2013
PATCH_VERSION = 1  # bump when with_minus() changes
#: Width in CSS px of the text column a figure is shown in: pydata-sphinx-theme's article
#: in a 1280 px wide window with both sidebars (measured in Chromium; pages without the
#: right-hand sidebar are wider).
COLUMN_PX = 656
#: The smallest text a figure may show at that width, in CSS px.
MIN_TEXT_PX = 9.0


#: Set by docs/_ext/build_timing.py for a build: where figure-saving and kernel CPU
#: seconds are appended (for benchmarks/bench_build.py); unset, nothing is recorded.
TIMES_ENV = "VANISHING_BUILD_TIMES"


def record_time(kind: str, wall: float, cpu: float) -> None:
    """Append one ``kind, wall, cpu`` line to the build's timing record, if any."""
    path = os.environ.get(TIMES_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as out:  # one short append: atomic
            out.write(f"{kind}\t{wall:.4f}\t{cpu:.4f}\n")


def record_process(kind: str, started: float) -> None:
    """:func:`record_time` for this whole process since ``time.perf_counter()`` was
    `started`: its CPU seconds and those of the children it has reaped."""
    usage = os.times()
    cpu = usage.user + usage.system + usage.children_user + usage.children_system
    record_time(kind, time.perf_counter() - started, cpu)


def read_times(path: Path) -> dict[str, list[float]]:
    """``kind -> [count, wall, cpu]`` summed from the lines :func:`record_time` appended."""
    sums: dict[str, list[float]] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    for line in lines:
        kind, wall, cpu = line.split("\t")
        total = sums.setdefault(kind, [0, 0.0, 0.0])
        total[0] += 1
        total[1] = round(total[1] + float(wall), 3)
        total[2] = round(total[2] + float(cpu), 3)
    return sums


class FigureTextTooSmall(ValueError):
    """A figure's text would be too small to read at the page's width."""


#: Names the Korean pages write in Latin letters, as the English ones do (the glossary's
#: terms: ReLU, He, Leaky ReLU..., but 시그모이드, 네스테로프), and the library's labels
#: of functions the glossary has no Korean term for (softsign, softplus).
LATIN_NAMES = frozenset(
    {
        *("ReLU", "Leaky", "leaky", "GELU", "SiLU", "ELU", "SELU", "tanh", "Xavier", "He"),
        *("softsign", "softplus", "BatchNorm", "RNN", "RMS", "SGD", "AdaGrad", "RMSProp"),
        *("Adam", "AdamW"),
    }
)
#: Words of formulas written out (``sqrt(D)``, ``log``), alike in both languages.
MATH_WORDS = frozenset({"pi", "sqrt", "ln", "log", "exp", "max", "min", "sigma"})
#: What a translated gallery figure may show in Latin letters (:func:`english_words`),
#: and what the code catalog does not extract a label made of only (``gallery_ko.NAMES``).
LATIN_IN_KOREAN = LATIN_NAMES | MATH_WORDS
#: The words a notebook page's figure may show: names, written alike on both languages'
#: pages or, failing that, names of the library's functions. A notebook figure is drawn
#: once, from the English code, and shown on the Korean page too, so it labels with
#: symbols and names; the words go in the page's text, which is translated. (A gallery
#: figure is drawn again in each language.)
FIGURE_NAMES = LATIN_NAMES | {"sigmoid", "Nesterov"}


def words_to_translate(text: str, names: frozenset[str] = FIGURE_NAMES) -> list[str]:
    r"""The words of a figure's ``text``, outside ``$math$``, that are not ``names``.

    A word is a run of letters: two or more, or one that is not ASCII (a Korean
    syllable is a word; a lone ``x`` or ``L`` is a symbol).

    >>> words_to_translate(r"layer $\ell$ (1 = next to the input)", frozenset())
    ['layer', 'next', 'to', 'the', 'input']
    >>> words_to_translate(r"ReLU, $x + F(x)/\sqrt{D}$", frozenset({"ReLU"}))
    []
    >>> words_to_translate(r"층 $\ell$, x")
    ['층']

    As in matplotlib, a text with an odd number of unescaped ``$`` has no math:

    >>> words_to_translate("$5 and $x$", frozenset())
    ['and']
    """
    dollars = len(re.findall(r"(?<!\\)\$", text))
    plain = re.sub(r"(?<!\\)\$.*?(?<!\\)\$", " ", text) if dollars % 2 == 0 else text
    words = re.findall(r"[^\W\d_]+", plain)
    return [w for w in words if (len(w) > 1 or not w.isascii()) and w not in names]


def text_sizes_px(fig: Any, column_px: float = COLUMN_PX) -> list[tuple[float, str]]:
    """Size in CSS px of each visible text of ``fig`` when shown in a ``column_px`` column.

    The image is ``width_in * dpi`` px wide and shrunk to the column if wider, so a
    ``size_pt`` text shows at ``size_pt / 72 * min(dpi, column_px / width_in)`` px.
    """
    px_per_pt = _px_per_pt(fig, column_px)
    fig.draw_without_rendering()  # tick labels exist only once the figure is drawn
    return _drawn_text_sizes_px(fig, px_per_pt)


def _px_per_pt(fig: Any, column_px: float) -> float:
    """CSS px per point of ``fig``'s text in a ``column_px`` column.

    Taken before saving: while saving with ``bbox_inches="tight"`` (as the inline
    backend does), the figure reports its cropped width and the print dpi."""
    import matplotlib as mpl

    dpi = mpl.rcParams["savefig.dpi"]
    dpi = fig.dpi if dpi == "figure" else float(dpi)
    return float(min(dpi, column_px / fig.get_figwidth()) / 72)


def _drawn_text_sizes_px(fig: Any, px_per_pt: float) -> list[tuple[float, str]]:
    """:func:`text_sizes_px` of a figure that has just been drawn (its ticks exist)."""
    from matplotlib.text import Text

    return [
        (text.get_fontsize() * px_per_pt, text.get_text())
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip() and text.figure is not None
    ]


def check_text_size(fig: Any, column_px: float = COLUMN_PX, min_px: float = MIN_TEXT_PX) -> None:
    """Raise :class:`FigureTextTooSmall` if any text of ``fig`` shows below ``min_px``."""
    _raise_if_small(fig, text_sizes_px(fig, column_px), column_px, min_px)


def _raise_if_small(
    fig: Any, sizes: list[tuple[float, str]], column_px: float, min_px: float = MIN_TEXT_PX
) -> None:
    small = [(px, text) for px, text in sizes if px < min_px - 1e-9]
    if small:
        px, text = min(small)
        raise FigureTextTooSmall(
            f"figure {fig.get_figwidth():.1f} x {fig.get_figheight():.1f} in: {len(small)} "
            f"texts under {min_px:g} px at a {column_px:g} px column (smallest {px:.1f} px: "
            f"{text!r}); enlarge the fonts, narrow the figure or split it"
        )


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
    _install_notebook_check()


def check_open_figures(column_px: float = COLUMN_PX) -> None:
    """:func:`check_text_size` on every open pyplot figure, each in its share of a row."""
    import matplotlib.pyplot as plt

    numbers = plt.get_fignums()
    for number in numbers:  # sphinx-gallery puts the figures of one block side by side
        check_text_size(plt.figure(number), column_px / len(numbers))


class CheckWhenDrawn:
    """:func:`check_open_figures`, done when each figure is next drawn (saved or shown).

    Checking needs a drawn figure (tick labels exist only then), and drawing a figure
    with a constrained layout costs as much as saving it: rather than drawing every
    figure once more just to check it, this listens to the ``draw_event`` of the draw
    that saves it. :meth:`finish` then raises :class:`FigureTextTooSmall` for the first
    figure too small, and checks (drawing it) any figure that was not drawn meanwhile.
    """

    def __init__(
        self,
        figures: list[Any] | None = None,
        column_px: float = COLUMN_PX,
        side_by_side: bool = True,
    ) -> None:
        import matplotlib.pyplot as plt

        if figures is None:  # every open pyplot figure
            figures = [plt.figure(number) for number in plt.get_fignums()]
        # sphinx-gallery puts the figures of one block side by side; a notebook cell's
        # figures are shown one below the other
        self._column_px = column_px / len(figures) if side_by_side and figures else column_px
        self._sizes: dict[int, list[tuple[float, str]]] = {}
        self._figures = {id(fig): fig for fig in figures}
        self._px_per_pt = {id(fig): _px_per_pt(fig, self._column_px) for fig in figures}
        self._connections = [
            (fig, fig.canvas.mpl_connect("draw_event", self._drawn)) for fig in figures
        ]

    def _drawn(self, event: Any) -> None:
        fig = event.canvas.figure
        if id(fig) in self._figures:  # the last draw wins, as when shown
            self._sizes[id(fig)] = _drawn_text_sizes_px(fig, self._px_per_pt[id(fig)])

    def texts(self) -> list[str]:
        """The texts of the figures as last drawn (after :meth:`finish`: of all of them)."""
        return [text for sizes in self._sizes.values() for _, text in sizes]

    def finish(self) -> None:
        """Stop listening; raise :class:`FigureTextTooSmall` if a figure's text is too small."""
        for fig, cid in self._connections:
            fig.canvas.mpl_disconnect(cid)
        for key, fig in self._figures.items():
            sizes = self._sizes.get(key)
            if sizes is None:  # never drawn: check it the expensive way
                sizes = self._sizes[key] = text_sizes_px(fig, self._column_px)
            _raise_if_small(fig, sizes, self._column_px)


class FigureHasWords(ValueError):
    """A figure shows words its page's reader would see in the wrong language."""


def english_words(texts: list[str], names: frozenset[str] = LATIN_IN_KOREAN) -> list[str]:
    r"""The English words (ASCII, outside math, not ``names``) of a translated figure's texts.

    >>> english_words(["층 $\\ell$", "ReLU, He", "잔차, scaled", "sigmoid, Xavier"])
    ['scaled', 'sigmoid']
    """
    found = {w for text in texts for w in words_to_translate(text, names) if w.isascii()}
    return sorted(found)


class CheckedScraper:
    """sphinx-gallery's matplotlib scraper, with :func:`check_open_figures` at its draws.

    In a translated build (``language`` other than English) it also fails a figure that
    still shows English words (:func:`english_words`): a label the code catalog missed.

    An instance (not a function) in ``image_scrapers`` keeps the config picklable.
    """

    def __init__(self, language: str = "en") -> None:
        self.language = language

    def __call__(self, block: Any, block_vars: Any, gallery_conf: Any) -> str:
        from sphinx_gallery.scrapers import matplotlib_scraper

        start = time.perf_counter(), time.process_time()
        check = CheckWhenDrawn()  # the scraper's savefig draws each figure: check then
        rst = str(matplotlib_scraper(block, block_vars, gallery_conf))  # closes them all
        record_time("gallery-figures", *_since(start))
        check.finish()
        words = english_words(check.texts()) if self.language != "en" else []
        if words:
            raise FigureHasWords(
                f"a figure of the {self.language!r} gallery shows English words: "
                f"{', '.join(words)}; translate its labels in the code catalog "
                "(locale/<language>/LC_MESSAGES/_code.po), from a label table or a "
                "string the catalog extracts (docs/_ext/gallery_ko.py)"
            )
        return rst

    # Equal and stable across builds, so Sphinx does not see a changed config each time.
    def __repr__(self) -> str:
        return f"mplsetup.CheckedScraper({self.language!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CheckedScraper) and other.language == self.language

    def __hash__(self) -> int:
        return hash((CheckedScraper, self.language))


#: The image formats the inline backend renders figures to.
_IMAGE_MIMETYPES = ("image/png", "image/jpeg", "image/svg+xml", "application/pdf")


def _install_notebook_check() -> None:
    """In an IPython kernel: check each figure as the inline backend renders it.

    The inline backend shows a figure (``plt.show()``, ``display(fig)``, or at the end
    of the cell) through IPython's display formatter for :class:`~matplotlib.figure.Figure`;
    that formatter is wrapped, so every figure shown is checked, at the draw that renders it.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    # Load the backend now (matplotlib selects it lazily): the inline backend registers
    # its formatters as it loads. Closes open figures: there are none in a set-up cell.
    plt.switch_backend(matplotlib.get_backend())

    formatters = shell.display_formatter.formatters
    wrapped = False
    for mimetype in _IMAGE_MIMETYPES:
        formatter = formatters[mimetype] if mimetype in formatters else None
        render = formatter.type_printers.get(Figure) if formatter is not None else None
        if render is not None and not getattr(render, "checks_text_size", False):
            formatter.for_type(Figure, _checked(render))
            wrapped = True
    already = any(
        getattr(formatters[m].type_printers.get(Figure), "checks_text_size", False)
        for m in _IMAGE_MIMETYPES
        if m in formatters
    )
    if not (wrapped or already):
        raise RuntimeError(
            f"no display formatter renders figures (backend {matplotlib.get_backend()!r}):"
            " their text size would go unchecked"
        )
    if wrapped and os.environ.get(TIMES_ENV):
        import atexit

        atexit.register(_record_kernel_time)


def _since(start: tuple[float, float]) -> tuple[float, float]:
    return time.perf_counter() - start[0], time.process_time() - start[1]


def _checked(render: Any) -> Any:
    """``render(fig)``, checking the figure's text at the draw that renders it: its size,
    and that it shows no words (:func:`words_to_translate`).

    Too small text, or a word, is reported on the cell's stderr, which myst-nb turns into
    a warning (``nb_output_stderr = "warn"``), an error with ``-W``: an exception in a
    formatter would only be printed by IPython, not fail the cell."""

    def render_checked(fig: Any) -> Any:
        start = time.perf_counter(), time.process_time()
        check = CheckWhenDrawn([fig], side_by_side=False)
        try:
            return render(fig)
        finally:
            record_time("notebook-figures", *_since(start))
            try:
                check.finish()
            except FigureTextTooSmall as error:
                print(f"FigureTextTooSmall: {error}", file=sys.stderr)
            words = sorted({w for text in check.texts() for w in words_to_translate(text)})
            if words:
                print(
                    f"FigureHasWords: {', '.join(words)}: a notebook figure is shown as it"
                    " is on both languages' pages; label it with symbols and the names in"
                    " mplsetup.FIGURE_NAMES, and put the words in the page's text",
                    file=sys.stderr,
                )

    render_checked.checks_text_size = True  # type: ignore[attr-defined]
    return render_checked


def _record_kernel_time() -> None:
    """At the kernel's exit: its whole CPU time (start-up, cells, figures)."""
    cpu = os.times()
    record_time("kernel", time.time() - _KERNEL_SEEN, cpu.user + cpu.system)


_KERNEL_SEEN = time.time()


def reset_matplotlib(gallery_conf: dict[str, Any], fname: str) -> None:
    """sphinx-gallery ``reset_modules`` hook: run :func:`setup` before each example."""
    setup()
