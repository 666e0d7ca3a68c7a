"""Three `sluice worker` processes poll one queue of a `sluice up` that stands in for SQS with
--auth enforce (every call SigV4-signed with a declared key and checked). One worker is killed
with SIGKILL while a batch is in its function: that batch's messages come back after the queue's
visibility timeout and the other two process them. No message is lost, and a message processed
twice is always one the killed worker had started. The survivors drain on SIGTERM and exit 0.
The stand-in SQS runs ten times faster (worker_support.TIME_SCALE): the visibility timeout is 6
real seconds and a long poll ends in 2.

    test_fleet.py --sluice BIN

Skips (77) when /usr/bin/python3 has no boto3.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import worker_support as ws  # noqa: E402

MESSAGES = 150
VISIBILITY_S = 6  # real seconds; the handler's Timeout (5) may not exceed it


def body(f):
    workers = []
    try:
        url = f.queue_url("jobs")
        out = os.path.join(f.work, "records.txt")
        mapping = {"BatchSize": 5, "ScalingConfig": {"MaximumConcurrency": 2}}
        workers = ws.start_workers(3, lambda i: ws.Worker(f.work, "w%d" % i, [url], out, sleep_s=0.5,
                                                          mappings=[mapping]))
        if not ws.wait_for(lambda: all(w.connected() for w in workers), 20):
            raise AssertionError("workers did not reach the queue:\n" + workers[0].log_text())
        client = f.client
        bodies = ["m%03d" % i for i in range(MESSAGES)]
        for start in range(0, MESSAGES, 10):
            answer = client.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start:start + 10])])
            assert not answer.get("Failed"), answer

        def in_flight_of(worker):
            started = {b for kind, w, b in ws.records(out) if w == worker and kind == "start"}
            done = {b for kind, w, b in ws.records(out) if w == worker and kind == "done"}
            return started - done

        if not ws.wait_for(lambda: in_flight_of("w1"), 20, interval_s=0.02):
            raise AssertionError("w1 never had a batch in its function:\n" + workers[0].log_text())
        workers[0].kill()

        def processed():
            return {b for kind, _, b in ws.records(out) if kind == "done"}

        ws.wait_for(lambda: processed() >= set(bodies), 30, interval_s=0.1)
        recs = ws.records(out)
        done_count = {}
        for kind, _, body in recs:
            if kind == "done":
                done_count[body] = done_count.get(body, 0) + 1
        started_by_killed = {b for kind, w, b in recs if w == "w1" and kind == "start"}
        held_by_killed = in_flight_of("w1")
        lost = sorted(set(bodies) - set(done_count))
        duplicates = sorted(b for b, n in done_count.items() if n > 1)
        if lost:
            f.failures.append("lost %d messages: %s" % (len(lost), lost[:10]))
        outside = sorted(set(duplicates) - started_by_killed)
        if outside:
            f.failures.append("processed twice without the killed worker having started them: %s" % outside)
        if not held_by_killed:
            f.failures.append("the killed worker held no batch in its function")
        taken_over = {b for kind, w, b in recs if kind == "done" and w != "w1"} & held_by_killed
        if taken_over != held_by_killed:
            f.failures.append("the killed worker's batch was not taken over: %s" % sorted(held_by_killed - taken_over))

        # A batch is deleted just after its handler wrote "done".
        if not ws.wait_for(lambda: f.counts(url) == (0, 0), 15):
            f.failures.append("the queue is not empty (visible, in flight): %s" % (f.counts(url),))
        for worker in workers[1:]:  # both at once: each lets its long polls end
            worker.process.send_signal(ws.signal.SIGTERM)
        for worker in workers[1:]:
            code = worker.process.wait(timeout=60)
            if code != 0:
                f.failures.append("%s exited with %s after SIGTERM:\n%s" % (worker.name, code, worker.log_text()))
        print("held by the killed worker: %d; duplicates: %d; processed: %d"
              % (len(held_by_killed), len(duplicates), len(done_count)))
    finally:
        for worker in workers:
            worker.close()


if __name__ == "__main__":
    sys.exit(ws.main(__file__, "fleet", {"jobs": {"VisibilityTimeout": ws.stand_in_seconds(VISIBILITY_S)}}, body,
                     auth="enforce"))
