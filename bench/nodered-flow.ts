import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REG, SIM_REGISTER_COUNT, STATUS_BITS } from '../src/sim/modbus-map.js';

/**
 * The peer bench's job as an integrator wires it in Node-RED 4 with node-red-contrib-modbus 5:
 * a `modbus-read` polling the controller's holding registers on a `modbus-client` (TCP), a
 * function node judging the same two conditions as floor-gateway.ts (no hold, an event only on a
 * change), and the core `mqtt out` at QoS 1 to the bench's broker. Only stock nodes, each left at
 * the defaults its editor dialog gives; the settings turn off what a headless gateway has no use
 * for (editor, admin and HTTP-in endpoints, telemetry) and log warnings only.
 *
 * Writes the userDir (settings.js, flows.json) into `dir`; Node-RED itself is not part of the
 * repository (`ELEVGW_BENCH_NODERED`, README's bench table). One difference from the issue's
 * setup: contrib-modbus 5.45 depends on a modbus-serial fork served from outside the npm
 * registry, so the install overrides it with upstream modbus-serial 8.0.25 (the same library
 * elevgw uses); the contrib's own code, queue and state machine are unchanged.
 */
export function writeNodeRedUserDir(dir: string, o: { slavePort: number; brokerUrl: string; periodMs: number }): { userDir: string; settings: string } {
  mkdirSync(dir, { recursive: true });
  const broker = new URL(o.brokerUrl);
  const settings = {
    flowFile: 'flows.json',
    credentialSecret: false,
    // Headless: no editor, no admin API, no HTTP-in endpoints, so no HTTP server at all.
    httpAdminRoot: false,
    httpNodeRoot: false,
    uiHost: '127.0.0.1',
    uiPort: 0,
    logging: { console: { level: 'warn', metrics: false, audit: false } },
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    functionExternalModules: false,
  };
  const settingsFile = join(dir, 'settings.js');
  writeFileSync(settingsFile, `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  writeFileSync(join(dir, 'flows.json'), `${JSON.stringify(flow(o.slavePort, broker, o.periodMs), null, 2)}\n`);
  return { userDir: dir, settings: settingsFile };
}

/** The judge, as written into the function node: floor-gateway.ts's decoding and thresholds. */
const JUDGE = `const regs = msg.payload;
const speed = (regs[${REG.speed}] << 16) >> 16; // mm/s, int16
const closed = (regs[${REG.status}] & (1 << ${STATUS_BITS.doorClosed})) !== 0;
const state = context.get('state') || { 'door-open-while-moving': false, overspeed: false };
const out = [];
function judge(type, now) {
  if (state[type] === now) return;
  state[type] = now;
  out.push({ payload: { type, phase: now ? 'raised' : 'cleared', at: new Date().toISOString() } });
}
judge('door-open-while-moving', !closed && Math.abs(speed) > 300);
judge('overspeed', Math.abs(speed) > 2000);
context.set('state', state);
return [out];
`;

function flow(slavePort: number, broker: URL, periodMs: number): Record<string, unknown>[] {
  const tab = 'bench.tab';
  return [
    { id: tab, type: 'tab', label: 'E1', disabled: false, info: '' },
    {
      id: 'bench.modbus',
      type: 'modbus-client',
      name: 'E1 controller',
      clienttype: 'tcp',
      bufferCommands: true,
      stateLogEnabled: false,
      queueLogEnabled: false,
      failureLogEnabled: true,
      tcpHost: '127.0.0.1',
      tcpPort: String(slavePort),
      tcpType: 'DEFAULT',
      serialPort: '/dev/ttyUSB',
      serialType: 'RTU-BUFFERD',
      serialBaudrate: '9600',
      serialDatabits: '8',
      serialStopbits: '1',
      serialParity: 'none',
      serialConnectionDelay: '100',
      serialAsciiResponseStartDelimiter: '0x3A',
      unit_id: '1',
      // The editor's defaults; 1 ms between queued commands is already the least it takes.
      commandDelay: '1',
      clientTimeout: '1000',
      reconnectOnTimeout: true,
      reconnectTimeout: '2000',
      parallelUnitIdsAllowed: true,
      showErrors: false,
      showWarnings: true,
      showLogs: true,
    },
    {
      id: 'bench.read',
      type: 'modbus-read',
      z: tab,
      name: 'E1 registers',
      topic: '',
      showStatusActivities: false,
      logIOActivities: false,
      showErrors: false,
      showWarnings: true,
      unitid: '',
      dataType: 'HoldingRegister', // FC3
      adr: '0',
      quantity: String(SIM_REGISTER_COUNT),
      rate: String(periodMs),
      rateUnit: 'ms',
      delayOnStart: false,
      enableDeformedMessages: false,
      startDelayTime: '',
      server: 'bench.modbus',
      useIOFile: false,
      ioFile: '',
      useIOForPayload: false,
      emptyMsgOnFail: false,
      x: 140,
      y: 80,
      wires: [['bench.judge'], []],
    },
    {
      id: 'bench.judge',
      type: 'function',
      z: tab,
      name: 'door open while moving, overspeed',
      func: JUDGE,
      outputs: 1,
      timeout: 0,
      noerr: 0,
      initialize: '',
      finalize: '',
      libs: [],
      x: 380,
      y: 80,
      wires: [['bench.mqtt']],
    },
    {
      id: 'bench.mqtt',
      type: 'mqtt out',
      z: tab,
      name: '',
      topic: 'elevgw/v1/bench-gw/elevators/E1/events',
      qos: '1',
      retain: 'false',
      respTopic: '',
      contentType: '',
      userProps: '',
      correl: '',
      expiry: '',
      broker: 'bench.broker',
      x: 640,
      y: 80,
      wires: [],
    },
    {
      id: 'bench.broker',
      type: 'mqtt-broker',
      name: 'bench broker',
      broker: broker.hostname,
      port: broker.port,
      clientid: '',
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
      autoUnsubscribe: true,
      birthTopic: '',
      birthQos: '0',
      birthRetain: 'false',
      birthPayload: '',
      birthMsg: {},
      closeTopic: '',
      closeQos: '0',
      closeRetain: 'false',
      closePayload: '',
      closeMsg: {},
      willTopic: '',
      willQos: '0',
      willRetain: 'false',
      willPayload: '',
      willMsg: {},
      userProps: '',
      sessionExpiry: '',
    },
  ];
}
