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

const picked = process.argv.slice(2).filter((a) => a in all);
for (const name of picked.length ? picked : Object.keys(all)) {
  console.log(`\n== ${name} ==`);
  const figures = await all[name]!();
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(52)} ${v}`);
}
