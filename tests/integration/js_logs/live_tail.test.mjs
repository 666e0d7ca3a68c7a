// AWS SDK for JavaScript v3 (@aws-sdk/client-cloudwatch-logs) against a live sluice: StartLiveTail's
// event stream over HTTP/1.1 (the SDK's default handler), read as async iteration while events are
// put. The operation's host prefix is turned off (disableHostPrefix), as with any endpoint override.
// SLUICE_ENDPOINT and dummy credentials come from the launcher (tests/integration/sluice_server.py).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand, StartLiveTailCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';

const ENDPOINT = process.env.SLUICE_ENDPOINT;
assert.ok(ENDPOINT, 'SLUICE_ENDPOINT must be set');
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const logs = new CloudWatchLogsClient({
  endpoint: ENDPOINT, region: 'us-east-1', credentials, maxAttempts: 1, disableHostPrefix: true,
});
const WAIT_MS = 20_000;

test('a live tail streams the matching events put while it runs', async () => {
  const group = `/live/js-${randomUUID().slice(0, 8)}`;
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'web' }));
  const arn = `arn:aws:logs:us-east-1:000000000000:log-group:${group}`;
  const abort = new AbortController();
  const answer = await logs.send(
    new StartLiveTailCommand({ logGroupIdentifiers: [arn], logEventFilterPattern: '{ $.level = "error" }' }),
    { abortSignal: abort.signal });
  const timer = setTimeout(() => abort.abort(), WAIT_MS);
  const seen = [];
  let started = null;
  let updates = 0;
  try {
    for await (const event of answer.responseStream) {
      if (event.sessionStart) {
        started = event.sessionStart;
        const now = Date.now();
        await logs.send(new PutLogEventsCommand({
          logGroupName: group, logStreamName: 'web',
          logEvents: [
            { timestamp: now, message: '{"level":"info","msg":"fine"}' },
            { timestamp: now + 1, message: '{"level":"error","msg":"broken"}' },
          ],
        }));
      } else if (event.sessionUpdate) {
        updates += 1;
        assert.equal(event.sessionUpdate.sessionMetadata.sampled, false);
        seen.push(...event.sessionUpdate.sessionResults);
        if (seen.length > 0) break;
      }
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  assert.ok(started, 'sessionStart first');
  assert.deepEqual(started.logGroupIdentifiers, [arn]);
  assert.equal(started.logEventFilterPattern, '{ $.level = "error" }');
  assert.ok(updates >= 1);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].message, '{"level":"error","msg":"broken"}');
  assert.equal(seen[0].logStreamName, 'web');
  assert.equal(seen[0].logGroupIdentifier, arn);
});

test('a live tail on a log group that does not exist is ResourceNotFoundException', async () => {
  await assert.rejects(
    logs.send(new StartLiveTailCommand({ logGroupIdentifiers: ['/live/none-such'] })),
    (e) => e instanceof ResourceNotFoundException && e.message === 'The specified log group does not exist.');
});
