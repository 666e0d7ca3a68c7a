"""`sluice worker` on SIGTERM: the batch in the function finishes and is deleted, the messages
received but not started (held in a batching window) are visible again at once rather than after
the queue's 60-second visibility timeout, and the worker exits 0 after its long polls in progress
end. A second SIGTERM during the drain exits at once (143); a drain past --drain-seconds exits 75.
The stand-in SQS runs ten times faster (worker_support.TIME_SCALE), so a long poll ends in 2 s.

    test_drain.py --sluice BIN

Skips (77) when /usr/bin/python3 has no boto3.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import worker_support as ws  # noqa: E402

SLOW = {"BatchSize": 1}
GATHER = {"BatchSize": 10, "MaximumBatchingWindowInSeconds": 60}
QUEUES = {name: {"VisibilityTimeout": ws.stand_in_seconds(60)} for name in ("slow", "gather", "second", "deadline")}


def started(out, body):
    return any(kind == "start" and b == body for kind, _, b in ws.records(out))


def check_drain(f):
    slow, gather = f.queue_url("slow"), f.queue_url("gather")
    out = os.path.join(f.work, "drain.txt")
    worker = ws.Worker(f.work, "drain", [slow, gather], out, sleep_s=2.0, mappings=[SLOW, GATHER])
    try:
        if not ws.wait_for(worker.connected, 20):
            raise AssertionError("the worker did not reach the queues:\n" + worker.log_text())
        for i in range(3):
            f.client.send_message(QueueUrl=gather, MessageBody="held-%d" % i)
        if not ws.wait_for(lambda: f.counts(gather) == (0, 3), 10):
            raise AssertionError("the gathering window did not hold the messages: %s" % (f.counts(gather),))
        f.client.send_message(QueueUrl=slow, MessageBody="running")
        if not ws.wait_for(lambda: started(out, "running"), 15):
            raise AssertionError("the slow batch did not start:\n" + worker.log_text())
        began = time.monotonic()
        code = worker.terminate()
        took = time.monotonic() - began
        if code != 0:
            f.failures.append("drain: exit %s, expected 0:\n%s" % (code, worker.log_text()))
        if ("done", "drain", "running") not in ws.records(out):
            f.failures.append("drain: the running batch did not finish")
        if f.counts(slow) != (0, 0):
            f.failures.append("drain: the finished batch was not deleted: %s" % (f.counts(slow),))
        # Straight after the exit, long before the 60-second visibility timeout.
        if f.counts(gather) != (3, 0):
            f.failures.append("drain: the held messages are not visible again: %s\n%s" % (f.counts(gather),
                                                                                         worker.log_text()))
        if any(b.startswith("held-") for _, _, b in ws.records(out)):
            f.failures.append("drain: a held message reached the function")
        # The worker lets its long polls end rather than cut them (a cut poll's answer is lost):
        # here they end within 2 s, the running batch within 2 s.
        if took > 30:
            f.failures.append("drain: took %.1f s" % took)
        if "drain complete" not in worker.log_text():
            f.failures.append("drain: no 'drain complete' in the log:\n" + worker.log_text())
    finally:
        worker.close()


def check_cut_drain(f, case, args, expected):
    """A drain that does not wait for the batch in the function: a second SIGTERM, or
    --drain-seconds passing."""
    slow = f.queue_url(case)  # a queue per case: its message stays in flight
    out = os.path.join(f.work, "%s.txt" % case)
    worker = ws.Worker(f.work, case, [slow], out, sleep_s=4.0, mappings=[SLOW], args=args)
    try:
        if not ws.wait_for(worker.connected, 20):
            raise AssertionError("%s: the worker did not reach the queue:\n%s" % (case, worker.log_text()))
        f.client.send_message(QueueUrl=slow, MessageBody=case)
        if not ws.wait_for(lambda: started(out, case), 15):
            raise AssertionError("%s: the batch did not start:\n%s" % (case, worker.log_text()))
        began = time.monotonic()
        worker.process.send_signal(ws.signal.SIGTERM)
        if case == "second":
            ws.wait_for(lambda: "draining" in worker.log_text(), 5)
            worker.process.send_signal(ws.signal.SIGTERM)
        code = worker.process.wait(timeout=15)
        took = time.monotonic() - began
        if code != expected:
            f.failures.append("%s: exit %s, expected %d:\n%s" % (case, code, expected, worker.log_text()))
        if took > 3:
            f.failures.append("%s: took %.1f s to exit with the batch still running" % (case, took))
    finally:
        worker.close()


def body(f):
    # Three workers at once: each waits on its own queue and handler.
    ws.in_parallel(lambda: check_drain(f),
                   lambda: check_cut_drain(f, "second", [], 143),
                   lambda: check_cut_drain(f, "deadline", ["--drain-seconds", "1"], 75))


if __name__ == "__main__":
    sys.exit(ws.main(__file__, "drain", QUEUES, body))
