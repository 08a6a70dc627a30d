# The three commands the README promises. PYTHON can be overridden: make site PYTHON=python
PYTHON ?= python3
SITE := docs/_build/site
# Reinstall only when pyproject.toml changes.
STAMP := build/.installed-dev.stamp

.PHONY: site test serve install

site: $(STAMP)
	$(PYTHON) docs/build.py

test: site
	$(PYTHON) -m pytest
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m mypy

serve:
	$(PYTHON) -m http.server -d $(SITE) 8000

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m pip install -e '.[dev]'
	@mkdir -p $(dir $@) && touch $@
