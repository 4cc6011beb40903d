"""A tiny HTTP(S) endpoint the server delivers to (SNS subscriptions, CloudWatch Logs subscription
filters), for the end-to-end tests."""
import http.server
import json
import queue
import ssl
import threading
import time
import urllib.request


class Endpoint:
    """Each path is one subscriber: its answers are scripted (a list of statuses, then 200), what it
    receives is queued, and it confirms SNS subscriptions by fetching the SubscribeURL unless told
    not to."""

    def __init__(self, tls=None):
        self.received = {}
        self.scripts = {}
        self.confirm = {}
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                script = endpoint.scripts.get(self.path, [])
                status = script.pop(0) if script else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                endpoint.queue(self.path).put({"headers": dict(self.headers), "body": body.decode(), "status": status,
                                               "at": time.time()})
                if status == 200 and self.headers.get("x-amz-sns-message-type") == "SubscriptionConfirmation" \
                        and endpoint.confirm.get(self.path, True):
                    url = json.loads(body)["SubscribeURL"]
                    threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=10).read(), daemon=True).start()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.scheme = "http"
        if tls:  # (certificate chain file, key file)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def queue(self, path):
        return self.received.setdefault(path, queue.Queue())

    def url(self, path):
        return f"{self.scheme}://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def next(self, path, timeout=15):
        return self.queue(path).get(timeout=timeout)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
