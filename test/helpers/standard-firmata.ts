import { SerialPortMock } from 'serialport';
import { mockBinding, type SerialPortFactory } from '../../drivers/kernel/serial-port.js';
import { afterTurns } from './turns.js';

/** What a StandardFirmata board says of its pins: how many, and which are analog channels (pin → channel). */
export interface FirmataLayout {
  pins: number;
  /** The digital pin of A0; A0…A(n-1) follow it. */
  firstAnalogPin: number;
  analogChannels: number;
  /** Pins StandardFirmata leaves alone (an Uno's D0/D1 carry the serial link): no modes in the capability answer. */
  reserved: readonly number[];
}

/** An Arduino Uno: D0–D13, A0–A5 on pins 14–19, D0/D1 the serial link. */
const UNO: FirmataLayout = { pins: 20, firstAnalogPin: 14, analogChannels: 6, reserved: [0, 1] };

/** A variable, like the driver's: the optional package has no types. */
const FIRMATA_IO = 'firmata-io';

const MODE = { INPUT: 0x00, OUTPUT: 0x01, ANALOG: 0x02, PULLUP: 0x0b } as const;

/** The bytes StandardFirmata sends on reset and in answer to firmata-io's queries: version, firmware, capabilities, analog mapping. */
function standardFirmataHandshake(layout: FirmataLayout = UNO): Buffer {
  const name = [...Buffer.from('StandardFirmata.ino')].flatMap((c) => [c & 0x7f, c >> 7]);
  const isAnalog = (p: number) => p >= layout.firstAnalogPin && p < layout.firstAnalogPin + layout.analogChannels;
  const caps: number[] = [];
  for (let p = 0; p < layout.pins; p++) {
    if (!layout.reserved.includes(p)) caps.push(MODE.INPUT, 1, MODE.OUTPUT, 1, MODE.PULLUP, 1, ...(isAnalog(p) ? [MODE.ANALOG, 10] : []));
    caps.push(0x7f);
  }
  const mapping = Array.from({ length: layout.pins }, (_, p) => (isAnalog(p) ? p - layout.firstAnalogPin : 0x7f));
  return Buffer.from([0xf9, 2, 5, 0xf0, 0x79, 2, 5, ...name, 0xf7, 0xf0, 0x6c, ...caps, 0xf7, 0xf0, 0x6a, ...mapping, 0xf7]);
}

/**
 * An Arduino running StandardFirmata at the far end of a mock serial device (@serialport/binding-mock),
 * for the real firmata-io Board: `ports` is the factory to hand the connector; the peer answers the
 * handshake, reports pin levels and analog samples, and shows what the host sent it.
 */
export class StandardFirmataPeer {
  readonly opened: SerialPortMock[] = [];
  private readonly levels = new Map<number, number>();

  constructor(
    readonly path = '/dev/ttyACM0',
    readonly layout: FirmataLayout = UNO,
  ) {
    mockBinding.createPort(path, { echo: false, record: true });
  }

  readonly ports: SerialPortFactory = (s) => {
    const p = new SerialPortMock({ ...s, autoOpen: false });
    this.opened.push(p);
    return p;
  };

  /** The port of the latest connection. */
  get port(): SerialPortMock {
    const p = this.opened.at(-1);
    if (!p) throw new Error(`nothing opened ${this.path} yet`);
    return p;
  }

  /** Waits for the host to open the port (firmata-io loaded, the Board listening on it). */
  async portOpen(): Promise<void> {
    await import(FIRMATA_IO); // the connector's first import reads files: it takes time, not turns
    await afterTurns(() => {
      if (!this.opened.at(-1)?.isOpen) throw new Error(`${this.path} not open yet`);
    });
  }

  /** Waits for the host to open the port, then answers as StandardFirmata does after its reset. */
  async handshake(): Promise<void> {
    await this.portOpen();
    this.port.port!.emitData(standardFirmataHandshake(this.layout));
  }

  /** A digital pin changes level: StandardFirmata reports the pin's whole port (8 pins). */
  digital(pin: number, level: 0 | 1): void {
    const port = pin >> 3;
    const bits = (this.levels.get(port) ?? 0) & ~(1 << (pin & 7));
    this.levels.set(port, bits | (level << (pin & 7)));
    const v = this.levels.get(port)!;
    this.port.port!.emitData(Buffer.from([0x90 | port, v & 0x7f, (v >> 7) & 0x7f]));
  }

  /** An analog sample of channel `channel` (A0 = 0). */
  analog(channel: number, value: number): void {
    this.port.port!.emitData(Buffer.from([0xe0 | channel, value & 0x7f, (value >> 7) & 0x7f]));
  }

  /** Every byte the host wrote on the latest connection. */
  sent(): Buffer {
    return this.port.port!.recording;
  }

  /** Unplugs every mock device (call in afterEach). */
  static reset(): void {
    mockBinding.reset();
  }
}
