"""The fleet tests' handler: records each batch's message bodies when it starts and when it is
done ("start WORKER BODY" / "done WORKER BODY" lines appended to FLEET_OUT), sleeping
FLEET_SLEEP seconds between the two, so a test can tell which messages a killed worker held."""
import os
import time


def record(kind, bodies):
    line = "".join("%s %s %s\n" % (kind, os.environ["FLEET_WORKER"], body) for body in bodies)
    # One write of a few hundred bytes with O_APPEND: lines of concurrent workers do not mix.
    fd = os.open(os.environ["FLEET_OUT"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def handler(event, context):
    bodies = [r["body"] for r in event["Records"]]
    record("start", bodies)
    time.sleep(float(os.environ.get("FLEET_SLEEP", "0")))
    record("done", bodies)
    return {}
