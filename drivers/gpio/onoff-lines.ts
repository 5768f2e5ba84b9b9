import { ElevgwError, errorMessage } from '../../src/core/errors.js';
import type { GpioLines, Level } from './lines.js';
import { headerChip, kernelGpio, listGpioChips } from './sysfs.js';

/** What elevgw uses of onoff's `Gpio` (onoff 6, sysfs GPIO). */
interface OnoffGpio {
  read(): Promise<Level>;
  write(value: Level): Promise<void>;
  watch(callback: (err: Error | null | undefined, value: Level) => void): void;
  unwatchAll(): void;
  unexport(): void;
}
interface OnoffGpioClass {
  new (gpio: number, direction: 'in' | 'out', edge?: 'none' | 'rising' | 'falling' | 'both'): OnoffGpio;
  readonly accessible: boolean;
}

/** A variable, so TypeScript does not resolve the optional package at build time. */
const ONOFF = 'onoff';

export interface OnoffLinesOptions {
  /** gpiochip label or sysfs name; default: the Pi's header chip. */
  chip?: string;
  sysfsRoot?: string;
  /** Injected in tests; by default `import('onoff')`. */
  importOnoff?: () => Promise<unknown>;
}

function gpioClassOf(mod: unknown): OnoffGpioClass | undefined {
  const m = mod as { Gpio?: unknown; default?: { Gpio?: unknown } } | undefined;
  const g = m?.Gpio ?? m?.default?.Gpio;
  return typeof g === 'function' ? (g as OnoffGpioClass) : undefined;
}

/**
 * GPIO lines through onoff, an optional dependency loaded only here, when a gpio board is
 * configured. Fails with a clear `DRIVER_OPEN_FAILED` when onoff is missing or GPIO is not usable.
 */
export async function loadOnoffLines(o: OnoffLinesOptions = {}): Promise<GpioLines> {
  let mod: unknown;
  try {
    mod = await (o.importOnoff ?? (() => import(ONOFF)))();
  } catch (e) {
    throw new ElevgwError('DRIVER_OPEN_FAILED', `gpio boards need the optional package "onoff" (npm install onoff), which is not installed: ${errorMessage(e)}`);
  }
  const Gpio = gpioClassOf(mod);
  if (!Gpio) throw new ElevgwError('DRIVER_OPEN_FAILED', 'the installed "onoff" package has no Gpio class (expected onoff 6)');
  if (!Gpio.accessible) {
    throw new ElevgwError('DRIVER_OPEN_FAILED', 'GPIO is not accessible: no /sys/class/gpio here, or this user is not in group "gpio"');
  }
  const chip = headerChip(listGpioChips(o.sysfsRoot), o.chip);
  return {
    description: `onoff ${chip.name} (${chip.label}, base ${chip.base})`,
    async input(bcm) {
      const g = new Gpio(kernelGpio(chip, bcm), 'in', 'both');
      return {
        read: () => g.read(),
        watch: (cb) => g.watch(cb),
        release: () => {
          g.unwatchAll();
          g.unexport();
        },
      };
    },
    async output(bcm) {
      const g = new Gpio(kernelGpio(chip, bcm), 'out');
      return { write: (level) => g.write(level), release: () => g.unexport() };
    },
  };
}
