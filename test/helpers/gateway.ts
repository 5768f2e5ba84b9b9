import { dirname, join } from 'node:path';
import { loadConfig, packageRoot, type LoadedConfig } from '../../src/config/load.js';

/** The demo site config pointed at a simulator, a broker and a temp outbox. */
export function siteConfig(opts: { simPort: number; brokerUrl: string; outboxPath: string; timeScale: number; gatewayId?: string }): LoadedConfig {
  const base = loadConfig(join(packageRoot(), 'config', 'demo.yaml'));
  return {
    ...base,
    outboxPath: opts.outboxPath,
    diagSocketPath: join(dirname(opts.outboxPath), 'diag.sock'),
    site: {
      ...base.site,
      gateway: { ...base.site.gateway, id: opts.gatewayId ?? 'it-gw' },
      uplink: { ...base.site.uplink, url: opts.brokerUrl, telemetryIntervalS: 0, reconnectMinMs: 200, reconnectMaxMs: 1000 },
      runtime: { timeScale: opts.timeScale },
    },
    elevators: base.elevators.map((e) => ({ ...e, config: { ...e.config, connection: { host: '127.0.0.1', port: opts.simPort, unitId: 1 } } })),
  };
}

/** YAML text of a site config for a gateway child process. */
export function siteYaml(opts: { simPort: number; brokerUrl: string; outboxPath: string; timeScale: number; gatewayId?: string }): string {
  return `version: 1
gateway: { id: ${opts.gatewayId ?? 'it-gw'} }
elevators:
  - id: E1
    registrationCode: "31104201002026110001"
    rescueCode: "JH-10001"
    board: sim-modbus
    connection: { host: 127.0.0.1, port: ${opts.simPort}, unitId: 1 }
    ratedSpeedMps: 1.75
    floors: [${Array.from({ length: 10 }, (_, i) => `{ label: "${i === 0 ? 'B1' : i}", levelMm: ${i * 3000} }`).join(', ')}]
uplink: { url: "${opts.brokerUrl}", telemetryIntervalS: 0, reconnectMinMs: 200, reconnectMaxMs: 1000 }
outbox: { path: "${opts.outboxPath}" }
runtime: { timeScale: ${opts.timeScale} }
`;
}
