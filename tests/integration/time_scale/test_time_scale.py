"""`sluice up --time-scale N` through boto3: every timer of the server runs N times faster.

The server runs with the scale in SLUICE_TIME_SCALE (60 under CTest): a DelaySeconds of 60 s, a
visibility timeout of 120 s and a long poll of 20 s take 1 s, 2 s and a third of a second of real
time, and none of them ends before its scaled time.
"""

import os
import time
import uuid

import boto3
from botocore.config import Config

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
SCALE = float(os.environ.get("SLUICE_TIME_SCALE", "1"))
BOUNDED = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1, "mode": "standard"})
# Real seconds a test may take beyond the scaled time before it counts as not scaled at all.
SLACK_S = 5.0
# Scheduling and rounding: the server may be this much early, measured from the client's side.
EARLY_S = 0.05


def client():
    return boto3.client("sqs", region_name="us-east-1", endpoint_url=ENDPOINT, config=BOUNDED)


def new_queue(sqs, **attributes):
    name = "time-scale-" + uuid.uuid4().hex[:12]
    return sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]


def receive_within(sqs, url, real_limit_s):
    """Long-polls until a message arrives; returns (messages, real seconds taken)."""
    started = time.monotonic()
    while time.monotonic() - started < real_limit_s:
        got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20, AttributeNames=["All"]).get("Messages", [])
        if got:
            return got, time.monotonic() - started
    return [], time.monotonic() - started


def test_a_long_poll_lasts_its_scaled_time():
    sqs = client()
    url = new_queue(sqs)
    started = time.monotonic()
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20).get("Messages", [])
    took = time.monotonic() - started
    assert got == []
    assert took >= 20 / SCALE - EARLY_S
    assert took < 20 / SCALE + SLACK_S


def test_a_delayed_message_becomes_receivable_after_its_scaled_delay():
    sqs = client()
    url = new_queue(sqs)
    started = time.monotonic()
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", []) == []
    got, _ = receive_within(sqs, url, 60 / SCALE + SLACK_S)
    took = time.monotonic() - started
    assert [m["Body"] for m in got] == ["later"]
    assert took >= 60 / SCALE - EARLY_S
    assert took < 60 / SCALE + SLACK_S


def test_a_received_message_returns_after_the_scaled_visibility_timeout():
    sqs = client()
    url = new_queue(sqs, VisibilityTimeout=120)
    sqs.send_message(QueueUrl=url, MessageBody="again")
    first = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0, AttributeNames=["All"])["Messages"]
    started = time.monotonic()
    assert first[0]["Attributes"]["ApproximateReceiveCount"] == "1"
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", []) == []
    again, _ = receive_within(sqs, url, 120 / SCALE + SLACK_S)
    took = time.monotonic() - started
    assert [m["Body"] for m in again] == ["again"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert took >= 120 / SCALE - EARLY_S
    assert took < 120 / SCALE + SLACK_S


def test_timestamps_run_ahead_with_the_scaled_clock():
    sqs = client()
    url = new_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="one")
    time.sleep(0.5)  # real time passing is the subject here: half a real second is 30 scaled seconds at 60
    sqs.send_message(QueueUrl=url, MessageBody="two")
    sent = {}
    for _ in range(2):
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
                "Messages", []):
            sent[m["Body"]] = int(m["Attributes"]["SentTimestamp"])
    assert sorted(sent) == ["one", "two"]
    scaled_ms = sent["two"] - sent["one"]
    assert scaled_ms >= 0.5 * SCALE * 1000 * 0.9
