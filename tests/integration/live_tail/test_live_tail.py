"""CloudWatch Logs' StartLiveTail through boto3 (botocore >= 1.34.90, the python3 on PATH) against
a live sluice: the answer is an event stream (application/vnd.amazon.eventstream) carried by a
chunked HTTP/1.1 body, which botocore decodes as it arrives.

A session on one log group with a filter pattern sees its sessionStart, then one sessionUpdate a
second (empty ones too), and the matching events put after it started, labelled with the group's
ARN and their stream; events that do not match never arrive. The request's errors are AWS's.
Under `--time-scale 3600` (SLUICE_TIME_SCALE) the three-hour session limit passes in three seconds
and the stream ends with SessionTimeoutException.

StartLiveTail has the `stream-` host prefix: against an endpoint override it is turned off
(Config(inject_host_prefix=False)), as the README says.
"""

import os
import queue
import threading
import time
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["SLUICE_ENDPOINT"]
TIME_SCALE = float(os.environ.get("SLUICE_TIME_SCALE", "1"))
ACCOUNT = "000000000000"
WAIT_S = 20


def logs_client():
    return boto3.client(
        "logs",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(inject_host_prefix=False, retries={"max_attempts": 1}),
    )


def group_arn(name):
    return f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{name}"


class Reader:
    """Reads a live tail's events on a thread of its own into a queue; an exception ends it."""

    def __init__(self, stream):
        self.stream = stream
        self.events = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            for event in self.stream:
                self.events.put(event)
        except Exception as e:  # noqa: BLE001 - the test looks at what ended the stream
            self.events.put({"error": e})
        self.events.put({"end": True})

    def next(self, timeout=WAIT_S):
        return self.events.get(timeout=timeout)


@pytest.fixture
def live_group():
    client = logs_client()
    name = "/live/" + uuid.uuid4().hex[:8]
    client.create_log_group(logGroupName=name)
    for stream in ("app-1", "app-2"):
        client.create_log_stream(logGroupName=name, logStreamName=stream)
    return client, name


@pytest.mark.skipif(TIME_SCALE != 1, reason="real time only: a scaled clock ends sessions early")
def test_session_shows_matching_events_as_they_arrive(live_group):
    client, name = live_group
    answer = client.start_live_tail(logGroupIdentifiers=[group_arn(name)], logEventFilterPattern="ERROR")
    reader = Reader(answer["responseStream"])
    try:
        start = reader.next()
        assert "sessionStart" in start, start
        session = start["sessionStart"]
        assert session["logGroupIdentifiers"] == [group_arn(name)]
        assert session["logEventFilterPattern"] == "ERROR"
        assert session["sessionId"] and session["requestId"]

        # An update comes every second, with nothing in it while nothing was put.
        first = reader.next()
        assert first["sessionUpdate"]["sessionResults"] == []
        assert first["sessionUpdate"]["sessionMetadata"] == {"sampled": False}

        now = int(time.time() * 1000)
        client.put_log_events(
            logGroupName=name,
            logStreamName="app-1",
            logEvents=[{"timestamp": now, "message": "ERROR one"}, {"timestamp": now + 1, "message": "INFO skipped"}],
        )
        client.put_log_events(logGroupName=name, logStreamName="app-2",
                              logEvents=[{"timestamp": now + 2, "message": "ERROR two"}])
        seen = []
        deadline = time.monotonic() + WAIT_S
        while len(seen) < 2 and time.monotonic() < deadline:
            event = reader.next()
            assert "sessionUpdate" in event, event
            seen.extend(event["sessionUpdate"]["sessionResults"])
        assert [e["message"] for e in seen] == ["ERROR one", "ERROR two"]
        assert [e["logStreamName"] for e in seen] == ["app-1", "app-2"]
        assert all(e["logGroupIdentifier"] == group_arn(name) for e in seen)
        assert [e["timestamp"] for e in seen] == [now, now + 2]
        assert all(e["ingestionTime"] >= now - 60000 for e in seen)
    finally:
        answer["responseStream"].close()


@pytest.mark.skipif(TIME_SCALE != 1, reason="real time only: a scaled clock ends sessions early")
def test_sessions_filter_by_stream_and_take_group_names(live_group):
    client, name = live_group
    answer = client.start_live_tail(logGroupIdentifiers=[name], logStreamNamePrefixes=["app-2"])
    reader = Reader(answer["responseStream"])
    try:
        assert reader.next()["sessionStart"]["logStreamNamePrefixes"] == ["app-2"]
        now = int(time.time() * 1000)
        client.put_log_events(logGroupName=name, logStreamName="app-1",
                              logEvents=[{"timestamp": now, "message": "from app-1"}])
        client.put_log_events(logGroupName=name, logStreamName="app-2",
                              logEvents=[{"timestamp": now, "message": "from app-2"}])
        seen = []
        deadline = time.monotonic() + WAIT_S
        while not seen and time.monotonic() < deadline:
            seen.extend(reader.next()["sessionUpdate"]["sessionResults"])
        assert [(e["message"], e["logGroupIdentifier"]) for e in seen] == [("from app-2", name)]
    finally:
        answer["responseStream"].close()


def error_of(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_requests_are_checked_as_aws_checks_them(live_group):
    client, name = live_group
    code, message = error_of(lambda: client.start_live_tail(logGroupIdentifiers=[group_arn("/live/missing")]))
    assert (code, message) == ("ResourceNotFoundException", "The specified log group does not exist.")
    code, _ = error_of(lambda: client.start_live_tail(
        logGroupIdentifiers=[name], logStreamNames=["app-1"], logStreamNamePrefixes=["app"]))
    assert code == "InvalidParameterException"
    code, _ = error_of(lambda: client.start_live_tail(
        logGroupIdentifiers=[name, name + "x"], logStreamNames=["app-1"]))
    assert code == "InvalidParameterException"
    code, _ = error_of(lambda: client.start_live_tail(logGroupIdentifiers=[name], logEventFilterPattern="{ $.level = "))
    assert code == "InvalidParameterException"
    code, message = error_of(lambda: client.start_live_tail(logGroupIdentifiers=[name + "*"]))
    assert code == "InvalidParameterException" and "logGroupIdentifiers" in message


@pytest.mark.skipif(TIME_SCALE < 3600, reason="needs --time-scale 3600: three hours in three seconds")
def test_session_times_out_after_three_hours(live_group):
    client, name = live_group
    answer = client.start_live_tail(logGroupIdentifiers=[name])
    reader = Reader(answer["responseStream"])
    assert "sessionStart" in reader.next()
    while True:
        event = reader.next()
        if "sessionUpdate" in event:
            continue
        assert "error" in event, event
        error = event["error"]
        assert isinstance(error, ClientError)
        assert error.response["Error"]["Code"] == "SessionTimeoutException"
        break
    assert reader.next() == {"end": True}
