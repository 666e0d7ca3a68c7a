#pragma once
// The one description of the configuration file: every object the loader reads, its fields, their
// types and what they mean. The loader checks each object's fields against it (check_fields), and
// docs/config-reference.md is generated from it (config_reference_markdown), so the page cannot
// list a field the loader refuses or miss one it accepts; a test compares the checked-in page with
// the generated one.

#include <boost/json/fwd.hpp>

#include <span>
#include <string>
#include <string_view>

namespace sluice::cli {

struct FieldSchema {
  std::string_view name;
  std::string_view type;  // as the page shows it: "string", "integer", "array of queue objects", ...
  bool required;
  std::string_view description;
};

struct ObjectSchema {
  std::string_view key;    // the object's place, as the loader names it: "queues[]", "sns.Topics[]"
  std::string_view title;  // its heading on the page
  std::string_view description;
  std::span<const FieldSchema> fields;
};

// In the page's order; the first is the file's top level.
std::span<const ObjectSchema> config_schema();

// Throws ConfigError naming path.FIELD for a field that the object at `key` does not have. An
// unknown key is a programming error (aborts).
void check_fields(const boost::json::object& object, std::string_view key, const std::string& path);

// Flags of `sluice up` that shape the server itself rather than what it serves (its loops, what a
// commit survives). Their help texts in the usage text (up_flags.cpp) and the page's last section
// come from this one table.
struct FlagSchema {
  std::string_view name;           // "--loops"
  std::string_view value;          // "N"
  std::string_view default_value;  // as the usage text shows it
  std::string_view description;
};
std::span<const FlagSchema> server_flags();
// The row of `name` ("--loops"). An unknown name is a programming error (aborts).
const FlagSchema& server_flag(std::string_view name);

// docs/config-reference.md.
std::string config_reference_markdown();

}  // namespace sluice::cli
