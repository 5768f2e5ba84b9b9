import { accessSync, constants, existsSync } from 'node:fs';
import { z } from 'zod';
import { type LoadedElevator, loadConfig } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { createLogger } from '../core/log.js';
import { type Lang, resolveLang } from '../diag/i18n.js';
import { readBus } from '../diag/live/bus-source.js';
import { type LiveFrame, staleFrame } from '../diag/live/frame.js';
import { allGood, plainLine, renderScreen } from '../diag/live/render.js';
import { watchService } from '../diag/live/service-source.js';
import { CTRL_C, FullScreen, readKeys } from '../diag/live/terminal.js';
import { liveTexts } from '../diag/live/texts.js';
import { parseArg, pickElevator } from './args.js';
import { DiagClient, ServiceUnreachable } from './diag-client.js';
import { DIAG_EXIT } from './diag-signals.js';

export interface LiveOpts {
  config: string;
  elevator?: string;
  count?: string;
  json?: boolean;
  lang?: string;
}

/** The service's snapshot period; the picture is redrawn twice as often so fault ages tick. */
const EVERY_MS = 500;
const REDRAW_MS = 250;
/** No snapshot for this long: the service is hung or gone, and every value shows `?`. */
const STALE_AFTER_MS = 2000;
const RECONNECT_MS = 2000;

/** A picture before the first reading: the floor table, nothing known yet. */
function emptyFrame(e: LoadedElevator, source: LiveFrame['source']): LiveFrame {
  return {
    source,
    at: Date.now(),
    elevator: { id: e.config.id, board: e.board.id, floors: e.config.floors, ratedSpeedMps: e.config.ratedSpeedMps },
    signals: {},
    driver: null,
    outbox: null,
    faults: null,
  };
}

/** The socket exists but this user may not open it: not a stopped service, so the bus is left alone. */
function forbidden(socket: string): boolean {
  if (!existsSync(socket)) return false;
  try {
    accessSync(socket, constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

/** `elevgw diag live` (diag-live.ts declares its options): the service's picture, or the bus's. */
export async function liveCommand(opts: LiveOpts): Promise<void> {
  const lang = resolveLang(opts.lang);
  const count = opts.count === undefined ? Infinity : parseArg(z.coerce.number().int().positive(), opts.count, '--count');
  const config = loadConfig(opts.config);
  const e = pickElevator(config.elevators, opts.elevator);
  let client: DiagClient | undefined;
  try {
    client = await DiagClient.connect(config.diagSocketPath, 1500);
  } catch (err) {
    if (!(err instanceof ServiceUnreachable) || forbidden(config.diagSocketPath)) throw err;
  }
  const view = new LiveView(lang, opts.json === true, count, client ? undefined : liveTexts(lang).busNote({ socket: config.diagSocketPath }));
  view.start(emptyFrame(e, client ? 'service' : 'bus'));
  try {
    if (client) await followService(view, client, e.config.id, config.diagSocketPath);
    else
      await readBus(
        { elevator: e, outboxPath: config.outboxPath, everyMs: EVERY_MS, clock: systemClock, logger: createLogger({ level: 'silent' }), stopped: () => view.stopped },
        (f) => view.frame(f),
      );
  } finally {
    view.stop();
    client?.close();
  }
  process.exitCode = view.exitCode();
}

/** Follows the service; when it hangs up (a restart), reconnects every 2 s until the user quits. */
async function followService(view: LiveView, first: DiagClient, elevator: string, socket: string): Promise<void> {
  let client: DiagClient | undefined = first;
  while (!view.stopped) {
    if (client) {
      view.onQuit = () => client?.close();
      await watchService(client, { elevator, everyMs: EVERY_MS, wallNow: () => Date.now() }, { frame: (f) => view.frame(f) });
      client.close();
      client = undefined;
      view.gone();
    }
    if (view.stopped) return;
    await view.pause(RECONNECT_MS);
    client = await DiagClient.connect(socket, 1500).catch(() => undefined);
  }
}

/** What the technician sees: the full-screen picture on a terminal, else a line or JSON per frame. */
class LiveView {
  stopped = false;
  onQuit: () => void = () => {};
  private last: LiveFrame | undefined;
  private lastAt = 0;
  private shown = 0;
  /** The last frame printed or drawn: the exit code is its verdict, a stale one included. */
  private lastShown: LiveFrame | undefined;
  private gonePending = false;
  private screen?: FullScreen;
  private restoreKeys?: () => void;
  private ticker?: NodeJS.Timeout;
  private readonly quit = () => this.stop();

  constructor(
    private readonly lang: Lang,
    private readonly json: boolean,
    private readonly count: number,
    private readonly note: string | undefined,
  ) {}

  start(initial: LiveFrame): void {
    this.last = initial;
    this.lastAt = Date.now();
    if (!this.json && process.stdout.isTTY) {
      this.screen = new FullScreen({ out: process.stdout, input: process.stdin });
      this.screen.start();
      this.redraw();
    }
    if (process.stdin.isTTY) this.restoreKeys = readKeys(process.stdin, (k) => (k === 'q' || k === 'Q' || k === CTRL_C) && this.stop());
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, this.quit);
    this.ticker = setInterval(() => this.tick(), REDRAW_MS);
  }

  frame(f: LiveFrame): void {
    if (this.stopped) return;
    this.last = f;
    this.lastAt = Date.now();
    this.gonePending = false;
    this.emit(f);
  }

  gone(): void {
    this.gonePending = true;
  }

  /** Waits `ms`, or less when the user quits meanwhile. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.onQuit = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Redraws the picture (fault ages move, a silent service turns every value to `?`); off a terminal, a stale line a second. */
  private tick(): void {
    const silentMs = Date.now() - this.lastAt;
    if (this.screen) this.redraw();
    else if (silentMs > STALE_AFTER_MS && silentMs % 1000 < REDRAW_MS && this.last) this.emit(this.current());
  }

  private current(): LiveFrame {
    const now = Date.now();
    return this.last && now - this.lastAt > STALE_AFTER_MS && this.last.source === 'service' ? staleFrame(this.last, this.lastAt, now) : this.last!;
  }

  private redraw(): void {
    const f = this.current();
    const t = liveTexts(this.lang);
    const note = f.staleSince !== undefined ? (this.gonePending ? t.goneNote() : t.staleNote({ s: Math.round((Date.now() - f.staleSince) / 1000) })) : this.note;
    this.screen?.draw(renderScreen(f, { lang: this.lang, ...this.screen.size(), nowMs: Date.now(), ...(note ? { note } : {}) }));
  }

  private emit(f: LiveFrame): void {
    this.lastShown = f;
    if (this.screen) this.redraw();
    else console.log(this.json ? JSON.stringify(f) : plainLine(f, this.lang, Date.now()));
    if (++this.shown >= this.count) this.stop();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.ticker);
    this.restoreKeys?.();
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, this.quit);
    this.screen?.stop();
    this.onQuit();
  }

  /**
   * The verdict of the last frame shown, not of the last one received: once the service stops
   * answering, the frames shown are stale (`?` everywhere) while the last one received was good.
   * 0: quit by the user, or every reading of that frame good; 3: the service stopped answering
   * (a stale frame) or the device is lost; 1: some reading is bad.
   */
  exitCode(): number {
    const f = this.lastShown ?? this.last;
    if (this.count === Infinity || !f || allGood(f)) return DIAG_EXIT.ok;
    return f.staleSince !== undefined || f.driver?.state === 'lost' ? DIAG_EXIT.unreachable : DIAG_EXIT.checkFailed;
  }
}
