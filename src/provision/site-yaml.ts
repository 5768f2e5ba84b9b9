import { Document, isMap, isSeq } from 'yaml';
import { CONFIG_VERSION } from '../config/site.js';
import type { Answers, ElevatorAnswers } from './answers.js';

/** The name of the broker password's line in the credentials file (src/config/credentials.ts). */
export const BROKER_PASSWORD_CREDENTIAL = 'broker-password';

/** Where the config points for its files, relative to the config's directory (as the loader resolves them). */
export const RELATIVE = {
  key: 'tls/gateway.key',
  cert: 'tls/gateway.crt',
  ca: 'tls/ca.pem',
} as const;

export interface SiteYamlInput {
  answers: Answers;
  clientId: string;
  /** The outbox database: in the service's state directory (the unit's StateDirectory=). */
  outboxPath: string;
  /** A first line saying who wrote the file and when. */
  header: string;
  /** The credentials file holds the broker password (given now, or kept from an earlier init): the config refers to it. */
  password: boolean;
}

function usesTls(url: string): boolean {
  return /^(mqtts|wss|ssl):/.test(url);
}

/**
 * The site config as YAML. Secrets are not in it: the password is a `{ credential: … }`
 * reference into the credentials file, and the key is a file of its own. The client
 * certificate does not exist yet (the platform's CA issues it from the CSR); the config names
 * where it is to be put, so `config validate --strict` says what is missing until it is there.
 */
export function siteYaml({ answers, clientId, outboxPath, header, password }: SiteYamlInput): string {
  const b = answers.broker;
  const tls = usesTls(b.url) ? { ...(b.ca ? { ca: RELATIVE.ca } : {}), cert: RELATIVE.cert, key: RELATIVE.key } : undefined;
  const config = {
    version: CONFIG_VERSION,
    gateway: { id: answers.gatewayId, site: answers.site },
    elevators: answers.elevators.map((e) => elevatorConfig(e, answers.address)),
    uplink: {
      url: b.url,
      clientId,
      username: b.username,
      ...(password ? { password: { credential: BROKER_PASSWORD_CREDENTIAL } } : {}),
      ...(tls ? { tls } : {}),
    },
    outbox: { path: outboxPath },
  };
  const doc = new Document(config);
  doc.commentBefore = ` ${header}`;
  // One line per floor and per connection, as in the shipped examples: a lift's floors read as a list.
  const elevators = doc.get('elevators');
  if (isSeq(elevators)) {
    for (const e of elevators.items) {
      if (!isMap(e)) continue;
      const floors = e.get('floors');
      if (isSeq(floors)) for (const f of floors.items) if (isMap(f)) f.flow = true;
      const connection = e.get('connection');
      if (isMap(connection)) connection.flow = true;
    }
  }
  const passwordRef = doc.getIn(['uplink', 'password'], true);
  if (isMap(passwordRef)) passwordRef.flow = true;
  return doc.toString({ lineWidth: 0 });
}

function elevatorConfig(e: ElevatorAnswers, address: string) {
  return {
    id: e.id,
    registrationCode: e.registrationCode,
    rescueCode: e.rescueCode,
    ...(address ? { address } : {}),
    board: e.board.id,
    ...connectionConfig(e),
    ratedSpeedMps: e.ratedSpeedMps,
    floors: e.floors.map((f) => ({ label: f.label, levelMm: f.levelMm })),
  };
}

/** The connection in the shape the board's transport takes (src/config/connection.ts). */
function connectionConfig(e: ElevatorAnswers): { connection?: Record<string, unknown> } {
  const c = e.connection;
  const t = e.board.transport;
  if (c.kind === 'none') return {};
  if (c.kind === 'tcp') return { connection: { host: c.host, port: c.port, unitId: c.unitId ?? 1 } };
  if (t === 'serial-framed') return { connection: { path: c.path, baudRate: c.baudRate ?? 115_200 } };
  if (t === 'firmata' || t === 'retrofit-firmata') return { connection: { path: c.path, baudRate: c.baudRate ?? 57_600 } };
  return { connection: { path: c.path, baudRate: c.baudRate ?? 9600, parity: 'none', unitId: c.unitId ?? 1 } };
}
