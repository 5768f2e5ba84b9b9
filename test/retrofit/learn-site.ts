/** The landing anchors a learned shaft holds for a landing at `levelMm` (pressure falls 0.0118 Pa per mm). */
const landing = (levelMm: number) => `{ pressurePa: ${-levelMm * 0.0118}, upperMm: [-180, 150], lowerMm: [-150, 180] }`;

/**
 * The site config the `diag learn` tests start from: one elevator E1 on the Pi's retrofit box,
 * a landing per level (labelled 1, 2, …), with a learned `shaft` when asked, and `extra` lines
 * (e.g. `runtime:`) after the uplink.
 */
export function learnSiteYaml(o: { levels: readonly number[]; ratedSpeedMps?: number; shaft?: boolean; extra?: string }): string {
  const floors = o.levels.map((l, i) => `{ label: "${i + 1}", levelMm: ${l} }`).join(', ');
  return `version: 1
gateway: { id: gw-learn }
elevators:
  - id: E1
    registrationCode: "31104201002026110001"
    rescueCode: "JH-10001"
    board: retrofit-pi-i2c-sensorbox
    ratedSpeedMps: ${o.ratedSpeedMps ?? 1.75}
    floors: [${floors}]
${o.shaft ? `    shaft:\n      landings: [${o.levels.map(landing).join(', ')}]\n` : ''}uplink: { url: "mqtt://127.0.0.1:1883" }
${o.extra ?? ''}`;
}
