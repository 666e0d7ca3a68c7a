"""bench/run fleet: messages per second that 1, 2 and 3 `sluice worker` processes take off one
queue of one `sluice up` (in memory, auth off) standing in for SQS. The queue is filled first
(MESSAGES, default 3000); each round starts the workers (the echo plugin, BatchSize 10) and times
until the queue is empty. One JSON object per line per figure.

    fleet.py --sluice BIN --plugin SO [--messages N] [--workers 1,2,3]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration", "worker"))
import sluice_server  # noqa: E402
import worker_support as ws  # noqa: E402


def fill(client, url, count):
    for start in range(0, count, 10):
        client.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": '{"n": %d}' % (start + i)} for i in range(min(10, count - start))])


def depth(client, url):
    a = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"])


def run_round(work, binary, plugin, url, workers, client, messages):
    fill(client, url, messages)
    config = os.path.join(work, "worker.json")
    with open(config, "w") as f:
        json.dump({"functions": [{"FunctionName": "echo", "Handler": plugin, "Timeout": 3}],
                   "eventSourceMappings": [{"FunctionName": "echo", "QueueUrl": url, "BatchSize": 10}]}, f)
    began = time.monotonic()
    processes = [subprocess.Popen([binary, "worker", config, "--no-instance-notices"], env=ws.worker_env(),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
    try:
        while depth(client, url) > 0:
            time.sleep(0.05)
        took = time.monotonic() - began
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            p.wait(timeout=60)
    return messages / took


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--workers", default="1,2,3")
    opts = parser.parse_args()
    ws.set_binary(opts.sluice)
    with tempfile.TemporaryDirectory(prefix="sluice-bench-fleet-") as work:
        sqs = ws.start_sqs(work, {"jobs": {}}, time_scale=None)  # real time, as SQS runs
        try:
            client = ws.sqs_client(sqs.endpoint)
            url = sqs.endpoint + "/%s/jobs" % ws.ACCOUNT
            for count in (int(n) for n in opts.workers.split(",")):
                rate = run_round(work, opts.sluice, opts.plugin, url, count, client, opts.messages)
                print(json.dumps({"benchmark": "fleet", "workers": count, "messages": opts.messages,
                                  "messages_per_s": round(rate, 1)}), flush=True)
        finally:
            sqs.stop()
            sqs.close()


if __name__ == "__main__":
    main()
