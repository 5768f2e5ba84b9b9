import { z } from 'zod';
import { framingSchema } from './framing.js';
import { retrofitFieldsSchema, retrofitIssues, retrofitSourceSchema } from './retrofit.js';
import { doubleInversionIssues, firmataSourceSchema, frameFieldWidth, frameSourceSchema, gpioSourceSchema, piHeaderLineSchema } from './sources.js';

/**
 * Board profiles (`boards/*.yaml`): which transport, the point map, poll groups,
 * and the registers that may ever be written (default: none — monitoring only).
 */

/** Inputs a board can feed; the normalizer turns them into ElevatorSignals. */
const RAW_SIGNALS = [
  'positionMm',
  'speedMps',
  'doorClosed',
  'doorOpen',
  /** A controller's door-operator state register: 0 closed · 1 opening · 2 open · 3 closing (else unknown). */
  'doorState',
  'doorZone',
  'doorZoneUpper',
  'doorZoneLower',
  'safetyCircuit',
  'doorLockCircuit',
  'overspeedSwitch',
  'occupied',
  'inspection',
  'alarmButton',
  'mainsPower',
  'topFinalLimit',
  'bottomFinalLimit',
  'controllerFloor',
  'heartbeat',
  /** A retrofit box's own sensors (docs/retrofit.md): specific force along the car's vertical, m/s² (≈ +9.81 at rest). */
  'accelVerticalMps2',
  /** Barometric pressure at the car, Pa. */
  'pressurePa',
  /** The barometer's temperature, °C (logged; its drift is absorbed by the fusion). */
  'sensorTempC',
] as const;
export type RawSignal = (typeof RAW_SIGNALS)[number];

const MODBUS_TABLES = ['holding', 'input', 'coil', 'discrete'] as const;
export type ModbusTable = (typeof MODBUS_TABLES)[number];

type Issue = { path: (string | number)[]; message: string };

/** Each point in a declared poll group, point names unique. */
function pointIssues(b: { pollGroups: readonly { name: string }[]; points: readonly { name: string; group: string }[] }): Issue[] {
  const groups = new Set(b.pollGroups.map((g) => g.name));
  const names = new Set<string>();
  const issues: Issue[] = [];
  b.points.forEach((p, i) => {
    if (!groups.has(p.group)) issues.push({ path: ['points', i, 'group'], message: `unknown poll group "${p.group}" (expected one of: ${[...groups].join(', ')})` });
    if (names.has(p.name)) issues.push({ path: ['points', i, 'name'], message: `duplicate point name "${p.name}"` });
    names.add(p.name);
  });
  return issues;
}

/**
 * `invert` only on a boolean point: the normalizer inverts booleans, and on a number it was
 * ignored without a word. `isFlag` says per transport whether a point reads a boolean; `flags`
 * names such points for the message.
 */
function invertIssues<P extends { invert: boolean }>(points: readonly P[], isFlag: (p: P) => boolean, flags: string): Issue[] {
  const issues: Issue[] = [];
  points.forEach((p, i) => {
    if (p.invert && !isFlag(p)) issues.push({ path: ['points', i, 'invert'], message: `invert needs a boolean point (${flags}); this point reads a number` });
  });
  return issues;
}

/** Signals that carry a number; a boolean point (a bit, a contact) cannot feed one. */
const NUMERIC_SIGNALS: ReadonlySet<RawSignal> = new Set<RawSignal>(['positionMm', 'speedMps', 'doorState', 'controllerFloor', 'accelVerticalMps2', 'pressurePa', 'sensorTempC']);

/** A numeric signal only from a point that reads a number: a bit would feed the rules `true` as 1 mm. */
function numericSignalIssues<P extends { signal?: RawSignal | undefined }>(points: readonly P[], isFlag: (p: P) => boolean, flags: string): Issue[] {
  const issues: Issue[] = [];
  points.forEach((p, i) => {
    if (p.signal !== undefined && NUMERIC_SIGNALS.has(p.signal) && isFlag(p)) {
      issues.push({ path: ['points', i, 'signal'], message: `signal "${p.signal}" is a number: expected a point that reads a number, not a boolean (${flags})` });
    }
  });
  return issues;
}

/** Both checks of a point's value kind, for a transport whose points read numbers or booleans. */
function valueKindIssues<P extends { signal?: RawSignal | undefined; invert: boolean }>(points: readonly P[], isFlag: (p: P) => boolean, flags: string): Issue[] {
  return [...invertIssues(points, isFlag, flags), ...numericSignalIssues(points, isFlag, flags)];
}

/** A Modbus `bit` of an unsigned register value: uint16 (0–15) or uint32 (0–31), as a serial field's. */
function modbusBitIssue(s: { type: string; bit?: number | undefined }): string | undefined {
  if (s.bit === undefined) return undefined;
  if (s.type !== 'uint16' && s.type !== 'uint32') return `a bit of a ${s.type === 'bool' ? '"bool"' : `signed ${s.type}`}: expected type uint16 or uint32`;
  const width = s.type === 'uint16' ? 16 : 32;
  return s.bit < width ? undefined : `bit ${s.bit} is outside a ${width}-bit ${s.type}: expected 0–${width - 1}`;
}

const MODBUS_FLAGS = 'a bit of a register, type "bool", a coil or a discrete input';

/** Any issues found by `check`, reported on the profile. */
function refineWith<T>(check: (b: T) => Issue[]) {
  return (b: T, ctx: z.RefinementCtx<T>) => {
    for (const i of check(b)) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
  };
}

/**
 * The board profiles' schemas, built anew on each call and kept by no module: a running gateway
 * needs them only while its config is loaded (src/config/site.ts says why that matters).
 */
function build() {
  const modbusSourceSchema = z
    .object({
      table: z.enum(MODBUS_TABLES),
      /** Zero-based address. */
      address: z.number().int().min(0).max(65535),
      type: z.enum(['uint16', 'int16', 'uint32', 'int32', 'bool']).default('uint16'),
      /** For 32-bit values: which register holds the high word. */
      wordOrder: z.enum(['high-first', 'low-first']).default('high-first'),
      /** A bit of an unsigned value (uint16 0–15, uint32 0–31): the point is a boolean. */
      bit: z.number().int().min(0).max(31).optional(),
    })
    .strict();

  /** What every point has, whatever its transport; `source` says where its value comes from. */
  const pointFields = {
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a name of letters, digits, _ or -'),
    /** Which input the point feeds; a point without a signal is read and logged only. */
    signal: z.enum(RAW_SIGNALS).optional(),
    group: z.string(),
    /** Engineering value = raw × scale + offset (numbers only). */
    scale: z.number().default(1),
    offset: z.number().default(0),
    /** Invert a boolean point (active-low contacts); refused on a point that reads a number, and on a GPIO line that says `activeLow` already. */
    invert: z.boolean().default(false),
    unit: z.string().optional(),
  };

  /** A Modbus point (the name predates the other transports). */
  const modbusPointSchema = z.object({ ...pointFields, source: modbusSourceSchema }).strict();

  /** A field of a framed serial payload (transport `serial-framed`). */
  const framePointSchema = z.object({ ...pointFields, source: frameSourceSchema }).strict();

  /** A GPIO input line of the gateway (transport `gpio`). */
  const gpioPointSchema = z.object({ ...pointFields, source: gpioSourceSchema }).strict();

  /** A pin of a Firmata board (transport `firmata`). */
  const firmataPointSchema = z.object({ ...pointFields, source: firmataSourceSchema }).strict();

  /** A sensor reading or a contact of a retrofit sensor box (transports `retrofit-*`). */
  const retrofitPointSchema = z.object({ ...pointFields, source: retrofitSourceSchema }).strict();

  const pollGroupSchema = z
    .object({
      name: z.string(),
      intervalMs: z.number().int().min(10).max(3_600_000),
    })
    .strict();

  /** A Modbus controller or sensor box (`modbus-tcp`, `modbus-rtu`, `modbus`). */
  const modbusBoardSchema = z
    .object({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case id of letters, digits and -'),
      description: z.string().default(''),
      /** `modbus`: either; the elevator's connection decides ({ host } TCP, { path } RTU). */
      transport: z.enum(['modbus-tcp', 'modbus-rtu', 'modbus']),
      /** Per-transaction timeout and retries. */
      timeoutMs: z.number().int().min(10).max(10_000).default(500),
      retries: z.number().int().min(0).max(5).default(1),
      /**
       * A slave that has not answered this many polls in a row is probed only every `backoffMs`
       * (its points read bad at once in between), so it cannot hog a shared RS-485 bus.
       */
      backoffAfterFailures: z.number().int().min(1).max(100).default(3),
      backoffMs: z.number().int().min(100).max(600_000).default(2000),
      /**
       * A `heartbeat` point that stops changing for `frozenAfterMs` while the slave still answers
       * means a frozen controller: every signal of the board then reads bad (→ sensor-lost).
       */
      heartbeat: z
        .object({ frozenAfterMs: z.number().int().min(100).max(3_600_000).default(10_000) })
        .strict()
        .prefault({}),
      pollGroups: z.array(pollGroupSchema).min(1),
      points: z.array(modbusPointSchema).min(1),
      /** The only registers a write may ever touch. Empty: the board is read-only. */
      writable: z.array(z.object({ table: z.enum(['holding', 'coil']), address: z.number().int().min(0).max(65535) }).strict()).default([]),
    })
    .strict()
    .superRefine(
      refineWith((b) => {
        const issues = pointIssues(b);
        b.points.forEach((p, i) => {
          const t = p.source.table;
          if ((t === 'coil' || t === 'discrete') && p.source.type !== 'bool')
            issues.push({ path: ['points', i, 'source', 'type'], message: `a ${t} is a bit: expected type "bool"` });
          const bit = modbusBitIssue(p.source);
          if (bit !== undefined) issues.push({ path: ['points', i, 'source', 'bit'], message: bit });
        });
        return [...issues, ...valueKindIssues(b.points, (p) => p.source.bit !== undefined || p.source.type === 'bool', MODBUS_FLAGS)];
      }),
    );

  /** Fields of every board profile besides its transport, points and transport options. */
  const boardFields = {
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case id of letters, digits and -'),
    description: z.string().default(''),
    pollGroups: z.array(pollGroupSchema).min(1),
  };

  /** A sensor box that pushes framed binary records over a serial line (`drivers/serial`). */
  const serialFramedBoardSchema = z
    .object({
      ...boardFields,
      transport: z.literal('serial-framed'),
      framing: framingSchema,
      /** A value not refreshed by a valid frame for this long reads bad (and health turns degraded). */
      staleAfterMs: z.number().int().min(10).max(600_000).default(1000),
      points: z.array(framePointSchema).min(1),
    })
    .strict()
    .superRefine(
      refineWith((b) => {
        const issues = pointIssues(b);
        const f = b.framing;
        if (f.minLength > f.maxLength) issues.push({ path: ['framing', 'minLength'], message: `minLength ${f.minLength} exceeds maxLength ${f.maxLength}` });
        if (f.kind === 'length-prefixed' && f.maxLength - f.length.adjust > 256 ** f.length.size - 1) {
          issues.push({ path: ['framing', 'maxLength'], message: `a ${f.length.size}-byte length field cannot announce ${f.maxLength} payload bytes` });
        }
        b.points.forEach((p, i) => {
          const end = p.source.offset + frameFieldWidth(p.source.type);
          if (end > f.maxLength) issues.push({ path: ['points', i, 'source', 'offset'], message: `field ends at byte ${end}, beyond the payload's maxLength ${f.maxLength}` });
        });
        return [...issues, ...valueKindIssues(b.points, (p) => p.source.type === 'bit' || p.source.bit !== undefined, 'type "bit" or a bit of an unsigned field')];
      }),
    );

  /** Contacts wired to the gateway's own GPIO header (`drivers/gpio`). */
  const gpioBoardSchema = z
    .object({
      ...boardFields,
      transport: z.literal('gpio'),
      points: z.array(gpioPointSchema).min(1),
      /** The only lines that may ever be driven as outputs (BCM numbers). Empty: read-only. */
      writable: z.array(z.object({ line: piHeaderLineSchema() }).strict()).default([]),
    })
    .strict()
    .superRefine(
      refineWith((b) => {
        const issues = pointIssues(b);
        const inputs = new Set(b.points.map((p) => p.source.line));
        b.writable.forEach((w, i) => {
          if (inputs.has(w.line)) issues.push({ path: ['writable', i, 'line'], message: `line ${w.line} is an input point: an input is never driven` });
        });
        return [...issues, ...valueKindIssues(b.points, () => true, 'a GPIO line'), ...doubleInversionIssues(b.points)];
      }),
    );

  /** An Arduino-class board running StandardFirmata over USB serial (`drivers/firmata`). */
  const firmataBoardSchema = z
    .object({
      ...boardFields,
      transport: z.literal('firmata'),
      /** How often the board reports analog inputs, ms (Firmata sampling interval). */
      samplingIntervalMs: z.number().int().min(10).max(10_000).default(100),
      /** An analog value not reported for this long reads bad. Digital pins report on change only. */
      staleAfterMs: z.number().int().min(10).max(600_000).default(1000),
      points: z.array(firmataPointSchema).min(1),
      /** The only digital pins that may ever be set to output. Empty: read-only. */
      writable: z.array(z.object({ pin: z.number().int().min(0).max(127) }).strict()).default([]),
    })
    .strict()
    .superRefine(
      refineWith((b) => {
        const issues = pointIssues(b);
        const inputs = new Set(b.points.filter((p) => p.source.mode === 'digital').map((p) => p.source.pin));
        b.writable.forEach((w, i) => {
          if (inputs.has(w.pin)) issues.push({ path: ['writable', i, 'pin'], message: `pin ${w.pin} is an input point: an input is never driven` });
        });
        return [...issues, ...valueKindIssues(b.points, (p) => p.source.mode === 'digital', 'a digital pin')];
      }),
    );

  /**
   * A retrofit sensor box (`drivers/retrofit`): a barometer and an accelerometer on I²C plus contacts,
   * through a Firmata board driven by johnny-five (`retrofit-firmata`) or on the Pi's own I²C bus and
   * GPIO header (`retrofit-i2c`). Position, speed and floor come from their fusion (docs/retrofit.md).
   */
  const retrofitBoardSchema = z
    .object({
      ...boardFields,
      transport: z.enum(['retrofit-firmata', 'retrofit-i2c']),
      ...retrofitFieldsSchema.shape,
      points: z.array(retrofitPointSchema).min(1),
    })
    .strict()
    .superRefine(
      refineWith((b) => [
        ...pointIssues(b),
        ...retrofitIssues(b),
        ...invertIssues(b.points, (p) => !('sensor' in p.source), 'a contact: a pin or a line'),
        ...doubleInversionIssues(b.points),
      ]),
    );

  /** Any board profile; `transport` picks the shape of its points and options. */
  const boardSchema = z.discriminatedUnion('transport', [modbusBoardSchema, serialFramedBoardSchema, gpioBoardSchema, firmataBoardSchema, retrofitBoardSchema]);
  return { modbusPointSchema, modbusBoardSchema, gpioBoardSchema, firmataBoardSchema, boardSchema, serialFramedBoardSchema, retrofitBoardSchema, gpioPointSchema };
}

type Schemas = ReturnType<typeof build>;

export const modbusPointSchema = () => build().modbusPointSchema;
export const modbusBoardSchema = () => build().modbusBoardSchema;
export const gpioBoardSchema = () => build().gpioBoardSchema;
export const firmataBoardSchema = () => build().firmataBoardSchema;
export const boardSchema = () => build().boardSchema;

export type ModbusPointDef = z.infer<Schemas['modbusPointSchema']>;
export type GpioPointDef = z.infer<Schemas['gpioPointSchema']>;
/**
 * A Modbus board profile. The name predates the other transports and is kept for drivers/modbus;
 * code that handles any board uses `BoardProfile`.
 */
export type ModbusBoardProfile = z.infer<Schemas['modbusBoardSchema']>;
export type SerialFramedBoardProfile = z.infer<Schemas['serialFramedBoardSchema']>;
export type GpioBoardProfile = z.infer<Schemas['gpioBoardSchema']>;
export type FirmataBoardProfile = z.infer<Schemas['firmataBoardSchema']>;
export type RetrofitBoardProfile = z.infer<Schemas['retrofitBoardSchema']>;
export type BoardProfile = z.infer<Schemas['boardSchema']>;
export type BoardTransport = BoardProfile['transport'];
