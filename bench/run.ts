import { benchEngine } from './engine.js';
import { benchOutbox } from './outbox.js';
import { benchEndToEnd } from './e2e.js';
import { benchRss } from './rss.js';
import { benchDrain } from './drain.js';
import { benchModbusRtu } from './modbus-rtu.js';
import { benchRelease } from './release.js';
import { benchStartup } from './startup.js';
import { benchFleet } from './fleet.js';
import { benchPeer } from './peer.js';
import { benchFusion } from './fusion.js';
import { benchMemory } from './memory.js';
import { benchGroup } from './group.js';
import { benchFsyncStall } from './fsync-stall.js';
import { benchEventPath } from './event-path.js';
import { benchPollPath } from './poll-path.js';

/** `npm run bench`: prints figures; never part of `npm test`. Pick some with `npm run bench -- engine e2e`. */
const all: Record<string, () => Promise<Record<string, number | string>>> = {
  engine: benchEngine,
  outbox: benchOutbox,
  e2e: benchEndToEnd,
  rss: () => benchRss(20),
  'modbus-rtu': benchModbusRtu,
  drain: benchDrain,
  release: benchRelease,
  startup: benchStartup,
  fleet: benchFleet,
  peer: benchPeer,
  fusion: benchFusion,
  memory: benchMemory,
  group: benchGroup,
  'fsync-stall': benchFsyncStall,
  'event-path': benchEventPath,
  'poll-path': benchPollPath,
};

// A name it does not know is refused, not dropped: with none left the whole suite would run (hours).
const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !(a in all));
if (unknown.length > 0) {
  console.error(`unknown bench: ${unknown.join(', ')} (known: ${Object.keys(all).join(', ')}; none for all of them)`);
  process.exit(2);
}
for (const name of asked.length ? asked : Object.keys(all)) {
  console.log(`\n== ${name} ==`);
  const figures = await all[name]!();
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(52)} ${v}`);
}
