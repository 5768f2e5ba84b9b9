import type { Command } from 'commander';
import { z } from 'zod';
import { startSimModbusTcp } from '../sim/host.js';
import { SCENARIOS } from '../sim/scenarios.js';
import { parseArg, hostPortSchema, speedSchema } from './args.js';
import { onShutdown } from './shutdown.js';

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('serve the virtual elevator over a field protocol, for tests, demos and driver development')
    .requiredOption('--modbus-tcp <host:port>', 'serve the generic controller map (boards/sim-modbus.yaml) as a Modbus TCP slave')
    .option('--scenario <name>', `scenario: ${Object.keys(SCENARIOS).join(', ')}`, 'normal')
    .option('--speed <factor>', 'simulated time runs this many times faster', '1')
    .option('--unit-id <id>', 'Modbus unit id', '1')
    .option('--loop', 'restart the scenario when it ends')
    .action(async (opts: { modbusTcp: string; scenario: string; speed: string; unitId: string; loop?: boolean }) => {
      const at = parseArg(hostPortSchema, opts.modbusTcp, '--modbus-tcp');
      const scenario = parseArg(z.enum(Object.keys(SCENARIOS) as [string, ...string[]]), opts.scenario, '--scenario');
      const speed = parseArg(speedSchema, opts.speed, '--speed');
      const unitId = parseArg(z.coerce.number().int().min(0).max(247), opts.unitId, '--unit-id');
      const sim = await startSimModbusTcp({ host: at.host, port: at.port, unitId, scenario: SCENARIOS[scenario]!.scenario, timeScale: speed, loop: opts.loop === true });
      // A machine-readable first line, so scripts and tests can find the bound port.
      console.log(JSON.stringify({ sim: 'modbus-tcp', host: sim.host, port: sim.port, scenario, speed }));
      onShutdown(() => sim.close());
    });
}
