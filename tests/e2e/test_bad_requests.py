"""Wrong, expired, unsigned, malformed, oversized and hostile requests get AWS's errors, and the
server keeps serving."""
import datetime
import json
import socket
import unittest
import urllib.error
import urllib.request
from unittest import mock

import botocore.auth
import botocore.exceptions
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from citadel_harness import CitadelTestCase


class BadRequests(CitadelTestCase):
    def signed(self, service, body, headers, method="POST", path="/", region="us-east-1", secret=None):
        """A request signed by botocore's own SigV4 signer, sent with urllib; returns (status, headers, body)."""
        creds = Credentials(self.server.root["AccessKeyId"], secret or self.server.root["SecretAccessKey"])
        req = AWSRequest(method=method, url=self.server.endpoint + path, data=body, headers=headers)
        botocore.auth.SigV4Auth(creds, service, region).add_auth(req)
        return self.send(req.method, req.url, req.body, dict(req.headers.items()))

    def send(self, method, url, body, headers):
        data = body.encode() if isinstance(body, str) else body
        r = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(r, timeout=10) as resp:
                return resp.status, dict(resp.headers), resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()

    def assertStillServing(self):
        self.assertEqual(self.server.client("sts").get_caller_identity()["Account"], self.server.root["AccountId"])

    def test_wrong_secret_is_signature_does_not_match(self):
        sts = self.server.client("sts", secret="x" * 40)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            sts.get_caller_identity()
        self.assertAwsError(ctx, "SignatureDoesNotMatch", 403)

    def test_unknown_key_is_invalid_client_token_id(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.server.client("sts", key_id="AKIAAAAAAAAAAAAAAAAA").get_caller_identity()
        self.assertAwsError(ctx, "InvalidClientTokenId", 403)

    def test_unknown_key_on_a_json_service_is_unrecognized_client(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.server.client("cloudtrail", key_id="AKIAAAAAAAAAAAAAAAAA").lookup_events()
        self.assertAwsError(ctx, "UnrecognizedClientException", 403)

    def test_unsigned_request_is_missing_authentication_token(self):
        status, _, body = self.send("POST", self.server.endpoint + "/", "Action=GetCallerIdentity&Version=2011-06-15",
                                    {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 403)
        self.assertIn("<Code>MissingAuthenticationToken</Code>", body)

    def test_request_signed_twenty_minutes_ago_is_refused(self):
        past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
        with mock.patch("botocore.auth.get_current_datetime", return_value=past):
            status, _, body = self.signed("sts", "Action=GetCallerIdentity&Version=2011-06-15",
                                          {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 403)
        self.assertIn("<Code>SignatureDoesNotMatch</Code>", body)
        self.assertIn("Signature expired", body)

    def test_request_from_the_future_is_refused(self):
        future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=20)
        with mock.patch("botocore.auth.get_current_datetime", return_value=future):
            status, _, body = self.signed("sts", "Action=GetCallerIdentity&Version=2011-06-15",
                                          {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 403)
        self.assertIn("Signature not yet current", body)

    def test_incomplete_authorization_header(self):
        status, _, body = self.send("POST", self.server.endpoint + "/", "Action=GetCallerIdentity&Version=2011-06-15",
                                    {"Content-Type": "application/x-www-form-urlencoded",
                                     "X-Amz-Date": "20260101T000000Z",
                                     "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAAAAAAAAAAAAAAAAA/20260101/us-east-1/sts/aws4_request"})
        self.assertEqual(status, 403)
        self.assertIn("<Code>IncompleteSignature</Code>", body)

    def test_presigned_get_caller_identity(self):
        creds = Credentials(self.server.root["AccessKeyId"], self.server.root["SecretAccessKey"])
        req = AWSRequest(method="GET", url=self.server.endpoint + "/?Action=GetCallerIdentity&Version=2011-06-15")
        botocore.auth.SigV4QueryAuth(creds, "sts", "us-east-1", expires=60).add_auth(req)
        status, _, body = self.send("GET", req.url, None, {})
        self.assertEqual(status, 200, body)
        self.assertIn(f"<Account>{self.server.root['AccountId']}</Account>", body)
        tampered = req.url.replace("GetCallerIdentity", "GetCallerIdentitx")
        status, _, body = self.send("GET", tampered, None, {})
        self.assertEqual(status, 400 if "InvalidAction" in body else 403, body)

    def test_unknown_query_action_is_invalid_action(self):
        status, _, body = self.signed("iam", "Action=MakeMeAdmin&Version=2010-05-08",
                                      {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 400)
        self.assertIn("<Code>InvalidAction</Code>", body)

    def test_unknown_json_target_is_unknown_operation(self):
        status, headers, body = self.signed("cloudtrail", "{}", {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.MakeMeAdmin"})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["__type"], "UnknownOperationException")

    def test_known_operation_not_built_is_not_implemented_501(self):
        iam = self.server.client("iam")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            iam.list_open_id_connect_providers()
        self.assertAwsError(ctx, "NotImplemented", 501)

    def test_broken_json_body_is_serialization_exception(self):
        status, _, body = self.signed("cloudtrail", "{not json", {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["__type"], "SerializationException")
        self.assertStillServing()

    def test_wrong_json_types_are_rejected(self):
        status, _, body = self.signed("cloudtrail", '{"MaxResults": "ten"}', {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["__type"], "SerializationException")

    def test_missing_required_parameter_is_validation_error(self):
        status, _, body = self.signed("iam", "Action=CreateUser&Version=2010-05-08",
                                      {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 400)
        self.assertIn("<Code>ValidationError</Code>", body)
        self.assertIn("Value null at 'userName' failed to satisfy constraint: Member must not be null", body)

    def test_malformed_number_in_query_input(self):
        status, _, body = self.signed("iam", "Action=ListUsers&Version=2010-05-08&MaxItems=lots",
                                      {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 400)
        self.assertIn("MaxItems", body)

    def test_oversized_body_is_refused_with_413(self):
        body = "Action=GetCallerIdentity&Version=2011-06-15&Pad=" + "x" * (17 * 1024 * 1024)
        try:
            status, _, text = self.send("POST", self.server.endpoint + "/", body,
                                        {"Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(status, 413)
            self.assertIn("RequestEntityTooLarge", text)
        except (ConnectionError, urllib.error.URLError):
            pass  # the server may close before the client finishes sending; it must keep serving
        self.assertStillServing()

    def test_oversized_headers_are_refused(self):
        status, _, text = self.send("GET", self.server.endpoint + "/", None, {"X-Big": "y" * 20000})
        self.assertEqual(status, 431)
        self.assertStillServing()

    def test_garbage_bytes_get_400_and_server_keeps_serving(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(b"\x16\x03\x01\x00\xff garbage \r\n\r\n\x00\x01\x02")
            reply = s.recv(4096)
        self.assertTrue(reply.startswith(b"HTTP/1.1 400"), reply[:80])
        self.assertStillServing()

    def test_slow_client_does_not_block_others(self):
        slow = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
        slow.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nAct")
        try:
            # Served while the slow request is still incomplete (the client's own timeout guards a hang).
            self.assertStillServing()
        finally:
            slow.close()

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        for _ in range(5):
            conn.request("GET", "/_citadel/health")
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            resp.read()
        conn.close()


if __name__ == "__main__":
    unittest.main()
