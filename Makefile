# chainsim: `make demo` and `make test` work on a machine with only python3 and make.
# One virtual environment, .venv: `make demo` installs the core (editable), `make test` adds
# the extras the tests need (.[test]); each in either order, each once (the stamps below).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORE := $(VENV)/.installed-core
TEST := $(VENV)/.installed-test

.PHONY: setup demo test warmup generate bench figures wheel-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the core: numpy, scipy, numba, matplotlib (a solve, an impact, a figure, the command line)
$(CORE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(CORE)

# everything: the core, the sweep, jupyter and symbolic extras, and the test tools
$(TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST) $(CORE)

setup: $(TEST)

demo: $(CORE)
	$(BIN)/python -m chainsim.demo

test: $(TEST)
	$(BIN)/python -m pytest -q

# compile every kernel ahead of a lesson (a fresh install's first solve takes about a minute)
warmup: $(CORE)
	$(BIN)/python -m chainsim warmup

generate: $(TEST)
	$(BIN)/python -m chainsim.symbolic.codegen
	$(BIN)/python -m chainsim.arch_calibration

bench: $(CORE)
	$(BIN)/python benchmarks/static.py

figures: $(TEST)
	$(BIN)/python -m chainsim.figures docs
	$(BIN)/python -m chainsim.demo docs/demo.png > /dev/null

# the wheel, installed in a new environment (core only) and run from outside the sources
wheel-check: $(CORE)
	@set -eu; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir "$$tmp/dist" .; \
	$(BIN)/python -c "import sys, zipfile; n = zipfile.ZipFile(sys.argv[1]).namelist(); \
	  assert 'chainsim/py.typed' in n and 'chainsim/core/dynamics/eom.py' in n, n" \
	  "$$tmp"/dist/chainsim-*.whl; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet "$$tmp"/dist/chainsim-*.whl; \
	cd "$$tmp"; \
	venv/bin/python -c "import chainsim, sys; f = chainsim.__file__; \
	  assert 'site-packages' in f, f; print('wheel-check: chainsim', chainsim.__version__, 'from', f)"; \
	venv/bin/python -m chainsim.demo "$$tmp/demo.png" > demo.log; tail -2 demo.log; \
	venv/bin/chainsim solve --json > /dev/null; \
	venv/bin/python -c "import chainsim.core as c, pathlib, sys; \
	  p = pathlib.Path(c.__file__).parent / '__pycache__'; \
	  print('wheel-check: numba cache beside the installed package:', len(list(p.glob('*.nbi'))), 'indexes')"

clean:
	rm -rf $(VENV) build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
