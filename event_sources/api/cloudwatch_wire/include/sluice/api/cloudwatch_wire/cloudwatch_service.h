#pragma once
// CloudWatch on the front door: Amazon CloudWatch's metrics and alarms API (Version 2010-08-01)
// over the metrics store and the alarms. The front door routes a request here when its SigV4
// scope names "monitoring", its X-Amz-Target starts "GraniteServiceVersion20100801." (JSON 1.0:
// boto3 from botocore 1.42.7 on, the AWS CLI v1 1.45, the JS SDK v3), its path is
// /service/GraniteServiceVersion20100801/operation/<Op> (Smithy RPC v2 CBOR, with a
// smithy-protocol header) or its Query Version is 2010-08-01 (boto3 1.26, the Debian AWS CLI v2).
//
// Actions: PutMetricData, GetMetricStatistics, GetMetricData, ListMetrics, PutMetricAlarm,
// DescribeAlarms, DescribeAlarmsForMetric, DescribeAlarmHistory, DeleteAlarms, SetAlarmState,
// EnableAlarmActions, DisableAlarmActions, TagResource, UntagResource, ListTagsForResource. See
// the README's table for what each leaves out (composite alarms, alarms on metric math, anomaly
// detection, dashboards, metric streams).
//
// Calls run on the front door's workers: alarm changes write the alarms' store and SetAlarmState
// may publish to SNS. The registry and the alarms must outlive the service.

#include <memory>

#include "sluice/api/server/server.h"
#include "sluice/cloudwatch/alarms.h"
#include "sluice/metrics/metrics.h"

namespace sluice::api::cloudwatch_wire {

struct CloudWatchOptions {
  std::shared_ptr<metrics::Registry> registry;  // required
  std::shared_ptr<cloudwatch::Alarms> alarms;   // required
};

std::shared_ptr<server::Service> make_cloudwatch_service(CloudWatchOptions options);

}  // namespace sluice::api::cloudwatch_wire
