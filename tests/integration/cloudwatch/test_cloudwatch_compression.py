"""Gzip-compressed PutMetricData (Content-Encoding: gzip): what botocore sends when its request
compression applies (from botocore 1.31; skipped before), the same form compressed by hand, and a
decompression bomb refused as too large."""

import datetime
import gzip
import urllib.error
import urllib.parse
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config

from cloudwatch_env import BOUNDED, ENDPOINT, client


def unique(prefix):
    return prefix + "-" + uuid.uuid4().hex[:10]


def sum_of(cw, namespace, metric):
    now = datetime.datetime.now(datetime.timezone.utc)
    points = cw.get_metric_statistics(Namespace=namespace, MetricName=metric, Period=600, Statistics=["Sum"],
                                      StartTime=now - datetime.timedelta(minutes=5),
                                      EndTime=now + datetime.timedelta(minutes=2))["Datapoints"]
    return sum(p["Sum"] for p in points)


def post_gzip(body):
    request = urllib.request.Request(ENDPOINT + "/", data=gzip.compress(body), method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Content-Encoding": "gzip"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_botocore_request_compression_is_read():
    try:
        config = BOUNDED.merge(Config(request_min_compression_size_bytes=1))
    except TypeError:
        pytest.skip("this botocore has no request compression")
    cw = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=ENDPOINT, config=config)
    sent = []
    cw.meta.events.register("before-send.cloudwatch.PutMetricData",
                            lambda request, **kwargs: sent.append(request.headers.get("Content-Encoding")))
    ns = unique("Gzip")
    cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "Orders", "Value": float(v)} for v in range(1, 21)])
    assert sent == [b"gzip"] or sent == ["gzip"]
    assert sum_of(cw, ns, "Orders") == sum(range(1, 21))


def test_a_form_compressed_by_hand_is_read():
    ns = unique("Gzip")
    status, text = post_gzip(urllib.parse.urlencode({
        "Action": "PutMetricData", "Version": "2010-08-01", "Namespace": ns,
        "MetricData.member.1.MetricName": "Orders", "MetricData.member.1.Value": "42"}).encode())
    assert status == 200, text
    assert sum_of(client("cloudwatch"), ns, "Orders") == 42


def test_a_decompression_bomb_is_refused_as_too_large():
    status, text = post_gzip(b"Action=PutMetricData&Version=2010-08-01&Namespace=Bomb&" + b"x" * (64 * 1024 * 1024))
    assert status == 413, text
    assert "RequestEntityTooLarge" in text
