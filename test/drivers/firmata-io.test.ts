import { afterTurns } from '../helpers/turns.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { firmataIoConnector } from '../../drivers/firmata/firmata-io.js';
import { StandardFirmataPeer } from '../helpers/standard-firmata.js';

/** The bytes `wanted` reach the board, in order and together (a write lands on a later turn). */
const sentBytes = (peer: StandardFirmataPeer, wanted: number[]) => afterTurns(() => expect(peer.sent().includes(Buffer.from(wanted))).toBe(true));

let peer: StandardFirmataPeer;
beforeEach(() => {
  StandardFirmataPeer.reset();
  peer = new StandardFirmataPeer();
});
afterEach(() => StandardFirmataPeer.reset());

/** The installed firmata-io, as `elevgw run` loads it, talking to StandardFirmata on a mock serial device. */
async function connected() {
  const connecting = firmataIoConnector({ path: peer.path, baudRate: 57600, ports: peer.ports })();
  await peer.handshake();
  return connecting;
}

describe('firmata-io adapter (the real optional package, over elevgw serialport)', () => {
  it('opens the port, waits for the StandardFirmata handshake, and sets pins up on the board', async () => {
    const io = await connected();
    io.pinMode(2, 'pullup');
    io.setSamplingInterval(100);
    const levels: number[] = [];
    const samples: number[] = [];
    io.digitalRead(2, (v) => levels.push(v));
    io.analogRead(0, (v) => samples.push(v));
    await sentBytes(peer, [0xf4, 2, 0x0b]); // SET_PIN_MODE D2 PULLUP
    await sentBytes(peer, [0xf0, 0x7a, 100, 0, 0xf7]); // SAMPLING_INTERVAL 100 ms
    await sentBytes(peer, [0xd0, 1]); // REPORT_DIGITAL port 0 on
    await sentBytes(peer, [0xc0, 1]); // REPORT_ANALOG A0 on
    peer.digital(2, 1);
    peer.analog(0, 614);
    await afterTurns(() => expect([levels, samples]).toEqual([[1], [614]]));
    await io.close();
    expect(peer.port.isOpen).toBe(false);
  });

  it('reports the board lost when the USB port goes away', async () => {
    const io = await connected();
    const lost = vi.fn();
    io.onLost(lost);
    const binding = peer.port.port as unknown as { pendingRead: ((err?: Error) => void) | null };
    await afterTurns(() => expect(binding.pendingRead).not.toBeNull());
    binding.pendingRead!(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
    await afterTurns(() => expect(lost).toHaveBeenCalledWith('closed'));
  });

  it('gives up on a board that never answers, and closes the port', async () => {
    await expect(firmataIoConnector({ path: peer.path, baudRate: 57600, ports: peer.ports, readyTimeoutMs: 30 })()).rejects.toThrow(/no Firmata handshake within 30 ms/);
    expect(peer.port.isOpen).toBe(false);
  });
});
