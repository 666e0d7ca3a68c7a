"""The AWS CLI's Lambda commands against a live sluice: create-function --zip-file fileb://...,
wait function-active, get-function-configuration, invoke (payload to a file), update-function-
configuration + wait function-updated, list-functions, delete-function.

Runs the system's `aws` with --endpoint-url (SLUICE_ENDPOINT, from sluice_server.py) and asserts on
what it prints and writes. Needs SLUICE_ECHO_PLUGIN (a native handler library). Skips (exit 77)
without `aws`. Standard library only.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid
import zipfile

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
AWS = os.environ.get("AWS_CLI", "/usr/bin/aws")
ROLE = "arn:aws:iam::123456789012:role/lambda-role"


def aws(*args, expect_ok=True):
    cmd = [AWS, "lambda", *args, "--endpoint-url", ENDPOINT, "--region", "us-east-1", "--no-cli-pager",
           "--output", "json"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if expect_ok:
        if r.returncode != 0:
            raise AssertionError("%s failed (%d): %s" % (args[0], r.returncode, r.stderr))
        return json.loads(r.stdout) if r.stdout.strip() else {}
    return r


class LambdaCliTest(unittest.TestCase):
    def setUp(self):
        self.name = "cli-" + uuid.uuid4().hex[:10]
        self.dir = tempfile.mkdtemp(prefix="sluice-cli-")
        self.zip_path = os.path.join(self.dir, "function.zip")
        with zipfile.ZipFile(self.zip_path, "w") as archive:
            archive.write(os.environ["SLUICE_ECHO_PLUGIN"], "echo.so")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_function_lifecycle(self):
        created = aws("create-function", "--function-name", self.name, "--runtime", "provided.al2023",
                      "--role", ROLE, "--handler", "echo", "--zip-file", "fileb://" + self.zip_path,
                      "--environment", "Variables={ECHO_GREETING=cli}")
        self.assertEqual(created["State"], "Pending")
        self.assertEqual(created["CodeSize"], os.path.getsize(self.zip_path))
        aws("wait", "function-active", "--function-name", self.name)
        config = aws("get-function-configuration", "--function-name", self.name)
        self.assertEqual(config["State"], "Active")
        self.assertEqual(config["Environment"]["Variables"], {"ECHO_GREETING": "cli"})

        out = os.path.join(self.dir, "out.json")
        answer = aws("invoke", "--function-name", self.name, "--payload", base64.b64encode(b'{"n": 7}').decode(),
                     "--log-type", "Tail", out)
        self.assertEqual(answer["StatusCode"], 200)
        self.assertNotIn("FunctionError", answer)
        self.assertIn("cli " + self.name, base64.b64decode(answer["LogResult"]).decode())
        with open(out) as f:
            self.assertEqual(json.load(f), {"n": 7})

        aws("update-function-configuration", "--function-name", self.name, "--timeout", "11")
        aws("wait", "function-updated", "--function-name", self.name)
        config = aws("get-function-configuration", "--function-name", self.name)
        self.assertEqual((config["Timeout"], config["LastUpdateStatus"]), (11, "Successful"))

        names = [f["FunctionName"] for f in aws("list-functions")["Functions"]]
        self.assertIn(self.name, names)

        aws("delete-function", "--function-name", self.name)
        missing = aws("get-function", "--function-name", self.name, expect_ok=False)
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("ResourceNotFoundException", missing.stderr)

    def test_malformed_zip(self):
        # A zip whose directory is intact (the CLI checks that much itself) but whose data is not.
        with zipfile.ZipFile(self.zip_path, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("handler.txt", b"A" * 64)
        with open(self.zip_path, "r+b") as f:
            data = f.read()
            f.seek(data.index(b"A" * 64))
            f.write(b"B" * 64)
        r = aws("create-function", "--function-name", self.name, "--runtime", "provided.al2023", "--role", ROLE,
                "--handler", "echo", "--zip-file", "fileb://" + self.zip_path, expect_ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("InvalidParameterValueException", r.stderr)
        self.assertIn("Could not unzip uploaded file. Please check your file, then try to upload again.", r.stderr)


if __name__ == "__main__":
    if not ENDPOINT:
        sys.exit("SLUICE_ENDPOINT is not set: run through sluice_server.py")
    if not (os.path.exists(AWS) or shutil.which(AWS)):
        print("SKIP: no aws cli at %s" % AWS)
        sys.exit(77)
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
