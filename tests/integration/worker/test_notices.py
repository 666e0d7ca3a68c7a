"""`sluice worker` watches EC2 instance metadata (a fake IMDSv2 on loopback, reached through
AWS_EC2_METADATA_SERVICE_ENDPOINT as the SDKs are): a Spot interruption notice, an Auto Scaling
target lifecycle state of Terminated, and one of Warmed:Stopped each start the drain and the
worker exits 0. After the scale-in (and the warm pool move) it calls Auto Scaling's
CompleteLifecycleAction with CONTINUE for --lifecycle-hook, SigV4-signed for "autoscaling"
(AWS_ENDPOINT_URL_AUTO_SCALING points at the fake); after the Spot notice it does not. Every
metadata GET carries the session token. The three cases run at once, each with a fake of its
own; the stand-in SQS runs ten times faster (worker_support.TIME_SCALE), so each drain's long
polls end within 2 s.

    test_notices.py --sluice BIN

Skips (77) when /usr/bin/python3 has no boto3.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import worker_support as ws  # noqa: E402

SPOT_NOTICE = '{"action": "terminate", "time": "2026-12-07T10:02:00Z"}'


def run_case(f, name, arm, expect_completion):
    failures = f.failures
    fake = ws.FakeMetadata()
    url = f.queue_url("jobs")
    env = {"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": fake.endpoint,
           "AWS_ENDPOINT_URL_AUTO_SCALING": fake.endpoint}
    args = ["--notice-interval", "1", "--lifecycle-hook", "drain-hook", "--auto-scaling-group", "fleet-asg"]
    worker = ws.Worker(f.work, name, [url], os.path.join(f.work, name + ".txt"), args=args, env=env)
    try:
        if not ws.wait_for(lambda: "watching instance metadata" in worker.log_text(), 10):
            raise AssertionError("%s: the worker does not watch the metadata:\n%s" % (name, worker.log_text()))
        # Two looks that find nothing: no drain.
        if not ws.wait_for(lambda: fake.looks >= 2, 10):
            raise AssertionError("%s: the worker does not look again:\n%s" % (name, worker.log_text()))
        if worker.process.poll() is not None:
            raise AssertionError("%s: exited before any notice:\n%s" % (name, worker.log_text()))
        arm(fake)
        try:
            code = worker.process.wait(timeout=45)  # the drain lets the long polls end
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


def body(f):
    ws.in_parallel(
        lambda: run_case(f, "spot", lambda fake: setattr(fake, "spot", SPOT_NOTICE), False),
        lambda: run_case(f, "scale-in", lambda fake: setattr(fake, "lifecycle", "Terminated"), True),
        lambda: run_case(f, "warm-pool", lambda fake: setattr(fake, "lifecycle", "Warmed:Stopped"), True))


if __name__ == "__main__":
    sys.exit(ws.main(__file__, "notices", {"jobs": {}}, body))
