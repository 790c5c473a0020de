# Two commands set everything up on a fresh Debian machine:
#   make demo   publishes the sample release into dist/
#   make test   runs ruff and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test system setup lint bench clean locales

system:
	@bash scripts/install-system-packages.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

setup: system $(STAMP)

demo: setup
	$(BIN)/publisher status
	$(BIN)/publisher build --out dist
	@echo "published: dist/"; ls -l dist/*/

lint: setup
	$(BIN)/ruff check publisher tests benchmarks

test: setup lint
	$(BIN)/pytest -n 2 --dist loadgroup

bench: setup
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/translate.py

clean:
	rm -rf dist .pytest_cache
