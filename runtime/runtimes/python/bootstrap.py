"""sluice's runtime for Python functions (Runtime: python3.x, Handler: module.function).

It does what Lambda's own Python runtime does, with the standard library only: it imports the
handler from LAMBDA_TASK_ROOT, asks the Runtime API for the next invocation, calls the handler
with the event and a context object, and posts the result or the error in Lambda's shape. What the
handler prints goes to the function's log. An import problem is reported once, as an init error.
With AWS_LAMBDA_LOG_FORMAT=JSON, the logging module's records and the handler's errors are written
as Lambda's JSON application records (timestamp, level, message, logger, requestId).
"""
import datetime
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API_VERSION = "/2018-06-01/runtime"


class RuntimeApi:
    def __init__(self, address):
        self.connection = http.client.HTTPConnection(address)

    def call(self, method, path, body=None, headers=None):
        self.connection.request(method, API_VERSION + path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        return response.status, response.headers, response.read()

    def next(self):
        return self.call("GET", "/invocation/next")

    def post(self, path, payload, error_type=None):
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["Lambda-Runtime-Function-Error-Type"] = error_type
        status, _, body = self.call("POST", path, json.dumps(payload).encode() if not isinstance(payload, bytes) else payload, headers)
        if status >= 300:
            print("Runtime API answered %d to %s: %s" % (status, path, body.decode(errors="replace")), flush=True)
        return status


class LambdaContext:
    """The context object handlers receive, with Lambda's attribute names."""

    def __init__(self, request_id, deadline_ms, function_arn, client_context, identity):
        self.aws_request_id = request_id
        self.invoked_function_arn = function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = client_context
        self.identity = identity
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def error_payload(error_type, message, stack=None, request_id=""):
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": stack or []}


def exception_payload(exc, request_id):
    stack = traceback.format_list(traceback.extract_tb(exc.__traceback__)[1:])
    return error_payload(type(exc).__name__, str(exc), [line.rstrip("\n") for line in stack], request_id)


def load_handler(handler):
    """The handler function, or the init error (type, message) that stops it loading."""
    try:
        module_path, function_name = handler.rsplit(".", 1)
    except ValueError as exc:
        return None, ("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, exc))
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return None, ("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, exc))
    except SyntaxError as exc:
        return None, ("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, exc))
    except Exception as exc:  # the module's own code failed while loading
        return None, (type(exc).__name__, str(exc))
    function = getattr(module, function_name, None)
    if function is None:
        return None, ("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return function, None


def json_logs():
    return os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"


def iso_time(seconds):
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


class JsonRecordFormatter(logging.Formatter):
    """Lambda's JSON application record for one logging call."""

    request_id = ""

    def format(self, record):
        line = {
            "timestamp": iso_time(record.created),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": JsonRecordFormatter.request_id,
        }
        if record.exc_info:
            line["errorType"] = record.exc_info[0].__name__
            line["errorMessage"] = str(record.exc_info[1])
        return json.dumps(line)


def configure_json_logging():
    stream = logging.StreamHandler(sys.stdout)
    stream.setFormatter(JsonRecordFormatter())
    root = logging.getLogger()
    root.handlers = [stream]
    root.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO").upper())


def report_error(payload, request_id):
    if json_logs():
        line = {"timestamp": iso_time(time.time()), "level": "ERROR", "message": payload, "requestId": request_id}
        print(json.dumps(line), flush=True)
    else:
        print("[ERROR] %s: %s" % (payload["errorType"], payload["errorMessage"]), flush=True)


def optional_json(text):
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def main():
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    sys.path.insert(0, task_root)
    api = RuntimeApi(os.environ["AWS_LAMBDA_RUNTIME_API"])
    if json_logs():
        configure_json_logging()

    handler, init_error = load_handler(os.environ.get("_HANDLER", ""))
    if init_error:
        error_type, message = init_error
        report_error(error_payload(error_type, message), "")
        api.post("/init/error", error_payload(error_type, message), error_type)
        sys.exit(1)

    while True:
        status, headers, body = api.next()
        if status != 200:
            print("Runtime API answered %d to next" % status, flush=True)
            sys.exit(1)
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        JsonRecordFormatter.request_id = request_id
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        context = LambdaContext(
            request_id,
            int(headers.get("Lambda-Runtime-Deadline-Ms", "0")),
            headers.get("Lambda-Runtime-Invoked-Function-Arn"),
            optional_json(headers.get("Lambda-Runtime-Client-Context")),
            optional_json(headers.get("Lambda-Runtime-Cognito-Identity")),
        )
        try:
            event = json.loads(body) if body else None
            result = handler(event, context)
        except Exception as exc:
            payload = exception_payload(exc, request_id)
            report_error(payload, request_id)
            api.post("/invocation/%s/error" % request_id, payload, "Unhandled")
            continue
        try:
            answer = json.dumps(result).encode()
        except (TypeError, ValueError) as exc:
            payload = error_payload("Runtime.MarshalError", "Unable to marshal response: %s" % exc, [], request_id)
            api.post("/invocation/%s/error" % request_id, payload, "Runtime.MarshalError")
            continue
        sys.stdout.flush()
        api.post("/invocation/%s/response" % request_id, answer)


if __name__ == "__main__":
    main()
