"""Hangul renders in figures; a missing glyph is an error (docs/_ext/mplsetup.py)."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

import matplotlib
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
