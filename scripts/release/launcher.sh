#!/bin/sh
# elevgw launcher (bin/elevgw of a release): runs the release's own Node on the release's app.
# Called directly, or through symlinks such as /usr/local/bin/elevgw -> /opt/elevgw/current/bin/elevgw
# -> releases/<version>/bin/elevgw, so it follows links to find the release it belongs to.
#
# ELEVGW_NODE_EXEC  optional command put in front of the bundled node, split on blanks (no
#                   quoting), e.g. "qemu-aarch64-static -L /usr/aarch64-linux-gnu" to run an
#                   arm64 release on an x86-64 machine without binfmt_misc.
#
# No V8 flags are set. Node sizes its heap from the memory it can have: physical memory, or the
# cgroup limit when systemd sets MemoryMax= (Node >= 20 reads it), so a 512 MB Pi Zero 2 W and
# a 4 GB Pi 4 each get a fitting limit, while a fixed --max-old-space-size would be too big for
# one and starve the 1,000,000-event backlog on the other. A site that needs one sets
# NODE_OPTIONS (e.g. in a systemd drop-in), which Node reads as usual.
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

# Word splitting of ELEVGW_NODE_EXEC is wanted; globbing is not.
set -f
# shellcheck disable=SC2086
exec ${ELEVGW_NODE_EXEC:-} "$node" "$main" "$@"
