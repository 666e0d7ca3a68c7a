// AWS SDK for JavaScript v3 as different users against `sluice up --auth enforce` with the
// accounts of ../identity/accounts.json: STS (Query) and SQS (JSON 1.0) with a correct signature,
// a wrong secret, an unknown key and an assumed role's credentials.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { SQSClient, CreateQueueCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';

const ENDPOINT = process.env.SLUICE_ENDPOINT;
assert.ok(ENDPOINT, 'SLUICE_ENDPOINT must be set');
const ACCOUNT = '111122223333';
const ALICE = { accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice/Secret+Key+0001' };
const BOB = { accessKeyId: 'AKIABOB0000000000001', secretAccessKey: 'bob/Secret+Key+0001' };
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/deployer`;

// maxAttempts 1: a refusal must surface, not be retried away.
const options = (credentials) => ({ endpoint: ENDPOINT, region: 'us-east-1', credentials, maxAttempts: 1 });
const sts = (credentials) => new STSClient(options(credentials));
const sqs = (credentials) => new SQSClient(options(credentials));

async function rejectsWithCode(promise, code, status) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, code, `expected ${code}, got ${err.name}: ${err.message}`);
    assert.equal(err.$metadata.httpStatusCode, status);
    return true;
  });
}

test('GetCallerIdentity names each user', async () => {
  const alice = await sts(ALICE).send(new GetCallerIdentityCommand({}));
  assert.equal(alice.Arn, `arn:aws:iam::${ACCOUNT}:user/alice`);
  assert.equal(alice.Account, ACCOUNT);
  const bob = await sts(BOB).send(new GetCallerIdentityCommand({}));
  assert.equal(bob.Arn, `arn:aws:iam::${ACCOUNT}:user/bob`);
});

test('a wrong secret and an unknown key are refused by STS and SQS', async () => {
  const wrong = { accessKeyId: ALICE.accessKeyId, secretAccessKey: 'not-the-secret' };
  await rejectsWithCode(sts(wrong).send(new GetCallerIdentityCommand({})), 'SignatureDoesNotMatch', 403);
  await rejectsWithCode(sqs(wrong).send(new ListQueuesCommand({})), 'SignatureDoesNotMatch', 403);
  const unknown = { accessKeyId: 'AKIANOSUCHKEY0000001', secretAccessKey: 'x' };
  await rejectsWithCode(sts(unknown).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
});

test("an assumed role's credentials sign STS and SQS calls", async () => {
  const answer = await sts(ALICE).send(new AssumeRoleCommand({ RoleArn: DEPLOYER, RoleSessionName: 'js-sdk' }));
  assert.match(answer.Credentials.AccessKeyId, /^ASIA/);
  assert.ok(answer.Credentials.Expiration instanceof Date);
  const role = {
    accessKeyId: answer.Credentials.AccessKeyId,
    secretAccessKey: answer.Credentials.SecretAccessKey,
    sessionToken: answer.Credentials.SessionToken,
  };
  const me = await sts(role).send(new GetCallerIdentityCommand({}));
  assert.equal(me.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/js-sdk`);
  const name = `js-role-${randomUUID().slice(0, 8)}`;
  const created = await sqs(role).send(new CreateQueueCommand({ QueueName: name }));
  assert.ok(created.QueueUrl.endsWith(`/${ACCOUNT}/${name}`));
  await rejectsWithCode(
    sts(BOB).send(new AssumeRoleCommand({ RoleArn: DEPLOYER, RoleSessionName: 'js-bob' })), 'AccessDenied', 403);
});
