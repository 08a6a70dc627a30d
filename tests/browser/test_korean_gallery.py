"""The built Korean site's code, figures and downloads are Korean (no browser needed).

The Korean build runs the gallery on Korean copies of the scripts (docs/_ext/gallery_ko.py)
and translates the comments of the pages' code cells (docs/_ext/code_comments_ko.py).
These read what it wrote: comments, alt text, figures, the .py/.ipynb/zip downloads, and
what the Korean scripts print when a reader runs them.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import gallery_ko  # noqa: E402  (docs/_ext)
from sphinx_gallery.utils import get_md5sum  # noqa: E402

_spec = importlib.util.spec_from_file_location("docs_build", ROOT / "docs" / "build.py")
assert _spec is not None and _spec.loader is not None
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


SCRIPTS = sorted((ROOT / "gallery").rglob("plot_*.py"))
#: Where the Korean build writes the Korean scripts it runs (docs/build.py), and where
#: sphinx-gallery leaves their output and the MD5 of each script it ran.
KO_GALLERY = build.KO_GALLERY
KO_OUTPUT = build.KO_SOURCE / "auto_examples"
HANGUL = gallery_ko.HANGUL
#: Pages whose code is English on purpose: the API reference (docstrings stay English).
ENGLISH_PAGES = ("gen_modules/",)
COMMENT = re.compile(r'<span class="c1">(.*?)</span>', re.S)
OUTPUT = re.compile(r'<div class="sphx-glr-script-out[^"]*">.*?<pre>(.*?)</pre>', re.S)
IMAGE = re.compile(r"<img[^>]*>")
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?")
#: Share of prose and comment lines of a Korean download that must be Korean.
KOREAN_SHARE = 0.8


def text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def download(site_dir: Path, lang: str, name: str) -> Path:
    found = sorted((site_dir / lang / "_downloads").glob(f"*/{name}"))
    assert len(found) == 1, f"{lang}: {len(found)} downloads named {name}"
    return found[0]


def page(site_dir: Path, lang: str, script: Path) -> Path:
    rel = script.relative_to(ROOT / "gallery").with_suffix(".html")
    return site_dir / lang / "auto_examples" / rel


def prose_lines(lines: list[str]) -> list[str]:
    """Lines a reader reads as words: at least one word outside inline markup."""
    keep = []
    for line in lines:
        bare = re.sub(r"`[^`]*`|\$[^$]*\$", "", line)
        if HANGUL.search(line) or gallery_ko.has_words(bare):
            keep.append(line)
    return keep


def py_prose(source: str) -> list[str]:
    """Docstring, text-block and comment lines of a script."""
    doc, _ = gallery_ko.text_rows(source)
    lines = source.split("\n")
    docstring = lines[doc[0] - 1 : doc[1] - 1] if doc else []
    comments = [line.split("#", 1)[1] for line in lines if line.lstrip().startswith("#")]
    return prose_lines(docstring + comments)


def ipynb_prose(notebook: dict[str, list[dict[str, object]]]) -> list[str]:
    lines: list[str] = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"])  # type: ignore[arg-type]
        if cell["cell_type"] == "markdown":
            lines += source.split("\n")
        else:
            lines += [line.split("#", 1)[1] for line in source.split("\n") if "#" in line]
    return prose_lines(lines)


def korean_share(lines: list[str]) -> float:
    return sum(bool(HANGUL.search(line)) for line in lines) / len(lines)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_py_and_ipynb_downloads_are_korean(site_dir: Path, script: Path) -> None:
    for suffix, prose in ((".py", py_prose), (".ipynb", None)):
        name = script.with_suffix(suffix).name
        english = download(site_dir, "en", name).read_text(encoding="utf-8")
        korean = download(site_dir, "ko", name).read_text(encoding="utf-8")
        assert korean != english, f"{name}: the Korean download is the English one"
        lines = py_prose(korean) if prose else ipynb_prose(json.loads(korean))
        assert len(lines) >= 5, name
        share = korean_share(lines)
        untranslated = [line for line in lines if not HANGUL.search(line)][:3]
        assert share >= KOREAN_SHARE, f"{name}: {share:.0%} Korean, e.g. {untranslated}"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_zip_download_holds_the_korean_files(site_dir: Path, script: Path) -> None:
    name = script.with_suffix(".zip").name
    with zipfile.ZipFile(download(site_dir, "ko", name)) as archive:
        members = {Path(m).name: archive.read(m) for m in archive.namelist()}
    korean_py = download(site_dir, "ko", script.name).read_bytes()
    assert members[script.name] == korean_py
    notebook = json.loads(members[script.with_suffix(".ipynb").name])
    assert HANGUL.search(json.dumps(notebook, ensure_ascii=False))


def printed(site_dir: Path, lang: str, script: Path) -> str:
    """What the build's run of ``script`` printed, as its page shows it."""
    blocks = OUTPUT.findall(page(site_dir, lang, script).read_text(encoding="utf-8"))
    return "\n".join(text(block) for block in blocks)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_korean_download_is_the_script_the_korean_build_ran(site_dir: Path, script: Path) -> None:
    """The Korean page's output was printed by exactly the file a reader downloads.

    sphinx-gallery runs the Korean copy in ``KO_GALLERY`` and, after a successful run,
    leaves the MD5 of what it ran beside its output; it reruns a script whose MD5 no
    longer matches. So a download equal to that script, whose MD5 is the one recorded,
    prints what the Korean page shows (the sample below runs some for real).
    """
    rel = script.relative_to(ROOT / "gallery")
    ran = KO_GALLERY / rel
    korean = download(site_dir, "ko", script.name)
    assert korean.read_bytes() == ran.read_bytes(), f"{rel}: the download is not what ran"
    stamp = KO_OUTPUT / rel.parent / f"{rel.name}.md5"
    assert stamp.is_file(), f"{rel}: no record of a successful run in the Korean build"
    assert stamp.read_text(encoding="utf-8") == get_md5sum(korean, mode="t"), (
        f"{rel}: the Korean page's output is from another version of the script"
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_korean_page_prints_the_english_numbers(site_dir: Path, script: Path) -> None:
    """The Korean run printed the numbers of the English page, with Korean labels."""
    english, korean = printed(site_dir, "en", script), printed(site_dir, "ko", script)
    if not english.strip():
        assert not korean.strip()
        return
    assert HANGUL.search(korean) or not gallery_ko.has_words(english), korean[:300]
    assert NUMBER.findall(korean) == NUMBER.findall(english)


#: Downloads a reader runs here for real, outside sphinx-gallery, with the installed
#: library: two short ones (about a second each), one descending with the optimizer and one
#: backpropagating through 30 layers.
RUN_FOR_REAL = ("plot_sigmoid_depth", "plot_local_minima")


@pytest.mark.parametrize("name", RUN_FOR_REAL)
def test_korean_script_runs_and_prints_the_english_numbers(
    site_dir: Path, name: str, tmp_path: Path
) -> None:
    """A reader runs the Korean download: it prints the numbers of the English page."""
    (script,) = [s for s in SCRIPTS if s.stem == name]
    shown = printed(site_dir, "en", script)
    korean = download(site_dir, "ko", script.name)
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"}
    env.update({v: "1" for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")})
    run = subprocess.run(
        [sys.executable, str(korean)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert shown.strip(), f"{name}: prints nothing, a poor sample"
    assert HANGUL.search(run.stdout) or not gallery_ko.has_words(shown), run.stdout[:300]
    assert NUMBER.findall(run.stdout) == NUMBER.findall(shown)


def gallery_images(site_dir: Path, lang: str) -> dict[str, str]:
    """Each gallery figure's file name and alt text, over all example pages."""
    found = {}
    for html_page in sorted((site_dir / lang / "auto_examples").rglob("plot_*.html")):
        for tag in IMAGE.findall(html_page.read_text(encoding="utf-8")):
            src = re.search(r'src="[^"]*/(sphx_glr_plot_[^"/]*\.png)"', tag)
            if src and "_thumb" not in src.group(1):
                alt = re.search(r'alt="([^"]*)"', tag)
                found[src.group(1)] = html.unescape(alt.group(1)) if alt else ""
    return found


def test_every_korean_figure_has_korean_alt_text(site_dir: Path) -> None:
    images = gallery_images(site_dir, "ko")
    assert len(images) >= len(SCRIPTS)
    english = {name: alt for name, alt in images.items() if not HANGUL.search(alt)}
    assert not english, f"{len(english)} figures with alt text not in Korean: {english}"


def test_gallery_figures_differ_between_languages(site_dir: Path) -> None:
    images = gallery_images(site_dir, "en")
    assert images.keys() == gallery_images(site_dir, "ko").keys()
    same = [
        name
        for name in images
        if (site_dir / "en" / "_images" / name).read_bytes()
        == (site_dir / "ko" / "_images" / name).read_bytes()
    ]
    assert len(same) <= 0.1 * len(images), f"{len(same)} figures identical in both: {same}"


def test_code_comments_on_the_korean_site_are_korean(site_dir: Path) -> None:
    """Comments of every code block of the Korean pages (API docstrings aside)."""
    korean = site_dir / "ko"
    comments = [
        text(c).lstrip("#").strip()
        for p in sorted(korean.rglob("*.html"))
        if not p.relative_to(korean).as_posix().startswith(("_", *ENGLISH_PAGES))
        for c in COMMENT.findall(p.read_text(encoding="utf-8"))
    ]
    worded = [c for c in comments if HANGUL.search(c) or gallery_ko.has_words(c)]
    assert len(worded) >= 30
    share = korean_share(worded)
    english = [c for c in worded if not HANGUL.search(c)][:5]
    assert share >= KOREAN_SHARE, f"{share:.0%} of code comments Korean, e.g. {english}"


CELL = re.compile(
    r'<div class="cell docutils container">(.*?)(?=<div class="cell docutils|</section>)', re.S
)
CELL_OUTPUT = re.compile(
    r'<div class="cell_output docutils container">\s*<div class="output stream[^"]*">\s*'
    r'<div class="highlight"><pre>(.*?)</pre>',
    re.S,
)
CELL_INPUT = re.compile(r'<div class="cell_input docutils container">.*?<pre>(.*?)</pre>', re.S)


def notebook_cells(site_dir: Path) -> list[tuple[str, str, str]]:
    """(page, code, printed output) of every code cell of the Korean content pages."""
    korean = site_dir / "ko"
    cells = []
    for p in sorted(korean.rglob("*.html")):
        if p.relative_to(korean).as_posix().startswith(("_", "auto_examples/", *ENGLISH_PAGES)):
            continue
        for cell in CELL.findall(p.read_text(encoding="utf-8")):
            code, output = CELL_INPUT.search(cell), CELL_OUTPUT.search(cell)
            if code and output:
                cells.append((p.name, text(code.group(1)), text(output.group(1))))
    return cells


def test_printed_labels_on_notebook_pages_are_korean(site_dir: Path) -> None:
    """Cell outputs computed from the English code read Korean where they are words."""
    lines = [
        line
        for _, _, output in notebook_cells(site_dir)
        for line in output.split("\n")
        if HANGUL.search(line) or gallery_ko.has_words(line)
    ]
    assert len(lines) >= 100
    share = korean_share(lines)
    english = [line for line in lines if not HANGUL.search(line)][:5]
    assert share >= KOREAN_SHARE, f"{share:.0%} of printed lines Korean, e.g. {english}"


def test_cell_code_and_output_agree(site_dir: Path) -> None:
    """A cell whose output shows a Korean label prints that label in its code too."""
    cells = notebook_cells(site_dir)
    assert len(cells) >= 50
    disagree = []
    for name, code, output in cells:
        strings = re.findall(r"\"[^\"]*\"|'[^']*'", code)  # comments are Korean too
        if HANGUL.search(output) and not any(HANGUL.search(s) for s in strings):
            disagree.append(f"{name}: {output[:60]!r}")
    assert not disagree, f"{len(disagree)} cells print Korean their code does not: {disagree[:3]}"
