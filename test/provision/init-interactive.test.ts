import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/child-gateway.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeDev, machineIdFile, openssl, testCa, validateArgs } from './fixtures.js';
import { sh, TmuxTerminal } from './tmux.js';

/**
 * An installer at an SSH prompt runs `elevgw init` and answers its questions: a real terminal
 * (tmux), keys typed, the screen read back. Wrong answers are asked again with the reason, the
 * serial port is picked from the adapters plugged in, the password never appears on screen.
 */

const tmp = tempDir('elevgw-init-tty-');
const MACHINE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const PASSWORD = 'Tr1cky-pw-77';
// Two adapters: an RS-485 dongle udev named by its serial number (also in by-id: listed once),
// and an Arduino known only by its by-id name.
const dev = fakeDev(tmp.dir, [
  { tty: 'ttyUSB0', byId: 'usb-FTDI_FT232R_USB_UART_B22XYZ-if00-port0', serial: 'B22XYZ' },
  { tty: 'ttyACM0', byId: 'usb-Arduino__www.arduino.cc__0043_7563-if00' },
]);
const ca = testCa(tmp.dir);
const out = join(tmp.dir, 'etc');
const env = `env -u LC_ALL -u LC_MESSAGES LANG=C ELEVGW_DEV_DIR=${sh(dev)} ELEVGW_MACHINE_ID_FILE=${sh(machineIdFile(tmp.dir, MACHINE))}`;
const term = TmuxTerminal.start(tmp.dir, `${env} ${sh(process.execPath)} ${sh(CLI)} init --out-dir ${sh(out)} --state-dir ${sh(join(tmp.dir, 'state'))}`);

afterAll(() => {
  term.kill();
  tmp.cleanup();
});

describe('elevgw init, interactively in a terminal', () => {
  it('asks in Chinese and English and re-asks a placeholder gateway id with the reason', async () => {
    const first = await term.waitFor(/Gateway id: $/m);
    expect(first).toMatch(/网关编号 \/ Gateway id: $/m);
    term.answer('gw-01-change-me');
    const refusal = await term.waitFor(/Gateway id: $/m);
    expect(refusal).toMatch(/✗ .*"gw-01-change-me" is a placeholder \(contains "change-me"\): use the id assigned to this gateway/);
    term.answer('jh-gw-0201');
    await term.reply(/Site name: $/m, 'Jianghan Building 5');
    await term.reply(/Address: $/m, '');
    await term.reply(/Number of elevators \[1\]: $/m, '');
    await term.reply(/Elevator id \[L1\]: $/m, '');
  });

  it('re-asks a registration code of the wrong length, saying how long it was', async () => {
    await term.reply(/Registration code \(20 characters\): $/m, '3110420100201908020');
    const refusal = await term.waitFor(/Registration code \(20 characters\): $/m);
    expect(refusal).toContain('a registration code has 20 characters, this has 19');
    expect(refusal).toContain('使用登记代码应为 20 位，输入了 19 位');
    term.answer('31104201002019080201');
    await term.reply(/Rescue code: $/m, '27-0201');
  });

  it('lists the shipped boards and re-asks floors that do not ascend', async () => {
    const boards = await term.waitFor(/Board \(number or id\): $/m);
    expect(boards).toMatch(/\d\) generic-modbus-controller — /);
    expect(boards).toMatch(/\d\) serial-sensorbox — /);
    term.answer('generic-modbus-controller');
    await term.reply(/Floors .*: $/m, '1:0 2:3000 3:2900');
    const refusal = await term.waitFor(/Floors .*: $/m);
    expect(refusal).toContain('levels must ascend: "3" at 2900 mm is not above "2" at 3000 mm');
    term.answer('B1:0 1..6@3200');
    await term.reply(/Rated speed \(m\/s\): $/m, '1.6');
  });

  it('offers the serial adapters actually present, each once, by its most stable name', async () => {
    await term.reply(/Connection: serial .* \[serial\]: $/m, '');
    const list = await term.waitFor(/Serial port \(number; r to scan again\) \[1\]: $/m);
    const offered = list.split('\n').filter((l) => /^\s+\d\) /.test(l));
    expect(offered).toEqual([`  1) ${dev}/elevgw-rs485-B22XYZ (ttyUSB0)`, `  2) ${dev}/serial/by-id/usb-Arduino__www.arduino.cc__0043_7563-if00 (ttyACM0)`]);
    term.answer('3');
    expect(await term.waitFor(/Serial port .*: $/m)).toContain('choose a number from 1 to 2');
    term.answer('1');
    await term.reply(/Baud rate \[9600\]: $/m, '19200');
    await term.reply(/Modbus unit id \[1\]: $/m, '');
  });

  it('refuses plain mqtt:// off loopback and keeps the password off the screen', async () => {
    await term.reply(/Broker URL: $/m, 'mqtt://10.20.0.5:1883');
    expect(await term.waitFor(/Broker URL: $/m)).toContain('a broker off this machine needs TLS: use mqtts://');
    term.answer('mqtts://10.20.0.5:8883');
    await term.reply(/User name \[jh-gw-0201\]: $/m, '');
    await term.reply(/Password .*: $/m, PASSWORD);
    await term.reply(/CA certificate file .*: $/m, ca.cert);
    const summary = await term.waitFor(/Write this configuration\? \(y\/n\) \[y\]: $/m);
    expect(summary).toContain('L1 31104201002019080201 generic-modbus-controller @ ');
    term.answer('y');
    const done = await term.waitFor(/\[exit \d+\]/);
    expect(done).toContain('[exit 0]');
    expect(term.screen()).not.toContain(PASSWORD);
  });

  it('wrote a config that passes config validate, with the chosen port and the password in the credentials file', () => {
    ca.sign(join(out, 'tls', 'gateway.csr'), join(out, 'tls', 'gateway.crt'));
    const site = join(out, 'site.yaml');
    const v = spawnSync(process.execPath, [CLI, ...validateArgs(site)], { encoding: 'utf8' });
    expect(v.stderr).toBe('');
    expect(v.stdout).toMatch(/ok.* — gateway jh-gw-0201, 1 elevator\(s\): L1 on generic-modbus-controller/);
    const yaml = readFileSync(site, 'utf8');
    expect(yaml).toContain(`connection: { path: ${dev}/elevgw-rs485-B22XYZ, baudRate: 19200, parity: none, unitId: 1 }`);
    expect(yaml).toContain('ca: tls/ca.pem');
    expect(yaml).not.toContain(PASSWORD);
    expect(readFileSync(join(out, 'credentials'), 'utf8')).toContain(`broker-password=${PASSWORD}\n`);
    expect(openssl('req', '-verify', '-in', join(out, 'tls', 'gateway.csr'), '-noout', '-subject').out).toMatch(/subject=CN\s*=\s*jh-gw-0201/);
  });
});
