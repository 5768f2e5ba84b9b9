/**
 * The byte boundary of the Firmata driver: the few operations elevgw needs of a board running
 * StandardFirmata. The production implementation wraps firmata-io (the protocol library under
 * johnny-five), loaded lazily; MockFirmataIo stands in for tests and for running without hardware.
 */
export type FirmataPinMode = 'input' | 'pullup' | 'analog' | 'output';

export interface FirmataIo {
  readonly description: string;
  pinMode(pin: number, mode: FirmataPinMode): void;
  /** Enables reporting of the pin's port; `onValue` on each change (and once at start). */
  digitalRead(pin: number, onValue: (value: 0 | 1) => void): void;
  /** Enables reporting of an analog channel (A0 = 0); `onValue` every sampling interval. */
  analogRead(channel: number, onValue: (value: number) => void): void;
  digitalWrite(pin: number, value: 0 | 1): void;
  /** The digital pin number of an analog channel (A0 is pin 14 on an Uno), for pinMode. */
  analogPin(channel: number): number;
  setSamplingInterval(ms: number): void;
  /** The board went away (unplugged, closed, transport error). */
  onLost(callback: (reason: string) => void): void;
  close(): Promise<void>;
}

/** Connects to a board and resolves once it is ready (handshake done). */
export type FirmataConnector = () => Promise<FirmataIo>;
