"""`sluice explain`: decisions for the users and roles of the identity integration tests'
accounts.json, with the exit status and the AccessDenied text AWS would give."""
import json
import os
import subprocess
import sys
import tempfile

SLUICE = sys.argv[1]
ACCOUNTS = sys.argv[2]
QUEUE = "arn:aws:sqs:us-east-1:111122223333:orders"
failures = []


def explain(*args):
    run = subprocess.run([SLUICE, "explain", ACCOUNTS, *args], capture_output=True, text=True, timeout=30)
    return run.returncode, run.stdout, run.stderr


def expect(what, condition):
    if not condition:
        failures.append(what)


code, out, _ = explain("--principal", "arn:aws:iam::111122223333:user/alice", "--action", "sqs:SendMessage",
                       "--resource", QUEUE)
expect("alice may send: %r" % out, code == 0 and out.startswith("ALLOWED: allowed by statement #0 of identity-based policy "
                                                               "user/alice inline policy queues-and-topics"))

code, out, _ = explain("--principal", "arn:aws:iam::111122223333:user/bob", "--action", "sqs:SendMessage",
                       "--resource", QUEUE)
expect("bob has no policy: %r" % out, code == 1 and "AccessDenied: User: arn:aws:iam::111122223333:user/bob is not "
       "authorized to perform: sqs:SendMessage on resource: %s because no identity-based policy allows the "
       "sqs:SendMessage action" % QUEUE in out)

code, out, _ = explain("--principal", "arn:aws:iam::111122223333:user/dave", "--action", "sqs:DeleteQueue",
                       "--resource", QUEUE)
expect("dave's explicit deny: %r" % out, code == 1 and 'denied explicitly by statement "NoQueueDeletion"' in out)

code, out, _ = explain("--principal", "arn:aws:iam::111122223333:user/erin", "--action", "sqs:SendMessage",
                       "--resource", QUEUE)
expect("erin's boundary: %r" % out, code == 1 and "no permissions boundary allows" in out)

policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"},
                                                  "Action": "sqs:SendMessage", "Resource": QUEUE}]}
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump(policy, f)
try:
    code, out, _ = explain("--principal", "arn:aws:iam::444455556666:user/carol", "--action", "sqs:SendMessage",
                           "--resource", QUEUE)
    expect("carol without the queue policy: %r" % out, code == 1 and "no resource-based policy allows" in out)
    code, out, _ = explain("--principal", "arn:aws:iam::444455556666:user/carol", "--action", "sqs:SendMessage",
                           "--resource", QUEUE, "--resource-policy", "@" + f.name)
    expect("carol with the queue policy: %r" % out, code == 0)
finally:
    os.unlink(f.name)

code, out, _ = explain("--principal", "arn:aws:iam::111122223333:role/deployer", "--action", "sqs:SendMessage",
                       "--resource", QUEUE, "--session-policy",
                       '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:List*","Resource":"*"}}')
expect("deployer with a session policy: %r" % out, code == 1 and "no session policy allows" in out)

code, out, err = explain("--principal", "alice", "--action", "sqs:SendMessage", "--resource", QUEUE)
expect("a principal that is not an ARN: %r" % err, code == 2 and "not a user, role" in err)

code, out, err = explain("--principal", "arn:aws:iam::111122223333:user/alice", "--action", "sqs:SendMessage",
                         "--resource", QUEUE, "--resource-policy", '{"Statement":{"Effect":"Maybe"}}')
expect("a malformed policy: %r" % err, code == 2 and "Invalid effect: Maybe" in err)

for failure in failures:
    print("FAILED:", failure)
sys.exit(1 if failures else 0)
