/**
 * The soak's Socket.IO clients, in a child process of their own (so that 200 sockets decoding every
 * run.updated do not share an event loop with the load generator). Each socket keeps only the newest
 * view of every run it heard of, the way the monitor does; the test asks for stats and for a final
 * comparison with the stored runs over IPC. Started by `swarm.ts` with ts-node.
 */
import { io, type Socket } from 'socket.io-client';

import { timeOfDay } from '../../support/clock';

import type {
  DeletedRun,
  ExpectedRun,
  FromSwarm,
  SwarmCheck,
  SwarmConfig,
  SwarmStats,
  ToSwarm,
} from './swarm-protocol';

interface View {
  id: string;
  version: number;
  status: string;
}

class RecordingSocket {
  /** The newest view of each run, with when it arrived (ms since the epoch). */
  readonly latest = new Map<string, { version: number; status: string; at: number }>();
  readonly deleted = new Set<string>();
  readonly updatedAfterDelete = new Set<string>();
  connected = false;
  everConnected = false;
  disconnects = 0;
  reconnects = 0;
  updates = 0;
  deletes = 0;
  outOfOrder = 0;
  readonly socket: Socket;

  constructor(
    readonly index: number,
    readonly user: string,
    readonly url: string,
    token: string,
    readonly all: boolean,
  ) {
    this.socket = io(`${url}/runs`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 2_000,
      timeout: 20_000,
    });
    this.socket.on('connect', () => {
      if (this.everConnected) this.reconnects++;
      this.connected = this.everConnected = true;
      if (this.all) this.socket.emit('subscribe.all');
    });
    this.socket.on('disconnect', () => {
      this.connected = false;
      this.disconnects++;
    });
    this.socket.on('run.updated', (view: View) => {
      this.updates++;
      // The monitor keeps deleted runs' ids and drops late updates of them; so does this recorder.
      if (this.deleted.has(view.id)) {
        this.updatedAfterDelete.add(view.id);
        return;
      }
      const held = this.latest.get(view.id);
      if (held && held.version >= view.version) {
        if (held.version > view.version) this.outOfOrder++;
        return;
      }
      this.latest.set(view.id, { version: view.version, status: view.status, at: Date.now() });
    });
    this.socket.on('run.deleted', ({ id }: { id: string }) => {
      this.deletes++;
      this.deleted.add(id);
    });
  }

  sees(owner: string): boolean {
    return this.all || this.user === owner;
  }
}

let sockets: RecordingSocket[] = [];

function stats(): SwarmStats {
  const sum = (f: (s: RecordingSocket) => number): number => sockets.reduce((n, s) => n + f(s), 0);
  return {
    sockets: sockets.length,
    connected: sockets.filter((s) => s.connected).length,
    disconnects: sum((s) => s.disconnects),
    reconnects: sum((s) => s.reconnects),
    updates: sum((s) => s.updates),
    deletes: sum((s) => s.deletes),
    outOfOrder: sum((s) => s.outOfOrder),
  };
}

async function connect(config: SwarmConfig): Promise<SwarmStats> {
  let index = 0;
  for (const user of config.users) {
    for (let n = 0; n < user.sockets; n++, index++) {
      const url = config.urls[index % config.urls.length] as string;
      sockets.push(new RecordingSocket(index, user.name, url, user.token, n < user.subscribeAll));
    }
  }
  // Wait (bounded) until every socket has connected once; a connect_error is retried by the client.
  const deadline = Date.now() + 60_000;
  while (sockets.some((s) => !s.everConnected)) {
    if (Date.now() > deadline) {
      throw new Error(`${sockets.filter((s) => !s.everConnected).length} of ${sockets.length} sockets never connected`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return stats();
}

function check(expected: ExpectedRun[], deleted: DeletedRun[]): SwarmCheck {
  const result: SwarmCheck = {
    checked: 0,
    missing: 0,
    stale: 0,
    mismatched: 0,
    ahead: 0,
    deletesMissing: 0,
    updatedAfterDelete: 0,
    examples: [],
  };
  const example = (text: string): void => {
    if (result.examples.length < 12) result.examples.push(text);
  };
  for (const run of expected) {
    for (const socket of sockets) {
      if (!socket.sees(run.owner)) continue;
      result.checked++;
      const held = socket.latest.get(run.id);
      const where = `socket ${socket.index} (${socket.user}${socket.all ? ', all' : ''} on ${socket.url})`;
      const last = `, last changed ${timeOfDay(run.lastChange)}`;
      if (!held) {
        result.missing++;
        example(`${where} never heard of run ${run.id} (${run.status} v${run.version}${last})`);
      } else if (held.version < run.version) {
        result.stale++;
        example(
          `${where} holds run ${run.id} at ${held.status} v${held.version} (got ${timeOfDay(held.at)}); ` +
            `stored ${run.status} v${run.version}${last}`,
        );
      } else if (held.version > run.version) {
        result.ahead++;
        example(`${where} holds run ${run.id} at v${held.version}, newer than the stored v${run.version}`);
      } else if (held.status !== run.status) {
        result.mismatched++;
        example(`${where} holds run ${run.id} v${held.version} as ${held.status}; stored ${run.status}`);
      }
    }
  }
  for (const run of deleted) {
    for (const socket of sockets) {
      if (!socket.sees(run.owner)) continue;
      if (!socket.deleted.has(run.id)) {
        result.deletesMissing++;
        example(`socket ${socket.index} (${socket.user}) got no run.deleted for ${run.id}`);
      }
      if (socket.updatedAfterDelete.has(run.id)) result.updatedAfterDelete++;
    }
  }
  return result;
}

function reply(message: FromSwarm): void {
  process.send?.(message);
}

process.on('message', (message: ToSwarm) => {
  const { seq } = message;
  const handle = async (): Promise<FromSwarm> => {
    switch (message.type) {
      case 'connect':
        return { type: 'connected', seq, stats: await connect(message.config) };
      case 'stats':
        return { type: 'stats', seq, stats: stats() };
      case 'check':
        return { type: 'checked', seq, check: check(message.expected, message.deleted) };
      case 'close':
        for (const s of sockets) s.socket.disconnect();
        sockets = [];
        return { type: 'closed', seq };
    }
  };
  handle().then(reply, (error: Error) => reply({ type: 'error', seq, message: error.message }));
});

// The test runner went away: so do the sockets.
process.on('disconnect', () => process.exit(0));
