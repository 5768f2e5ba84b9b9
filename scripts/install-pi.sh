#!/usr/bin/env bash
# Installs elevgw from this checkout onto a Raspberry Pi OS host (arm64 or armv7), as root:
#   sudo scripts/install-pi.sh [/path/to/site.yaml]
# Creates the elevgw system user (groups dialout, gpio), installs to /opt/elevgw, a udev rule
# giving USB RS-485 adapters a stable name, and the systemd unit. Idempotent.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)" >&2; exit 1; }
src="$(cd "$(dirname "$0")/.." && pwd)"
site="${1:-}"

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 20 ] || { echo "Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none))" >&2; exit 1; }

getent group gpio >/dev/null || groupadd --system gpio
id elevgw >/dev/null 2>&1 || useradd --system --home-dir /var/lib/elevgw --groups dialout,gpio --shell /usr/sbin/nologin elevgw
install -d -o elevgw -g elevgw -m 0750 /var/lib/elevgw
install -d -m 0755 /etc/elevgw /opt/elevgw

rsync -a --delete --exclude node_modules --exclude dist --exclude .git --exclude data "$src"/ /opt/elevgw/
cd /opt/elevgw
npm ci --no-audit --no-fund
npm run build
npm prune --omit=dev

if [ -n "$site" ]; then install -m 0640 -g elevgw "$site" /etc/elevgw/site.yaml; fi
[ -f /etc/elevgw/site.yaml ] || install -m 0640 -g elevgw config/site.example.yaml /etc/elevgw/site.yaml

# A stable device name for FTDI/CH340 USB RS-485 adapters: /dev/elevgw-rs485
cat > /etc/udev/rules.d/99-elevgw.rules <<'RULES'
SUBSYSTEM=="tty", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6001", SYMLINK+="elevgw-rs485", GROUP="dialout", MODE="0660"
SUBSYSTEM=="tty", ATTRS{idVendor}=="1a86", ATTRS{idProduct}=="7523", SYMLINK+="elevgw-rs485", GROUP="dialout", MODE="0660"
RULES
udevadm control --reload-rules && udevadm trigger || true

install -m 0644 scripts/elevgw.service /etc/systemd/system/elevgw.service
systemctl daemon-reload
node dist/src/cli/main.js config validate /etc/elevgw/site.yaml
systemctl enable --now elevgw
echo "elevgw installed; logs: journalctl -u elevgw -f"
