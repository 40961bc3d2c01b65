# Two commands on a fresh machine: `make run` and `make test`.  Both create .venv and install the
# pinned dependencies (requirements.lock, resolved from pyproject.toml) when they are missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
# The install stamp changes whenever the lock or the project metadata does.
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml 2>/dev/null | sha256sum | cut -c1-12)
ARCHIVE := $(BIN)/python -m offline_archive
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))

.PHONY: help install archive run test test-unit test-notebooks lab live-test bench lock clean

help:
	@echo "make run        build the offline archive, execute every notebook against it, write build/"
	@echo "make test       unit tests, then nbval over every notebook against the offline archive"
	@echo "make lab        JupyterLab with the offline archive running"
	@echo "make live-test  the notebooks against the real MAST and AWS (needs a network)"
	@echo "make bench      every benchmark; writes build/bench.json"
	@echo "make install    create .venv with the pinned dependencies"

install: $(STAMP)

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --python $(BIN)/python --quiet -r requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

archive: install
	$(ARCHIVE) build

run: archive
	$(ARCHIVE) exec -- $(BIN)/python tools/run_notebooks.py --output build $(NOTEBOOKS)

test: archive
	$(MAKE) --no-print-directory test-unit test-notebooks

test-unit: install
	$(BIN)/python -m pytest tests

test-notebooks: install
	$(BIN)/python -m pytest --nbval-lax -p no:cacheprovider notebooks

lab: archive
	$(ARCHIVE) exec -- $(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

# Against the real services: no archive, no proxy, no local S3, no network guard.
live-test: install
	NETGUARD=off env -u HTTPS_PROXY -u HTTP_PROXY -u https_proxy -u http_proxy -u AWS_ENDPOINT_URL_S3 \
		-u REQUESTS_CA_BUNDLE -u SSL_CERT_FILE -u OFFLINE_ARCHIVE_PROXY \
		$(BIN)/python -m pytest --nbval-lax -p no:cacheprovider notebooks

bench: archive
	$(BIN)/python benchmarks/run.py --output build/bench.json

# Re-resolve the transitive pins after changing pyproject.toml.
lock: install
	$(BIN)/uv pip compile --python-version 3.11 --quiet --no-header pyproject.toml -o requirements.lock

clean:
	rm -rf build
