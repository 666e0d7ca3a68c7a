// AWS SDK for JavaScript v3 (@aws-sdk/client-sns over the Query protocol, with @aws-sdk/client-sqs
// to read deliveries) against a live sluice. SLUICE_ENDPOINT and dummy credentials come from the
// launcher (tests/integration/sluice_server.py).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, PublishBatchCommand, GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand, UnsubscribeCommand, DeleteTopicCommand, GetSubscriptionAttributesCommand,
  NotFoundException, InvalidParameterException, TooManyEntriesInBatchRequestException,
  BatchEntryIdsNotDistinctException, SNSServiceException,
} from '@aws-sdk/client-sns';
import {
  SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';

const ENDPOINT = process.env.SLUICE_ENDPOINT;
assert.ok(ENDPOINT, 'SLUICE_ENDPOINT must be set');
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const REGION = 'us-east-1';

// maxAttempts 1: a server error must surface, not be retried away.
const sns = new SNSClient({ endpoint: ENDPOINT, region: REGION, credentials, maxAttempts: 1 });
const sqs = new SQSClient({ endpoint: ENDPOINT, region: REGION, credentials, maxAttempts: 1 });

const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function createTopic(name, Attributes) {
  return (await sns.send(new CreateTopicCommand({ Name: name, Attributes }))).TopicArn;
}

async function createQueue(name) {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl;
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: attrs.Attributes.QueueArn };
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

async function rejectsWith(promise, cls, check) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${err.name}: ${err.message}`);
    assert.ok(err instanceof SNSServiceException);
    if (check) check(err);
    return true;
  });
}

test('create topic, subscribe a queue, publish, receive the envelope', async () => {
  const name = unique('js-topic');
  const topicArn = await createTopic(name);
  assert.equal(topicArn, `arn:aws:sns:${REGION}:123456789012:${name}`);
  assert.equal(await createTopic(name), topicArn, 'CreateTopic is idempotent');

  const queue = await createQueue(unique('js-sub'));
  const sub = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }));
  assert.ok(sub.SubscriptionArn.startsWith(`${topicArn}:`));
  const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
  assert.deepEqual(listed.Subscriptions.map((s) => [s.Protocol, s.Endpoint, s.SubscriptionArn]),
    [['sqs', queue.arn, sub.SubscriptionArn]]);
  const topicAttrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes;
  assert.equal(topicAttrs.SubscriptionsConfirmed, '1');
  assert.equal(topicAttrs.SubscriptionsPending, '0');

  const published = await sns.send(new PublishCommand({
    TopicArn: topicArn, Message: 'hello from js', Subject: 'greeting',
    MessageAttributes: { colour: { DataType: 'String', StringValue: 'blue' } },
  }));
  assert.match(published.MessageId, UUID);

  const got = await receiveAll(queue.url, 1);
  assert.equal(got.length, 1);
  const envelope = JSON.parse(got[0].Body);
  assert.deepEqual(Object.keys(envelope), ['Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp',
    'SignatureVersion', 'Signature', 'SigningCertURL', 'UnsubscribeURL', 'MessageAttributes']);
  assert.equal(envelope.Type, 'Notification');
  assert.equal(envelope.MessageId, published.MessageId);
  assert.equal(envelope.TopicArn, topicArn);
  assert.equal(envelope.Subject, 'greeting');
  assert.equal(envelope.Message, 'hello from js');
  assert.match(envelope.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(envelope.UnsubscribeURL.endsWith(`?Action=Unsubscribe&SubscriptionArn=${sub.SubscriptionArn}`), true);
  assert.deepEqual(envelope.MessageAttributes, { colour: { Type: 'String', Value: 'blue' } });

  await sns.send(new UnsubscribeCommand({ SubscriptionArn: sub.SubscriptionArn }));
  await rejectsWith(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn })),
    NotFoundException, (err) => {
      assert.equal(err.message, 'Subscription does not exist');
      assert.equal(err.$metadata.httpStatusCode, 404);
    });
  await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
});

test('errors map to the SDK exception classes', async () => {
  const missing = `arn:aws:sns:${REGION}:123456789012:${unique('missing')}`;
  await rejectsWith(sns.send(new PublishCommand({ TopicArn: missing, Message: 'x' })), NotFoundException, (err) => {
    assert.equal(err.name, 'NotFoundException');
    assert.equal(err.message, 'Topic does not exist');
    assert.equal(err.$fault, 'client');
    assert.equal(err.$metadata.httpStatusCode, 404);
  });
  await rejectsWith(sns.send(new GetTopicAttributesCommand({ TopicArn: missing })), NotFoundException);

  const topicArn = await createTopic(unique('js-err'));
  await rejectsWith(sns.send(new PublishCommand({ TopicArn: topicArn, Message: '' })), InvalidParameterException,
    (err) => {
      assert.equal(err.message, 'Invalid parameter: Empty message');
      assert.equal(err.$metadata.httpStatusCode, 400);
    });
  await rejectsWith(sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'test-protocol', Endpoint: 'x' })),
    InvalidParameterException,
    (err) => assert.equal(err.message, 'Invalid parameter: Amazon SNS does not support this protocol string: test-protocol'));
  await rejectsWith(sns.send(new PublishBatchCommand({
    TopicArn: topicArn,
    PublishBatchRequestEntries: Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, Message: 'x' })),
  })), TooManyEntriesInBatchRequestException,
  (err) => assert.equal(err.message, 'The batch request contains more entries than permissible.'));
  await rejectsWith(sns.send(new PublishBatchCommand({
    TopicArn: topicArn,
    PublishBatchRequestEntries: [{ Id: 'same', Message: 'a' }, { Id: 'same', Message: 'b' }],
  })), BatchEntryIdsNotDistinctException,
  (err) => assert.equal(err.message, 'Two or more batch entries in the request have the same Id.'));
});

// AWS checks every entry before publishing any (recorded: a json entry without "default" fails the
// whole call), so an entry's parameter error is an exception, not a Failed entry; Failed stays
// empty when every entry is good.
test('PublishBatch: results per entry, and an invalid entry fails the whole batch', async () => {
  const topicArn = await createTopic(unique('js-batch'));
  const queue = await createQueue(unique('js-batch'));
  await sns.send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: { RawMessageDelivery: 'true' },
  }));
  await rejectsWith(sns.send(new PublishBatchCommand({
    TopicArn: topicArn,
    PublishBatchRequestEntries: [
      { Id: 'ok-1', Message: 'first' },
      { Id: 'no-default', Message: JSON.stringify({ sqs: 'only sqs' }), MessageStructure: 'json' },
    ],
  })), InvalidParameterException,
  (err) => assert.equal(err.message, 'Invalid parameter: Message Structure - No default entry in JSON message body'));
  await rejectsWith(sns.send(new PublishBatchCommand({
    TopicArn: topicArn,
    PublishBatchRequestEntries: [{ Id: 'ok-1', Message: 'first' }, { Id: 'empty-subject', Message: 'x', Subject: '' }],
  })), InvalidParameterException, (err) => assert.equal(err.message, 'Invalid parameter: Subject'));
  assert.deepEqual(await receiveAll(queue.url, 1), [], 'a rejected batch delivers nothing');

  const r = await sns.send(new PublishBatchCommand({
    TopicArn: topicArn,
    PublishBatchRequestEntries: [
      { Id: 'ok-1', Message: 'first' },
      { Id: 'ok-2', Message: 'second', MessageAttributes: { attr1: { DataType: 'Number', StringValue: '19.12' } } },
    ],
  }));
  assert.deepEqual(r.Successful.map((s) => s.Id), ['ok-1', 'ok-2']);
  for (const s of r.Successful) assert.match(s.MessageId, UUID);
  assert.deepEqual(r.Failed ?? [], []);

  const got = await receiveAll(queue.url, 2, { MessageAttributeNames: ['All'] });
  assert.deepEqual(got.map((m) => m.Body).sort(), ['first', 'second']);
  const second = got.find((m) => m.Body === 'second');
  assert.deepEqual(second.MessageAttributes, { attr1: { DataType: 'Number', StringValue: '19.12' } });
  assert.equal(second.MD5OfMessageAttributes, '1f07082409022a373fa2a2601f82b3cb'); // as recorded on AWS
});
