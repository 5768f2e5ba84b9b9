import type { Command } from 'commander';
import { z } from 'zod';
import { ElevgwError } from '../core/errors.js';
import { SENSORBOX } from '../sim/serial-sensorbox.js';
import { SCENARIOS } from '../sim/scenarios.js';
import { parseArg, hostPortSchema, speedSchema } from './args.js';
import { onShutdown } from './shutdown.js';

// The servers are imported inside the action: `elevgw run` builds this command tree too and must
// not carry the simulator (issue 15). Only the scenario names and the sensor box's baud rate,
// which the help shows, are loaded up front.

interface SimOptions {
  modbusTcp?: string;
  modbusRtu?: string;
  serial?: string;
  baud: string;
  scenario: string;
  speed: string;
  unitId: string;
  loop?: boolean;
}

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('serve the virtual elevator over a field protocol, for tests, demos and driver development')
    .option('--modbus-tcp <host:port>', 'serve the generic controller map (boards/sim-modbus.yaml) as a Modbus TCP slave')
    .option('--modbus-rtu <path>', 'serve the same map as a Modbus RTU slave on a serial path (e.g. one end of a socat pty pair)')
    .option(
      '--serial <path>',
      `push serial-sensorbox frames (boards/serial-sensorbox.yaml, docs/serial-sensorbox.md) at 20 Hz to a serial path; --baud defaults to ${SENSORBOX.baudRate} there`,
    )
    .option('--baud <rate>', 'baud rate for --modbus-rtu (8N1)', '9600')
    .option('--scenario <name>', `scenario: ${Object.keys(SCENARIOS).join(', ')}`, 'normal')
    .option('--speed <factor>', 'simulated time runs this many times faster', '1')
    .option('--unit-id <id>', 'Modbus unit id', '1')
    .option('--loop', 'restart the scenario when it ends')
    .action(async (opts: SimOptions, cmd: Command) => {
      if ([opts.modbusTcp, opts.modbusRtu, opts.serial].filter((o) => o !== undefined).length !== 1) {
        throw new ElevgwError('CONFIG_INVALID', 'give exactly one of --modbus-tcp HOST:PORT, --modbus-rtu PATH or --serial PATH');
      }
      const scenario = parseArg(z.enum(Object.keys(SCENARIOS) as [string, ...string[]]), opts.scenario, '--scenario');
      const speed = parseArg(speedSchema, opts.speed, '--speed');
      const common = { scenario: SCENARIOS[scenario]!.scenario, timeScale: speed, loop: opts.loop === true };
      // A machine-readable first line, so scripts and tests know where the simulator is.
      if (opts.serial !== undefined) {
        const baud = cmd.getOptionValueSource('baud') === 'default' ? String(SENSORBOX.baudRate) : opts.baud;
        const baudRate = parseArg(z.coerce.number().int().positive(), baud, '--baud');
        const { startSimSerialSensorbox } = await import('../sim/serial-sensorbox-server.js');
        const sim = await startSimSerialSensorbox({ path: opts.serial, baudRate, ...common });
        console.log(JSON.stringify({ sim: 'serial-sensorbox', path: sim.path, baudRate, frameHz: SENSORBOX.frameHz, scenario, speed }));
        onShutdown(() => sim.close());
        return;
      }
      if (opts.modbusRtu !== undefined) {
        const unitId = parseArg(z.coerce.number().int().min(1).max(247), opts.unitId, '--unit-id');
        const baudRate = parseArg(z.coerce.number().int().positive(), opts.baud, '--baud');
        const { startSimModbusRtu } = await import('../sim/rtu-host.js');
        const sim = await startSimModbusRtu({ path: opts.modbusRtu, baudRate, unitId, ...common });
        console.log(JSON.stringify({ sim: 'modbus-rtu', path: sim.path, baudRate, unitId, scenario, speed }));
        onShutdown(() => sim.close());
        return;
      }
      const at = parseArg(hostPortSchema, opts.modbusTcp, '--modbus-tcp');
      const unitId = parseArg(z.coerce.number().int().min(0).max(247), opts.unitId, '--unit-id');
      const { startSimModbusTcp } = await import('../sim/host.js');
      const sim = await startSimModbusTcp({ host: at.host, port: at.port, unitId, ...common });
      console.log(JSON.stringify({ sim: 'modbus-tcp', host: sim.host, port: sim.port, scenario, speed }));
      onShutdown(() => sim.close());
    });
}
