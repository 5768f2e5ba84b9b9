/**
 * A site config's pieces as an installer writes them, as objects for schema-level tests: the
 * simulator's Modbus board on loopback, two floors. `overrides` replace or add keys.
 */
export function elevatorObject(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'L1',
    registrationCode: '31104201002023050417',
    rescueCode: '27-0417',
    board: 'sim-modbus',
    connection: { host: '127.0.0.1' },
    ratedSpeedMps: 1,
    floors: [
      { label: '1', levelMm: 0 },
      { label: '2', levelMm: 3000 },
    ],
    ...overrides,
  };
}
