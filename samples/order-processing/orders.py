"""The seed guide's order-processing flow (section 2.6) against a running sluice.

Sends orders 1001-1003 with boto3, then processes the queue the way a worker does: order 1002
always fails (its message is not deleted), so after maxReceiveCount (3) receives the queue's
redrive policy moves it to OrderProcessingDLQ. Prints what happened to each order.
"""
import json
import os
import sys
import time

import boto3

endpoint = sys.argv[1]
sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
queue_url = sqs.get_queue_url(QueueName="OrderProcessingQueue")["QueueUrl"]
dlq_url = sqs.get_queue_url(QueueName="OrderProcessingDLQ")["QueueUrl"]

for order_id in (1001, 1002, 1003):
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"order_id": order_id, "amount": 25.0}))
    print(f"sent order {order_id}")

processed = set()
deadline = time.time() + 30
while time.time() < deadline:
    response = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                   AttributeNames=["ApproximateReceiveCount"])
    for message in response.get("Messages", []):
        order = json.loads(message["Body"])
        count = message["Attributes"]["ApproximateReceiveCount"]
        if order["order_id"] == 1002:
            print(f"order 1002 failed (receive {count}); it will be retried")
            continue
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        processed.add(order["order_id"])
        print(f"processed order {order['order_id']}")
    dead = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                               AttributeNames=["All"])
    if dead.get("Messages"):
        for message in dead["Messages"]:
            print(f"in OrderProcessingDLQ: {message['Body']} (receive count "
                  f"{message['Attributes']['ApproximateReceiveCount']}, from "
                  f"{message['Attributes']['DeadLetterQueueSourceArn']})")
        break

ok = processed == {1001, 1003} and bool(dead.get("Messages"))
print("outcome:", "1001 and 1003 processed, 1002 dead-lettered" if ok else "unexpected")
sys.exit(0 if ok else 1)
