#pragma once
// FilterCriteria of an SQS event-source mapping: EventBridge event patterns applied to the record
// Lambda would deliver (messageId, body, attributes, messageAttributes in the event's camelCase
// shape, md5OfBody, eventSource, eventSourceARN, awsRegion).
//
// A pattern is a JSON object. A key whose value is an object descends into that field (AND over
// keys); a key whose value is an array lists alternatives for that field (OR): literal strings,
// numbers, booleans and null, or one-key objects: prefix, suffix, equals-ignore-case,
// anything-but (a value, a list, or {"prefix":...}), numeric ([op, n] or [>/>=, n, </<=, m] with
// ops = < <= > >=), exists. A field that holds an array matches when any element matches.
// Numbers are equal only when written the same way (Lambda compares their string form); numeric
// ranges compare values. Filters are OR-ed: a record is kept when any pattern matches.
//
// body: with an object pattern the body must be a JSON object and the pattern addresses its
// fields; with an array pattern the body is matched as a plain string and a JSON body does not
// match. Either mismatch of formats drops the record, as Lambda documents.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json_text.h"
#include "sluice/sqs/engine.h"

namespace sluice::esm::detail {

struct PatternField;

class FilterSet {
 public:
  // nullopt when any pattern is not a valid event pattern ("Invalid filter pattern definition.").
  static std::optional<FilterSet> compile(const std::vector<std::string>& patterns);

  bool empty() const { return patterns_.empty(); }
  // true when the set is empty or any pattern matches the record of this message.
  bool matches(const sqs::ReceivedMessage& message, std::string_view event_source_arn, std::string_view region) const;

  FilterSet();
  ~FilterSet();
  FilterSet(FilterSet&&) noexcept;
  FilterSet& operator=(FilterSet&&) noexcept;

 private:
  std::vector<std::vector<PatternField>> patterns_;
};

}  // namespace sluice::esm::detail
