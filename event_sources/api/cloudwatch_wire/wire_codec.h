#pragma once
// CloudWatch's two wire forms around one set of actions (internal). Every action reads a JSON
// input object and writes a JSON result object:
// - JSON 1.0 requests are that object already; results are serialized as they are.
// - Query requests are turned into the same object from the form: CloudWatch's Query lists are
//   wrapped ("Dimensions.member.1.Name"), so "member.N" becomes the N-th array element and every
//   other name part an object key; values stay strings, which the readers (input.h) accept for
//   numbers, booleans and timestamps. Results become XML the same way back: an object's members are
//   elements, an array's elements are <member> elements, and the one map of the answers
//   (ExtendedStatistics) is <entry><key/><value/></entry> elements.

#include <boost/json.hpp>

#include <string>

#include "sluice/api/query/query.h"
#include "sluice/common/aws_error.h"

namespace sluice::api::cloudwatch_wire::detail {

boost::json::object form_to_object(const query::FormParams& params);
// The result object as the body of <ActionResult>.
std::string object_to_xml(const boost::json::object& result);

}  // namespace sluice::api::cloudwatch_wire::detail
