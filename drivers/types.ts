import type { DriverErrorCode } from '../src/core/errors.js';
import type { ConnectionState } from './kernel/connection.js';

/**
 * The one boundary between field transports and the rest of elevgw.
 * A driver knows registers, pins and frames; it never knows signals' meaning, rules or MQTT.
 */

/** Monotonic milliseconds (see src/core/clock.ts). */
export type MonoMs = number;

export type Quality = 'good' | 'bad';

export interface RawPoint {
  /** The point's name in the board profile. */
  point: string;
  value: number | boolean;
  /** When the reading was taken in: a polled reading's answer, a pushed reading's arrival. */
  at: MonoMs;
  /**
   * A polled reading's request time, the earliest the device can have sampled it: its value is
   * from somewhere between `askedAt` and `at`, and a slow answer makes `at` late by up to its
   * reply time. Absent: the same as `at` (a pushed reading: framed serial, GPIO, Firmata).
   */
  askedAt?: MonoMs;
  quality: Quality;
}

export type DriverState = 'ok' | 'degraded' | 'lost';

export interface DriverHealth {
  state: DriverState;
  /** Where the transport is in its life (drivers/kernel/connection.ts). */
  link: ConnectionState;
  /** Stable error code of the last failure, e.g. MODBUS_TIMEOUT. */
  lastErrorCode?: DriverErrorCode;
  lastError?: string;
  transactions: number;
  failures: number;
  /** Consecutive failed polls (or open attempts) since the last good one. */
  consecutiveFailures: number;
  /** Failed attempts by stable code, e.g. { MODBUS_TIMEOUT: 3, MODBUS_CRC: 1, MODBUS_EXCEPTION: 2 }. */
  errorsByCode: Partial<Record<DriverErrorCode, number>>;
  /** Polls answered 'bad' without touching the bus while a dead slave is backed off. */
  skippedPolls: number;
}

export interface Driver {
  readonly kind: string;
  /** Opens the transport. Never throws: a failed open leaves health 'lost' and the next poll retries. */
  open(): Promise<void>;
  /**
   * Starts opening without waiting for it: a transport that takes seconds to answer (a Firmata
   * board's reset and handshake) would otherwise hold the service's start, and every elevator after
   * it, for each silent board. The running service uses it where present, else awaits `open()`;
   * a one-shot tool awaits `open()` to know whether the board answered.
   */
  openInBackground?(): void;
  close(): Promise<void>;
  /**
   * Reads one poll group. Never throws past this boundary: on failure every point of the group
   * comes back with quality 'bad' and health records why.
   */
  poll(group: string): Promise<RawPoint[]>;
  health(): DriverHealth;
}
