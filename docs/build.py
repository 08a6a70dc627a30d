"""Build the whole site, English and Korean, into docs/_build/site/{en,ko}/.

Usage::

    python docs/build.py              # both languages (what `make site` runs)
    python docs/build.py --lang en    # one language only (Korean needs English built first)
    python docs/build.py --update-po  # refresh the Korean catalogs after editing English
    python docs/build.py --draft      # report warnings without failing (while writing)
    python docs/build.py --force      # run Sphinx even when no input changed

Both languages build at once (see :func:`build_languages`). Each runs its gallery:
English the scripts in ``gallery/``, Korean its Korean copies of them (see
:func:`korean_source`, in a source tree of its own), so its figures, printed output and
downloads are Korean. Beside them, the notebook pages are executed once for both
languages (docs/_ext/notebook_runner.py), and the explorers' data computed
(docs/_ext/explorer.py); each build reads its pages once those are done. Never run two
``docs/build.py`` at once in one tree: the gallery output lives in the source tree.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

# One BLAS thread per process: the examples multiply small matrices, and on 2 cores
# OpenBLAS's threads fight the parallel workers (3-8x slower under load, measured).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))
from user_dirs import keep_user_dirs_in  # noqa: E402  (docs/_ext)

# matplotlib's caches, IPython's profile, Jupyter's kernel files: in the build tree, not
# in the home folder (inherited by every process the build starts)
keep_user_dirs_in()

import catalogs  # noqa: E402
import gallery_ko  # noqa: E402
import translation_coverage as coverage  # noqa: E402
from gallery_workers import GALLERY_SERIAL_ENV  # noqa: E402
from mplsetup import TIMES_ENV  # noqa: E402
from read_after import READ_AFTER_ENV  # noqa: E402

BUILD = DOCS / "_build"
SITE = BUILD / "site"
LANGUAGES = ("en", "ko")
MESSAGES = DOCS / "locale" / "ko" / "LC_MESSAGES"
COMPENDIUM = DOCS / "locale" / "ko" / "compendium.po"
#: Catalogs whose pages stay English apart from boilerplate (API docstrings).
ENGLISH_ONLY = ("gen_modules",)

#: Warnings are errors, but report all of them before failing.
STRICT = ["-W", "--keep-going"]
#: Per-language overrides on top of docs/conf.py. -j: each build reads and writes its
#: pages on every core, and a language built alone runs its gallery in as many workers
#: (conf.py "parallel": True); Korean re-parses some 2,300 translated messages.
OVERRIDES = {
    "en": ["-j", "auto"],
    "ko": ["-j", "auto", "-D", "language=ko"],
}
#: How much lower (``nice`` steps) the Korean build's priority is while English builds.
YIELD_NICENESS = 10
#: Lines in the build log that nobody has to act on: every Jupyter kernel announces it
#: runs over local TCP without CurveZMQ encryption (the build talks to it on 127.0.0.1).
NOISE = re.compile(r"Kernel is running over TCP without encryption")
#: --draft: a failing notebook cell or gallery script is reported, not fatal.
DRAFT = [
    *("-D", "nb_execution_raise_on_error=0"),
    *("-D", "sphinx_gallery_conf.only_warn_on_example_error=1"),
]


class SphinxRun:
    """One ``sphinx-build`` in a fresh process, its stderr passed on as it comes (less the
    noise); :meth:`wait` for it. ``pass_fds``: file descriptors the process inherits."""

    def __init__(
        self,
        builder: str,
        out: Path,
        doctrees: Path,
        *extra: str,
        strict: bool = True,
        srcdir: Path = DOCS,
        pass_fds: tuple[int, ...] = (),
        env: dict[str, str] | None = None,
        yield_cpu: bool = False,
    ) -> None:
        cmd = [sys.executable, "-m", "sphinx", "-b", builder, "-q", *(STRICT if strict else [])]
        cmd += extra
        cmd += ["-c", str(DOCS), "-d", str(doctrees), str(srcdir), str(out)]
        self.what = f"sphinx-build ({builder} {' '.join(extra)})"
        # yield_cpu: a process group of its own, whose priority can be raised back at once
        self.proc = subprocess.Popen(
            cmd,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            pass_fds=pass_fds,
            env=env,
            start_new_session=yield_cpu,
        )
        self.niceness, self.yields = os.getpriority(os.PRIO_PROCESS, 0), yield_cpu
        if yield_cpu:  # its workers, started later, inherit the lower priority
            os.setpriority(os.PRIO_PROCESS, self.proc.pid, self.niceness + YIELD_NICENESS)
        self._relay = threading.Thread(target=self._pass_on, daemon=True)
        self._relay.start()

    def _pass_on(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            if not NOISE.search(line):
                sys.stderr.write(line)

    def restore_priority(self) -> bool:
        """Give the process and every process of its group this script's priority again;
        False where the operating system does not allow it (only privileged users may
        raise a priority): then it keeps running at the lower one."""
        if not self.yields:
            return True
        try:
            os.setpriority(os.PRIO_PGRP, self.proc.pid, self.niceness)
        except (PermissionError, ProcessLookupError):
            return False
        return True

    def wait(self) -> int:
        """Wait for the process to end; return its exit status."""
        status = self.proc.wait()
        self._relay.join()
        return status

    def stop(self) -> None:
        """End the process (if it still runs) and wait for it."""
        if self.proc.poll() is None:
            self.proc.terminate()
        self.wait()


def sphinx(
    builder: str,
    out: Path,
    doctrees: Path,
    *extra: str,
    strict: bool = True,
    srcdir: Path = DOCS,
) -> None:
    """Run one ``sphinx-build`` in a fresh process; exit with its status on failure."""
    run = SphinxRun(builder, out, doctrees, *extra, strict=strict, srcdir=srcdir)
    if run.wait():
        sys.exit(f"{run.what} failed: {run.proc.returncode}")


#: What a build reads, besides the installed toolchain (make's install stamp stands for
#: that) and the build's own options: the pages and their machinery, the gallery
#: scripts, the library, and the package's metadata and pins.
INPUTS = ("docs", "gallery", "src/vanishing", "pyproject.toml", "requirements/constraints.txt")
#: What the build writes under docs/ (its products, not its inputs), and files derived
#: from inputs as a side effect: Python's bytecode caches, the compiled catalogs (.mo,
#: which Sphinx writes from the .po files).
PRODUCTS = frozenset({"_build", "auto_examples", "gen_modules", "__pycache__"})
DERIVED_SUFFIXES = (".mo", ".pyc")
STAMPS = BUILD / "stamps"


def input_files(root: Path) -> list[Path]:
    """Every input file of a build (see :data:`INPUTS`), sorted."""
    files = []
    for name in INPUTS:
        top = root / name
        if top.is_file():
            files.append(top)
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d not in PRODUCTS)
            files += [Path(folder, n) for n in names if not n.endswith(DERIVED_SUFFIXES)]
    return sorted(files)


def fingerprint(lang: str, options: list[str], root: Path = DOCS.parent) -> str:
    """A hash of the path, size and modification time of every input file, the install
    stamp, the interpreter and the build's options: equal only if nothing changed."""
    digest = hashlib.sha256(repr((lang, options, sys.executable, sys.version)).encode())
    stamp = Path(sys.prefix) / ".installed"  # the Makefile's: touched on every (re)install
    for path in [*input_files(root), *([stamp] if stamp.is_file() else [])]:
        st = path.stat()
        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def built_from(lang: str, current: str) -> bool:
    """Whether ``lang``'s site is there and was built from inputs with fingerprint ``current``."""
    stamp = STAMPS / f"{lang}.sha256"
    outputs = (SITE / lang / "index.html", BUILD / "doctrees" / lang / "environment.pickle")
    if not stamp.is_file() or not all(path.is_file() for path in outputs):
        return False
    return stamp.read_text(encoding="utf-8") == current


#: What the executed examples depend on beyond their own text: the library, the figure
#: set-up and checks every example runs (mplsetup) and the pinned toolchain. sphinx-gallery
#: re-runs a script only when the script changes (its .md5 stamp) and myst-nb a notebook
#: page only when its cells do (its execution cache), and Sphinx re-reads a page only when
#: its source changes: a change here alone would leave every printed number and figure
#: computed (and checked) by the old code.
EXECUTION_INPUTS = ("src/vanishing", "docs/_ext/mplsetup.py", "requirements/constraints.txt")


def execution_fingerprint(root: Path = DOCS.parent) -> str:
    """A hash of the content of every :data:`EXECUTION_INPUTS` file."""
    digest = hashlib.sha256()
    for name in EXECUTION_INPUTS:
        top = root / name
        files = [top] if top.is_file() else sorted(top.rglob("*.py"))
        for path in files:
            digest.update(f"{path.relative_to(root)}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()


def forget_executions_if_library_changed(build: Path = BUILD, docs: Path = DOCS) -> bool:
    """Make every example run again if the library (or toolchain) changed since the last
    build ran them; return whether it did.

    It deletes the execution cache, the galleries' .md5 stamps and the environments (so
    Sphinx re-reads the notebook pages): a library change costs a cold build. Nothing is
    deleted when the fingerprint is unchanged, or on a first build (nothing to forget).
    """
    stamp = build / "stamps" / "executed-with.sha256"
    current = execution_fingerprint(docs.parent)
    galleries = [docs / "auto_examples", build / "ko-source" / "docs" / "auto_examples"]
    executed = (build / "jupyter_cache").exists() or any(g.exists() for g in galleries)
    changed = executed and (not stamp.is_file() or stamp.read_text(encoding="utf-8") != current)
    if changed:
        shutil.rmtree(build / "jupyter_cache", ignore_errors=True)
        shutil.rmtree(build / "doctrees", ignore_errors=True)
        for gallery in galleries:
            for md5 in gallery.rglob("*.md5") if gallery.exists() else ():
                md5.unlink()
        print(
            "[build] the library, mplsetup or the toolchain changed since the examples ran:"
            " running every one again"
        )
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current, encoding="utf-8")
    return changed


def language_options(lang: str, strict: bool = True) -> list[str]:
    """The ``sphinx-build`` options of ``lang``'s HTML build, on top of docs/conf.py."""
    return [*OVERRIDES[lang], *([] if strict else DRAFT)]


def start_language(
    lang: str, strict: bool = True, read_after: int | None = None, yield_cpu: bool = False
) -> SphinxRun:
    """Start building ``lang``'s HTML. ``read_after``: a pipe's read end; the build reads
    its pages only once every writer of that pipe has closed it (docs/_ext/read_after.py).
    ``yield_cpu``: run at a lower priority until :meth:`SphinxRun.restore_priority`."""
    srcdir = korean_source() if lang == "ko" else DOCS
    env, fds = os.environ.copy(), ()
    if read_after is not None:
        env[READ_AFTER_ENV], fds = str(read_after), (read_after,)
    return SphinxRun(
        "html",
        SITE / lang,
        BUILD / "doctrees" / lang,
        *language_options(lang, strict),
        strict=strict,
        srcdir=srcdir,
        pass_fds=fds,
        env=env,
        yield_cpu=yield_cpu,
    )


#: Computed once for both languages, beside their galleries, before they read their
#: pages: the notebook pages' outputs, into myst-nb's execution cache, and the explorers'
#: data, into docs/_build/explorer. A build that read a page first would compute it itself.
BEFORE_READING = {
    "notebook pages": [
        sys.executable,
        str(DOCS / "_ext" / "notebook_runner.py"),
        str(DOCS),
        str(BUILD / "jupyter_cache"),
    ],
    "explorer data": [sys.executable, str(DOCS / "_ext" / "explorer.py")],
}
#: Where those processes record their wall and CPU seconds (benchmarks/bench_build.py).
BEFORE_READING_TIMES = BUILD / "timing" / "before-read.tsv"


class BeforeReading:
    """The :data:`BEFORE_READING` processes, started at once. :attr:`ready` is the read
    end of a pipe whose only writers are those processes (and what they start): it
    reaches its end when all of them have exited, also if one fails."""

    def __init__(self) -> None:
        BEFORE_READING_TIMES.parent.mkdir(parents=True, exist_ok=True)
        BEFORE_READING_TIMES.unlink(missing_ok=True)
        env = {**os.environ, TIMES_ENV: str(BEFORE_READING_TIMES)}
        self.stopped = False
        self.ready, write = os.pipe()
        try:
            self.procs = {
                what: subprocess.Popen(cmd, pass_fds=(write,), env=env)
                for what, cmd in BEFORE_READING.items()
            }
        finally:
            os.close(write)

    def wait(self) -> None:
        """Wait for every process; report one that failed (the builds then compute what it
        would have: myst-nb runs the pages in kernels, the explorer extension its data)."""
        for what, proc in self.procs.items():
            if proc.wait() and not self.stopped:
                print(
                    f"[build] computing the {what} before reading failed "
                    f"({proc.returncode}): the builds compute them as they read",
                    file=sys.stderr,
                )

    def stop(self) -> None:
        """End the processes that still run (a build failed: nothing will read them)."""
        self.stopped = True
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()

    def close(self) -> None:
        """Close this process's copy of :attr:`ready` (the builds hold their own)."""
        if self.ready >= 0:
            os.close(self.ready)
            self.ready = -1


def build_languages(langs: tuple[str, ...], strict: bool = True, force: bool = False) -> float:
    """Build the HTML of each of ``langs`` whose inputs changed since its last successful
    build (every one with ``force``); return the seconds it took.

    Sphinx's own no-op (nothing to re-read or rewrite) still costs about 4 s of CPU per
    language: starting Python, importing Sphinx, myst-nb, matplotlib and the extensions,
    loading the environment, scanning the gallery and the API. Comparing the inputs'
    sizes and modification times costs a few milliseconds. A stamp is written only
    after its build succeeds, with the fingerprint taken before it started (a file
    changed during the build makes the next one run).

    The languages build at the same time, each generating its gallery, while the
    :class:`BeforeReading` processes execute the notebook pages (once for both: the
    Korean pages have the same cells) and compute the explorers' data. Each language
    reads its pages once those have finished, and finds them done. While English builds,
    Korean runs at a lower priority (:data:`YIELD_NICENESS`): its work fills the moments
    English leaves a core idle (a straggling example, a single-process stretch) rather
    than delay English, and gets its full share once English has finished.
    """
    start = time.perf_counter()
    stale = {}
    for lang in sorted(langs, key=LANGUAGES.index):  # English first: Korean yields to it
        before = fingerprint(lang, language_options(lang, strict))
        if not force and built_from(lang, before):
            seconds = time.perf_counter() - start
            print(
                f"[build] {lang}: up to date (no input changed since its last build), "
                f"{seconds:.2f} s"
            )
            continue
        (STAMPS / f"{lang}.sha256").unlink(missing_ok=True)
        stale[lang] = before
    if not stale:
        return time.perf_counter() - start
    forget_executions_if_library_changed()
    shutil.rmtree(SITE / "jupyter_execute", ignore_errors=True)  # where older builds kept them
    # Both at once: each gallery on one core, in its Sphinx process (docs/conf.py)
    os.environ[GALLERY_SERIAL_ENV] = "1" if len(stale) > 1 else "0"
    first = BeforeReading()
    runs: dict[str, SphinxRun] = {}
    try:
        for lang in stale:
            yields = lang != "en" and "en" in stale
            runs[lang] = start_language(lang, strict, read_after=first.ready, yield_cpu=yields)
        first.close()
        for lang, run in runs.items():
            status = run.wait()
            if lang == "en":
                for other in runs.values():
                    other.restore_priority()
            if status:
                first.stop()
                for other in runs.values():
                    other.stop()
                sys.exit(f"{run.what} failed: {status}")
            seconds = time.perf_counter() - start
            print(f"[build] {lang}: {seconds:.1f} s -> {(SITE / lang).relative_to(Path.cwd())}")
            STAMPS.mkdir(parents=True, exist_ok=True)
            (STAMPS / f"{lang}.sha256").write_text(stale[lang], encoding="utf-8")
    finally:
        for run in runs.values():
            run.stop()
        first.close()
        first.wait()
    return time.perf_counter() - start


# --------------------------------------------------------------------------------------
# The Korean gallery: Korean scripts in a Korean source tree
# --------------------------------------------------------------------------------------
#: The Korean build's source directory: docs/'s pages and files, hard-linked (Sphinx and
#: myst-nb resolve symbolic links, which would take a page's path out of this tree),
#: beside its own gallery output (sphinx-gallery writes auto_examples/ and gen_modules/
#: into the source directory), so English's docs/auto_examples stays as English built
#: it and every docname (auto_examples/...) is the same in both languages. conf.py comes
#: from docs/ (``-c``); its paths resolve against docs/ or are absolute.
KO_SOURCE = BUILD / "ko-source" / "docs"
#: The Korean gallery scripts, where conf.py's ``examples_dirs = ["../gallery"]`` finds
#: them from KO_SOURCE (docs/_ext/gallery_ko.py writes them).
KO_GALLERY = KO_SOURCE.parent / "gallery"
#: Top-level entries of docs/ the Korean source tree does not mirror: its own gallery
#: output, the build tree, and what conf.py finds in docs/ itself (extensions, static
#: files, catalogs: absolute or confdir-relative paths). Templates are mirrored:
#: autosummary looks for them under the source directory.
KO_OWN = frozenset(
    {"_build", "auto_examples", "gen_modules", "_ext", "_static", "locale", "_locale_ui"}
    | {"conf.py", "build.py"}
)


def mirror(source: Path, target: Path, skip: frozenset[str] = frozenset()) -> int:
    """Make ``target`` hold the files of ``source`` as hard links; return how many changed.

    A file is re-linked only when it is no longer the same file (an editor that saves by
    renaming breaks a hard link); where hard links are impossible it is copied with its
    modification time. Files and folders that ``source`` no longer has are removed.
    Top-level names in ``skip`` are left out (and left alone in ``target``).
    """
    changed = 0
    wanted: set[Path] = set()
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if rel.parts[0] in skip or not path.is_file():
            continue
        wanted.add(rel)
        out = target / rel
        if out.exists() and (out.samefile(path) or _same_copy(out, path)):
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.unlink(missing_ok=True)
        try:
            os.link(path, out)
        except OSError:
            shutil.copy2(path, out)
        changed += 1
    for path in sorted(target.rglob("*"), reverse=True):
        rel = path.relative_to(target)
        if rel.parts[0] in skip:
            continue
        if path.is_file() and rel not in wanted:
            path.unlink()
            changed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


def _same_copy(a: Path, b: Path) -> bool:
    sa, sb = a.stat(), b.stat()
    return sa.st_size == sb.st_size and sa.st_mtime_ns == sb.st_mtime_ns


def korean_source() -> Path:
    """Write the Korean gallery scripts and mirror docs/'s pages; return the source dir.

    Only scripts whose Korean text changed are rewritten, so sphinx-gallery (which skips
    a script whose MD5 is unchanged) reruns only those.
    """
    scripts = gallery_ko.write_gallery(DOCS.parent / "gallery", KO_GALLERY, MESSAGES)
    pages = mirror(DOCS, KO_SOURCE, KO_OWN)
    where = KO_SOURCE.parent.relative_to(DOCS)
    print(f"[build] ko: {scripts} gallery files and {pages} pages updated in {where}")
    return KO_SOURCE


def update_code_catalog() -> None:
    """Extract the gallery's and the code cells' comments and labels (Korean code)."""
    catalog = MESSAGES / gallery_ko.CODE_CATALOG
    total, untranslated = gallery_ko.update_code_catalog(DOCS.parent / "gallery", DOCS, catalog)
    print(f"[po] {catalog.relative_to(DOCS)}: {total} code messages, {untranslated} untranslated")


def write_root() -> None:
    """The root page that sends readers to /en/ or /ko/, and the coverage report."""
    SITE.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DOCS / "_root" / "index.html", SITE / "index.html")
    (SITE / ".nojekyll").touch()  # GitHub Pages: serve _static/ as is
    rows = coverage.catalog_rows(MESSAGES)
    coverage.write_json(rows, SITE / "translation-coverage.json", "ko")
    print("[build] Korean translation coverage (docs/locale/ko/LC_MESSAGES):")
    print(coverage.format_table(rows))


def update_po() -> None:
    """Extract messages, merge them into the Korean catalogs, fill boilerplate."""
    pot = BUILD / "gettext"
    # Not strict: extracting messages must work while a page is still broken; the HTML
    # build is the gate. -E: extraction always reflects the current extensions.
    sphinx("gettext", pot, BUILD / "doctrees" / "gettext", "-E", strict=False)
    # Template strings (sphinx.pot) belong to the hand-kept UI catalog in _locale_ui/.
    (pot / "sphinx.pot").unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "sphinx_intl", "update", "-p", str(pot), "-l", "ko"]
    subprocess.run([*cmd, "-d", str(DOCS / "locale")], check=True)
    update_code_catalog()
    dropped = catalogs.prune(MESSAGES, COMPENDIUM, ENGLISH_ONLY)
    filled = catalogs.fill(MESSAGES, COMPENDIUM)
    print(f"[po] kept API docstrings English: dropped {dropped} messages in {ENGLISH_ONLY}")
    print(f"[po] filled {filled} boilerplate entries from {COMPENDIUM.relative_to(DOCS)}")
    print(coverage.format_table(coverage.catalog_rows(MESSAGES)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=LANGUAGES, action="append")
    parser.add_argument("--update-po", action="store_true", help="refresh Korean catalogs")
    parser.add_argument("--draft", action="store_true", help="warnings do not fail the build")
    parser.add_argument("--force", action="store_true", help="run Sphinx even if no input changed")
    args = parser.parse_args(argv)
    os.chdir(DOCS.parent)
    if args.update_po:
        update_po()
        return
    langs = args.lang or LANGUAGES
    total = build_languages(tuple(langs), strict=not args.draft, force=args.force)
    write_root()
    print(f"[build] done in {total:.1f} s. Open {SITE.relative_to(Path.cwd())}/index.html")
    print("[build] or run `make serve` and open http://localhost:8000/")


if __name__ == "__main__":
    main()
