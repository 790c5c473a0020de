# Two commands set everything up on a fresh Debian machine:
#   make demo   publishes the sample release into dist/
#   make test   runs ruff and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test system setup bytecode lint bench clean locales vendor-htmx

system:
	@bash scripts/install-system-packages.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@$(BIN)/python -m compileall -q publisher > /dev/null
	@touch $(STAMP)

# The W3C Nu HTML validator for tests/publishing/test_site.py, from npm (pinned; its postinstall
# script, which would download a Java runtime, is skipped: Debian's java runs it).
VNU_VERSION := 26.9.27
VNU := .cache/npm/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU):
	npm install --prefix .cache/npm --no-save --no-package-lock --no-audit --no-fund \
		--ignore-scripts --loglevel=error vnu-jar@$(VNU_VERSION)
	@test -f $(VNU)

# axe-core for the review app's accessibility tests (tests/web/test_accessibility.py), from
# npm at a pinned version; only the tests inject its axe.min.js into the pages. Its own
# prefix: `npm install --no-save` into vnu-jar's would remove vnu-jar again.
AXE_VERSION := 4.14.1
AXE := .cache/npm-axe/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --prefix .cache/npm-axe --no-save --no-package-lock --no-audit --no-fund \
		--ignore-scripts --loglevel=error axe-core@$(AXE_VERSION)
	@test -f $(AXE)

setup: system $(STAMP) bytecode

# The package's bytecode, written now: this machine sets PYTHONDONTWRITEBYTECODE=1 and
# an editable install compiles nothing, so every command would compile the package
# from source (+0.15 s on `publisher status`). Python checks each file's time and
# size, so an edited module is compiled again in memory, never run stale.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q publisher

demo: setup
	$(BIN)/publisher status
	$(BIN)/publisher build --out dist
	@echo "published: dist/"; ls -l dist/*/

# Style, the tier contract (pyproject.toml [tool.importlinter]), no import cycles
# counting deferred imports, and static types (mypy, strict, over the package, tests/,
# benchmarks/ and scripts/: pyproject.toml [tool.mypy]).
lint: setup
	$(BIN)/ruff check publisher tests benchmarks scripts
	$(BIN)/ruff format --check publisher tests benchmarks scripts
	$(BIN)/lint-imports
	$(BIN)/python scripts/import_cycles.py
	$(BIN)/mypy

test: setup $(VNU) $(AXE) lint
	$(BIN)/pytest -n 2 --dist loadgroup

bench: setup
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/translate.py
	$(BIN)/python benchmarks/archive.py --releases 200
	$(BIN)/python benchmarks/send.py
	$(BIN)/python benchmarks/serve.py --browser
	$(BIN)/python benchmarks/photo.py
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/imports.py

# Message catalogs: the print labels (domain `messages`, babel.cfg) and the review app's
# words (domain `web`, babel-web.cfg) extracted from the sources, the web catalogs of en,
# km and zh_Hans updated from it and checked; both are compiled in memory at run time.
LOCALES_DIR := publisher/resources/locales
locales: $(STAMP)
	$(BIN)/pybabel extract --no-location -F babel.cfg -o $(LOCALES_DIR)/messages.pot .
	$(BIN)/pybabel extract --no-location -k N_ -k N_plural:1,2 -F babel-web.cfg -o $(LOCALES_DIR)/web.pot .
	$(BIN)/pybabel update -D web -i $(LOCALES_DIR)/web.pot -d $(LOCALES_DIR) -w 100 \
		--no-fuzzy-matching --ignore-obsolete
	@for po in $(LOCALES_DIR)/*/LC_MESSAGES/*.po; do msgfmt --check -o /dev/null $$po || exit 1; done

# The web review app's htmx, from npm at the version pinned in the script, copied into
# publisher/web/static/ (committed, with its SHA-256 in htmx.json; the app never downloads).
vendor-htmx:
	python3 scripts/vendor_htmx.py

clean:
	rm -rf dist site .pytest_cache .publisher-cache
