"""`sluice worker` watches EC2 instance metadata (a fake IMDSv2 on loopback, reached through
AWS_EC2_METADATA_SERVICE_ENDPOINT as the SDKs are): a Spot interruption notice, an Auto Scaling
target lifecycle state of Terminated, and one of Warmed:Stopped each start the drain and the
worker exits 0. After the scale-in (and the warm pool move) it calls Auto Scaling's
CompleteLifecycleAction with CONTINUE for --lifecycle-hook, SigV4-signed for "autoscaling"
(AWS_ENDPOINT_URL_AUTO_SCALING points at the fake); after the Spot notice it does not. Every
metadata GET carries the session token. About 70 s (each drain lets its long polls end).

    test_notices.py --sluice BIN

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

SPOT_NOTICE = '{"action": "terminate", "time": "2026-12-07T10:02:00Z"}'


def run_case(work, sqs, name, arm, expect_completion, failures):
    fake = ws.FakeMetadata()
    url = sqs.endpoint + "/%s/jobs" % ws.ACCOUNT
    env = {"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": fake.endpoint,
           "AWS_ENDPOINT_URL_AUTO_SCALING": fake.endpoint}
    args = ["--notice-interval", "1", "--lifecycle-hook", "drain-hook", "--auto-scaling-group", "fleet-asg"]
    worker = ws.Worker(work, name, [url], os.path.join(work, name + ".txt"), args=args, env=env)
    try:
        if not ws.wait_for(lambda: "watching instance metadata" in worker.log_text(), 10):
            raise AssertionError("%s: the worker does not watch the metadata:\n%s" % (name, worker.log_text()))
        time.sleep(1.2)  # a look or two that finds nothing: no drain
        if worker.process.poll() is not None:
            raise AssertionError("%s: exited before any notice:\n%s" % (name, worker.log_text()))
        arm(fake)
        try:
            code = worker.process.wait(timeout=45)  # the drain lets the long polls (20 s) end
        except ws.subprocess.TimeoutExpired:
            code = None
        if code != 0:
            failures.append("%s: exit %s, expected 0 after the notice:\n%s" % (name, code, worker.log_text()))
        if expect_completion:
            if len(fake.completions) != 1:
                failures.append("%s: %d CompleteLifecycleAction calls, expected 1" % (name, len(fake.completions)))
            else:
                call = fake.completions[0]
                expected = {"Action": "CompleteLifecycleAction", "Version": "2011-01-01",
                            "AutoScalingGroupName": "fleet-asg", "LifecycleHookName": "drain-hook",
                            "InstanceId": "i-0123456789abcdef0", "LifecycleActionResult": "CONTINUE"}
                if call["form"] != expected:
                    failures.append("%s: CompleteLifecycleAction form %s" % (name, call["form"]))
                prefix = "AWS4-HMAC-SHA256 Credential=%s/" % ws.ACCESS_KEY
                if not call["authorization"].startswith(prefix) or "/us-east-1/autoscaling/aws4_request" not in \
                        call["authorization"]:
                    failures.append("%s: not signed for autoscaling: %s" % (name, call["authorization"]))
        elif fake.completions:
            failures.append("%s: CompleteLifecycleAction called after a Spot notice" % name)
        if fake.untokened_gets:
            failures.append("%s: %d metadata GETs without the IMDSv2 token" % (name, fake.untokened_gets))
    finally:
        worker.close()
        fake.close()


def main():
    ws.set_binary(ws.sluice_server.sluice_from_argv(__file__))
    failures = []
    with ws.temp_work() as work:
        sqs = ws.start_sqs(work, {"jobs": {}})
        try:
            run_case(work, sqs, "spot", lambda fake: setattr(fake, "spot", SPOT_NOTICE), False, failures)
            run_case(work, sqs, "scale-in", lambda fake: setattr(fake, "lifecycle", "Terminated"), True, failures)
            run_case(work, sqs, "warm-pool", lambda fake: setattr(fake, "lifecycle", "Warmed:Stopped"), True, failures)
        finally:
            if sqs.stop() != 0:
                failures.append("sluice up did not exit 0:\n" + sqs.log_text())
            sqs.close()
    for failure in failures:
        print("FAIL: " + failure)
    print("notices: %s" % ("ok" if not failures else "%d failures" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
