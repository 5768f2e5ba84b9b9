import { dirname, join } from 'node:path';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import type { Driver } from '../../drivers/types.js';
import { loadConfig, packageRoot, type LoadedConfig, type LoadedElevator } from '../../src/config/load.js';
import type { Clock } from '../../src/core/clock.js';
import { type Logger, silentLogger } from '../../src/core/log.js';
import type { SimHost } from '../../src/sim/host.js';
import { simModbusLink } from '../../src/sim/modbus-link.js';
import { encodeControllerRegisters } from '../../src/sim/modbus-map.js';

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

/**
 * A gateway's `driverFor` reading a SimHost in process: the real ModbusDriver over the simulator's
 * register map (sim-modbus), synced to the sim's clock on every poll — no socket, sample time.
 */
export function simDriverFor(sim: SimHost, clock: Clock, logger: Logger = silentLogger): (e: LoadedElevator) => Driver {
  return (e) =>
    new ModbusDriver({
      board: e.board as never,
      unitId: 1,
      link: simModbusLink(() => {
        sim.sync();
        return encodeControllerRegisters(sim.state());
      }),
      bus: new BusQueue(),
      clock,
      logger,
    });
}
