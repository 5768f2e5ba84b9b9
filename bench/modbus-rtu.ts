import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusQueue } from '../drivers/kernel/bus-queue.js';
import { ModbusDriver } from '../drivers/modbus/driver.js';
import { modbusRtuLink, RtuPorts } from '../drivers/modbus/rtu-link.js';
import type { ModbusBoardProfile } from '../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../src/config/load.js';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import { startPtyPair } from '../src/sim/pty-pair.js';
import { startSimModbusRtu } from '../src/sim/rtu-host.js';
import { parseSimScenario } from '../src/sim/scenario.js';

const REGISTERS = 6;
const REQUEST_BYTES = 8; // unit, FC3, address, quantity, CRC
const RESPONSE_BYTES = 5 + 2 * REGISTERS; // unit, FC3, byte count, data, CRC
/** Modbus RTU characters are 11 bits: start, 8 data, parity (or a 2nd stop bit), stop. 8N1 would be 10. */
const BITS_PER_CHAR = 11;
const RUN_MS = 3000;

/**
 * Theoretical time on an RS-485 line for one read of 6 holding registers: request and response
 * characters, plus two t3.5 silences (end of request, end of response before the next request).
 */
function wireMsPerTransaction(baudRate: number, bitsPerChar = BITS_PER_CHAR): number {
  const chars = (REQUEST_BYTES + RESPONSE_BYTES) * bitsPerChar;
  const gap = baudRate > 19_200 ? 1.75 : (3.5 * bitsPerChar * 1000) / baudRate;
  return (chars * 1000) / baudRate + 2 * gap;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Modbus RTU throughput through the production path (ModbusDriver → RTU link → serialport → pty)
 * against the simulator's RTU slave on the other end of a socat pty pair (same process). A pty
 * moves bytes at once whatever the baud rate, so the measured time is software (both ends) plus
 * the t3.5 silence the link waits before each request at that baud rate; the wire time the same
 * transaction would take on a real line is computed alongside.
 */
export async function benchModbusRtu(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'elevgw-bench-rtu-'));
  const pair = await startPtyPair(dir);
  const sim = await startSimModbusRtu({ path: pair.a, unitId: 1, scenario: parseSimScenario({ name: 'idle', durationS: 3600 }), timeScale: 1, loop: true });
  const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'generic-modbus-controller.yaml')) as ModbusBoardProfile;
  const out: Record<string, number | string> = {
    'rtu assumption': `read of ${REGISTERS} holding registers: ${REQUEST_BYTES} + ${RESPONSE_BYTES} bytes, ${BITS_PER_CHAR} bits/char, + 2 × t3.5`,
  };
  try {
    for (const baudRate of [9600, 115_200]) {
      const ports = new RtuPorts();
      const driver = new ModbusDriver({
        board,
        unitId: 1,
        link: modbusRtuLink({ path: pair.b, baudRate, parity: 'none' }, ports),
        clock: systemClock,
        logger: silentLogger,
        bus: new BusQueue(),
      });
      await driver.open();
      for (let i = 0; i < 50; i++) await driver.poll('fast'); // warm-up
      const gapBefore = ports.port(pair.b)?.gapWaitMs ?? 0;
      const latencies: number[] = [];
      const t0 = performance.now();
      while (performance.now() - t0 < RUN_MS) {
        const s = performance.now();
        await driver.poll('fast');
        latencies.push(performance.now() - s);
      }
      const elapsed = performance.now() - t0;
      const gapWaitMs = (ports.port(pair.b)?.gapWaitMs ?? 0) - gapBefore;
      await driver.close();
      const h = driver.health();
      latencies.sort((a, b) => a - b);
      const n = latencies.length;
      const tag = `rtu ${baudRate} baud`;
      out[`${tag}: transactions/s over pty (measured)`] = Math.round(n / (elapsed / 1000));
      out[`${tag}: ms/transaction measured (median, p99)`] = `${percentile(latencies, 50).toFixed(2)}, ${percentile(latencies, 99).toFixed(2)}`;
      out[`${tag}: failed transactions`] = h.failures;
      out[`${tag}: wire ms/transaction (theoretical)`] = Number(wireMsPerTransaction(baudRate).toFixed(2));
      out[`${tag}: transactions/s on a real line (theoretical max)`] = Math.floor(1000 / wireMsPerTransaction(baudRate));
      // On a pty the wire time is ~0: what is left after the link's own t3.5 waits is software, both ends.
      out[`${tag}: t3.5 wait ms/transaction (link, 8N1 here)`] = Number((gapWaitMs / n).toFixed(3));
      out[`${tag}: software ms/transaction (measured − t3.5 wait)`] = Number(((elapsed - gapWaitMs) / n).toFixed(3));
    }
  } finally {
    await sim.close();
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
