# Production image: gunicorn serves the web app, WhiteNoise its static files.

# Third-party browser code, pinned by package-lock.json.
FROM node:20-slim AS vendor
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN useradd --system --create-home --home-dir /home/hakobou hakobou
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
COPY --from=vendor /build/node_modules/jsqr/dist node_modules/jsqr/dist
# collectstatic needs settings to load; these build-time values never reach run time.
RUN DEBUG=false SECRET_KEY=build-only-not-a-secret-0000000000000000000000000000 \
    ALLOWED_HOSTS=build LINE_MODE=simulator LINE_ALLOW_SIMULATOR_IN_PRODUCTION=true \
    DATA_DIR=/tmp/build python manage.py collectstatic --noinput \
    && mkdir -p /var/lib/hakobou && chown hakobou /var/lib/hakobou

USER hakobou
# gunicorn's sync workers (it reads WEB_CONCURRENCY): 2 × cores + 1. A check-in spends
# part of its time waiting on PostgreSQL and Redis; five processes keep 2 cores busy
# (bench/checkin.py: 89–96 % of the CPU in use, against 77–92 % with three).
# Database connections: each process has a pool of at most DATABASE_POOL_MAX_SIZE (4); a
# sync worker serves one request at a time and uses one. More clients than workers wait
# in the listen backlog (--backlog) and get slower answers, not errors (bench/overload.py).
ENV DATA_DIR=/var/lib/hakobou WEB_CONCURRENCY=5 DATABASE_POOL_MAX_SIZE=4
EXPOSE 8000
CMD ["gunicorn", "hakobou.wsgi:application", "--bind", "0.0.0.0:8000", "--backlog", "2048", \
     "--access-logfile", "-"]
