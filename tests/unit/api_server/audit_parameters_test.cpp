// A Query request's parameters as the audit trail records them: in the shape of the operation's
// JSON form, read by the action's model when the service has one and by the Query protocol's
// conventions (member lists, entry maps, nested structures) otherwise.

#include "audit_parameters.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

using namespace sluice::api;
using sluice::api::server::detail::query_request_parameters;

namespace {

boost::json::value parsed(const std::string& text) { return boost::json::parse(text); }

// A model of one action: CreateQueue's QueueName and its flattened Attribute.N.Name/Value map.
constexpr query::Shape kString{query::Kind::String};
constexpr query::Shape kAttributes{query::Kind::Map, {}, &kString, "Name", "Value"};
constexpr query::Member kCreateQueueMembers[] = {{"QueueName", "QueueName", &kString},
                                                 {"Attributes", "Attribute", &kAttributes}};
constexpr query::Shape kCreateQueueRequest{query::Kind::Struct, kCreateQueueMembers};
constexpr query::ActionSpec kCreateQueue{"CreateQueue", &kCreateQueueRequest, nullptr};

}  // namespace

TEST_CASE("with the action's model, the form is read into the JSON form's members") {
  const std::string text = query_request_parameters(
      "",
      "Action=CreateQueue&Version=2012-11-05&QueueName=orders&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=45",
      &kCreateQueue);
  CHECK(parsed(text) == parsed(R"({"QueueName":"orders","Attributes":{"VisibilityTimeout":"45"}})"));
}

TEST_CASE("without a model, member lists, entry maps and structures take their JSON shapes") {
  const std::string text = query_request_parameters(
      "",
      "Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At&Message=hi"
      "&MessageAttributes.entry.1.Name=colour&MessageAttributes.entry.1.Value.DataType=String"
      "&MessageAttributes.entry.1.Value.StringValue=blue"
      "&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=Orders"
      "&Tags.member.1.Key=team&Tags.member.1.Value=pay&Tags.member.2.Key=env&Tags.member.2.Value=dev"
      "&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FA"
      "&AttributeName.1=All&ProvisionedThroughput.Read=5"
      "&X-Amz-Signature=abc&AWSAccessKeyId=AKIA&Version=2010-03-31",
      nullptr);
  CHECK(parsed(text) == parsed(R"({
    "TopicArn": "arn:aws:sns:us-east-1:1:t",
    "Message": "hi",
    "MessageAttributes": {"colour": {"DataType": "String", "StringValue": "blue"}},
    "Attributes": {"DisplayName": "Orders"},
    "Tags": [{"Key": "team", "Value": "pay"}, {"Key": "env", "Value": "dev"}],
    "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/A"}],
    "AttributeName": ["All"],
    "ProvisionedThroughput": {"Read": "5"}
  })"));
}

TEST_CASE("a form that cannot be decoded, or has only the envelope, records no parameters") {
  CHECK(query_request_parameters("", "Action=ListTopics&Version=2010-03-31", nullptr).empty());
  CHECK(query_request_parameters("", "Action=ListTopics&Bad=%ZZ", nullptr).empty());
}
