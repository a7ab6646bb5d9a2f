# Every target bootstraps .venv by itself, so a fresh clone needs nothing but python3.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Material prints a banner about MkDocs 2.0 on every run; it is not a finding.
export NO_MKDOCS_2_WARNING := 1

.PHONY: build serve test check lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,builders]'
	touch $@

build: $(STAMP)
	$(VENV)/bin/mkdocs build --strict
	@echo "Evidence site built: $(CURDIR)/site/index.html"

serve: $(STAMP)
	$(VENV)/bin/mkdocs serve

check: $(STAMP)
	$(VENV)/bin/evidence-kit check

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

test: lint
	$(VENV)/bin/pytest

# Minutes, not seconds: measures check, builds and scan at scale; see README "Performance".
# The package measured as pip installs one, with its bytecode: a shell that sets
# PYTHONDONTWRITEBYTECODE would have every build and gate helper compile it again.
bench: $(STAMP)
	$(PY) -m compileall -q plugins
	$(PY) -m benchmarks.run --readme README.md

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache
