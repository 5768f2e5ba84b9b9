/**
 * Preloaded into a bench's gateway (`node --import=dist/bench/stage-watch.js …`) when
 * ELEVGW_BENCH_PEER_STAGES=1: where an event's time goes inside the gateway, from the Modbus TCP
 * answer's arrival to its PUBLISH on the socket, cut at the outbox's INSERT. It hooks only what
 * every gateway build has — the socket's `onread` callback, better-sqlite3's `Statement#run` and
 * the socket's `_writev` — so it measures a release as shipped. Never part of `elevgw run`.
 *
 * Per event (a QoS 1 PUBLISH written within 50 ms of an answer, after an INSERT): answer → first
 * INSERT (decode, signals, rules, building the record), the INSERTs, their end → the PUBLISH's
 * bytes handed to the kernel (the outbox's bookkeeping, mqtt.js). Milliseconds, from
 * `performance.now()`. Writes `stages-<pid>.json` into ELEVGW_BENCH_STAGES_DIR when the process
 * exits (the bench stops it with SIGTERM; the gateway exits cleanly). Keeps at most 100,000.
 */
import { writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { join } from 'node:path';

export interface StageLog {
  /** [answer → INSERT, INSERT, INSERT → PUBLISH written (ms), when written (epoch ms)] per event. */
  events: [number, number, number, number][];
}

const dir = process.env.ELEVGW_BENCH_STAGES_DIR;
const MQTT_PUBLISH_QOS1 = 0x32; // fixed header: PUBLISH, QoS 1, no DUP, no RETAIN
const MAX_EVENTS = 100_000;

if (dir) {
  const log: StageLog = { events: [] };
  let answer = 0;
  let insertStart = 0;
  let insertEnd = 0;
  let inserting = 0;

  const connect = net.connect;
  (net as { connect: typeof net.connect }).connect = function (this: unknown, ...args: unknown[]) {
    const opts = args[0] as net.NetConnectOpts & { onread?: { buffer: Buffer; callback: (n: number, buf: Buffer) => boolean } };
    if (typeof opts === 'object' && opts.onread) {
      const callback = opts.onread.callback;
      // The shortest Modbus TCP answer that carries data (a read of one register) is 11 bytes.
      args[0] = {
        ...opts,
        onread: {
          ...opts.onread,
          callback: (n: number, buf: Buffer) => {
            if (n > 8) {
              answer = performance.now();
              insertStart = 0;
              inserting = 0;
            }
            return callback(n, buf);
          },
        },
      };
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.connect;
  syncBuiltinESMExports();

  // The gateway's own better-sqlite3, resolved from its main script (a release has its own).
  const require = createRequire(process.argv[1] ?? join(process.cwd(), 'x.js'));
  const Database = require('better-sqlite3') as new (file: string) => { prepare(sql: string): object; close(): void };
  const db = new Database(':memory:');
  const statement = Object.getPrototypeOf(db.prepare('SELECT 1')) as { run: (...a: unknown[]) => unknown };
  db.close();
  const run = statement.run;
  statement.run = function (this: unknown, ...a: unknown[]) {
    const t = performance.now();
    if (answer !== 0 && insertStart === 0) insertStart = t;
    try {
      return run.apply(this, a);
    } finally {
      insertEnd = performance.now();
      if (answer !== 0) inserting += insertEnd - t;
    }
  };

  const written = (first: Buffer | undefined): void => {
    if (first === undefined || first[0] !== MQTT_PUBLISH_QOS1 || answer === 0 || insertStart === 0) return;
    const t = performance.now();
    if (t - answer < 50 && log.events.length < MAX_EVENTS) log.events.push([insertStart - answer, inserting, t - insertEnd, performance.timeOrigin + t]);
    answer = 0;
  };
  const socket = net.Socket.prototype as unknown as {
    _writev: (chunks: { chunk: Buffer }[], cb: () => void) => void;
    _write: (chunk: Buffer, enc: string, cb: () => void) => void;
  };
  const writev = socket._writev;
  socket._writev = function (this: unknown, chunks, cb) {
    written(chunks[0]?.chunk);
    return writev.call(this, chunks, cb);
  };
  const write = socket._write;
  socket._write = function (this: unknown, chunk, enc, cb) {
    if (Buffer.isBuffer(chunk)) written(chunk);
    return write.call(this, chunk, enc, cb);
  };

  process.once('exit', () => writeFileSync(join(dir, `stages-${process.pid}.json`), JSON.stringify(log)));
}
