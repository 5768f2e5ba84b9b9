import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { headerChip, kernelGpio, listGpioChips } from '../../drivers/gpio/sysfs.js';
import { tempDir } from '../helpers/tmp.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('elevgw-sysfs-');
});
afterEach(() => tmp.cleanup());

/** A fake /sys with the given gpiochips. */
function sysfs(chips: { name: string; label: string; base: number; ngpio: number }[]): string {
  for (const c of chips) {
    const dir = join(tmp.dir, 'class', 'gpio', c.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'label'), `${c.label}\n`);
    writeFileSync(join(dir, 'base'), `${c.base}\n`);
    writeFileSync(join(dir, 'ngpio'), `${c.ngpio}\n`);
  }
  mkdirSync(join(tmp.dir, 'class', 'gpio'), { recursive: true });
  writeFileSync(join(tmp.dir, 'class', 'gpio', 'export'), '');
  return tmp.dir;
}

describe('GPIO numbering from sysfs', () => {
  it('Raspberry Pi 4 on a 6.6+ kernel: the header chip starts at 512, so BCM 17 is GPIO 529', () => {
    const root = sysfs([
      { name: 'gpiochip512', label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
      { name: 'gpiochip570', label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
    ]);
    const chip = headerChip(listGpioChips(root));
    expect(chip).toMatchObject({ name: 'gpiochip512', base: 512 });
    expect(kernelGpio(chip, 17)).toBe(529);
  });

  it('Raspberry Pi 5: the header is on the RP1 at 571, not on the SoC chips before it', () => {
    const root = sysfs([
      { name: 'gpiochip512', label: 'gpio-brcmstb@107d508500', base: 512, ngpio: 32 },
      { name: 'gpiochip544', label: 'gpio-brcmstb@107d517c00', base: 544, ngpio: 15 },
      { name: 'gpiochip571', label: 'pinctrl-rp1', base: 571, ngpio: 54 },
    ]);
    expect(kernelGpio(headerChip(listGpioChips(root)), 17)).toBe(588);
  });

  it('older kernels: base 0, BCM numbers are kernel numbers', () => {
    const root = sysfs([{ name: 'gpiochip0', label: 'pinctrl-bcm2835', base: 0, ngpio: 54 }]);
    expect(kernelGpio(headerChip(listGpioChips(root)), 17)).toBe(17);
  });

  it('takes the chip the site config names, by label or sysfs name', () => {
    const chips = listGpioChips(
      sysfs([
        { name: 'gpiochip512', label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
        { name: 'gpiochip600', label: 'mcp23017', base: 600, ngpio: 16 },
      ]),
    );
    expect(headerChip(chips, 'mcp23017').base).toBe(600);
    expect(headerChip(chips, 'gpiochip600').base).toBe(600);
  });

  it('says what it found when there is no header chip, and skips malformed entries', () => {
    const root = sysfs([{ name: 'gpiochip0', label: 'some-expander', base: 0, ngpio: 8 }]);
    mkdirSync(join(root, 'class', 'gpio', 'gpiochip99')); // no files: skipped
    expect(listGpioChips(root)).toHaveLength(1);
    expect(() => headerChip(listGpioChips(root))).toThrow(/no Raspberry Pi header gpiochip .*found: gpiochip0 \(some-expander, base 0\)/);
    expect(() => headerChip(listGpioChips(join(root, 'missing')))).toThrow(/found: none/);
  });

  it('refuses a BCM number beyond the chip', () => {
    const chip = headerChip(listGpioChips(sysfs([{ name: 'gpiochip0', label: 'pinctrl-bcm2835', base: 0, ngpio: 54 }])));
    expect(() => kernelGpio(chip, 60)).toThrow(/beyond pinctrl-bcm2835's 54 lines/);
  });
});
