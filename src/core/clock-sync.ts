import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * Whether the wall clock can be trusted, as every payload's `clockSynced` says. A Raspberry Pi has
 * no RTC: until NTP syncs it boots with the last saved time, which may be days old and still look
 * plausible — so no date can prove a clock right, and "unknown" is reported as not synced. Only
 * evidence counts:
 *
 * 1. a wall clock before 2026 is wrong whatever else says (elevgw did not exist then);
 * 2. `ELEVGW_CLOCK_SYNCED=1` / `0`: whoever runs the gateway vouches for the clock (a container
 *    whose host syncs, a lab machine);
 * 3. systemd-timesyncd touches `/run/systemd/timesync/synchronized` at every synchronisation (since
 *    systemd 239; on tmpfs, so it is gone after a reboot until the next sync) — Raspberry Pi OS's
 *    default; a container can see its host's by mounting `/run/systemd/timesync` read-only;
 * 4. chrony has no such file: when chronyd runs (`/run/chrony` exists) its leap status
 *    (`chronyc -c tracking`, "Normal" once it has synchronised) is asked at most once a minute, in
 *    the background, and the last answer counts (none yet: not synced);
 * 5. nothing of the above: not synced.
 */

const EARLIEST_POSSIBLE = Date.UTC(2026, 0, 1);
const TIMESYNCD_MARKER = '/run/systemd/timesync/synchronized';
const CHRONY_RUN_DIR = '/run/chrony';

/** What the verdict is drawn from; the system's by default, a fake in tests. */
export interface ClockEvidence {
  env(name: string): string | undefined;
  exists(path: string): boolean;
  /** chrony's leap status from its latest answer ("Normal", "Not synchronised" …), undefined before any. */
  chronyLeap(): string | undefined;
}

const CHRONY_ASK_EVERY_MS = 60_000;
const chrony: { leap?: string; askedAt: number } = { askedAt: -Infinity };

function askChrony(): void {
  // -c: CSV; the 14th field is the leap status. -n: no DNS lookups. UDP to 127.0.0.1:323 needs no privilege.
  execFile('chronyc', ['-n', '-c', 'tracking'], { timeout: 5000 }, (err, stdout) => {
    chrony.leap = err ? undefined : stdout.split(',')[13]?.trim();
  });
}

/** Every payload asks; the files change at a sync, a few times an hour: a look every few seconds is enough. */
const LOOK_EVERY_MS = 5000;
const looked = new Map<string, { at: number; exists: boolean }>();

const systemEvidence: ClockEvidence = {
  env: (name) => process.env[name],
  exists(path) {
    // A rate limit, like chrony's below: real time is right here.
    const now = performance.now();
    const last = looked.get(path);
    if (last && now - last.at < LOOK_EVERY_MS) return last.exists;
    const exists = existsSync(path);
    looked.set(path, { at: now, exists });
    return exists;
  },
  chronyLeap() {
    // A rate limit, not a timing of the gateway's behaviour: real time is right here.
    const now = performance.now();
    if (now - chrony.askedAt >= CHRONY_ASK_EVERY_MS) {
      chrony.askedAt = now;
      askChrony();
    }
    return chrony.leap;
  },
};

const SYNCED_LEAP = new Set(['Normal', 'Insert second', 'Delete second']);

export function clockSynced(wallNow = Date.now(), evidence: ClockEvidence = systemEvidence): boolean {
  if (wallNow < EARLIEST_POSSIBLE) return false;
  const vouched = evidence.env('ELEVGW_CLOCK_SYNCED');
  if (vouched === '1') return true;
  if (vouched === '0') return false;
  if (evidence.exists(TIMESYNCD_MARKER)) return true;
  if (evidence.exists(CHRONY_RUN_DIR)) return SYNCED_LEAP.has(evidence.chronyLeap() ?? '');
  return false;
}
