# gradc: every target sets up .venv itself (idempotently), so a fresh clone needs only `make demo`
# or `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup demo test test-all lint bench soak tools clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# The MLIR tests use upstream mlir-opt-22 (Debian's mlir-22-tools); install it when missing and
# we may (root). Without it those tests skip with a reason.
tools:
	@command -v mlir-opt-22 >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends mlir-22-tools >/dev/null) \
	  || echo "note: mlir-22-tools not installed; MLIR tests will skip"; }

demo: setup
	$(PY) examples/seed.py
	$(VENV)/bin/gradc dump examples/seed.py --function gfg --stage autodiff

test: setup tools
	$(PY) -m pytest -m "not slow"

test-all: setup tools
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) bench/run.py --quick $(BENCH_ARGS)
# A few minutes of fuzzing, racing threads and 10^6 calls with an RSS check (not in `make test`).
soak: setup
	$(PY) tools/soak.py $(SOAK_ARGS)

.PHONY: bench-full
bench-full: setup
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
