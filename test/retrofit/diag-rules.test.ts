import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { tempDir } from '../helpers/tmp.js';

const site = (board: string) => `version: 1
gateway: { id: gw-rules }
elevators:
  - id: E1
    registrationCode: "31104201002026110001"
    rescueCode: "JH-10001"
    board: ${board}
    ratedSpeedMps: 1.75
    floors: [{ label: "1", levelMm: 0 }, { label: "2", levelMm: 3000 }, { label: "3", levelMm: 6000 }]
uplink: { url: "mqtt://127.0.0.1:1883" }
`;

async function diagRules(file: string, ...flags: string[]): Promise<string[]> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (m: string) => lines.push(m);
  try {
    await buildProgram().parseAsync(['node', 'elevgw', 'diag', 'rules', '--config', file, ...flags]);
  } finally {
    console.log = log;
  }
  return lines;
}

describe('elevgw diag rules on a retrofit board', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('says which signals are fused and which armed rules rest on them', async () => {
    const file = tmp.file('site.yaml', site('retrofit-pi-i2c-sensorbox'));
    const [json] = await diagRules(file, '--json');
    const report = JSON.parse(json!)[0];
    expect(report.fused).toEqual(['direction', 'floor', 'levelingErrorMm', 'positionMm', 'speedMps']);
    const rule = (type: string) => report.rules.find((r: { type: string }) => r.type === type);
    expect(rule('overspeed')).toEqual({ type: 'overspeed', armed: true, missing: [], fused: ['speedMps'] });
    expect(rule('overtravel-top')).toMatchObject({ armed: true, fused: ['positionMm'] });
    expect(rule('leveling-error')).toMatchObject({ armed: true, fused: ['levelingErrorMm', 'speedMps'] });
    expect(rule('trapped')).toMatchObject({ armed: true, fused: ['speedMps'] });
    expect(rule('safety-circuit-open')).toEqual({ type: 'safety-circuit-open', armed: false, missing: ['safetyCircuit'] });
    const text = await diagRules(file, '--lang', 'en');
    expect(text).toContain("  fused from the retrofit box's sensors: direction, floor, levelingErrorMm, positionMm, speedMps (docs/retrofit.md)");
    expect(text).toContain('  armed     overspeed — on fused speedMps');
    expect(text).toContain('  armed     door-open-too-long');
  });

  it('on a controller map nothing is fused', async () => {
    const file = tmp.file('modbus.yaml', site('sim-modbus').replace('    ratedSpeedMps', '    connection: { host: 127.0.0.1 }\n    ratedSpeedMps'));
    const [json] = await diagRules(file, '--json');
    const report = JSON.parse(json!)[0];
    expect(report.fused).toEqual([]);
    expect(report.rules.filter((r: { fused?: unknown }) => r.fused !== undefined)).toEqual([]);
  });
});
