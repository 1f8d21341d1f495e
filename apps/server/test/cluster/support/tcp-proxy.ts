/**
 * A tiny TCP proxy (127.0.0.1:<port> → a target) that a test can close, cutting every connection
 * through it, and open again on the same port: PostgreSQL "goes away" without touching the
 * machine's PostgreSQL.
 */
import { type Server, type Socket, connect, createServer } from 'node:net';

export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private boundPort: number,
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Listens on a free port of 127.0.0.1 and forwards to `targetHost:targetPort`. */
  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(0, targetHost, targetPort);
    proxy.boundPort = await proxy.listen();
    return proxy;
  }

  get port(): number {
    return this.boundPort;
  }

  get isOpen(): boolean {
    return this.server !== null;
  }

  private forward(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private listen(): Promise<number> {
    const server = createServer((client) => this.forward(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : this.boundPort);
      });
    });
  }

  /** Stops accepting connections and destroys every open one: the target looks gone. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Accepts connections again on the same port. */
  async open(): Promise<void> {
    if (this.server) return;
    await this.listen();
  }
}
