/** YAML of a one-elevator site on the generic controller board over Modbus RTU, for interop tests. */
export function rtuSiteYaml(o: { path: string; brokerUrl: string; outboxPath: string; timeScale: number; sensorLostHoldS?: number }): string {
  return `version: 1
gateway: { id: rtu-gw }
elevators:
  - id: E1
    registrationCode: "31104201002026110001"
    rescueCode: "JH-10001"
    board: generic-modbus-controller
    connection: { path: "${o.path}", baudRate: 9600, parity: none, unitId: 1 }
    ratedSpeedMps: 1.75
    floors: [${Array.from({ length: 10 }, (_, i) => `{ label: "${i === 0 ? 'B1' : i}", levelMm: ${i * 3000} }`).join(', ')}]
uplink: { url: "${o.brokerUrl}", telemetryIntervalS: 0, reconnectMinMs: 200, reconnectMaxMs: 1000 }
outbox: { path: "${o.outboxPath}" }
${o.sensorLostHoldS === undefined ? '' : `rules: { sensorLost: { holdS: ${o.sensorLostHoldS} } }\n`}runtime: { timeScale: ${o.timeScale} }
`;
}
