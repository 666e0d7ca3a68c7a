// @aws-sdk/client-cloudwatch configured for Smithy RPC v2 CBOR (no released client uses it by
// default: the client's `protocol` is set to the SDK's own AwsSmithyRpcV2CborProtocol, as the SDK's
// protocol tests do) against a live sluice: metrics in, statistics with their timestamps out, an
// alarm's timestamps, and CloudWatch's errors in the protocol's shape.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CloudWatchClient, PutMetricDataCommand, GetMetricStatisticsCommand, PutMetricAlarmCommand, DescribeAlarmsCommand,
  DeleteAlarmsCommand, InvalidParameterValueException, ResourceNotFound,
} from '@aws-sdk/client-cloudwatch';
import { AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';

const ENDPOINT = process.env.SLUICE_ENDPOINT;
assert.ok(ENDPOINT, 'SLUICE_ENDPOINT must be set');
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const cw = new CloudWatchClient({
  endpoint: ENDPOINT, region: 'us-east-1', credentials, maxAttempts: 1, protocol: AwsSmithyRpcV2CborProtocol,
});
// What went over the wire: each request's path and protocol headers, each answer's protocol header.
const sent = [];
cw.middlewareStack.add((next) => async (args) => {
  const result = await next(args);
  sent.push({
    path: args.request.path, protocol: args.request.headers['smithy-protocol'],
    contentType: args.request.headers['content-type'], answered: result.response.headers['smithy-protocol'],
  });
  return result;
}, { step: 'finalizeRequest', name: 'recordWire' });
const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;

test('metrics in and statistics out over CBOR, timestamps as dates', async () => {
  const ns = unique('Cbor');
  await cw.send(new PutMetricDataCommand({
    Namespace: ns,
    MetricData: [
      { MetricName: 'Latency', Value: 12.5, Unit: 'Milliseconds', Dimensions: [{ Name: 'Api', Value: 'orders' }] },
      { MetricName: 'Latency', Values: [20, 30], Counts: [1, 2], Unit: 'Milliseconds',
        Dimensions: [{ Name: 'Api', Value: 'orders' }], Timestamp: new Date() },
    ],
  }));
  assert.deepEqual(sent.at(-1), {
    path: '/service/GraniteServiceVersion20100801/operation/PutMetricData', protocol: 'rpc-v2-cbor',
    contentType: 'application/cbor', answered: 'rpc-v2-cbor',
  });
  const now = Date.now();
  const stats = await cw.send(new GetMetricStatisticsCommand({
    Namespace: ns, MetricName: 'Latency', Dimensions: [{ Name: 'Api', Value: 'orders' }],
    StartTime: new Date(now - 10 * 60_000), EndTime: new Date(now + 5 * 60_000), Period: 900,
    Statistics: ['SampleCount', 'Sum', 'Maximum'], ExtendedStatistics: ['p50'],
  }));
  assert.equal(stats.Label, 'Latency');
  assert.equal(stats.Datapoints.length, 1);
  const [point] = stats.Datapoints;
  assert.equal(point.SampleCount, 4);
  assert.equal(point.Sum, 92.5);
  assert.equal(point.Maximum, 30);
  assert.equal(point.ExtendedStatistics.p50, 20);
  assert.equal(point.Unit, 'Milliseconds');
  assert.ok(point.Timestamp instanceof Date);
  assert.ok(Math.abs(point.Timestamp.getTime() - now) < 20 * 60_000, String(point.Timestamp));
});

test("an alarm's timestamps and CloudWatch's errors over CBOR", async () => {
  const name = unique('cbor-alarm');
  await cw.send(new PutMetricAlarmCommand({
    AlarmName: name, Namespace: 'Cbor', MetricName: 'Errors', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1,
    Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  }));
  const described = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  assert.equal(described.MetricAlarms.length, 1);
  const [alarm] = described.MetricAlarms;
  assert.equal(alarm.AlarmName, name);
  assert.equal(alarm.Threshold, 1);
  assert.ok(alarm.StateUpdatedTimestamp instanceof Date);
  assert.ok(alarm.AlarmConfigurationUpdatedTimestamp instanceof Date);
  await cw.send(new DeleteAlarmsCommand({ AlarmNames: [name] }));

  await assert.rejects(
    cw.send(new PutMetricDataCommand({ Namespace: 'AWS/Lambda', MetricData: [{ MetricName: 'X', Value: 1 }] })),
    (err) => {
      assert.ok(err instanceof InvalidParameterValueException, err.name);
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, 'The value AWS/ for parameter Namespace is invalid.');
      return true;
    });
  await assert.rejects(
    cw.send(new DeleteAlarmsCommand({ AlarmNames: [unique('missing')] })),
    (err) => {
      assert.ok(err instanceof ResourceNotFound, err.name);
      assert.equal(err.$metadata.httpStatusCode, 404);
      return true;
    });
});
