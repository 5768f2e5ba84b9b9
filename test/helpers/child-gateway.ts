import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { built } from './built.js';

/**
 * The compiled `elevgw`, built at import when any source is newer than dist/ (see built.ts):
 * every test that spawns the CLI imports it from here, so none runs a stale build.
 */
export const CLI = built('src/cli/main.ts');

/**
 * `elevgw run` as a child process, as systemd would run it: with the launcher's `--expose-gc`, so
 * the kill loops and outages run with the collections at rest (src/runtime/rest-gc.ts). The
 * launcher's other flags are left out: interpreter only would slow every such test for nothing
 * they check.
 */
export function runGateway(config: string): ChildProcess {
  return spawn(process.execPath, ['--expose-gc', CLI, 'run', '--config', config, '--log-level', 'error'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function stopChild(p: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill(signal);
  });
}

export interface StoredRow {
  id: string;
  seq: number;
  kind: string;
  priority: number;
  elevatorId: string | null;
  type?: string;
  payload: string;
  delivered: boolean;
}

/** The outbox rows as another process sees them on disk (read-only; WAL readers never block the writer). */
export function readOutbox(dbPath: string, where = '1=1'): StoredRow[] {
  if (!existsSync(dbPath)) return [];
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    const rows = db.prepare(`SELECT seq, id, kind, priority, elevator_id, payload, delivered_at FROM records WHERE ${where} ORDER BY seq`).all() as {
      seq: number;
      id: string;
      kind: string;
      priority: number;
      elevator_id: string | null;
      payload: string;
      delivered_at: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      seq: r.seq,
      kind: r.kind,
      priority: r.priority,
      elevatorId: r.elevator_id,
      type: (JSON.parse(r.payload) as { type?: string }).type,
      payload: r.payload,
      delivered: r.delivered_at !== null,
    }));
  } catch {
    return []; // not created yet
  } finally {
    db?.close();
  }
}
