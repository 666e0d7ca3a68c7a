#pragma once
// POST /_sluice/reset's part in CloudWatch's metrics. Kept apart from metrics.h, the interface
// every producer and reader of the registry includes, since only a reset empties series.

#include <cstddef>
#include <string_view>

#include "sluice/metrics/metrics.h"

namespace sluice::metrics {

// Every series of the account and region loses its data, custom (PutMetricData) and emitted
// alike. A series nobody else holds goes; one a producer holds (a queue's meter) stays, empty,
// and is left out of Registry::list() and snapshot() until it is given data again. Returns how
// many series had data. With a data directory, call MetricsStore::reset instead, which calls this
// and deletes the rows. Thread-safe.
size_t reset_metrics(Registry& registry, std::string_view account_id, std::string_view region);

}  // namespace sluice::metrics
