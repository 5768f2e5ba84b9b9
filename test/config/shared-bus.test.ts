import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { tempDir } from '../helpers/tmp.js';
import { configProblems } from '../helpers/config-refusal.js';

/**
 * Elevators on one serial path share one bus: only Modbus RTU slaves can, at one baud rate and
 * parity, each with its own unit id. `elevgw init` refuses anything else as it is answered; a
 * hand-written config is refused as it is loaded (`config validate`, and so the installer and `elevgw run`), not left to
 * fail when the gateway opens the port.
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function elevator(id: string, n: number, board: string, connection: string): string {
  return `  - id: ${id}
    registrationCode: "3110420100201908990${n}"
    rescueCode: "r-${id}"
    board: ${board}
    connection: ${connection}
    ratedSpeedMps: 1
    floors: [ { label: "1", levelMm: 0 }, { label: "2", levelMm: 3000 } ]
`;
}

function site(...elevators: string[]): string {
  const text = `version: 1
gateway: { id: gw-bus-01 }
elevators:
${elevators.join('')}uplink: { url: mqtt://127.0.0.1:1883 }
outbox: { path: outbox.db }
`;
  return tmp.file('site.yaml', text);
}

const problemsOf = configProblems;

const RTU = 'rs485-di-module';

describe('one serial path, several elevators', () => {
  it('Modbus RTU slaves at one line setting, each its own unit id: accepted', () => {
    const c = loadConfig(
      site(
        elevator('L1', 1, RTU, '{ path: /dev/ttyUSB0, baudRate: 19200, parity: even, unitId: 1 }'),
        elevator('L2', 2, RTU, '{ path: /dev/ttyUSB0, baudRate: 19200, parity: even, unitId: 2 }'),
        elevator('L3', 3, RTU, '{ path: /dev/ttyUSB1, unitId: 1 }'),
      ),
    );
    expect(c.elevators.map((e) => e.config.id)).toEqual(['L1', 'L2', 'L3']);
  });

  it('two baud rates: the second elevator refused at its connection, naming the first', () => {
    const p = problemsOf(site(elevator('L1', 1, RTU, '{ path: /dev/ttyUSB0, unitId: 1 }'), elevator('L2', 2, RTU, '{ path: /dev/ttyUSB0, baudRate: 19200, unitId: 2 }')));
    expect(p).toEqual([expect.objectContaining({ path: 'elevators[1].connection', line: 15, message: 'elevator L1 on the same bus runs at 9600 baud: a bus has one baud rate' })]);
  });

  it('two parities', () => {
    const p = problemsOf(site(elevator('L1', 1, RTU, '{ path: /dev/ttyUSB0, unitId: 1 }'), elevator('L2', 2, RTU, '{ path: /dev/ttyUSB0, parity: even, unitId: 2 }')));
    expect(p.map((x) => x.message)).toEqual(['elevator L1 on the same bus uses parity none: a bus has one parity']);
  });

  it('one unit id twice (the default, 1, written or not)', () => {
    const p = problemsOf(site(elevator('L1', 1, RTU, '{ path: /dev/ttyUSB0 }'), elevator('L2', 2, RTU, '{ path: /dev/ttyUSB0, unitId: 1 }')));
    expect(p.map((x) => x.message)).toEqual(['elevator L1 on the same bus already has unit id 1']);
  });

  it('a framed serial box on the port of a Modbus RTU bus', () => {
    const p = problemsOf(site(elevator('L1', 1, RTU, '{ path: /dev/ttyUSB0, unitId: 1 }'), elevator('L2', 2, 'serial-sensorbox', '{ path: /dev/ttyUSB0 }')));
    expect(p.map((x) => x.message)).toEqual(['/dev/ttyUSB0 is already used by elevator L1: only Modbus RTU slaves can share a serial port']);
  });

  it('every elevator in conflict is named, each against the first it meets', () => {
    const p = problemsOf(
      site(
        elevator('L1', 1, RTU, '{ path: /dev/ttyUSB0, unitId: 1 }'),
        elevator('L2', 2, RTU, '{ path: /dev/ttyUSB0, unitId: 1 }'),
        elevator('L3', 3, RTU, '{ path: /dev/ttyUSB0, baudRate: 19200, unitId: 3 }'),
      ),
    );
    expect(p.map((x) => `${x.path} ${x.message}`)).toEqual([
      'elevators[1].connection elevator L1 on the same bus already has unit id 1',
      'elevators[2].connection elevator L1 on the same bus runs at 9600 baud: a bus has one baud rate',
    ]);
  });
});

describe('one Modbus TCP interface', () => {
  it('one unit id for two elevators is left to `elevgw init` (a group controller may serve two lifts at one unit id, in two register blocks)', () => {
    const c = loadConfig(site(elevator('L1', 1, 'sim-modbus', '{ host: 10.0.0.5 }'), elevator('L2', 2, 'sim-modbus', '{ host: 10.0.0.5, port: 502 }')));
    expect(c.elevators).toHaveLength(2);
  });
});
