import { afterAll, describe, expect, it } from 'vitest';
import { shippedBoards } from '../../src/provision/boards.js';
import type { Row } from '../../src/provision/columns.js';
import { checkBrokerUrl, checkGatewayId, checkHostPort, checkRegistrationCode } from '../../src/provision/fields.js';
import { checkFloors } from '../../src/provision/floors.js';
import { rowSchema, type RowContext } from '../../src/provision/row.js';
import { adapterPath, listSerialAdapters } from '../../src/provision/serial-ports.js';
import { langFrom } from '../../src/provision/text.js';
import { tempDir } from '../helpers/tmp.js';
import { fakeDev } from './fixtures.js';

/** The checks every answer goes through, whether typed at a prompt, given as a flag or read from the roll-out CSV. */

const why = (r: { ok: boolean; why?: { en: string } }) => (r.ok ? 'ok' : r.why!.en);

describe('answers are checked as they are typed', () => {
  it('refuses gateway ids copied from an example', () => {
    for (const id of ['gw-01-change-me', 'example', 'demo', 'jh-demo-gw01', 'GW_CHANGEME_2']) expect(why(checkGatewayId(id))).toMatch(/is a placeholder/);
    expect(checkGatewayId('jh-gw-0101')).toEqual({ ok: true, value: 'jh-gw-0101' });
    expect(why(checkGatewayId('gw 01'))).toMatch(/letters, digits, _ or -/);
  });

  it('refuses at once what config validate --strict would refuse after the CA round trip: the values of the shipped examples', () => {
    expect(why(checkGatewayId('jh-gw-0001'))).toBe('"jh-gw-0001" is the id of a shipped example config: use the id assigned to this gateway');
    expect(why(checkRegistrationCode('31104201002019080001'))).toBe(
      '"31104201002019080001" is the registration code of a shipped example: copy the one on this elevator\'s registration certificate',
    );
    expect(why(checkHostPort('192.0.2.10:502'))).toBe("192.0.2.10 is a documentation/example address: use the address of this elevator's controller interface");
    expect(why(checkBrokerUrl('mqtts://203.0.113.7:8883'))).toMatch(/^"203\.0\.113\.7" is a placeholder host/);
  });

  it('says how long a registration code was', () => {
    expect(why(checkRegistrationCode('3110420100201908010'))).toBe('a registration code has 20 characters, this has 19');
    expect(why(checkRegistrationCode('31104201002019080101'))).toBe('ok');
  });

  it('refuses a mistyped IPv4 Modbus address, which would reach no controller or another one', () => {
    for (const host of ['192.168.10.300:502', '192.168.10:502', '10.1.300.5', '10..1.5'])
      expect(why(checkHostPort(host))).toMatch(/: an IPv4 address is four numbers 0–255 separated by dots$/);
    expect(checkHostPort('192.168.10.20:1502')).toEqual({ ok: true, value: { host: '192.168.10.20', port: 1502 } });
    expect(checkHostPort('plc-3.local')).toEqual({ ok: true, value: { host: 'plc-3.local', port: 502 } });
  });

  it('reads floors as LABEL:LEVEL and FROM..TO@STEP, strictly ascending', () => {
    expect(checkFloors('B1:0 1..3@3300')).toEqual({
      ok: true,
      value: [
        { label: 'B1', levelMm: 0 },
        { label: '1', levelMm: 3300 },
        { label: '2', levelMm: 6600 },
        { label: '3', levelMm: 9900 },
      ],
    });
    expect(why(checkFloors('1:0,2:3000,3:3000'))).toBe('levels must ascend: "3" at 3000 mm is not above "2" at 3000 mm');
    expect(why(checkFloors('1:0'))).toMatch(/at least two landings/);
    expect(why(checkFloors('1:0 1:3000'))).toMatch(/floor "1" appears twice/);
  });

  it('wants TLS to a broker off this machine, and no placeholder host', () => {
    expect(why(checkBrokerUrl('mqtt://10.20.0.5:1883'))).toMatch(/needs TLS/);
    expect(why(checkBrokerUrl('mqtt://127.0.0.1:1883'))).toBe('ok');
    expect(why(checkBrokerUrl('mqtts://platform.example.invalid:8883'))).toMatch(/placeholder host/);
    expect(why(checkBrokerUrl('mqtts://gw:secret@10.20.0.5:8883'))).toMatch(/no user or password in the URL/);
  });

  it('speaks the language of LANG, both when it cannot tell', () => {
    expect(langFrom(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh');
    expect(langFrom(undefined, { LANG: 'en_US.UTF-8' })).toBe('en');
    expect(langFrom(undefined, { LANG: 'C.UTF-8' })).toBe('both');
    expect(langFrom('en', { LANG: 'zh_CN.UTF-8' })).toBe('en');
  });
});

describe('serial adapters present', () => {
  const tmp = tempDir('elevgw-adapters-');
  afterAll(() => tmp.cleanup());
  const dev = fakeDev(tmp.dir, [
    { tty: 'ttyUSB1', byId: 'usb-1a86_USB_Serial_CH9102-if00-port0' },
    { tty: 'ttyUSB0', byId: 'usb-FTDI_FT232R_USB_UART_A10K3XYZ-if00-port0', serial: 'A10K3XYZ' },
  ]);

  it('are listed once each, by their most stable name first', () => {
    expect(listSerialAdapters(dev)).toEqual([
      { path: `${dev}/elevgw-rs485-A10K3XYZ`, device: 'ttyUSB0' },
      { path: `${dev}/serial/by-id/usb-1a86_USB_Serial_CH9102-if00-port0`, device: 'ttyUSB1' },
    ]);
    expect(listSerialAdapters(`${tmp.dir}/no-dev`)).toEqual([]);
  });

  it('an adapter named by serial number maps to its udev name, present or not', () => {
    expect(adapterPath('A10K3XYZ', dev)).toEqual({ path: `${dev}/elevgw-rs485-A10K3XYZ`, present: true });
    expect(adapterPath('ZZZ999', dev)).toEqual({ path: `${dev}/elevgw-rs485-ZZZ999`, present: false });
  });
});

describe('one gateway row (CSV or flags)', () => {
  const ctx: RowContext = { boards: shippedBoards(), devDir: '/nonexistent', acceptDefaults: true, lang: 'en' };
  const base: Row = {
    gateway_id: 'jh-gw-0101',
    elevator_ids: 'L1;L2',
    registration_codes: '31104201002019080101;31104201002019080102',
    rescue_codes: '27-1;27-2',
    board: 'generic-modbus-controller',
    floors: '1..5@3000',
    rated_speed_mps: '1.75',
    adapter_serial: 'A10K3XYZ',
    unit_id: '1;2',
    broker_url: 'mqtts://10.20.0.5:8883',
  };
  const issues = (row: Row) => {
    const r = rowSchema(ctx).safeParse(row);
    return r.success ? [] : r.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  };

  it('a single value stands for every elevator; codes must be one per elevator', () => {
    const r = rowSchema(ctx).parse(base);
    expect(r.answers.elevators.map((e) => [e.id, e.board.id, e.connection])).toEqual([
      ['L1', 'generic-modbus-controller', { kind: 'serial', path: '/nonexistent/elevgw-rs485-A10K3XYZ', baudRate: 9600, unitId: 1 }],
      ['L2', 'generic-modbus-controller', { kind: 'serial', path: '/nonexistent/elevgw-rs485-A10K3XYZ', baudRate: 9600, unitId: 2 }],
    ]);
    expect(r.notices.map((n) => n.en)).toEqual(['adapter A10K3XYZ is not plugged in now; the config uses /nonexistent/elevgw-rs485-A10K3XYZ']);
    expect(issues({ ...base, registration_codes: '31104201002019080101' })).toEqual(['registration_codes: 1 value(s) for 2 elevator(s) (one per elevator, separated by ;)']);
  });

  it('refuses two slaves with one unit id on a shared bus', () => {
    expect(issues({ ...base, unit_id: '3' })).toEqual(['unit_id: elevator 2: elevator L1 on the same bus already has unit id 3']);
  });

  it('wants the connection the board needs', () => {
    expect(issues({ ...base, board: 'sim-modbus', adapter_serial: undefined, unit_id: undefined })).toEqual([
      'modbus_host: elevator 1 (sim-modbus) needs a Modbus TCP address (HOST[:PORT])',
      'modbus_host: elevator 2 (sim-modbus) needs a Modbus TCP address (HOST[:PORT])',
    ]);
    expect(issues({ ...base, elevator_ids: 'L1', registration_codes: '31104201002019080101', rescue_codes: '27-1', board: 'pi-gpio-sensorbox', unit_id: undefined })).toEqual([
      'adapter_serial: elevator 1 (pi-gpio-sensorbox) reads the GPIO header: leave this empty',
    ]);
  });

  it('refuses an unknown column', () => {
    const r = rowSchema(ctx).safeParse({ ...base, colour: 'red' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.code)).toEqual(['unrecognized_keys']);
    expect(r.error?.message).toContain('colour');
  });
});
