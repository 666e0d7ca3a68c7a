// See reset_stores.h.
#include "reset_stores.h"

#include <vector>

namespace sluice::cli {
namespace {

size_t entity_count(const identity::IamAccount& account) {
  return account.users.size() + account.groups.size() + account.roles.size() + account.policies.size() +
         account.instance_profiles.size();
}

}  // namespace

common::Outcome<size_t> reset_iam(identity::Directory& directory, const std::string& account_id,
                                  const identity::IamAccount& declared) {
  size_t before = 0;
  common::Status changed = directory.change_iam(account_id, [&](identity::IamAccount& account) -> common::Status {
    before = entity_count(account);
    account = declared;
    account.account_id = account_id;
    return common::ok_status();
  });
  if (!changed) return changed.error();
  const size_t kept = entity_count(declared);
  size_t removed = before > kept ? before - kept : 0;
  for (const identity::OidcProvider& provider : directory.oidc_providers(account_id)) {
    if (common::Status gone = directory.remove_oidc_provider(provider.arn); !gone) return gone.error();
    ++removed;
  }
  return removed;
}

common::Outcome<size_t> reset_log_groups(logs::LogStore& logs) {
  size_t removed = 0;
  for (;;) {  // each pass deletes the first page, until none is left
    auto page = logs.describe_groups(logs::GroupQuery{});
    if (!page) return page.error();
    if (page->groups.empty()) return removed;
    for (const logs::LogGroup& group : page->groups) {
      if (common::Status deleted = logs.delete_group(group.name); !deleted) return deleted.error();
      ++removed;
    }
  }
}

common::Outcome<size_t> reset_alarms(cloudwatch::Alarms& alarms, const std::string& account_id,
                                     const std::string& region) {
  std::vector<std::string> names;
  for (const cloudwatch::MetricAlarm& alarm : alarms.describe_alarms(account_id, region, {}))
    names.push_back(alarm.name);
  if (names.empty()) return size_t{0};
  if (common::Status deleted = alarms.delete_alarms(account_id, region, names); !deleted) return deleted.error();
  return names.size();
}

}  // namespace sluice::cli
