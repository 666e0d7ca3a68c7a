"""`sluice up --auth audit`: every request is checked and allowed; what AWS would have refused is
logged with the reason. Starts its own server (sluice_server.SluiceServer) with accounts.json.
Uses the system's boto3; skips (77) without it.

    audit_mode.py --sluice BIN
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from sluice_server import SluiceServer  # noqa: E402

try:
    import boto3
    from botocore.exceptions import ClientError
except ImportError:
    print("SKIP: no boto3")
    sys.exit(77)

ALICE = ("AKIAALICE00000000001", "alice/Secret+Key+0001")


def client(endpoint, service, key, secret):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    opts = parser.parse_args()
    server = SluiceServer(opts.sluice, extra_args=["--auth", "audit", os.path.join(HERE, "accounts.json")])
    server.start()
    failures = []
    try:
        endpoint = server.endpoint
        # A wrong secret is allowed, and acts as the user its key names.
        me = client(endpoint, "sts", ALICE[0], "not-alice-s-secret").get_caller_identity()
        if me["Arn"] != "arn:aws:iam::111122223333:user/alice":
            failures.append("wrong-secret caller is %s" % me["Arn"])
        # An unknown key is allowed too, as the account its digits or the default name.
        url = client(endpoint, "sqs", "AKIANOSUCHKEY0000001", "x").create_queue(QueueName="audited")["QueueUrl"]
        if not url.endswith("/123456789012/audited"):
            failures.append("unknown key's queue is %s" % url)
        # A good signature logs nothing.
        client(endpoint, "sts", *ALICE).get_caller_identity()
        # AssumeRole that the trust policy refuses (bob) is allowed, and logged.
        try:
            client(endpoint, "sts", "AKIABOB0000000000001", "bob/Secret+Key+0001").assume_role(
                RoleArn="arn:aws:iam::111122223333:role/deployer", RoleSessionName="bob")
        except ClientError as e:
            failures.append("audit refused AssumeRole: %s" % e)
        # A send that no policy of bob's allows goes through, and is logged with AWS's reason.
        bob_sqs = client(endpoint, "sqs", "AKIABOB0000000000001", "bob/Secret+Key+0001")
        own_url = client(endpoint, "sqs", *ALICE).create_queue(QueueName="audited-policies")["QueueUrl"]
        bob_sqs.send_message(QueueUrl=own_url, MessageBody="sent despite no policy")
        time.sleep(0.2)
        log = server.log_text()
        lines = [line for line in log.splitlines() if line.startswith("sluice auth audit: would refuse")]
        expected = ["sts:GetCallerIdentity", "SignatureDoesNotMatch", "sqs:CreateQueue", "InvalidClientTokenId",
                    "sts:AssumeRole", "AccessDenied: User: arn:aws:iam::111122223333:user/bob is not authorized",
                    "would refuse sqs:SendMessage (request ",
                    "on resource: arn:aws:sqs:us-east-1:111122223333:audited-policies because no identity-based "
                    "policy allows the sqs:SendMessage action (denied implicitly"]
        for text in expected:
            if not any(text in line for line in lines):
                failures.append("no audit line with %r in:\n%s" % (text, log))
        if len(lines) != 4:
            failures.append("expected 4 audit lines, got %d:\n%s" % (len(lines), "\n".join(lines)))
    finally:
        status = server.stop()
        server.close()
    if status != 0:
        failures.append("sluice up exited with %s" % status)
    for failure in failures:
        print("FAIL " + failure)
    print("ok" if not failures else "%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
