/**
 * Runs beside the peer bench's gateway when ELEVGW_BENCH_PEER_GC=1: a process that does nothing but
 * sleep 1 ms at a time and says each time it woke late. It has no event loop to wait for (the
 * sleep is `Atomics.wait`), allocates nothing and owns no socket, so its lateness is the
 * machine's: the hypervisor taking the vCPU away, the kernel, another process. An event or a poll
 * period of the gateway that such a stall overlapped was late for a reason the gateway did not
 * cause and cannot remove. Never part of `elevgw run`.
 *
 * Usage: node dist/bench/stall-watch.js [late ms, default 1]
 * Prints one line per late wake, `<ms when it should have woken> <ms late>`, on CLOCK_MONOTONIC
 * (process.hrtime: the same clock in every process of the machine), until it is killed.
 */
import { writeSync } from 'node:fs';

const SLEEP_MS = 1;
const late = Number(process.argv[2] ?? 1);
if (!(late > 0)) throw new Error(`stall-watch: expected how late a wake must be to be reported (ms), got "${process.argv[2]}"`);
const cell = new Int32Array(new SharedArrayBuffer(4));
const ms = () => Number(process.hrtime.bigint()) / 1e6;
// A bench that dies without killing this process must not leave it running: once a second it
// looks whether its parent is still the one that started it.
const parent = process.ppid;
for (let from = ms(), n = 1; ; n++) {
  Atomics.wait(cell, 0, 0, SLEEP_MS);
  const to = ms();
  // Written at once, synchronously: the bench reads the lines as they come and kills this process.
  if (to - from - SLEEP_MS >= late) writeSync(1, `${(from + SLEEP_MS).toFixed(3)} ${(to - from - SLEEP_MS).toFixed(3)}\n`);
  if (n % 1000 === 0 && process.ppid !== parent) process.exit(0);
  from = to;
}
