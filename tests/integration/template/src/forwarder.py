"""Forwards each SQS record's body to TARGET_QUEUE_URL with its stage; a body saying "fail"
raises, so the record returns to its queue and ends in the dead-letter queue."""
import os
import urllib.parse

import boto3


def handler(event, context):
    target = os.environ["TARGET_QUEUE_URL"]
    parts = urllib.parse.urlsplit(target)
    sqs = boto3.client("sqs", endpoint_url="%s://%s" % (parts.scheme, parts.netloc))
    for record in event["Records"]:
        if "fail" in record["body"]:
            raise ValueError("cannot forward " + record["body"])
        sqs.send_message(QueueUrl=target, MessageBody=record["body"],
                         MessageAttributes={"stage": {"DataType": "String", "StringValue": os.environ["STAGE"]},
                                            "source": {"DataType": "String",
                                                       "StringValue": os.environ["SOURCE_QUEUE_ARN"]}})
    return {"forwarded": len(event["Records"])}
