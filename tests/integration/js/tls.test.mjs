// AWS SDK for JavaScript v3 over HTTPS (`sluice up --tls`): the client trusts the self-signed
// certificate kept in the data directory through its own https agent and works unchanged; one
// that does not trust it is refused. Skipped when the server runs without --tls.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { randomUUID } from 'node:crypto';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';

const certFile = process.env.SLUICE_DATA_DIR ? `${process.env.SLUICE_DATA_DIR}/tls/cert.pem` : '';
const skip = !(certFile && existsSync(certFile)) && 'the server runs without --tls';
const https = (process.env.SLUICE_ENDPOINT ?? '').replace(/^http:/, 'https:');
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

const client = (agent) => new SQSClient({
  endpoint: https, region: 'us-east-1', credentials, maxAttempts: 1,
  requestHandler: new NodeHttpHandler({ httpsAgent: agent }),
});

test('SQS over https with the certificate trusted', { skip }, async () => {
  const sqs = client(new Agent({ ca: readFileSync(certFile) }));
  const name = `js-tls-${randomUUID().slice(0, 8)}`;
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl;
  assert.equal(url, `${https}/123456789012/${name}`);
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'js over tls' }));
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
  assert.equal(got.Messages[0].Body, 'js over tls');
});

test('a client that does not trust the certificate is refused', { skip }, async () => {
  const sqs = client(new Agent());
  await assert.rejects(sqs.send(new ListQueuesCommand({})), (err) => {
    assert.match(String(err.code ?? err.message), /SELF_SIGNED|self-signed|certificate/i);
    return true;
  });
});
