"""Buying in the storefront (/shop/), in headless chromium against soukd's sandbox (identity, catalog, payments and
delivery; no provider keys, so the local YooKassa, Stripe, CDEK and EasyPost stand in, and payments are taken at once):

- a new customer finds a product by a Russian word, signs up on the way to the cart, checks out to a Moscow address
  with the shop's own delivery, pays in RUB on YooKassa's confirmation page, sees the order paid, and follows the
  shipment to delivered while staff move it;
- a customer pays in USD by card through Stripe: a declined card is named on the page and nothing is charged, then
  a card that asks for 3-D Secure pays after Stripe's step;
- a product sold out between cart and checkout is refused with a message, and no order is placed.

Every step the page shows is checked against the API too.
"""

import time
import urllib.request
import uuid

import pytest
from conftest import running_shop
from page import click, text_is, type_into, visible, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

CATALOG = "souk.catalog.v1.CatalogService"
ORDERS = "souk.catalog.v1.OrderService"
PAYMENTS = "souk.payments.v1.PaymentService"
DELIVERY = "souk.delivery.v1.DeliveryService"

MOSCOW = {"recipient": "Анна Петрова", "phone": "+7 999 123-45-67", "line1": "ул. Тверская, 1",
          "city": "Москва", "region": "Moscow", "postalCode": "101000", "country": "RU"}
BOSTON = {"recipient": "Ann Smith", "phone": "+1 617 555 0100", "line1": "1 Beacon St",
          "city": "Boston", "region": "MA", "postalCode": "02108", "country": "US"}


@pytest.fixture(scope="module")
def store():
    with running_shop(services="identity,catalog,payments,delivery") as shop:
        yield shop


def stocked_product(shop, title, prices, stock=20):
    """A published product with one SKU (1.2 kg in a 30×20×15 cm box) and `stock` units at MSK-1."""
    admin = shop.api(shop.admin)
    tag = uuid.uuid4().hex[:8].upper()
    sku = f"SHOP-{tag}"
    product = admin.call(CATALOG, "CreateProduct", {
        "categoryId": shop.category_id, "title": f"{title} {tag}", "description": "Для кухни. For the kitchen.",
        "skus": [{"code": sku, "prices": prices,
                  "package": {"weightGrams": 1200, "lengthMm": 300, "widthMm": 200, "heightMm": 150}}],
    })
    admin.call(CATALOG, "PublishProduct", {"productId": product["id"]})
    admin.call(CATALOG, "SetStock", {"sku": sku, "warehouse": "MSK-1", "onHand": stock})
    return {"id": product["id"], "sku": sku, "tag": tag, "title": product["title"]}


def open_shop(driver, shop, route="#/", currency="RUB"):
    driver.get(shop.base_url + "/shop/")
    driver.execute_script("localStorage.clear(); localStorage.setItem('souk.shop.currency', arguments[0])", currency)
    driver.get(shop.base_url + "/shop/" + route)
    driver.refresh()
    visible(driver, "main h1")


def sign_in_on_the_page(driver, person):
    visible(driver, "#signin-email").send_keys(person.email)
    driver.find_element(By.CSS_SELECTOR, "#signin-password").send_keys(person.password)
    driver.find_element(By.CSS_SELECTOR, "#signin-submit").click()
    visible(driver, "#sign-out")


def add_to_cart(driver, product):
    click(driver, f'[data-add-sku="{product["sku"]}"]')
    wait(driver).until(lambda d: "In your cart" in d.find_element(
        By.CSS_SELECTOR, f'[data-added-status="{product["sku"]}"]').text)


def fill_address(driver, address):
    for name, value in address.items():
        field = visible(driver, f"#address-{name}")
        field.clear()
        field.send_keys(value)


def choose_quote(driver, carrier):
    click(driver, "#get-quotes")
    radio = visible(driver, f'#delivery-options input[data-carrier="{carrier}"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", radio)
    radio.click()
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#place-order").is_enabled())


def empty_cart(store):
    """The shared customer's cart emptied through the API: what an earlier test left there is not ordered."""
    api = store.api(store.customer)
    for line in api.call(CATALOG, "GetCart", {"currency": "RUB"}).get("lines", []):
        api.call(CATALOG, "SetCartLine", {"sku": line["sku"], "quantity": 0})


def to_checkout(store, driver, product, address=MOSCOW, carrier="souk"):
    """From the product's page to a chosen quote at checkout, signing the customer in on the way if need be."""
    empty_cart(store)
    open_shop(driver, store, f"#/product/{product['id']}")
    text_is(driver, "#product-title", product["title"])
    if driver.find_elements(By.CSS_SELECTOR, "#sign-in-link"):
        click(driver, "#sign-in-link")
        sign_in_on_the_page(driver, store.customer)
    add_to_cart(driver, product)
    click(driver, "#cart-link")
    click(driver, "#to-checkout")
    fill_address(driver, address)
    choose_quote(driver, carrier)


def minor(driver, css):
    return int(visible(driver, css).get_attribute("data-minor-units"))


def fits_the_screen(driver):
    width = driver.execute_script("return document.documentElement.scrollWidth")
    limit = driver.execute_script("return window.innerWidth")
    assert width <= limit, f"the page is {width} pixels wide on a {limit}-pixel screen"


def order_id_on_page(driver):
    return visible(driver, "#order-title").get_attribute("data-order-id")


def test_new_customer_pays_in_rub_through_yookassa_and_follows_the_shipment(store, browser, screenshot):
    product = stocked_product(store, "Чайник эмалированный", [{"minorUnits": "189000", "currency": "RUB"}])
    driver = browser("desktop")
    open_shop(driver, store)

    # Found by a Russian word, added to the cart: a visitor is asked to sign in and may create an account instead.
    type_into(driver, "#search-query", f"чайник {product['tag'].lower()}")
    click(driver, "#search-submit")
    click(driver, f'#product-grid [data-product-id="{product["id"]}"] a')
    text_is(driver, "#product-title", product["title"])
    click(driver, f'[data-add-sku="{product["sku"]}"]')
    visible(driver, "#signin-email")
    click(driver, "#signup-link")
    email = f"anna-{uuid.uuid4().hex[:8]}@shop.example"
    type_into(driver, "#signup-email", email)
    type_into(driver, "#signup-name", "Анна Петрова")
    type_into(driver, "#signup-password", "Samovar-and-tea-2026")
    click(driver, "#signup-submit")
    # Back on the product, signed in.
    text_is(driver, "#product-title", product["title"])
    visible(driver, "#sign-out")
    add_to_cart(driver, product)
    add_to_cart(driver, product)

    click(driver, "#cart-link")
    quantity = visible(driver, f'[data-quantity-of="{product["sku"]}"]')
    assert quantity.get_attribute("value") == "2"
    assert minor(driver, "#cart-total") == 378000
    click(driver, "#to-checkout")

    fill_address(driver, MOSCOW)
    choose_quote(driver, "souk")
    shipping = minor(driver, "#delivery-options [data-quote-id]:has(input:checked) .quote-price")
    assert minor(driver, "#shipping-price") == shipping
    assert minor(driver, "#order-total") == 378000 + shipping
    screenshot(driver, "shop-checkout")
    click(driver, "#place-order")

    # The order, unpaid; paying goes through YooKassa's confirmation page and comes back here.
    order_id = order_id_on_page(driver)
    text_is(driver, "#payment-status", "Not paid yet.")
    admin = store.api(store.admin)
    order = admin.call(ORDERS, "GetOrder", {"orderId": order_id})
    assert order["status"] == "ORDER_STATUS_PENDING_PAYMENT"
    assert order["total"] == {"minorUnits": str(378000 + shipping), "currency": "RUB"}
    assert order["shipping"]["carrier"] == "souk"
    click(driver, "#pay")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#order-status").get_attribute("data-status")
                       == "ORDER_STATUS_PAID")
    assert "/shop/" in driver.current_url and "return=1" in driver.current_url
    payments = admin.call(PAYMENTS, "ListPayments", {"orderId": order_id})["payments"]
    assert [p["provider"] for p in payments] == ["yookassa"]
    assert payments[0]["status"] == "PAYMENT_STATUS_CAPTURED"
    screenshot(driver, "shop-order-paid")

    # Staff pack it; the shipment appears on the page and follows the courier to delivered.
    admin.call(ORDERS, "UpdateOrderStatus", {"orderId": order_id, "status": "ORDER_STATUS_PACKED"})
    deadline = time.monotonic() + 30
    while True:
        try:
            shipment = admin.call(DELIVERY, "GetShipment", {"id": order_id})
            break
        except Exception:  # noqa: BLE001 - delivery follows the orders' events
            assert time.monotonic() < deadline, "no shipment 30 s after packing"
            time.sleep(0.5)
    for status in ("SHIPMENT_STATUS_HANDED_OVER", "SHIPMENT_STATUS_IN_TRANSIT", "SHIPMENT_STATUS_DELIVERED"):
        admin.call(DELIVERY, "UpdateShipmentStatus", {"shipmentId": shipment["id"], "status": status})
    wait(driver, timeout=60).until(lambda d: d.find_element(By.CSS_SELECTOR, "#tracking-status").get_attribute(
        "data-status") == "SHIPMENT_STATUS_DELIVERED")
    statuses = [li.get_attribute("data-status")
                for li in driver.find_elements(By.CSS_SELECTOR, "#tracking-timeline li")]
    assert statuses[-1] == "SHIPMENT_STATUS_DELIVERED"
    assert "SHIPMENT_STATUS_HANDED_OVER" in statuses

    # My orders lists it.
    click(driver, "#orders-link")
    visible(driver, f'#my-orders [data-order-id="{order_id}"]')


def test_a_declined_card_is_named_and_a_3d_secure_card_pays_in_usd(store, browser, screenshot):
    product = stocked_product(store, "Kettle", [{"minorUnits": "4999", "currency": "USD"}])
    driver = browser("phone")
    empty_cart(store)
    open_shop(driver, store, f"#/product/{product['id']}", currency="USD")
    click(driver, "#sign-in-link")
    sign_in_on_the_page(driver, store.customer)
    text_is(driver, "#product-title", product["title"])
    add_to_cart(driver, product)
    click(driver, "#cart-link")
    click(driver, "#to-checkout")
    fill_address(driver, BOSTON)
    click(driver, "#get-quotes")
    radio = visible(driver, "#delivery-options input[type=radio]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", radio)
    radio.click()
    fits_the_screen(driver)
    click(driver, "#place-order")
    order_id = order_id_on_page(driver)

    # Stripe takes cards: the sandbox offers its test cards. A declined one is named; nothing is charged.
    click(driver, "#pay")
    declined = visible(driver, '#order-payment input[value="pm_card_chargeDeclined"]')
    driver.execute_script("arguments[0].click()", declined)
    click(driver, "#pay-with-card")
    failure = visible(driver, "#payment-failure")
    assert "declined" in failure.text.lower(), failure.text
    admin = store.api(store.admin)
    assert admin.call(ORDERS, "GetOrder", {"orderId": order_id})["status"] == "ORDER_STATUS_PENDING_PAYMENT"
    screenshot(driver, "shop-card-declined")
    fits_the_screen(driver)

    click(driver, "#pay")
    # A card that asks for 3-D Secure: Stripe's step (the local Stripe's page) and back to the order, paid.
    secure = visible(driver, '#order-payment input[value="pm_card_threeDSecure2Required"]')
    driver.execute_script("arguments[0].click()", secure)
    click(driver, "#pay-with-card")
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#order-status").get_attribute("data-status")
                       == "ORDER_STATUS_PAID")
    assert "return=1" in driver.current_url and "payment_intent=" in driver.current_url
    payments = admin.call(PAYMENTS, "ListPayments", {"orderId": order_id})["payments"]
    captured = [p for p in payments if p["status"] == "PAYMENT_STATUS_CAPTURED"]
    assert len(captured) == 1 and captured[0]["provider"] == "stripe"
    assert captured[0]["amount"]["currency"] == "USD"


def test_sold_out_between_cart_and_checkout_places_no_order(store, browser):
    product = stocked_product(store, "Сковорода", [{"minorUnits": "99000", "currency": "RUB"}], stock=1)
    driver = browser("desktop")
    to_checkout(store, driver, product)
    before = store.api(store.customer).call(ORDERS, "ListMyOrders", {"pageSize": 100}).get("orders", [])

    store.api(store.admin).call(CATALOG, "SetStock", {"sku": product["sku"], "warehouse": "MSK-1", "onHand": 0})
    click(driver, "#place-order")
    error = visible(driver, "#place-error")
    assert product["sku"] in error.text or "stock" in error.text.lower(), error.text
    after = store.api(store.customer).call(ORDERS, "ListMyOrders", {"pageSize": 100}).get("orders", [])
    assert len(after) == len(before)
    assert driver.find_element(By.CSS_SELECTOR, "#place-order").is_enabled()
    assert EC.url_contains("#/checkout")(driver)


def test_a_session_that_ends_mid_checkout_asks_to_sign_in_and_comes_back(store, browser):
    product = stocked_product(store, "Половник", [{"minorUnits": "45000", "currency": "RUB"}])
    driver = browser("desktop")
    to_checkout(store, driver, product)
    before = store.api(store.customer).call(ORDERS, "ListMyOrders", {"pageSize": 100}).get("orders", [])

    # The session ends (its cookie is gone): placing the order asks to sign in again, and comes back to checkout.
    driver.delete_cookie("souk_session")
    click(driver, "#place-order")
    visible(driver, "#signin-email")
    assert "next=%23%2Fcheckout" in driver.current_url
    visible(driver, "#sign-in-link")
    after = store.api(store.customer).call(ORDERS, "ListMyOrders", {"pageSize": 100}).get("orders", [])
    assert len(after) == len(before)
    sign_in_on_the_page(driver, store.customer)
    text_is(driver, "main h1", "Checkout")


def test_two_factor_sign_in_and_the_profile_s_preferred_currency(store, browser):
    driver = browser("phone")
    open_shop(driver, store)
    click(driver, "#sign-in-link")
    # The admin's account has a second factor: the code is asked for after the password.
    visible(driver, "#signin-email").send_keys(store.admin.email)
    driver.find_element(By.CSS_SELECTOR, "#signin-password").send_keys(store.admin.password)
    driver.find_element(By.CSS_SELECTOR, "#signin-submit").click()
    visible(driver, "#signin-totp").send_keys(store.totp(store.admin))
    driver.find_element(By.CSS_SELECTOR, "#signin-submit").click()
    visible(driver, "#sign-out")

    click(driver, "#account-link")
    text_is(driver, "#account-email", store.admin.email)
    Select(visible(driver, "#profile-currency")).select_by_value("EUR")
    click(driver, "#save-profile")
    text_is(driver, "#save-profile", "Saved")
    assert store.api(store.admin).call("souk.identity.v1.IdentityService", "GetMyAccount")["account"][
        "preferredCurrency"] == "EUR"
    fits_the_screen(driver)

    # A new visit that has not picked a currency shops in the preferred one once signed in.
    driver.execute_script("localStorage.clear()")
    driver.refresh()
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#currency").get_attribute("value") == "EUR")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def http_error_303(self, req, fp, code, msg, headers):
        return fp


def place_unpaid_order_on_the_page(store, driver, product):
    to_checkout(store, driver, product)
    click(driver, "#place-order")
    return order_id_on_page(driver)


def test_an_unpaid_order_is_cancelled_and_a_paid_one_is_not_paid_twice(store, browser):
    admin = store.api(store.admin)
    driver = browser("desktop")

    # Cancel while unpaid, after a confirmation: nothing was charged, the units are free again.
    product = stocked_product(store, "Сотейник", [{"minorUnits": "120000", "currency": "RUB"}], stock=1)
    order_id = place_unpaid_order_on_the_page(store, driver, product)
    click(driver, "#cancel-order")
    alert = wait(driver).until(EC.alert_is_present())
    assert "Nothing has been charged" in alert.text
    alert.accept()
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "#order-status").get_attribute("data-status")
                       == "ORDER_STATUS_CANCELLED")
    assert not driver.find_elements(By.CSS_SELECTOR, "#pay")
    assert admin.call(ORDERS, "GetOrder", {"orderId": order_id})["status"] == "ORDER_STATUS_CANCELLED"
    assert admin.call(PAYMENTS, "ListPayments", {"orderId": order_id}).get("payments", []) == []

    # Paid meanwhile (another tab): Pay on the stale page is refused with the reason, and there is one payment.
    other = stocked_product(store, "Ковш", [{"minorUnits": "80000", "currency": "RUB"}])
    order_id = place_unpaid_order_on_the_page(store, driver, other)
    visible(driver, "#pay")
    customer = store.api(store.customer)
    started = customer.call(PAYMENTS, "CreatePayment", {
        "orderId": order_id, "idempotencyKey": uuid.uuid4().hex, "returnUrl": store.base_url + "/shop/"})
    # The customer confirms on YooKassa's page in another tab (its redirect back is not followed here).
    confirm = urllib.request.Request(started["confirmationUrl"])
    opener = urllib.request.build_opener(NoRedirect)
    opener.open(confirm, timeout=30).read()
    wait(driver, timeout=30).until(
        lambda _: admin.call(ORDERS, "GetOrder", {"orderId": order_id})["status"] == "ORDER_STATUS_PAID")
    click(driver, "#pay")
    error = visible(driver, "#payment-error")
    assert "pending_payment" in error.text or "paid" in error.text.lower(), error.text
    text_is(driver, "#payment-status", "Captured")
    assert visible(driver, "#order-status").get_attribute("data-status") == "ORDER_STATUS_PAID"
    payments = admin.call(PAYMENTS, "ListPayments", {"orderId": order_id})["payments"]
    assert len(payments) == 1 and payments[0]["status"] == "PAYMENT_STATUS_CAPTURED"


# Drops the answer to the first PlaceOrder the page sends, after the bridge has answered it: the order is placed,
# and the page sees what a dropped connection looks like.
LOSE_FIRST_PLACE_ORDER_ANSWER = """
const realFetch = window.fetch.bind(window);
window.lostPlaceOrderAnswers = 0;
window.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const url = typeof input === "string" ? input : input.url;
  if (url.endsWith("/PlaceOrder") && window.lostPlaceOrderAnswers === 0) {
    window.lostPlaceOrderAnswers = 1;
    throw new TypeError("Failed to fetch");
  }
  return response;
};
"""


def test_placing_again_after_a_lost_answer_is_the_same_one_order(store, browser):
    product = stocked_product(store, "Заварочный чайник", [{"minorUnits": "99000", "currency": "RUB"}], stock=5)
    driver = browser("phone")
    customer = store.api(store.customer)
    before = {o["id"] for o in customer.call(ORDERS, "ListMyOrders", {"pageSize": 100}).get("orders", [])}
    to_checkout(store, driver, product)
    driver.execute_script(LOSE_FIRST_PLACE_ORDER_ANSWER)

    click(driver, "#place-order")
    error = visible(driver, "#place-error")
    assert "not ordered twice" in error.text, error.text
    assert driver.execute_script("return window.lostPlaceOrderAnswers") == 1
    placed = [o for o in customer.call(ORDERS, "ListMyOrders", {"pageSize": 100}).get("orders", []) if o["id"] not in before]
    assert len(placed) == 1, "the first Place order did not reach the shop"

    # The shopper clicks again: the same idempotency key answers the order already placed, not a second one.
    click(driver, "#place-order")
    assert order_id_on_page(driver) == placed[0]["id"]
    after = [o for o in customer.call(ORDERS, "ListMyOrders", {"pageSize": 100}).get("orders", []) if o["id"] not in before]
    assert [o["id"] for o in after] == [placed[0]["id"]]
    fits_the_screen(driver)


@pytest.fixture(scope="module")
def short_quotes():
    """A host whose quotes hold their price for 2 s only."""
    with running_shop(services="identity,catalog,payments,delivery", extra_args=["--quote-lifetime", "2s"]) as shop:
        yield shop


def test_an_expired_quote_is_named_and_nothing_is_ordered(short_quotes, browser):
    store = short_quotes
    product = stocked_product(store, "Дуршлаг", [{"minorUnits": "59000", "currency": "RUB"}])
    driver = browser("desktop")
    to_checkout(store, driver, product)
    # Wait on the chosen quote's own expiry (same machine, same clock), not on a guessed interval.
    expires_at = int(visible(driver, "#delivery-options [data-quote-id]:has(input:checked)").get_attribute(
        "data-expires-at"))
    assert expires_at > 0
    wait(driver, timeout=60).until(lambda _: time.time() * 1000 > expires_at + 200)
    click(driver, "#place-order")
    error = visible(driver, "#place-error")
    assert "expired" in error.text and "Ask for the delivery options again" in error.text, error.text
    assert store.api(store.customer).call(ORDERS, "ListMyOrders", {"pageSize": 100}).get("orders", []) == []
    text_is(driver, "main h1", "Checkout")
