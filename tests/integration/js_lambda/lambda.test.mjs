// AWS SDK for JavaScript v3 (@aws-sdk/client-lambda, REST-JSON) against a live sluice: a function
// from a zip, its waiter, Invoke with a function result and log tail, an event-source mapping that
// drains a queue, and AWS's errors as the SDK's typed exceptions. SLUICE_ENDPOINT and dummy
// credentials come from tests/integration/sluice_server.py; SLUICE_ECHO_ZIP from run_tests.sh.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import {
  LambdaClient, CreateFunctionCommand, GetFunctionCommand, InvokeCommand, ListFunctionsCommand,
  CreateEventSourceMappingCommand, ListEventSourceMappingsCommand, DeleteFunctionCommand,
  waitUntilFunctionActiveV2, ResourceNotFoundException, InvalidParameterValueException, ResourceConflictException,
} from '@aws-sdk/client-lambda';
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';

const ENDPOINT = process.env.SLUICE_ENDPOINT;
assert.ok(ENDPOINT, 'SLUICE_ENDPOINT must be set');
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const lambda = new LambdaClient({ endpoint: ENDPOINT, region: 'us-east-1', credentials, maxAttempts: 1 });
const sqs = new SQSClient({ endpoint: ENDPOINT, region: 'us-east-1', credentials, maxAttempts: 1 });
const zip = readFileSync(process.env.SLUICE_ECHO_ZIP);
const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';
const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function createFunction(name) {
  const created = await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'provided.al2023', Role: ROLE, Handler: 'echo', Code: { ZipFile: zip },
    Environment: { Variables: { ECHO_GREETING: 'js' } },
  }));
  assert.equal(created.State, 'Pending');
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20, minDelay: 1 }, { FunctionName: name });
  return created;
}

test('create from a zip, wait until active, invoke with a log tail', async () => {
  const name = unique('js');
  const created = await createFunction(name);
  assert.equal(created.CodeSize, zip.length);
  const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
  assert.equal(got.Configuration.State, 'Active');
  const answer = await lambda.send(new InvokeCommand({
    FunctionName: name, Payload: new TextEncoder().encode('{"from":"js"}'), LogType: 'Tail',
  }));
  assert.equal(answer.StatusCode, 200);
  assert.equal(answer.FunctionError, undefined);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(answer.Payload)), { from: 'js' });
  assert.match(Buffer.from(answer.LogResult, 'base64').toString(), new RegExp(`js ${name}`));
  const listed = await lambda.send(new ListFunctionsCommand({}));
  assert.ok(listed.Functions.some((f) => f.FunctionName === name));
});

test('an event-source mapping drains its queue', async () => {
  const name = unique('jsesm');
  await createFunction(name);
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: unique('jsq') }))).QueueUrl;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
    .Attributes.QueueArn;
  const mapping = await lambda.send(new CreateEventSourceMappingCommand({
    EventSourceArn: arn, FunctionName: name, BatchSize: 10,
  }));
  assert.equal(mapping.State, 'Creating');
  const listed = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: name }));
  assert.deepEqual(listed.EventSourceMappings.map((m) => m.UUID), [mapping.UUID]);
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'from js' }));
  const deadline = Date.now() + 15000;
  let attrs;
  do {
    await new Promise((r) => setTimeout(r, 100));
    attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes;
  } while ((attrs.ApproximateNumberOfMessages !== '0' || attrs.ApproximateNumberOfMessagesNotVisible !== '0')
           && Date.now() < deadline);
  assert.equal(attrs.ApproximateNumberOfMessages, '0');
  assert.equal(attrs.ApproximateNumberOfMessagesNotVisible, '0');
  await assert.rejects(
    lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn: arn, FunctionName: name })),
    (err) => err instanceof ResourceConflictException);
});

test("AWS's errors arrive as the SDK's exceptions", async () => {
  await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: unique('missing') })),
    (err) => err instanceof ResourceNotFoundException && /^Function not found: arn:aws:lambda:/.test(err.message));
  await assert.rejects(lambda.send(new CreateFunctionCommand({
    FunctionName: unique('bad'), Runtime: 'provided.al2023', Role: ROLE, Handler: 'echo',
    Code: { ZipFile: new TextEncoder().encode('not a zip') },
  })), (err) => err instanceof InvalidParameterValueException
    && err.message === 'Could not unzip uploaded file. Please check your file, then try to upload again.');
  const name = unique('gone');
  await createFunction(name);
  await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: name })),
    (err) => err instanceof ResourceNotFoundException);
});
