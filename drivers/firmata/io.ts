/**
 * The byte boundary of the Firmata driver: the few operations elevgw needs of a board running
 * StandardFirmata. The production implementation wraps firmata-io (the protocol library under
 * johnny-five), loaded lazily; MockFirmataIo stands in for tests and for running without hardware.
 */
export type FirmataPinMode = 'input' | 'pullup' | 'analog' | 'output';

/** The modes a digital pin is set to; an analog channel is set up by `analogRead` alone. */
export type FirmataDigitalMode = Exclude<FirmataPinMode, 'analog'>;

/** What the board said of itself in its capability and analog-mapping answers. */
export interface FirmataCapabilities {
  /** The modes each digital pin supports, by pin number (an Uno's D0/D1, its serial link, report none). */
  pins: readonly (readonly FirmataPinMode[])[];
  /** How many analog channels (A0 … A(n-1)) the board has. */
  analogChannels: number;
}

export interface FirmataIo {
  readonly description: string;
  readonly capabilities: FirmataCapabilities;
  /** A digital pin (D2 = 2); analog channels are numbered apart and set up by `analogRead`. */
  pinMode(pin: number, mode: FirmataDigitalMode): void;
  /** Enables reporting of the pin's port; `onValue` on each change (and once at start). */
  digitalRead(pin: number, onValue: (value: 0 | 1) => void): void;
  /** Sets an analog channel (A0 = 0) to analog mode and enables its reports; `onValue` every sampling interval. */
  analogRead(channel: number, onValue: (value: number) => void): void;
  digitalWrite(pin: number, value: 0 | 1): void;
  setSamplingInterval(ms: number): void;
  /** The board went away (unplugged, closed, transport error). */
  onLost(callback: (reason: string) => void): void;
  close(): Promise<void>;
}

/** Connects to a board and resolves once it is ready (handshake done). */
/** Connects to the board; `stopping` aborts a wait for its handshake (the driver stopped meanwhile). */
export type FirmataConnector = (stopping?: AbortSignal) => Promise<FirmataIo>;
