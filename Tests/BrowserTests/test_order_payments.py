"""An order's payments on the admin page, against soukd's payments sandbox: no provider keys on its embedded database,
so the local Stripe and YooKassa stand in, and the shop fixture has staff capture what customers authorize
(--payment-capture manual). Customers pay through the API with Stripe's test cards; staff capture, refund (in part,
then the rest with the units back in stock) and cancel on the page, and see the service's refusals; customers see
their payments without the staff's actions. Each step is checked against the API too.
"""

import uuid

import pytest
from page import attribute_is, click, go, text_is, type_into, visible, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from test_orders_page import place_order, stocked_sku

PAYMENTS = "souk.payments.v1.PaymentService"
ORDERS = "souk.catalog.v1.OrderService"
SIZES = ["desktop", "phone"]
AUTHORIZED = "PAYMENT_STATUS_AUTHORIZED"


def usd_order(shop, price_minor="2599"):
    """An order of one unit at `price_minor` US cents, placed by the customer."""
    return place_order(shop, stocked_sku(shop, price_minor=price_minor, currency="USD"), currency="USD")


def pay(shop, order, method="pm_card_visa"):
    """The customer pays `order` with a Stripe test card; the payment as CreatePayment answers it."""
    reply = shop.api(shop.customer).call(PAYMENTS, "CreatePayment", {
        "orderId": order["id"], "idempotencyKey": uuid.uuid4().hex, "paymentMethod": method,
        "returnUrl": "https://shop.example/paid",
    })
    return reply["payment"]


def stored(shop, payment):
    return shop.api(shop.staff).call(PAYMENTS, "GetPayment", {"paymentId": payment["id"]})


def order_status(shop, order):
    return shop.api(shop.staff).call(ORDERS, "GetOrder", {"orderId": order["id"]})["status"]


def action_names(driver):
    return sorted(b.get_attribute("data-payment-action")
                  for b in driver.find_elements(By.CSS_SELECTOR, "#order-payments button[data-payment-action]"))


def shows_status(driver, payment, status):
    return visible(driver, f'[data-payment-id="{payment["id"]}"] [data-payment-status="{status}"]')


def confirm(driver, *words):
    """Accepts the page's confirmation after checking it names `words`."""
    alert = wait(driver).until(EC.alert_is_present())
    for word in words:
        assert word in alert.text, alert.text
    alert.accept()


def assert_fits_the_screen(driver):
    width = driver.execute_script("return document.documentElement.scrollWidth")
    limit = driver.execute_script("return window.innerWidth")
    assert width <= limit, f"the page is {width} pixels wide on a {limit}-pixel screen"


@pytest.mark.parametrize("size", SIZES)
def test_an_order_without_payments_shows_an_empty_section(shop, browser, screenshot, sign_in, size):
    order = usd_order(shop)
    assert shop.api(shop.staff).call(PAYMENTS, "ListPayments", {"orderId": order["id"]}).get("payments", []) == []

    driver = browser(size)
    sign_in(driver, shop, shop.staff)
    go(driver, f'#/orders/{order["id"]}')
    text_is(driver, "#order-payments-title", "Payments")
    text_is(driver, "#order-payments-empty", "No payments yet.")
    assert not driver.find_elements(By.CSS_SELECTOR, "#order-payments-error")
    assert not driver.find_elements(By.CSS_SELECTOR, "#order-payments button")
    assert_fits_the_screen(driver)
    screenshot(driver, "order-payments-empty")

    # The customer sees their own order's section too.
    customer = browser(size)
    sign_in(customer, shop, shop.customer)
    go(customer, f'#/orders/{order["id"]}')
    text_is(customer, "#order-payments-empty", "No payments yet.")


@pytest.mark.parametrize("size", SIZES)
def test_staff_capture_an_authorized_payment(shop, browser, screenshot, sign_in, size):
    order = usd_order(shop, price_minor="2599")
    payment = pay(shop, order)
    assert payment["status"] == AUTHORIZED

    driver = browser(size)
    sign_in(driver, shop, shop.staff)
    go(driver, f'#/orders/{order["id"]}')
    item = f'[data-payment-id="{payment["id"]}"]'
    shows_status(driver, payment, AUTHORIZED)
    text_is(driver, f"{item} .badge", "Authorized")
    shown = driver.find_element(By.CSS_SELECTOR, item).text
    assert payment["providerReference"] in shown and "Stripe" in shown and "by staff" in shown, shown
    assert "null" not in shown and "undefined" not in shown, shown
    assert len(driver.find_elements(By.CSS_SELECTOR, f"{item} .payment-history li")) == len(payment["history"])
    assert action_names(driver) == ["cancel", "capture"]
    assert_fits_the_screen(driver)
    screenshot(driver, "order-payments-authorized")

    # Capture: the money is taken and the order follows to paid, live; what is left to do is a refund.
    click(driver, f'{item} button[data-payment-action="capture"]')
    shows_status(driver, payment, "PAYMENT_STATUS_CAPTURED")
    attribute_is(driver, f"{item} [data-payment-captured]", "data-payment-captured", "2599")
    attribute_is(driver, "#order-status", "data-status", "ORDER_STATUS_PAID")
    assert stored(shop, payment)["status"] == "PAYMENT_STATUS_CAPTURED"
    assert order_status(shop, order) == "ORDER_STATUS_PAID"
    assert action_names(driver) == ["refund"]
    screenshot(driver, "order-payments-captured")


@pytest.mark.parametrize("size", SIZES)
def test_staff_refund_in_part_then_the_rest_with_restock(shop, browser, screenshot, sign_in, size):
    order = usd_order(shop, price_minor="2599")
    payment = pay(shop, order)
    shop.api(shop.staff).call(PAYMENTS, "CapturePayment", {"paymentId": payment["id"]})
    driver = browser(size)
    sign_in(driver, shop, shop.staff)
    go(driver, f'#/orders/{order["id"]}')
    item = f'[data-payment-id="{payment["id"]}"]'
    shows_status(driver, payment, "PAYMENT_STATUS_CAPTURED")

    # More than was captured, or more decimals than dollars have, is refused on the page and nothing is sent.
    click(driver, f'{item} button[data-payment-action="refund"]')
    amount = f'#payment-refund-amount-{payment["id"]}'
    reason = f'#payment-refund-reason-{payment["id"]}'
    type_into(driver, amount, "26")
    type_into(driver, reason, "the lid is scratched")
    click(driver, f'{item} button[data-payment-submit="refund"]')
    assert "is left to refund" in visible(driver, f"{amount}-error").text
    type_into(driver, amount, "5.505")
    click(driver, f'{item} button[data-payment-submit="refund"]')
    assert "at most 2 decimals" in visible(driver, f"{amount}-error").text
    assert "refunds" not in stored(shop, payment)

    # 5.50 back, after a confirmation.
    type_into(driver, amount, "5.50")
    click(driver, f'{item} button[data-payment-submit="refund"]')
    confirm(driver, "Refund", "5.50")
    shows_status(driver, payment, "PAYMENT_STATUS_PARTIALLY_REFUNDED")
    refunds = stored(shop, payment).get("refunds", [])
    assert [(r["amount"]["minorUnits"], r["reason"]) for r in refunds] == [("550", "the lid is scratched")], refunds
    attribute_is(driver, f"{item} [data-payment-refunded]", "data-payment-refunded", "550")
    shown = driver.find_elements(By.CSS_SELECTOR, f"{item} .payment-refunds li")
    assert len(shown) == 1 and "the lid is scratched" in shown[0].text
    assert_fits_the_screen(driver)
    screenshot(driver, "order-payments-partly-refunded")

    # The rest, with the item back in stock: the payment and then the order are refunded.
    click(driver, f'{item} button[data-payment-action="refund"]')
    type_into(driver, reason, "sent back")
    click(driver, f'#payment-refund-restock-{payment["id"]}')
    click(driver, f'{item} button[data-payment-submit="refund"]')
    confirm(driver, "20.49")
    shows_status(driver, payment, "PAYMENT_STATUS_REFUNDED")
    attribute_is(driver, f"{item} [data-payment-refunded]", "data-payment-refunded", "2599")
    attribute_is(driver, "#order-status", "data-status", "ORDER_STATUS_REFUNDED")
    assert action_names(driver) == []
    final = stored(shop, payment)
    assert final["status"] == "PAYMENT_STATUS_REFUNDED"
    assert [r["amount"]["minorUnits"] for r in final["refunds"]] == ["550", "2049"], final["refunds"]
    assert [r.get("restocked", False) for r in final["refunds"]] == [False, True]
    assert order_status(shop, order) == "ORDER_STATUS_REFUNDED"
    screenshot(driver, "order-payments-refunded")


def test_staff_cancel_with_a_reason_and_see_a_refusal(shop, browser, screenshot, sign_in):
    order = usd_order(shop)
    payment = pay(shop, order)
    driver = browser("phone")
    sign_in(driver, shop, shop.staff)
    go(driver, f'#/orders/{order["id"]}')
    item = f'[data-payment-id="{payment["id"]}"]'
    shows_status(driver, payment, AUTHORIZED)

    # A reason first (nothing is sent without one), then a confirmation.
    click(driver, f'{item} button[data-payment-action="cancel"]')
    click(driver, f'{item} button[data-payment-submit="cancel"]')
    text_is(driver, f'#payment-cancel-reason-{payment["id"]}-error', "Say why the payment is cancelled.")
    assert stored(shop, payment)["status"] == AUTHORIZED
    type_into(driver, f'#payment-cancel-reason-{payment["id"]}', "the customer called")
    click(driver, f'{item} button[data-payment-submit="cancel"]')
    confirm(driver, "Cancel payment")
    shows_status(driver, payment, "PAYMENT_STATUS_CANCELLED")
    # The reason is kept: in the history, or as the payment's reason when Stripe's own webhook about the cancel
    # moved it first (a webhook after the cancel may replace that reason with Stripe's "requested_by_customer").
    assert "the customer called" in driver.find_element(By.CSS_SELECTOR, item).text
    assert action_names(driver) == []
    cancelled = stored(shop, payment)
    assert cancelled["status"] == "PAYMENT_STATUS_CANCELLED"
    kept = [cancelled.get("failureReason", "")] + [change.get("note", "") for change in cancelled["history"]]
    assert "the customer called" in kept, cancelled
    assert order_status(shop, order) == "ORDER_STATUS_PENDING_PAYMENT"

    # The customer pays again; the page shows the new payment; someone cancels it elsewhere meanwhile, so the
    # page's Capture is refused by the service, its message shown under the payment.
    second = pay(shop, order)
    go(driver, "#/orders")
    go(driver, f'#/orders/{order["id"]}')
    shows_status(driver, second, AUTHORIZED)
    shop.api(shop.admin).call(PAYMENTS, "CancelPayment", {"paymentId": second["id"], "reason": "done by phone"})
    click(driver, f'[data-payment-id="{second["id"]}"] button[data-payment-action="capture"]')
    box = visible(driver, f'[data-payment-id="{second["id"]}"] .payment-error')
    assert box.get_attribute("role") == "alert"
    assert f'payment {second["id"][:8]} is cancelled; only an authorized payment is captured' in box.text, box.text
    assert_fits_the_screen(driver)
    screenshot(driver, "order-payments-refused")


def test_customers_see_their_payments_without_staff_actions(shop, browser, sign_in):
    order = usd_order(shop)
    payment = pay(shop, order)
    driver = browser("phone")
    sign_in(driver, shop, shop.customer)
    go(driver, f'#/orders/{order["id"]}')
    shows_status(driver, payment, AUTHORIZED)
    assert payment["providerReference"] in driver.find_element(By.CSS_SELECTOR, "#order-payments").text
    assert action_names(driver) == []
    assert not driver.find_elements(By.CSS_SELECTOR, "#order-payments form")
    assert_fits_the_screen(driver)
