"""Small loopback stand-ins for the credential endpoints sluice itself does not serve: a container
credentials endpoint (ECS's, or EKS Pod Identity's with its authorization token), the EC2 instance
metadata service (IMDSv2: a session token for every GET) and the IAM Identity Center portal
(GET /federation/credentials with x-amz-sso_bearer_token). Each hands out the keys it is given and
counts what it served; `lifetime_s` sets how long the credentials it answers claim to be valid."""

import datetime
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _iso(seconds_from_now):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds_from_now)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Fake:
    def __init__(self, keys, lifetime_s=3600):
        self.keys = keys  # (access key id, secret)
        self.lifetime_s = lifetime_s
        self.served = 0
        self.refused = 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._answer(self, "GET")

            def do_PUT(self):
                fake._answer(self, "PUT")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def credentials_json(self):
        with self.lock:
            self.served += 1
        return {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": self.keys[0],
                "SecretAccessKey": self.keys[1], "Token": "", "Expiration": _iso(self.lifetime_s)}

    @staticmethod
    def _send(handler, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _refuse(self, handler, status):
        with self.lock:
            self.refused += 1
        self._send(handler, status, "")


class ContainerEndpoint(_Fake):
    """GET /creds with Authorization equal to `token`."""

    def __init__(self, keys, token, lifetime_s=3600):
        self.token = token
        super().__init__(keys, lifetime_s)

    def _answer(self, handler, method):
        if method != "GET" or handler.path != "/creds":
            return self._refuse(handler, 404)
        if handler.headers.get("Authorization") != self.token:
            return self._refuse(handler, 401)
        body = self.credentials_json()
        del body["Token"]  # long-term keys carry no session token
        self._send(handler, 200, json.dumps(body))


class InstanceMetadata(_Fake):
    """IMDSv2 only: GETs without the session token are refused with 401."""

    TOKEN = "imds-session-token"

    def _answer(self, handler, method):
        prefix = "/latest/meta-data/iam/security-credentials/"
        if method == "PUT" and handler.path == "/latest/api/token":
            if not handler.headers.get("x-aws-ec2-metadata-token-ttl-seconds"):
                return self._refuse(handler, 400)
            return self._send(handler, 200, self.TOKEN, "text/plain")
        if handler.headers.get("x-aws-ec2-metadata-token") != self.TOKEN:
            return self._refuse(handler, 401)
        if handler.path == prefix:
            return self._send(handler, 200, "worker-role", "text/plain")
        if handler.path == prefix + "worker-role":
            body = self.credentials_json()
            del body["Token"]
            return self._send(handler, 200, json.dumps(body))
        self._refuse(handler, 404)


class SsoPortal(_Fake):
    """GetRoleCredentials for one account and role with one bearer token."""

    def __init__(self, keys, bearer, account, role):
        self.bearer, self.account, self.role = bearer, account, role
        super().__init__(keys)

    def _answer(self, handler, method):
        parsed = urllib.parse.urlparse(handler.path)
        query = urllib.parse.parse_qs(parsed.query)
        if method != "GET" or parsed.path != "/federation/credentials":
            return self._refuse(handler, 404)
        if handler.headers.get("x-amz-sso_bearer_token") != self.bearer:
            return self._refuse(handler, 401)
        if query.get("account_id") != [self.account] or query.get("role_name") != [self.role]:
            return self._refuse(handler, 403)
        with self.lock:
            self.served += 1
        expiration_ms = int((datetime.datetime.now(datetime.timezone.utc).timestamp() + 3600) * 1000)
        self._send(handler, 200, json.dumps({"roleCredentials": {
            "accessKeyId": self.keys[0], "secretAccessKey": self.keys[1], "sessionToken": "",
            "expiration": expiration_ms}}))
