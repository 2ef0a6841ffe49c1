# Jaring — the two commands of the README, and what they are made of.
#   make demo   install, create the SQLite database under var/, load regions and the demo, serve
#   make test   install what the tests need, then lint (ruff, and the import layers of
#               docs/architecture.md), type-check and run the whole suite on SQLite and PostgreSQL
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test install install-dev lint typecheck test-sqlite test-postgres system-packages clean messages

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv

$(VENV)/.installed: $(BIN)/uv requirements.lock pyproject.toml
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.lock
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/jaring migrate --noinput --verbosity 0
	$(BIN)/jaring demo
	$(BIN)/jaring serve

system-packages:
	@scripts/system-packages

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

typecheck: install-dev
	$(BIN)/mypy

test-sqlite: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install-dev
	scripts/with-postgres $(BIN)/python -m pytest $(PYTEST_ARGS)

test: install-dev system-packages lint typecheck test-sqlite test-postgres

messages: install-dev
	cd jaring && ../$(BIN)/jaring makemessages -l id --no-location --no-obsolete --no-wrap -i "static/*" -i "programmes/*" -i "finance/*" -i "claims/*"
	cd jaring/programmes && ../../$(BIN)/jaring makemessages -l id --no-location --no-obsolete --no-wrap
	cd jaring/finance && ../../$(BIN)/jaring makemessages -l id --no-location --no-obsolete --no-wrap
	cd jaring/claims && ../../$(BIN)/jaring makemessages -l id --no-location --no-obsolete --no-wrap
	cd jaring && ../$(BIN)/jaring compilemessages

clean:
	rm -rf $(VENV) var/static
