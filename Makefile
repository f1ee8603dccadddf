# The two sacred commands: `make demo` and `make test` work on a fresh machine with no keys and
# no GPU. Each installs what it needs into .venv (and Debian packages, when run as root).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_STORY ?= examples/stories/the-fox-and-the-lantern.txt

.PHONY: demo test bench gpu-check lint format system-deps clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ShotGraph needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

$(VENV)/.installed-bench: $(VENV)/.installed-dev
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	@touch $@

system-deps:
	@scripts/system-deps.sh

demo: system-deps $(VENV)/.installed-dev
	$(BIN)/shotgraph render $(DEMO_STORY) -o output/$(basename $(notdir $(DEMO_STORY))).mp4

test: system-deps $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

bench: system-deps $(VENV)/.installed-bench
	$(BIN)/python bench/render_speed.py
	$(BIN)/python bench/storyboard_ready.py
	$(BIN)/python bench/queue_latency.py
	$(BIN)/python bench/llm_tokens.py
	$(BIN)/python bench/telegram_latency.py
	$(BIN)/python bench/gpu_video.py

# On a CUDA box: the GPU benchmark, then the GPU backends' tests on the GPU in half precision.
gpu-check: system-deps $(VENV)/.installed-dev
	$(BIN)/python bench/gpu_video.py
	SHOTGRAPH_TEST_DIFFUSION_DEVICE=cuda $(BIN)/python -m pytest -q -m gpu_models

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) output .pytest_cache .ruff_cache
