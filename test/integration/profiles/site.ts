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

