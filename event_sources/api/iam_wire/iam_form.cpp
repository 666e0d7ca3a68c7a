// Reading IAM's Query forms: scalars, "<Name>.member.N" lists and "<Name>.member.N.Key/Value" tags.

#include "iam_actions.h"
#include "sluice/api/query/query.h"

namespace sluice::api::iam_wire::detail {

const std::string_view* form_value(const server::Call& call, std::string_view name) {
  const std::string_view* found = nullptr;
  for (const auto& [key, value] : call.form) {
    if (key == name) found = &value;
  }
  return found;
}

std::vector<std::string> form_list(const server::Call& call, std::string_view name) {
  const std::vector<query::FormParam> root = query::form_root(call.form.params());
  const std::vector<query::FormParam> members = query::form_below(query::form_below(root, name), "member");
  std::vector<std::string> out;
  for (const query::FormGroup& group : query::form_groups(members).groups) {
    if (group.bare != nullptr) out.emplace_back(call.form[group.bare->index].second);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> form_tags(const server::Call& call, std::string_view name) {
  const std::vector<query::FormParam> root = query::form_root(call.form.params());
  const std::vector<query::FormParam> members = query::form_below(query::form_below(root, name), "member");
  const query::FormGroups groups = query::form_groups(members);
  std::vector<std::pair<std::string, std::string>> out;
  for (const query::FormGroup& group : groups.groups) {
    const query::FormParam* key = query::form_member(group.below, "Key");
    const query::FormParam* value = query::form_member(group.below, "Value");
    if (key == nullptr) continue;
    out.emplace_back(std::string(call.form[key->index].second),
                     value != nullptr ? std::string(call.form[value->index].second) : std::string());
  }
  return out;
}

}  // namespace sluice::api::iam_wire::detail
