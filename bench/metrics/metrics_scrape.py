"""bench/run metrics-scrape: GET /metrics of a server with 10,000 queues, and what a scrape costs
the requests around it.

Starts `sluice up --in-memory`, creates QUEUES queues (default 10,000) over the SQS JSON protocol,
then prints one JSON object per line:

- metrics_scrape_ms: the time of one GET /metrics (median, p90 and max of 20 sequential scrapes),
  and the size of the answer;
- sqs_p99_ms without and with scrapes: CLIENTS threads sending GetQueueAttributes requests for
  SECONDS, once alone, once while another thread scrapes /metrics every SCRAPE_INTERVAL seconds
  (default 1: fifteen times Prometheus's usual 15 s), and once while it scrapes back to back; the
  ratios say whether a scrape stalls the loop (the text is built in the workers' lane). On two
  cores a scraper that never pauses keeps one core busy (its own parsing of the answer included),
  so the back-to-back ratio is a worst case, not the target's measure.

    metrics_scrape.py --sluice BIN [--queues N] [--clients N] [--seconds S] [--scrape-interval S]
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration"))
import sluice_server  # noqa: E402


def sqs_call(conn, action, body):
    conn.request("POST", "/", body=json.dumps(body),
                 headers={"X-Amz-Target": "AmazonSQS." + action, "Content-Type": "application/x-amz-json-1.0"})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError("%s: %d %s" % (action, response.status, data[:200]))
    return json.loads(data)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def load(port, clients, seconds, queue_url, scrape, interval=0.0):
    latencies = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            sqs_call(conn, "GetQueueAttributes", {"QueueUrl": queue_url, "AttributeNames": ["All"]})
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)

    def scraper():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            conn.request("GET", "/metrics")
            conn.getresponse().read()
            if interval > 0:
                time.sleep(interval)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    if scrape:
        threads.append(threading.Thread(target=scraper))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--queues", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--scrape-interval", type=float, default=1.0)
    opts = parser.parse_args()
    server = sluice_server.SluiceServer(opts.sluice)
    server.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for i in range(opts.queues):
            sqs_call(conn, "CreateQueue", {"QueueName": "q%05d" % i})
        queue_url = sqs_call(conn, "GetQueueUrl", {"QueueName": "q00000"})["QueueUrl"]
        scrapes, size = [], 0
        for _ in range(20):
            start = time.perf_counter()
            conn.request("GET", "/metrics")
            body = conn.getresponse().read()
            scrapes.append((time.perf_counter() - start) * 1000)
            size = len(body)
        print(json.dumps({"figure": "metrics_scrape_ms", "queues": opts.queues, "median": round(statistics.median(scrapes), 2),
                          "p90": round(percentile(scrapes, 0.9), 2), "max": round(max(scrapes), 2), "bytes": size}))
        alone = load(server.port, opts.clients, opts.seconds, queue_url, scrape=False)
        p99_alone = percentile(alone, 0.99)
        for label, interval in (("every_%gs" % opts.scrape_interval, opts.scrape_interval), ("back_to_back", 0.0)):
            scraped = load(server.port, opts.clients, opts.seconds, queue_url, scrape=True, interval=interval)
            p99_scraped = percentile(scraped, 0.99)
            print(json.dumps({"figure": "sqs_p99_ms", "clients": opts.clients, "scrapes": label,
                              "without_scrapes": round(p99_alone, 3), "with_scrapes": round(p99_scraped, 3),
                              "ratio": round(p99_scraped / p99_alone, 3), "requests": [len(alone), len(scraped)]}))
    finally:
        server.stop()
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
