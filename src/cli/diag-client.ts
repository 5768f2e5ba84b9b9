import { createConnection } from 'node:net';
import { DIAG_PROTOCOL_VERSION, diagResponseSchema, type DiagRequestInput, type DiagResponse } from '../contract/diag.js';
import { ElevgwError } from '../core/errors.js';

/**
 * The running gateway's diagnostics socket could not be reached: exit code 3 in every diag command.
 * A socket this user may not open (EACCES) is a gateway that is there behind the socket's mode
 * (0660, the elevgw group): the words say so, rather than send the technician to check a service
 * that runs. Anything else (no socket, nobody listening, no answer) is a service that is not there.
 */
export class ServiceUnreachable extends ElevgwError {
  constructor(path: string, why: string) {
    super('DIAG_UNREACHABLE', unreachableWords(path, why), { path });
  }
}

function unreachableWords(path: string, why: string): string {
  if (why === 'EACCES' || why === 'EPERM') {
    return `this user may not open the gateway's diagnostics socket ${path} (${why}): only the elevgw group may; join it (sudo usermod -aG elevgw $USER) and log in again`;
  }
  return `no running gateway answers on ${path} (${why}); is the service running (systemctl status elevgw)?`;
}

/**
 * A connection to the running gateway's local diagnostics socket (src/runtime/diag-server.ts).
 * Every answer line is validated against the protocol's zod schema before it is used.
 */
export class DiagClient {
  private constructor(
    private readonly socket: ReturnType<typeof createConnection>,
    private readonly lines: AsyncIterator<DiagResponse>,
  ) {}

  static connect(path: string, timeoutMs = 3000): Promise<DiagClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ServiceUnreachable(path, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new ServiceUnreachable(path, e.code ?? e.message));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new DiagClient(socket, responses(socket)));
      });
    });
  }

  send(request: DiagRequestInput): void {
    this.socket.write(`${JSON.stringify({ v: DIAG_PROTOCOL_VERSION, ...request })}\n`);
  }

  /** The next answer from the gateway; undefined when it hung up. */
  async next(): Promise<DiagResponse | undefined> {
    const r = await this.lines.next();
    return r.done ? undefined : r.value;
  }

  close(): void {
    this.socket.destroy();
  }
}

async function* responses(socket: ReturnType<typeof createConnection>): AsyncGenerator<DiagResponse> {
  socket.setEncoding('utf8');
  let buffered = '';
  for await (const chunk of socket) {
    buffered += chunk as string;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const r = diagResponseSchema().safeParse(JSON.parse(line));
      if (!r.success)
        throw new ElevgwError('DIAG_INVALID', `the gateway answered something this elevgw does not understand: ${r.error.issues[0]?.message ?? ''} (versions differ?)`);
      yield r.data;
    }
  }
}

/** Whether a gateway answers on its diagnostics socket (the service is running on that config). */
export async function gatewayAnswers(socket: string): Promise<boolean> {
  try {
    (await DiagClient.connect(socket, 1000)).close();
    return true;
  } catch {
    return false;
  }
}
