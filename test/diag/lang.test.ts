import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/load.js';
import { freePort } from '../helpers/ports.js';
import { tempDir } from '../helpers/tmp.js';
import { elevgw } from './cli-run.js';

/** The diag commands speak Chinese with --lang zh or a Chinese $LANG; --json never changes with the language. */
const tmp = tempDir('elevgw-diag-lang-');
afterAll(() => tmp.cleanup());

const demo = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8');
const diModule = tmp.file(
  'di.yaml',
  demo
    .replace('board: sim-modbus', 'board: rs485-di-module')
    .replace('connection: { host: 127.0.0.1, port: 1502, unitId: 1 }', 'connection: { path: /dev/ttyUSB0, baudRate: 9600, unitId: 1 }'),
);

describe('diag --lang', () => {
  it('diag rules follows a Chinese $LANG, and --lang en overrides it', async () => {
    const zh = await elevgw(['diag', 'rules', '--config', diModule], { LANG: 'zh_CN.UTF-8' });
    expect(zh.status).toBe(0);
    expect(zh.stdout).toMatch(/^E1（板卡 rs485-di-module）提供：/);
    expect(zh.stdout).toMatch(/未启用 +overspeed —— 板卡缺少 speedMps/);
    const en = await elevgw(['diag', 'rules', '--config', diModule, '--lang', 'en'], { LANG: 'zh_CN.UTF-8' });
    expect(en.stdout).toMatch(/NOT armed overspeed — board lacks speedMps/);
  });

  it('--json is the same in both languages', async () => {
    const zh = await elevgw(['diag', 'rules', '--config', diModule, '--json', '--lang', 'zh']);
    const en = await elevgw(['diag', 'rules', '--config', diModule, '--json', '--lang', 'en']);
    expect(zh.stdout).toBe(en.stdout);
  });

  it('diag signals in Chinese: the header and every sample line', async () => {
    const site = tmp.file('closed.yaml', demo.replace('port: 1502', `port: ${await freePort()}`));
    const r = await elevgw(['diag', 'signals', '--config', site, '--count', '1', '--interval', '100', '--lang', 'zh']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('E1，板卡 sim-modbus（modbus-tcp）—— 每 100 ms 读取一次，只读');
    expect(lines[1]).toMatch(/楼层 \? 位置 \? mm \? m\/s 门 \? .*\| 驱动 lost \(MODBUS_IO\) \| 无效：/);
    expect(r.status).toBe(3);
    // The line says what the driver's log would: no JSON beside it.
    expect(r.stderr).toBe('');
  });

  it('an unknown language is a usage error (exit 2) that says what is accepted', async () => {
    const r = await elevgw(['diag', 'rules', '--config', diModule, '--lang', 'fr']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--lang: expected zh or en, got "fr"/);
  });
});
