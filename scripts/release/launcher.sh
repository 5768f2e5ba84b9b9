#!/bin/sh
# elevgw launcher (bin/elevgw of a release): runs the release's own Node on the release's app.
# Called directly, or through symlinks such as /usr/local/bin/elevgw -> /opt/elevgw/current/bin/elevgw
# -> releases/<version>/bin/elevgw, so it follows links to find the release it belongs to.
#
# ELEVGW_NODE_EXEC  optional command put in front of the bundled node, split on blanks (no
#                   quoting), e.g. "qemu-aarch64-static -L /usr/aarch64-linux-gnu" to run an
#                   arm64 release on an x86-64 machine without binfmt_misc.
#
# ELEVGW_RUN_V8_FLAGS  replaces the V8 flags given to `elevgw run` (below); empty: none.
#
# `elevgw run`, and only it (it stays up for years; the other commands are short and some, like
# replay, want speed), gets V8 flags that keep its memory small and its garbage collections off an
# event's way (issue 15, measured with `npm run bench -- memory` and `peer`, docs/release.md
# "The launcher"):
#   --max-semi-space-size=1  the young generation is two semi-spaces that V8 grows to 16 MiB each
#                            for allocation-heavy servers; the gateway's young objects (a poll's
#                            values, a payload) die within one cycle, so 1 MiB only makes
#                            scavenges more frequent and shorter. Peak -20 to -30 MiB (x86-64,
#                            100 and 10 ms polls); CPU per poll unchanged within the noise.
#   --lite-mode              V8's interpreter only (it implies --jitless): no optimized or
#                            baseline code, feedback vectors allocated lazily. -14 to -16 MiB,
#                            for ~5 % more CPU and 0.1-0.2 ms more latency at 100 ms polls and
#                            ~30 % more CPU at 10 ms polls (x86-64, against the full JIT): the hot
#                            path is short and spends its time in SQLite, sockets, builtins.
#   --no-expose-wasm         what --jitless turns off anyway, said so Node does not warn at every
#                            start; nothing `run` loads uses WebAssembly.
#   --expose-gc              lets `run` have the young generation collected between polls once it
#                            is half full (src/runtime/rest-gc.ts), instead of by whichever
#                            allocation finds it full, most often an event's: in
#                            `npm run bench -- peer`, 0 of 205 events had a GC pause on their way
#                            against 7 of 204 without it, for ~3 % more CPU at 100 ms polls.
# Fast polls (10 ms) or a building's group are better served by V8's baseline compiler:
# "--max-semi-space-size=1 --no-opt --no-maglev --no-expose-wasm --expose-gc", -22 % CPU per poll
# at 10 ms polls, the same at 100 ms, +3 MiB of RSS at 10 ms polls (Node 22; docs/release.md,
# "Memory of `elevgw run`"): not worth it for one elevator at 100 ms, the pilot's case.
# The old generation keeps Node's own limit: Node sizes it from the memory it can have (physical
# memory, or the cgroup limit when systemd sets MemoryMax=; Node >= 20 reads it), so a 512 MB Pi
# Zero 2 W and a 4 GB Pi 4 each get a fitting limit, while a fixed --max-old-space-size would be
# too big for one and starve the 1,000,000-event backlog on the other. A site that needs one sets
# NODE_OPTIONS (e.g. in a systemd drop-in), which Node reads as usual.
#
# Every command, not only `run`, gets --use-openssl-ca: TLS trusts the operating system's CA store
# (OpenSSL's default paths; the official Node builds look in /etc/ssl, which Debian's and
# Raspberry Pi OS's ca-certificates package fills and apt keeps up to date) instead of the list of
# root certificates compiled into Node. A site that names its platform's CA (uplink.tls.ca, the
# pilot's case) uses only that CA either way. Why: from Node 22 on, loading the `tls` module (mqtt.js
# always does) makes Node parse its ~140 compiled-in roots on a thread of their own and keep them,
# needed or not: 2.5 MiB of RSS after 60 s and 3.2 MiB of peak for `elevgw run` (x64 release,
# docs/release.md "Memory of `elevgw run`"). All commands, so that `elevgw diag` checks the uplink
# with the trust the service has.
#
# Only shell builtins, plus readlink when called through a link: the release must not depend on
# what else is on PATH.
set -eu
unset CDPATH # cd must not print, nor look anywhere but where it is told

self=$0
while [ -h "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    *) self=${self%/*}/$link ;;
  esac
done
case $self in
  */*) bindir=${self%/*} ;;
  *) bindir=. ;;
esac
root=$(cd "$bindir/.." && pwd -P)

node=$root/node/bin/node
main=$root/app/dist/src/cli/main.js
if [ ! -x "$node" ] || [ ! -f "$main" ]; then
  echo "elevgw: $root is not a complete elevgw release (missing node/bin/node or app/dist)" >&2
  exit 127
fi

node_flags=--use-openssl-ca
v8_flags=
if [ "${1:-}" = run ]; then
  v8_flags=${ELEVGW_RUN_V8_FLAGS-"--max-semi-space-size=1 --lite-mode --no-expose-wasm --expose-gc"}
fi

# Word splitting of ELEVGW_NODE_EXEC and of the flags is wanted; globbing is not.
set -f
# shellcheck disable=SC2086
exec ${ELEVGW_NODE_EXEC:-} "$node" $node_flags $v8_flags "$main" "$@"
