"""Sends a mix of valid and invalid items to PartialBatchQueue and checks the partial-batch outcome.

Items 1-12 go out in two SendMessageBatch calls; items 3, 7, 8 and 12 carry "valid": false. The
partial-batch-processor handler reports those as batchItemFailures, so the mapping deletes the
valid ones after their first invocation and leaves the invalid ones, which come back after the
visibility timeout and, after maxReceiveCount (2) receives, are moved to PartialBatchDLQ.

Checks: the DLQ holds exactly the invalid items, the main queue ends empty, and (when sluice's
log is given as the second argument) every valid item was processed exactly once and every
invalid one was rejected exactly maxReceiveCount times.
"""
import json
import re
import sys
import time

import boto3

endpoint = sys.argv[1]
log_path = sys.argv[2] if len(sys.argv) > 2 else None
sqs = boto3.client('sqs', region_name='us-east-1', endpoint_url=endpoint)
queue_url = sqs.get_queue_url(QueueName='PartialBatchQueue')['QueueUrl']
dlq_url = sqs.get_queue_url(QueueName='PartialBatchDLQ')['QueueUrl']

items = list(range(1, 13))
invalid = {3, 7, 8, 12}
entries = [{'Id': f'item-{i}', 'MessageBody': json.dumps({'item': i, 'valid': i not in invalid})} for i in items]
for chunk in (entries[:10], entries[10:]):
    response = sqs.send_message_batch(QueueUrl=queue_url, Entries=chunk)
    if response.get('Failed'):
        sys.exit(f"send failed: {response['Failed']}")
print(f"Sent items {items[0]}-{items[-1]}; invalid: {sorted(invalid)}")

# The invalid items need two failed receives, 2 s of visibility timeout apart, before the third
# receive moves them to the DLQ.
dead = []
deadline = time.time() + 60
while time.time() < deadline and len(dead) < len(invalid):
    response = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=5,
                                   AttributeNames=['ApproximateReceiveCount'])
    for message in response.get('Messages', []):
        dead.append(json.loads(message['Body'])['item'])
        sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message['ReceiptHandle'])
print(f"DLQ items: {sorted(dead)}")

attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=['All'])['Attributes']
remaining = int(attributes['ApproximateNumberOfMessages']) + int(attributes['ApproximateNumberOfMessagesNotVisible'])
print(f"Left in PartialBatchQueue: {remaining}")

problems = []
if sorted(dead) != sorted(invalid):
    problems.append(f"DLQ holds {sorted(dead)}, expected {sorted(invalid)}")
if remaining != 0:
    problems.append(f"{remaining} messages left in the main queue")
if log_path:
    time.sleep(0.2)  # the last log lines of sluice
    with open(log_path, encoding='utf-8', errors='replace') as log:
        text = log.read()
    processed = [int(n) for n in re.findall(r'processed item (\d+)', text)]
    rejected = [int(n) for n in re.findall(r'rejected item (\d+)', text)]
    for i in items:
        if i in invalid:
            if rejected.count(i) != 2 or i in processed:
                problems.append(f"item {i}: rejected {rejected.count(i)} times, expected 2")
        elif processed.count(i) != 1 or i in rejected:
            problems.append(f"item {i}: processed {processed.count(i)} times, expected once")
    print(f"Handler log: {len(processed)} processed, {len(rejected)} rejections")

if problems:
    print("Outcome: unexpected: " + "; ".join(problems))
    sys.exit(1)
print("Outcome: valid items processed once, invalid items 3, 7, 8 and 12 in the DLQ")
