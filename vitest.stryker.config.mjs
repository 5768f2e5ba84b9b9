import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';

/**
 * Temp files under the sandbox Stryker runs in (this file is loaded from its copy there), which
 * Stryker removes at the end. Its runs filter by test: a suite it skips still makes what its body
 * makes when the file is collected, and runs no `afterAll` to remove it (`npm test`'s run-wide
 * directory, test/helpers/run-tmp.ts, judges only unfiltered runs for the same reason). Set
 * before the test workers start, which inherit it.
 */
const tmp = join(dirname(fileURLToPath(import.meta.url)), '.tmp');
mkdirSync(tmp, { recursive: true });
process.env.TMPDIR = tmp;

/**
 * mosquitto started as root drops to its own user before it reads a password file, which it must
 * reach: Stryker makes its directories 0700. Those, up to reports/.stryker-tmp and no further,
 * become traversable (not readable) by others; outside a sandbox nothing is changed.
 */
const chain = [];
for (let d = tmp; d !== dirname(d); d = dirname(d)) {
  chain.push(d);
  if (basename(d) === '.stryker-tmp') {
    for (const c of chain) chmodSync(c, statSync(c).mode | 0o011);
    break;
  }
}

/**
 * Stryker runs, for each mutant, only the tests that cover it, and stops at the first failure.
 * Vitest's own order runs the slowest files first (right for parallel CI, wrong here): this one
 * runs files that just failed first (they killed the previous mutant of the same code), then the
 * quickest, so a mutant is usually killed by a unit test before the corpus files start.
 */
class QuickFirstSequencer extends BaseSequencer {
  async sort(files) {
    const results = (f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`);
    const size = (f) => this.ctx.cache.getFileStats(`${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`)?.size ?? 0;
    return [...files].sort((a, b) => {
      const [ra, rb] = [results(a), results(b)];
      if (Boolean(ra?.failed) !== Boolean(rb?.failed)) return ra?.failed ? -1 : 1;
      if (ra && rb) return ra.duration - rb.duration;
      return size(a) - size(b);
    });
  }
}

/**
 * The tests Stryker runs against mutants of src/detect, src/outbox, src/uplink, drivers/kernel,
 * drivers/modbus and drivers/serial (stryker.config.mjs). In-process tests only: no child processes or ptys, which would be slow,
 * flaky under load and, for the child-process ones, run dist/ instead of the mutated source; the
 * uplink's tests start a broker, the one peer allowed. The 24-hour traffic day (13 s) is left out too; the scenario
 * corpus through the driver path stays in because it is the exact timing check.
 */
export default defineConfig({
  // Its own cache (file durations, failures), apart from the one `npm test` keeps.
  cacheDir: 'reports/.vite-stryker',
  test: {
    include: [
      'test/detect/**/*.test.ts',
      'test/outbox/**/*.test.ts',
      'test/drivers/**/*.test.ts',
      'test/replay/**/*.test.ts',
      'test/signals/**/*.test.ts',
      // The outbox as the gateway uses it while storage fails (src/runtime/holding.ts).
      'test/runtime/holding.test.ts',
      // Event ids and the records built for the outbox (src/core/ids.ts, src/runtime/records.ts),
      // and whole gateways in this process on the simulator and the embedded broker.
      'test/core/ids.test.ts',
      'test/runtime/blackbox-json.test.ts',
      'test/runtime/payload.test.ts',
      'test/runtime/records.test.ts',
      'test/runtime/run-counters.test.ts',
      'test/runtime/early-warning.test.ts',
      'test/runtime/gateway-sample-time.test.ts',
      'test/contract/v1-compat.test.ts',
      // The retrofit box's driver and the I2C sensors' register decoding.
      'test/retrofit/driver.test.ts',
      'test/retrofit/driver-health.test.ts',
      'test/retrofit/sample-clock.test.ts',
      // The uplink in this process, against the embedded broker or a mosquitto the test starts
      // (a peer, not our code: what it exercises is the mutated source). Without mqtt5 the set
      // reaches under half of src/uplink; client.test.ts is the connection itself (TLS, ports,
      // credentials). Left out: the files that run the uplink in a child process (socket,
      // no-delay, debug-log).
      'test/uplink/**/*.test.ts',
      // The config files' validation: every problem named with its file, line and path.
      'test/config/**/*.test.ts',
      // Platform commands through a running gateway: the only tests of command-answer.ts.
      'test/integration/commands.test.ts',
      'test/scenarios/corpus-driver-path.test.ts',
      'test/scenarios/sim-driver-path.test.ts',
    ],
    exclude: [
      // Changes the working directory, which worker threads cannot.
      'test/config/working-directory.test.ts',
      // SIGKILLs a child running the compiled outbox from dist/.
      'test/outbox/sqlite-crash.test.ts',
      // socat pty pair.
      'test/drivers/serial-pty.test.ts',
      // The uplink in a child process (dist/, not the mutated source).
      'test/uplink/socket.test.ts',
      'test/uplink/no-delay.test.ts',
      'test/uplink/debug-log.test.ts',
      // Imports the real onoff, whose epoll addon is not safe in worker threads: Stryker's vitest
      // runner uses the threads pool, and the next thread segfaults. gpio-driver.test.ts runs the
      // driver on fake lines.
      'test/drivers/gpio-onoff.test.ts',
    ],
    sequence: { sequencer: QuickFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
