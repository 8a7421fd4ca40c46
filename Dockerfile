# The demo interconnect in one container: the national axis and two provincial axes (see
# fixtures/topologies/demo.yaml), published on fixed ports 8100 (national), 8101 (Nghệ An), 8102 (Thanh Hóa), 8103 (Cao Bằng, Bkav).
# State (SQLite files, logs, endpoints.json) lives in the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    LIENTHONG_FIXTURES=/app/fixtures

WORKDIR /app

COPY pyproject.toml README.md ./
COPY harness ./harness
COPY simulators ./simulators
COPY fixtures ./fixtures
# Fixtures are data read at run time (LIENTHONG_FIXTURES), not part of the installed package.
RUN pip install . \
    && useradd --create-home --uid 10001 lienthong \
    && mkdir -p /data \
    && chown lienthong:lienthong /data

USER lienthong
VOLUME ["/data"]
EXPOSE 8100 8101 8102 8103
STOPSIGNAL SIGTERM

CMD ["lienthong", "sim", "up", "--topology", "fixtures/topologies/demo.yaml", "--state-dir", "/data", "--host", "0.0.0.0", "--base-port", "8100"]
