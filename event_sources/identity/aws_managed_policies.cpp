// The catalogue of AWS managed policies (see aws_managed_policies.h). Documents are the default
// versions as the AWS Managed Policy Reference lists them, compacted to one line each.

#include "sluice/identity/aws_managed_policies.h"

#include <algorithm>

namespace sluice::identity {
namespace {

constexpr std::string_view kArnPrefix = "arn:aws:iam::aws:policy";

constexpr AwsManagedPolicy kPolicies[] = {
    {"AWSKeyManagementServicePowerUser", "/", "Provides access to AWS Key Management Service (KMS).", "v2",
     "2015-02-06T18:40:08Z", "2017-03-07T00:55:11Z",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:CreateAlias","kms:CreateKey",)"
     R"("kms:DeleteAlias","kms:Describe*","kms:GenerateRandom","kms:Get*","kms:List*","kms:TagResource",)"
     R"("kms:UntagResource","iam:ListGroups","iam:ListRoles","iam:ListUsers"],"Resource":"*"}]})"},
    {"AWSLambdaBasicExecutionRole", "/service-role/", "Provides write permissions to CloudWatch Logs.", "v1",
     "2015-04-09T15:03:43Z", "2015-04-09T15:03:43Z",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup",)"
     R"("logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]})"},
    {"AWSLambdaSQSQueueExecutionRole", "/service-role/",
     "Provides receive message, delete message, and read attribute access to SQS queues, and write permissions "
     "to CloudWatch logs.",
     "v2", "2016-11-21T18:27:03Z", "2018-11-19T20:09:15Z",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage",)"
     R"("sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],)"
     R"("Resource":"*"}]})"},
    {"AWSLambda_FullAccess", "/",
     "Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services.", "v2",
     "2020-11-17T21:14:03Z", "2025-03-17T21:37:11Z",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudformation:DescribeStacks",)"
     R"("cloudformation:ListStackResources","cloudwatch:ListMetrics","cloudwatch:GetMetricData",)"
     R"("ec2:DescribeSecurityGroups","ec2:DescribeSubnets","ec2:DescribeVpcs","kms:ListAliases",)"
     R"("iam:GetPolicy","iam:GetPolicyVersion","iam:GetRole","iam:GetRolePolicy","iam:ListAttachedRolePolicies",)"
     R"("iam:ListRolePolicies","iam:ListRoles","lambda:*","logs:DescribeLogGroups","states:DescribeStateMachine",)"
     R"("states:ListStateMachines","tag:GetResources","xray:GetTraceSummaries","xray:BatchGetTraces"],)"
     R"("Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":)"
     R"({"iam:PassedToService":"lambda.amazonaws.com"}}},{"Effect":"Allow","Action":["logs:DescribeLogStreams",)"
     R"("logs:GetLogEvents","logs:FilterLogEvents","logs:StartLiveTail","logs:StopLiveTail"],)"
     R"("Resource":"arn:aws:logs:*:*:log-group:/aws/lambda/*"}]})"},
    {"AmazonSNSFullAccess", "/", "Provides full access to Amazon SNS via the AWS Management Console.", "v2",
     "2015-02-06T18:41:05Z", "2024-09-24T22:32:00Z",
     R"({"Version":"2012-10-17","Statement":[{"Sid":"SNSFullAccess","Effect":"Allow","Action":"sns:*",)"
     R"("Resource":"*"},{"Sid":"SMSAccessViaSNS","Effect":"Allow","Action":[)"
     R"("sms-voice:DescribeVerifiedDestinationNumbers","sms-voice:CreateVerifiedDestinationNumber",)"
     R"("sms-voice:SendDestinationNumberVerificationCode","sms-voice:SendTextMessage",)"
     R"("sms-voice:DeleteVerifiedDestinationNumber","sms-voice:VerifyDestinationNumber",)"
     R"("sms-voice:DescribeAccountAttributes","sms-voice:DescribeSpendLimits","sms-voice:DescribePhoneNumbers",)"
     R"("sms-voice:SetTextMessageSpendLimitOverride","sms-voice:DescribeOptedOutNumbers",)"
     R"("sms-voice:DeleteOptedOutNumber"],"Resource":"*","Condition":{"StringEquals":)"
     R"({"aws:CalledViaLast":"sns.amazonaws.com"}}}]})"},
    {"AmazonSNSReadOnlyAccess", "/", "Provides read only access to Amazon SNS via the AWS Management Console.", "v2",
     "2015-02-06T18:41:06Z", "2024-09-24T22:13:00Z",
     R"({"Version":"2012-10-17","Statement":[{"Sid":"SNSReadOnlyAccess","Effect":"Allow","Action":[)"
     R"("sns:GetTopicAttributes","sns:List*","sns:CheckIfPhoneNumberIsOptedOut","sns:GetEndpointAttributes",)"
     R"("sns:GetDataProtectionPolicy","sns:GetPlatformApplicationAttributes","sns:GetSMSAttributes",)"
     R"("sns:GetSMSSandboxAccountStatus","sns:GetSubscriptionAttributes"],"Resource":"*"},)"
     R"({"Sid":"SMSAccessViaSNS","Effect":"Allow","Action":["sms-voice:DescribeVerifiedDestinationNumbers",)"
     R"("sms-voice:DescribeAccountAttributes","sms-voice:DescribeSpendLimits","sms-voice:DescribePhoneNumbers",)"
     R"("sms-voice:DescribeOptedOutNumbers"],"Resource":"*","Condition":{"StringEquals":)"
     R"({"aws:CalledViaLast":"sns.amazonaws.com"}}}]})"},
    {"AmazonSQSFullAccess", "/", "Provides full access to Amazon SQS via the AWS Management Console.", "v2",
     "2015-02-06T18:41:07Z", "2024-05-24T18:16:00Z",
     R"({"Version":"2012-10-17","Statement":[{"Sid":"SQSFullAccess","Effect":"Allow","Action":["sqs:*"],)"
     R"("Resource":"*"}]})"},
    {"AmazonSQSReadOnlyAccess", "/", "Provides read only access to Amazon SQS via the AWS Management Console.", "v4",
     "2015-02-06T18:41:08Z", "2024-05-24T18:16:00Z",
     R"({"Version":"2012-10-17","Statement":[{"Sid":"AmazonSQSReadOnlyAccess","Effect":"Allow","Action":[)"
     R"("sqs:GetQueueAttributes","sqs:GetQueueUrl","sqs:ListDeadLetterSourceQueues","sqs:ListQueues",)"
     R"("sqs:ListMessageMoveTasks","sqs:ListQueueTags"],"Resource":"*"}]})"},
};

}  // namespace

std::span<const AwsManagedPolicy> aws_managed_policies() { return kPolicies; }

std::string aws_managed_policy_arn(const AwsManagedPolicy& policy) {
  return std::string(kArnPrefix) + std::string(policy.path) + std::string(policy.name);
}

const AwsManagedPolicy* find_aws_managed_policy(std::string_view arn) {
  auto it = std::find_if(std::begin(kPolicies), std::end(kPolicies),
                         [&](const AwsManagedPolicy& p) { return aws_managed_policy_arn(p) == arn; });
  return it == std::end(kPolicies) ? nullptr : it;
}

}  // namespace sluice::identity
