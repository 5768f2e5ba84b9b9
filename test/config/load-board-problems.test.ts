import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigProblem, loadBoards, loadConfig } from '../../src/config/load.js';
import { isElevgwError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * README: `elevgw config validate FILE` — "every problem is printed as `file:line:col path:
 * message`". A site with three elevators on broken or unknown boards got one problem, the first
 * profile's, and a profile whose id was not its file name came without a line. Every problem of
 * the site and of every profile it uses is reported at once, each with its line.
 */
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function site(boards: Record<string, string>, elevatorBoards: string[]): string {
  mkdirSync(join(tmp.dir, 'boards'));
  for (const [name, text] of Object.entries(boards)) tmp.file(join('boards', `${name}.yaml`), text);
  const elevators = elevatorBoards
    .map(
      (b, i) => `  - id: L${i + 1}
    registrationCode: "3110420100202611009${i}"
    rescueCode: "R-${i}"
    board: ${b}
    connection: { host: 127.0.0.1, port: 1502, unitId: ${i + 1} }
    ratedSpeedMps: 1.75
    floors: [{ label: "1", levelMm: 0 }, { label: "2", levelMm: 3000 }]
`,
    )
    .join('');
  return tmp.file(
    'site.yaml',
    `version: 1
boardsDir: boards
gateway: { id: gw1 }
elevators:
${elevators}uplink: { url: "mqtt://127.0.0.1:1883" }
outbox: { path: outbox.db }
`,
  );
}

const profile = (id: string, type = 'uint16') => `id: ${id}
transport: modbus
pollGroups:
  - { name: fast, intervalMs: 100 }
points:
  - { name: floor, signal: controllerFloor, group: fast, source: { table: holding, address: 4, type: ${type} } }
`;

function problems(load: () => unknown): ConfigProblem[] {
  try {
    load();
  } catch (e) {
    if (isElevgwError(e, 'CONFIG_INVALID')) return e.context.problems as ConfigProblem[];
    throw e;
  }
  throw new Error('accepted');
}

const where = (p: ConfigProblem) => `${p.file.split('/').pop()}:${p.line} ${p.path}`;

describe('config validate: every problem of a site and its board profiles', () => {
  it('reports an unknown board and each broken profile together, each profile once however many elevators use it', () => {
    const file = site({ 'acme-a': profile('acme-a', 'float32'), 'acme-b': profile('acme-b', 'double') }, ['no-such-board', 'acme-a', 'acme-b', 'acme-a']);
    expect(problems(() => loadConfig(file)).map(where)).toEqual(['site.yaml:8 elevators[0].board', 'acme-a.yaml:6 points[0].source.type', 'acme-b.yaml:6 points[0].source.type']);
  });

  it('reports a profile whose id is not its file name with the line of its id, beside its other problems', () => {
    const file = site({ 'acme-a': `# vendor map\n${profile('acme-other', 'float32')}` }, ['acme-a']);
    const found = problems(() => loadConfig(file));
    expect(found.map(where)).toEqual(['acme-a.yaml:7 points[0].source.type', 'acme-a.yaml:2 id']);
    expect(found[1]).toMatchObject({ line: 2, column: 5, message: 'expected "acme-a" (the file name), got "acme-other"' });
  });

  it('loading a directory of profiles reports the problems of every profile in it', () => {
    const dir = join(tmp.dir, 'boards');
    mkdirSync(dir);
    writeFileSync(join(dir, 'acme-a.yaml'), profile('acme-a', 'float32'));
    writeFileSync(join(dir, 'acme-b.yaml'), profile('acme-c'));
    writeFileSync(join(dir, 'acme-d.yaml'), profile('acme-d'));
    expect(problems(() => loadBoards([dir])).map(where)).toEqual(['acme-a.yaml:6 points[0].source.type', 'acme-b.yaml:1 id']);
  });
});
