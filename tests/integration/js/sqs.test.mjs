// AWS SDK for JavaScript v3 (@aws-sdk/client-sqs, JSON protocol) against a live sluice.
// The SDK checks the MD5s of every send and receive itself, so a wrong digest fails the call.
// SLUICE_ENDPOINT and dummy credentials come from tests/integration/sluice_server.py.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import {
  SQSClient, CreateQueueCommand, GetQueueUrlCommand, SendMessageCommand, SendMessageBatchCommand,
  ReceiveMessageCommand, DeleteMessageCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand,
  ListQueuesCommand, PurgeQueueCommand, ChangeMessageVisibilityCommand,
  QueueDoesNotExist, QueueNameExists, PurgeQueueInProgress, TooManyEntriesInBatchRequest,
  ReceiptHandleIsInvalid, BatchEntryIdsNotDistinct, EmptyBatchRequest, InvalidBatchEntryId, SQSServiceException,
} from '@aws-sdk/client-sqs';

const ENDPOINT = process.env.SLUICE_ENDPOINT;
assert.ok(ENDPOINT, 'SLUICE_ENDPOINT must be set');
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

// maxAttempts 1: a server error must surface, not be retried away.
const sqs = new SQSClient({ endpoint: ENDPOINT, region: 'us-east-1', credentials, maxAttempts: 1 });

const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;
const md5 = (s) => createHash('md5').update(s).digest('hex');
const createQueue = async (name, Attributes) => (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl;

async function rejectsWith(promise, cls, check) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${err.name}: ${err.message}`);
    assert.ok(err instanceof SQSServiceException);
    if (check) check(err);
    return true;
  });
}

async function receiveAll(url, expected, extra = {}) {
  const got = [];
  const deadline = Date.now() + 5000;
  while (got.length < expected && Date.now() < deadline) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, ...extra }));
    got.push(...(r.Messages ?? []));
  }
  return got;
}

test('create, send, receive, delete', async () => {
  const name = unique('js');
  const url = await createQueue(name);
  assert.equal(url, `${ENDPOINT}/123456789012/${name}`);
  assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl, url);

  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'hello from js' }));
  assert.equal(sent.MD5OfMessageBody, md5('hello from js'));
  assert.equal(sent.MD5OfMessageAttributes, undefined);

  const r = await sqs.send(new ReceiveMessageCommand({
    QueueUrl: url, WaitTimeSeconds: 2, MessageSystemAttributeNames: ['All'],
  }));
  assert.equal(r.Messages.length, 1);
  const m = r.Messages[0];
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.Body, 'hello from js');
  assert.equal(m.Attributes.ApproximateReceiveCount, '1');

  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
  const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes;
  assert.equal(attrs.ApproximateNumberOfMessages, '0');
  assert.equal(attrs.ApproximateNumberOfMessagesNotVisible, '0');
  const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
  assert.equal(empty.Messages, undefined);

  const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
  assert.deepEqual(listed.QueueUrls, [url]);
});

test('MD5 validation passes with String, Number and Binary attributes', async () => {
  const url = await createQueue(unique('md5'));
  const MessageAttributes = {
    Text: { DataType: 'String', StringValue: 'h\u00e9llo \u2603' },
    Count: { DataType: 'Number', StringValue: '42' },
    Blob: { DataType: 'Binary', BinaryValue: Uint8Array.from([0, 1, 2, 250, 255]) },
    Gif: { DataType: 'Binary.gif', BinaryValue: new TextEncoder().encode('GIF89a') },
  };
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'msg', MessageAttributes }));
  assert.equal(sent.MD5OfMessageBody, '6e2baaf3b97dbeef01c0043275f9a0e7');
  assert.match(sent.MD5OfMessageAttributes, /^[0-9a-f]{32}$/);

  const batch = await sqs.send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: [{ Id: 'a', MessageBody: 'b1', MessageAttributes }, { Id: 'b', MessageBody: 'b2' }],
  }));
  assert.equal(batch.Successful.length, 2);
  assert.equal(batch.Successful.find((s) => s.Id === 'a').MD5OfMessageAttributes, sent.MD5OfMessageAttributes);

  const got = await receiveAll(url, 3, { MessageAttributeNames: ['All'] });
  assert.equal(got.length, 3);
  const withAttrs = got.filter((m) => m.MessageAttributes);
  assert.equal(withAttrs.length, 2);
  for (const m of withAttrs) {
    assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.deepEqual(Array.from(m.MessageAttributes.Blob.BinaryValue), [0, 1, 2, 250, 255]);
    assert.equal(m.MessageAttributes.Text.StringValue, 'h\u00e9llo \u2603');
    assert.equal(m.MessageAttributes.Gif.DataType, 'Binary.gif');
  }
  // A subset of attributes: the SDK checks the MD5 of what came back.
  const url2 = await createQueue(unique('md5sub'));
  await sqs.send(new SendMessageCommand({ QueueUrl: url2, MessageBody: 'x', MessageAttributes }));
  const sub = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url2, WaitTimeSeconds: 1, MessageAttributeNames: ['Count'] }));
  assert.deepEqual(Object.keys(sub.Messages[0].MessageAttributes), ['Count']);
});

test('SendMessageBatch partial failure', async () => {
  const url = await createQueue(unique('sbatch'), { MaximumMessageSize: '1024' });
  const r = await sqs.send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: [
      { Id: 'ok1', MessageBody: 'fine' },
      { Id: 'big', MessageBody: 'x'.repeat(1025) },
      { Id: 'ok2', MessageBody: 'also fine', DelaySeconds: 0 },
    ],
  }));
  assert.deepEqual(r.Successful.map((s) => s.Id).sort(), ['ok1', 'ok2']);
  assert.equal(r.Failed.length, 1);
  assert.equal(r.Failed[0].Id, 'big');
  assert.equal(r.Failed[0].SenderFault, true);
  assert.equal(r.Failed[0].Code, 'InvalidParameterValue');
  assert.match(r.Failed[0].Message, /Message must be shorter than 1024 bytes/);
});

test('DeleteMessageBatch partial failure', async () => {
  const url = await createQueue(unique('dbatch'));
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: '1', MessageBody: 'one' }, { Id: '2', MessageBody: 'two' }] }));
  const got = await receiveAll(url, 2);
  assert.equal(got.length, 2);
  const r = await sqs.send(new DeleteMessageBatchCommand({
    QueueUrl: url,
    Entries: [
      { Id: 'a', ReceiptHandle: got[0].ReceiptHandle },
      { Id: 'b', ReceiptHandle: 'not-a-receipt-handle' },
      { Id: 'c', ReceiptHandle: got[1].ReceiptHandle },
    ],
  }));
  assert.deepEqual(r.Successful.map((s) => s.Id).sort(), ['a', 'c']);
  assert.equal(r.Failed.length, 1);
  assert.equal(r.Failed[0].Id, 'b');
  assert.equal(r.Failed[0].Code, 'ReceiptHandleIsInvalid');
  assert.equal(r.Failed[0].SenderFault, true);
  const attrs = (await sqs.send(new GetQueueAttributesCommand({
    QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
  }))).Attributes;
  assert.deepEqual(attrs, { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
});

test('errors map to the SDK exception classes', async () => {
  await rejectsWith(sqs.send(new GetQueueUrlCommand({ QueueName: unique('missing') })), QueueDoesNotExist, (err) => {
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, 'The specified queue does not exist.');
    assert.equal(err.Code, 'AWS.SimpleQueueService.NonExistentQueue');
    assert.equal(err.$fault, 'client');
  });
  await rejectsWith(sqs.send(new SendMessageCommand({ QueueUrl: `${ENDPOINT}/123456789012/${unique('missing')}`, MessageBody: 'x' })),
    QueueDoesNotExist);

  const name = unique('exists');
  await createQueue(name, { DelaySeconds: '1' });
  await rejectsWith(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { DelaySeconds: '2' } })), QueueNameExists,
    (err) => {
      assert.equal(err.Code, 'QueueAlreadyExists');
      assert.equal(err.message, 'A queue already exists with the same name and a different value for attribute DelaySeconds');
    });

  const url = await createQueue(unique('errs'));
  await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  await rejectsWith(sqs.send(new PurgeQueueCommand({ QueueUrl: url })), PurgeQueueInProgress,
    (err) => assert.equal(err.$metadata.httpStatusCode, 403));

  const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'b' }));
  await rejectsWith(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: eleven })), TooManyEntriesInBatchRequest,
    (err) => assert.equal(err.message, 'Maximum number of entries per request are 10. You have sent 11.'));
  await rejectsWith(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })), EmptyBatchRequest);
  await rejectsWith(sqs.send(new SendMessageBatchCommand({
    QueueUrl: url, Entries: [{ Id: 'x', MessageBody: 'a' }, { Id: 'x', MessageBody: 'b' }],
  })), BatchEntryIdsNotDistinct);
  await rejectsWith(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'bad:id', MessageBody: 'a' }] })),
    InvalidBatchEntryId);
  await rejectsWith(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })), ReceiptHandleIsInvalid);

  // Not a modelled exception: the generic service exception, named by the x-amzn-query-error code.
  await rejectsWith(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })), SQSServiceException, (err) => {
    assert.equal(err.name, 'InvalidParameterValue');
    assert.equal(err.Code, 'InvalidParameterValue');
    assert.equal(err.message, 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.');
  });
  await rejectsWith(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: 'garbage', VisibilityTimeout: 5 })),
    ReceiptHandleIsInvalid);
});

test('FIFO order and deduplication', async () => {
  const url = await createQueue(unique('jsf') + '.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  const r = await sqs.send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: ['first', 'second', 'third', 'first'].map((b, i) => ({ Id: `m${i}`, MessageBody: b, MessageGroupId: 'g' })),
  }));
  assert.equal(r.Successful.length, 4);
  const got = await receiveAll(url, 3);
  assert.deepEqual(got.map((m) => m.Body), ['first', 'second', 'third']);
});

test('QueueUrl host: a client without an endpoint follows the QueueUrl to sluice', async () => {
  const url = await createQueue(unique('follow'));
  // No `endpoint`: the SDK resolves AWS's regional endpoint but sends each QueueUrl-bearing
  // request to the QueueUrl's own host, which must be this server.
  const follower = new SQSClient({
    region: 'us-east-1', credentials, maxAttempts: 1,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const sent = await follower.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'followed the url' }));
  assert.equal(sent.MD5OfMessageBody, md5('followed the url'));
  const r = await follower.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
  assert.deepEqual(r.Messages.map((m) => m.Body), ['followed the url']);
  await follower.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: r.Messages[0].ReceiptHandle }));
  follower.destroy();
});

test('QueueUrl host: an explicit endpoint with an AWS-style QueueUrl reaches the same queue', async () => {
  const name = unique('awsurl');
  const url = await createQueue(name);
  for (const awsUrl of [`https://sqs.us-east-1.amazonaws.com/123456789012/${name}`, `https://queue.amazonaws.com/123456789012/${name}`]) {
    await sqs.send(new SendMessageCommand({ QueueUrl: awsUrl, MessageBody: awsUrl }));
  }
  const got = await receiveAll(url, 2);
  assert.deepEqual(got.map((m) => m.Body).sort(), [
    `https://queue.amazonaws.com/123456789012/${name}`, `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`]);
});

test('long poll is woken by a send', async () => {
  const url = await createQueue(unique('lp'));
  const started = Date.now();
  const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2 }));
  setTimeout(() => { sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake' })); }, 300);
  const r = await poll;
  const elapsed = Date.now() - started;
  assert.deepEqual(r.Messages.map((m) => m.Body), ['wake']);
  assert.ok(elapsed >= 250 && elapsed < 1800, `woken after ${elapsed} ms`);
});

test.after(() => sqs.destroy());
