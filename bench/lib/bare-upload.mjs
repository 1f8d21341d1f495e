// Baseline of the upload figure: a bare node:http server that writes each PATCH's request stream
// at its Upload-Offset into one file (as a tus file store does, without tus, auth or a database).
// It prints `ready` when listening on PORT; the file goes to BARE_UPLOAD_DIR and is removed on exit.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const file = join(process.env.BARE_UPLOAD_DIR, 'bare-upload.bin');
const server = http.createServer(async (req, res) => {
  try {
    if (req.method === 'POST') {
      await rm(file, { force: true });
      res.writeHead(201, { Location: '/upload' }).end();
      return;
    }
    const offset = Number(req.headers['upload-offset']);
    await pipeline(req, createWriteStream(file, { flags: offset === 0 ? 'w' : 'r+', start: offset }));
    res.writeHead(204, { 'Upload-Offset': String(offset + Number(req.headers['content-length'])) }).end();
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => rm(file, { force: true }).finally(() => process.exit(0)));
