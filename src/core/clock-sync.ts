import { existsSync } from 'node:fs';

/**
 * Whether the wall clock can be trusted. A Raspberry Pi has no RTC: until NTP syncs it
 * boots with the last saved time. systemd-timesyncd marks a sync with this file; where
 * no timesyncd runs (containers, dev machines) a clock past the release date is taken as set.
 */
export function clockSynced(wallNow = Date.now()): boolean {
  if (process.env.ELEVGW_CLOCK_SYNCED === '1') return true;
  if (process.env.ELEVGW_CLOCK_SYNCED === '0') return false;
  if (existsSync('/run/systemd/timesync/synchronized')) return true;
  if (existsSync('/run/systemd/timesync')) return false;
  return wallNow > Date.UTC(2026, 0, 1);
}
