// A real OpenID Provider (npm oidc-provider 8) on loopback for the test suite.
// Usage: node real-op.mjs [--secret SECRET]
// Prints "listening on http://127.0.0.1:PORT" when ready. The browser step is scripted over
// HTTP with devInteractions: any login name signs in with any password; the login name is the
// subject. "<name>" has a verified email <name>@example.test; "unverified-<name>" an
// unverified one.
import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const secretIndex = process.argv.indexOf('--secret');
const clientSecret = secretIndex > 0 ? process.argv[secretIndex + 1] : null;

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'real-op-rsa', use: 'sig', alg: 'RS256' };

  const client = {
    client_id: 'pygmi-test',
    application_type: 'native',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // Loopback redirects of native clients match on any port (RFC 8252 §7.3).
    redirect_uris: ['http://127.0.0.1/v1/auth/sso/callback'],
    token_endpoint_auth_method: clientSecret ? 'client_secret_basic' : 'none',
  };
  if (clientSecret) client.client_secret = clientSecret;

  const provider = new Provider(issuer, {
    clients: [client],
    jwks: { keys: [signingKey] },
    pkce: { required: () => true, methods: ['S256'] },
    features: { devInteractions: { enabled: true } },
    // Put the user's claims into the ID token: the relying party reads nothing else.
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'birthdate', 'picture'] },
    cookies: { keys: [crypto.randomBytes(16).toString('hex')] },
    async findAccount(ctx, sub) {
      const unverified = sub.startsWith('unverified-');
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: `${sub}@example.test`,
            email_verified: !unverified,
            name: `Test ${sub}`,
            birthdate: '1990-01-01',
            picture: 'https://example.test/p.png',
          };
        },
      };
    },
  });
  provider.proxy = false;
  server.on('request', provider.callback());
  process.stdout.write(`listening on ${issuer}\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
