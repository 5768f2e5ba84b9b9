import type { LoadedElevator } from '../config/load.js';
import type { CommandName } from '../contract/commands.js';
import type { StatusPayload } from '../contract/payloads.js';
import { ElevgwError } from '../core/errors.js';
import type { ElevatorMonitor } from './monitor.js';
import { runningState } from './payload.js';
import { VERSION } from './version.js';

export interface CommandContext {
  wallNow: () => number;
  status: () => StatusPayload;
  uplink: () => unknown;
  storage: () => unknown;
  elevators: ReadonlyMap<string, { elevator: LoadedElevator; monitor: ElevatorMonitor }>;
}

/**
 * Executes a validated platform command. Read-only: nothing here writes to a controller, the
 * config or the outbox. A request naming an elevator this gateway does not have is invalid
 * (COMMAND_INVALID), not a failure to serve it.
 */
export function executeCommand(ctx: CommandContext, name: CommandName, elevatorId?: string): unknown {
  switch (name) {
    case 'ping':
      return { pong: true, at: new Date(ctx.wallNow()).toISOString(), version: VERSION };
    case 'diagnostics': {
      const ids = elevatorId === undefined ? [...ctx.elevators.keys()] : [elevatorId];
      const unknown = ids.filter((id) => !ctx.elevators.has(id));
      if (unknown.length) throw new ElevgwError('COMMAND_INVALID', `unknown elevator "${unknown[0]}" (expected one of: ${[...ctx.elevators.keys()].join(', ')})`);
      return {
        status: ctx.status(),
        uplink: ctx.uplink(),
        storage: ctx.storage(),
        elevators: ids.map((id) => {
          const { elevator: e, monitor: m } = ctx.elevators.get(id)!;
          return {
            id,
            state: runningState(m.signals, e.config.floors, e.thresholds.stationaryMps),
            driver: m.driverHealth(),
            activeFaults: m.engine.active(),
            samples: m.samples,
          };
        }),
      };
    }
  }
}
