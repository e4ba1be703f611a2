// The reference tus client (npm tus-js-client) uploading one file to a tus endpoint, for the
// server's interoperability test. Usage:
//   node tus-client.mjs --endpoint URL --token TOKEN --file PATH [--chunk BYTES] [--interrupt-at BYTES]
// With --interrupt-at the upload is aborted once that many bytes were sent (as a dropped network
// would), then resumed from its upload URL with a new Upload object. Prints one JSON line per
// phase: {"event":"interrupted",...}, {"event":"success",...} or {"event":"error","message":...}.
import fs from 'node:fs';
import path from 'node:path';
import * as tus from 'tus-js-client';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const endpoint = arg('endpoint');
const token = arg('token');
const file = arg('file');
const chunkSize = Number(arg('chunk', '65536'));
const interruptAt = Number(arg('interrupt-at', '0'));
const data = fs.readFileSync(file);

function run(uploadUrl) {
  return new Promise((resolve, reject) => {
    let reference = null;
    let stopped = false;
    const upload = new tus.Upload(data, {
      endpoint,
      uploadUrl,
      chunkSize,
      retryDelays: [],
      storeFingerprintForResuming: false,
      headers: { Authorization: `Bearer ${token}` },
      metadata: { filename: path.basename(file) },
      onAfterResponse(req, res) {
        const id = res.getHeader('Pygmi-Reference-Id');
        if (id) reference = id;
      },
      onProgress(sent) {
        if (interruptAt > 0 && !uploadUrl && !stopped && sent >= interruptAt) {
          stopped = true;
          upload.abort(false).then(() => resolve({ event: 'interrupted', url: upload.url, sent }));
        }
      },
      onSuccess() {
        resolve({ event: 'success', url: upload.url, reference });
      },
      onError(error) {
        reject(error);
      },
    });
    upload.start();
  });
}

try {
  let result = await run(undefined);
  console.log(JSON.stringify(result));
  if (result.event === 'interrupted') {
    result = await run(result.url);
    console.log(JSON.stringify(result));
  }
  process.exit(0);
} catch (error) {
  console.log(JSON.stringify({ event: 'error', message: String(error && error.message ? error.message : error) }));
  process.exit(1);
}
