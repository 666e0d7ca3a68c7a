"""The seed guide's section 2.6 against a running sluice, with the handler doing the processing.

Step 3 sends orders 1001-1003 (with an OrderType attribute) using boto3 exactly as the guide does,
with only endpoint_url added. The order-processor function (a C++ handler) is invoked by the
event-source mapping; it fails order 1002, so after maxReceiveCount (3) receives the queue's
redrive policy moves it to OrderProcessingDLQ. Step 5 then inspects the DLQ as the guide does.
"""
import json
import sys
import time

import boto3

endpoint = sys.argv[1]
sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=endpoint)
main_queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/OrderProcessingQueue'
dlq_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/OrderProcessingDLQ'

orders = [
    {"order_id": "1001", "customer": "Alice", "amount": 250.0},
    {"order_id": "1002", "customer": "Bob", "amount": 150.0},
    {"order_id": "1003", "customer": "Charlie", "amount": 300.0},
]
for order in orders:
    response = sqs.send_message(
        QueueUrl=main_queue_url,
        MessageBody=json.dumps(order),
        MessageAttributes={'OrderType': {'StringValue': 'Standard', 'DataType': 'String'}},
    )
    print(f"Sent order {order['order_id']}: Message ID {response['MessageId']}")

# Step 5: inspect the dead-letter queue (waits while the handler retries order 1002).
deadline = time.time() + 60
found = []
while time.time() < deadline and not found:
    response = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=10,
                                   MessageAttributeNames=['All'])
    for message in response.get('Messages', []):
        print(f"DLQ Message ID: {message['MessageId']}")
        print(f"Body: {message['Body']}")
        print(f"Attributes: {message.get('MessageAttributes', {})}")
        sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message['ReceiptHandle'])
        print("DLQ Message deleted.\n")
        found.append(json.loads(message['Body'])['order_id'])

left = sqs.get_queue_attributes(QueueUrl=main_queue_url, AttributeNames=['All'])['Attributes']
remaining = int(left['ApproximateNumberOfMessages']) + int(left['ApproximateNumberOfMessagesNotVisible'])
ok = found == ['1002'] and remaining == 0
print("Outcome:", "orders 1001 and 1003 processed, order 1002 in the DLQ" if ok else
      f"unexpected (DLQ: {found}, left in the main queue: {remaining})")
sys.exit(0 if ok else 1)
