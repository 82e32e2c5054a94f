FROM python:3.11-slim
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY api ./api
COPY migrations ./migrations
COPY seeds ./seeds
COPY alembic.ini ./
RUN pip install --no-cache-dir --no-deps -e .
EXPOSE 8000
CMD ["sh", "-c", "folio db upgrade && folio serve --host 0.0.0.0 --port 8000 --workers ${FOLIO_WORKERS:-2}"]
