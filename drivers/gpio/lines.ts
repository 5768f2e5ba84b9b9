/**
 * The byte boundary of the GPIO driver: lines of the gateway's header, by BCM number. onoff
 * (sysfs) is the production implementation, loaded only when a gpio board is configured;
 * FakeGpioLines lets tests and `diag` run it anywhere.
 */
export type Level = 0 | 1;

export interface GpioInputLine {
  read(): Promise<Level>;
  /** Called on every edge (both directions) with the new level. */
  watch(callback: (err: Error | null | undefined, level: Level) => void): void;
  release(): void;
}

export interface GpioOutputLine {
  write(level: Level): Promise<void>;
  release(): void;
}

export interface GpioLines {
  readonly description: string;
  /** An input watched on both edges. */
  input(bcm: number): Promise<GpioInputLine>;
  /** Only ever asked for lines the board profile allow-lists as writable. */
  output(bcm: number): Promise<GpioOutputLine>;
}

/** Loads the lines lazily (and may fail: no onoff, no GPIO on this machine). */
export type GpioLinesLoader = () => Promise<GpioLines>;
