# syntax=docker/dockerfile:1.7
# Two images from one file:
#   app     the bots and the HTTP API (and a CPU-only animatic worker): slim, no torch
#   worker  the GPU worker: CUDA runtime, torch, diffusers, transformers
# Dependencies are installed from lists read out of pyproject.toml before any source is
# copied, so editing the code rebuilds only the last, small layers.

ARG PYTHON_IMAGE=python:3.12-slim-bookworm
ARG CUDA_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04
# The torch wheel must be built for the base image's CUDA: PyPI's default torch wheel targets a
# newer CUDA (13, driver 580+), on which an older driver sees no GPU. Change all three together.
ARG TORCH_VERSION=2.9.1
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cu126

FROM ${PYTHON_IMAGE} AS requirements
WORKDIR /src
COPY pyproject.toml .
RUN python - <<'PY'
import tomllib

project = tomllib.load(open("pyproject.toml", "rb"))["project"]
with open("base.txt", "w") as out:
    out.write("\n".join(project["dependencies"]) + "\n")
with open("gpu.txt", "w") as out:
    out.write("\n".join(project["optional-dependencies"]["gpu"]) + "\n")
PY


FROM ${PYTHON_IMAGE} AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STORAGE_PATH=/data/output
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 shotgraph \
 && mkdir -p /data/output && chown shotgraph /data/output
COPY --from=requirements /src/base.txt /tmp/requirements/
RUN pip install -r /tmp/requirements/base.txt
COPY pyproject.toml README.md LICENSE /src/
COPY shotgraph /src/shotgraph
RUN pip install --no-deps /src
USER shotgraph
WORKDIR /home/shotgraph
VOLUME ["/data/output"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["shotgraph", "health", "redis"]
CMD ["shotgraph", "api", "--host", "0.0.0.0", "--port", "8000"]


FROM ${CUDA_IMAGE} AS worker
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    EXECUTION_PROFILE=prod_gpu \
    STORAGE_PATH=/data/output \
    HF_HOME=/data/hf-cache
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/venv \
 && useradd --create-home --uid 10001 shotgraph \
 && mkdir -p /data/output /data/hf-cache && chown shotgraph /data/output /data/hf-cache
ARG TORCH_VERSION
ARG TORCH_INDEX_URL
COPY --from=requirements /src/base.txt /src/gpu.txt /tmp/requirements/
# torch first from the index matching the CUDA base, then held there by a constraint so that no
# other requirement swaps it for PyPI's build.
RUN pip install --index-url ${TORCH_INDEX_URL} torch==${TORCH_VERSION} \
 && echo "torch==${TORCH_VERSION}" > /tmp/requirements/constraints.txt \
 && pip install -c /tmp/requirements/constraints.txt \
        -r /tmp/requirements/base.txt -r /tmp/requirements/gpu.txt
COPY pyproject.toml README.md LICENSE /src/
COPY shotgraph /src/shotgraph
RUN pip install --no-deps /src
USER shotgraph
WORKDIR /home/shotgraph
VOLUME ["/data/output", "/data/hf-cache"]
# Loading the models on a cold cache can take minutes before the first beat.
HEALTHCHECK --interval=30s --timeout=10s --start-period=600s --retries=3 \
    CMD ["shotgraph", "health", "worker"]
CMD ["shotgraph", "worker"]
