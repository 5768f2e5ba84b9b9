import { z } from 'zod';

/**
 * Board profiles (`boards/*.yaml`): which transport, the point map, poll groups,
 * and the registers that may ever be written (default: none — monitoring only).
 */

/** Inputs a board can feed; the normalizer turns them into ElevatorSignals. */
export const RAW_SIGNALS = [
  'positionMm',
  'speedMps',
  'doorClosed',
  'doorOpen',
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
] as const;
export const rawSignalSchema = z.enum(RAW_SIGNALS);
export type RawSignal = z.infer<typeof rawSignalSchema>;

export const modbusTableSchema = z.enum(['holding', 'input', 'coil', 'discrete']);
export type ModbusTable = z.infer<typeof modbusTableSchema>;

export const modbusSourceSchema = z
  .object({
    table: modbusTableSchema,
    /** Zero-based address. */
    address: z.number().int().min(0).max(65535),
    type: z.enum(['uint16', 'int16', 'uint32', 'int32', 'bool']).default('uint16'),
    /** For 32-bit values: which register holds the high word. */
    wordOrder: z.enum(['high-first', 'low-first']).default('high-first'),
    /** For a bit inside a 16-bit register. */
    bit: z.number().int().min(0).max(15).optional(),
  })
  .strict();
export type ModbusSource = z.infer<typeof modbusSourceSchema>;

export const pointSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a name of letters, digits, _ or -'),
    /** Which input the point feeds; a point without a signal is read and logged only. */
    signal: rawSignalSchema.optional(),
    group: z.string(),
    source: modbusSourceSchema,
    /** Engineering value = raw × scale + offset (numbers only). */
    scale: z.number().default(1),
    offset: z.number().default(0),
    /** Invert a boolean (active-low contacts). */
    invert: z.boolean().default(false),
    unit: z.string().optional(),
  })
  .strict();
export type PointDef = z.infer<typeof pointSchema>;

export const pollGroupSchema = z
  .object({
    name: z.string(),
    intervalMs: z.number().int().min(10).max(3_600_000),
  })
  .strict();

export const boardSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case id of letters, digits and -'),
    description: z.string().default(''),
    transport: z.enum(['modbus-tcp', 'modbus-rtu']),
    /** Per-transaction timeout and retries. */
    timeoutMs: z.number().int().min(10).max(10_000).default(500),
    retries: z.number().int().min(0).max(5).default(1),
    pollGroups: z.array(pollGroupSchema).min(1),
    points: z.array(pointSchema).min(1),
    /** The only registers a write may ever touch. Empty: the board is read-only. */
    writable: z
      .array(z.object({ table: z.enum(['holding', 'coil']), address: z.number().int().min(0).max(65535) }).strict())
      .default([]),
  })
  .strict()
  .superRefine((b, ctx) => {
    const groups = new Set(b.pollGroups.map((g) => g.name));
    const names = new Set<string>();
    b.points.forEach((p, i) => {
      if (!groups.has(p.group)) {
        ctx.addIssue({
          code: 'custom',
          path: ['points', i, 'group'],
          message: `unknown poll group "${p.group}" (expected one of: ${[...groups].join(', ')})`,
        });
      }
      if (names.has(p.name)) {
        ctx.addIssue({ code: 'custom', path: ['points', i, 'name'], message: `duplicate point name "${p.name}"` });
      }
      names.add(p.name);
      const t = p.source.table;
      if ((t === 'coil' || t === 'discrete') && p.source.type !== 'bool') {
        ctx.addIssue({ code: 'custom', path: ['points', i, 'source', 'type'], message: `a ${t} is a bit: expected type "bool"` });
      }
    });
  });

export type BoardProfile = z.infer<typeof boardSchema>;
