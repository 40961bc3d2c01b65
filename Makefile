# Two commands on a fresh machine: `make run` and `make test`.  Both create .venv and install the
# pinned dependencies (requirements.lock, resolved from pyproject.toml) when they are missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
# Installs write every module's bytecode (__pycache__/*.pyc) once, at install time: uv leaves that to
# the first import, which writes nothing where PYTHONDONTWRITEBYTECODE is set (as on this project's
# machines), so every process of the gate compiled its imports again (import lightkurve: 7.1 s of CPU
# without bytecode, 2.8 s with, 2026-12-04).
INSTALL_FLAGS := --compile-bytecode
# The install stamp changes whenever the lock, the project metadata or the install flags do.
STAMP := $(VENV)/.installed-$(shell { cat requirements.lock pyproject.toml; echo '$(INSTALL_FLAGS)'; } 2>/dev/null | sha256sum | cut -c1-12)
ARCHIVE := $(BIN)/python -m offline_archive
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
# Where executed notebooks, their HTML and the site go; the tests read it from SUITE_BUILD_DIR.
BUILD ?= build
export SUITE_BUILD_DIR := $(abspath $(BUILD))
EXECUTED := $(addprefix $(BUILD)/,$(notdir $(NOTEBOOKS)))
SITE := $(BUILD)/site
# The site tests drive Debian's Chromium; `make chromium` installs it when it is missing.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# Three test processes (pytest-xdist) that keep each notebook's items together; PARALLEL= runs one.
# Three on two cores: a process waiting on a kernel, a recorder or a browser leaves its core to the
# others (make test on this project's 2-core machine, 2026-12-04: 252 s with three, 268 s with two).
# --no-loadscope-reorder: pytest-xdist hands the groups out in the order tools/pytest_notebooks.py
# puts them (the notebooks, the longest groups, first) instead of by their number of tests, which
# left the one-test workshop copies for last (the slowest process finished 12 s after the others).
PARALLEL ?= -n 3 --dist loadgroup --no-loadscope-reorder
# The built site's tests wait on Chromium (each page until its network is idle) more than they
# compute; two processes finish them first (test-site on this machine, 2026-12-04: 29 and 31 s with
# two, 39 s with three, 36 s with one).  PARALLEL= runs them in one process too.
SITE_PARALLEL ?= $(if $(strip $(PARALLEL)),-n 2 --dist loadgroup)
# The scan of the executed copies runs with the site's tests, once test-suite has written them.
AFTER_EXECUTION := --deselect tests/test_secrets.py::test_executed_notebooks_print_no_credentials
# Every notebook execution of `make test` appends a line here (tools/notebook_execution.py).
export NOTEBOOK_EXECUTION_LOG := $(abspath $(BUILD))/notebook-executions.jsonl
EXECUTION_LOG := $(NOTEBOOK_EXECUTION_LOG)
# A JUnit XML report per test step when JUNIT_DIR is set (test-latest and CI use it).
JUNIT = $(if $(JUNIT_DIR),--junitxml=$(abspath $(JUNIT_DIR))/$(1).xml)
# Extra arguments for JupyterLab, e.g. LAB_ARGS="--no-browser --ServerApp.port=8899".
LAB_ARGS ?=
# The canary: the newest release of every dependency, in a venv of its own.
LATEST_VENV := .venv-latest
LATEST_OUT := build/latest

.PHONY: help install archive run site workshop test lint test-suite test-unit test-notebooks test-site chromium \
	lab live-test test-latest bench lock clean record replay-test drift

help:
	@echo "make run          build the offline archive, execute every notebook against it, build the site"
	@echo "                  (executed notebooks in build/, the website in build/site/index.html)"
	@echo "make test         lint, unit tests and every notebook (each executed once), the site in Chromium"
	@echo "make workshop     workshop copies with the solutions blanked, and solutions.ipynb, in build/workshop"
	@echo "make lab          JupyterLab with the offline archive running"
	@echo "make live-test    the notebooks against the real MAST and AWS (needs a network)"
	@echo "make test-latest  the suite against the newest release of every dependency; report in build/latest"
	@echo "make record       the notebooks against the real MAST and AWS, recorded into a cassette (needs a network)"
	@echo "make replay-test  the notebooks answered from a cassette alone (CASSETTE=DIR, default $(CASSETTE))"
	@echo "make drift        compare a cassette's answers with the generated archive's (CASSETTE=DIR)"
	@echo "make bench        every benchmark; writes build/bench.json"
	@echo "make install      create .venv with the pinned dependencies"

ifeq ($(VENV),$(LATEST_VENV))
# test-latest fills this venv with the newest releases itself; never install the pins into it.
install:
	@test -x $(BIN)/python || { echo "$(VENV) does not exist: run make test-latest" >&2; exit 1; }
else
install: $(STAMP)
endif

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --python $(BIN)/python --quiet $(INSTALL_FLAGS) -r requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --quiet $(INSTALL_FLAGS) --no-deps -e .
	$(BIN)/python -m compileall -q -j 0 helpers offline_archive tools
	@rm -f $(VENV)/.installed-*
	@touch $@

archive: install
	$(ARCHIVE) build

# BokehJS goes inline into the executed notebooks, so the site carries it (no CDN).
run: archive
	BOKEH_RESOURCES=inline $(ARCHIVE) exec -- $(BIN)/python tools/run_notebooks.py --output $(BUILD) \
		$(if $(JUNIT_DIR),--junit $(abspath $(JUNIT_DIR))/run.xml) $(NOTEBOOKS)
	$(MAKE) --no-print-directory site

# The site alone, from the notebooks `make run` executed last.
site: install
	$(BIN)/python tools/build_site.py --output $(SITE) $(EXECUTED)

workshop: install
	$(BIN)/python tools/make_workshop.py --output $(BUILD)/workshop $(NOTEBOOKS)

# One execution of each notebook serves every check (issue 16): the test session executes each
# notebook once, in three processes (pytest-xdist); its cells are the verdicts, its kernel answers the
# science tests, and its executed copies are what the site is built from and the credential scan
# reads.  The last line says how long the gate took and which kernels it started.
test: archive
	@mkdir -p $(BUILD) && rm -f $(EXECUTION_LOG) && start=$$(date +%s.%N) && status=0; \
	$(MAKE) --no-print-directory SITE_TESTS=tests/site/test_site.py lint test-suite site test-site || status=1; \
	$(BIN)/python tools/gate_summary.py --log $(EXECUTION_LOG) --start $$start || status=1; \
	exit $$status

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Every test but those of the built site, and every notebook, each executed once; the executed
# copies go to $(BUILD).  The site machinery's own tests (tests/site/test_site_fixture.py, on a
# fixture notebook) run here, beside the notebooks, in Chromium.
# BokehJS goes inline into the executed notebooks, so that the site carries it (no CDN).
test-suite: install chromium
	BOKEH_RESOURCES=inline $(BIN)/python -m pytest $(PARALLEL) -p no:cacheprovider tests notebooks \
		--ignore=tests/site/test_site.py $(AFTER_EXECUTION) --notebook-output $(BUILD) $(call JUNIT,suite)

# Parts of test-suite: the tests that execute no notebook, and the notebooks with their science tests.
test-unit: install
	$(BIN)/python -m pytest $(PARALLEL) tests --ignore=tests/site --ignore=tests/notebooks $(AFTER_EXECUTION) \
		$(call JUNIT,unit)

test-notebooks: install
	BOKEH_RESOURCES=inline $(BIN)/python -m pytest $(PARALLEL) -p no:cacheprovider tests/notebooks notebooks \
		--notebook-output $(BUILD) $(call JUNIT,notebooks)

# The built site in headless Chromium, and the credential scan of the executed notebooks in
# $(BUILD) (written by test-suite, test-notebooks or make run).  Alone it also runs the site
# machinery's tests on their fixture notebook; make test has run those and its own scan of each
# execution in test-suite, and sets SITE_TESTS to the built site's tests alone.
SITE_TESTS ?= tests/site tests/test_secrets.py::test_executed_notebooks_print_no_credentials
test-site: install chromium
	$(BIN)/python -m pytest $(SITE_PARALLEL) $(SITE_TESTS) $(call JUNIT,site)

chromium:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the site tests"; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium; }

# JupyterLab reads jupyter-config/ too: no "get notified about official Jupyter news?" prompt.
lab: archive
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter-config$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH} \
		$(ARCHIVE) exec -- $(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) \
		$(LAB_ARGS)

# Against the real services: no archive, no proxy, no local S3, no network guard.
live-test: install
	NETGUARD=off OFFLINE_ARCHIVE=off env -u HTTPS_PROXY -u HTTP_PROXY -u https_proxy -u http_proxy -u AWS_ENDPOINT_URL_S3 \
		-u REQUESTS_CA_BUNDLE -u SSL_CERT_FILE -u CURL_CA_BUNDLE -u OFFLINE_ARCHIVE_PROXY \
		$(BIN)/python -m pytest -p no:cacheprovider notebooks $(call JUNIT,live)

# Record once online, replay anywhere (offline_archive/replay): `make record` runs the notebooks
# against the real services through the archive's proxy and S3 endpoint and keeps every exchange in
# $(CASSETTE); `make replay-test` runs them (cells as tests) answered by that cassette alone;
# `make drift` says where the generated archive's answers differ in shape from the recorded ones.
CASSETTE ?= $(BUILD)/cassette
NOTEBOOKS_TO_RECORD ?= $(NOTEBOOKS)

record: install
	$(ARCHIVE) record --cassette $(CASSETTE) -- $(BIN)/python tools/run_notebooks.py --purpose record \
		--output $(BUILD)/recorded $(NOTEBOOKS_TO_RECORD)

replay-test: install
	@test -f $(CASSETTE)/cassette.json || { echo "No cassette in $(CASSETTE): run make record, or give CASSETTE=DIR" >&2; exit 2; }
	OFFLINE_ARCHIVE_SERVE_ARGS="--replay $(abspath $(CASSETTE))" $(BIN)/python -m pytest -p no:cacheprovider \
		$(NOTEBOOKS_TO_RECORD) $(call JUNIT,replay)

drift: archive
	$(ARCHIVE) drift --cassette $(CASSETTE)

# The canary: resolve the unpinned names of pyproject.toml to their newest releases in
# $(LATEST_VENV), run the suite there (offline, like make test, without the lint step), and write
# $(LATEST_OUT)/report.md: for each failing test or notebook, the packages that differ from the pins.
test-latest: install
	rm -rf $(LATEST_OUT) $(LATEST_VENV) && mkdir -p $(LATEST_OUT)
	$(BIN)/python tools/canary_report.py unpinned pyproject.toml > $(LATEST_OUT)/latest.in
	$(PYTHON) -m venv $(LATEST_VENV)
	$(BIN)/uv pip install --python $(LATEST_VENV)/bin/python --quiet $(INSTALL_FLAGS) --upgrade -r $(LATEST_OUT)/latest.in
	$(BIN)/uv pip install --python $(LATEST_VENV)/bin/python --quiet $(INSTALL_FLAGS) --no-deps -e .
	$(BIN)/uv pip freeze --python $(BIN)/python > $(LATEST_OUT)/pinned-freeze.txt
	$(BIN)/uv pip freeze --python $(LATEST_VENV)/bin/python > $(LATEST_OUT)/latest-freeze.txt
	status=0; \
	$(MAKE) --no-print-directory -k VENV=$(LATEST_VENV) BUILD=$(LATEST_OUT)/build JUNIT_DIR=$(LATEST_OUT) SITE_TESTS=tests/site/test_site.py \
		archive test-suite site test-site || status=1; \
	$(BIN)/python tools/canary_report.py report --pinned $(LATEST_OUT)/pinned-freeze.txt \
		--latest $(LATEST_OUT)/latest-freeze.txt --junit $(LATEST_OUT)/*.xml \
		--site-packages "$$($(LATEST_VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" \
		--notebooks notebooks --ignore uv --output $(LATEST_OUT)/report.md || status=1; \
	exit $$status

bench: archive
	$(BIN)/python benchmarks/run.py --output build/bench.json

# Re-resolve the transitive pins after changing pyproject.toml.
lock: install
	$(BIN)/uv pip compile --python-version 3.11 --quiet --no-header pyproject.toml -o requirements.lock

clean:
	rm -rf build
