import { z } from 'zod';

/**
 * How a framed serial protocol cuts its byte stream into frames (board profiles of transport
 * `serial-framed`). Offsets of the profile's fields count from the first payload byte.
 */

const byteSchema = z.number().int().min(0).max(255);
const endianSchema = z.enum(['be', 'le']);

/**
 * Checksum algorithms. `crc16-ccitt-false` is CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF,
 * not reflected, no final xor; "123456789" → 0x29B1), the variant most sensor firmware calls "CCITT".
 * `crc16-modbus`: poly 0x8005 reflected, init 0xFFFF ("123456789" → 0x4B37).
 */
export const CHECKSUM_TYPES = ['none', 'sum8', 'xor8', 'crc16-modbus', 'crc16-ccitt-false'] as const;
const checksumTypeSchema = z.enum(CHECKSUM_TYPES);
export type ChecksumType = z.infer<typeof checksumTypeSchema>;

const checksumSchema = z
  .object({
    type: checksumTypeSchema,
    /** Byte order of a 16-bit checksum on the wire (CRC-16/MODBUS is traditionally `le`). */
    endian: endianSchema.default('be'),
    /** `frame`: every byte before the checksum (sync/start, length, payload); `payload`: the payload only. */
    covers: z.enum(['frame', 'payload']).default('frame'),
  })
  .strict();
export type ChecksumDef = z.infer<typeof checksumSchema>;

const NO_CHECKSUM: ChecksumDef = { type: 'none', endian: 'be', covers: 'frame' };

const payloadBounds = {
  /** Shortest payload accepted, bytes; shorter frames are counted as length errors. */
  minLength: z.number().int().min(0).max(4096).default(0),
  /** Longest payload accepted; a longer (or runaway) frame is dropped and the decoder resynchronises. */
  maxLength: z.number().int().min(1).max(4096),
};

/** `sync…` `length` `payload` `checksum`: the length field follows the sync bytes. */
const lengthPrefixedFramingSchema = z
  .object({
    kind: z.literal('length-prefixed'),
    /** Header (sync) bytes that start every frame, e.g. [0xAA, 0x55]. */
    sync: z.array(byteSchema).min(1).max(8),
    length: z
      .object({
        size: z.union([z.literal(1), z.literal(2)]),
        endian: endianSchema.default('be'),
        /** Payload length = field value + adjust (e.g. -2 when the field also counts a 2-byte checksum). */
        adjust: z.number().int().min(-16).max(16).default(0),
      })
      .strict(),
    ...payloadBounds,
    checksum: checksumSchema.default(NO_CHECKSUM),
  })
  .strict();

/**
 * `start…` `payload` `checksum` `delimiter`: frames end with a delimiter. Suits payloads that
 * cannot contain the delimiter (ASCII or escaped protocols).
 */
const delimitedFramingSchema = z
  .object({
    kind: z.literal('delimiter'),
    /** Optional start bytes (e.g. STX 0x02); without them a frame is whatever lies between delimiters. */
    start: z.array(byteSchema).max(8).default([]),
    delimiter: z.array(byteSchema).min(1).max(8),
    ...payloadBounds,
    checksum: checksumSchema.default(NO_CHECKSUM),
  })
  .strict();

export const framingSchema = z.discriminatedUnion('kind', [lengthPrefixedFramingSchema, delimitedFramingSchema]);
export type Framing = z.infer<typeof framingSchema>;
export type LengthPrefixedFraming = z.infer<typeof lengthPrefixedFramingSchema>;
export type DelimitedFraming = z.infer<typeof delimitedFramingSchema>;
