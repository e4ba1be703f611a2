// The reference tus server (npm @tus/server with its file store) on loopback, for the client's
// interoperability test. Usage: node tus-server.mjs --dir DIR
// Prints "listening on http://127.0.0.1:PORT" when ready; uploads live under /files; files land
// in DIR named by upload id. Ends when its stdin closes.
import http from 'node:http';
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';

const dirIndex = process.argv.indexOf('--dir');
if (dirIndex < 0) {
  console.error('usage: node tus-server.mjs --dir DIR');
  process.exit(2);
}
const tus = new Server({ path: '/files', datastore: new FileStore({ directory: process.argv[dirIndex + 1] }) });
const server = http.createServer((req, res) => tus.handle(req, res));
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
