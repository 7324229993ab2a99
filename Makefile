# Two commands on a fresh machine with Python 3.11:
#   make run    install everything into .venv and start the app on the bundled Rasau Jaya data
#   make test   install everything (including Debian's chromium, LibreOffice Calc and poppler
#               for the browser, spreadsheet and printed-page tests) and run all tests
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
ADDRESS ?= 127.0.0.1

.PHONY: run test bench lint lock install system clean

# The tested dependency set is pinned in requirements.lock (made by `make lock` from pyproject.toml);
# the package itself is installed on top of it without resolving again.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

static/leaflet/leaflet.js: $(VENV)/.installed
	$(PY) -m ovop_geo.offline static/leaflet

install: $(VENV)/.installed static/leaflet/leaflet.js

system:
	bash scripts/ensure-system-packages.sh

run: install
	$(VENV)/bin/streamlit run app.py --server.headless true --server.port $(PORT) --server.address $(ADDRESS)

test: install system lint
	$(PY) -m pytest

bench: install
	$(PY) -m benchmarks

# Re-pin every dependency (core, app and test extras) to the newest release the specifiers allow.
lock:
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" .lock-venv/bin/pip-compile --quiet --extra app --extra test --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	rm -rf .lock-venv

# Lint rules, the numpy docstring convention of the package and the formatting: ruff, as configured
# in pyproject.toml.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) static/leaflet
