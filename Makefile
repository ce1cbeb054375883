# `make build` builds the course in this folder into dist/; `make test` runs the tests.
# Both set up .venv themselves: nothing needs to be installed by hand first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.test-installed

.PHONY: build test check bench bench-runtime clean

build: $(INSTALLED)
	$(VENV)/bin/coursepack build .

check: $(INSTALLED)
	$(VENV)/bin/coursepack check .

# The suite waits on browsers and servers far more than it computes: TEST_JOBS pytest workers
# share it out, a test file each (a file's session fixtures, e.g. the reference beds, start once),
# the heaviest files first (tests/support/schedule.py, whose table the 25 slowest files printed
# at the end keep up to date).
TEST_JOBS ?= 3

test: $(TEST_INSTALLED)
	bash scripts/install-test-tools.sh
	$(PY) -m pytest -n $(TEST_JOBS) --dist loadfile --file-durations=25

bench: $(INSTALLED)
	$(PY) benchmarks/run.py

bench-runtime: $(INSTALLED)
	$(PY) benchmarks/runtime.py

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(TEST_INSTALLED): $(INSTALLED)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) dist .pytest_cache
