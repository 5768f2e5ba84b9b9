import { describe, expect, it } from 'vitest';
import { modbusBoardSchema } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoards } from '../../src/config/load.js';
import { FakeClock } from '../../src/core/clock.js';
import { modbusError } from '../../drivers/modbus/errors.js';
import type { ReadBlock } from '../../drivers/modbus/plan.js';
import { type BlockReader, matchDevices, matchReadsPerDevice, modbusProfiles } from '../../src/diag/profile-match.js';

/**
 * Matching devices to board profiles, from the profiles' own data: an in-memory device per case
 * (its tables as functions of sample time), the shipped profiles, and a FakeClock for the wait
 * between the two heartbeat reads.
 */
const shipped = modbusProfiles([...loadBoards([BUILTIN_BOARDS_DIR]).values()].map((b) => b.profile));

interface Tables {
  holding?: (now: number) => number[];
  input?: (now: number) => number[];
  discrete?: () => boolean[];
}

function device(clock: FakeClock, t: Tables): BlockReader {
  return {
    async read(_unit, block: ReadBlock) {
      const table =
        block.table === 'holding' ? t.holding?.(clock.now()) : block.table === 'input' ? t.input?.(clock.now()) : block.table === 'discrete' ? t.discrete?.() : undefined;
      if (!table) throw modbusError('MODBUS_EXCEPTION', 'exception 1', 1);
      if (block.address + block.count > table.length) throw modbusError('MODBUS_EXCEPTION', 'exception 2', 2);
      const part = table.slice(block.address, block.address + block.count);
      return typeof part[0] === 'boolean' ? { block, bits: part as boolean[] } : { block, words: part as number[] };
    },
  };
}

async function match(t: Tables, profiles = shipped) {
  const clock = new FakeClock();
  const p = matchDevices(device(clock, t), [1], profiles, { timeoutMs: 200, io: clock });
  await clock.advanceAsync(1300);
  return (await p).get(1)!;
}

/** The generic map: 6.003 m, standing, status bits 0 3 4 9, floor 2; heartbeat per second unless frozen. */
const controllerMap =
  (o: { heartbeat?: 'counting' | 'frozen'; position?: number; status?: number; extra?: number[] } = {}) =>
  (now: number) => [
    (o.position ?? 6003) >>> 16,
    (o.position ?? 6003) & 0xffff,
    0,
    o.status ?? 0b10_0001_1001,
    2,
    o.heartbeat === 'frozen' ? 7 : Math.floor(now / 1000),
    ...(o.extra ?? []),
  ];
const eightInputs = () => [true, false, false, true, false, true, true, true];

describe('which board profile a device fits', () => {
  it('a counting controller with the generic map: generic-modbus-controller, and the DI profile it also serves', async () => {
    const m = await match({ holding: controllerMap(), discrete: eightInputs });
    expect(m.best).toBe('generic-modbus-controller');
    expect(m.fits).toEqual(['generic-modbus-controller', 'rs485-di-module']);
    expect(m.verdicts.find((v) => v.profile === 'sim-modbus')).toMatchObject({ fits: false, why: { kind: 'read-failed', table: 'holding', address: 0, count: 7, exception: 2 } });
  });

  it('register 6 with the zone sensors as well: the simulator map, which explains more points', async () => {
    const m = await match({ holding: controllerMap({ extra: [0b11] }), discrete: eightInputs });
    expect(m.best).toBe('sim-modbus');
  });

  it('a frozen heartbeat is no running controller', async () => {
    const m = await match({ holding: controllerMap({ heartbeat: 'frozen' }) });
    expect(m.best).toBeNull();
    expect(m.verdicts.find((v) => v.profile === 'generic-modbus-controller')).toMatchObject({
      fits: false,
      why: { kind: 'heartbeat-frozen', point: 'heartbeat', value: 7, afterMs: 1200 },
    });
  });

  it('implausible values rule a profile out: a position of 2,000 km, bits beyond the status word, a door both closed and open', async () => {
    const far = await match({ holding: controllerMap({ position: 2_000_000_000 }) });
    expect(far.verdicts[0]).toMatchObject({ profile: 'generic-modbus-controller', fits: false, why: { kind: 'out-of-range', point: 'position', value: 2_000_000_000 } });
    const stray = await match({ holding: controllerMap({ status: 0xf019 }) });
    expect(stray.verdicts[0]).toMatchObject({ fits: false, why: { kind: 'stray-bits', address: 3, word: 0xf019, highestBit: 11 } });
    const door = await match({ holding: controllerMap({ status: 0b11 }) });
    expect(door.verdicts[0]).toMatchObject({ fits: false, why: { kind: 'door-closed-and-open' } });
  });

  it('discrete inputs only: the DI module', async () => {
    const m = await match({ discrete: eightInputs });
    expect([m.best, m.fits]).toEqual(['rs485-di-module', ['rs485-di-module']]);
  });

  it('a new profile is matched from its data alone (input registers, a heartbeat at another address)', async () => {
    const custom = modbusBoardSchema().parse({
      id: 'ir-controller',
      transport: 'modbus-rtu',
      pollGroups: [{ name: 'fast', intervalMs: 100 }],
      points: [
        { name: 'pos', signal: 'positionMm', group: 'fast', source: { table: 'input', address: 10, type: 'uint16' } },
        { name: 'beat', signal: 'heartbeat', group: 'fast', source: { table: 'input', address: 11 } },
      ],
    });
    const m = await match({ input: (now) => [...Array(10).fill(0), 4500, Math.floor(now / 1000)] }, [...shipped, custom]);
    expect(m.best).toBe('ir-controller');
  });

  it('budgets two attempts of every distinct read, heartbeats read twice: 8 reads for the shipped profiles', () => {
    // generic 0–5, sim 0–6, DI 0–7 (3 blocks), then the heartbeat register once more (1): × 2 attempts.
    expect(matchReadsPerDevice(shipped)).toBe(8);
  });

  /** Holding 200 (position) and 206 (heartbeat): the planner joins them into one read of 200–206. */
  const gapped = modbusBoardSchema().parse({
    id: 'gapped-controller',
    transport: 'modbus-rtu',
    pollGroups: [{ name: 'fast', intervalMs: 100 }],
    points: [
      { name: 'pos', signal: 'positionMm', group: 'fast', source: { table: 'holding', address: 200, type: 'uint16' } },
      { name: 'beat', signal: 'heartbeat', group: 'fast', source: { table: 'holding', address: 206 } },
    ],
  });

  it('a controller that refuses the unnamed registers between two points is matched from the points alone', async () => {
    const clock = new FakeClock();
    const asked: string[] = [];
    const served = (now: number) =>
      new Map([
        [200, 4500],
        [206, Math.floor(now / 1000)],
      ]);
    const reader: BlockReader = {
      async read(_unit, block) {
        asked.push(`${block.table}:${block.address}+${block.count}`);
        const regs = served(clock.now());
        const words = Array.from({ length: block.count }, (_, i) => regs.get(block.address + i));
        if (block.table !== 'holding' || words.some((w) => w === undefined)) throw modbusError('MODBUS_EXCEPTION', 'exception 2', 2);
        return { block, words: words as number[] };
      },
    };
    const p = matchDevices(reader, [1], [...shipped, gapped], { timeoutMs: 200, io: clock });
    await clock.advanceAsync(1300);
    const m = (await p).get(1)!;
    expect(m.best).toBe('gapped-controller');
    expect(m.verdicts.find((v) => v.profile === 'gapped-controller')).toEqual({ profile: 'gapped-controller', fits: true, points: 2, heartbeat: true });
    // The joined read was tried once (an exception is an answer), then its two named registers.
    expect(asked.filter((a) => a.startsWith('holding:20'))).toEqual(['holding:200+7', 'holding:200+1', 'holding:206+1', 'holding:206+1']);
    expect(matchReadsPerDevice([...shipped, gapped])).toBe(8 + (1 + 2 + 1) * 2);
  });

  it('a named register refused as well still rules the profile out, naming that register', async () => {
    const reader: BlockReader = {
      async read(_unit, block) {
        if (block.table === 'holding' && block.address === 206 && block.count === 1) return { block, words: [1] };
        throw modbusError('MODBUS_EXCEPTION', 'exception 2', 2);
      },
    };
    const clock = new FakeClock();
    const m = (await matchDevices(reader, [1], [gapped], { timeoutMs: 200, io: clock })).get(1)!;
    expect(m.best).toBeNull();
    expect(m.verdicts[0]).toMatchObject({ fits: false, why: { kind: 'read-failed', table: 'holding', address: 200, count: 1, exception: 2 } });
  });
});
