// The web console at /_sluice/ in a real headless Chromium (Debian's chromium driven by
// playwright-core) against a live sluice: every page loads, a message sent from the page shows in
// the depth, a peek leaves the message visible to a later ReceiveMessage with its receive count
// unchanged, a redrive from the page empties a dead-letter queue, a POST without the session token
// (or from a foreign origin) is refused, the controls are labelled and reachable by keyboard, and
// the pages fit a phone's width; a function's recent invocations are read from its log in Lambda's
// JSON log format too. A screenshot of each page at 1280×800 and at 375 px wide is kept
// in SLUICE_CONSOLE_ARTIFACTS. SLUICE_ENDPOINT comes from tests/integration/sluice_server.py.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import {
  SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, GetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { SNSClient, CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';

const ENDPOINT = process.env.SLUICE_ENDPOINT;
assert.ok(ENDPOINT, 'SLUICE_ENDPOINT must be set');
const ARTIFACTS = process.env.SLUICE_CONSOLE_ARTIFACTS || join(process.cwd(), 'console-screenshots');
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const sqs = new SQSClient({ endpoint: ENDPOINT, region: 'us-east-1', credentials, maxAttempts: 1 });
const sns = new SNSClient({ endpoint: ENDPOINT, region: 'us-east-1', credentials, maxAttempts: 1 });
const CONSOLE = `${ENDPOINT}/_sluice/`;
const WAIT_MS = 15000;  // generous: the machine may be loaded; every wait is for a condition

const suffix = randomUUID().slice(0, 8);
const names = { queue: `orders-${suffix}`, dlq: `orders-dlq-${suffix}`, topic: `events-${suffix}` };
const urls = {};
let browser;

async function depth(url, attribute = 'ApproximateNumberOfMessages') {
  const r = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [attribute] }));
  return Number(r.Attributes[attribute]);
}

async function newPage(width = 1280, height = 800) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.errors = errors;
  return page;
}

async function shoot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  urls.dlq = (await sqs.send(new CreateQueueCommand({ QueueName: names.dlq }))).QueueUrl;
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: urls.dlq, AttributeNames: ['QueueArn'] }));
  urls.queue = (await sqs.send(new CreateQueueCommand({
    QueueName: names.queue,
    Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: attributes.Attributes.QueueArn, maxReceiveCount: 1 }) },
  }))).QueueUrl;
  const topic = await sns.send(new CreateTopicCommand({ Name: names.topic }));
  await sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: attributes.Attributes.QueueArn }));
  browser = await chromium.launch({
    executablePath: process.env.SLUICE_CHROMIUM,
    // No sandbox: the tests may run as root in a container, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  await browser?.close();
  sqs.destroy();
  sns.destroy();
});

test('every page loads at desktop and phone width, fits the phone, and is screenshotted', async () => {
  // Each page, its heading, and what shows once its data has arrived.
  const pages = [
    ['queues', '#/queues', 'Queues', `#queues-live a:text-is("${names.queue}")`],
    ['queue', `#/queue/${names.queue}`, names.queue, '#depth-visible'],
    ['topics', '#/topics', 'Topics', `#topics-live h2:text-is("${names.topic}")`],
    ['functions', '#/functions', 'Functions', '#mappings-live > *'],
    ['alarms', '#/alarms', 'Alarms', '#alarms-live > *'],
  ];
  for (const [width, label] of [[1280, 'desktop'], [375, 'phone']]) {
    const page = await newPage(width, 800);
    for (const [name, hash, heading, ready] of pages) {
      await page.goto(CONSOLE + hash);
      await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor({ timeout: WAIT_MS });
      await page.locator(ready).first().waitFor({ timeout: WAIT_MS });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name} is ${overflow}px wider than a ${width}px window`);
      await shoot(page, `${name}-${label}`);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

// CloudWatch Logs' JSON 1.1 protocol, unsigned (the server runs without --auth).
async function logsCall(operation, input) {
  const r = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `Logs_20140328.${operation}` },
    body: JSON.stringify(input),
  });
  assert.equal(r.status, 200, `${operation}: ${await r.text()}`);
}

test('recent invocations show in the JSON log format, with their REPORT line', async () => {
  // An invocation as the runtime logs it with --log-format json (Lambda's JSON log format).
  const fn = `json-${suffix}`;
  const group = `/aws/lambda/${fn}`;
  const stream = '2026/12/07/[$LATEST]0123456789abcdef0123456789abcdef';
  const now = Date.now();
  const time = new Date(now).toISOString();
  const system = (type, record) => JSON.stringify({ time, type, functionName: fn, record });
  await logsCall('CreateLogGroup', { logGroupName: group });
  await logsCall('CreateLogStream', { logGroupName: group, logStreamName: stream });
  await logsCall('PutLogEvents', {
    logGroupName: group, logStreamName: stream, logEvents: [
      { timestamp: now, message: system('platform.start', { requestId: 'req-json-1', version: '$LATEST' }) },
      { timestamp: now, message: JSON.stringify({ timestamp: time, level: 'INFO', message: 'hello from json', requestId: 'req-json-1' }) },
      { timestamp: now, message: system('platform.runtimeDone', { requestId: 'req-json-1', status: 'success', metrics: { durationMs: 3.5 } }) },
      { timestamp: now, message: system('platform.report', { requestId: 'req-json-1', status: 'success',
        metrics: { durationMs: 3.5, billedDurationMs: 4, memorySizeMB: 128, maxMemoryUsedMB: 20 } }) },
    ],
  });
  const page = await newPage();
  await page.goto(`${CONSOLE}#/function/${fn}`);
  const summary = page.locator('#invocations-live summary').first();
  await summary.waitFor({ timeout: WAIT_MS });
  assert.match(await summary.innerText(), /REPORT RequestId: req-json-1\s+Duration: 3\.50 ms\s+Billed Duration: 4 ms/);
  await summary.click();
  await page.locator('#invocations-live pre', { hasText: 'hello from json' }).waitFor({ timeout: WAIT_MS });
  await shoot(page, 'function-json-log-desktop');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a message sent from the page shows in the depth; the peek leaves it visible with its receive count', async () => {
  const page = await newPage();
  await page.goto(`${CONSOLE}#/queue/${names.queue}`);
  await page.locator('#depth-visible', { hasText: /^0$/ }).waitFor({ timeout: WAIT_MS });
  await page.getByLabel('Message body').fill('order 42 from the console');
  await page.getByRole('button', { name: 'Send message' }).click();
  await page.locator('#send-result', { hasText: 'Sent message' }).waitFor({ timeout: WAIT_MS });
  await page.locator('#depth-visible', { hasText: /^1$/ }).waitFor({ timeout: WAIT_MS });
  assert.equal(await depth(urls.queue), 1);

  // The peek shows it; let the page poll (and so peek) a few more times.
  const row = page.locator('#queue-messages tbody tr');
  await row.filter({ hasText: 'order 42 from the console' }).waitFor({ timeout: WAIT_MS });
  const updates = new Set();
  while (updates.size < 2) {
    updates.add(await page.locator('#live').textContent());
    await page.waitForTimeout(300);
  }
  assert.match(await row.first().textContent(), /visible/);
  await page.context().close();

  const received = await sqs.send(new ReceiveMessageCommand({
    QueueUrl: urls.queue, MaxNumberOfMessages: 1, AttributeNames: ['ApproximateReceiveCount'], VisibilityTimeout: 0,
  }));
  assert.equal(received.Messages?.length, 1, 'the peeked message is still there to receive');
  assert.equal(received.Messages[0].Body, 'order 42 from the console');
  assert.equal(received.Messages[0].Attributes.ApproximateReceiveCount, '1');
});

test('a redrive started from the dead-letter queue page moves its messages back', async () => {
  // The message above was received once (maxReceiveCount 1): the next receive moves it to the DLQ.
  const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: urls.queue, WaitTimeSeconds: 0 }));
  assert.equal(again.Messages, undefined);
  assert.equal(await depth(urls.dlq), 1);

  const page = await newPage();
  await page.goto(`${CONSOLE}#/queue/${names.dlq}`);
  await page.locator('#depth-visible', { hasText: /^1$/ }).waitFor({ timeout: WAIT_MS });
  await page.locator('#queue-messages', { hasText: 'order 42 from the console' }).waitFor({ timeout: WAIT_MS });
  await shoot(page, 'dead-letter-queue-desktop');
  await page.getByRole('button', { name: 'Start redrive to source queues' }).click();
  await page.locator('#redrive-result', { hasText: 'Redrive started' }).waitFor({ timeout: WAIT_MS });
  await page.locator('#depth-visible', { hasText: /^0$/ }).waitFor({ timeout: WAIT_MS });
  await page.locator('#move-tasks', { hasText: 'COMPLETED' }).waitFor({ timeout: WAIT_MS });
  await page.context().close();
  assert.equal(await depth(urls.dlq), 0);
  assert.equal(await depth(urls.queue), 1);
});

test('a POST without the session token, or from a foreign origin, is refused', async () => {
  const page = await newPage();
  await page.goto(CONSOLE);
  const answer = await page.evaluate(async (queue) => {
    const r = await fetch('/_sluice/console/api/send', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ queue, body: 'x' }),
    });
    return { status: r.status, body: await r.json() };
  }, names.queue);
  assert.equal(answer.status, 403);
  assert.match(answer.body.message, /session token/);
  const forged = await page.evaluate(async (queue) => {
    const r = await fetch('/_sluice/console/api/purge', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Sluice-Console-Token': 'a'.repeat(32) + '.' + 'b'.repeat(32) },
      body: JSON.stringify({ queue }),
    });
    return r.status;
  }, names.queue);
  assert.equal(forged, 403);
  await page.context().close();

  // A page of another origin: the front door refuses the unsigned request before the console sees it.
  const token = (await (await fetch(CONSOLE)).text()).match(/name="sluice-console-token" content="([^"]+)"/)[1];
  const foreign = await fetch(`${ENDPOINT}/_sluice/console/api/purge`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Sluice-Console-Token': token, Origin: 'http://evil.example' },
    body: JSON.stringify({ queue: names.queue }),
  });
  assert.equal(foreign.status, 403);
  assert.equal(await depth(urls.queue), 1, 'nothing was purged');
});

test('controls are labelled and reachable with the keyboard', async () => {
  const page = await newPage();
  await page.goto(`${CONSOLE}#/queue/${names.queue}`);
  await page.locator('#depth-visible').waitFor({ timeout: WAIT_MS });
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, textarea, select, button')]
    .filter((el) => !el.hidden && el.offsetParent !== null)
    .filter((el) => (el.labels?.length ?? 0) === 0 && !el.textContent.trim() && !el.getAttribute('aria-label'))
    .map((el) => el.outerHTML));
  assert.deepEqual(unlabelled, []);
  // A standard queue's form has no FIFO fields.
  assert.equal(await page.locator('#send-group').isVisible(), false);
  const reached = new Set();
  for (let i = 0; i < 40 && !reached.has('send-button'); ++i) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim()));
  }
  for (const stop of ['Queues', 'Topics', 'send-body', 'send-delay', 'send-button']) assert.ok(reached.has(stop), `Tab never reached ${stop}`);
  await page.context().close();
});
