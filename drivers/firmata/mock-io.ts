import type { FirmataCapabilities, FirmataDigitalMode, FirmataIo, FirmataPinMode } from './io.js';

/**
 * A Firmata board in memory: `setDigital` / `setAnalog` play the board's reports, `unplug()` its
 * disappearance; `modes` and `writes` record what the driver asked of it.
 */
export class MockFirmataIo implements FirmataIo {
  readonly description = 'mock firmata';
  /** An Uno's by default: D0/D1 (the serial link) without modes, D2–D19 digital, A0–A5 on pins 14–19. */
  readonly capabilities: FirmataCapabilities;
  readonly modes = new Map<number, FirmataPinMode>();
  readonly writes: { pin: number; value: 0 | 1 }[] = [];
  samplingIntervalMs?: number;
  closed = false;
  private readonly digital = new Map<number, ((v: 0 | 1) => void)[]>();
  private readonly analog = new Map<number, ((v: number) => void)[]>();
  private readonly lostCallbacks: ((reason: string) => void)[] = [];

  /** Analog channel n is digital pin `analogBase + n` (14 on an Uno). */
  constructor(
    private readonly analogBase = 14,
    capabilities?: FirmataCapabilities,
  ) {
    this.capabilities = capabilities ?? {
      pins: Array.from({ length: 20 }, (_, p) => (p < 2 ? [] : p >= 14 ? ['input', 'pullup', 'output', 'analog'] : ['input', 'pullup', 'output'])),
      analogChannels: 6,
    };
  }

  pinMode(pin: number, mode: FirmataDigitalMode): void {
    this.modes.set(pin, mode);
  }

  digitalRead(pin: number, onValue: (value: 0 | 1) => void): void {
    this.digital.set(pin, [...(this.digital.get(pin) ?? []), onValue]);
  }

  /** Like StandardFirmata, the channel's digital pin (A0 is pin 14 on an Uno) goes to analog mode. */
  analogRead(channel: number, onValue: (value: number) => void): void {
    this.modes.set(this.analogBase + channel, 'analog');
    this.analog.set(channel, [...(this.analog.get(channel) ?? []), onValue]);
  }

  digitalWrite(pin: number, value: 0 | 1): void {
    this.writes.push({ pin, value });
  }

  setSamplingInterval(ms: number): void {
    this.samplingIntervalMs = ms;
  }

  onLost(callback: (reason: string) => void): void {
    this.lostCallbacks.push(callback);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  setDigital(pin: number, value: 0 | 1): void {
    for (const cb of this.digital.get(pin) ?? []) cb(value);
  }

  setAnalog(channel: number, value: number): void {
    for (const cb of this.analog.get(channel) ?? []) cb(value);
  }

  unplug(reason = 'disconnected'): void {
    for (const cb of this.lostCallbacks) cb(reason);
  }
}
