import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElevgwError } from '../../src/core/errors.js';

/**
 * Where the Raspberry Pi header's GPIOs sit in the kernel's global numbering. Since kernel 6.6
 * the numbers are no longer BCM numbers: the Pi 4's pinctrl-bcm2711 chip starts at 512, the
 * Pi 5's pinctrl-rp1 at 571 (and older kernels at 0). So read the chip's base from sysfs
 * rather than assume one.
 */
export interface GpioChip {
  /** sysfs name, e.g. gpiochip512 */
  name: string;
  label: string;
  base: number;
  ngpio: number;
}

/** The 40-pin header's controller by Pi generation, newest first. */
const HEADER_CHIP_LABELS = ['pinctrl-rp1', 'pinctrl-bcm2712', 'pinctrl-bcm2711', 'pinctrl-bcm2835'] as const;

/** The gpiochips under `<sysfsRoot>/class/gpio`; unreadable entries are skipped. */
export function listGpioChips(sysfsRoot = '/sys'): GpioChip[] {
  const dir = join(sysfsRoot, 'class', 'gpio');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^gpiochip\d+$/.test(n));
  } catch {
    return [];
  }
  const chips: GpioChip[] = [];
  for (const name of names) {
    try {
      const read = (f: string) => readFileSync(join(dir, name, f), 'utf8').trim();
      const base = Number(read('base'));
      const ngpio = Number(read('ngpio'));
      if (Number.isInteger(base) && Number.isInteger(ngpio)) chips.push({ name, label: read('label'), base, ngpio });
    } catch {
      // a chip that vanished or is unreadable is not ours to use
    }
  }
  return chips.sort((a, b) => a.base - b.base);
}

/**
 * The chip carrying the header: the one named by label or sysfs name when given, else the
 * first of HEADER_CHIP_LABELS present. Throws naming what was found.
 */
export function headerChip(chips: readonly GpioChip[], want?: string): GpioChip {
  const found = want ? chips.find((c) => c.label === want || c.name === want) : HEADER_CHIP_LABELS.map((l) => chips.find((c) => c.label === l)).find((c) => c !== undefined);
  if (found) return found;
  const seen = chips.map((c) => `${c.name} (${c.label}, base ${c.base})`).join(', ') || 'none';
  const wanted = want ? `gpiochip "${want}"` : `Raspberry Pi header gpiochip (${HEADER_CHIP_LABELS.join(', ')})`;
  throw new ElevgwError('DRIVER_OPEN_FAILED', `no ${wanted} in sysfs; found: ${seen}`, { chips: [...chips] });
}

/** The kernel GPIO number of a BCM line on the header chip. */
export function kernelGpio(chip: GpioChip, bcm: number): number {
  if (bcm >= chip.ngpio) throw new ElevgwError('DRIVER_OPEN_FAILED', `BCM ${bcm} is beyond ${chip.label}'s ${chip.ngpio} lines`);
  return chip.base + bcm;
}
