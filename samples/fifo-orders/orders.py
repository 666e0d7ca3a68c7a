"""Sends interleaved orders of three customers (message groups) to Orders.fifo and checks that the
fifo-order-processor handler processed each group in the order it was sent.

Usage: orders.py ENDPOINT PROCESSED_LOG. The handler appends "customer/seq" for every message it
processes to PROCESSED_LOG; the mapping runs up to 3 batches at once (ScalingConfig), so different
groups are processed concurrently while each group stays in order.
"""
import json
import os
import sys
import time

import boto3

endpoint, processed_log = sys.argv[1], sys.argv[2]
sqs = boto3.client('sqs', region_name='us-east-1', endpoint_url=endpoint)
queue_url = sqs.get_queue_url(QueueName='Orders.fifo')['QueueUrl']

customers = ['alice', 'bob', 'carol']
per_customer = 8
for seq in range(1, per_customer + 1):
    for customer in customers:
        # ContentBasedDeduplication: the body is the deduplication id, so no two bodies are equal.
        sqs.send_message(QueueUrl=queue_url, MessageGroupId=customer,
                         MessageBody=json.dumps({'customer': customer, 'seq': seq}))
print(f"Sent {per_customer} orders for each of {', '.join(customers)}, interleaved")

expected_total = per_customer * len(customers)
lines = []
deadline = time.time() + 60
while time.time() < deadline:
    if os.path.exists(processed_log):
        with open(processed_log, encoding='utf-8') as log:
            lines = log.read().split()
        if len(lines) >= expected_total:
            break
    time.sleep(0.2)

order = {customer: [] for customer in customers}
for line in lines:
    customer, seq = line.split('/')
    order.setdefault(customer, []).append(int(seq))
for customer in customers:
    print(f"{customer}: processed in order {order[customer]}")

attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=['All'])['Attributes']
remaining = int(attributes['ApproximateNumberOfMessages']) + int(attributes['ApproximateNumberOfMessagesNotVisible'])
ok = remaining == 0 and all(order[c] == list(range(1, per_customer + 1)) for c in customers) and \
    len(lines) == expected_total
print("Outcome:", "every customer's orders processed once, in send order" if ok else
      f"unexpected ({len(lines)} processed, {remaining} left in the queue)")
sys.exit(0 if ok else 1)
