"""sphinx-gallery's worker processes, only when they save time.

sphinx-gallery's ``parallel`` (``docs/conf.py``: ``True``, as many workers as
sphinx-build's ``-j``) runs the examples in worker processes, which it starts for every
gallery section, even when no example is to run (a no-op build): 1.5 s of CPU and 2-3 s
of waiting per build, measured. :func:`workers_only_when_they_help` runs the gallery in
the Sphinx process then, where it only copies files. Also when both languages build at
once (``docs/build.py`` sets :data:`GALLERY_SERIAL_ENV`): the other language and the
notebook pages keep the other core busy, and the workers' start-up and the examples'
hand-over would cost 2.5 s of CPU per language (measured on the whole gallery: 29.1 s
against 27.0 s).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gallery_stamps import stale_examples

if TYPE_CHECKING:  # docs/build.py imports this module; Sphinx's import is not needed there
    from sphinx.application import Sphinx

#: Set to "1" by docs/build.py when both languages build at once: each then runs its
#: gallery in its Sphinx process, one example after another.
GALLERY_SERIAL_ENV = "VANISHING_GALLERY_SERIAL"


def examples_to_run(gallery_conf: dict[str, Any], srcdir: Path) -> list[Path]:
    """The gallery scripts sphinx-gallery will execute: executable, and changed since
    their last run (:func:`gallery_stamps.stale_examples`)."""
    return [script for script, _ in stale_examples(gallery_conf, srcdir)]


def workers_only_when_they_help(app: Sphinx) -> None:
    """Turn ``parallel`` off when no example is to run or both languages build at once."""
    gallery_conf = app.config.sphinx_gallery_conf
    if not gallery_conf["parallel"]:
        return
    serial = os.environ.get(GALLERY_SERIAL_ENV) == "1"
    if serial or not examples_to_run(gallery_conf, Path(app.srcdir)):
        gallery_conf["parallel"] = False


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx_gallery.gen_gallery")  # whose configuration this adjusts
    # after sphinx-gallery completes its configuration (priority 10), before it
    # generates the gallery (500); the HTML builder has hashed the config by then, so
    # this does not count as a changed configuration
    app.connect("builder-inited", workers_only_when_they_help, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
