# GuideQA: `make run` and `make test` work on a fresh machine with nothing but Python 3.11.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
# llama-cpp-python builds from source; a native build segfaults on this CPU with quantised models
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

.PHONY: install run test eval bench lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "GuideQA needs Python 3.11, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch is pinned to 2.13.0 (CPU build) in the same command as sentence-transformers,
	# otherwise pip resolves a multi-GB CUDA build
	$(BIN)/python -m pip install --quiet --progress-bar off "torch==2.13.0" -e ".[test,local-llm]"
	# Tesseract for OCR of scanned pages (a Debian package; prints how to get it when not root)
	bash .ci/install-ocr
	# the ONNX embedder's graphs (fp32, int8), exported once from the packaged model (offline)
	$(BIN)/python -m rag.onnx_export
	touch $(STAMP)

install: $(STAMP)

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

lint: install
	$(BIN)/python -m ruff check rag ingest api evals tests
	$(BIN)/python -m mypy

clean:
	rm -rf $(VENV) .guideqa .pytest_cache
