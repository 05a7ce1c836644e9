# One image for the ML backend, the RQ workers and the one-shot model bootstrap.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE TOKENIZERS_PARALLELISM=false

# Tesseract re-reads Cyrillic lines PP-OCR cannot; fonts give the card generator variety; Chromium lays
# out the HTML/CSS share of the bootstrap's training cards.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-rus tesseract-ocr-script-cyrl tesseract-ocr-osd \
      fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf fonts-noto-core fonts-roboto-unhinted fonts-open-sans \
      fonts-lato fonts-ebgaramond fonts-comfortaa chromium libglib2.0-0 curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# torch first from the CPU index: the plain PyPI wheel pulls several GB of CUDA packages.
# 2.13.0+cpu satisfies the lock's torch==2.13.0, so the second install keeps it. The lock pins every
# package, as scripts/install.sh does for the local stack.
COPY requirements.txt requirements.lock ./
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install -r requirements.txt -c requirements.lock

COPY ml_backend ml_backend
COPY active_learning active_learning
COPY label_config label_config
COPY scripts scripts
COPY gunicorn.conf.py .

ENV CARDLOOP_MODEL_DIR=/app/models/current CARDLOOP_REGISTRY_DIR=/app/models
EXPOSE 9090
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s \
  CMD curl -fsS -u "${BASIC_AUTH_USER}:${BASIC_AUTH_PASS}" http://127.0.0.1:9090/health || exit 1
CMD ["python", "-m", "ml_backend", "serve"]
