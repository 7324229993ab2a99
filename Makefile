# Two commands on a fresh machine with Python 3.11:
#   make run    install everything into .venv and start the app on the bundled Rasau Jaya data
#   make test   install everything (including Debian's chromium, LibreOffice Calc and poppler
#               for the browser, spreadsheet and printed-page tests) and run all tests
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
ADDRESS ?= 127.0.0.1

.PHONY: run test bench lint install system clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[app,test]'
	touch $@

static/leaflet/leaflet.js: $(VENV)/.installed
	$(PY) -m ovop_geo.offline static/leaflet

install: $(VENV)/.installed static/leaflet/leaflet.js

system:
	bash scripts/ensure-system-packages.sh

run: install
	$(VENV)/bin/streamlit run app.py --server.headless true --server.port $(PORT) --server.address $(ADDRESS)

test: install system
	$(PY) -m pytest

bench: install
	$(PY) -m benchmarks

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) static/leaflet
