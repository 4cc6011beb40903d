"""Amazon SNS with real clients. An operations team makes a topic for its pager, subscribes a small
HTTP endpoint with boto3; the endpoint is sent a signed SubscriptionConfirmation and confirms by
fetching its SubscribeURL (unsigned, as AWS allows); published messages arrive as signed
Notifications that verify against the certificate at SigningCertURL. An endpoint that answers 500
is retried by the delivery policy; a queued delivery survives kill -9. A CloudWatch alarm going to
ALARM pages the team through the topic. A user without SNS permissions gets AuthorizationError, bad
input gets SNS's errors, and the aws CLI works too."""
import base64
import json
import queue
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

import botocore.exceptions

from citadel_harness import CitadelTestCase, IamFixtures, Server
from http_endpoint import Endpoint


def string_to_sign(m):
    """AWS's documented string to sign, written here independently of the server."""
    keys = (["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] if m["Type"] == "Notification"
            else ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"])
    return "".join(f"{k}\n{m[k]}\n" for k in keys if k in m)


def signature_verifies(message):
    """Fetches SigningCertURL and checks the message's SignatureVersion 1 (SHA1withRSA) signature."""
    with urllib.request.urlopen(message["SigningCertURL"], timeout=5) as r:
        pem = r.read()
    data = string_to_sign(message).encode()
    signature = base64.b64decode(message["Signature"])
    try:
        from cryptography import x509
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
    except ImportError:
        return openssl_verifies(pem, data, signature)
    digest = hashes.SHA1() if message["SignatureVersion"] == "1" else hashes.SHA256()
    try:
        x509.load_pem_x509_certificate(pem).public_key().verify(signature, data, padding.PKCS1v15(), digest)
        return True
    except InvalidSignature:
        return False


def openssl_verifies(pem, data, signature):
    with tempfile.TemporaryDirectory() as d:
        for name, content in (("cert.pem", pem), ("data", data), ("sig", signature)):
            with open(f"{d}/{name}", "wb") as f:
                f.write(content)
        key = subprocess.run(["openssl", "x509", "-in", f"{d}/cert.pem", "-pubkey", "-noout"], capture_output=True, check=True).stdout
        with open(f"{d}/key.pem", "wb") as f:
            f.write(key)
        return subprocess.run(["openssl", "dgst", "-sha1", "-verify", f"{d}/key.pem", "-signature", f"{d}/sig", f"{d}/data"],
                              capture_output=True).returncode == 0


def tls_material(directory):
    """Two CAs, each with a certificate for 127.0.0.1: the server is told to trust the first only.
    Returns (trusted CA file, (chain, key) signed by it, (chain, key) signed by the other)."""
    import datetime
    import ipaddress
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    now = datetime.datetime.now(datetime.timezone.utc)

    def cert(subject, issuer, public_key, signing_key, ca, san=None):
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
             .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
             .not_valid_after(now + datetime.timedelta(days=1))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if san:
            b = b.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return b.sign(signing_key, hashes.SHA256())

    def write(name, data):
        path = f"{directory}/{name}"
        with open(path, "wb") as f:
            f.write(data)
        return path

    out = []
    for label in ("trusted", "stranger"):
        ca_key, leaf_key = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{label} test CA")])
        ca = cert(ca_name, ca_name, ca_key.public_key(), ca_key, True)
        leaf = cert(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]), ca_name, leaf_key.public_key(), ca_key,
                    False, [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
        pem = serialization.Encoding.PEM
        ca_file = write(f"{label}-ca.pem", ca.public_bytes(pem))
        chain = write(f"{label}-leaf.pem", leaf.public_bytes(pem) + ca.public_bytes(pem))
        key = write(f"{label}-leaf.key", leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                                serialization.NoEncryption()))
        out.append((ca_file, (chain, key)))
    return out[0][0], out[0][1], out[1][1]


TLS_DIR = tempfile.mkdtemp(prefix="citadel-sns-tls-")
TRUSTED_CA, TRUSTED_TLS, STRANGER_TLS = tls_material(TLS_DIR)

# Retries a second apart, so that the retry story takes seconds.
FAST_RETRIES = json.dumps({"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 3}})


class Sns(IamFixtures, CitadelTestCase):
    server_args = ("--sns-delivery-interval", "0.1", "--alarm-evaluation-interval", "3600", "--sns-ca-file", TRUSTED_CA)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.endpoint = Endpoint()
        cls.https = Endpoint(tls=TRUSTED_TLS)
        cls.stranger = Endpoint(tls=STRANGER_TLS)

    @classmethod
    def tearDownClass(cls):
        for e in (cls.endpoint, cls.https, cls.stranger):
            e.stop()
        shutil.rmtree(TLS_DIR, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        self.sns = self.server.client("sns")
        self.iam = self.server.client("iam")
        self.account = self.server.root["AccountId"]

    def error(self, call, code, status, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            call(**kw)
        return self.assertAwsError(ctx, code, status)

    def subscribed(self, topic, path, **attributes):
        """Subscribes the endpoint's `path` and waits until it has confirmed; returns the ARN."""
        pending = self.sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=self.endpoint.url(path), Attributes=attributes)
        self.assertEqual(pending["SubscriptionArn"], "pending confirmation")
        confirmation = self.endpoint.next(path)
        self.assertEqual(confirmation["headers"]["x-amz-sns-message-type"], "SubscriptionConfirmation")
        deadline = time.time() + 10
        while time.time() < deadline:
            subs = self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
            confirmed = [s["SubscriptionArn"] for s in subs if s["Endpoint"] == self.endpoint.url(path)
                         and s["SubscriptionArn"] != "PendingConfirmation"]
            if confirmed:
                return confirmed[0]
            time.sleep(0.1)
        self.fail("the endpoint's confirmation did not take")

    def test_topics_are_created_once_described_changed_tagged_listed_and_deleted(self):
        arn = self.sns.create_topic(Name="pager", Tags=[{"Key": "team", "Value": "ops"}])["TopicArn"]
        self.assertEqual(arn, f"arn:aws:sns:us-east-1:{self.account}:pager")
        # CreateTopic is idempotent by name; other attributes or tags are refused.
        self.assertEqual(self.sns.create_topic(Name="pager")["TopicArn"], arn)
        self.assertEqual(self.sns.create_topic(Name="pager", Tags=[{"Key": "team", "Value": "ops"}])["TopicArn"], arn)
        err = self.error(self.sns.create_topic, "InvalidParameter", 400, Name="pager", Attributes={"DisplayName": "other"})
        self.assertIn("Topic already exists with different attributes", err["Error"]["Message"])
        attrs = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual((attrs["TopicArn"], attrs["Owner"], attrs["SubscriptionsConfirmed"]), (arn, self.account, "0"))
        policy = json.loads(attrs["Policy"])
        statement = policy["Statement"][0]
        self.assertEqual(statement["Condition"], {"StringEquals": {"AWS:SourceOwner": self.account}})
        self.assertIn("SNS:Publish", statement["Action"])
        self.assertEqual(statement["Resource"], arn)
        effective = json.loads(attrs["EffectiveDeliveryPolicy"])
        self.assertEqual(effective["http"]["defaultHealthyRetryPolicy"]["numRetries"], 3)
        self.assertEqual(effective["http"]["defaultHealthyRetryPolicy"]["minDelayTarget"], 20)
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Ops pager")
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="DeliveryPolicy",
                                      AttributeValue=json.dumps({"http": {"defaultHealthyRetryPolicy": {"numRetries": 5}}}))
        attrs = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(attrs["DisplayName"], "Ops pager")
        self.assertEqual(json.loads(attrs["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]["numRetries"], 5)
        self.error(self.sns.set_topic_attributes, "InvalidParameter", 400, TopicArn=arn, AttributeName="DeliveryPolicy",
                   AttributeValue=json.dumps({"http": {"defaultHealthyRetryPolicy": {"numRetries": 500}}}))
        self.error(self.sns.set_topic_attributes, "InvalidParameter", 400, TopicArn=arn, AttributeName="Policy",
                   AttributeValue="{not a policy")
        self.error(self.sns.set_topic_attributes, "InvalidParameter", 400, TopicArn=arn, AttributeName="Colour", AttributeValue="red")
        self.sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
        self.sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
        self.assertEqual(self.sns.list_tags_for_resource(ResourceArn=arn)["Tags"], [{"Key": "env", "Value": "prod"}])
        self.error(self.sns.list_tags_for_resource, "ResourceNotFound", 404, ResourceArn=arn + "-gone")
        self.error(self.sns.tag_resource, "TagLimitExceeded", 400, ResourceArn=arn,
                   Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
        # ListTopics pages by 100.
        for i in range(101):
            self.sns.create_topic(Name=f"page-{i:03d}")
        first = self.sns.list_topics()
        self.assertEqual(len(first["Topics"]), 100)
        second = self.sns.list_topics(NextToken=first["NextToken"])
        self.assertNotIn("NextToken", second)
        names = {t["TopicArn"].rsplit(":", 1)[1] for t in first["Topics"] + second["Topics"]}
        self.assertTrue({f"page-{i:03d}" for i in range(101)} | {"pager"} <= names)
        for i in range(101):
            self.sns.delete_topic(TopicArn=f"arn:aws:sns:us-east-1:{self.account}:page-{i:03d}")
        self.sns.delete_topic(TopicArn=arn)
        self.sns.delete_topic(TopicArn=arn)  # deleting what is gone is not an error
        self.error(self.sns.get_topic_attributes, "NotFound", 404, TopicArn=arn)

    def test_a_subscribed_endpoint_confirms_and_receives_signed_notifications(self):
        topic = self.sns.create_topic(Name="deploys")["TopicArn"]
        pending = self.sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=self.endpoint.url("/deploys"))
        self.assertEqual(pending["SubscriptionArn"], "pending confirmation")
        confirmation = self.endpoint.next("/deploys")
        headers, body = confirmation["headers"], json.loads(confirmation["body"])
        self.assertEqual(headers["x-amz-sns-message-type"], "SubscriptionConfirmation")
        self.assertEqual(headers["x-amz-sns-topic-arn"], topic)
        self.assertEqual(headers["x-amz-sns-message-id"], body["MessageId"])
        self.assertEqual(headers["Content-Type"], "text/plain; charset=UTF-8")
        self.assertEqual(headers["User-Agent"], "Amazon Simple Notification Service Agent")
        for member in ("Type", "MessageId", "Token", "TopicArn", "Message", "SubscribeURL", "Timestamp", "SignatureVersion",
                       "Signature", "SigningCertURL"):
            self.assertIn(member, body)
        self.assertEqual(body["SignatureVersion"], "1")
        self.assertTrue(signature_verifies(body))
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(body["SubscribeURL"]).query))
        self.assertEqual((query["Action"], query["TopicArn"], query["Token"]), ("ConfirmSubscription", topic, body["Token"]))
        # The endpoint fetched the SubscribeURL (unsigned); the subscription is confirmed.
        deadline = time.time() + 10
        while time.time() < deadline:
            subs = self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
            if subs and subs[0]["SubscriptionArn"] != "PendingConfirmation":
                break
            time.sleep(0.1)
        sub = subs[0]["SubscriptionArn"]
        self.assertTrue(sub.startswith(topic + ":"))
        self.assertIn(sub, [s["SubscriptionArn"] for s in self.sns.list_subscriptions()["Subscriptions"]])
        attrs = self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
        self.assertEqual((attrs["PendingConfirmation"], attrs["ConfirmationWasAuthenticated"], attrs["Protocol"]), ("false", "false", "http"))
        # The unsigned confirmation is in the topic owner's audit trail, as an anonymous call.
        events = self.server.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "ConfirmSubscription"}])["Events"]
        record = json.loads(events[0]["CloudTrailEvent"])
        self.assertEqual(record["userIdentity"]["accountId"], "ANONYMOUS_PRINCIPAL")
        self.assertEqual(record["eventSource"], "sns.amazonaws.com")

        sent = self.sns.publish(TopicArn=topic, Subject="Deploy finished", Message="v42 is live",
                                MessageAttributes={"env": {"DataType": "String", "StringValue": "prod"},
                                                   "build": {"DataType": "Number", "StringValue": "42"}})
        note = self.endpoint.next("/deploys")
        headers, body = note["headers"], json.loads(note["body"])
        self.assertEqual(headers["x-amz-sns-message-type"], "Notification")
        self.assertEqual(headers["x-amz-sns-subscription-arn"], sub)
        self.assertEqual(body["MessageId"], sent["MessageId"])
        self.assertEqual((body["Subject"], body["Message"], body["TopicArn"]), ("Deploy finished", "v42 is live", topic))
        self.assertEqual(body["MessageAttributes"], {"env": {"Type": "String", "Value": "prod"},
                                                     "build": {"Type": "Number", "Value": "42"}})
        self.assertTrue(signature_verifies(body))
        tampered = dict(body, Message="v43 is live")
        self.assertFalse(signature_verifies(tampered))
        # MessageStructure=json: the http entry for http subscribers.
        self.sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "plain", "http": "for http"}))
        self.assertEqual(json.loads(self.endpoint.next("/deploys")["body"])["Message"], "for http")
        # The UnsubscribeURL works unsigned, as AWS's does.
        urllib.request.urlopen(body["UnsubscribeURL"], timeout=5).read()
        self.assertEqual(self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"], [])
        self.assertEqual(self.sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsDeleted"], "1")

    def test_confirming_through_the_api_and_raw_delivery(self):
        topic = self.sns.create_topic(Name="audit-feed")["TopicArn"]
        self.endpoint.confirm["/raw"] = False
        arn = self.sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=self.endpoint.url("/raw"),
                                 Attributes={"RawMessageDelivery": "true"}, ReturnSubscriptionArn=True)["SubscriptionArn"]
        token = json.loads(self.endpoint.next("/raw")["body"])["Token"]
        self.error(self.sns.confirm_subscription, "InvalidParameter", 400, TopicArn=topic, Token="not-the-token")
        confirmed = self.sns.confirm_subscription(TopicArn=topic, Token=token, AuthenticateOnUnsubscribe="true")
        self.assertEqual(confirmed["SubscriptionArn"], arn)
        attrs = self.sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
        self.assertEqual((attrs["ConfirmationWasAuthenticated"], attrs["RawMessageDelivery"]), ("true", "true"))
        self.sns.publish(TopicArn=topic, Message="just the bytes")
        note = self.endpoint.next("/raw")
        self.assertEqual(note["body"], "just the bytes")
        self.assertEqual(note["headers"]["x-amz-sns-rawdelivery"], "true")
        # A subscription confirmed with AuthenticateOnUnsubscribe needs a signed Unsubscribe.
        url = f"{self.server.endpoint}/?Action=Unsubscribe&SubscriptionArn={urllib.parse.quote(arn, safe='')}"
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(url, timeout=5)
        self.assertEqual(ctx.exception.code, 403)
        self.assertIn(b"AuthorizationError", ctx.exception.read())
        self.sns.unsubscribe(SubscriptionArn=arn)
        self.error(self.sns.get_subscription_attributes, "NotFound", 404, SubscriptionArn=arn)

    def test_a_failing_endpoint_is_retried_by_the_delivery_policy(self):
        topic = self.sns.create_topic(Name="flaky")["TopicArn"]
        sub = self.subscribed(topic, "/flaky", DeliveryPolicy=FAST_RETRIES)
        policy = json.loads(self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["EffectiveDeliveryPolicy"])
        self.assertEqual(policy["healthyRetryPolicy"]["minDelayTarget"], 1)
        self.endpoint.scripts["/flaky"] = [500, 503]
        message_id = self.sns.publish(TopicArn=topic, Message="eventually")["MessageId"]
        attempts = [self.endpoint.next("/flaky") for _ in range(3)]
        self.assertEqual([a["status"] for a in attempts], [500, 503, 200])
        self.assertEqual({json.loads(a["body"])["MessageId"] for a in attempts}, {message_id})
        gaps = [b["at"] - a["at"] for a, b in zip(attempts, attempts[1:])]
        self.assertTrue(all(0.8 < g < 5 for g in gaps), gaps)
        # 4xx answers (but 429) end the delivery at once: no retry.
        self.endpoint.scripts["/flaky"] = [404]
        self.sns.publish(TopicArn=topic, Message="refused")
        self.assertEqual(self.endpoint.next("/flaky")["status"], 404)
        with self.assertRaises(queue.Empty):
            self.endpoint.next("/flaky", timeout=2.5)
        # The retries end when the policy does: 1 attempt + 3 retries.
        self.endpoint.scripts["/flaky"] = [500] * 10
        self.sns.publish(TopicArn=topic, Message="never")
        self.assertEqual([self.endpoint.next("/flaky")["status"] for _ in range(4)], [500] * 4)
        with self.assertRaises(queue.Empty):
            self.endpoint.next("/flaky", timeout=2.5)
        self.endpoint.scripts["/flaky"] = []

    def test_an_alarm_going_to_alarm_pages_through_the_topic(self):
        topic = self.sns.create_topic(Name="oncall")["TopicArn"]
        self.subscribed(topic, "/oncall")
        cw = self.server.client("cloudwatch")
        cw.put_metric_alarm(AlarmName="checkout errors", AlarmDescription="5xx from checkout", Namespace="Shop",
                            MetricName="Errors", Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=10,
                            ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic],
                            Dimensions=[{"Name": "Service", "Value": "checkout"}])
        cw.set_alarm_state(AlarmName="checkout errors", StateValue="ALARM", StateReason="Threshold Crossed: drill")
        note = self.endpoint.next("/oncall")
        body = json.loads(note["body"])
        self.assertEqual(body["Subject"], 'ALARM: "checkout errors" in US East (N. Virginia)')
        self.assertTrue(signature_verifies(body))
        alarm = json.loads(body["Message"])
        self.assertEqual((alarm["AlarmName"], alarm["AlarmDescription"], alarm["AWSAccountId"]),
                         ("checkout errors", "5xx from checkout", self.account))
        self.assertEqual((alarm["NewStateValue"], alarm["NewStateReason"]), ("ALARM", "Threshold Crossed: drill"))
        self.assertEqual(alarm["OldStateValue"], "INSUFFICIENT_DATA")
        self.assertEqual(alarm["Region"], "US East (N. Virginia)")
        self.assertEqual(alarm["AlarmArn"], f"arn:aws:cloudwatch:us-east-1:{self.account}:alarm:checkout errors")
        self.assertRegex(alarm["StateChangeTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")
        trigger = alarm["Trigger"]
        self.assertEqual((trigger["MetricName"], trigger["Namespace"], trigger["Statistic"], trigger["Threshold"]),
                         ("Errors", "Shop", "SUM", 10.0))
        self.assertEqual(trigger["Dimensions"], [{"value": "checkout", "name": "Service"}])
        history = cw.describe_alarm_history(AlarmName="checkout errors", HistoryItemType="Action")["AlarmHistoryItems"]
        self.assertEqual(history[0]["HistorySummary"], f"Successfully executed action {topic}")
        # A topic that does not exist: the action is recorded as failed.
        gone = f"arn:aws:sns:us-east-1:{self.account}:no-such-topic"
        cw.put_metric_alarm(AlarmName="orphan", Namespace="Shop", MetricName="Errors", Statistic="Sum", Period=60,
                            EvaluationPeriods=1, Threshold=10, ComparisonOperator="GreaterThanThreshold", AlarmActions=[gone])
        cw.set_alarm_state(AlarmName="orphan", StateValue="ALARM", StateReason="drill")
        history = cw.describe_alarm_history(AlarmName="orphan", HistoryItemType="Action")["AlarmHistoryItems"]
        self.assertIn("Topic does not exist", history[0]["HistorySummary"])
        self.assertEqual(json.loads(history[0]["HistoryData"])["actionState"], "Failed")
        cw.delete_alarms(AlarmNames=["checkout errors", "orphan"])

    def test_a_user_without_sns_permissions_gets_authorization_error(self):
        topic = self.sns.create_topic(Name="private")["TopicArn"]
        self.make_user("intern")
        key = self.iam.create_access_key(UserName="intern")["AccessKey"]
        sns = self.server.client("sns", key["AccessKeyId"], key["SecretAccessKey"])
        err = self.error(sns.publish, "AuthorizationError", 403, TopicArn=topic, Message="hi")
        self.assertEqual(err["Error"]["Message"],
                         f"User: arn:aws:iam::{self.account}:user/intern is not authorized to perform: SNS:Publish on resource: "
                         f"{topic} because no identity-based policy allows the SNS:Publish action")
        self.error(sns.create_topic, "AuthorizationError", 403, Name="mine")
        self.error(sns.list_topics, "AuthorizationError", 403)
        # Allowed to publish to this topic only.
        self.iam.put_user_policy(UserName="intern", PolicyName="publish", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": topic}]}))
        self.assertIn("MessageId", sns.publish(TopicArn=topic, Message="hi"))
        self.error(sns.get_topic_attributes, "AuthorizationError", 403, TopicArn=topic)
        # The topic's own policy can deny what IAM allows.
        deny = {"Version": "2012-10-17", "Statement": [
            {"Sid": "owner", "Effect": "Allow", "Principal": {"AWS": self.account}, "Action": "SNS:*", "Resource": topic},
            {"Sid": "no-interns", "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{self.account}:user/intern"},
             "Action": "SNS:Publish", "Resource": topic}]}
        self.sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(deny))
        err = self.error(sns.publish, "AuthorizationError", 403, TopicArn=topic, Message="hi")
        self.assertIn("explicit deny in a resource-based policy", err["Error"]["Message"])
        events = self.server.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "intern"}])["Events"]
        self.assertIn("AuthorizationError", {json.loads(e["CloudTrailEvent"]).get("errorCode") for e in events})

    def test_bad_input_gets_sns_errors(self):
        missing = f"arn:aws:sns:us-east-1:{self.account}:nope"
        self.assertEqual(self.error(self.sns.get_topic_attributes, "NotFound", 404, TopicArn=missing)["Error"]["Message"],
                         "Topic does not exist")
        self.error(self.sns.publish, "NotFound", 404, TopicArn=missing, Message="x")
        self.error(self.sns.subscribe, "NotFound", 404, TopicArn=missing, Protocol="http", Endpoint="http://127.0.0.1/")
        self.error(self.sns.get_topic_attributes, "InvalidParameter", 400, TopicArn="not-an-arn")
        self.error(self.sns.get_topic_attributes, "InvalidParameter", 400, TopicArn=missing.replace("us-east-1", "eu-west-1"))
        self.error(self.sns.create_topic, "InvalidParameter", 400, Name="has spaces")
        err = self.error(self.sns.create_topic, "InvalidParameter", 400, Name="orders.fifo", Attributes={"FifoTopic": "true"})
        self.assertIn("FIFO", err["Error"]["Message"])
        self.error(self.sns.create_topic, "NotImplemented", 501, Name="encrypted", Attributes={"KmsMasterKeyId": "alias/aws/sns"})
        topic = self.sns.create_topic(Name="inputs")["TopicArn"]
        self.error(self.sns.subscribe, "InvalidParameter", 400, TopicArn=topic, Protocol="email", Endpoint="ops@example.com")
        self.error(self.sns.subscribe, "InvalidParameter", 400, TopicArn=topic, Protocol="carrier-pigeon", Endpoint="x")
        self.error(self.sns.subscribe, "InvalidParameter", 400, TopicArn=topic, Protocol="http", Endpoint="https://example.com/")
        self.error(self.sns.subscribe, "InvalidParameter", 400, TopicArn=topic, Protocol="http", Endpoint="http://")
        self.error(self.sns.publish, "InvalidParameter", 400, TopicArn=topic, Message="")
        self.error(self.sns.publish, "InvalidParameter", 400, TopicArn=topic, Message="x", Subject="line\nbreak")
        self.error(self.sns.publish, "InvalidParameter", 400, TopicArn=topic, Message="x" * 262145)
        self.error(self.sns.publish, "InvalidParameter", 400, TopicArn=topic, Message="{}", MessageStructure="json")
        self.error(self.sns.publish, "InvalidParameter", 400, TopicArn=topic, Message="x",
                   MessageAttributes={"n": {"DataType": "Number", "StringValue": "many"}})
        self.error(self.sns.publish, "InvalidParameter", 400, TopicArn=topic, Message="x",
                   MessageAttributes={"AWS.reserved": {"DataType": "String", "StringValue": "v"}})
        self.error(self.sns.publish, "NotImplemented", 501, PhoneNumber="+15555550100", Message="x")
        self.error(self.sns.get_subscription_attributes, "NotFound", 404, SubscriptionArn=topic + ":0e3f1b7e-8c1a-4c35-9a4d-1f1f1f1f1f1f")
        self.error(self.sns.unsubscribe, "InvalidParameter", 400, SubscriptionArn="nonsense")
        self.error(self.sns.list_topics, "InvalidParameter", 400, NextToken="!!!")
        self.error(self.sns.create_platform_application, "NotImplemented", 501, Name="app", Platform="GCM",
                   Attributes={"PlatformCredential": "key"})

    def test_https_endpoints_must_present_a_trusted_certificate(self):
        topic = self.sns.create_topic(Name="secure")["TopicArn"]
        self.sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=self.https.url("/secure"))
        confirmation = self.https.next("/secure")
        self.assertTrue(signature_verifies(json.loads(confirmation["body"])))
        # The endpoint confirms over plain HTTP to Citadel; the subscription is then delivered to.
        deadline = time.time() + 10
        while self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0]["SubscriptionArn"] == "PendingConfirmation":
            self.assertLess(time.time(), deadline)
            time.sleep(0.1)
        self.sns.publish(TopicArn=topic, Message="over TLS")
        self.assertEqual(json.loads(self.https.next("/secure")["body"])["Message"], "over TLS")
        # A certificate from a CA Citadel does not trust: nothing is delivered.
        self.sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=self.stranger.url("/untrusted"))
        with self.assertRaises(queue.Empty):
            self.stranger.next("/untrusted", timeout=2)

    def test_the_aws_cli_publishes_too(self):
        rc, out, err = self.server.aws_v1("sns", "create-topic", "--name", "cli-topic")
        self.assertEqual(rc, 0, err)
        topic = out["TopicArn"]
        self.subscribed(topic, "/cli")
        rc, out, err = self.server.aws_v1("sns", "publish", "--topic-arn", topic, "--message", "from the command line")
        self.assertEqual(rc, 0, err)
        body = json.loads(self.endpoint.next("/cli")["body"])
        self.assertEqual((body["MessageId"], body["Message"]), (out["MessageId"], "from the command line"))
        rc, out, err = self.server.aws_v1("sns", "list-subscriptions-by-topic", "--topic-arn", topic)
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out["Subscriptions"]), 1)


class SnsDurability(unittest.TestCase):
    """A message acknowledged by Publish is delivered even when the server dies (kill -9) before the
    endpoint takes it."""

    def test_a_queued_delivery_survives_kill_9(self):
        endpoint = Endpoint()
        server = Server(extra_args=("--sns-delivery-interval", "0.1")).start()
        try:
            server.read_root_credentials()
            sns = server.client("sns")
            topic = sns.create_topic(Name="durable")["TopicArn"]
            sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url("/durable"),
                          Attributes={"DeliveryPolicy": json.dumps(
                              {"healthyRetryPolicy": {"minDelayTarget": 2, "maxDelayTarget": 2, "numRetries": 20}})})
            self.assertEqual(endpoint.next("/durable")["headers"]["x-amz-sns-message-type"], "SubscriptionConfirmation")
            deadline = time.time() + 10
            while sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0]["SubscriptionArn"] == "PendingConfirmation":
                self.assertLess(time.time(), deadline)
                time.sleep(0.1)
            endpoint.scripts["/durable"] = [503] * 100  # down for maintenance
            message_id = sns.publish(TopicArn=topic, Message="survive this")["MessageId"]
            self.assertEqual(endpoint.next("/durable")["status"], 503)
            time.sleep(0.5)  # the failed attempt is recorded (else its claim's lease holds it for 45 s)
            server.stop(signal.SIGKILL)
            endpoint.scripts["/durable"] = []  # back up
            server.start()
            body = json.loads(endpoint.next("/durable", timeout=20)["body"])
            self.assertEqual((body["MessageId"], body["Message"]), (message_id, "survive this"))
            self.assertTrue(signature_verifies(body))
        finally:
            server.stop()
            server.cleanup()
            endpoint.stop()


if __name__ == "__main__":
    unittest.main()
