// AWS SDK for JavaScript v3 (@aws-sdk/client-cloudwatch over JSON 1.0) against a live sluice:
// custom metrics and statistics, metric math, an alarm set by hand, history, tags and errors.
// SLUICE_ENDPOINT and dummy credentials come from the launcher (tests/integration/sluice_server.py).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CloudWatchClient, PutMetricDataCommand, GetMetricStatisticsCommand, GetMetricDataCommand, ListMetricsCommand,
  PutMetricAlarmCommand, DescribeAlarmsCommand, SetAlarmStateCommand, DescribeAlarmHistoryCommand,
  DeleteAlarmsCommand, TagResourceCommand, ListTagsForResourceCommand, InvalidParameterValueException,
  ResourceNotFound,
} from '@aws-sdk/client-cloudwatch';

const ENDPOINT = process.env.SLUICE_ENDPOINT;
assert.ok(ENDPOINT, 'SLUICE_ENDPOINT must be set');
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
// maxAttempts 1: a server error must surface, not be retried away.
const cw = new CloudWatchClient({ endpoint: ENDPOINT, region: 'us-east-1', credentials, maxAttempts: 1 });
const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;

test('metrics in, statistics and metric math out', async () => {
  const ns = unique('Js');
  await cw.send(new PutMetricDataCommand({
    Namespace: ns,
    MetricData: [
      { MetricName: 'Bytes', Value: 300, Unit: 'Bytes', Dimensions: [{ Name: 'Host', Value: 'a' }] },
      { MetricName: 'Bytes', Value: 100, Unit: 'Bytes', Dimensions: [{ Name: 'Host', Value: 'a' }] },
      { MetricName: 'Calls', Value: 4, Unit: 'Count' },
    ],
  }));
  const now = Date.now();
  const StartTime = new Date(now - 10 * 60_000);
  const EndTime = new Date(now + 5 * 60_000);
  const stats = await cw.send(new GetMetricStatisticsCommand({
    Namespace: ns, MetricName: 'Bytes', Dimensions: [{ Name: 'Host', Value: 'a' }], StartTime, EndTime,
    Period: 900, Statistics: ['Sum', 'Maximum'],
  }));
  assert.equal(stats.Label, 'Bytes');
  assert.equal(stats.Datapoints.length, 1);
  assert.equal(stats.Datapoints[0].Sum, 400);
  assert.equal(stats.Datapoints[0].Maximum, 300);
  assert.equal(stats.Datapoints[0].Unit, 'Bytes');
  assert.ok(stats.Datapoints[0].Timestamp instanceof Date);

  const data = await cw.send(new GetMetricDataCommand({
    StartTime, EndTime,
    MetricDataQueries: [
      { Id: 'b', MetricStat: { Metric: { Namespace: ns, MetricName: 'Bytes', Dimensions: [{ Name: 'Host', Value: 'a' }] }, Period: 900, Stat: 'Sum' }, ReturnData: false },
      { Id: 'c', MetricStat: { Metric: { Namespace: ns, MetricName: 'Calls' }, Period: 900, Stat: 'Sum' }, ReturnData: false },
      { Id: 'per_call', Expression: 'b / c', Label: 'BytesPerCall' },
    ],
  }));
  assert.equal(data.MetricDataResults.length, 1);
  assert.equal(data.MetricDataResults[0].Label, 'BytesPerCall');
  assert.deepEqual(data.MetricDataResults[0].Values, [100]);

  const listed = await cw.send(new ListMetricsCommand({ Namespace: ns }));
  assert.deepEqual(listed.Metrics.map((m) => m.MetricName).sort(), ['Bytes', 'Calls']);
});

test('an alarm set by hand, its history and tags', async () => {
  const name = unique('js-alarm');
  await cw.send(new PutMetricAlarmCommand({
    AlarmName: name, Namespace: 'Js', MetricName: 'Calls', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1,
    Threshold: 10, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'ignore',
    Tags: [{ Key: 'team', Value: 'js' }],
  }));
  await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'drill' }));
  const described = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  assert.equal(described.MetricAlarms.length, 1);
  const alarm = described.MetricAlarms[0];
  assert.equal(alarm.StateValue, 'ALARM');
  assert.equal(alarm.Threshold, 10);
  assert.ok(alarm.StateUpdatedTimestamp instanceof Date);
  const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: name }));
  assert.deepEqual(history.AlarmHistoryItems.map((h) => h.HistoryItemType), ['StateUpdate', 'ConfigurationUpdate']);
  await cw.send(new TagResourceCommand({ ResourceARN: alarm.AlarmArn, Tags: [{ Key: 'env', Value: 'dev' }] }));
  const tags = await cw.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }));
  assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'js' }, { Key: 'env', Value: 'dev' }]);
  await cw.send(new DeleteAlarmsCommand({ AlarmNames: [name] }));
});

test('errors come back as the modeled exceptions', async () => {
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
