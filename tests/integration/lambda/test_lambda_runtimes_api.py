"""Functions created over the Lambda API in the languages people write: a Python handler, a
Node.js handler and a custom runtime's shell bootstrap, each zipped, created, invoked through
RequestResponse, and failing in Lambda's shape. (Needs python3 and node on the machine, as the
managed runtimes do; each case skips when its interpreter is missing.)"""

import base64
import json
import shutil
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ROLE, zip_bytes

WAITER = {"Delay": 0.1, "MaxAttempts": 300}

PYTHON_HANDLER = b'''
import json
def handler(event, context):
    if event.get("fail"):
        raise ValueError("order %s is not valid" % event.get("order"))
    return {"order": event.get("order"), "function": context.function_name,
            "remaining_ok": context.get_remaining_time_in_millis() > 0}
'''

NODE_HANDLER = b'''
exports.handler = async (event, context) => {
  if (event.fail) throw new TypeError(`order ${event.order} is not valid`);
  return { order: event.order, function: context.functionName };
};
'''

# A custom runtime in shell: one invocation at a time from the Runtime API, answered with its event.
BOOTSTRAP = b'''#!/bin/sh
set -eu
api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
while true; do
  headers=$(mktemp)
  event=$(curl -sS -D "$headers" "$api/next")
  id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | tr -d '\\r' | cut -d' ' -f2)
  rm -f "$headers"
  curl -sS -X POST "$api/$id/response" -d "{\\"echo\\": $event}" >/dev/null
done
'''


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def create_and_wait(lam, runtime, handler, files):
    name = unique(runtime.replace(".", "-"))
    lam.create_function(FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler, Timeout=30,
                        Code={"ZipFile": zip_bytes(files)})
    lam.get_waiter("function_active").wait(FunctionName=name, WaiterConfig=WAITER)
    return name


def invoke(lam, name, event):
    answer = lam.invoke(FunctionName=name, Payload=json.dumps(event).encode())
    return answer.get("FunctionError"), json.loads(answer["Payload"].read())


def test_python_function(lam):
    if shutil.which("python3") is None:
        pytest.skip("no python3 on PATH")
    name = create_and_wait(lam, "python3.12", "app.handler", {"app.py": PYTHON_HANDLER})
    error, payload = invoke(lam, name, {"order": 7})
    assert error is None
    assert payload == {"order": 7, "function": name, "remaining_ok": True}
    error, payload = invoke(lam, name, {"order": 8, "fail": True})
    assert error == "Unhandled"
    assert payload["errorType"] == "ValueError"
    assert payload["errorMessage"] == "order 8 is not valid"


def test_nodejs_function(lam):
    if shutil.which("node") is None and shutil.which("nodejs") is None:
        pytest.skip("no node on PATH")
    name = create_and_wait(lam, "nodejs20.x", "index.handler", {"index.js": NODE_HANDLER})
    error, payload = invoke(lam, name, {"order": 9})
    assert error is None
    assert payload == {"order": 9, "function": name}
    error, payload = invoke(lam, name, {"order": 10, "fail": True})
    assert error == "Unhandled"
    assert payload["errorType"] == "TypeError"
    assert payload["errorMessage"] == "order 10 is not valid"


def test_custom_runtime_bootstrap(lam):
    if shutil.which("curl") is None:
        pytest.skip("no curl on PATH")
    name = create_and_wait(lam, "provided.al2023", "unused", {"bootstrap": BOOTSTRAP})
    error, payload = invoke(lam, name, {"order": 11})
    assert error is None
    assert payload == {"echo": {"order": 11}}


def test_python_syntax_error_fails_the_invocation(lam):
    if shutil.which("python3") is None:
        pytest.skip("no python3 on PATH")
    # As on AWS the function becomes Active (the handler is imported at the first invocation) and
    # the invocation fails with the runtime's error type.
    name = create_and_wait(lam, "python3.12", "broken.handler", {"broken.py": b"def handler(:\n"})
    error, payload = invoke(lam, name, {})
    assert error == "Unhandled"
    assert payload["errorType"] == "Runtime.UserCodeSyntaxError"


# A custom runtime that answers the Lambda-Runtime-Client-Context header it was given (or null).
CONTEXT_BOOTSTRAP = b'''#!/bin/sh
set -eu
api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
while true; do
  headers=$(mktemp)
  curl -sS -D "$headers" "$api/next" >/dev/null
  id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | tr -d '\\r' | cut -d' ' -f2)
  context=$(grep -i '^Lambda-Runtime-Client-Context:' "$headers" | tr -d '\\r' | cut -d' ' -f2- || true)
  rm -f "$headers"
  curl -sS -X POST "$api/$id/response" -d "{\\"context\\": ${context:-null}}" >/dev/null
done
'''


def test_client_context_reaches_the_runtime(lam):
    if shutil.which("curl") is None:
        pytest.skip("no curl on PATH")
    name = create_and_wait(lam, "provided.al2023", "unused", {"bootstrap": CONTEXT_BOOTSTRAP})
    context = {"custom": {"tenant": "acme"}, "env": {"locale": "en-GB"}}
    answer = lam.invoke(FunctionName=name, Payload=b"{}",
                        ClientContext=base64.b64encode(json.dumps(context).encode()).decode())
    assert json.loads(answer["Payload"].read()) == {"context": context}
    error, payload = invoke(lam, name, {})
    assert error is None and payload == {"context": None}
