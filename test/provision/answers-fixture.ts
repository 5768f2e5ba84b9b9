import type { Answers } from '../../src/provision/answers.js';
import { shippedBoards } from '../../src/provision/boards.js';

/** A one-elevator gateway's checked answers, as the prompts, flags or a CSV row give them to provision(). */
export function gatewayAnswers(gatewayId: string, password?: string): Answers {
  const board = shippedBoards().find((b) => b.id === 'generic-modbus-controller')!;
  return {
    gatewayId,
    site: 'S',
    address: 'A',
    elevators: [
      {
        id: 'L1',
        registrationCode: '31104201002015000001',
        rescueCode: '27-1',
        board,
        floors: [
          { label: '1', levelMm: 0 },
          { label: '2', levelMm: 3000 },
        ],
        ratedSpeedMps: 1.75,
        connection: { kind: 'tcp', host: '192.168.10.20', port: 502, unitId: 1 },
      },
    ],
    broker: { url: 'mqtts://10.20.0.5:8883', username: gatewayId, ...(password ? { password } : {}) },
  };
}
