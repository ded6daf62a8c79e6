# Douane — developer entry points. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run demo test lint bench clean

# The install compiles the detection modules (setup.py): a changed source needs a new build.
# The rule matcher links RE2: its headers come from Debian's libre2-dev where apt can add them
# (as root); elsewhere the build leaves that module out and the rules run on google-re2.
$(STAMP): pyproject.toml setup.py $(wildcard src/douane/detect/*.py src/douane/detect/*.[ch]*)
	test -f /usr/include/re2/re2.h || ! command -v apt-get >/dev/null || [ "$$(id -u)" != 0 ] \
		|| apt-get install -y -qq libre2-dev >/dev/null \
		|| (apt-get update -qq && apt-get install -y -qq libre2-dev >/dev/null) \
		|| echo "libre2-dev not installed: the rules run on google-re2"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install Douane with its test extras (idempotent)

run: install  ## the gateway on the embedded defaults (SQLite) with the built-in demo upstream
	$(BIN)/douane serve --demo

demo: install  ## one request end to end: what the client sent, what the provider received
	$(BIN)/douane demo

lint: install  ## ruff (checks and format) everywhere; mypy --strict but on setup.py (setuptools ships no types)
	$(BIN)/ruff check src tests bench setup.py
	$(BIN)/ruff format --check src tests bench setup.py
	$(BIN)/mypy src tests bench

# Coverage needs the pure sources (DOUANE_PURE_PYTHON=1). The detection tests and the SDK replay
# of the dev corpus through a live gateway then run again on the compiled modules that ship;
# tests/detect/test_compiled.py compares both builds.
test: install lint  ## the whole suite with the coverage gate
	DOUANE_PURE_PYTHON=1 $(BIN)/python -m pytest -q --cov=douane --cov-report=term:skip-covered \
		--cov-fail-under=80
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/detect tests/gateway/test_leak_replay.py

bench: install  ## benchmarks (detection needs the bench extra: pip install -e '.[bench]')
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/gateway.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/scan.py

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache .mypy_cache .coverage htmlcov
	find src -name '*.so' -delete
