// Principals and their names. Unique ids are derived from the ARN (a hash in AWS's id alphabet)
// instead of stored, so a user or role keeps its id across restarts without a table.

#include "sluice/identity/principal.h"

#include "sluice/common/crypto.h"

namespace sluice::identity {

std::string unique_id(std::string_view prefix, std::string_view arn) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const std::string digest = common::sha256_raw(arn);
  std::string out(prefix);
  for (size_t i = 0; out.size() < 21; ++i) out.push_back(kAlphabet[static_cast<unsigned char>(digest[i]) % 32]);
  return out;
}

Principal root_principal(std::string_view account_id) {
  Principal p;
  p.kind = Principal::Kind::Root;
  p.account_id = std::string(account_id);
  p.arn = "arn:aws:iam::" + p.account_id + ":root";
  p.user_id = p.account_id;
  return p;
}

Principal user_principal(std::string_view account_id, std::string_view user_name, std::string_view path) {
  Principal p;
  p.kind = Principal::Kind::User;
  p.account_id = std::string(account_id);
  p.name = std::string(user_name);
  const std::string prefix = "arn:aws:iam::" + p.account_id + ":user";
  p.arn = prefix + std::string(path) + p.name;
  p.user_id = unique_id("AIDA", prefix + "/" + p.name);
  return p;
}

std::string role_arn(std::string_view account_id, std::string_view role_name) {
  return "arn:aws:iam::" + std::string(account_id) + ":role/" + std::string(role_name);
}

Principal assumed_role_principal(std::string_view account_id, std::string_view role_name,
                                 std::string_view session_name) {
  Principal p;
  p.kind = Principal::Kind::AssumedRole;
  p.account_id = std::string(account_id);
  p.name = std::string(role_name);
  p.session_name = std::string(session_name);
  p.arn = "arn:aws:sts::" + p.account_id + ":assumed-role/" + p.name + "/" + p.session_name;
  p.user_id = unique_id("AROA", role_arn(account_id, role_name)) + ":" + p.session_name;
  return p;
}

}  // namespace sluice::identity
