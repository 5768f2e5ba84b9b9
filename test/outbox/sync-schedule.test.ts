import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { fixture } from './background-sync-disk.js';

/**
 * BackgroundSync's `schedule` option: the host is asked to start the durability work once per
 * batch of commits, not once per commit. Commits made before that start runs share it (and one
 * fdatasync); once it has run, the next commit asks again. The disk's answers are held by the
 * test (HeldDisk), the starts by the test's scheduler.
 */
const tmp = tempDir('elevgw-bgsync-schedule-');
afterAll(() => tmp.cleanup());

describe('BackgroundSync scheduling', () => {
  it('commits before the scheduled start share it: one request to the scheduler, one sync for all of them', () => {
    const starts: (() => void)[] = [];
    const f = fixture(tmp.dir, { schedule: (start) => starts.push(start) });
    f.commit();
    f.commit(false);
    f.commit();
    expect(starts, 'asked once for the three commits').toHaveLength(1);
    expect(f.disk.pending, 'nothing reaches the disk before the start runs').toEqual([]);
    expect(f.bg.isBusy(), 'a sync is due: acks wait for it').toBe(true);
    starts.shift()!();
    expect(f.disk.pending.map((h) => [h.op, f.fileOf(h.fd)])).toEqual([['fdatasync', 'wal']]);
    f.disk.next().done();
    expect(f.bg.stats()).toMatchObject({ commits: 3, durableCommits: 3, syncs: 1 });

    f.commit();
    expect(starts, 'after the start ran, the next commit asks again').toHaveLength(1);
    starts.shift()!();
    f.disk.next().done();
    expect(f.bg.stats()).toMatchObject({ commits: 4, durableCommits: 4, syncs: 2 });
    expect(f.disk.pending).toEqual([]);
    f.close();
  });
});
