import { readFileSync } from 'node:fs';
import { ElevgwError } from '../core/errors.js';

/** Where systemd keeps the machine's id; the D-Bus copy is the fallback on older images. */
export const MACHINE_ID_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

/**
 * The machine's id (32 hex digits, set once at first boot). Two SD cards flashed from one image
 * before first boot still get different ids; a card cloned after first boot does not, which is
 * why `init` is run on each gateway rather than once and copied.
 */
export function readMachineId(files: readonly string[] = MACHINE_ID_FILES): string {
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch {
      continue;
    }
    if (/^[0-9a-f]{32}$/i.test(text)) return text.toLowerCase();
  }
  throw new ElevgwError('INIT_REFUSED', `no machine id in ${files.join(' or ')}: run systemd-machine-id-setup (as root) and init again`);
}

/**
 * The MQTT client id: the gateway id and the machine. A broker drops the older of two sessions
 * with one client id, so two gateways provisioned with the same gateway id by mistake would
 * knock each other off in turn and each lose its in-flight events; with the machine in the id
 * both stay connected and the platform sees the duplicate gateway id instead.
 */
export function mqttClientId(gatewayId: string, machineId: string): string {
  return `elevgw-${gatewayId}-${machineId.slice(0, 8)}`;
}
