// srvx (a dependency of @tus/server) publishes its Node.js adapter under the `exports` subpath
// `srvx/node`, which the server's `node10` module resolution cannot see: its two functions that
// `Server.handle` itself uses, typed here.
declare module 'srvx/node' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** A web Request over Node's request, as `@tus/server`'s `handle` builds it. */
  export class NodeRequest extends Request {
    constructor(context: { req: IncomingMessage; res: ServerResponse });
  }

  /** Writes a web Response to Node's response. */
  export function sendNodeResponse(res: ServerResponse, response: Response): Promise<void>;
}
