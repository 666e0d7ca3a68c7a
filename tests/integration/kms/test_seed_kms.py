"""The seed tutorial's KMS snippets (sections 5.3 and 7.2) run as written with boto3, with only
endpoint_url added (credentials come from the environment), then their outcomes checked.

Typesetting slips of the seed are repaired the way the other seed suites repair them: in 7.2
`import boto3` stands outside its code block, the line "Create a KMS key for SQS" lost its `#`,
and the SNS call is split across two blocks; the code is otherwise unchanged.
"""

import json

import boto3

from kms_env import BOUNDED, ENDPOINT, receive_all

ACCOUNT = "123456789012"


def seed_client(service, region_name):
    return boto3.client(service, region_name=region_name, endpoint_url=ENDPOINT, config=BOUNDED)


# ---- 5.3 SNS message encryption ----------------------------------------------------------------

def test_5_3_sns_message_encryption():
    kms = seed_client('kms', region_name='us-west-2')
    key = kms.create_key(
        Description='KMS key for encrypting SNS messages',
        KeyUsage='ENCRYPT_DECRYPT',
        Origin='AWS_KMS'
    )
    key_id = key['KeyMetadata']['KeyId']

    sns = seed_client('sns', region_name='us-west-2')
    topic_arn = sns.create_topic(Name='SensitiveDataTopic')['TopicArn']
    sns.set_topic_attributes(
        TopicArn=topic_arn,
        AttributeName='KmsMasterKeyId',
        AttributeValue=key_id
    )

    # The seed publishes to a topic nobody subscribed to; to see the message arrive, the test
    # subscribes a queue of its own first.
    sqs = seed_client('sqs', region_name='us-west-2')
    url = sqs.create_queue(QueueName='SeedSensitiveObserver')['QueueUrl']
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
    sns.subscribe(TopicArn=topic_arn, Protocol='sqs', Endpoint=queue_arn)

    response = sns.publish(
       TopicArn=topic_arn,
       Message='This is a sensitive message that should be encrypted.'
    )

    meta = key['KeyMetadata']
    assert meta['KeyUsage'] == 'ENCRYPT_DECRYPT' and meta['Origin'] == 'AWS_KMS'
    assert meta['Arn'] == 'arn:aws:kms:us-west-2:%s:key/%s' % (ACCOUNT, key_id)
    assert sns.get_topic_attributes(TopicArn=topic_arn)['Attributes']['KmsMasterKeyId'] == key_id
    got = receive_all(sqs, url, 1)
    assert len(got) == 1
    envelope = json.loads(got[0]['Body'])
    assert envelope['MessageId'] == response['MessageId']
    assert envelope['Message'] == 'This is a sensitive message that should be encrypted.'


# ---- 7.2 Data protection: encrypting messages ----------------------------------------------------

def test_7_2_encrypting_sqs_and_sns_messages(capsys):
    kms = seed_client('kms', region_name='us-west-2')

    # Create a KMS key for SQS
    key_id = kms.create_key(
        Description='KMS key for encrypting SQS messages'
    )['KeyMetadata']['KeyId']

    print(f"KMS Key ID: {key_id}")

    sqs = seed_client('sqs', region_name='us-west-2')
    queue_url = sqs.create_queue(QueueName='EncryptedQueue')['QueueUrl']

    sqs.set_queue_attributes(
            QueueUrl=queue_url,
            Attributes={
                'KmsMasterKeyId': key_id
            }
    )

    print("Encryption enabled for the SQS queue.")

    sns = seed_client('sns', region_name='us-west-2')
    topic_arn = sns.create_topic(Name='EncryptedTopic')['TopicArn']
    sns.set_topic_attributes(
        TopicArn=topic_arn,
        AttributeName='KmsMasterKeyId',
        AttributeValue=key_id
    )

    print("Encryption enabled for the SNS topic.")

    out = capsys.readouterr().out
    assert "KMS Key ID: %s\n" % key_id in out
    assert "Encryption enabled for the SQS queue." in out and "Encryption enabled for the SNS topic." in out
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=['All'])['Attributes']
    assert attrs['KmsMasterKeyId'] == key_id
    assert attrs['KmsDataKeyReusePeriodSeconds'] == '300'
    assert attrs['SqsManagedSseEnabled'] == 'false'
    # The encrypted queue and topic work with the key: a message through each.
    sqs.send_message(QueueUrl=queue_url, MessageBody='protected')
    assert [m['Body'] for m in receive_all(sqs, queue_url, 1)] == ['protected']
    assert 'MessageId' in sns.publish(TopicArn=topic_arn, Message='protected too')
    # And the key really encrypts.
    sealed = kms.encrypt(KeyId=key_id, Plaintext=b'seed')['CiphertextBlob']
    assert kms.decrypt(CiphertextBlob=sealed)['Plaintext'] == b'seed'
