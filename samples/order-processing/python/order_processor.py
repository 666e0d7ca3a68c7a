"""The order processor of the seed guide's section 2.6, as a Python Lambda handler: the twin of
order_processor.cpp. It processes each order and fails order 1002 with an exception ("Simulated
processing error."), so that message returns to the queue until the redrive policy moves it to the
dead-letter queue."""
import json


def handler(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        print(f"Processing Order ID: {order['order_id']} for Customer: {order['customer']} "
              f"Amount: {order['amount']}")
        if order["order_id"] == "1002":
            raise RuntimeError("Simulated processing error.")
    return None
