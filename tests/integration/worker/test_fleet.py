"""Three `sluice worker` processes poll one queue of a `sluice up` that stands in for SQS with
--auth enforce (every call SigV4-signed with a declared key and checked). One worker is killed
with SIGKILL while a batch is in its function: that batch's messages come back after the queue's
visibility timeout and the other two process them. No message is lost, and a message processed
twice is always one the killed worker had started. The survivors drain on SIGTERM and exit 0.
About 40 s (the drain lets each worker's long polls end).

    test_fleet.py --sluice BIN

Skips (77) when /usr/bin/python3 has no boto3.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import worker_support as ws  # noqa: E402

try:
    import boto3  # noqa: F401
except ImportError:
    print("SKIP: boto3 is not installed")
    sys.exit(77)

MESSAGES = 150
VISIBILITY_S = 6  # the handler's Timeout (5) may not exceed it


def main():
    binary = ws.sluice_server.sluice_from_argv(__file__)
    ws.set_binary(binary)
    failures = []
    with ws.temp_work() as work:
        sqs = ws.start_sqs(work, {"jobs": {"VisibilityTimeout": str(VISIBILITY_S)}}, auth="enforce")
        workers = []
        try:
            url = sqs.endpoint + "/%s/jobs" % ws.ACCOUNT
            out = os.path.join(work, "records.txt")
            mapping = {"BatchSize": 5, "ScalingConfig": {"MaximumConcurrency": 2}}
            workers = [ws.Worker(work, "w%d" % i, [url], out, sleep_s=1.0, mappings=[mapping]) for i in (1, 2, 3)]
            if not ws.wait_for(lambda: all(w.connected() for w in workers), 20):
                raise AssertionError("workers did not reach the queue:\n" + workers[0].log_text())
            client = ws.sqs_client(sqs.endpoint)
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
                failures.append("lost %d messages: %s" % (len(lost), lost[:10]))
            outside = sorted(set(duplicates) - started_by_killed)
            if outside:
                failures.append("processed twice without the killed worker having started them: %s" % outside)
            if not held_by_killed:
                failures.append("the killed worker held no batch in its function")
            taken_over = {b for kind, w, b in recs if kind == "done" and w != "w1"} & held_by_killed
            if taken_over != held_by_killed:
                failures.append("the killed worker's batch was not taken over: %s" % sorted(held_by_killed - taken_over))
            def depth():
                attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
                return (attributes["ApproximateNumberOfMessages"], attributes["ApproximateNumberOfMessagesNotVisible"])

            # A batch is deleted just after its handler wrote "done".
            if not ws.wait_for(lambda: depth() == ("0", "0"), 15):
                failures.append("the queue is not empty (visible, in flight): %s" % (depth(),))
            for worker in workers[1:]:  # both at once: each lets its long polls end (up to 20 s)
                worker.process.send_signal(ws.signal.SIGTERM)
            for worker in workers[1:]:
                code = worker.process.wait(timeout=60)
                if code != 0:
                    failures.append("%s exited with %s after SIGTERM:\n%s" % (worker.name, code, worker.log_text()))
            print("held by the killed worker: %d; duplicates: %d; processed: %d"
                  % (len(held_by_killed), len(duplicates), len(done_count)))
        finally:
            for worker in workers:
                worker.close()
            if sqs.stop() != 0:
                failures.append("sluice up did not exit 0:\n" + sqs.log_text())
            sqs.close()
    for failure in failures:
        print("FAIL: " + failure)
    print("fleet: %s" % ("ok" if not failures else "%d failures" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
