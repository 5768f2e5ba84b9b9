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

/**
 * Server-sent events for the duty-desk page: every client gets the whole snapshot on connect and
 * after every change (coalesced), and every few seconds regardless. One snapshot is built per
 * push and shared by all clients.
 */
export class LiveSnapshots {
  private readonly clients = new Set<ServerResponse>();
  private pendingPush: Timer | undefined;
  private refresh: Timer | undefined;
  private heartbeat: Timer | undefined;
  private pushing = false;
  private again = false;

  constructor(private readonly o: { build(): Promise<unknown>; timers: Timers; log: Logger }) {}

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
      (snap) => send(res, snap),
      (e: unknown) => this.o.log.warn({ err: errorMessage(e) }, 'snapshot failed'),
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
      for (const c of this.clients) send(c, snap);
    } catch (e) {
      this.o.log.warn({ err: errorMessage(e) }, 'snapshot failed');
    } finally {
      this.pushing = false;
      if (this.again) {
        this.again = false;
        this.changed();
      }
    }
  }
}

function send(res: ServerResponse, snap: unknown): void {
  res.write(`event: snapshot\ndata: ${JSON.stringify(snap)}\n\n`);
}
