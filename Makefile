# ReLU: an interactive textbook. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
JB_FLAGS := -W -n --keep-going

.PHONY: help install assets book book-fresh test test-kernels test-fast test-site lab exercises bench pdf lint clean live-runtime test-browser

help:
	@echo "make book       build the site into _build/html (creates .venv on first use)"
	@echo "make test       every test: unit tests, nbval on all notebooks, a fresh build, browser tests"
	@echo "make test-kernels  nbval on every notebook under this CPU's OpenBLAS kernel and three others"
	@echo "make lab        open JupyterLab on the book"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make bench      run the benchmark, write bench/report.md and bench/report.json"
	@echo "make pdf        a PDF of the book in _build/pdf/book.pdf (Debian chromium prints the one-page site)"
	@echo "make dist       dist/: the offline site as one zip, the PDF, the notebooks with relubook (a release)"
	@echo "make assets     install the site's own MathJax/widget scripts (npm ci) into _assets/"
	@echo "make live-runtime  fetch and verify the in-browser Python (Pyodide) for live pages into _assets/pyodide/"
	@echo "make test-browser  run every notebook page's cells in the browser's Python (live pages, offline)"
	@echo "make clean      remove _build and caches (keeps .venv)"

$(STAMP): requirements.txt pyproject.toml $(wildcard jupyter-config/*)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# The site serves its own MathJax and ipywidgets manager (no CDN, works offline):
# npm installs the versions locked in package-lock.json, tools/bundle_assets.py bundles and copies them.
NPM_STAMP := node_modules/.package-lock.json
ASSETS_STAMP := _assets/bundled/VERSIONS.json

$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "make assets needs Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS_STAMP): $(NPM_STAMP) tools/bundle_assets.py $(shell find browser -type f -not -path "*/node_modules/*") | $(STAMP)
	$(BIN)/python tools/bundle_assets.py

assets: $(ASSETS_STAMP) live-runtime

# Live pages (issue 30): Pyodide 0.27.7 and its packages from npm and PyPI, every file checked
# against browser/live/runtime.lock.json (a mismatch stops the build; an unreachable source only
# disables live code, loudly). Quick when _assets/pyodide/ is already up to date.
live-runtime: | $(STAMP)
	$(BIN)/python tools/live_runtime.py fetch

# While the notebooks run, every live widget also draws its frames over a grid of settings into
# $(FRAMES_DIR) (relubook/widgets/frames.py); the build copies those its pages show into
# _static/frames/, so that the static site's controls switch pictures with no kernel (issue 16).
FRAMES_DIR := $(CURDIR)/_build/frames

# The build's log is also kept in _build/book.log: each notebook's "Executed notebook in X seconds"
# and each cell slower than 10 s, which tests/test_build_times.py compares with bench/report.json.
# A cell running past nb_execution_timeout (_config.yml) fails the build (tools/kernel_poll.py, issue 24).
CELL_TIMEOUT := $(shell sed -n 's/^ *nb_execution_timeout: *\([0-9]*\).*/\1/p' _config.yml)
BOOK_LOG := _build/book.log

book: install assets
	mkdir -p _build
	set -o pipefail; RELUBOOK_FRAMES_DIR="$(FRAMES_DIR)" $(BIN)/jupyter-book build . $(JB_FLAGS) 2>&1 | tee $(BOOK_LOG)
	@# Sphinx copies html_static_path only when some page is rebuilt ("no targets are out of date"
	@# skips it): a change under browser/ alone would leave the site's _static/ stale.
	cp -R -u _assets/. _build/html/_static/

# A from-scratch build: an incremental build does not re-emit warnings of unchanged pages.
book-fresh: install assets
	rm -rf _build
	mkdir -p _build
	set -o pipefail; RELUBOOK_FRAMES_DIR="$(FRAMES_DIR)" $(BIN)/jupyter-book build . $(JB_FLAGS) 2>&1 | tee $(BOOK_LOG)

# Unit tests with nbval on every notebook under the machine's own OpenBLAS kernel, then nbval again
# under the other kernels this CPU can run (tools/nbval_kernels.py: Haswell, Sandybridge, Prescott),
# then a from-scratch build with warnings as errors and the browser tests.
test: install
	$(BIN)/python -m pytest -p tools.kernel_poll -n 2 --dist loadfile --nbval --nbval-sanitize-with tests/sanitize.cfg \
	    --nbval-cell-timeout=$(CELL_TIMEOUT) --ignore=tests/site --ignore=tests/lab
	$(BIN)/python tools/nbval_kernels.py --kernels Haswell Sandybridge Prescott
	$(MAKE) book-fresh
	RELUBOOK_BUILD_LOG=$(BOOK_LOG) $(BIN)/python -m pytest -p no:cacheprovider tests/test_build_times.py -v
	$(MAKE) test-site

# Every notebook page made live in Debian's chromium, offline: every cell runs in the browser's
# Python and its text outputs are compared with the stored ones (tests/site/test_live_nbval.py); every
# exercise page checks a model and a wrong answer (test_live_page.py).
test-browser: install
	RELU_LIVE_NBVAL=1 $(BIN)/python -m pytest -p no:cacheprovider tests/site/test_live_nbval.py tests/site/test_live_page.py -v

# nbval on every notebook under the machine's own kernel and the others (what `make test` proves).
test-kernels: install
	$(BIN)/python tools/nbval_kernels.py

test-fast: install
	$(BIN)/python -m pytest tests -n 2 --dist loadfile --ignore=tests/site --ignore=tests/lab -m "not slow"

test-site: install
	@if [ -d tests/site ] || [ -d tests/lab ]; then \
	    $(BIN)/python -m pytest -p no:cacheprovider $(wildcard tests/site tests/lab) -v; \
	else echo "no browser tests yet"; fi

# JupyterLab from the project's .venv, rooted at the repository, opened at the first chapter
# (a .md page would open as plain text without jupytext). Another start: make lab LAB_OPEN=chapters/03_variants.ipynb
LAB_OPEN ?= chapters/01_definition.ipynb
lab: install
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_OPEN)

exercises: install
	$(BIN)/python tools/nb.py exercises

bench: install assets
	$(BIN)/python bench/run.py

# The whole book on one HTML page, printed by Debian's chromium (no LaTeX), then checked for
# every chapter, its figures and its math (tools/make_pdf.py).
pdf: install assets
	@command -v chromium >/dev/null || { echo "make pdf needs Debian's chromium: apt-get install -y chromium poppler-utils"; exit 1; }
	$(BIN)/jupyter-book build . --builder singlehtml
	$(BIN)/python tools/make_pdf.py _build/singlehtml _build/pdf/book.pdf

# The three downloads of a release (tools/make_dist.py; .github/workflows/release.yml attaches them
# to every tag v*): the site as one zip that opens from disk, the PDF, the notebooks with relubook.
dist: book pdf
	rm -rf dist
	$(BIN)/python tools/make_dist.py --out dist

lint: install
	$(BIN)/ruff check relubook tests tools

clean:
	rm -rf _build .pytest_cache _assets tests/artifacts
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
