import type { ServerResponse } from 'node:http';
import type { Timer, Timers } from '../../core/clock.js';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';

/** Changes come in bursts (a batch of commits); the page is redrawn at most this often. */
const COALESCE_MS = 200;
/** Derived states move without any message (a gateway falls silent, a timer runs): redraw anyway. */
const REFRESH_MS = 5000;
/** A comment line keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/** What the page is told while no snapshot can be built (the database is away). */
export interface Unavailable {
  code: 'DATABASE_UNREACHABLE';
  message: string;
  /** Wall time of the first failed snapshot of this outage. */
  sinceMs: number;
  nowMs: number;
}

/**
 * Server-sent events for the duty-desk page: every client gets the whole snapshot on connect and
 * after every change (coalesced), and every few seconds regardless. One snapshot is built per
 * push and shared by all clients.
 *
 * A snapshot that cannot be built (the database is down) is not kept quiet: the page would go on
 * showing its last tickets as live. Every client gets an `unavailable` event instead, on connect
 * and on every push of the outage, and the next snapshot that builds ends it; the refresh keeps
 * trying, so the page recovers by itself. The log says when an outage starts and when it ends
 * (with the failed snapshots counted), not every failed try.
 */
export class LiveSnapshots {
  private readonly clients = new Set<ServerResponse>();
  private pendingPush: Timer | undefined;
  private refresh: Timer | undefined;
  private heartbeat: Timer | undefined;
  private pushing = false;
  private again = false;
  private outage: { sinceMs: number; message: string; failed: number } | undefined;

  constructor(private readonly o: { build(): Promise<unknown>; timers: Timers; wallNow(): number; log: Logger }) {}

  start(): void {
    const refresh = () => {
      this.changed();
      this.refresh = this.o.timers.after(REFRESH_MS, refresh);
    };
    this.refresh = this.o.timers.after(REFRESH_MS, refresh);
    const beat = () => {
      for (const c of this.clients) c.write(': heartbeat\n\n');
      this.heartbeat = this.o.timers.after(HEARTBEAT_MS, beat);
    };
    this.heartbeat = this.o.timers.after(HEARTBEAT_MS, beat);
  }

  /** A new page: headers, then its first snapshot at once. */
  attach(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    void this.o.build().then(
      (snap) => {
        this.available();
        send(res, snap);
      },
      (e: unknown) => sendUnavailable(res, this.unavailable(e)),
    );
  }

  /** Something the page shows changed: push soon. */
  changed(): void {
    if (this.clients.size === 0 || this.pendingPush) return;
    this.pendingPush = this.o.timers.after(COALESCE_MS, () => {
      this.pendingPush = undefined;
      void this.push();
    });
  }

  get clientCount(): number {
    return this.clients.size;
  }

  close(): void {
    this.pendingPush?.cancel();
    this.refresh?.cancel();
    this.heartbeat?.cancel();
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  private async push(): Promise<void> {
    if (this.pushing) {
      this.again = true;
      return;
    }
    this.pushing = true;
    try {
      const snap = await this.o.build();
      this.available();
      for (const c of this.clients) send(c, snap);
    } catch (e) {
      const down = this.unavailable(e);
      for (const c of this.clients) sendUnavailable(c, down);
    } finally {
      this.pushing = false;
      if (this.again) {
        this.again = false;
        this.changed();
      }
    }
  }

  /** A failed snapshot: the outage starts (logged once) or goes on. */
  private unavailable(e: unknown): Unavailable {
    const message = `the database is unreachable: ${errorMessage(e)}`;
    if (this.outage) {
      this.outage.failed++;
      this.outage.message = message;
    } else {
      this.outage = { sinceMs: this.o.wallNow(), message, failed: 1 };
      this.o.log.warn({ err: errorMessage(e) }, 'snapshot failed; the duty desk shows the database unreachable until one builds');
    }
    return { code: 'DATABASE_UNREACHABLE', message, sinceMs: this.outage.sinceMs, nowMs: this.o.wallNow() };
  }

  /** A snapshot built: an outage, if any, is over. */
  private available(): void {
    if (!this.outage) return;
    this.o.log.info({ failedSnapshots: this.outage.failed, downMs: this.o.wallNow() - this.outage.sinceMs }, 'snapshots build again; the duty desk is live');
    this.outage = undefined;
  }
}

function sendUnavailable(res: ServerResponse, down: Unavailable): void {
  res.write(`event: unavailable\ndata: ${JSON.stringify(down)}\n\n`);
}

function send(res: ServerResponse, snap: unknown): void {
  res.write(`event: snapshot\ndata: ${JSON.stringify(snap)}\n\n`);
}
