"""`sluice worker` on SIGTERM: the batch in the function finishes and is deleted, the messages
received but not started (held in a batching window) are visible again at once rather than after
the queue's 60-second visibility timeout, and the worker exits 0 (after its long polls in progress
end, up to 20 s). A second SIGTERM during the drain exits at once (143); a drain past
--drain-seconds exits 75. About 30 s.

    test_drain.py --sluice BIN

Skips (77) when /usr/bin/python3 has no boto3.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import worker_support as ws  # noqa: E402

try:
    import boto3  # noqa: F401
except ImportError:
    print("SKIP: boto3 is not installed")
    sys.exit(77)

SLOW = {"BatchSize": 1}
GATHER = {"BatchSize": 10, "MaximumBatchingWindowInSeconds": 60}


def counts(client, url):
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])


def started(out, body):
    return any(kind == "start" and b == body for kind, _, b in ws.records(out))


def check_drain(work, sqs, client, failures):
    slow, gather = sqs.endpoint + "/%s/slow" % ws.ACCOUNT, sqs.endpoint + "/%s/gather" % ws.ACCOUNT
    out = os.path.join(work, "drain.txt")
    worker = ws.Worker(work, "drain", [slow, gather], out, sleep_s=2.0, mappings=[SLOW, GATHER])
    try:
        if not ws.wait_for(worker.connected, 20):
            raise AssertionError("the worker did not reach the queues:\n" + worker.log_text())
        for i in range(3):
            client.send_message(QueueUrl=gather, MessageBody="held-%d" % i)
        if not ws.wait_for(lambda: counts(client, gather) == (0, 3), 10):
            raise AssertionError("the gathering window did not hold the messages: %s" % (counts(client, gather),))
        client.send_message(QueueUrl=slow, MessageBody="running")
        if not ws.wait_for(lambda: started(out, "running"), 15):
            raise AssertionError("the slow batch did not start:\n" + worker.log_text())
        began = time.monotonic()
        code = worker.terminate()
        took = time.monotonic() - began
        if code != 0:
            failures.append("drain: exit %s, expected 0:\n%s" % (code, worker.log_text()))
        if ("done", "drain", "running") not in ws.records(out):
            failures.append("drain: the running batch did not finish")
        if counts(client, slow) != (0, 0):
            failures.append("drain: the finished batch was not deleted: %s" % (counts(client, slow),))
        # Straight after the exit, long before the 60-second visibility timeout.
        if counts(client, gather) != (3, 0):
            failures.append("drain: the held messages are not visible again: %s\n%s" % (counts(client, gather),
                                                                                       worker.log_text()))
        if any(b.startswith("held-") for _, _, b in ws.records(out)):
            failures.append("drain: a held message reached the function")
        # The worker lets its long polls (20 s) end rather than cut them: a cut poll's answer is lost.
        if took > 30:
            failures.append("drain: took %.1f s" % took)
        if "drain complete" not in worker.log_text():
            failures.append("drain: no 'drain complete' in the log:\n" + worker.log_text())
    finally:
        worker.close()


def check_second_signal_and_deadline(work, sqs, client, failures):
    for case, args, expected in (("second", [], 143), ("deadline", ["--drain-seconds", "1"], 75)):
        slow = sqs.endpoint + "/%s/%s" % (ws.ACCOUNT, case)  # a queue per case: its message stays in flight
        out = os.path.join(work, "%s.txt" % case)
        worker = ws.Worker(work, case, [slow], out, sleep_s=4.0, mappings=[SLOW], args=args)
        try:
            if not ws.wait_for(worker.connected, 20):
                raise AssertionError("the worker did not reach the queue:\n" + worker.log_text())
            client.send_message(QueueUrl=slow, MessageBody=case)
            if not ws.wait_for(lambda: started(out, case), 15):
                raise AssertionError("the batch did not start:\n" + worker.log_text())
            began = time.monotonic()
            worker.process.send_signal(ws.signal.SIGTERM)
            if case == "second":
                ws.wait_for(lambda: "draining" in worker.log_text(), 5)
                worker.process.send_signal(ws.signal.SIGTERM)
            code = worker.process.wait(timeout=15)
            took = time.monotonic() - began
            if code != expected:
                failures.append("%s: exit %s, expected %d:\n%s" % (case, code, expected, worker.log_text()))
            if took > 3:
                failures.append("%s: took %.1f s to exit with the batch still running" % (case, took))
        finally:
            worker.close()


def main():
    ws.set_binary(ws.sluice_server.sluice_from_argv(__file__))
    failures = []
    with ws.temp_work() as work:
        sqs = ws.start_sqs(work, {name: {"VisibilityTimeout": "60"} for name in ("slow", "gather", "second", "deadline")})
        try:
            client = ws.sqs_client(sqs.endpoint)
            check_drain(work, sqs, client, failures)
            check_second_signal_and_deadline(work, sqs, client, failures)
        finally:
            if sqs.stop() != 0:
                failures.append("sluice up did not exit 0:\n" + sqs.log_text())
            sqs.close()
    for failure in failures:
        print("FAIL: " + failure)
    print("drain: %s" % ("ok" if not failures else "%d failures" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
