"""A gallery example whose run fails leaves no stamp, so the next build runs it again.

sphinx-gallery skips an example whose script matches the MD5 stamp (``<target>.py.md5``
beside its output) and writes that stamp when a run succeeds; a run that fails writes the
page, with its traceback, and keeps the stamp of the *previous* success. Change an example
(or its translation), see the build fail, change it back: the script matches the old stamp
again, sphinx-gallery skips it, and the page keeps the failed run's traceback while the
build passes (seen in this project: a Korean figure that failed the English-words check,
then was translated back). :func:`forget_stamps_of_examples_to_run` deletes the stamp of
every example about to run, before the gallery runs: until a run succeeds, it has none.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def stale_examples(
    gallery_conf: dict[str, Any], srcdir: Path, current_too: bool = False
) -> list[tuple[Path, Path]]:
    """``(script, stamp)`` of each gallery script sphinx-gallery will execute: executable,
    and changed since its last successful run (its own test: the script's MD5 against the
    ``.md5`` stamp it left); with `current_too`, unchanged ones as well."""
    from sphinx_gallery.gen_rst import executable_script
    from sphinx_gallery.utils import get_md5sum

    def listed(value: str | list[str]) -> list[str]:  # sphinx-gallery takes either
        return [value] if isinstance(value, str) else list(value)

    stale = []
    dirs = zip(
        listed(gallery_conf["examples_dirs"]), listed(gallery_conf["gallery_dirs"]), strict=True
    )
    for src_dir, out_dir in dirs:
        for script in sorted(Path(os.path.normpath(srcdir / src_dir)).rglob("*.py")):
            if not executable_script(script, gallery_conf):
                continue
            stamp = srcdir / out_dir / script.relative_to(os.path.normpath(srcdir / src_dir))
            stamp = stamp.with_name(stamp.name + ".md5")
            if (
                current_too
                or not stamp.is_file()
                or stamp.read_text() != get_md5sum(script, mode="t")
            ):
                stale.append((script, stamp))
    return stale


def forget_stamps_of_examples_to_run(app: Sphinx) -> None:
    """Delete the stamps of the examples about to run: the changed ones, or every one with
    ``run_stale_examples`` (which runs examples whose stamp is current)."""
    conf = app.config.sphinx_gallery_conf
    every = bool(conf.get("run_stale_examples"))
    for _, stamp in stale_examples(conf, Path(app.srcdir), current_too=every):
        stamp.unlink(missing_ok=True)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx_gallery.gen_gallery")
    # after sphinx-gallery completes its configuration (priority 10), before it runs the
    # gallery (500)
    app.connect("builder-inited", forget_stamps_of_examples_to_run, priority=110)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
