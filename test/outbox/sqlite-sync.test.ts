import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { built } from '../helpers/built.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * What the outbox asks of the disk, counted by strace in a child process: every batch holding an
 * event is fsynced before append returns (an event is durable when stored), while a batch of
 * telemetry only is not — it rides on the next event's fsync, so telemetry rounds do not wear
 * an SD card out.
 */
describe('outbox fsyncs: events durable at once, telemetry-only batches not forced', () => {
  it('counts syncs for 20 event batches and for 20 telemetry batches, over what opening and closing cost', () => {
    const tmp = tempDir('elevgw-sync-');
    try {
      const script = `
        const { SqliteOutbox } = await import(${JSON.stringify(built('src/outbox/sqlite.ts'))});
        const o = SqliteOutbox.open(process.argv[1], { maxBytes: 64 * 1024 * 1024, retentionMs: 86400000 });
        const kind = process.argv[2];
        for (let i = 0; i < Number(process.argv[3]); i++) {
          const id = 'r' + String(i).padStart(6, '0');
          o.append([{ id, kind, elevatorId: 'E1', priority: kind === 'telemetry' ? 5 : 1, createdAt: Date.now(), payload: '{}' }]);
        }
        o.close();`;
      const syncs = (kind: string, batches: number) => {
        const db = tmp.file(`${kind}-${batches}.db`);
        const r = spawnSync('strace', ['-f', '-c', '-e', 'trace=fsync,fdatasync', process.execPath, '--input-type=module', '-e', script, db, kind, String(batches)], {
          encoding: 'utf8',
        });
        expect(r.status, r.stderr).toBe(0);
        const calls = (name: string) =>
          Number(
            r.stderr
              .split('\n')
              .find((l) => l.trim().endsWith(` ${name}`))
              ?.trim()
              .split(/\s+/)[3] ?? 0,
          );
        return calls('fsync') + calls('fdatasync');
      };
      const base = syncs('event', 0);
      const events = syncs('event', 20) - base;
      const telemetry = syncs('telemetry', 20) - base;
      expect(events, 'each event batch fsynced').toBeGreaterThanOrEqual(20);
      expect(telemetry, 'telemetry batches ride on later syncs').toBeLessThanOrEqual(2);
      console.log(`fsync/fdatasync calls for 20 batches beyond open+close (${base}): events ${events}, telemetry ${telemetry}`);
    } finally {
      tmp.cleanup();
    }
  });
});
