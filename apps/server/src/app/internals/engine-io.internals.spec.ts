import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';

import { countSocketWrites } from '../../../test/support/socket-writes';
import { coalesceFlushedFrames, tcpSocketOf } from './engine-io.internals';

// A real Socket.IO server and client over loopback TCP (WebSocket transport).
describe.each([
  ['with coalesceFlushedFrames', true, 2],
  ['without it (the control)', false, 4],
])('Socket.IO frames of one turn, %s', (_name, coalesce, expectedWrites) => {
  let http: HttpServer;
  let server: Server;
  let client: ClientSocket;
  let serverSocket: Socket;

  beforeAll(async () => {
    http = createServer();
    server = new Server(http);
    const connected = new Promise<Socket>((resolve) =>
      server.on('connection', (socket) => {
        if (coalesce) coalesceFlushedFrames(socket.conn);
        resolve(socket);
      }),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
    serverSocket = await connected;
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  const arrived = (received: number[]): Promise<void> =>
    new Promise<void>((resolve) => {
      const on = (i: number): void => {
        received.push(i);
        if (received.length < 4) return;
        client.off('event', on);
        resolve();
      };
      client.on('event', on);
    });

  it(`sends four events of one tick in ${expectedWrites} socket writes, all received in order`, async () => {
    const received: number[] = [];
    const writes = await countSocketWrites(tcpSocketOf(serverSocket.conn), async () => {
      const all = arrived(received);
      // As a quick run's claim and completion committed together: update, notification, update, notification.
      for (let i = 1; i <= 4; i++) serverSocket.emit('event', i);
      await all;
    });
    expect(received).toEqual([1, 2, 3, 4]);
    // engine.io writes the first event at once and the rest together once that write is done.
    expect(writes).toBe(expectedWrites);
  });

  it(`sends four events of four ticks of one turn in ${expectedWrites} socket writes, in order`, async () => {
    const received: number[] = [];
    const writes = await countSocketWrites(tcpSocketOf(serverSocket.conn), async () => {
      const all = arrived(received);
      // As the database answers of several runs arriving in one turn, each continuing in its own tick.
      const emitIn = (i: number): void => {
        serverSocket.emit('event', i);
        if (i < 4) process.nextTick(() => queueMicrotask(() => emitIn(i + 1)));
      };
      emitIn(1);
      await all;
    });
    expect(received).toEqual([1, 2, 3, 4]);
    expect(writes).toBe(expectedWrites);
  });
});
