"""Hangul renders in figures; a missing glyph is an error (docs/_ext/mplsetup.py)."""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import matplotlib.figure
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import mplsetup


@pytest.fixture(autouse=True)
def _setup() -> Iterator[None]:
    with warnings.catch_warnings(), matplotlib.rc_context():
        mplsetup.setup()
        yield
    plt.close("all")


def _render(title: str, log: bool = False) -> None:
    fig, ax = plt.subplots()
    if log:
        ax.set_yscale("log")
        ax.plot([-2, 2], [1e-5, 1e3])
    ax.set_title(title)
    fig.savefig(io.BytesIO(), format="png")


def test_fonts_come_from_the_wheel() -> None:
    assert [p.name for p in mplsetup.nanum_fonts()] == ["NanumGothic.ttf", "NanumGothicBold.ttf"]
    assert matplotlib.rcParams["font.family"] == mplsetup.FAMILY


def test_hangul_and_math_render_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _render(r"$\sigma'(z)$ 시그모이드의 도함수 −0.25")


def test_log_axis_minus_signs_render() -> None:
    _render("기울기 노름", log=True)  # ticks are $\mathdefault{10^{-5}}$: U+2212 in mathtext


def test_missing_glyph_in_text_fails() -> None:
    with pytest.raises(UserWarning, match="missing from font"):
        _render("क")  # Devanagari: in neither NanumGothic nor DejaVu Sans


def test_missing_glyph_in_mathtext_fails() -> None:
    with pytest.raises(RuntimeError, match="dummy symbol"):
        _render(r"$x$ क")


def test_text_size_at_page_width_follows_figure_width() -> None:
    fig, ax = plt.subplots(figsize=(6.0, 3.0), dpi=100)
    ax.set_title("t", fontsize=10)
    # 600 px wide, narrower than the column: shown at its own size, 10 pt = 13.9 px
    assert max(px for px, text in mplsetup.text_sizes_px(fig) if text == "t") == pytest.approx(
        10 * 100 / 72
    )
    fig.set_figwidth(13.12)  # twice the column: shrunk to half
    sizes = dict((text, px) for px, text in mplsetup.text_sizes_px(fig))
    assert sizes["t"] == pytest.approx(10 / 72 * mplsetup.COLUMN_PX / 13.12)


def test_readable_figure_passes_and_dense_grid_fails() -> None:
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot([0, 1], label="a")
    ax.legend(fontsize=9)
    mplsetup.check_text_size(fig)  # no exception
    fig, axes = plt.subplots(2, 5, figsize=(11.0, 5.4))  # tick labels 10 pt -> 8.3 px
    with pytest.raises(mplsetup.FigureTextTooSmall, match="under 9 px"):
        mplsetup.check_text_size(fig)


def test_figures_of_one_block_share_the_column() -> None:
    for _ in range(2):  # side by side, each gets half the column
        plt.subplots(figsize=(6.4, 3.6))[1].plot([0, 1])
    with pytest.raises(mplsetup.FigureTextTooSmall):
        mplsetup.check_open_figures()


def _count_draws(fig: matplotlib.figure.Figure) -> list[int]:
    draws: list[int] = []
    fig.canvas.mpl_connect("draw_event", lambda event: draws.append(1))
    return draws


def test_check_when_drawn_checks_at_the_saving_draw_only() -> None:
    readable, _ = plt.subplots(figsize=(6.4, 3.6))
    dense, _ = plt.subplots(2, 5, figsize=(11.0, 5.4))  # as in the test above: 8.3 px
    draws = [_count_draws(readable), _count_draws(dense)]
    check = mplsetup.CheckWhenDrawn(side_by_side=False)
    readable.savefig(io.BytesIO(), format="png")
    # as the inline backend saves: cropped while saving, still checked at its full width
    dense.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    with pytest.raises(mplsetup.FigureTextTooSmall, match="under 9 px"):
        check.finish()
    assert draws == [[1], [1, 1]]  # the saves' draws only: the check drew nothing itself


def test_check_when_drawn_draws_a_figure_nobody_drew() -> None:
    plt.subplots(2, 5, figsize=(11.0, 5.4))
    with pytest.raises(mplsetup.FigureTextTooSmall):
        mplsetup.CheckWhenDrawn(side_by_side=False).finish()


def test_check_when_drawn_shares_the_column_side_by_side() -> None:
    for _ in range(2):  # fine alone, too small at half the column
        plt.subplots(figsize=(6.4, 3.6))[1].plot([0, 1])
    mplsetup.CheckWhenDrawn(side_by_side=False).finish()
    with pytest.raises(mplsetup.FigureTextTooSmall):
        mplsetup.CheckWhenDrawn().finish()


def test_notebook_figure_with_small_text_or_words_is_reported_on_stderr() -> None:
    """In a Jupyter kernel (as myst-nb runs the pages): a too dense figure, or one with
    words (it would show them untranslated on the Korean page), is reported on the cell's
    stderr when the inline backend shows it, at the cell's end or by ``plt.show()``; a
    readable one with symbols and names only is not."""
    import nbformat
    from nbclient import NotebookClient

    cells = [
        "import mplsetup\nmplsetup.setup()\nimport matplotlib.pyplot as plt",
        "fig, axes = plt.subplots(2, 5, figsize=(11.0, 5.4))",  # shown at the cell's end
        "fig, ax = plt.subplots(figsize=(6.4, 3.6))",
        "fig, axes = plt.subplots(2, 5, figsize=(11.0, 5.4))\nplt.show()\nprint('after')",
        "fig, ax = plt.subplots()\nax.plot([1, 2], label='ReLU, He')\nax.legend()\n"
        "ax.set_xlabel(r'layer $\\ell$ (input side)')",
        "fig, ax = plt.subplots()\nax.plot([1, 2], label='ReLU, He')\nax.legend()\n"
        "ax.set_xlabel(r'$\\ell$')",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    ext = Path(mplsetup.__file__).parent  # the kernel imports mplsetup from its cwd
    NotebookClient(nb, timeout=60, resources={"metadata": {"path": str(ext)}}).execute()

    def stderr(cell: int) -> str:
        outputs = nb.cells[cell].outputs
        return "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")

    def images(cell: int) -> int:
        return sum("image/png" in o.get("data", {}) for o in nb.cells[cell].outputs)

    assert "FigureTextTooSmall" in stderr(1) and "under 9 px" in stderr(1)
    assert stderr(2) == "" and images(2) == 1
    assert "FigureTextTooSmall" in stderr(3) and images(3) == 1  # shown by plt.show()
    assert "FigureHasWords: input, layer, side:" in stderr(4) and images(4) == 1
    assert stderr(5) == "" and images(5) == 1  # symbols and names only


def test_recorded_times_are_summed_per_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    times = tmp_path / "times.tsv"
    monkeypatch.setenv(mplsetup.TIMES_ENV, str(times))
    mplsetup.record_time("a", 1.0, 0.5)
    mplsetup.record_time("a", 2.0, 0.25)
    mplsetup.record_process("b", time.perf_counter() - 1.0)
    sums = mplsetup.read_times(times)
    assert sums["a"] == [2, 3.0, 0.75]
    count, wall, cpu = sums["b"]
    assert count == 1 and wall >= 1.0 and cpu > 0
    assert mplsetup.read_times(tmp_path / "none.tsv") == {}


def _scrape(scraper: mplsetup.CheckedScraper, tmp_path: Path) -> str:
    """Run ``scraper`` as sphinx-gallery runs it after a block, on the open figures."""
    paths = iter([str(tmp_path / f"image_{i}.png") for i in range(1, 10)])
    block_vars = {"image_path_iterator": paths, "example_globals": {}}
    from sphinx_gallery.gen_gallery import DEFAULT_GALLERY_CONF

    conf = {**DEFAULT_GALLERY_CONF, "src_dir": str(tmp_path), "image_srcset": []}
    conf["matplotlib_animations"] = (False, None)  # as sphinx-gallery normalises it
    return scraper(None, block_vars, conf)


@pytest.mark.parametrize("label", ["잔차, scaled", "plain"])
def test_a_korean_gallery_figure_with_english_words_fails(label: str, tmp_path: Path) -> None:
    def figure() -> None:
        fig, ax = plt.subplots(figsize=(6.4, 3.6))
        ax.plot([0, 1], label=label)
        ax.plot([1, 0], label="ReLU, He")
        ax.legend()
        ax.set_xlabel(r"층 $\ell$")

    figure()
    with pytest.raises(mplsetup.FigureHasWords, match=r"English words: (scaled|plain);"):
        _scrape(mplsetup.CheckedScraper("ko"), tmp_path)
    figure()
    assert "image_" in _scrape(mplsetup.CheckedScraper("en"), tmp_path)  # English: fine
    plt.close("all")


def test_a_translated_korean_gallery_figure_passes(tmp_path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot([0, 1], label="잔차, 스케일링")
    ax.plot([1, 0], label=r"leaky ReLU, $\alpha = 0.01$")
    ax.legend()
    ax.set_xlabel(r"층 $\ell$")
    assert "image_" in _scrape(mplsetup.CheckedScraper("ko"), tmp_path)


def test_the_scraper_is_equal_by_language() -> None:
    """Stable and comparable: Sphinx sees an unchanged config from build to build."""
    assert mplsetup.CheckedScraper("ko") == mplsetup.CheckedScraper("ko")
    assert mplsetup.CheckedScraper("ko") != mplsetup.CheckedScraper("en")
    assert repr(mplsetup.CheckedScraper("ko")) == "mplsetup.CheckedScraper('ko')"
    assert hash(mplsetup.CheckedScraper("ko")) == hash(mplsetup.CheckedScraper("ko"))
