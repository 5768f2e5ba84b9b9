import { z } from 'zod';

/**
 * Where a point's value comes from, per transport (besides Modbus, which lives in board.ts).
 * Each board profile's points all use the source shape of the board's transport.
 */

const FRAME_FIELD_TYPES = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'bit'] as const;
export type FrameFieldType = (typeof FRAME_FIELD_TYPES)[number];

/** A field of a serial frame's payload. */
export const frameSourceSchema = z
  .object({
    /** Byte offset from the first payload byte (after sync and length). */
    offset: z.number().int().min(0).max(4095),
    /** `bit`: one bit of the byte at `offset` (needs `bit` 0–7). */
    type: z.enum(FRAME_FIELD_TYPES),
    endian: z.enum(['be', 'le']).default('be'),
    /** A bit of an unsigned field (`u8` 0–7, `u16` 0–15, `u32` 0–31, `bit` 0–7): the point is a boolean. */
    bit: z.number().int().min(0).max(31).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const width = frameFieldWidth(s.type) * 8;
    if (s.type === 'bit' && s.bit === undefined) ctx.addIssue({ code: 'custom', path: ['bit'], message: 'type "bit" needs a bit number 0–7' });
    if (s.bit !== undefined && s.type.startsWith('i')) {
      ctx.addIssue({ code: 'custom', path: ['bit'], message: `a bit of a signed ${s.type}: expected an unsigned type (u8, u16, u32) or "bit"` });
    } else if (s.bit !== undefined && s.bit >= width) {
      ctx.addIssue({ code: 'custom', path: ['bit'], message: `bit ${s.bit} is outside a ${width}-bit ${s.type}: expected 0–${width - 1}` });
    }
  });
export type FrameSource = z.infer<typeof frameSourceSchema>;

/** Bytes a frame field occupies. */
export function frameFieldWidth(type: FrameFieldType): 1 | 2 | 4 {
  if (type === 'u16' || type === 'i16') return 2;
  if (type === 'u32' || type === 'i32') return 4;
  return 1;
}

/**
 * A BCM GPIO line of the Pi's 40-pin header: GPIO0–27 on every supported Pi (3, 4, 5, Zero 2 W).
 * The SoC's higher lines are its own (SD card, Wi-Fi, Bluetooth): none is wired to the header, and
 * turning one into an input can take the SD card away.
 */
export const piHeaderLineSchema = () =>
  z.number().int().min(0).max(27, "expected a BCM GPIO line of the Pi's 40-pin header, 0–27 (higher lines are the SoC's own: SD card, Wi-Fi, …)");

/** `activeLow` and `invert` both invert a contact: together they cancel, and the contact reads backwards. */
export function doubleInversionIssues(points: readonly { invert: boolean; source: object }[]): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  points.forEach((p, i) => {
    if (p.invert && 'activeLow' in p.source && p.source.activeLow === true)
      issues.push({
        path: ['points', i, 'invert'],
        message:
          'activeLow already inverts this line: with invert as well the contact reads backwards (an active-low contact: activeLow alone; a normally-closed contact on an active-low input: neither)',
      });
  });
  return issues;
}

/** A GPIO input line of the gateway itself (Raspberry Pi header). */
export const gpioSourceSchema = z
  .object({
    /** BCM GPIO number as printed on pinout charts (GPIO17 = 17), not the header pin and not the kernel's number. */
    line: piHeaderLineSchema(),
    /** The input reads 0 when the contact is active (opto-isolated inputs pulling low). */
    activeLow: z.boolean().default(false),
    /** A level counts only after it has been stable this long (contact bounce). */
    debounceMs: z.number().int().min(0).max(10_000).default(20),
    /**
     * `both`: the point is the debounced level. `rising` / `falling`: the point is true for one poll
     * after the (debounced, logical) value became active / inactive — a latched pulse.
     */
    edge: z.enum(['both', 'rising', 'falling']).default('both'),
  })
  .strict();

/** A pin of an Arduino-class board running StandardFirmata. */
export const firmataSourceSchema = z
  .object({
    /**
     * Digital pin number, or for `analog` the analog channel (A0 = 0). Up to Firmata's 127 here:
     * which pins a board has (an Uno D0–D19 with D0/D1 its serial link, a Leonardo's D0/D1 free, a
     * Mega's 70) is known only from the board's own capability report, checked when it connects.
     */
    pin: z.number().int().min(0).max(127),
    mode: z.enum(['digital', 'analog']),
    /** Digital inputs only: enable the internal pull-up (contacts switching to GND). */
    pullup: z.boolean().default(false),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.mode === 'analog' && s.pullup) ctx.addIssue({ code: 'custom', path: ['pullup'], message: 'pullup applies to digital pins only' });
  });
