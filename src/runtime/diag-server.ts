import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Timer, Timers } from '../core/clock.js';
import { errorMessage, isElevgwError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { CommissioningData } from '../contract/commissioning.js';
import type { IndicatorId } from '../contract/health.js';
import { DIAG_PROTOCOL_VERSION, MAX_DIAG_REQUEST_BYTES, MAX_DIAG_WRITE_BYTES, parseDiagRequest, type DiagEvent, type DiagRequest, type DiagResponse } from '../contract/diag.js';
import type { DiagView } from './diag-view.js';

export interface DiagServerOptions {
  path: string;
  view: DiagView;
  /** Real time: watch periods are a person's screen refresh, not sample time. */
  timers: Timers;
  logger: Logger;
  /** At most this many clients at once (a technician's laptop, a health check). */
  maxClients?: number;
  /**
   * The protocol's one write: stores a `commissioning` event of an elevator in the outbox and
   * returns it as stored. Absent: the request is refused (this gateway records none).
   */
  recordCommissioning?: (elevatorId: string, data: CommissioningData) => DiagEvent;
  /** `reset-baseline`: forgets early-warning baselines (reported upstream by the gateway); absent: refused. */
  resetBaseline?: (elevatorId: string, filter: { indicator?: IndicatorId; floor?: number }, by: string) => { keys: number; cleared: string[] };
}

const WRITE_OP = /"op"\s*:\s*"record-commissioning"/;

interface Client {
  socket: Socket;
  watch?: { elevator: string | undefined; timer: Timer; previous: Map<string, { transactions: number; at: number }> };
  errors: number;
}

/**
 * The running gateway's local diagnostics socket (src/contract/diag.ts): health, snapshots and a
 * live watch for `elevgw health`, `diag live` and `commission`, so a technician sees the shaft
 * without taking the serial bus from the service. Read-only but for `record-commissioning`, which
 * can only append that one event type; whoever may open the socket (the elevgw group, mode 0660)
 * may send it, and each one is logged. A hostile or broken line gets an error answer and, after
 * three, the connection is closed; the gateway never stops for it.
 */
export class DiagServer {
  private server?: Server;
  private readonly clients = new Set<Client>();

  constructor(private readonly o: DiagServerOptions) {}

  /** Listens; a stale socket file of a dead gateway is replaced, a live one is left alone (and this gateway serves no diagnostics). */
  async start(): Promise<boolean> {
    if (existsSync(this.o.path)) {
      if (await answers(this.o.path)) {
        this.o.logger.error({ socket: this.o.path }, 'another gateway serves diagnostics on this socket: is a second gateway using the same state directory? diagnostics off');
        return false;
      }
      unlinkSync(this.o.path);
    }
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.o.maxClients ?? 8;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.o.path, () => resolve());
      });
    } catch (e) {
      this.o.logger.error({ socket: this.o.path, err: errorMessage(e) }, 'diagnostics socket not available; monitoring continues');
      return false;
    }
    chmodSync(this.o.path, 0o660); // the elevgw group: technicians added to it may look, nobody else
    server.on('error', (e) => this.o.logger.warn({ err: errorMessage(e) }, 'diagnostics socket error'));
    this.server = server;
    return true;
  }

  /** Every watching client gets each stored event (commissioning watches for them). */
  event(e: DiagEvent): void {
    for (const c of this.clients)
      if (c.watch && (c.watch.elevator === undefined || c.watch.elevator === e.elevatorId)) this.send(c, { v: DIAG_PROTOCOL_VERSION, kind: 'event', event: e });
  }

  async stop(): Promise<void> {
    for (const c of this.clients) {
      c.watch?.timer.cancel();
      c.socket.destroy();
    }
    this.clients.clear();
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    if (existsSync(this.o.path)) unlinkSync(this.o.path);
  }

  private accept(socket: Socket): void {
    const client: Client = { socket, errors: 0 };
    this.clients.add(client);
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      // Only a line that names the one write up front may grow past the read limit, to the write's.
      const limit = WRITE_OP.test(buffered.slice(0, 200)) ? MAX_DIAG_WRITE_BYTES : MAX_DIAG_REQUEST_BYTES;
      if (buffered.length > limit && !buffered.includes('\n')) {
        this.refuse(client, `request line too long (at most ${limit} bytes)`);
        buffered = '';
        return;
      }
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) this.handle(client, line);
      }
    });
    const gone = () => {
      client.watch?.timer.cancel();
      this.clients.delete(client);
    };
    socket.on('close', gone);
    socket.on('error', gone);
  }

  private handle(c: Client, line: string): void {
    const parsed = parseDiagRequest(line);
    if (!parsed.ok) {
      this.refuse(c, parsed.message);
      return;
    }
    const r = parsed.request;
    if ('elevator' in r && r.elevator !== undefined && !this.o.view.has(r.elevator)) {
      this.refuse(c, `unknown elevator "${r.elevator}" (this gateway has: ${this.o.view.elevatorIds().join(', ')})`);
      return;
    }
    this.serve(c, r);
  }

  private serve(c: Client, r: DiagRequest): void {
    switch (r.op) {
      case 'health':
        this.send(c, { v: DIAG_PROTOCOL_VERSION, kind: 'health', health: this.o.view.health() });
        return;
      case 'snapshot':
        this.send(c, { v: DIAG_PROTOCOL_VERSION, kind: 'snapshot', snapshot: this.o.view.snapshot(r.elevator) });
        return;
      case 'watch': {
        c.watch?.timer.cancel();
        const previous = new Map<string, { transactions: number; at: number }>();
        const tick = () => {
          this.send(c, { v: DIAG_PROTOCOL_VERSION, kind: 'snapshot', snapshot: this.o.view.snapshot(r.elevator, previous) });
          if (c.watch) c.watch.timer = this.o.timers.after(r.everyMs, tick);
        };
        c.watch = { elevator: r.elevator, previous, timer: this.o.timers.after(0, tick) };
        return;
      }
      case 'record-commissioning':
        this.recordCommissioning(c, r.elevator, r.data);
        return;
      case 'reset-baseline':
        this.resetBaseline(c, r);
    }
  }

  /**
   * A technician's baseline reset (a part replaced). The socket's group is the authorisation; the
   * user is the one the client names — Node cannot read the peer's credentials — and is logged,
   * and sent upstream in the reset's event, as such.
   */
  private resetBaseline(c: Client, r: Extract<DiagRequest, { op: 'reset-baseline' }>): void {
    if (!this.o.resetBaseline) {
      this.refuse(c, 'this gateway does not reset baselines');
      return;
    }
    const filter = { ...(r.indicator ? { indicator: r.indicator } : {}), ...(r.floor === undefined ? {} : { floor: r.floor }) };
    try {
      const done = this.o.resetBaseline(r.elevator, filter, `diag:${r.user}`);
      this.o.logger.warn(
        { elevator: r.elevator, ...filter, claimedUser: r.user, ...done },
        'early-warning baselines reset through the diagnostics socket (authorised by membership of the elevgw group; the user is as the client claims)',
      );
      this.send(c, { v: DIAG_PROTOCOL_VERSION, kind: 'reset', ...done });
    } catch (e) {
      if (!isElevgwError(e)) throw e;
      this.refuse(c, e.message);
    }
  }

  /** The one write. The socket's group is the authorisation: the log says who was let in, and what was stored. */
  private recordCommissioning(c: Client, elevator: string, data: CommissioningData): void {
    if (!this.o.recordCommissioning) {
      this.refuse(c, 'this gateway does not record commissioning events');
      return;
    }
    const stored = this.o.recordCommissioning(elevator, data);
    this.o.logger.info(
      { elevator, id: stored.id, technician: data.technician, result: data.result, report: data.report },
      'commissioning recorded through the diagnostics socket (authorised by membership of the elevgw group)',
    );
    this.send(c, { v: DIAG_PROTOCOL_VERSION, kind: 'recorded', id: stored.id });
    this.event(stored);
  }

  private refuse(c: Client, message: string): void {
    this.send(c, { v: DIAG_PROTOCOL_VERSION, kind: 'error', error: { code: 'DIAG_INVALID', message } });
    if (++c.errors >= 3) c.socket.end();
  }

  private send(c: Client, response: DiagResponse): void {
    // A client that does not read (a stuck terminal) is dropped rather than buffered without end.
    if (c.socket.writableLength > 1024 * 1024) {
      c.socket.destroy();
      return;
    }
    c.socket.write(`${JSON.stringify(response)}\n`);
  }
}

/** Whether something answers on a Unix socket path (a live gateway) or not (a stale file). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
