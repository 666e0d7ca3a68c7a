"""The SQS boto3 examples of the seed document (sections 2, 4.1-4.3 and 6.3), run as written.

Each snippet is transcribed as published with two kinds of change only: `endpoint_url=ENDPOINT`
in the client constructor, and the text-extraction damage of the source repaired (closing
parentheses that were lost, `queue url` for `queue_url`, `receive message` for
`receive_message`, comment markers). The snippets hard-code AWS URLs
(https://sqs.us-west-2.amazonaws.com/123456789012/...) and must work unchanged. What each snippet
only prints is asserted after it. Where the document assumes state it never creates (MyQueue,
`main_queue_url` in 6.3, the "Step 3" send of 2.6), the test creates it first and says so.
Tests run in file order and share queues, as the document's sections do.
"""

import json
import threading
import time

import boto3
import pytest

from sqs_env import ENDPOINT, client, md5_hex, md5_of_attributes, receive_all


def approx(sqs, url, name="ApproximateNumberOfMessages"):
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[name])["Attributes"][name])


# ---- 2.1 Creating and Configuring SQS Queues ---------------------------------------------------

def test_2_1_create_standard_queue():
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    response = sqs.create_queue(
            QueueName='MyStandardQueue'
    )
    print(f"Standard Queue URL: {response['QueueUrl']}")

    # The URL points back at the server and names the region (us-west-2 is not the server's
    # default region); the AWS-style URL names the same queue.
    assert response['QueueUrl'] == ENDPOINT + "/us-west-2/123456789012/MyStandardQueue"
    aws_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyStandardQueue'
    attrs = sqs.get_queue_attributes(QueueUrl=aws_url, AttributeNames=['QueueArn'])['Attributes']
    assert attrs['QueueArn'] == 'arn:aws:sqs:us-west-2:123456789012:MyStandardQueue'
    # Creating it again with the same (no) attributes is idempotent.
    assert sqs.create_queue(QueueName='MyStandardQueue')['QueueUrl'] == response['QueueUrl']


def test_2_1_create_fifo_queue():
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)

    response = sqs.create_queue(
        QueueName='MyFifoQueue.fifo',
        Attributes={
            'FifoQueue': 'true',
            'ContentBasedDeduplication': 'true'
        }
    )

    print(f"FIFO Queue URL: {response['QueueUrl']}")

    assert response['QueueUrl'] == ENDPOINT + "/us-west-2/123456789012/MyFifoQueue.fifo"
    attrs = sqs.get_queue_attributes(QueueUrl=response['QueueUrl'],
                                     AttributeNames=['FifoQueue', 'ContentBasedDeduplication'])['Attributes']
    assert attrs == {'FifoQueue': 'true', 'ContentBasedDeduplication': 'true'}


# ---- 2.2 Sending and Receiving Messages ---------------------------------------------------------

def test_2_2_send_message():
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyStandardQueue'
    response = sqs.send_message(
       QueueUrl=queue_url,
       MessageBody='Hello, this is a test message!',
       MessageAttributes={
            'Author': {
                'StringValue': 'ChatGPT',
                'DataType': 'String'
            },
            'Priority': {
                'StringValue': 'High',
                'DataType': 'String'
            }
       }
    )
    print(f"Message ID: {response['MessageId']}")

    assert len(response['MessageId']) == 36
    assert response['MD5OfMessageBody'] == md5_hex('Hello, this is a test message!')
    assert response['MD5OfMessageAttributes'] == md5_of_attributes({
        'Author': {'StringValue': 'ChatGPT', 'DataType': 'String'},
        'Priority': {'StringValue': 'High', 'DataType': 'String'}})


def test_2_2_receive_and_delete_messages():
    # The message sent by the previous snippet is waiting, so WaitTimeSeconds=20 returns at once.
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyStandardQueue'
    started = time.monotonic()
    response = sqs.receive_message(
       QueueUrl=queue_url,
       MaxNumberOfMessages=10,
       WaitTimeSeconds=20,
       MessageAttributeNames=['All']
    )
    elapsed = time.monotonic() - started
    received = []
    if 'Messages' in response:
        for message in response['Messages']:
            print(f"Message ID: {message['MessageId']}")
            print(f"Body: {message['Body']}")
            print(f"Attributes: {message.get('MessageAttributes', {})}")
            received.append(message)
            sqs.delete_message(
                QueueUrl=queue_url,
                ReceiptHandle=message['ReceiptHandle']
            )
            print("Message deleted.")
    else:
        print("No messages received.")

    assert elapsed < 5, "a long poll with a message waiting must return at once"
    assert [m['Body'] for m in received] == ['Hello, this is a test message!']
    message = received[0]
    assert message['MD5OfBody'] == md5_hex(message['Body'])
    assert message['MessageAttributes'] == {
        'Author': {'StringValue': 'ChatGPT', 'DataType': 'String'},
        'Priority': {'StringValue': 'High', 'DataType': 'String'}}
    assert message['MD5OfMessageAttributes'] == md5_of_attributes(message['MessageAttributes'])
    assert approx(sqs, queue_url) == 0
    assert approx(sqs, queue_url, 'ApproximateNumberOfMessagesNotVisible') == 0


def test_2_2_deleting_a_message():
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyStandardQueue'
    # "Assume 'message' is obtained from the receive_message response"
    sqs.send_message(QueueUrl=queue_url, MessageBody='to be deleted')
    message = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=2)['Messages'][0]

    sqs.delete_message(
        QueueUrl=queue_url,
        ReceiptHandle=message['ReceiptHandle']
    )
    print("Message deleted.")

    assert approx(sqs, queue_url) == 0
    assert approx(sqs, queue_url, 'ApproximateNumberOfMessagesNotVisible') == 0


# ---- 2.3 Message Attributes and Metadata ----------------------------------------------------------

def test_2_3_send_and_receive_with_attributes(capsys):
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyStandardQueue'
    response = sqs.send_message(
       QueueUrl=queue_url,
       MessageBody='Process order 12345',
       MessageAttributes={
            'OrderId': {
                'StringValue': '12345',
                'DataType': 'String'
            },
            'CustomerType': {
                'StringValue': 'Premium',
                'DataType': 'String'
            }
       }
    )
    print(f"Message ID: {response['MessageId']}")
    sent_id = response['MessageId']

    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyStandardQueue'
    response = sqs.receive_message(
       QueueUrl=queue_url,
       MaxNumberOfMessages=1,
       MessageAttributeNames=['All'],
       WaitTimeSeconds=10
    )
    if 'Messages' in response:
        message = response['Messages'][0]
        print(f"Body: {message['Body']}")
        attributes = message.get('MessageAttributes', {})
        for key, value in attributes.items():
            print(f"{key}: {value['StringValue']}")
        sqs.delete_message(
            QueueUrl=queue_url,
            ReceiptHandle=message['ReceiptHandle']
        )
        print("Message deleted.")
    else:
        print("No messages received.")

    out = capsys.readouterr().out
    assert "Body: Process order 12345" in out
    assert "OrderId: 12345" in out and "CustomerType: Premium" in out
    assert "Message deleted." in out
    assert response['Messages'][0]['MessageId'] == sent_id
    assert approx(sqs, queue_url) == 0


# ---- 2.4 Queue Operations ------------------------------------------------------------------------

def test_2_4_set_visibility_timeout():
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyStandardQueue'

    sqs.set_queue_attributes(
        QueueUrl=queue_url,
        Attributes={
            'VisibilityTimeout': '60'
        }
    )
    print("Visibility timeout set to 60 seconds.")

    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=['VisibilityTimeout'])['Attributes']
    assert attrs == {'VisibilityTimeout': '60'}


def test_2_4_set_message_retention_period():
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyStandardQueue'

    sqs.set_queue_attributes(
        QueueUrl=queue_url,
        Attributes={
            'MessageRetentionPeriod': '604800'
        }
    )
    print("Message retention period set to 7 days.")

    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=['MessageRetentionPeriod'])['Attributes']
    assert attrs == {'MessageRetentionPeriod': '604800'}


def test_2_4_long_polling():
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyStandardQueue'

    # A sender on another thread wakes the parked poll: the snippet's 20 s wait must end early.
    def send_later():
        time.sleep(0.5)
        client('us-west-2').send_message(QueueUrl=queue_url, MessageBody='woke the long poll')
    sender = threading.Thread(target=send_later)
    sender.start()
    started = time.monotonic()
    response = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=5,
            WaitTimeSeconds=20,
            MessageAttributeNames=['All']
    )
    elapsed = time.monotonic() - started
    sender.join()

    bodies = []
    if 'Messages' in response:
        for message in response['Messages']:
            print(f"Message ID: {message['MessageId']}")
            print(f"Body: {message['Body']}")
            bodies.append(message['Body'])

            sqs.delete_message(
                QueueUrl=queue_url,
                ReceiptHandle=message['ReceiptHandle']
            )
            print("Message deleted.")

    else:
        print("No messages received.")

    assert bodies == ['woke the long poll']
    assert 0.3 < elapsed < 5, f"long poll returned after {elapsed:.2f}s"


# ---- 2.5 Dead-Letter Queues -----------------------------------------------------------------------

def test_2_5_create_and_configure_dlq():
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    dlq_response = sqs.create_queue(
        QueueName='MyDeadLetterQueue'
    )
    dlq_url = dlq_response['QueueUrl']
    dlq_attributes = sqs.get_queue_attributes(
       QueueUrl=dlq_url,
       AttributeNames=['QueueArn']
    )
    dlq_arn = dlq_attributes['Attributes']['QueueArn']
    main_queue_response = sqs.create_queue(
        QueueName='MyMainQueue',
        Attributes={
            'RedrivePolicy': json.dumps({
                'maxReceiveCount': 5,
                'deadLetterTargetArn': dlq_arn
            })
       }
    )
    main_queue_url = main_queue_response['QueueUrl']
    print(f"Main Queue URL: {main_queue_url}")
    print(f"Dead-Letter Queue URL: {dlq_url}")

    assert dlq_arn == 'arn:aws:sqs:us-west-2:123456789012:MyDeadLetterQueue'
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=main_queue_url, AttributeNames=['RedrivePolicy'])
                        ['Attributes']['RedrivePolicy'])
    assert policy == {'maxReceiveCount': 5, 'deadLetterTargetArn': dlq_arn}
    sources = sqs.list_dead_letter_source_queues(QueueUrl=dlq_url)['queueUrls']
    assert sources == [main_queue_url]


def drive_into_dlq(sqs, main_url, body, max_receive_count, attributes=None):
    """Receives a fresh message max_receive_count times without deleting it; the next receive moves it."""
    kwargs = {'MessageAttributes': attributes} if attributes else {}
    sqs.send_message(QueueUrl=main_url, MessageBody=body, **kwargs)
    for attempt in range(max_receive_count):
        r = sqs.receive_message(QueueUrl=main_url, VisibilityTimeout=0, WaitTimeSeconds=1,
                                AttributeNames=['ApproximateReceiveCount'])
        assert [m['Body'] for m in r.get('Messages', [])] == [body], f"receive {attempt + 1}"
        assert r['Messages'][0]['Attributes']['ApproximateReceiveCount'] == str(attempt + 1)
    r = sqs.receive_message(QueueUrl=main_url, VisibilityTimeout=0)
    assert 'Messages' not in r, "the receive after maxReceiveCount must move the message, not return it"


def test_2_5_process_messages_from_dlq(capsys):
    helper = client('us-west-2')
    main_url = helper.get_queue_url(QueueName='MyMainQueue')['QueueUrl']
    drive_into_dlq(helper, main_url, 'poison message', 5,
                   {'Reason': {'StringValue': 'bad', 'DataType': 'String'}})

    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    dlq_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyDeadLetterQueue'
    response = sqs.receive_message(
        QueueUrl=dlq_url,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=10,
        MessageAttributeNames=['All']
    )

    if 'Messages' in response:
        for message in response['Messages']:
            print(f"DLQ Message ID: {message['MessageId']}")
            print(f"Body: {message['Body']}")
            print(f"Attributes: {message.get('MessageAttributes', {})}")

            sqs.delete_message(
                QueueUrl=dlq_url,
                ReceiptHandle=message['ReceiptHandle']
            )
            print("DLQ Message deleted.")

    else:
        print("No messages in DLQ.")

    out = capsys.readouterr().out
    assert "Body: poison message" in out
    assert "'Reason': {'StringValue': 'bad', 'DataType': 'String'}" in out
    assert "DLQ Message deleted." in out
    assert approx(sqs, dlq_url) == 0
    assert approx(sqs, main_url) == 0


# ---- 2.6 Comprehensive Example: SQS Queue Lifecycle ------------------------------------------------

def test_2_6_queue_lifecycle(capsys):
    # Step 2: Create DLQ and Main Queue
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)

    dlq_response = sqs.create_queue(
        QueueName='OrderProcessingDLQ'
    )
    dlq_url = dlq_response['QueueUrl']
    dlq_attributes = sqs.get_queue_attributes(
        QueueUrl=dlq_url,
        AttributeNames=['QueueArn']
    )
    dlq_arn = dlq_attributes['Attributes']['QueueArn']
    main_queue_response = sqs.create_queue(
        QueueName='OrderProcessingQueue',
        Attributes={
            'RedrivePolicy': json.dumps({
                'maxReceiveCount': 3,
                'deadLetterTargetArn': dlq_arn
            })
        }
    )
    main_queue_url = main_queue_response['QueueUrl']
    print(f"Main Queue URL: {main_queue_url}")
    print(f"DLQ URL: {dlq_url}")

    # Step 3 has no code in the document; its expected output implies orders with an OrderType.
    orders = [{"order_id": "1001", "customer": "Alice", "amount": 99.5},
              {"order_id": "1002", "customer": "Bob", "amount": 150.0},
              {"order_id": "1003", "customer": "Carol", "amount": 20.0}]
    for order in orders:
        sqs.send_message(QueueUrl=main_queue_url, MessageBody=json.dumps(order),
                         MessageAttributes={'OrderType': {'StringValue': 'Standard', 'DataType': 'String'}})

    # Step 4: Receive and Process Messages. The document's `while True` loop is cut off after
    # process_message; completed here as it describes: delete on success, leave the message for a
    # retry on failure (made visible again at once so the test need not wait out 30 s), and stop
    # once the queue is empty.
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    main_queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/OrderProcessingQueue'
    processed = []
    failures = 0

    def process_message(message):
        # Simulate message processing
        body = json.loads(message['Body'])
        print(f"Processing Order ID: {body['order_id']} for Customer: {body['customer']} Amount: {body['amount']}")
        # Simulate a failure for demonstration
        if body['order_id'] == '1002':
            raise Exception("Simulated processing error.")
        processed.append(body['order_id'])

    for _ in range(20):  # bounded stand-in for `while True`
        response = sqs.receive_message(
            QueueUrl=main_queue_url,
            MaxNumberOfMessages=1,
            WaitTimeSeconds=1,  # the document's 10 s only lengthens the final empty poll
            MessageAttributeNames=['All']
        )
        if 'Messages' in response:
            message = response['Messages'][0]
            try:
                process_message(message)
                sqs.delete_message(QueueUrl=main_queue_url, ReceiptHandle=message['ReceiptHandle'])
            except Exception:
                failures += 1
                sqs.change_message_visibility(QueueUrl=main_queue_url, ReceiptHandle=message['ReceiptHandle'],
                                              VisibilityTimeout=0)
        else:
            break

    assert sorted(processed) == ['1001', '1003']
    assert failures == 3, "order 1002 is received maxReceiveCount (3) times, then moved"

    # Step 5: Inspecting the Dead-Letter Queue
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    dlq_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/OrderProcessingDLQ'

    response = sqs.receive_message(
        QueueUrl=dlq_url,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=10,
        MessageAttributeNames=['All']
    )

    if 'Messages' in response:
        for message in response['Messages']:
            print(f"DLQ Message ID: {message['MessageId']}")
            print(f"Body: {message['Body']}")
            print(f"Attributes: {message.get('MessageAttributes', {})}")

            sqs.delete_message(
                QueueUrl=dlq_url,
                ReceiptHandle=message['ReceiptHandle']
            )
            print("DLQ Message deleted.\n")

    else:
        print("No messages in DLQ.")

    out = capsys.readouterr().out
    # The document's expected output, line for line (the id varies).
    assert 'Body: {"order_id": "1002", "customer": "Bob", "amount": 150.0}' in out
    assert "Attributes: {'OrderType': {'StringValue': 'Standard', 'DataType': 'String'}}" in out
    assert "DLQ Message deleted." in out
    assert len(response['Messages']) == 1


# ---- 4.1 Long Polling --------------------------------------------------------------------------

def test_4_1_queue_level_long_polling():
    # The document never creates MyQueue; sections 4.1 and 4.2 assume it exists.
    client('us-west-2').create_queue(QueueName='MyQueue')

    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)

    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyQueue'

    sqs.set_queue_attributes(
        QueueUrl=queue_url,
        Attributes={
            'ReceiveMessageWaitTimeSeconds': '10'
        }
    )

    print("Long polling enabled at the queue level.")

    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=['ReceiveMessageWaitTimeSeconds'])
    assert attrs['Attributes'] == {'ReceiveMessageWaitTimeSeconds': '10'}
    # The queue default applies to a receive that gives no WaitTimeSeconds: a send 0.5 s later
    # must be what ends the poll (a short poll would have returned empty at once).
    def send_later():
        time.sleep(0.5)
        client('us-west-2').send_message(QueueUrl=queue_url, MessageBody='queue-level wake')
    sender = threading.Thread(target=send_later)
    sender.start()
    started = time.monotonic()
    r = sqs.receive_message(QueueUrl=queue_url)
    elapsed = time.monotonic() - started
    sender.join()
    assert [m['Body'] for m in r.get('Messages', [])] == ['queue-level wake']
    assert 0.3 < elapsed < 5
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=r['Messages'][0]['ReceiptHandle'])


def test_4_1_long_polling_during_retrieval(capsys):
    client('us-west-2').send_message(QueueUrl=ENDPOINT + '/us-west-2/123456789012/MyQueue', MessageBody='for 4.1')

    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyQueue'
    response = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=5,
        WaitTimeSeconds=20,
        MessageAttributeNames=['All']
    )

    if 'Messages' in response:
        for message in response['Messages']:
            print(f"Message ID: {message['MessageId']}")
            print(f"Body: {message['Body']}")
            # Process the message here
    else:
        print("No messages received.")

    assert "Body: for 4.1" in capsys.readouterr().out
    # The snippet does not delete: the message is in flight for the queue's 30 s default.
    assert approx(sqs, queue_url, 'ApproximateNumberOfMessagesNotVisible') == 1
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=response['Messages'][0]['ReceiptHandle'])


# ---- 4.2 Batch Operations ----------------------------------------------------------------------

def test_4_2_send_batch_receive_batch_delete():
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyQueue'
    entries = [
        {
            'Id': 'msg1',
            'MessageBody': 'This is message 1'
        },
        {
            'Id': 'msg2',
            'MessageBody': 'This is message 2'
        },
        {
            'Id': 'msg3',
            'MessageBody': 'This is message 3'
        }
    ]
    response = sqs.send_message_batch(
        QueueUrl=queue_url,
        Entries=entries
    )

    for message in response.get('Successful', []):
        print(f"Message sent successfully: {message['MessageId']}")

    assert sorted(m['Id'] for m in response['Successful']) == ['msg1', 'msg2', 'msg3']
    assert not response.get('Failed')
    for m in response['Successful']:
        assert m['MD5OfMessageBody'] == md5_hex('This is message ' + m['Id'][-1])

    # Receiving Messages in Batches
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyQueue'
    response = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=10,  # Receive up to 10 messages in a batch
        WaitTimeSeconds=10
    )
    bodies = []
    if 'Messages' in response:
        for message in response['Messages']:
            print(f"Message ID: {message['MessageId']}")
            print(f"Body: {message['Body']}")
            bodies.append(message['Body'])
            sqs.delete_message(
                QueueUrl=queue_url,
                ReceiptHandle=message['ReceiptHandle']
            )
            print("Message deleted.")
    else:
        print("No messages received.")

    # Short/long polls may sample; fetch whatever the first receive left behind.
    bodies += [m['Body'] for m in receive_all(client('us-west-2'), queue_url, 3 - len(bodies))]
    assert sorted(bodies) == ['This is message 1', 'This is message 2', 'This is message 3']


def test_4_2_delete_batch_with_the_documents_handles():
    # The document's receipt handles are placeholders, not real handles: AWS answers 200 with a
    # per-entry failure for each.
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyQueue'
    receipt_handles = [
        'AQEBwJnKyrHigUMZj6rF...',
        'AQEBzKyYubRj4eUw2FiT...',
        'AQEB/ZKyC8Y9aJGr5DsD...'
    ]
    entries = [
        {'Id': str(i), 'ReceiptHandle': rh} for i, rh in
        enumerate(receipt_handles)
    ]
    response = sqs.delete_message_batch(
        QueueUrl=queue_url,
        Entries=entries
    )
    for message in response.get('Successful', []):
        print(f"Message deleted successfully: {message['Id']}")

    assert not response.get('Successful')
    failed = sorted(response['Failed'], key=lambda f: f['Id'])
    assert [f['Id'] for f in failed] == ['0', '1', '2']
    for f in failed:
        assert f['Code'] == 'ReceiptHandleIsInvalid'
        assert f['SenderFault'] is True


def test_4_2_delete_batch_with_real_handles():
    helper = client('us-west-2')
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyQueue'
    helper.send_message_batch(QueueUrl=queue_url, Entries=[{'Id': f'm{i}', 'MessageBody': f'b{i}'} for i in range(3)])
    receipt_handles = [m['ReceiptHandle'] for m in receive_all(helper, queue_url, 3)]
    assert len(receipt_handles) == 3

    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    entries = [
        {'Id': str(i), 'ReceiptHandle': rh} for i, rh in
        enumerate(receipt_handles)
    ]
    response = sqs.delete_message_batch(
        QueueUrl=queue_url,
        Entries=entries
    )
    for message in response.get('Successful', []):
        print(f"Message deleted successfully: {message['Id']}")

    assert sorted(m['Id'] for m in response['Successful']) == ['0', '1', '2']
    assert not response.get('Failed')
    assert approx(sqs, queue_url) == 0
    assert approx(sqs, queue_url, 'ApproximateNumberOfMessagesNotVisible') == 0


# ---- 4.3 Message Grouping and Ordering (FIFO Queues) ----------------------------------------------

def test_4_3_sending_messages_with_grouping():
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyFifoQueue.fifo'
    entries = [
        {
            'Id': 'msg1',
            'MessageBody': 'This is message 1 in group 1',
            'MessageGroupId': 'group1'
        },
        {
            'Id': 'msg2',
            'MessageBody': 'This is message 2 in group 1',
            'MessageGroupId': 'group1'
        },
        {
            'Id': 'msg3',
            'MessageBody': 'This is message 1 in group 2',
            'MessageGroupId': 'group2'
        }
    ]
    response = sqs.send_message_batch(
        QueueUrl=queue_url,
        Entries=entries
    )
    for message in response.get('Successful', []):
        print(f"Message sent successfully: {message['MessageId']}")

    assert [m['Id'] for m in response['Successful']] == ['msg1', 'msg2', 'msg3']
    assert not response.get('Failed')
    seq = [int(m['SequenceNumber']) for m in response['Successful']]
    assert seq == sorted(seq) and len(set(seq)) == 3

    # Group order holds on receive; group1's second message is locked behind its first.
    got = receive_all(client('us-west-2'), queue_url, 3, AttributeNames=['MessageGroupId'])
    by_group = {}
    for m in got:
        by_group.setdefault(m['Attributes']['MessageGroupId'], []).append(m['Body'])
    assert by_group == {'group1': ['This is message 1 in group 1', 'This is message 2 in group 1'],
                        'group2': ['This is message 1 in group 2']}
    for m in got:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m['ReceiptHandle'])


def test_4_3_ensuring_message_ordering():
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)
    queue_url = 'https://sqs.us-west-2.amazonaws.com/123456789012/MyFifoQueue.fifo'
    response = sqs.send_message_batch(
        QueueUrl=queue_url,
        Entries=[
            {
                'Id': 'msg1',
                'MessageBody': 'First message',
                'MessageGroupId': 'order-group'
            },
            {
                'Id': 'msg2',
                'MessageBody': 'Second message',
                'MessageGroupId': 'order-group'
            },
            {
                'Id': 'msg3',
                'MessageBody': 'Third message',
                'MessageGroupId': 'order-group'
            }
        ]
    )
    for message in response.get('Successful', []):
        print(f"Message sent successfully: {message['MessageId']}")

    assert [m['Id'] for m in response['Successful']] == ['msg1', 'msg2', 'msg3']
    order = []
    helper = client('us-west-2')
    # One at a time: each receive must yield the next message only after the previous is deleted.
    for _ in range(3):
        r = helper.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=1)
        m = r['Messages'][0]
        order.append(m['Body'])
        assert 'Messages' not in helper.receive_message(QueueUrl=queue_url), "group is locked while in flight"
        helper.delete_message(QueueUrl=queue_url, ReceiptHandle=m['ReceiptHandle'])
    assert order == ['First message', 'Second message', 'Third message']


# ---- 6.3 Error Handling and Retries ---------------------------------------------------------------

def test_6_3_dlq_for_failed_notifications(capsys):
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT)

    dlq_url = sqs.create_queue(QueueName='FailedNotificationsDLQ')['QueueUrl']

    # Get the DLQ ARN
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url,
                                       AttributeNames=['QueueArn'])['Attributes']['QueueArn']
    print(f"Dead-Letter Queue ARN: {dlq_arn}")

    # "Assume `main_queue_url` is the URL of your main queue"
    main_queue_url = sqs.create_queue(QueueName='NotificationsQueue')['QueueUrl']

    redrive_policy = {
        'deadLetterTargetArn': dlq_arn,
        'maxReceiveCount': '5'  # After 5 failed attempts, the message is moved to the DLQ
    }

    sqs.set_queue_attributes(
        QueueUrl=main_queue_url,
        Attributes={
            'RedrivePolicy': json.dumps(redrive_policy)
        }
    )

    print("DLQ attached to the main SQS queue.")

    assert dlq_arn == 'arn:aws:sqs:us-west-2:123456789012:FailedNotificationsDLQ'
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=main_queue_url, AttributeNames=['RedrivePolicy'])
                        ['Attributes']['RedrivePolicy'])
    assert policy['deadLetterTargetArn'] == dlq_arn
    assert int(policy['maxReceiveCount']) == 5

    drive_into_dlq(client('us-west-2'), main_queue_url, 'notification that keeps failing', 5)

    # Process messages from the DLQ
    dlq_messages = sqs.receive_message(QueueUrl=dlq_url,
                                       MaxNumberOfMessages=10, WaitTimeSeconds=10)

    for message in dlq_messages.get('Messages', []):
        print(f"Processing failed message from DLQ: {message['Body']}")
        sqs.delete_message(QueueUrl=dlq_url,
                           ReceiptHandle=message['ReceiptHandle'])

    assert "Processing failed message from DLQ: notification that keeps failing" in capsys.readouterr().out
    assert approx(sqs, dlq_url) == 0
