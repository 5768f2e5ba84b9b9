import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { createLogger } from '../core/log.js';
import { createDriver } from '../../drivers/factory.js';
import { SignalNormalizer } from '../signals/normalize.js';
import { runningState } from '../runtime/payload.js';
import { parseArg } from './args.js';

/**
 * `elevgw diag signals`: the live signals of one elevator, read through its board profile, one
 * line per sample — for a technician on site with a laptop. Read-only; it opens the bus itself,
 * so stop the gateway service first on a serial bus (one master per RS-485 line).
 */
export function registerDiagSignals(diag: Command): void {
  diag
    .command('signals')
    .description('live signals of an elevator through its board profile (read-only; stop the service first on a serial bus)')
    .requiredOption('-c, --config <file>', 'site config (YAML)')
    .option('--elevator <id>', 'which elevator (default: the first)')
    .option('--interval <ms>', 'sample period', '500')
    .option('--count <n>', 'stop after this many samples (default: until Ctrl-C)')
    .action(async (opts: { config: string; elevator?: string; interval: string; count?: string }) => {
      const interval = parseArg(z.coerce.number().int().min(50).max(60_000), opts.interval, '--interval');
      const count = opts.count === undefined ? Infinity : parseArg(z.coerce.number().int().positive(), opts.count, '--count');
      const config = loadConfig(opts.config);
      const e = opts.elevator === undefined ? config.elevators[0] : config.elevators.find((x) => x.config.id === opts.elevator);
      if (!e) throw new Error(`--elevator: no elevator "${opts.elevator}" (expected one of: ${config.elevators.map((x) => x.config.id).join(', ')})`);
      const logger = createLogger({ level: 'warn', destination: process.stderr });
      const driver = await createDriver({ board: e.board, connection: e.config.connection, clock: systemClock, logger });
      const normalizer = new SignalNormalizer(e.board, { floorLevelsMm: e.config.floors.map((f) => f.levelMm), stationaryMps: e.thresholds.stationaryMps, staleAfterMs: Math.max(3000, 3 * interval) });
      let stop = false;
      process.once('SIGINT', () => (stop = true));
      await driver.open();
      console.log(`${e.config.id} on ${e.board.id} (${e.board.transport}) — every ${interval} ms, read-only`);
      try {
        for (let i = 0; i < count && !stop; i++) {
          const started = performance.now();
          for (const g of e.board.pollGroups) normalizer.update(await driver.poll(g.name));
          const st = runningState(normalizer.snapshot(systemClock.now()), e.config.floors, e.thresholds.stationaryMps);
          const h = driver.health();
          const flags = (['doorZone', 'occupied', 'safetyCircuit', 'doorClosedAndLocked', 'mainsPower', 'inspection'] as const)
            .filter((k) => st[k] !== undefined)
            .map((k) => `${k}=${st[k] ? 1 : 0}`)
            .join(' ');
          const time = new Date().toISOString().slice(11, 23);
          console.log(
            `${time} floor ${st.floor ?? '?'} pos ${st.positionMm ?? '?'} mm ${st.speedMps?.toFixed(2) ?? '?'} m/s door ${st.door ?? '?'} ${flags} | driver ${h.state}${h.lastErrorCode ? ` (${h.lastErrorCode})` : ''}${st.badSignals ? ` | bad: ${st.badSignals.join(',')}` : ''}`,
          );
          if (i + 1 < count) await new Promise((r) => setTimeout(r, Math.max(0, interval - (performance.now() - started))));
        }
      } finally {
        await driver.close();
      }
    });
}
