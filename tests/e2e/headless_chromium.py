"""Debian's Chromium driven headless through chromedriver's W3C WebDriver HTTP interface: just the
commands the console tests use (open a page, type into and click elements, run a script, read
cookies, take a screenshot), over urllib, with no client library."""
import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C key of an element reference


def available():
    return os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebDriverError(RuntimeError):
    pass


class Browser:
    """One headless Chromium with its own profile (so its own cookies)."""

    def __init__(self, width=1400, height=1000):
        self.port = _free_port()
        self.profile = tempfile.mkdtemp(prefix="citadel-chromium-")
        self.log = open(os.path.join(self.profile, "chromedriver.log"), "wb")
        self.driver = subprocess.Popen([CHROMEDRIVER, f"--port={self.port}"], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while True:
            try:
                if self._call("GET", "/status")["ready"]:
                    break
            except (OSError, WebDriverError):
                pass
            if time.time() > deadline:
                self.close()
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                f"--window-size={width},{height}", f"--user-data-dir={self.profile}/profile"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                                                 "goog:chromeOptions": {"binary": CHROMIUM, "args": args}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:
            raise WebDriverError(e.read().decode(errors="replace")) from None

    def _s(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    # Pages -------------------------------------------------------------------------------------
    def get(self, url):
        self._s("POST", "/url", {"url": url})

    @property
    def url(self):
        return self._s("GET", "/url")

    def source(self):
        return self._s("GET", "/source")

    def find(self, css):
        return self._s("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def type(self, css, text):
        """Replaces the input's value with `text`, typed key by key."""
        element = self.find(css)
        self._s("POST", f"/element/{element}/clear", {})
        self._s("POST", f"/element/{element}/value", {"text": text})

    def click(self, css):
        self._s("POST", f"/element/{self.find(css)}/click", {})

    def script(self, js, *args):
        return self._s("POST", "/execute/sync", {"script": js, "args": list(args)})

    def wait_for(self, js, *args, timeout=30, interval=0.25):
        """Runs `js` until it returns something truthy; returns that."""
        deadline = time.time() + timeout
        while True:
            value = self.script(js, *args)
            if value:
                return value
            if time.time() > deadline:
                raise AssertionError(f"timed out waiting for: {js}\n{self.source()[:3000]}")
            time.sleep(interval)

    def cookies(self):
        return self._s("GET", "/cookie")

    def delete_cookies(self):
        self._s("DELETE", "/cookie")

    def screenshot(self, path):
        png = base64.b64decode(self._s("GET", "/screenshot"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(png)
        return png

    def close(self):
        try:
            if getattr(self, "session", None):
                self._s("DELETE", "")
        except (OSError, WebDriverError):
            pass
        if self.driver.poll() is None:
            self.driver.terminate()
            try:
                self.driver.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.driver.kill()
                self.driver.wait()
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
