# shellcheck shell=bash
# Shared by scripts/install.sh and scripts/uninstall.sh (sourced, bash). Every path given to these
# functions is the path on the gateway (/etc/elevgw …); R maps it into the --root tree.
#
# Calls that act on the running system go through `sys`: run, or with --root recorded one per line
# in $ROOT/.elevgw-install.log (src/install/system.ts does the same for `elevgw upgrade`). With
# --root, the questions "does the user exist, is the service enabled, which time zone is set" are
# answered from that tree and that log, so a second run knows what the first one did.

die() {
  echo "${0##*/}: $*" >&2
  exit 1
}
say() { echo "elevgw: $*"; }

ROOT=${ROOT:-}
LOG=''

# Makes ROOT absolute (creating it) and names the log; refuses a real install without root.
init_root() {
  if [ -n "$ROOT" ]; then
    mkdir -p "$ROOT"
    ROOT=$(cd "$ROOT" && pwd -P)
    [ "$ROOT" != / ] || ROOT=''
  fi
  if [ -n "$ROOT" ]; then
    LOG=$ROOT/.elevgw-install.log
  elif [ "$(id -u)" -ne 0 ]; then
    die "run as root (sudo), or give --root DIR"
  fi
}

R() { printf '%s%s' "$ROOT" "$1"; }

sys() {
  if [ -z "$ROOT" ]; then
    "$@"
    return
  fi
  printf '%s\n' "$*" >>"$LOG"
  # TEST SEAM ONLY (docs/install.md): under --root no systemd runs the service; a test may name a
  # program that stands in for systemctl (it gets systemctl's arguments, ROOT in its environment).
  if [ "$1" = systemctl ] && [ -n "${ELEVGW_FAKE_SYSTEMCTL:-}" ]; then
    shift
    ROOT=$ROOT "$ELEVGW_FAKE_SYSTEMCTL" "$@"
  fi
}

# The last recorded call matching an extended regex (--root only).
logged_last() {
  [ -f "$LOG" ] || return 0
  { grep -E "$1" "$LOG" || true; } | tail -n 1
}

set_mode() {
  chmod "$1" "$(R "$2")"
  [ -z "$ROOT" ] || printf 'chmod %s %s\n' "$1" "$2" >>"$LOG"
}
set_owner() { sys chown "$1" "$2"; }

mode_of() { stat -c '%a' "$1" | sed 's/^/0000/; s/.*\(....\)$/\1/'; }

# ensure_dir PATH MODE OWNER: creates it, or corrects a wrong mode (and, installed for real, owner).
ensure_dir() {
  local p
  p=$(R "$1")
  if [ ! -d "$p" ]; then
    mkdir -p "$p"
    set_mode "$2" "$1"
    set_owner "$3" "$1"
    return
  fi
  [ "$(mode_of "$p")" = "$2" ] || set_mode "$2" "$1"
  if [ -z "$ROOT" ] && [ "$(stat -c '%U:%G' "$p")" != "$3" ]; then set_owner "$3" "$1"; fi
}

# ensure_link TARGET PATH: a symlink, replaced by a rename only when it points elsewhere.
ensure_link() {
  local p
  p=$(R "$2")
  [ "$(readlink "$p" 2>/dev/null || true)" != "$1" ] || return 0
  ln -sfn "$1" "$p.new"
  mv -T "$p.new" "$p"
}

# install_file SRC PATH MODE OWNER: copies SRC unless PATH already has its bytes and mode.
# Returns 0 when it wrote, 1 when PATH was already right.
install_file() {
  local p
  p=$(R "$2")
  [ -f "$1" ] || die "the release lacks ${1#"$ROOT"}"
  if [ -f "$p" ] && cmp -s "$1" "$p" && [ "$(mode_of "$p")" = "$3" ]; then return 1; fi
  mkdir -p "$(dirname "$p")"
  cp "$1" "$p.new"
  place_file "$p.new" "$2" "$3" "$4"
}

# place_file STAGED PATH MODE OWNER: renames a staged file into place unless identical (then drops it).
place_file() {
  local p
  p=$(R "$2")
  if [ -f "$p" ] && cmp -s "$1" "$p" && [ "$(mode_of "$p")" = "$3" ]; then
    rm -f "$1"
    return 1
  fi
  chmod "$3" "$1"
  [ -n "$ROOT" ] || chown "$4" "$1"
  mv -f "$1" "$p"
  [ -z "$ROOT" ] || printf 'chmod %s %s\nchown %s %s\n' "$3" "$2" "$4" "$2" >>"$LOG"
  return 0
}

have_group() {
  if [ -n "$ROOT" ]; then
    grep -q "^$1:" "$ROOT/etc/group" 2>/dev/null || [ -n "$(logged_last "^groupadd .* $1\$")" ]
  else
    getent group "$1" >/dev/null
  fi
}

have_user() {
  if [ -n "$ROOT" ]; then
    local last
    grep -q "^$1:" "$ROOT/etc/passwd" 2>/dev/null && return 0
    last=$(logged_last "^(useradd|userdel) .*$1\$")
    [ "${last%% *}" = useradd ]
  else
    getent passwd "$1" >/dev/null
  fi
}

service_enabled() {
  if [ -n "$ROOT" ]; then
    local last
    last=$(logged_last '^systemctl (enable|disable)( --now)? elevgw\.service$')
    [ "${last#systemctl enable}" != "$last" ]
  else
    systemctl is-enabled --quiet elevgw.service 2>/dev/null
  fi
}

check_tarball_sum() {
  local sumfile=$1.sha256 expected name actual
  [ -f "$sumfile" ] || die "$sumfile is missing: copy it together with the tarball (it is how a damaged copy is caught)"
  read -r expected name <"$sumfile" || true
  [ "${name#\*}" = "$(basename "$1")" ] || die "$sumfile is for ${name#\*}, not $(basename "$1")"
  actual=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$actual" = "$expected" ] || die "$1 is damaged: its sha256 is $actual, $sumfile says $expected"
}

# A release runs only on its CPU; ELEVGW_NODE_EXEC (qemu, see docs/release.md) runs another here.
check_arch() {
  local machine
  case $(uname -m) in
    aarch64 | arm64) machine=linux-arm64 ;;
    armv7l | armv8l) machine=linux-armv7l ;;
    x86_64) machine=linux-x64 ;;
    *) machine=unknown ;;
  esac
  [ "$1" = "$machine" ] || [ -n "${ELEVGW_NODE_EXEC:-}" ] || die "this is a $1 release but this machine is $(uname -m): take the $machine release"
}

# release_problem DIR VERSION TARGET: prints what is wrong with an unpacked release, nothing when
# every file is as MANIFEST.sha256 says, there is no other file, and the only symlinks are those
# release.json lists, pointing where it says.
release_problem() {
  local dir=$1 listed present links want l t
  if [ ! -f "$dir/MANIFEST.sha256" ] || [ ! -f "$dir/release.json" ]; then echo "no MANIFEST.sha256 or release.json" && return; fi
  (cd "$dir" && sha256sum -c --strict --quiet MANIFEST.sha256 >/dev/null 2>&1) || { echo "files do not match MANIFEST.sha256" && return; }
  listed=$(sed -E 's/^[0-9a-f]{64} [ *]//' "$dir/MANIFEST.sha256" | LC_ALL=C sort)
  present=$(cd "$dir" && find . -type f ! -path ./MANIFEST.sha256 -printf '%P\n' | LC_ALL=C sort)
  [ "$listed" = "$present" ] || { echo "it holds files MANIFEST.sha256 does not list: $(comm -13 <(echo "$listed") <(echo "$present") | head -n 3 | tr '\n' ' ')" && return; }
  [ -z "$(find "$dir" ! -type f ! -type d ! -type l)" ] || { echo "it holds special files" && return; }
  if ! grep -q "\"version\": \"$2\"" "$dir/release.json" || ! grep -q "\"target\": \"$3\"" "$dir/release.json"; then
    echo "release.json does not say version $2, target $3" && return
  fi
  want=$(sed -n '/"symlinks": {/,/}/p' "$dir/release.json" | sed -nE 's/^ *"([^"]+)": "([^"]+)",?$/\1 \2/p' | LC_ALL=C sort)
  links=$(cd "$dir" && find . -type l -printf '%P\n' | LC_ALL=C sort)
  [ "$links" = "$(echo "$want" | cut -d' ' -f1)" ] || { echo "its symlinks ($(echo "$links" | tr '\n' ' ')) are not those release.json lists" && return; }
  while read -r l t; do
    [ -z "$l" ] || [ "$(readlink "$dir/$l")" = "$t" ] || { echo "$l points to $(readlink "$dir/$l"), release.json says $t" && return; }
  done <<<"$want"
}

# A private copy of the credentials, as systemd's LoadCredential= gives the service: prints its directory.
credentials_for_validation() {
  local d
  d=$(mktemp -d "${TMPDIR:-/tmp}/elevgw-credentials.XXXXXX")
  if [ -f "$1" ]; then cp "$1" "$d/credentials"; else : >"$d/credentials"; fi
  chmod 0400 "$d/credentials"
  [ -n "$ROOT" ] || chown -R elevgw:elevgw "$d"
  echo "$d"
}

# validate_as_service RELEASE CONFIG CREDS_DIR: the unit's ExecStartPre, run before the unit does —
# as the service user when installing for real, so a file only root can read is caught now.
validate_as_service() {
  local cmd=("$1/bin/elevgw" config validate "$2" --strict)
  if [ -n "$ROOT" ]; then
    CREDENTIALS_DIRECTORY=$3 "${cmd[@]}"
  else
    chgrp elevgw "$2" && chmod 0640 "$2"
    runuser -u elevgw -- env CREDENTIALS_DIRECTORY="$3" "${cmd[@]}"
  fi
}

set_timezone() {
  local now
  if [ -n "$ROOT" ]; then
    now=$(logged_last '^timedatectl set-timezone ' | cut -d' ' -f3)
    [ -n "$now" ] || now=$(readlink "$ROOT/etc/localtime" 2>/dev/null | sed 's|.*/zoneinfo/||' || true)
  else
    now=$(timedatectl show -p Timezone --value 2>/dev/null || readlink /etc/localtime | sed 's|.*/zoneinfo/||' || true)
  fi
  [ "$now" != "$1" ] || return 0
  if [ -n "$ROOT" ] || timedatectl set-timezone "$1" 2>/dev/null; then
    [ -z "$ROOT" ] || sys timedatectl set-timezone "$1"
  else
    # No timedated (a chroot, a system without dbus): what it would have written.
    ln -sfn "/usr/share/zoneinfo/$1" /etc/localtime
    echo "$1" >/etc/timezone
  fi
}

# prune_releases KEEP PREVIOUS: keeps the release just installed and the one before it (to go
# back to); removes the others.
prune_releases() {
  local d
  for d in "$(R /opt/elevgw/releases)"/*; do
    [ -d "$d" ] || continue
    case ${d##*/} in "$1" | "$2") continue ;; esac
    rm -rf "$d"
  done
}
