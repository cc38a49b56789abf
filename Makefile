# Everything runs from a local virtual environment so a fresh machine needs
# only Python 3.11 and pip.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench fuzz i18n clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or make PYTHON=python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/floorwatch demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m ruff check monitor feeds ui tests bench
	QT_QPA_PLATFORM=offscreen HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run_all.py

# The fuzz suite at length: a million frames from the hostile feed server and many more
# Hypothesis examples (make test runs the same file small). FUZZ_FRAMES=... to change.
FUZZ_FRAMES   ?= 1000000
FUZZ_EXAMPLES ?= 20000
fuzz: $(STAMP)
	QT_QPA_PLATFORM=offscreen HYPOTHESIS_PROFILE=dev FLOORWATCH_FUZZ_FRAMES=$(FUZZ_FRAMES) \
	FLOORWATCH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
	$(BIN)/python -m pytest -q -s -rxX -p no:cacheprovider tests/feeds/test_fuzz.py

# Refresh the translation source from the code, then compile what the app loads.
i18n: $(STAMP)
	$(BIN)/pyside6-lupdate ui/*.py ui/*/*.py -ts ui/i18n/floorwatch_zh_CN.ts
	$(BIN)/pyside6-lrelease ui/i18n/floorwatch_zh_CN.ts -qm ui/i18n/floorwatch_zh_CN.qm

clean:
	rm -rf $(VENV) build *.egg-info
