# sluice in a container: a build stage compiles the Release tree on Debian 12, the run stage is
# Debian 12 slim with the runtime libraries only, a non-root user and /data as the data volume.
#
#   docker build -t sluice .
#   docker run -p 9324:9324 -v sluice-data:/data sluice                   # sluice up
#   docker run -v $PWD/worker.json:/etc/sluice/worker.json:ro sluice \
#       worker /etc/sluice/worker.json --status-listen 0.0.0.0:9325      # a fleet worker
#
# The health check asks GET /health on port 9324 (sluice up). A worker answers /health only with
# --status-listen: give it the same port, or override the check.

FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config libuv1-dev libboost1.81-dev libboost-json1.81-dev libcpp-httplib-dev \
      libhttp-parser-dev libsqlite3-dev libssl-dev libzip-dev libcli11-dev libsystemd-dev help2man \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DSLUICE_UNIT_TESTS=OFF \
 && cmake --build /build --target sluice sluice_worker -j"$(nproc)" \
 && mkdir -p /opt/sluice/bin && cp /build/bin/sluice /build/bin/sluice-worker /opt/sluice/bin/

FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libuv1 libboost-json1.81.0 libcpp-httplib0.11 libhttp-parser2.9 libsqlite3-0 libssl3 libzip4 libsystemd0 \
      ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin sluice \
 && mkdir -p /data /etc/sluice && chown sluice:sluice /data
COPY --from=build /opt/sluice/bin/ /usr/bin/
USER sluice
WORKDIR /data
VOLUME ["/data"]
EXPOSE 9324
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:9324/health >/dev/null || exit 1
ENTRYPOINT ["/usr/bin/sluice"]
CMD ["up", "--listen", "0.0.0.0:9324", "--data", "/data"]
