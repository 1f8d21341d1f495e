/** The test's handle on the socket swarm child process (see `socket-swarm.ts`). */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

import { WORKSPACE } from '../../support/process';
import type {
  DeletedRun,
  ExpectedRun,
  FromSwarm,
  SwarmCheck,
  SwarmConfig,
  SwarmStats,
  ToSwarm,
} from './swarm-protocol';

/** A message to the swarm before its sequence number is added. */
type WithoutSeq<M> = M extends unknown ? Omit<M, 'seq'> : never;
type Request = WithoutSeq<ToSwarm>;

export class SocketSwarm {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (m: FromSwarm) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: FromSwarm) => {
      const waiter = this.pending.get(message.seq);
      if (!waiter) return;
      this.pending.delete(message.seq);
      if (message.type === 'error') waiter.reject(new Error(`socket swarm: ${message.message}`));
      else waiter.resolve(message);
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`socket swarm exited (${signal ?? code})`));
      this.pending.clear();
    });
  }

  /** Forks the swarm and connects `config`'s sockets; resolves once every one has connected. */
  static async start(config: SwarmConfig): Promise<SocketSwarm> {
    const child = fork(join(__dirname, 'socket-swarm.ts'), [], {
      cwd: WORKSPACE,
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      env: {
        ...process.env,
        TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: 'commonjs', moduleResolution: 'node10' }),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const swarm = new SocketSwarm(child);
    await swarm.request({ type: 'connect', config }, 120_000);
    return swarm;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  private request(message: Request, withinMs = 60_000): Promise<FromSwarm> {
    if (this.exited) return Promise.reject(new Error('socket swarm has exited'));
    const seq = ++this.seq;
    return new Promise<FromSwarm>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`socket swarm did not answer "${message.type}" within ${withinMs} ms`));
      }, withinMs);
      this.pending.set(seq, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ ...message, seq } as ToSwarm);
    });
  }

  async stats(): Promise<SwarmStats> {
    const answer = await this.request({ type: 'stats' });
    if (answer.type !== 'stats') throw new Error(`unexpected swarm answer ${answer.type}`);
    return answer.stats;
  }

  async check(expected: ExpectedRun[], deleted: DeletedRun[]): Promise<SwarmCheck> {
    const answer = await this.request({ type: 'check', expected, deleted }, 120_000);
    if (answer.type !== 'checked') throw new Error(`unexpected swarm answer ${answer.type}`);
    return answer.check;
  }

  /** Disconnects every socket and ends the child process. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.request({ type: 'close' }, 10_000).catch(() => undefined);
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
