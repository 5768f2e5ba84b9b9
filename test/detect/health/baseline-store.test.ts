import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { newKeyState } from '../../../src/detect/health/baseline.js';
import { SqliteBaselineStore } from '../../../src/detect/health/baseline-sqlite.js';
import { MemoryBaselineStore } from '../../../src/detect/health/baseline-store.js';
import { SqliteOutbox } from '../../../src/outbox/sqlite.js';
import { tempDir } from '../../helpers/tmp.js';
import { baselineStoreContract } from './baseline-store.contract.js';

const tmp = tempDir('elevgw-baselines-');
let n = 0;

baselineStoreContract('MemoryBaselineStore', () => new MemoryBaselineStore());
baselineStoreContract('SqliteBaselineStore', () => SqliteBaselineStore.open(tmp.file(`contract-${n++}.db`)));

const meta = { healthMs: 7 * 86_400_000, counters: { trips: 1, doorCycles: 2, runningMs: 3 }, blocks: {} };

describe('SqliteBaselineStore', () => {
  it('survives the process: another connection on the same file reads what was saved', () => {
    const path = tmp.file('restart.db');
    const a = SqliteBaselineStore.open(path);
    a.save('E1', meta, new Map([['doorCloseS@5', newKeyState(5)]]));
    a.close();
    const b = SqliteBaselineStore.open(path);
    expect(b.load('E1')?.keys.get('doorCloseS@5')).toEqual(newKeyState(5));
    b.close();
  });

  it('lives in the outbox database file in tables of its own, and the outbox still opens and works', () => {
    const path = tmp.file('outbox.db');
    const limits = { maxBytes: 64 * 1024 * 1024, retentionMs: 86_400_000 };
    const outbox = SqliteOutbox.open(path, limits);
    const store = SqliteBaselineStore.open(path);
    store.save('E1', meta, new Map([['doorCloseS@5', newKeyState(5)]]));
    outbox.append([{ id: '01JD0000000000000000000000', kind: 'event', elevatorId: 'E1', priority: 2, createdAt: 1, payload: '{}' }]);
    store.close();
    outbox.close();
    const again = SqliteOutbox.open(path, limits);
    expect(again.openReport().recovered).toBe(false);
    expect(again.next(10).map((r) => r.id)).toEqual(['01JD0000000000000000000000']);
    again.close();
    const tables = new Database(path, { readonly: true }).prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['health_baselines', 'health_meta', 'records', 'meta']));
  });

  it('read-only (replay --baselines) reads a gateway file and never writes to it', () => {
    const path = tmp.file('ro.db');
    const w = SqliteBaselineStore.open(path);
    w.save('E1', meta, new Map([['a', newKeyState(1)]]));
    w.close();
    const r = SqliteBaselineStore.open(path, { readonly: true });
    r.save('E1', { ...meta, healthMs: 0 }, new Map([['a', null]]));
    expect(r.load('E1')?.meta.healthMs).toBe(meta.healthMs);
    expect(r.load('E1')?.keys.has('a')).toBe(true);
    r.close();
    expect(SqliteBaselineStore.open(tmp.file('empty.db'), {}).load('E1')).toBeUndefined();
  });

  it('a row of another format (a later build) or broken JSON is relearned, not misread', () => {
    const path = tmp.file('format.db');
    const s = SqliteBaselineStore.open(path);
    s.save(
      'E1',
      meta,
      new Map([
        ['good', newKeyState(1)],
        ['later', newKeyState(1)],
        ['broken', newKeyState(1)],
      ]),
    );
    s.close();
    const db = new Database(path);
    db.prepare("UPDATE health_baselines SET state = json_set(state, '$.v', 2) WHERE key = 'later'").run();
    db.prepare("UPDATE health_baselines SET state = '{' WHERE key = 'broken'").run();
    db.close();
    const again = SqliteBaselineStore.open(path);
    expect([...again.load('E1')!.keys.keys()]).toEqual(['good']);
    again.close();
  });
});

afterAll(() => tmp.cleanup());
