import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/log.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { SimHost } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { FakeBroker } from '../helpers/fake-broker.js';
import { simDriverFor, siteConfig } from '../helpers/gateway.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The gateway's JSON log names each key once per line. A module's logger comes bound to its
 * `mod` (and a monitor's and a driver's to their `elevator`, src/runtime/gateway.ts), so a field
 * logged again under it made lines such as `"mod":"monitor","elevator":"E1","elevator":"E1"`,
 * which JSON.parse quietly collapses and a log shipper may refuse.
 */
const tmp = tempDir('elevgw-log-keys-');
afterAll(() => tmp.cleanup());

/** The keys of a JSON object line's top level, in order, duplicates kept (JSON.parse would drop them). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      let j = i + 1;
      while (line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (depth === 1 && line[j + 1] === ':') keys.push(JSON.parse(line.slice(i, j + 1)) as string);
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return keys;
}

it('a monitor warning (a poll slower than its period, then a driver that throws) names each key once', async () => {
  const clock = new FakeClock(0, Date.UTC(2026, 2, 2, 0, 0, 0));
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
  const sim = new SimHost({ scenario: SCENARIOS.demo!.scenario, clock, loop: true });
  const simDriver = simDriverFor(sim, clock);
  const gw = new Gateway({
    config: siteConfig({ simPort: 1, brokerUrl: 'mqtt://broker.invalid:1883', outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 1 }),
    logger,
    clock,
    clockSynced: () => true,
    mqttConnect: new FakeBroker(clock, 5).connect,
    driverFor: (e) => {
      const d = simDriver(e);
      const poll = d.poll.bind(d);
      let polls = 0;
      // A broken driver: each poll takes 3 s, far past its group's period, and the third throws.
      d.poll = async (group) => {
        await new Promise<void>((resolve) => clock.after(3000, resolve));
        if (++polls === 3) throw new Error('a driver that throws');
        return poll(group);
      };
      return d;
    },
  });
  const starting = gw.start();
  await clock.advanceAsync(15_000);
  await starting;
  const stopping = gw.stop();
  await clock.advanceAsync(10_000);
  await stopping;

  const monitor = lines.map((l) => ({ line: l, entry: JSON.parse(l) as Record<string, unknown> })).filter((x) => x.entry.mod === 'monitor');
  expect(monitor.map((x) => x.entry.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/runs longer than its \d+ ms period/), 'poll failed unexpectedly']));
  for (const { entry } of monitor) expect(entry.elevator).toBe('E1');
  for (const line of lines) {
    const keys = topLevelKeys(line);
    expect(keys, line).toEqual([...new Set(keys)]);
  }
});
