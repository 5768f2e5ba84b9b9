# elevgw container image, made from a release tarball (docs/release.md), for linux/arm64,
# linux/arm/v7 and linux/amd64. The image holds the release exactly as an installer gets it — its
# own Node, the compiled app, production dependencies with their native modules — and nothing of
# the repository's sources, tests or benchmarks. Build the releases first, then the image:
#
#   npm run release -- --target linux-arm64 --target linux-armv7l
#   docker buildx build --platform linux/arm64,linux/arm/v7 -t elevgw:0.1.0 .
#
# Run it with docker-compose.example.yml (serial adapter, GPIO, state volume, credentials).

# Unpacking needs no emulation: it runs on the build machine's own platform for every target.
FROM --platform=$BUILDPLATFORM debian:bookworm-slim AS unpack
ARG TARGETARCH
COPY release/ /release/
# The tarball of the image's platform, checked as scripts/install.sh checks it: its .sha256, then
# every file against MANIFEST.sha256.
RUN set -eu; \
    case "$TARGETARCH" in \
      arm64) target=linux-arm64 ;; \
      arm) target=linux-armv7l ;; \
      amd64) target=linux-x64 ;; \
      *) echo "no elevgw release for $TARGETARCH" >&2; exit 1 ;; \
    esac; \
    cd /release; \
    set -- elevgw-*-"$target".tar.gz; \
    [ "$#" -eq 1 ] && [ -f "$1" ] || { echo "need exactly one release/elevgw-*-$target.tar.gz (npm run release -- --target $target)" >&2; exit 1; }; \
    sha256sum -c "$1.sha256"; \
    mkdir /unpacked; \
    tar -xzf "$1" -C /unpacked; \
    mv /unpacked/elevgw-* /opt-elevgw; \
    cd /opt-elevgw && sha256sum -c --strict --quiet MANIFEST.sha256

# The release needs glibc 2.34 and GLIBCXX_3.4.29 (release.json → requires): Debian 12 has them.
FROM debian:bookworm-slim AS runtime
# ca-certificates: the launcher makes Node trust the operating system's CA store (--use-openssl-ca,
# docs/release.md), which the slim image leaves empty; a broker with a publicly signed certificate
# and no uplink.tls.ca needs it. The service user of the systemd install, with a fixed uid/gid so
# files mounted from the host (the credentials) can be given to it: chown 10001:10001 credentials
# && chmod 0600 credentials.
RUN set -eu; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --system gpio; \
    groupadd --system --gid 10001 elevgw; \
    useradd --system --uid 10001 --gid elevgw --groups dialout,gpio --home-dir /var/lib/elevgw --no-create-home --shell /usr/sbin/nologin elevgw; \
    install -d -o elevgw -g elevgw -m 0750 /var/lib/elevgw; \
    install -d -o root -g elevgw -m 0750 /etc/elevgw
COPY --from=unpack /opt-elevgw /opt/elevgw/current
RUN ln -s /opt/elevgw/current/bin/elevgw /usr/local/bin/elevgw
ENV NODE_ENV=production \
    ELEVGW_LOG_LEVEL=info
USER elevgw
WORKDIR /var/lib/elevgw
# The outbox (set outbox.path: /var/lib/elevgw/outbox.db in the site config) and the diagnostics
# socket beside it.
VOLUME ["/var/lib/elevgw"]
# The gateway's own word, over its local diagnostics socket: every elevator's poll loop progressing
# and the outbox writable (exit 0), or not (1), or no gateway answering (3).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["elevgw", "health", "--config", "/etc/elevgw/site.yaml"]
# SIGTERM lets the gateway flush in-flight publishes and close the database.
STOPSIGNAL SIGTERM
ENTRYPOINT ["elevgw"]
CMD ["run", "--config", "/etc/elevgw/site.yaml"]
