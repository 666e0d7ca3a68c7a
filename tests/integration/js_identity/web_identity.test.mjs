// AWS SDK for JavaScript v3 and web identity against `sluice up --auth enforce` with the accounts
// of ../identity/accounts.json: an OpenID Connect provider registered for sluice's test issuer (as
// reached at http://oidc.localhost), AssumeRoleWithWebIdentity with a token passed in, the
// fromTokenFile credential provider, and the credentials used for signed calls.
// @smithy/signature-v4 and @aws-sdk/credential-provider-web-identity come with @aws-sdk/client-sts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STSClient, GetCallerIdentityCommand, AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromTokenFile } from '@aws-sdk/credential-provider-web-identity';

const ENDPOINT = process.env.SLUICE_ENDPOINT;
assert.ok(ENDPOINT, 'SLUICE_ENDPOINT must be set');
const ACCOUNT = '111122223333';
const ALICE = { accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice/Secret+Key+0001' };
const ISSUER_HOST = 'oidc.localhost';
const ISSUER_URL = `http://${ISSUER_HOST}/_sluice/oidc`;
const AUDIENCE = 'sluice-tests';
const WEB_READER = `arn:aws:iam::${ACCOUNT}:role/web-reader`;

// SHA-256 and HMAC-SHA-256 as the signer's hash constructor wants them.
class Sha256 {
  constructor(secret) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

// POSTs `body` to sluice with these headers (node:http, which lets a request name its own Host).
function post(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// A request to sluice signed by alice for service `service`, with Host `host`.
async function signedPost(service, path, body, host) {
  const url = new URL(ENDPOINT + path);
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: ALICE, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return post(url, signed.headers, body);
}

async function registerIssuer() {
  const form = new URLSearchParams({
    Action: 'CreateOpenIDConnectProvider', Version: '2010-05-08', Url: ISSUER_URL,
    'ClientIDList.member.1': AUDIENCE,
  }).toString();
  const url = new URL(ENDPOINT);
  const answer = await signedPost('iam', '/', form, url.host);
  assert.ok(answer.status === 200 || answer.text.includes('EntityAlreadyExists'), answer.text);
}

async function mint(sub = 'system:serviceaccount:apps:js') {
  const answer = await signedPost('iam', '/_sluice/oidc/token',
    new URLSearchParams({ sub, aud: AUDIENCE }).toString(), ISSUER_HOST);
  assert.equal(answer.status, 200, answer.text);
  return JSON.parse(answer.text).IdToken;
}

const clientOptions = { endpoint: ENDPOINT, region: 'us-east-1', maxAttempts: 1 };

test('AssumeRoleWithWebIdentity with a token of sluice\'s issuer, then signed calls', async () => {
  await registerIssuer();
  const sts = new STSClient(clientOptions);  // the call is unsigned: no credentials needed
  const answer = await sts.send(new AssumeRoleWithWebIdentityCommand({
    RoleArn: WEB_READER, RoleSessionName: 'js-web', WebIdentityToken: await mint(),
  }));
  assert.equal(answer.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/web-reader/js-web`);
  assert.equal(answer.SubjectFromWebIdentityToken, 'system:serviceaccount:apps:js');
  assert.equal(answer.Audience, AUDIENCE);
  const role = new STSClient({ ...clientOptions, credentials: {
    accessKeyId: answer.Credentials.AccessKeyId, secretAccessKey: answer.Credentials.SecretAccessKey,
    sessionToken: answer.Credentials.SessionToken } });
  const me = await role.send(new GetCallerIdentityCommand({}));
  assert.equal(me.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/web-reader/js-web`);

  await assert.rejects(sts.send(new AssumeRoleWithWebIdentityCommand({
    RoleArn: WEB_READER, RoleSessionName: 'js-web', WebIdentityToken: await mint('system:serviceaccount:other:js'),
  })), (err) => err.name === 'AccessDenied' && err.$metadata.httpStatusCode === 403);
});

test('fromTokenFile reads the token and assumes the role through sluice', async () => {
  await registerIssuer();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-web-identity-'));
  try {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, await mint());
    const credentials = fromTokenFile({
      webIdentityTokenFile: tokenFile, roleArn: WEB_READER, roleSessionName: 'js-file',
      clientConfig: { endpoint: ENDPOINT, region: 'us-east-1' },
    });
    const me = await new STSClient({ ...clientOptions, credentials }).send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/web-reader/js-file`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
