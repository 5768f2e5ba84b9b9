import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { tempDir } from '../helpers/tmp.js';
import { builtSqliteOutbox } from './built.js';

const tmp = tempDir('elevgw-outbox-crash-');
afterAll(() => tmp.cleanup());
let moduleUrl = '';
beforeAll(() => {
  moduleUrl = pathToFileURL(builtSqliteOutbox()).href;
});

/**
 * The child appends (one batch, then an ack, then a second batch), reports each append as
 * returned, and then hangs; the test kills it with SIGKILL — no close, no checkpoint, no exit
 * handlers — and reopens the file.
 */
const childScript = (url: string) => `
const { SqliteOutbox } = await import(${JSON.stringify(url)});
const o = SqliteOutbox.open(process.env.OUTBOX_PATH, { maxBytes: 64 * 1024 * 1024, retentionMs: 86400000 });
const rec = (id, priority) => ({ id, kind: 'event', elevatorId: 'E1', priority, createdAt: 1767225600000, payload: JSON.stringify({ id }) });
o.append([rec('A1', 1), rec('A2', 0)]);
o.ack(['A1']);
await o.whenDurable(); // an ack that came while a sync ran is written when it ends
const [b] = o.append([rec('B1', 0)]);
process.stdout.write('appended ' + b.seq + '\\n');
setInterval(() => {}, 1000);
`;

function runAndKill(path: string, url: string): Promise<{ line: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', childScript(url)], {
      env: { ...process.env, OUTBOX_PATH: path },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let line = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!line && out.includes('\n')) {
        line = out.split('\n')[0]!;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => (line ? resolvePromise({ line, signal }) : reject(new Error(`child exited before appending: ${err}`))));
  });
}

describe('SqliteOutbox durability', () => {
  it('given a process killed with SIGKILL right after append returned, the records are there on reopen', async () => {
    const path = join(tmp.dir, 'crash.db');
    const { line, signal } = await runAndKill(path, moduleUrl);
    expect(signal).toBe('SIGKILL');
    expect(line).toMatch(/^appended \d+$/);
    expect(existsSync(`${path}-wal`)).toBe(true); // the commits live only in the WAL: recovery is exercised

    const o = SqliteOutbox.open(path, { maxBytes: 64 * 1024 * 1024, retentionMs: 86_400_000 });
    expect(o.openReport().recovered).toBe(false);
    expect(o.next(10).map((r) => r.id)).toEqual(['A2', 'B1']);
    expect(o.stats()).toMatchObject({ pending: 2, delivered: 1 });
    expect(o.lastId()).toBe('B1');
    o.close();
  });
});
