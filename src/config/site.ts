import { z } from 'zod';
import { DEFAULT_TOPIC_PREFIX } from '../contract/topics.js';
import { thresholdsSchema } from './thresholds.js';
import { credentialRefSchema } from './credentials.js';
import { MALFORMED_IPV4, malformedIpv4 } from './hosts.js';

/** The site config: one YAML file per gateway. `version` enables migrations of older files. */
export const CONFIG_VERSION = 1;

/** Each transport's connection, built apart: the loader checks every elevator's with one (src/config/connection.ts). */
function connectionSchemas() {
  const modbusTcpConnectionSchema = z
    .object({
      host: z
        .string()
        .min(1)
        .refine((h) => !malformedIpv4(h), MALFORMED_IPV4),
      port: z.number().int().min(1).max(65535).default(502),
      unitId: z.number().int().min(0).max(247).default(1),
    })
    .strict();

  const modbusRtuConnectionSchema = z
    .object({
      path: z.string().min(1),
      baudRate: z.number().int().positive().default(9600),
      parity: z.enum(['none', 'even', 'odd']).default('none'),
      unitId: z.number().int().min(1).max(247).default(1),
    })
    .strict();

  const modbusConnectionSchema = z.union([modbusTcpConnectionSchema, modbusRtuConnectionSchema]);

  /** A framed-serial sensor box on a serial port (transport `serial-framed`); 8N1. */
  const serialFramedConnectionSchema = z
    .object({
      path: z.string().min(1),
      baudRate: z.number().int().positive().default(115_200),
    })
    .strict();

  /** An Arduino running StandardFirmata on a (USB) serial port (transport `firmata`). */
  const firmataConnectionSchema = z
    .object({
      path: z.string().min(1),
      baudRate: z.number().int().positive().default(57_600),
    })
    .strict();

  /** The gateway's own GPIO header (transport `gpio`); the connection may also be left out. */
  const gpioConnectionSchema = z
    .object({
      /** gpiochip label (e.g. pinctrl-bcm2711, pinctrl-rp1) or sysfs name (gpiochip512); default: the Pi's header chip. */
      chip: z.string().min(1).optional(),
    })
    .strict();

  /** A retrofit box on the Pi's own I²C bus and GPIO header (transport `retrofit-i2c`); may be left out. */
  const i2cConnectionSchema = z
    .object({
      /** The I²C bus, /dev/i2c-N: 1 on a Pi's header (SDA pin 3, SCL pin 5). */
      bus: z.number().int().min(0).max(31).default(1),
      /** gpiochip of the box's contacts, as for gpio boards; default: the Pi's header chip. */
      chip: z.string().min(1).optional(),
    })
    .strict();
  return {
    modbusTcpConnectionSchema,
    modbusRtuConnectionSchema,
    modbusConnectionSchema,
    serialFramedConnectionSchema,
    firmataConnectionSchema,
    gpioConnectionSchema,
    i2cConnectionSchema,
  };
}

/**
 * The site config's schemas, built anew on each call and kept by no module: they are needed while
 * a config is loaded and checked, and a running gateway would otherwise hold them (with zod's
 * compiled parsers) for its whole life, about a megabyte of heap (docs/release.md, memory).
 */
function build(o: { connectionByBoard?: boolean } = {}) {
  const thresholds = thresholdsSchema();
  const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ or - (topic-safe, ≤ 64)');

  const floorSchema = z
    .object({
      label: z.string().min(1).max(8),
      /** Landing level above the bottom landing, mm. */
      levelMm: z.number().int(),
    })
    .strict();

  const { modbusTcpConnectionSchema, modbusRtuConnectionSchema, serialFramedConnectionSchema, gpioConnectionSchema, i2cConnectionSchema } = connectionSchemas();

  /**
   * What a learning run (`elevgw diag learn`) found of a retrofit board's shaft; the landing levels it
   * measured go into `floors[].levelMm`. One entry per floor, bottom first.
   */
  /**
   * Where a Hall sensor is active around a landing's vane, [from, to] mm from the level: from below
   * to, within a metre of it (a door zone is ±150 mm or so). A pair the wrong way round would have
   * the fusion take a vane's low edge for its high one.
   */
  const spanSchema = z.tuple([z.number().min(-1000).max(1000), z.number().min(-1000).max(1000)]).refine(([from, to]) => from < to, 'a span [from, to] in mm, from below to');

  const learnedShaftSchema = z
    .object({
      /** When the learning run ended (ISO 8601). */
      learnedAt: z.string().optional(),
      landings: z
        .array(
          z
            .object({
              /** Pressure at this landing minus at the bottom landing, Pa (negative above it), as learned. */
              pressurePa: z.number(),
              /** Where the upper Hall sensor was active, mm from the landing level: [from, to]. */
              upperMm: spanSchema,
              /** Where the lower Hall sensor was active, mm from the landing level: [from, to]. */
              lowerMm: spanSchema,
            })
            .strict(),
        )
        .min(2),
    })
    .strict();

  /**
   * Any transport's connection. Which one an elevator needs follows from its board's transport;
   * the loader checks that (src/config/connection.ts), so this only has to accept the shapes.
   */
  const connectionSchema = z.union([modbusTcpConnectionSchema, modbusRtuConnectionSchema, serialFramedConnectionSchema, gpioConnectionSchema, i2cConnectionSchema], {
    error: () =>
      'expected a connection: { host, port?, unitId? } (Modbus TCP), { path, baudRate?, parity?, unitId? } (Modbus RTU), { path, baudRate? } (serial-framed, firmata, retrofit-firmata), { chip? } (gpio) or { bus?, chip? } (retrofit-i2c)',
  });

  /**
   * As the loader reads a file, an elevator's connection is checked against its board's transport
   * (src/config/connection.ts), which names the board, the key and what it expected; the union of
   * every shape would refuse it first with a message that can say none of that.
   */
  const elevatorConnectionSchema: z.ZodType<z.infer<typeof connectionSchema>> = o.connectionByBoard ? z.custom<z.infer<typeof connectionSchema>>(() => true) : connectionSchema;

  const elevatorSchema = z
    .object({
      id: idSchema,
      /** 20-character registration code (使用登记代码 / equipment code). */
      registrationCode: z.string().regex(/^[0-9A-Za-z]{20}$/, 'a 20-character registration code'),
      /** Rescue identification code posted in the car (96333 / 963333). */
      rescueCode: z.string().min(1).max(32),
      name: z.string().default(''),
      address: z.string().default(''),
      /** Who maintains the lift (GB/T 24476 group 2), for the platform's rescue tickets; in the retained info message. */
      maintenanceCompany: z
        .object({ name: z.string().min(1), phone: z.string().min(1).optional() })
        .strict()
        .optional(),
      board: z.string().min(1),
      /** Required except for gpio boards; its shape follows the board's transport. */
      connection: elevatorConnectionSchema.optional(),
      ratedSpeedMps: z.number().positive().max(20),
      floors: z.array(floorSchema).min(2),
      /** Retrofit boards only: the learned shaft (docs/retrofit.md). */
      shaft: learnedShaftSchema.optional(),
      rules: z.unknown().optional(),
    })
    .strict()
    .superRefine((e, ctx) => {
      for (let i = 1; i < e.floors.length; i++) {
        const prev = e.floors[i - 1]!;
        const cur = e.floors[i]!;
        if (cur.levelMm <= prev.levelMm) {
          ctx.addIssue({
            code: 'custom',
            path: ['floors', i, 'levelMm'],
            message: `floors must ascend: ${cur.levelMm} mm is not above floor "${prev.label}" at ${prev.levelMm} mm`,
          });
        }
      }
      if (e.shaft && e.shaft.landings.length !== e.floors.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['shaft', 'landings'],
          message: `${e.shaft.landings.length} learned landings for ${e.floors.length} floors: learn again (elevgw diag learn)`,
        });
      }
      e.shaft?.landings.forEach((l, i) => {
        const below = e.shaft!.landings[i - 1];
        if (below && !(l.pressurePa < below.pressurePa))
          ctx.addIssue({
            code: 'custom',
            path: ['shaft', 'landings', i, 'pressurePa'],
            message: `pressure must fall landing after landing: ${l.pressurePa} Pa is not below ${below.pressurePa} Pa`,
          });
      });
      const labels = new Set<string>();
      e.floors.forEach((f, i) => {
        if (labels.has(f.label)) ctx.addIssue({ code: 'custom', path: ['floors', i, 'label'], message: `duplicate floor label "${f.label}"` });
        labels.add(f.label);
      });
      if (e.rules !== undefined) {
        const r = thresholds.partial().safeParse(e.rules);
        if (!r.success) {
          for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: ['rules', ...issue.path] } as never);
        }
      }
    });

  const uplinkSchema = z
    .object({
      url: z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\//, 'an MQTT URL such as mqtt://host:1883 or mqtts://host:8883'),
      clientId: z.string().optional(),
      username: z.string().optional(),
      /** Inline (refused by `config validate --strict`) or `{ credential: NAME }`, a line of the credentials file. */
      password: z.union([z.string(), credentialRefSchema]).optional(),
      /** `name=value` secrets (src/config/credentials.ts), relative to this file; under systemd the unit's LoadCredential copy is read instead. */
      credentialsFile: z.string().min(1).default('credentials'),
      tls: z
        .object({
          /** Files, relative to this config file. */
          ca: z.string().optional(),
          cert: z.string().optional(),
          key: z.string().optional(),
          /** The key file's passphrase, from the credentials file only. */
          passphrase: credentialRefSchema.optional(),
          rejectUnauthorized: z.boolean().default(true),
        })
        .strict()
        .optional(),
      topicPrefix: z
        .string()
        .regex(/^[^#+]+$/, 'a topic prefix without wildcards')
        .default(DEFAULT_TOPIC_PREFIX),
      keepaliveS: z.number().int().min(5).max(600).default(30),
      /** Events published but not yet acknowledged, at most. */
      inflightWindow: z.number().int().min(1).max(1000).default(32),
      reconnectMinMs: z.number().int().min(100).default(1000),
      reconnectMaxMs: z.number().int().min(1000).default(60_000),
      /**
       * Records per second when draining a backlog, so a fleet reconnecting after a broker outage
       * does not flood the broker. Critical events are never held back by it.
       */
      drainRatePerS: z.number().positive().default(100),
      /** Status/telemetry snapshot per elevator, seconds (0 = off). */
      telemetryIntervalS: z.number().min(0).default(10),
    })
    .strict();

  const outboxSchema = z
    .object({
      path: z
        .string()
        .min(1)
        // SQLite (better-sqlite3) trims the name it opens: "outbox.db " would be another file.
        .refine((p) => p === p.trim(), 'a path with no white space at either end')
        .default('data/outbox.db'),
      maxMb: z.number().positive().default(64),
      retentionDays: z.number().positive().default(7),
      /** How often retention and the size cap are enforced, seconds. */
      maintainIntervalS: z.number().positive().default(60),
    })
    .strict();

  const siteConfigSchema = z
    .object({
      version: z.literal(CONFIG_VERSION),
      gateway: z
        .object({
          id: idSchema,
          site: z.string().default(''),
          /** The site's address; an elevator without an address of its own is reported at it. */
          address: z.string().optional(),
        })
        .strict(),
      /** Directory of board profiles, relative to this file; the built-in `boards/` is always searched too. */
      boardsDir: z.string().optional(),
      elevators: z.array(elevatorSchema).min(1),
      uplink: uplinkSchema,
      rules: thresholds.default(thresholds.parse({})),
      outbox: outboxSchema.default(outboxSchema.parse({})),
      runtime: z
        .object({
          /** Monotonic time runs this many times faster (simulation/demo only). */
          timeScale: z.number().positive().max(1000).default(1),
          /**
           * The local, read-only diagnostics socket of the running gateway (`elevgw health`, `diag live`),
           * relative to this file; default `diag.sock` next to the outbox database (the state directory).
           */
          diagSocket: z.string().min(1).optional(),
        })
        .strict()
        .default({ timeScale: 1 }),
    })
    .strict()
    .superRefine((c, ctx) => {
      const ids = new Set<string>();
      c.elevators.forEach((e, i) => {
        if (ids.has(e.id)) ctx.addIssue({ code: 'custom', path: ['elevators', i, 'id'], message: `duplicate elevator id "${e.id}"` });
        ids.add(e.id);
      });
    });
  return {
    uplinkSchema,
    siteConfigSchema,
    elevatorSchema,
    connectionSchema,
  };
}

type Schemas = ReturnType<typeof build>;

export const modbusTcpConnectionSchema = () => connectionSchemas().modbusTcpConnectionSchema;
export const modbusRtuConnectionSchema = () => connectionSchemas().modbusRtuConnectionSchema;
export const modbusConnectionSchema = () => connectionSchemas().modbusConnectionSchema;
export const serialFramedConnectionSchema = () => connectionSchemas().serialFramedConnectionSchema;
export const firmataConnectionSchema = () => connectionSchemas().firmataConnectionSchema;
export const gpioConnectionSchema = () => connectionSchemas().gpioConnectionSchema;
export const i2cConnectionSchema = () => connectionSchemas().i2cConnectionSchema;
export const uplinkSchema = () => build().uplinkSchema;

/**
 * Whether the uplink speaks TLS: the URL's scheme alone decides (mqtts://, ssl://, wss://). TLS
 * files given with mqtt://, tcp:// or ws:// are not used (`config validate --strict` refuses
 * them, `elevgw run` warns), unlike mqtt.js, which quietly switches to TLS on a plain URL when a
 * client certificate and key are given.
 */
export function uplinkUsesTls(url: string): boolean {
  return /^(mqtts|ssl|wss):\/\//.test(url);
}
export const siteConfigSchema = () => build().siteConfigSchema;
/**
 * The site config as the loader validates it: each elevator's connection is left as written, for
 * the loader to check against its board's transport (and to fill in that transport's defaults).
 */
export const siteConfigSchemaConnectionByBoard = () => build({ connectionByBoard: true }).siteConfigSchema;

export type SiteConfig = z.infer<Schemas['siteConfigSchema']>;
export type ElevatorConfig = z.infer<Schemas['elevatorSchema']>;
export type UplinkConfig = z.infer<Schemas['uplinkSchema']>;
/** A Modbus connection (TCP or RTU); the name predates the other transports and is kept for drivers/modbus. */
export type ModbusConnection = z.infer<ReturnType<typeof connectionSchemas>['modbusConnectionSchema']>;
/** Whatever an elevator's `connection` holds; narrowed per transport by `parseConnection`. */
export type Connection = z.infer<Schemas['connectionSchema']>;
