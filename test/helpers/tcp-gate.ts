import net from 'node:net';
import { freePort } from './ports.js';

/**
 * A TCP relay between a client under test and its broker, which the test controls:
 * - `close()` stops listening and cuts every relayed connection: to the client the broker is gone
 *   (connection refused), while the test's own subscriber still reaches the real broker;
 * - `open()` listens again on the same port;
 * - `refuse()` keeps listening but resets every new connection at once (and counts it in `refused`),
 *   so a test can wait until the client has retried instead of sleeping;
 * - `holdReplies()` keeps what the broker sends back (CONNACK, PUBACK …) until `releaseReplies()`,
 *   so a test can see what the client does between its PUBLISH reaching the broker and the PUBACK.
 * Bytes are relayed unchanged and in order.
 */
export class TcpGate {
  private server?: net.Server;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private holding = false;
  private refusing = false;
  private held: { client: net.Socket; chunk: Buffer }[] = [];
  /** Connections relayed to the broker. */
  accepted = 0;
  /** Connections reset while refusing. */
  refused = 0;

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpGate> {
    const gate = new TcpGate(await freePort(), { host: targetHost, port: targetPort });
    await gate.open();
    return gate;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get isOpen(): boolean {
    return this.server !== undefined;
  }

  open(): Promise<void> {
    this.refusing = false;
    if (this.server) return Promise.resolve();
    const server = net.createServer((client) => this.relay(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** Stops listening and cuts every relayed connection (nothing held is delivered). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.cut();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Keeps listening, cuts every relayed connection and resets new ones as they come. */
  async refuse(): Promise<void> {
    this.refusing = true;
    this.cut();
    await this.open();
    this.refusing = true;
  }

  /** Cuts every relayed connection abruptly, as a dead link would; keeps listening. */
  cut(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    this.held = [];
  }

  holdReplies(): void {
    this.holding = true;
  }

  releaseReplies(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const { client, chunk } of held) if (!client.destroyed) client.write(chunk);
  }

  /** Bytes the broker sent that are being held back. */
  get heldBytes(): number {
    return this.held.reduce((n, h) => n + h.chunk.length, 0);
  }

  private relay(client: net.Socket): void {
    if (this.refusing) {
      this.refused++;
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    this.accepted++;
    const upstream = net.connect(this.target);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (this.holding) this.held.push({ client, chunk });
      else client.write(chunk);
    });
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }
}
