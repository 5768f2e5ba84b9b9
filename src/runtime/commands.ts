import type { LoadedElevator } from '../config/load.js';
import type { CommandName, CommandRequest } from '../contract/commands.js';
import type { IndicatorId } from '../contract/health.js';
import type { StatusPayload } from '../contract/payloads.js';
import { ElevgwError } from '../core/errors.js';
import type { ElevatorMonitor } from './monitor.js';
import { elevatorState } from './payload.js';
import { VERSION } from './version.js';

export interface CommandContext {
  wallNow: () => number;
  status: () => StatusPayload;
  uplink: () => unknown;
  storage: () => unknown;
  elevators: ReadonlyMap<string, { elevator: LoadedElevator; monitor: ElevatorMonitor }>;
  /** Forgets an elevator's early-warning baselines (stored as events by the gateway); what was reset. */
  resetBaseline: (elevatorId: string, filter: { indicator?: IndicatorId; floor?: number }, by: string) => unknown;
}

/**
 * Executes a validated platform command. Nothing here writes to a controller or the config;
 * `reset-baseline` changes only the gateway's own early-warning baselines (and says so in an
 * event). A request naming an elevator this gateway does not have is invalid (COMMAND_INVALID),
 * not a failure to serve it.
 */
export function executeCommand(ctx: CommandContext, name: CommandName, args: CommandRequest['args'] = {}): unknown {
  const elevatorId = args.elevatorId;
  switch (name) {
    case 'reset-baseline': {
      if (elevatorId === undefined || !ctx.elevators.has(elevatorId))
        throw new ElevgwError('COMMAND_INVALID', `unknown elevator "${elevatorId}" (expected one of: ${[...ctx.elevators.keys()].join(', ')})`);
      return ctx.resetBaseline(elevatorId, { ...(args.indicator ? { indicator: args.indicator } : {}), ...(args.floor === undefined ? {} : { floor: args.floor }) }, 'platform');
    }
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
            state: elevatorState(m.signals, e),
            driver: m.driverHealth(),
            activeFaults: m.engine.active(),
            earlyWarnings: m.pipeline.detection.health?.activeCauses() ?? [],
            samples: m.samples,
          };
        }),
      };
    }
  }
}
