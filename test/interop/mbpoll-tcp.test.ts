import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimModbusTcp, type SimModbusTcp } from '../../src/sim/host.js';
import { encodeControllerRegisters } from '../../src/sim/modbus-map.js';
import { parseSimScenario } from '../../src/sim/scenario.js';
import { mbpoll } from './mbpoll.js';

/** Interop: Debian's mbpoll, a third-party Modbus master, reads the simulator's Modbus TCP slave. */
describe('mbpoll reads the simulator over Modbus TCP', () => {
  let sim: SimModbusTcp;

  beforeAll(async () => {
    // Idle at the bottom landing: nothing moves, only the heartbeat counts.
    sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: parseSimScenario({ name: 'idle', durationS: 3600 }), timeScale: 1, loop: true });
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('prints the generic controller map of registers 0–5 (mbpoll references are one-based)', async () => {
    const printed = await mbpoll(['-m', 'tcp', '-a', '1', '-r', '1', '-c', '6', '-p', String(sim.port), '127.0.0.1']);
    const expected = encodeControllerRegisters(sim.sim.state()).slice(0, 6);
    expect(printed).toHaveLength(6);
    expect(printed.slice(0, 5)).toEqual(expected.slice(0, 5));
    expect(Math.abs(printed[5]! - expected[5]!)).toBeLessThanOrEqual(1); // the heartbeat may tick in between
    // Door closed, safety and lock circuits closed, mains present: bits 0, 3, 4, 9 (+ zone bit 2).
    expect(printed[3]! & 0b10_0001_1001).toBe(0b10_0001_1001);
  });

  it('gets exception 2 for registers beyond the map', async () => {
    await expect(mbpoll(['-m', 'tcp', '-a', '1', '-r', '1', '-c', '60', '-p', String(sim.port), '127.0.0.1'])).rejects.toThrow(/Illegal data address/i);
  });
});
