"""docs/_ext/user_dirs.py: the tools the build starts write nothing into the home folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from user_dirs import USER_DIRS  # docs/_ext, on sys.path through conftest.py

from tests.docs_ext.conftest import DOCS

#: What the build's processes do that writes for the user: matplotlib's font list and
#: mplsetup's patched NanumGothic, IPython's profile, a Jupyter kernel's runtime folder.
TOOLS = f"""
import sys
from pathlib import Path
sys.path.insert(0, {str(DOCS / "_ext")!r})
if sys.argv[1] == "kept":
    from user_dirs import keep_user_dirs_in
    keep_user_dirs_in(Path(sys.argv[2]))
import matplotlib
matplotlib.use("Agg")
import mplsetup
mplsetup.setup()
import matplotlib.pyplot as plt
plt.plot([0, 1], label="x")
plt.savefig(Path(sys.argv[2]) / "x.png")
from IPython.core.profiledir import ProfileDir
from IPython.paths import get_ipython_dir
ProfileDir.create_profile_dir_by_name(get_ipython_dir())
from jupyter_core.paths import jupyter_runtime_dir
Path(jupyter_runtime_dir()).mkdir(parents=True, exist_ok=True)
"""


def run_tools(tmp_path: Path, mode: str) -> tuple[Path, Path]:
    """Run :data:`TOOLS` with an empty home folder; return (home, build folder)."""
    home, build = tmp_path / "home", tmp_path / "build"
    home.mkdir()
    build.mkdir()
    # as on a user's machine: the tools' variables unset, or set to folders of their own
    env = {k: v for k, v in os.environ.items() if k not in USER_DIRS}
    env.update(HOME=str(home), MPLCONFIGDIR=str(home / ".matplotlib"))
    cmd = [sys.executable, "-c", TOOLS, mode, str(build)]
    subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, timeout=120)
    return home, build


def test_tools_write_into_the_build_folder_only(tmp_path: Path) -> None:
    home, build = run_tools(tmp_path, "kept")
    assert not any(home.iterdir()), sorted(p.name for p in home.iterdir())
    fonts = list((build / "matplotlib").rglob("NanumGothic*.ttf"))
    assert fonts and (build / "ipython" / "profile_default").is_dir()


def test_without_it_they_write_into_the_home_folder(tmp_path: Path) -> None:
    # the check above can fail: left alone, the same tools fill the home folder
    home, _ = run_tools(tmp_path, "alone")
    assert {".matplotlib", ".ipython", ".local"} <= {p.name for p in home.iterdir()}
