# The Python handler of bench/run runtime-latency: answers with the event it got.
def handler(event, context):
    return event
