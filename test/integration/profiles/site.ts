import { expect, vi } from 'vitest';
import type { EventPayload } from '../../../src/contract/payloads.js';

/**
 * YAML of a one-elevator site on a shipped board profile, for the profile tests: the default
 * simulated building (10 landings 3 m apart, 1.75 m/s), a broker on loopback, a temp outbox.
 * `connection` is the YAML flow mapping the board's transport needs, or undefined (gpio).
 */
export function profileSiteYaml(o: { gatewayId: string; board: string; connection?: string; brokerUrl: string; outboxPath: string; timeScale: number }): string {
  return `version: 1
gateway: { id: ${o.gatewayId} }
elevators:
  - id: E1
    registrationCode: "31104201002026110001"
    rescueCode: "JH-10001"
    board: ${o.board}
${o.connection === undefined ? '' : `    connection: ${o.connection}\n`}    ratedSpeedMps: 1.75
    floors: [${Array.from({ length: 10 }, (_, i) => `{ label: "${i === 0 ? 'B1' : i}", levelMm: ${i * 3000} }`).join(', ')}]
uplink: { url: "${o.brokerUrl}", telemetryIntervalS: 0, reconnectMinMs: 200, reconnectMaxMs: 1000 }
outbox: { path: "${o.outboxPath}" }
runtime: { timeScale: ${o.timeScale} }
`;
}

/**
 * Waits for the power-loss scenario's 10 s outage to be raised and cleared, and returns the raised
 * event after checking what every contact board must show: an episode as long as the simulated
 * outage (a mains input read the wrong way round would raise at once and clear when the real
 * outage starts), the elevator's identity, code 41, no bad signal and no sensor-lost.
 */
export async function expectTenSecondPowerCut(events: readonly EventPayload[]): Promise<EventPayload> {
  const outage = () => events.find((e) => e.type === 'power-loss' && e.phase === 'cleared' && Math.abs(Number(e.data?.durationS) - 10) <= 0.5);
  await vi.waitFor(() => expect(outage()).toBeDefined(), { timeout: 20_000, interval: 50 });
  const cleared = outage()!;
  const raised = events.filter((e) => e.type === 'power-loss' && e.phase === 'raised').at(-1)!;
  expect(events.indexOf(raised)).toBeLessThan(events.indexOf(cleared));
  expect(raised.elevator).toMatchObject({ id: 'E1', registrationCode: '31104201002026110001' });
  expect([raised.severity, raised.code]).toEqual(['warning', '41']); // 停电
  expect(raised.state?.badSignals).toBeUndefined();
  expect(events.filter((e) => e.type === 'sensor-lost')).toEqual([]);
  return raised;
}
