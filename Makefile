# GuideQA: `make run` and `make test` work on a fresh machine with nothing but Python 3.11.
#
# Two install levels, each with its own stamp, so neither undoes the other:
#   $(RUN_STAMP)   what running needs: the project and torch (CPU build), Tesseract for OCR.
#                  `make run`, `make install` and `make eval` stop here: no llama.cpp build.
#   $(TEST_STAMP)  adds the test extras, including local-llm (llama-cpp-python builds from source,
#                  6-15 minutes the first time, then cached by pip): `make test`, `make lint`.
# `make run` after `make test` installs nothing; `make test` after `make run` only adds the extras.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
# torch is pinned to 2.13.0 (CPU build) in the same pip command as the project (which pulls
# sentence-transformers), otherwise pip resolves a multi-GB CUDA build
TORCH  := "torch==2.13.0"
PIP    := $(BIN)/python -m pip install --quiet --progress-bar off
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
# llama-cpp-python builds from source; a native build segfaults on this CPU with quantised models
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

.PHONY: install install-test run test eval lint clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "GuideQA needs Python 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) $(TORCH) -e .
	# Tesseract for OCR of scanned pages (a Debian package; prints how to get it when not root)
	bash .ci/install-ocr
	# the ONNX embedder's graphs (fp32, int8), exported once from the packaged model (offline)
	$(BIN)/python -m rag.onnx_export
	# the condition and drug names abstention looks for, read once from their packages into a cache
	$(BIN)/python -m rag.abstention.conditions
	$(BIN)/python -m rag.abstention.drugs
	touch $(RUN_STAMP)

$(TEST_STAMP): $(RUN_STAMP) pyproject.toml
	$(PIP) $(TORCH) -e ".[test,local-llm]"
	touch $(TEST_STAMP)

install: $(RUN_STAMP)

install-test: $(TEST_STAMP)

run: install
	$(BIN)/guideqa ingest
	$(BIN)/guideqa serve

# lint first: CI runs `make test`, so it enforces ruff and mypy too
test: lint
	bash .ci/install-browser
	$(BIN)/python -m pytest

# the eval syncs its own data dir with corpus/ first, so uploads to the live index never skew it
eval: install
	GUIDEQA_DATA_DIR=$${GUIDEQA_DATA_DIR:-.guideqa-eval} $(BIN)/guideqa eval

lint: install-test
	$(BIN)/python -m ruff check rag ingest api evals tests
	$(BIN)/python -m mypy

clean:
	rm -rf $(VENV) .guideqa .pytest_cache
