"""souk-worker recs build as a process, against a running soukd: orders placed through the bridge, copied into the
analytics schema by `souk-worker follow`, then `recs build` publishes the lists as a service account and the
recommendation service serves them; a service account without `recommendations.publish` is refused in one line."""
import os
import subprocess
import tempfile

from processes import stop
from shop_bridge import CATALOG, IDENTITY, ORDER_SERVICE, Bridge, open_shop, running_host, sign_in, throwaway_postgres
from test_worker_follow import WORKER, Worker, count, wait_until

RECOMMENDATIONS = "souk.recommendations.v1.RecommendationService"


def recs_build(host, url, client_id, secret):
    """`souk-worker recs build` run to its end: exit status, standard output, standard error."""
    done = subprocess.run(
        [os.path.abspath(WORKER), "recs", "build", "--host", "127.0.0.1", "--port", host.swp_port,
         "--ca", os.path.join(host.data, "tls", "ca.pem"), "--client-id", client_id, "--database-url", url],
        env=dict(os.environ, SOUK_WORKER_CLIENT_SECRET=secret), capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


def test_recs_build_publishes_what_the_service_serves():
    with throwaway_postgres() as (_, url), tempfile.TemporaryDirectory(prefix="souk-recs-", dir="/tmp") as folder:
        with running_host(folder, database_url=url, services="identity,catalog,recommendations") as host:
            bridge = Bridge(host.base_url)
            sku, emails = open_shop(bridge, host.admin_email, host.one_time_password, 100, 2)
            admin = sign_in(bridge, host.admin_email)
            product = bridge.call(CATALOG, "SearchProducts", {"query": "kettle"})["products"][0]["id"]
            # The first customer buys twice, the second not at all.
            buyer = sign_in(bridge, emails[0])
            for key in ("recs-order-1", "recs-order-2"):
                bridge.call(CATALOG, "SetCartLine", {"sku": sku, "quantity": 1}, buyer)
                bridge.call(ORDER_SERVICE, "PlaceOrder", {"idempotencyKey": key, "currency": "RUB"}, buyer)

            reader = bridge.call(IDENTITY, "CreateServiceAccount",
                                 {"name": "analytics-worker", "scopes": ["events.read"]}, admin)
            follower = Worker(host, url, reader["clientId"], reader["clientSecret"], folder)
            follower.start()
            wait_until(lambda: count(url, "SELECT count(*) FROM analytics.orders") >= 2
                       or follower.process.poll() is not None, 300, "the worker copies the two orders")
            stop(follower.process)
            assert count(url, "SELECT count(*) FROM analytics.orders") == 2, open(follower.log.name).read()[-3000:]

            # Nothing published yet: the buyer's own call answers version 0 and no products.
            before = bridge.call(RECOMMENDATIONS, "ForCustomer", {}, buyer)
            assert before.get("products", []) == [] and int(before.get("version", "0")) == 0, before

            # A service account that may read but not publish is refused, in one line, and nothing is published.
            code, out, err = recs_build(host, url, reader["clientId"], reader["clientSecret"])
            assert code == 1 and out == "", (code, out, err)
            lines = err.strip().splitlines()
            assert len(lines) == 1 and "recommendations.publish" in lines[0], err

            publisher = bridge.call(IDENTITY, "CreateServiceAccount",
                                    {"name": "recs-worker", "scopes": ["recommendations.publish"]}, admin)
            code, out, err = recs_build(host, url, publisher["clientId"], publisher["clientSecret"])
            assert code == 0, err[-3000:]
            assert out.startswith("published version ") and "1 customer lists" in out, out

            # The buyer's list is the kettle they bought twice; someone who bought nothing gets the popular list.
            mine = bridge.call(RECOMMENDATIONS, "ForCustomer", {}, buyer)
            assert int(mine["version"]) >= 1 and [p["productId"] for p in mine["products"]] == [product], mine
            other = bridge.call(RECOMMENDATIONS, "ForCustomer", {}, sign_in(bridge, emails[1]))
            assert [p["productId"] for p in other["products"]] == [product], other
            assert other["products"][0]["price"] == {"minorUnits": "100", "currency": "RUB"}, other
