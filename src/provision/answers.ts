import type { ShippedBoard } from './boards.js';
import type { Floor } from './floors.js';

/**
 * Everything `elevgw init` needs to know, already checked, however it was asked: prompts,
 * flags or a roll-out CSV row. The site config, the credentials and the CSR are made from this.
 */
export interface Answers {
  gatewayId: string;
  site: string;
  address: string;
  elevators: ElevatorAnswers[];
  broker: BrokerAnswers;
}

export interface ElevatorAnswers {
  id: string;
  registrationCode: string;
  rescueCode: string;
  board: ShippedBoard;
  floors: Floor[];
  ratedSpeedMps: number;
  connection: ConnectionAnswer;
}

/** Serial: an RS-485/USB adapter's path; tcp: a Modbus TCP interface; none: the gateway's own GPIO header. */
export type ConnectionAnswer =
  | { kind: 'serial'; path: string; baudRate?: number; unitId?: number }
  | { kind: 'tcp'; host: string; port: number; unitId?: number }
  | { kind: 'none' };

interface BrokerAnswers {
  url: string;
  username: string;
  /** Goes to the credentials directory, never into the YAML. */
  password?: string;
  /** The broker's CA certificate; none: the system's CAs. */
  ca?: string;
}
