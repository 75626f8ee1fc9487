"""`souk-worker ga4 export` as a user runs it: against a throwaway PostgreSQL and a stand-in Measurement Protocol
endpoint on loopback (a few lines of Python: the contract itself is tested in Swift against LocalGA4Server). The
worker is killed with SIGKILL while Google holds its answer, started again under the same holder, and every purchase
and refund arrives, none twice except the one batch whose answer the kill cut off (GA4 dedupes that by
transaction_id); a second worker meanwhile finds the lease taken; a last run sends nothing."""
import contextlib
import json
import os
import subprocess
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORKER = os.environ.get("SOUK_WORKER",
                        os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "souk-worker"))


class FakeGA4:
    """Answers the debug path with no messages and the collect path with 204 after `delay` seconds, recording the
    collect bodies (as received, before answering: as Google would)."""

    def __init__(self, delay):
        self.delay = delay
        self.collected = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path.startswith("/debug/mp/collect"):
                    answer = b'{"validationMessages":[]}'
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                    return
                assert "api_secret=ga4-s3cret" in self.path and "measurement_id=G-PROC1" in self.path
                with fake.lock:
                    fake.collected.append(json.loads(body))
                time.sleep(fake.delay)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        with self.lock:
            return [(body["client_id"], event["name"], event["params"]["transaction_id"])
                    for body in self.collected for event in body["events"]]


TEST_POSTGRES = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "test-postgres")


@contextlib.contextmanager
def throwaway_postgres():
    """A PostgreSQL cluster of its own (as shop_bridge's, without importing grpc): its folder and URL."""
    folder = tempfile.mkdtemp(prefix="souk-pg-", dir="/tmp")

    def cluster(command):
        return subprocess.run([TEST_POSTGRES, command, folder], capture_output=True, text=True, timeout=180,
                              check=True).stdout.strip()

    try:
        yield folder, cluster("start")
    finally:
        cluster("stop")


def worker(url, endpoint, holder):
    env = dict(os.environ)
    env.update({"SOUK_GA4_API_SECRET": "ga4-s3cret", "SOUK_GA4_CLIENT_ID_KEY": "0123456789abcdef"})
    return subprocess.Popen(
        [WORKER, "ga4", "export", "--measurement-id", "G-PROC1", "--endpoint", endpoint, "--database-url", url,
         "--holder", holder],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def psql(url, query):
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", query], check=True, capture_output=True, timeout=60)


def test_ga4_export_survives_sigkill():
    with throwaway_postgres() as (_, url):
        fake = FakeGA4(delay=0.5)
        first = worker(url, fake.url, "w1")  # an empty schema: migrates, sends nothing
        out, err = first.communicate(timeout=120)
        assert first.returncode == 0, err
        assert "0 events sent" in out

        customers = [str(uuid.uuid4()) for _ in range(12)]
        orders = []
        values = []
        for index in range(60):
            order = str(uuid.uuid4())
            status = "refunded" if index % 10 == 0 else "paid"
            orders.append((order, status))
            values.append(f"('{order}', {index}, '{customers[index % 12]}', '{status}', 'KWD', 12345, 12345, 'KW', '',"
                          f" now() - interval '{index} minutes', now())")
        psql(url, "INSERT INTO analytics.orders (order_id, number, customer_id, status, currency, goods_total_minor,"
                  " total_minor, country, region, placed_at, updated_at) VALUES " + ", ".join(values))
        psql(url, "INSERT INTO analytics.order_lines SELECT order_id, 1, 'LAMP', 1, 12345, 12345 FROM analytics.orders")

        running = worker(url, fake.url, "w1")
        deadline = time.monotonic() + 120
        while len(fake.collected) < 3:
            assert time.monotonic() < deadline and running.poll() is None, "the worker ended before the kill"
            time.sleep(0.05)
        # Another worker finds the lease taken and leaves without sending.
        other = worker(url, fake.url, "w2")
        out, err = other.communicate(timeout=120)
        assert other.returncode == 0 and "another worker holds the lease" in out + err, out + err
        running.kill()  # while Google holds its answer to a collect
        running.wait(timeout=60)
        cut_off = len(fake.collected)

        fake.delay = 0
        again = worker(url, fake.url, "w1")
        out, err = again.communicate(timeout=300)
        assert again.returncode == 0, err

        events = fake.events()
        expected = {("purchase", order) for order, _ in orders} | \
            {("refund", order) for order, status in orders if status == "refunded"}
        assert {(name, order) for _, name, order in events} == expected
        # Nothing twice, except the batch whose answer the kill cut off.
        repeated = [event for event in set(events) if events.count(event) > 1]
        cut_batch = {(body["client_id"], event["name"], event["params"]["transaction_id"])
                     for body in fake.collected[cut_off - 1:cut_off] for event in body["events"]}
        assert set(repeated) <= cut_batch, repeated
        # Twelve customers: twelve client ids, none of them a customer id.
        assert len({client for client, _, _ in events}) == 12
        assert not {client for client, _, _ in events} & set(customers)
        # Every value exact in major units.
        assert all(event["params"]["value"] == 12.345 for body in fake.collected for event in body["events"])

        count = len(fake.collected)
        last = worker(url, fake.url, "w1")
        out, err = last.communicate(timeout=120)
        assert last.returncode == 0 and "0 events sent" in out, err
        assert len(fake.collected) == count
        fake.server.shutdown()
