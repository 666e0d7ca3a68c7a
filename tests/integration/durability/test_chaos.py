"""Chaos: a durable `sluice up` killed with SIGKILL again and again under load, through boto3.

    test_chaos.py --sluice BIN [--kills N] [--seed S]

Each round starts the server on the same data directory and runs, until the round's random end,
one producer and one consumer per queue: a standard queue, a FIFO queue (four message groups, each
sent in order), and an SNS topic fanned out to two queues (raw delivery). Then the server is
killed with SIGKILL in the middle of whatever it was doing, and the next round starts. After the
last round every queue is drained.

The checker keeps what the server acknowledged and fails on:
  - an acknowledged send (or publish) that never arrives (for the topic: in each of its queues),
  - an acknowledged delete whose message is received again,
  - a FIFO group whose messages are first received out of their send order, or with an
    acknowledged send skipped.
Unacknowledged requests (the connection died with the server) may or may not have happened. Every
send has a body of its own, except on FIFO, where a producer repeats its group's unacknowledged
send (same deduplication id) before anything later of that group; received again after its delete,
such a copy is a deduplication failure.

Default: 10 kills (about 30 s); bench/run chaos runs longer. Skips (77) only without boto3.
"""

import argparse
import os
import random
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sluice_server import SluiceServer  # noqa: E402

try:
    import boto3
    from botocore.config import Config
except ImportError:
    print("SKIP: boto3 is not installed for %s" % sys.executable)
    sys.exit(77)

FIFO_GROUPS = 4
VISIBILITY_S = 2  # a message received but not deleted before a kill comes back this soon
DRAIN_DEADLINE_S = 120.0
ROUND_MIN_S, ROUND_MAX_S = 0.4, 1.5


class Checker:
    """What the server acknowledged, and what the consumers saw. Thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = {}  # queue -> set of bodies acknowledged as sent
        self.deleted = {}  # queue -> set of bodies whose delete was acknowledged
        self.received = {}  # queue -> set of bodies received at least once
        self.fifo_next = {}  # group -> the sequence number its first new receipt must have
        self.fifo_acked = {}  # group -> sequence numbers acknowledged as sent
        self.failures = []

    def _set(self, table, queue):
        return table.setdefault(queue, set())

    def acked_send(self, queues, body):
        with self.lock:
            for queue in queues:
                self._set(self.sent, queue).add(body)

    def acked_fifo_send(self, group, seq):
        with self.lock:
            self.fifo_acked.setdefault(group, set()).add(seq)

    def receipt(self, queue, body):
        with self.lock:
            if body in self._set(self.deleted, queue):
                self.failures.append("%s: %s received after its delete was acknowledged" % (queue, body))
                return
            first = body not in self._set(self.received, queue)
            self._set(self.received, queue).add(body)
            if first and body.startswith("fifo-"):
                _, group, seq = body.split("-")
                seq = int(seq)
                expected = self.fifo_next.get(group, 0)
                if seq < expected:
                    self.failures.append("FIFO %s: %d first received after %d" % (group, seq, expected - 1))
                acked_skipped = [s for s in self.fifo_acked.get(group, ()) if expected <= s < seq]
                if acked_skipped:
                    self.failures.append("FIFO %s: %d received before acknowledged %s"
                                         % (group, seq, sorted(acked_skipped)))
                self.fifo_next[group] = max(expected, seq + 1)

    def acked_delete(self, queue, body):
        with self.lock:
            self._set(self.deleted, queue).add(body)

    def totals(self):
        with self.lock:
            return (sum(len(b) for b in self.sent.values()), sum(len(b) for b in self.deleted.values()))

    def missing(self):
        with self.lock:
            return {q: sorted(bodies - self._set(self.received, q)) for q, bodies in self.sent.items()
                    if bodies - self._set(self.received, q)}


def client(service, endpoint):
    # One attempt, short timeouts: a request the kill cut off fails at once and counts as unknown.
    config = Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10)
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", config=config,
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


class Round:
    """The producers and consumers of one round, against one server process."""

    def __init__(self, endpoint, names, checker, counters, stop):
        self.endpoint = endpoint
        self.names = names
        self.checker = checker
        self.counters = counters  # shared between rounds: the next body of each producer
        self.stop = stop
        self.urls = {n: "%s/123456789012/%s" % (endpoint, n) for n in names}

    def threads(self):
        targets = [self.produce_standard, self.produce_fifo, self.publish]
        targets += [lambda n=n: self.consume(n) for n in self.names]
        return [threading.Thread(target=t, daemon=True) for t in targets]

    def produce_standard(self):
        sqs = client("sqs", self.endpoint)
        while not self.stop.is_set():
            body = "std-%d" % self.counters["std"]
            self.counters["std"] += 1  # every attempt has a body of its own
            try:
                sqs.send_message(QueueUrl=self.urls["chaos-std"], MessageBody=body)
            except Exception:
                return  # the server is gone
            self.checker.acked_send(["chaos-std"], body)

    def produce_fifo(self):
        sqs = client("sqs", self.endpoint)
        rng = random.Random()
        while not self.stop.is_set():
            group = "g%d" % rng.randrange(FIFO_GROUPS)
            seq = self.counters.setdefault(group, 0)
            body = "fifo-%s-%d" % (group, seq)
            try:
                sqs.send_message(QueueUrl=self.urls["chaos.fifo"], MessageBody=body, MessageGroupId=group,
                                 MessageDeduplicationId=body)
            except Exception:
                return  # sent again (same deduplication id) before anything later of its group
            self.checker.acked_fifo_send(group, seq)
            self.checker.acked_send(["chaos.fifo"], body)
            self.counters[group] = seq + 1

    def publish(self):
        sns = client("sns", self.endpoint)
        topic = "arn:aws:sns:us-east-1:123456789012:chaos-topic"
        while not self.stop.is_set():
            body = "sns-%d" % self.counters["sns"]
            self.counters["sns"] += 1
            try:
                sns.publish(TopicArn=topic, Message=body)
            except Exception:
                return
            self.checker.acked_send(["chaos-fan-a", "chaos-fan-b"], body)

    def consume(self, name):
        sqs = client("sqs", self.endpoint)
        while not self.stop.is_set():
            if not receive_and_delete(sqs, self.urls[name], name, self.checker, wait=1):
                return


def receive_and_delete(sqs, url, name, checker, wait):
    """One receive, then the deletes in order; False when the server did not answer."""
    try:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait,
                                  VisibilityTimeout=VISIBILITY_S).get("Messages", [])
    except Exception:
        return False
    for m in got:
        checker.receipt(name, m["Body"])
    for m in got:
        try:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        except Exception:
            return False  # later messages of a FIFO group must not be deleted before this one
        checker.acked_delete(name, m["Body"])
    return True


def setup(endpoint):
    sqs = client("sqs", endpoint)
    sns = client("sns", endpoint)
    sqs.create_queue(QueueName="chaos-std")
    sqs.create_queue(QueueName="chaos.fifo", Attributes={"FifoQueue": "true"})
    topic = sns.create_topic(Name="chaos-topic")["TopicArn"]
    for name in ("chaos-fan-a", "chaos-fan-b"):
        sqs.create_queue(QueueName=name)
        arn = "arn:aws:sqs:us-east-1:123456789012:%s" % name
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})


def run(sluice, kills, seed):
    rng = random.Random(seed)
    checker = Checker()
    counters = {"std": 0, "sns": 0}
    names = ["chaos-std", "chaos.fifo", "chaos-fan-a", "chaos-fan-b"]
    with tempfile.TemporaryDirectory(prefix="sluice-chaos-") as tmp:
        data = os.path.join(tmp, "data")
        server = SluiceServer(sluice, data_dir=data).start()
        setup(server.endpoint)
        for round_no in range(kills):
            stop = threading.Event()
            workers = Round(server.endpoint, names, checker, counters, stop).threads()
            for t in workers:
                t.start()
            time.sleep(rng.uniform(ROUND_MIN_S, ROUND_MAX_S))
            server.process.kill()  # SIGKILL, whatever is in flight
            server.process.wait()
            stop.set()
            for t in workers:
                t.join(timeout=30)
                if t.is_alive():
                    return ["round %d: a client did not notice the kill within 30 s" % round_no]
            server.process = None
            server.close()
            server = SluiceServer(sluice, data_dir=data).start()
        try:
            failures = checker.failures + drain(server.endpoint, names, checker)
            sent, deleted = checker.totals()
            print("acknowledged: %d sends (one per queue of a fan-out), %d deletes" % (sent, deleted))
            if sent < kills or deleted < kills:
                failures.append("too little load to mean anything: %d sends, %d deletes" % (sent, deleted))
            return failures
        finally:
            status = server.stop()
            server.close()
            if status != 0:
                checker.failures.append("the last server did not exit 0 after SIGTERM (%r)" % status)


def drain(endpoint, names, checker):
    """Receives until every acknowledged send has arrived, or the deadline passes."""
    sqs = client("sqs", endpoint)
    deadline = time.monotonic() + DRAIN_DEADLINE_S
    while checker.missing() and time.monotonic() < deadline:
        for name in names:
            if not receive_and_delete(sqs, "%s/123456789012/%s" % (endpoint, name), name, checker, wait=1):
                return ["the server stopped answering while draining"]
    return ["%s: %d acknowledged never arrived, e.g. %s" % (q, len(b), b[:5]) for q, b in checker.missing().items()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--json", action="store_true", help="print one JSON line of figures (bench/run chaos)")
    opts = parser.parse_args()
    seed = opts.seed if opts.seed is not None else random.randrange(1 << 30)
    started = time.monotonic()
    failures = run(opts.sluice, opts.kills, seed)
    seconds = time.monotonic() - started
    if opts.json:
        print('{"bench":"chaos","figure":"failures","value":%d,"unit":"count","kills":%d,"seconds":%.1f,"seed":%d}'
              % (len(failures), opts.kills, seconds, seed))
    for f in failures[:20]:
        print("FAIL: " + f)
    print("chaos: %d kills in %.1f s (seed %d), %d failures" % (opts.kills, seconds, seed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
