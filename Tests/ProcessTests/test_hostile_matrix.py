"""The hostile matrix (issue 17, item 4): a running soukd attacked from outside, group by group, through each of its
three doors (the bridge's Connect JSON, gRPC over HTTP/2, SWP): forged and stale tokens, one customer's ids in
another's calls, CSRF and CORS, path traversal on the page's files, malformed and oversized input. Every answer
must be the expected status with a message, and after each group health is SERVING and a signed-in call works.

One soukd (identity, catalog, payments and delivery on its embedded PostgreSQL, demo seed) serves the whole module.
Run by scripts/test; SOUKD names the built binary.
"""
import hashlib
import hmac
import json
import struct
import time
import uuid

import grpc
import pytest
from grpc_health.v1 import health_pb2
from hostile import (CATALOG, DELIVERY, DOORS, IDENTITY, ORDERS, PAYMENTS, ForeignSigner, SteadyCaller, b64url,
                     b64url_decode, running_shop)
from processes import health
from swp_minimal_client import field_bytes

ADDRESS = {"recipient": "Anna Hostile", "line1": "Tverskaya 1", "city": "Moscow", "postalCode": "101000",
           "country": "RU", "region": "Moscow", "phone": "+7 999 123-45-67"}
# Signed-in calls used as probes: one answered by identity, one by the catalog's interceptor.
PROBES = [(IDENTITY, "GetMyAccount", {}), (ORDERS, "ListMyOrders", {})]


@pytest.fixture(scope="module")
def shop():
    with running_shop() as shop:
        yield shop


def wait_until(what, condition, timeout=60):
    """Checks `condition` until it is truthy (generous: a loaded machine is slow, never wrong); its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting until {what}")


def serving_problems(shop, email="customer09@demo.souk.local"):
    """What is wrong with soukd after a group: health must say SERVING over grpcio, and a customer who just signed
    in must be answered at every door."""
    if shop.process.poll() is not None:
        return [f"soukd exited with {shop.process.returncode}\n{shop.log_tail()}"]
    problems = []
    status = health(shop.grpc_port, shop.data)
    if status != health_pb2.HealthCheckResponse.SERVING:
        problems.append(f"health says {health_pb2.HealthCheckResponse.ServingStatus.Name(status)}")
    token = shop.login(email)["accessToken"]
    for door in DOORS:
        answer = shop.call(door, IDENTITY, "GetMyAccount", token=token)
        if answer.code != "ok" or answer.body["account"]["email"] != email:
            problems.append(f"a signed-in GetMyAccount after the group: {answer!r}")
    return problems


def refusal_problem(answer, codes, http_statuses=None):
    """What is wrong with `answer` as a refusal with one of `codes` (None when nothing is)."""
    if answer.code not in codes:
        return f"{answer!r}: expected {' or '.join(codes)}"
    if not answer.message.strip():
        return f"{answer!r}: no message"
    if answer.door == "bridge" and http_statuses and answer.http_status not in http_statuses:
        return f"{answer!r}: expected HTTP {http_statuses}"
    return None


# --- 1. tokens ---------------------------------------------------------------------------------------------------

def jwt_parts(token):
    header, payload, signature = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload)), signature


def encode_jwt(header, claims, signature=""):
    return f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}.{signature}"


def hs256(header, claims, secret):
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    return signing_input + "." + b64url(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())


def refused_everywhere(shop, token, problems, what):
    """Every probe at every door refuses `token` with UNAUTHENTICATED (bridge: 401) and a message."""
    for door in DOORS:
        for service, method, body in PROBES:
            answer = shop.call(door, service, method, body, token=token)
            problem = refusal_problem(answer, ["unauthenticated"], [401])
            if problem:
                problems.append(f"{what}, {service.split('.')[-1]}/{method}: {problem}")


def test_forged_and_stale_tokens_are_unauthenticated_at_every_door(shop):
    a = shop.login("customer01@demo.souk.local")
    b = shop.login("customer02@demo.souk.local")
    header, claims, signature = jwt_parts(a["accessToken"])
    assert header["alg"] == "EdDSA" and header["kid"], header
    jwks = json.loads(shop.call("bridge", IDENTITY, "GetJwks").body["jwksJson"])
    public = next(key for key in jwks["keys"] if key["kid"] == header["kid"])
    now = int(time.time())

    # Controls: the genuine token is accepted everywhere, so each refusal below is the forgery's doing.
    for door in DOORS:
        for service, method, body in PROBES:
            assert shop.call(door, service, method, body, token=a["accessToken"]).code == "ok", (door, method)

    forged = {
        "alg none": encode_jwt({"alg": "none", "typ": "JWT"}, claims),
        "alg none naming the real kid": encode_jwt({"alg": "none", "kid": header["kid"], "typ": "JWT"}, claims),
        "alg none with the genuine signature": encode_jwt({"alg": "none", "kid": header["kid"]}, claims, signature),
        "HS256 keyed with the JWKS public key's bytes": hs256({"alg": "HS256", "kid": header["kid"], "typ": "JWT"},
                                                              claims, b64url_decode(public["x"])),
        "HS256 keyed with the JWKS x text": hs256({"alg": "HS256", "kid": header["kid"], "typ": "JWT"}, claims,
                                                  public["x"].encode()),
        "HS256 keyed with the whole JWK": hs256({"alg": "HS256", "kid": header["kid"], "typ": "JWT"}, claims,
                                                json.dumps(public, sort_keys=True).encode()),
        "roles changed to admin, signature kept": encode_jwt(header, {**claims, "roles": ["admin"]}, signature),
        "sub changed to another customer, signature kept": encode_jwt(header, {**claims, "sub": b["account"]["id"]},
                                                                       signature),
        "expiry pushed a day on, signature kept": encode_jwt(header, {**claims, "exp": claims["exp"] + 86400},
                                                             signature),
        "signature removed": encode_jwt(header, claims),
        "another token's signature": ".".join(a["accessToken"].split(".")[:2] + [b["accessToken"].split(".")[2]]),
        "not a JWT": "not-a-jwt",
    }
    problems = []
    for what, token in forged.items():
        refused_everywhere(shop, token, problems, what)
    # A bare "Bearer" and the genuine token in another scheme or glued to the word: no caller at any door.
    for authorization in ["Bearer", "Bearer ", f"Basic {a['accessToken']}", f"bearer{a['accessToken']}",
                          f"Token {a['accessToken']}"]:
        answer = shop.bridge(IDENTITY, "GetMyAccount", b"{}", headers={"Authorization": authorization})
        problem = refusal_problem(answer, ["unauthenticated"], [401])
        if problem:
            problems.append(f"authorization {authorization[:12]!r}…: {problem}")
    for door in ("grpc", "swp"):
        for authorization in ["Bearer", "Bearer ", f"Basic {a['accessToken']}", f"bearer{a['accessToken']}",
                              f"Token {a['accessToken']}"]:
            answer = shop.raw(door, IDENTITY, "GetMyAccount", b"", authorization=authorization)
            problem = refusal_problem(answer, ["unauthenticated"])
            if problem:
                problems.append(f"authorization {authorization[:12]!r}…: {problem}")

    # Expired, and issued by someone else: signed by a key the server holds (put there as an old key of its own),
    # so the signature verifies and only the claim is at fault; a fresh token of that key is the control.
    signer = ForeignSigner(shop, shop.folder)
    try:
        fresh = {**claims, "jti": str(uuid.uuid4()), "iat": now, "exp": now + 600}
        control = signer.sign(fresh)
        wait_until("a token of the inserted key is accepted (keys reload at most once a second)",
                   lambda: shop.call("bridge", IDENTITY, "GetMyAccount", token=control).code == "ok", timeout=30)
        for door in DOORS:
            assert shop.call(door, IDENTITY, "GetMyAccount", token=control).code == "ok", door
        refused_everywhere(shop, signer.sign({**fresh, "iat": now - 3600, "exp": now - 60}), problems, "expired")
        refused_everywhere(shop, signer.sign({**fresh, "iss": "evil-identity"}), problems, "foreign issuer")
        unknown = encode_jwt({"alg": "EdDSA", "kid": "ed25519-nobody", "typ": "JWT"}, fresh,
                             signer.sign(fresh).split(".")[2])
        refused_everywhere(shop, unknown, problems, "unknown kid")
        # Our own key embedded in the header (jwk), claiming the server's kid: the server's key must decide.
        embedded = {"alg": "EdDSA", "kid": header["kid"], "typ": "JWT",
                    "jwk": {"kty": "OKP", "crv": "Ed25519", "x": b64url(signer.public_der[-32:])}}
        refused_everywhere(shop, signer.sign(fresh, header=embedded), problems, "own key in the header")
    finally:
        signer.remove()

    # A logged-out session's token, and a session its owner revoked from another session.
    out = shop.login("customer04@demo.souk.local")
    assert shop.call("bridge", IDENTITY, "Logout", token=out["accessToken"]).code == "ok"
    wait_until("the logged-out token is refused",
               lambda: shop.call("bridge", IDENTITY, "GetMyAccount", token=out["accessToken"]).code != "ok")
    refused_everywhere(shop, out["accessToken"], problems, "logged out")
    first, second = shop.login("customer05@demo.souk.local"), shop.login("customer05@demo.souk.local")
    revoked = shop.call("bridge", IDENTITY, "RevokeMySession", {"sessionId": first["sessionId"]},
                        token=second["accessToken"])
    assert revoked.code == "ok", revoked
    wait_until("the revoked session's token is refused",
               lambda: shop.call("bridge", IDENTITY, "GetMyAccount", token=first["accessToken"]).code != "ok")
    refused_everywhere(shop, first["accessToken"], problems, "revoked session")
    assert shop.call("swp", IDENTITY, "GetMyAccount", token=second["accessToken"]).code == "ok", "the other lives"

    # A refresh token used again after its rotation, at each door: refused, and its whole session with it.
    for door in DOORS:
        session = shop.login("customer06@demo.souk.local")
        rotated = shop.call(door, IDENTITY, "Refresh", {"refreshToken": session["refreshToken"]})
        assert rotated.code == "ok", rotated
        again = shop.call(door, IDENTITY, "Refresh", {"refreshToken": session["refreshToken"]})
        problem = refusal_problem(again, ["unauthenticated"], [401])
        if problem:
            problems.append(f"reused refresh token: {problem}")
        newest = shop.call(door, IDENTITY, "Refresh", {"refreshToken": rotated.body["tokens"]["refreshToken"]})
        problem = refusal_problem(newest, ["unauthenticated"], [401])
        if problem:
            problems.append(f"the rotated refresh token after its predecessor was reused: {problem}")
        token = rotated.body["tokens"]["accessToken"]
        wait_until("the reused family's access token is refused",
                   lambda: shop.call(door, IDENTITY, "GetMyAccount", token=token).code != "ok")
        refused_everywhere(shop, token, problems, f"access token of a family ended by reuse (at {door})")
        bogus = shop.call(door, IDENTITY, "Refresh", {"refreshToken": "x" * 43})
        problem = refusal_problem(bogus, ["unauthenticated"], [401])
        if problem:
            problems.append(f"made-up refresh token: {problem}")

    problems += serving_problems(shop)
    assert not problems, "\n".join(problems)


# --- 2. one customer's ids in another's calls ---------------------------------------------------------------------

def place_order(shop, token, sku, quote=None):
    """Empties the cart, puts one `sku` in it and orders it in USD (with `quote` and the address when given)."""
    cart = shop.call("bridge", CATALOG, "GetCart", {"currency": "USD"}, token=token)
    assert cart.code == "ok", cart
    for line in cart.body.get("lines", []):
        shop.call("bridge", CATALOG, "SetCartLine", {"sku": line["sku"], "quantity": 0}, token=token)
    assert shop.call("bridge", CATALOG, "SetCartLine", {"sku": sku, "quantity": 1, "currency": "USD"},
                     token=token).code == "ok"
    body = {"idempotencyKey": uuid.uuid4().hex, "currency": "USD"}
    if quote:
        body.update(shippingQuoteId=quote, deliveryAddress=ADDRESS)
    order = shop.call("bridge", ORDERS, "PlaceOrder", body, token=token)
    assert order.code == "ok", order
    return order.body


def quote_for_cart(shop, token):
    quotes = shop.call("bridge", DELIVERY, "GetShippingQuotes", {"address": ADDRESS, "currency": "USD"}, token=token)
    assert quotes.code == "ok" and quotes.body.get("quotes"), quotes
    return quotes.body["quotes"][0]["id"]


@pytest.fixture(scope="module")
def a_customers_records(shop):
    """Customer A's records: an order with a delivery quote, paid by card and packed by staff (so it has a payment
    and a shipment); a second order left pending payment; an unused quote for a cart of one unit; a session."""
    a = shop.login("customer01@demo.souk.local")
    admin = shop.admin_token()
    found = shop.call("bridge", CATALOG, "SearchProducts", {"inStock": True, "pageSize": 5})
    sku = found.body["products"][0]["skus"][0]["code"]
    token = a["accessToken"]

    cart = shop.call("bridge", CATALOG, "GetCart", {}, token=token)
    for line in cart.body.get("lines", []):
        shop.call("bridge", CATALOG, "SetCartLine", {"sku": line["sku"], "quantity": 0}, token=token)
    shop.call("bridge", CATALOG, "SetCartLine", {"sku": sku, "quantity": 1, "currency": "USD"}, token=token)
    shipped = place_order(shop, token, sku, quote=quote_for_cart(shop, token))
    paid = shop.call("bridge", PAYMENTS, "CreatePayment", {
        "orderId": shipped["id"], "idempotencyKey": uuid.uuid4().hex, "returnUrl": "https://localhost/back",
        "paymentMethod": "pm_card_visa"}, token=token)
    assert paid.code == "ok", paid
    payment = paid.body["payment"]
    wait_until("the paid order is paid", lambda: shop.call("bridge", ORDERS, "GetOrder", {"orderId": shipped["id"]},
                                                            token=token).body.get("status") == "ORDER_STATUS_PAID")
    packed = shop.call("bridge", ORDERS, "UpdateOrderStatus", {
        "orderId": shipped["id"], "status": "ORDER_STATUS_PACKED", "note": "hostile matrix"}, token=admin)
    assert packed.code == "ok", packed
    def tracked():
        answer = shop.call("bridge", DELIVERY, "TrackMyOrder", {"orderId": shipped["id"]}, token=token)
        return answer.body if answer.code == "ok" else None

    shipment = wait_until("delivery made the packed order's shipment", tracked, timeout=120)
    assert shipment.get("id"), shipment

    shop.call("bridge", CATALOG, "SetCartLine", {"sku": sku, "quantity": 1, "currency": "USD"}, token=token)
    spare_quote = quote_for_cart(shop, token)
    pending = place_order(shop, token, sku)
    return {"login": a, "sku": sku, "shipped": shipped, "payment": payment, "shipment": shipment,
            "pending": pending, "quote": spare_quote}


def a_customers_view(shop, records):
    """Everything A can read of their own records, to compare before and after B's attempts."""
    token = shop.login("customer01@demo.souk.local")["accessToken"]
    view = {}
    for name, service, method, body in [
        ("shipped", ORDERS, "GetOrder", {"orderId": records["shipped"]["id"]}),
        ("pending", ORDERS, "GetOrder", {"orderId": records["pending"]["id"]}),
        ("payment", PAYMENTS, "GetPayment", {"paymentId": records["payment"]["id"]}),
        ("payments", PAYMENTS, "ListPayments", {"orderId": records["shipped"]["id"]}),
        ("shipment", DELIVERY, "TrackMyOrder", {"orderId": records["shipped"]["id"]}),
        ("account", IDENTITY, "GetMyAccount", {}),
    ]:
        answer = shop.call("bridge", service, method, body, token=token)
        assert answer.code == "ok", (name, answer)
        view[name] = answer.body
    view["quote"] = shop.call("bridge", DELIVERY, "CheckQuote", {
        "quoteId": records["quote"], "address": ADDRESS, "currency": "USD",
        "lines": [{"sku": records["sku"], "quantity": 1}]}, token=token).code
    return view


def test_one_customer_cannot_read_or_change_anothers_records_at_any_door(shop, a_customers_records):
    records = a_customers_records
    a_account = records["login"]["account"]
    b = shop.login("customer02@demo.souk.local")
    b_token = b["accessToken"]
    before = a_customers_view(shop, records)
    assert before["pending"]["status"] == "ORDER_STATUS_PENDING_PAYMENT"
    b_orders = shop.call("bridge", ORDERS, "ListMyOrders", {"pageSize": 100}, token=b_token).body.get("orders", [])
    shipped, pending, payment = records["shipped"], records["pending"], records["payment"]
    shop.call("bridge", CATALOG, "SetCartLine", {"sku": records["sku"], "quantity": 1, "currency": "USD"},
              token=b_token)

    owned = ["not_found", "permission_denied"]
    staff_only = ["permission_denied"]
    attempts = [
        # Reads of A's records by id, number and id prefix.
        (ORDERS, "GetOrder", {"orderId": shipped["id"]}, owned),
        (ORDERS, "GetOrder", {"orderId": str(shipped["number"])}, owned),
        (ORDERS, "GetOrder", {"orderId": pending["id"][:8]}, owned),
        (PAYMENTS, "GetPayment", {"paymentId": payment["id"]}, owned),
        (PAYMENTS, "GetPayment", {"paymentId": payment["id"][:8]}, owned),
        (PAYMENTS, "SyncPayment", {"paymentId": payment["id"]}, owned),
        (PAYMENTS, "ListPayments", {"orderId": shipped["id"]}, owned),
        (DELIVERY, "TrackMyOrder", {"orderId": shipped["id"]}, owned),
        (DELIVERY, "TrackMyOrder", {"orderId": str(shipped["number"])}, owned),
        (DELIVERY, "CheckQuote", {"quoteId": records["quote"], "address": ADDRESS, "currency": "USD",
                                  "lines": [{"sku": records["sku"], "quantity": 1}]}, owned),
        # Writes naming A's records.
        (ORDERS, "CancelMyOrder", {"orderId": pending["id"]}, owned),
        (PAYMENTS, "CreatePayment", {"orderId": pending["id"], "idempotencyKey": uuid.uuid4().hex,
                                     "returnUrl": "https://localhost/back", "paymentMethod": "pm_card_visa"}, owned),
        (ORDERS, "PlaceOrder", {"idempotencyKey": uuid.uuid4().hex, "currency": "USD",
                                "shippingQuoteId": records["quote"], "deliveryAddress": ADDRESS}, owned),
        (IDENTITY, "RevokeMySession", {"sessionId": records["login"]["sessionId"]}, owned),
        # Staff methods that take an id: refused by the access policy before any record is looked at.
        (ORDERS, "UpdateOrderStatus", {"orderId": pending["id"], "status": "ORDER_STATUS_CANCELLED", "note": "x"},
         staff_only),
        (PAYMENTS, "CapturePayment", {"paymentId": payment["id"]}, staff_only),
        (PAYMENTS, "CancelPayment", {"paymentId": payment["id"], "reason": "x"}, staff_only),
        (PAYMENTS, "RefundPayment", {"paymentId": payment["id"], "reason": "x"}, staff_only),
        (DELIVERY, "GetShipment", {"id": shipped["id"]}, staff_only),
        (DELIVERY, "UpdateShipmentStatus", {"shipmentId": records["shipment"]["id"],
                                            "status": "SHIPMENT_STATUS_CANCELLED", "note": "x"}, staff_only),
        (CATALOG, "ReleaseReservation", {"reservationId": str(uuid.uuid4())}, staff_only),
        (CATALOG, "ConsumeReservation", {"reservationId": str(uuid.uuid4())}, staff_only),
        (IDENTITY, "GetAccount", {"accountId": a_account["id"]}, staff_only),
        (IDENTITY, "SetAccountDisabled", {"accountId": a_account["id"], "disabled": True}, staff_only),
        (IDENTITY, "SetRoles", {"accountId": a_account["id"], "roles": ["ROLE_CUSTOMER", "ROLE_ADMIN"]}, staff_only),
    ]
    problems, codes = [], {}
    for service, method, body, expected in attempts:
        for door in DOORS:
            answer = shop.call(door, service, method, body, token=b_token)
            problem = refusal_problem(answer, expected, [403, 404])
            if problem:
                problems.append(f"B's {method} {json.dumps(body)[:90]}: {problem}")
            codes.setdefault(f"{method} {next(iter(body))}", set()).add(answer.code)
    print("cross-customer codes:", {call: sorted(found) for call, found in codes.items()})
    inconsistent = {call: sorted(found) for call, found in codes.items() if len(found) > 1}
    if inconsistent:
        problems.append(f"one call answered differently at different doors: {inconsistent}")

    after = a_customers_view(shop, records)
    for name in before:
        if before[name] != after[name]:
            problems.append(f"A's {name} changed:\n  before {before[name]}\n  after  {after[name]}")
    b_after = shop.call("bridge", ORDERS, "ListMyOrders", {"pageSize": 100}, token=b_token).body.get("orders", [])
    if len(b_after) != len(b_orders):
        problems.append(f"B has {len(b_after) - len(b_orders)} new orders: {b_after[:1]}")
    problems += serving_problems(shop)
    assert not problems, "\n".join(problems)


# --- 3. CSRF and CORS ---------------------------------------------------------------------------------------------

FOREIGN = ["https://evil.example", "null", "http://127.0.0.1.evil.example", "http://localhost:1"]


def test_cookie_sessions_need_their_csrf_token_and_no_foreign_origin_is_allowed(shop):
    email = "customer07@demo.souk.local"
    status, headers, body = shop.http("POST", "/session/login",
                                      json.dumps({"email": email, "password": "souk-demo-2026"}).encode(),
                                      {"Content-Type": "application/json"})
    assert status == 200, body
    cookie_header = headers["set-cookie"]
    assert "HttpOnly" in cookie_header and "SameSite=Strict" in cookie_header, cookie_header
    cookie = cookie_header.split(";")[0]
    csrf = json.loads(body)["csrf_token"]
    assert csrf
    path = f"/{IDENTITY}/GetMyAccount"
    problems = []

    def refused(what, answer, code, http_status):
        problem = refusal_problem(answer, [code], [http_status])
        if problem:
            problems.append(f"{what}: {problem}")

    # The session's own token lets the call through; none, a wrong one, or another session's do not.
    assert shop.bridge(IDENTITY, "GetMyAccount", b"{}", headers={"Cookie": cookie, "X-CSRF-Token": csrf}).code == "ok"
    status, other_headers, other_body = shop.http("POST", "/session/login", json.dumps(
        {"email": "customer08@demo.souk.local", "password": "souk-demo-2026"}).encode(),
        {"Content-Type": "application/json"})
    other_csrf = json.loads(other_body)["csrf_token"]
    for what, extra in [("no CSRF header", {}), ("a wrong CSRF token", {"X-CSRF-Token": "0" * len(csrf)}),
                        ("an empty CSRF token", {"X-CSRF-Token": ""}),
                        ("another session's CSRF token", {"X-CSRF-Token": other_csrf}),
                        ("the token with a byte more", {"X-CSRF-Token": csrf + "0"}),
                        ("the token in a cookie instead", {"Cookie": f"{cookie}; x-csrf-token={csrf}"})]:
        answer = shop.bridge(IDENTITY, "GetMyAccount", b"{}", headers={"Cookie": cookie, **extra})
        refused(what, answer, "permission_denied", 403)
        # A write too (a cart line), with nothing changed.
        answer = shop.bridge(CATALOG, "SetCartLine", json.dumps({"sku": "DEMO-NOPE", "quantity": 1}).encode(),
                             headers={"Cookie": cookie, **extra})
        refused(f"{what}, a write", answer, "permission_denied", 403)
    # A Connect server stream on the cookie without the token: refused in its end-stream message (HTTP 200).
    request = json.dumps({"afterPosition": "0", "follow": False}).encode()
    status, _, body = shop.http("POST", f"/{ORDERS}/StreamEvents", struct.pack(">BI", 0, len(request)) + request,
                                {"Content-Type": "application/connect+json", "Cookie": cookie})
    flags, length = struct.unpack(">BI", body[:5]) if len(body) >= 5 else (0, 0)
    end = json.loads(body[5:5 + length] or b"{}") if flags & 0x02 else {}
    error = end.get("error", {})
    if status != 200 or error.get("code") != "permission_denied" or not error.get("message"):
        problems.append(f"a server stream on the cookie without the CSRF token: HTTP {status} {body[:160]!r}")
    status, _, body = shop.http("POST", "/session/logout", b"", {"Cookie": cookie})
    answer_code = json.loads(body or b"{}").get("code")
    if status != 403 or answer_code != "permission_denied" or not json.loads(body).get("message"):
        problems.append(f"logout without the CSRF token: HTTP {status} {body[:120]!r}")
    # Still signed in after all that: the refusals ended nothing.
    assert shop.bridge(IDENTITY, "GetMyAccount", b"{}", headers={"Cookie": cookie, "X-CSRF-Token": csrf}).code == "ok"
    # A session id that was never issued is no session, and its cookie is cleared.
    answer = shop.bridge(IDENTITY, "GetMyAccount", b"{}",
                         headers={"Cookie": "souk_session=" + "A" * 43, "X-CSRF-Token": csrf})
    refused("an unknown session cookie", answer, "unauthenticated", 401)
    if "Max-Age=0" not in (answer.headers or {}).get("set-cookie", ""):
        problems.append(f"an unknown session cookie is not cleared: {answer.headers}")

    # CORS: soukd's bridge lists no origins, so no origin is ever allowed, on any kind of answer.
    token = shop.login("customer07@demo.souk.local")["accessToken"]
    for origin in FOREIGN + [shop.base_url]:
        for what, (status, headers, _) in {
            "a call": shop.http("POST", path, b"{}", {"Content-Type": "application/json", "Origin": origin,
                                                      "Authorization": f"Bearer {token}"}),
            "a refused call": shop.http("POST", path, b"{}", {"Content-Type": "application/json", "Origin": origin}),
            "a cookie call": shop.http("POST", path, b"{}", {"Content-Type": "application/json", "Origin": origin,
                                                             "Cookie": cookie, "X-CSRF-Token": csrf}),
            "a page file": shop.http("GET", "/index.html", None, {"Origin": origin}),
            "a preflight": shop.http("OPTIONS", path, None, {
                "Origin": origin, "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, x-csrf-token"}),
        }.items():
            allowed = {k: v for k, v in headers.items() if k.startswith("access-control-allow")}
            if allowed:
                problems.append(f"{what} from {origin} answered with {allowed}")
            if what == "a preflight" and status != 403:
                problems.append(f"a preflight from {origin}: HTTP {status}, expected 403")
    status, headers, _ = shop.http("OPTIONS", path, None, {"Access-Control-Request-Method": "POST"})
    if status != 403 or any(k.startswith("access-control-allow") for k in headers):
        problems.append(f"a preflight without an Origin: HTTP {status} {headers}")
    problems += serving_problems(shop)
    assert not problems, "\n".join(problems)


# --- 4. path traversal on the page's files ------------------------------------------------------------------------

MARKERS = [b"HOSTILE-OUTSIDE-MARKER", b"HOSTILE-DOTFILE-MARKER", b"HOSTILE-DOTDIR-MARKER", b"root:x:0:0",
           b"swift-tools-version"]


def test_no_request_path_serves_anything_outside_the_web_root(shop):
    index = open(f"{shop.web}/index.html", "rb").read()
    status, answer = shop.raw_http(b"GET /index.html HTTP/1.1")
    assert status == 200 and index in answer, "the control: the page itself is served"
    site = shop.folder + "/site"
    targets = [
        "/../outside.html", "/js/../../outside.html", "/../../../../../../etc/passwd", "/%2e%2e/outside.html",
        "/%2E%2E/outside.html", "/%2e%2e%2foutside.html", "/..%2foutside.html", "/..%2Foutside.html",
        "/js/..%2f..%2foutside.html", "/%252e%252e%252foutside.html", "/..%252foutside.html",
        "/..\\outside.html", "/..%5coutside.html", "/%5c..%5coutside.html", "/js\\..\\..\\outside.html",
        "/..%c0%afoutside.html", "/%c0%ae%c0%ae/outside.html", "/..;/outside.html", "/.%2e/outside.html",
        "//etc/passwd", "/etc/passwd", "/%2fetc%2fpasswd", "/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        f"/{site}/outside.html", f"/{shop.web}/.hidden.js", "/work/main/Package.swift", "/../Package.swift",
        "/../../../../../../work/main/Package.swift", f"/..%2f..%2f..%2f..%2f..%2f..%2f{'%2f'.join('work/main/Package.swift'.split('/'))}",
        "/index.html%00", "/index.html%00.js", "/outside.html%00.html", "/%00../outside.html",
        "/.hidden.js", "/%2ehidden.js", "/./.hidden.js", "/js/../.hidden.js", "/.git/config.json",
        "/%2egit/config.json", "/link.html", "/passwd.js", "/.", "/..", "/%2e%2e", "/...", "/~root/.bashrc",
        "/index.html/../../outside.html", "/index.html#/../outside.html", "/js/", "/js", "/shop/..",
        "/shop/%2e%2e/%2e%2e/outside.html",
    ]
    problems = []
    for target in targets:
        for verb in (b"GET", b"HEAD"):
            status, answer = shop.raw_http(verb + b" " + target.encode() + b" HTTP/1.1")
            leaked = [marker for marker in MARKERS if marker in answer]
            if leaked or status not in (400, 404):
                problems.append(f"{verb.decode()} {target}: HTTP {status}, {leaked or answer[:120]!r}")
            elif verb == b"GET" and not answer.split(b"\r\n\r\n", 1)[-1].strip():
                problems.append(f"GET {target}: HTTP {status} with an empty body")
    # Bytes no client library sends: a raw NUL, a space-split target, a bare `..`, an absolute URL, an authority.
    for request_line in [b"GET /index.html\x00/../outside.html HTTP/1.1", b"GET ../outside.html HTTP/1.1",
                         b"GET .. HTTP/1.1", b"GET http://127.0.0.1/../outside.html HTTP/1.1",
                         b"GET http://127.0.0.1/%2e%2e/outside.html HTTP/1.1", b"GET /.. /outside.html HTTP/1.1",
                         b"GET * HTTP/1.1", b"GET \\..\\outside.html HTTP/1.1"]:
        status, answer = shop.raw_http(request_line)
        leaked = [marker for marker in MARKERS if marker in answer]
        if leaked or status not in (400, 404, None):
            problems.append(f"{request_line!r}: HTTP {status}, {leaked or answer[:120]!r}")
    # A query or fragment after a real file names that file, nothing else.
    for target in ["/index.html?/../outside.html", "/index.html?file=../../outside.html",
                   "/index.html?%2e%2e%2foutside.html"]:
        status, answer = shop.raw_http(b"GET " + target.encode() + b" HTTP/1.1")
        leaked = [marker for marker in MARKERS if marker in answer]
        if leaked or status not in (200, 400, 404) or (status == 200 and index not in answer):
            problems.append(f"GET {target}: HTTP {status}, {leaked or answer[:120]!r}")
    problems += serving_problems(shop)
    assert not problems, "\n".join(problems)


# --- 5. malformed and oversized input -----------------------------------------------------------------------------

def first_field(shop, service, method, kinds):
    """The first field of the method's request whose protobuf type is one of `kinds`, or None."""
    for field in shop.api.method(service, method).input_type.fields:
        repeated = getattr(field, "is_repeated", None)
        if repeated is None:  # protobuf before 5.29 has only the label
            repeated = field.label == field.LABEL_REPEATED
        if field.type in kinds and not repeated:
            return field
    return None


def malformed_protobuf(shop, service, method):
    """Request bytes no protobuf parser may accept, by what is wrong with them."""
    shapes = {
        "a truncated varint": b"\x08\xff\xff",
        "a length past the end": b"\x0a\x20only-nine",
        "a varint of eleven bytes": b"\x08" + b"\xff" * 10 + b"\x01",
        "field number 0": b"\x00\x01",
        "an end-group with no group": b"\x0c",
        "wire type 7": b"\x0f\x01",
    }
    string = first_field(shop, service, method, [9])  # TYPE_STRING
    if string is not None:
        key = bytes([string.number << 3 | 2]) if string.number < 16 else None
        if key:
            shapes["invalid UTF-8 in a string field"] = key + b"\x04\xc3\x28\xff\xfe"
    return shapes


def test_malformed_protobuf_is_invalid_argument_at_the_binary_doors(shop):
    admin = shop.admin_token()
    methods = shop.api.bridged_unary_methods()
    problems, calls = [], 0
    with SteadyCaller(shop, "grpc", CATALOG, "SearchProducts", {"pageSize": 2}, None) as grpc_caller, \
            SteadyCaller(shop, "swp", IDENTITY, "GetMyAccount", {}, admin) as swp_caller:
        for service, method in methods:
            shapes = malformed_protobuf(shop, service, method)
            # As the admin, so the access policy lets every method through to its message. gRPC calls share one
            # channel; SWP calls of one method share one connection, a stream each.
            answers = [shop.raw("grpc", service, method, data, token=admin) for data in shapes.values()]
            answers += shop.swp_burst(service, method, list(shapes.values()), admin)
            for what, answer in zip(list(shapes) * 2, answers):
                calls += 1
                problem = refusal_problem(answer, ["invalid_argument"])
                if problem:
                    problems.append(f"{service.split('.')[-1]}/{method} with {what} over {answer.door}: {problem}")
    for caller in (grpc_caller, swp_caller):
        assert not caller.failures and caller.ok, f"{caller.door}: {caller.ok} ok, {caller.failures[:3]}"
    assert calls > 800
    problems += serving_problems(shop)
    assert not problems, f"{len(problems)} of {calls}:\n" + "\n".join(problems[:40])


def wrong_json_shapes(shop, service, method):
    """Bodies the bridge must refuse as invalid_argument (400), by what is wrong with them."""
    shapes = {
        "truncated JSON": b'{"',
        "an array": b"[]",
        "a bare string": b'"x"',
        "JSON then garbage": b"{} {}",
        "an unknown field": b'{"noSuchFieldAtAll": 1}',
        "invalid UTF-8": b'{"x": "\xc3\x28\xff"}',
        "a NUL byte outside a string": b"{\x00}",
        "nesting 10,000 deep": b"[" * 10000 + b"]" * 10000,
    }
    string = first_field(shop, service, method, [9])
    if string is not None:
        shapes[f"an object for string {string.json_name}"] = json.dumps({string.json_name: {"a": 1}}).encode()
        shapes[f"invalid UTF-8 in string {string.json_name}"] = (
            b'{"' + string.json_name.encode() + b'": "\xff\xfe"}')
    number = first_field(shop, service, method, [3, 5, 13, 4])  # int64, int32, uint32, uint64
    if number is not None:
        shapes[f"letters for number {number.json_name}"] = json.dumps({number.json_name: "twelve"}).encode()
        shapes[f"a fraction for number {number.json_name}"] = json.dumps({number.json_name: 1.5}).encode()
        shapes[f"2^70 for number {number.json_name}"] = b'{"' + number.json_name.encode() + b'": 1180591620717411303424}'
    boolean = first_field(shop, service, method, [8])
    if boolean is not None:
        shapes[f"a string for bool {boolean.json_name}"] = json.dumps({boolean.json_name: "yes"}).encode()
    enum = first_field(shop, service, method, [14])
    if enum is not None:
        shapes[f"an unknown name for enum {enum.json_name}"] = json.dumps({enum.json_name: "NO_SUCH_VALUE"}).encode()
    message = first_field(shop, service, method, [11])
    if message is not None:
        shapes[f"a number for message {message.json_name}"] = json.dumps({message.json_name: 7}).encode()
    return shapes


def test_malformed_json_and_protobuf_are_invalid_argument_at_the_bridge(shop):
    admin = shop.admin_token()
    problems, calls = [], 0
    with SteadyCaller(shop, "bridge", IDENTITY, "GetMyAccount", {}, admin) as caller:
        for service, method in shop.api.bridged_unary_methods():
            for what, body in wrong_json_shapes(shop, service, method).items():
                answer = shop.bridge(service, method, body, token=admin)
                calls += 1
                problem = refusal_problem(answer, ["invalid_argument"], [400])
                if problem:
                    problems.append(f"{service.split('.')[-1]}/{method} with {what}: {problem}")
            for what, data in malformed_protobuf(shop, service, method).items():
                answer = shop.bridge(service, method, data, token=admin, content_type="application/proto")
                calls += 1
                problem = refusal_problem(answer, ["invalid_argument"], [400])
                if problem:
                    problems.append(f"{service.split('.')[-1]}/{method} as application/proto with {what}: {problem}")
    assert not caller.failures and caller.ok, f"bridge: {caller.ok} ok, {caller.failures[:3]}"
    assert calls > 900
    problems += serving_problems(shop)
    assert not problems, f"{len(problems)} of {calls}:\n" + "\n".join(problems[:40])


def oversized(limit):
    """A SearchProducts request whose query string alone is 64 KiB over `limit`."""
    return field_bytes(1, b"q" * (limit + (64 << 10)))


@pytest.mark.parametrize("door", DOORS)
def test_a_message_over_the_receive_limit_is_resource_exhausted(shop, door):
    """4 MiB at gRPC/HTTP2 and SWP (MAX_MESSAGE_SIZE), 1 MiB at the bridge; a well-behaved caller on the same
    door keeps being answered meanwhile. At gRPC/HTTP2 also a gzip and a deflate message of a few KiB that inflate
    past 4 MiB.

    grpc-swift-nio-transport 2.9.2's server stream state machine turns its deframer's RESOURCE_EXHAUSTED (and its
    decompressor's) into "close the stream" (GRPCStreamStateMachine.serverReceive,
    forwardErrorAndClose_serverOnly), so without soukd's RequestSizeGuard the client gets RST_STREAM(CANCEL) and no
    status at all (grpcio: CANCELLED "Stream removed")."""
    token = shop.login("customer10@demo.souk.local")["accessToken"]
    with SteadyCaller(shop, door, IDENTITY, "GetMyAccount", {}, token) as caller:
        answers = []
        for _ in range(3):
            if door == "bridge":
                body = b'{"query": "' + b"q" * ((1 << 20) + 1024) + b'"}'
                answers.append(shop.bridge(CATALOG, "SearchProducts", body, token=token))
                answers.append(shop.bridge(CATALOG, "SearchProducts", oversized(1 << 20), token=token,
                                           content_type="application/proto"))
            else:
                answers.append(shop.raw(door, CATALOG, "SearchProducts", oversized(4 << 20), token=token))
            if door == "grpc":
                # A few KiB on the wire that inflate past 4 MiB: the transport alone would reset the stream.
                for compression in (grpc.Compression.Gzip, grpc.Compression.Deflate):
                    answers.append(shop.raw(door, CATALOG, "SearchProducts", oversized(4 << 20), token=token,
                                            compression=compression))
    problems = []
    if caller.failures or not caller.ok:
        problems.append(f"the well-behaved caller at {door}: {caller.ok} ok, {caller.failures[:3]}")
    for answer in answers:
        if door == "swp":
            # PROTOCOL.md §16 row 23: a stream error, CANCEL(RESOURCE_EXHAUSTED), which carries no message.
            if answer.code not in ("resource_exhausted", "resource_exhausted (stream cancelled)"):
                problems.append(f"{answer!r}: expected resource_exhausted")
        else:
            # Connect maps resource_exhausted to 429; 413 would say the same.
            problem = refusal_problem(answer, ["resource_exhausted"], [413, 429])
            if problem:
                problems.append(problem)
    problems += serving_problems(shop)
    assert not problems, "\n".join(problems)
