import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/load.js';
import { writeMeasuredLevels } from '../../src/diag/commission/floor-fix.js';
import { tempDir } from '../helpers/tmp.js';

describe('writing the measured landing levels into the site config', () => {
  const yaml = `# Site config of the pilot — keep this comment
version: 1
gateway: { id: gw01 }
elevators:
  - id: E1 # the left car
    registrationCode: "31104201002026110001"
    rescueCode: "JH-10001"
    board: sim-modbus
    connection: { host: 127.0.0.1, port: 1502, unitId: 1 }
    ratedSpeedMps: 1.75
    floors: [{ label: "B1", levelMm: 0 }, { label: "1", levelMm: 3000 }, { label: "2", levelMm: 6400 }, { label: "3", levelMm: 9000 }, { label: "4", levelMm: 12000 }, { label: "5", levelMm: 15000 }]
uplink: { url: "mqtt://127.0.0.1:1883" }
outbox: { path: outbox.db }
`;

  it('changes only those levels, keeps comments and layout, and keeps the original as a backup', () => {
    const tmp = tempDir('elevgw-floorfix-');
    const file = tmp.file('site.yaml', yaml);
    const { backup } = writeMeasuredLevels(file, 'E1', [{ index: 2, toMm: 6004 }], Date.UTC(2026, 11, 2, 3, 15, 44));
    expect(backup).toBe(`${file}.bak-20261202T031544Z`);
    expect(readFileSync(backup, 'utf8')).toBe(yaml);
    expect(readFileSync(file, 'utf8')).toBe(yaml.replace('levelMm: 6400', 'levelMm: 6004'));
    expect(loadConfig(file).elevators[0]!.config.floors[2]!.levelMm).toBe(6004);
    tmp.cleanup();
  });

  it('refuses levels that would make an invalid config, and leaves the file as it was', () => {
    const tmp = tempDir('elevgw-floorfix-');
    const file = tmp.file('site.yaml', yaml);
    expect(() => writeMeasuredLevels(file, 'E1', [{ index: 2, toMm: 2000 }], Date.now())).toThrow(/ascend/i);
    expect(readFileSync(file, 'utf8')).toBe(yaml);
    expect(existsSync(`${file}.bak-`)).toBe(false);
    writeFileSync(file, yaml.replace('- id: E1', '- id: E2'));
    expect(() => writeMeasuredLevels(file, 'E1', [{ index: 2, toMm: 6000 }], Date.now())).toThrow(/no floors list under the elevator "E1"/);
    tmp.cleanup();
  });
});
