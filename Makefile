# chainsim: `make demo` and `make test` work on a machine with only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test generate bench figures clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m chainsim.demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

generate: $(STAMP)
	$(BIN)/python -m chainsim.symbolic.codegen
	$(BIN)/python -m chainsim.arch_calibration

bench: $(STAMP)
	$(BIN)/python benchmarks/static.py

figures: $(STAMP)
	$(BIN)/python -m chainsim.figures docs
	$(BIN)/python -m chainsim.demo docs/demo.png > /dev/null

clean:
	rm -rf $(VENV) build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
