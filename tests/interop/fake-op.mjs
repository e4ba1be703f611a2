// A fake OpenID Provider for the refusal cases a real provider never produces: it follows the
// protocol (discovery, JWKS, authorization redirect, token endpoint with PKCE) but mints ID
// tokens that are deliberately wrong, signed with real keys through node:crypto.
// Usage: node fake-op.mjs. Prints "listening on http://127.0.0.1:PORT" when ready.
// POST /control {"mode": "...", "sub": "...", "email": "...", "email_verified": bool, "name": "..."}
// sets what the next tokens look like; POST /control {"rotate": true} replaces the keys.
// Modes: good, es256, expired, wrong_audience, wrong_issuer, tampered, unknown_kid,
// wrong_nonce, alg_none, hs256, future_iat, access_denied.
import http from 'node:http';
import crypto from 'node:crypto';

const CLIENT_ID = 'pygmi-fake';
let settings = { mode: 'good', sub: 'fake-user', email: 'fake@example.test', email_verified: true, name: 'Fake User' };
let generation = 0;
let keys = makeKeys();
const codes = new Map();

function makeKeys() {
  generation += 1;
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    rsa: { private: rsa.privateKey, kid: `rsa-${generation}` },
    ec: { private: ec.privateKey, kid: `ec-${generation}` },
    jwks: {
      keys: [
        { ...rsa.publicKey.export({ format: 'jwk' }), kid: `rsa-${generation}`, use: 'sig', alg: 'RS256' },
        { ...ec.publicKey.export({ format: 'jwk' }), kid: `ec-${generation}`, use: 'sig', alg: 'ES256' },
      ],
    },
  };
}

const b64url = (data) => Buffer.from(data).toString('base64url');

function sign(header, payload) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  if (header.alg === 'none') return `${input}.`;
  if (header.alg === 'HS256') return `${input}.${crypto.createHmac('sha256', 'guessable').update(input).digest('base64url')}`;
  if (header.alg === 'ES256') {
    const signature = crypto.sign('sha256', Buffer.from(input), { key: keys.ec.private, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }
  const signature = crypto.sign('sha256', Buffer.from(input), keys.rsa.private);
  return `${input}.${signature.toString('base64url')}`;
}

function idToken(issuer, entry) {
  const now = Math.floor(Date.now() / 1000);
  const mode = settings.mode;
  const payload = {
    iss: mode === 'wrong_issuer' ? 'http://127.0.0.1:1/not-the-issuer' : issuer,
    sub: settings.sub,
    aud: mode === 'wrong_audience' ? 'someone-else' : CLIENT_ID,
    exp: mode === 'expired' ? now - 3600 : now + 300,
    iat: mode === 'expired' ? now - 4000 : mode === 'future_iat' ? now + 3600 : now,
    nonce: mode === 'wrong_nonce' ? 'not-the-nonce' : entry.nonce,
    email: settings.email,
    email_verified: settings.email_verified,
    name: settings.name,
    // Claims the relying party must never keep.
    phone_number: '+62 21 5550 1234',
    birthdate: '1990-01-01',
    address: { street_address: 'Jalan Test 1' },
    picture: 'https://example.test/face.png',
  };
  let header = { alg: 'RS256', typ: 'JWT', kid: keys.rsa.kid };
  if (mode === 'es256') header = { alg: 'ES256', typ: 'JWT', kid: keys.ec.kid };
  if (mode === 'unknown_kid') header.kid = 'no-such-key';
  if (mode === 'alg_none') header = { alg: 'none', typ: 'JWT' };
  if (mode === 'hs256') header = { alg: 'HS256', typ: 'JWT', kid: keys.rsa.kid };
  let token = sign(header, payload);
  if (mode === 'tampered') {
    // Same signature, different claims: a forged subject.
    const [h, , s] = token.split('.');
    token = `${h}.${b64url(JSON.stringify({ ...payload, sub: 'someone-important' }))}.${s}`;
  }
  return token;
}

function readBody(request) {
  return new Promise((resolve) => {
    let data = '';
    request.on('data', (chunk) => { data += chunk; });
    request.on('end', () => resolve(data));
  });
}

function send(response, status, body, headers = {}) {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const server = http.createServer(async (request, response) => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const url = new URL(request.url, issuer);
  if (request.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
    return send(response, 200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
  }
  if (request.method === 'GET' && url.pathname === '/jwks') return send(response, 200, keys.jwks);
  if (request.method === 'GET' && url.pathname === '/authorize') {
    const q = url.searchParams;
    const back = new URL(q.get('redirect_uri'));
    if (q.get('client_id') !== CLIENT_ID || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
      return send(response, 400, { error: 'invalid_request' });
    }
    back.searchParams.set('state', q.get('state'));
    back.searchParams.set('iss', issuer);
    if (settings.mode === 'access_denied') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user said no');
    } else {
      const code = crypto.randomBytes(16).toString('base64url');
      codes.set(code, { nonce: q.get('nonce'), challenge: q.get('code_challenge'), redirect: q.get('redirect_uri') });
      back.searchParams.set('code', code);
    }
    response.writeHead(302, { Location: back.toString() });
    return response.end();
  }
  if (request.method === 'POST' && url.pathname === '/token') {
    const form = new URLSearchParams(await readBody(request));
    const entry = codes.get(form.get('code'));
    codes.delete(form.get('code'));
    const challenge = crypto.createHash('sha256').update(form.get('code_verifier') || '').digest('base64url');
    if (!entry || entry.challenge !== challenge || entry.redirect !== form.get('redirect_uri')
        || form.get('client_id') !== CLIENT_ID) {
      return send(response, 400, { error: 'invalid_grant' });
    }
    return send(response, 200, {
      access_token: crypto.randomBytes(16).toString('base64url'),
      token_type: 'Bearer',
      expires_in: 300,
      id_token: idToken(issuer, entry),
    });
  }
  if (request.method === 'POST' && url.pathname === '/control') {
    const body = JSON.parse((await readBody(request)) || '{}');
    if (body.rotate) keys = makeKeys();
    delete body.rotate;
    settings = { ...settings, ...body };
    return send(response, 200, { settings, kids: keys.jwks.keys.map((k) => k.kid) });
  }
  return send(response, 404, { error: 'not_found' });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
