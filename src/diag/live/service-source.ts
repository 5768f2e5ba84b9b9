import type { DiagEvent, DiagRequestInput, DiagResponse } from '../../contract/diag.js';
import { ElevgwError } from '../../core/errors.js';
import { FaultAges, frameFromSnapshot, type LiveFrame } from './frame.js';

/** What this needs of a connection to the diagnostics socket (src/cli/diag-client.ts DiagClient has it). */
export interface DiagConnection {
  send(request: DiagRequestInput): void;
  /** The next answer; undefined when the gateway hung up. */
  next(): Promise<DiagResponse | undefined>;
  close(): void;
}

export interface WatchHandlers {
  frame(f: LiveFrame): void;
  /** Each event the gateway stores for this elevator, as it stores it. */
  event?(e: DiagEvent): void;
}

/**
 * Watches one elevator on the running gateway: a frame per snapshot (every `everyMs`), and the
 * gateway's events as it stores them (they give the active faults their age). Resolves when the
 * gateway hangs up or the connection breaks; a refusal (unknown elevator …) is thrown.
 */
export async function watchService(conn: DiagConnection, o: { elevator: string; everyMs: number; wallNow: () => number }, on: WatchHandlers): Promise<void> {
  const ages = new FaultAges();
  conn.send({ op: 'watch', elevator: o.elevator, everyMs: o.everyMs });
  for (;;) {
    let r: DiagResponse | undefined;
    try {
      r = await conn.next();
    } catch (e) {
      if (e instanceof ElevgwError) throw e; // an answer this version does not understand
      return; // the connection broke: the same as a hang-up to the caller
    }
    if (r === undefined) return;
    if (r.kind === 'snapshot') {
      const e = r.snapshot.elevators.find((x) => x.id === o.elevator);
      if (e) on.frame(frameFromSnapshot(r.snapshot, e, ages, o.wallNow()));
    } else if (r.kind === 'event') {
      if (r.event.phase === 'raised') ages.raised(r.event.type, Date.parse(r.event.at));
      on.event?.(r.event);
    } else if (r.kind === 'error') {
      throw new ElevgwError('DIAG_INVALID', `the gateway refused to be watched: ${r.error.message}`);
    }
  }
}
