// See worker_template.h.
#include "worker_template.h"

#include <cstdio>
#include <cstdlib>

#include "sluice/aws/credentials.h"
#include "sluice/aws/remote_queue_source.h"
#include "sluice/common/defaults.h"
#include "template_import.h"

namespace sluice::cli {

bool add_worker_template(const WorkerOptions& options, Config* config) {
  const char* path = options.template_path.c_str();
  std::string region = !options.region.empty() ? options.region : aws::resolve_region().value_or("");
  if (region.empty()) region = std::string(common::kDefaultRegion);
  const char* account_env = std::getenv("AWS_ACCOUNT_ID");
  const std::string account = !options.account_id.empty() ? options.account_id : account_env ? account_env : "";
  if (account.empty()) {
    std::fprintf(stderr,
                 "sluice worker: template %s: give --account (or AWS_ACCOUNT_ID): the account of the queues the "
                 "template names\n",
                 path);
    return false;
  }
  // What the template's queue URLs and ARNs are made of; a queue URL is at this endpoint.
  const std::string endpoint =
      !options.endpoint_url.empty() ? options.endpoint_url : "https://sqs." + region + ".amazonaws.com";
  TemplateImport imported;
  std::string error;
  if (!import_template(options.template_path, TemplateOptions{account, region, endpoint}, &imported, &error)) {
    std::fprintf(stderr, "sluice worker: template %s: %s\n", path, error.c_str());
    return false;
  }
  for (const auto& skipped : imported.skipped)
    std::fprintf(stderr, "sluice worker: template %s: skipped %s\n", path, skipped.c_str());
  for (const auto& note : imported.notes)
    std::fprintf(stderr, "sluice worker: template %s: left out %s\n", path, note.c_str());
  Config& from = imported.config;
  for (const auto& queue : from.queues)
    std::fprintf(stderr,
                 "sluice worker: template %s: skipped queue %s (AWS::SQS::Queue): sluice worker creates no queues; "
                 "its mappings poll %s/%s/%s, which must exist\n",
                 path, queue.name.c_str(), endpoint.c_str(), account.c_str(), queue.name.c_str());
  for (const auto& topic : from.topics)
    std::fprintf(stderr,
                 "sluice worker: template %s: skipped topic %s (AWS::SNS::Topic, %zu subscriptions): sluice worker "
                 "creates no topics or subscriptions\n",
                 path, topic.name.c_str(), topic.subscriptions.size());
  from.queues.clear();
  from.topics.clear();
  for (auto& mapping : from.mappings) {
    if (!mapping.queue_url.empty()) continue;
    auto url = aws::queue_url_from_arn(mapping.event_source_arn, endpoint);
    if (!url) {
      std::fprintf(stderr, "sluice worker: template %s: not an SQS queue ARN: %s\n", path,
                   mapping.event_source_arn.c_str());
      return false;
    }
    mapping.queue_url = *url;
    mapping.event_source_arn.clear();
  }
  if (!merge_config(std::move(from), config, &error)) {
    std::fprintf(stderr, "sluice worker: template %s: %s\n", path, error.c_str());
    return false;
  }
  return true;
}

}  // namespace sluice::cli
