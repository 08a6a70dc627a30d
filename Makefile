# The commands the README promises. Everything is installed into a project-local virtual
# environment (.venv) from the pinned versions in requirements/constraints.txt, so nothing
# lands outside this folder and any Python 3.10+ works, the distribution's own included
# (which refuses `pip install` outside a virtual environment, PEP 668). pip keeps no cache
# in the home folder (--no-cache-dir); docs/_ext/user_dirs.py keeps the build's and the
# tests' tools (matplotlib, IPython, Jupyter, Chromium) in docs/_build/home.
#
#   make site    build both languages into docs/_build/site (creates .venv on first use)
#   make test    build the site, then run every test, ruff and mypy
#   make unit    the fast loop: the library's tests and doctests only (no site, no browser)
#   make lint    ruff check, ruff format --check and mypy
#   make serve   serve the built site at http://localhost:8000/
#   make lock    re-resolve the newest versions and rewrite requirements/constraints.txt
#
# PYTHON is the interpreter the environment is created from: make site PYTHON=python3.12
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SITE := docs/_build/site
CONSTRAINTS := requirements/constraints.txt
# Reinstall only when the requirements change; the stamp lives in the environment, so
# cleaning the build tree does not trigger a reinstall.
STAMP := $(VENV)/.installed

# what `make unit` leaves out: tests of the built site and its machinery
SITE_TESTS := --ignore=tests/browser --ignore=tests/docs_ext --ignore=tests/test_translation.py

.PHONY: site test unit lint serve install lock

site: $(STAMP)
	$(PY) docs/build.py

test: site
	$(PY) -m pytest -n auto --dist loadgroup
	@$(MAKE) --no-print-directory lint

unit: $(STAMP)
	$(PY) -m pytest -q -n auto tests src/vanishing $(SITE_TESTS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

serve: $(STAMP)
	$(PY) -m http.server -d $(SITE) 8000

install: $(STAMP)

$(PY):
	@$(PYTHON) tools/check_python.py
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); $(PYTHON) tools/check_python.py --venv-failed; exit 1; }

$(STAMP): pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-cache-dir -c $(CONSTRAINTS) -e '.[dev]'
	@touch $@

lock: | $(PY)
	$(PY) tools/lock.py
