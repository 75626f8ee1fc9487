"""An order's payments on the admin page, against a soukd that hosts payments without any provider keys.

What works without a provider is checked end to end: the section of an order with no payment, and every staff
action refused by the real service (an unknown payment is NOT_FOUND) with its message shown. A payment itself cannot
exist on a host without provider keys, so the tests that check which actions each role gets answer the page's one
ListPayments call with a made-up payment (`stub_payments`); every other call, the actions' included, goes to the
bridge. A flow that pays through a provider belongs here once `soukd serve` can start the local Stripe.
"""

import uuid

import pytest
from page import click, go, text_is, type_into, visible, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from test_orders_page import place_order, stocked_sku

PAYMENTS = "souk.payments.v1.PaymentService"
SIZES = ["desktop", "phone"]

# Replaces the page's fetch for ListPayments only: the answer is the payment given, every other request goes out.
STUB_PAYMENTS = """
window.__soukStubPayment = arguments[0];
if (!window.__soukRealFetch) window.__soukRealFetch = window.fetch.bind(window);
window.fetch = (input, init) => {
  const url = typeof input === "string" ? input : input.url;
  if (url.endsWith("/souk.payments.v1.PaymentService/ListPayments")) {
    const body = JSON.stringify({ payments: [window.__soukStubPayment] });
    return Promise.resolve(new Response(body, { status: 200, headers: { "Content-Type": "application/json" } }));
  }
  return window.__soukRealFetch(input, init);
};
"""


def stub_payments(driver, payment):
    driver.execute_script(STUB_PAYMENTS, payment)


def made_up_payment(order, status, captured="0"):
    """A payment of `order` in `status` that the service does not have (a random id)."""
    total = order["total"]
    history = [{"to": "PAYMENT_STATUS_CREATED", "actor": order["customerAccountId"], "atUnixMs": order["createdAtUnixMs"],
                "note": f'order {order["number"]}'},
               {"from": "PAYMENT_STATUS_CREATED", "to": status, "actor": "provider:stripe",
                "atUnixMs": order["createdAtUnixMs"], "providerEventId": "evt_made_up"}]
    return {
        "id": str(uuid.uuid4()), "orderId": order["id"], "customerAccountId": order["customerAccountId"],
        "status": status, "amount": total, "captured": {"minorUnits": captured, "currency": total["currency"]},
        "refunded": {"currency": total["currency"]}, "provider": "stripe", "providerReference": "pi_made_up",
        "manualCapture": True, "history": history, "createdAtUnixMs": order["createdAtUnixMs"],
        "updatedAtUnixMs": order["createdAtUnixMs"],
    }


def action_names(driver):
    return sorted(b.get_attribute("data-payment-action")
                  for b in driver.find_elements(By.CSS_SELECTOR, "#order-payments button[data-payment-action]"))


def payment_error(driver, payment_id):
    css = f'[data-payment-id="{payment_id}"] .payment-error'
    box = visible(driver, css)
    assert box.get_attribute("role") == "alert"
    return box.text


def assert_fits_the_screen(driver):
    width = driver.execute_script("return document.documentElement.scrollWidth")
    limit = driver.execute_script("return window.innerWidth")
    assert width <= limit, f"the page is {width} pixels wide on a {limit}-pixel screen"


@pytest.mark.parametrize("size", SIZES)
def test_an_order_without_payments_shows_an_empty_section(shop, browser, screenshot, sign_in, size):
    order = place_order(shop, stocked_sku(shop))
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
def test_staff_act_on_payments_and_see_the_services_refusals(shop, browser, screenshot, sign_in, size):
    order = place_order(shop, stocked_sku(shop, price_minor="125050"))
    driver = browser(size)
    sign_in(driver, shop, shop.staff)

    # Authorized: Capture and Cancel, not Refund. Capturing a payment the service does not have is NOT_FOUND.
    authorized = made_up_payment(order, "PAYMENT_STATUS_AUTHORIZED")
    stub_payments(driver, authorized)
    go(driver, f'#/orders/{order["id"]}')
    item = f'[data-payment-id="{authorized["id"]}"]'
    visible(driver, f'{item} [data-payment-status="PAYMENT_STATUS_AUTHORIZED"]')
    text_is(driver, f"{item} .badge", "Authorized")
    shown = driver.find_element(By.CSS_SELECTOR, item).text
    assert "pi_made_up" in shown and "by staff" in shown and "null" not in shown and "undefined" not in shown
    history = driver.find_elements(By.CSS_SELECTOR, f"{item} .payment-history li")
    assert len(history) == 2 and "Created → Authorized" in history[1].text and "by Stripe" in history[1].text
    assert action_names(driver) == ["cancel", "capture"]
    assert_fits_the_screen(driver)
    screenshot(driver, "order-payments-authorized")
    click(driver, f'{item} button[data-payment-action="capture"]')
    assert f'payment_id: no payment {authorized["id"]}' in payment_error(driver, authorized["id"])

    # Waiting for the customer: Cancel only. It asks for a reason first (nothing is sent without one), then for a
    # confirmation; the service's refusal shows under the payment.
    waiting = made_up_payment(order, "PAYMENT_STATUS_REQUIRES_ACTION")
    stub_payments(driver, waiting)
    go(driver, "#/orders")
    go(driver, f'#/orders/{order["id"]}')
    item = f'[data-payment-id="{waiting["id"]}"]'
    visible(driver, f'{item} [data-payment-status="PAYMENT_STATUS_REQUIRES_ACTION"]')
    assert action_names(driver) == ["cancel"]
    click(driver, f'{item} button[data-payment-action="cancel"]')
    click(driver, f'{item} button[data-payment-submit="cancel"]')
    text_is(driver, f'#payment-cancel-reason-{waiting["id"]}-error', "Say why the payment is cancelled.")
    assert not driver.find_element(By.CSS_SELECTOR, f"{item} .payment-error").is_displayed()
    type_into(driver, f'#payment-cancel-reason-{waiting["id"]}', "the customer called")
    click(driver, f'{item} button[data-payment-submit="cancel"]')
    wait(driver).until(EC.alert_is_present()).accept()
    assert f'payment_id: no payment {waiting["id"]}' in payment_error(driver, waiting["id"])
    assert_fits_the_screen(driver)
    screenshot(driver, "order-payments-cancel-refused")

    # Captured: Refund only; an amount above what is left is refused on the page, a valid one by the service.
    captured = made_up_payment(order, "PAYMENT_STATUS_CAPTURED", captured=order["total"]["minorUnits"])
    stub_payments(driver, captured)
    go(driver, "#/orders")
    go(driver, f'#/orders/{order["id"]}')
    item = f'[data-payment-id="{captured["id"]}"]'
    visible(driver, f'{item} [data-payment-status="PAYMENT_STATUS_CAPTURED"]')
    assert action_names(driver) == ["refund"]
    click(driver, f'{item} button[data-payment-action="refund"]')
    amount = f'#payment-refund-amount-{captured["id"]}'
    type_into(driver, amount, "1250.51")
    type_into(driver, f'#payment-refund-reason-{captured["id"]}', "one cup arrived broken")
    click(driver, f'{item} button[data-payment-submit="refund"]')
    assert "is left to refund" in visible(driver, f"{amount}-error").text
    type_into(driver, amount, "12.345")
    click(driver, f'{item} button[data-payment-submit="refund"]')
    assert "at most 2 decimals" in visible(driver, f"{amount}-error").text
    type_into(driver, amount, "100")
    click(driver, f'#payment-refund-restock-{captured["id"]}')
    click(driver, f'{item} button[data-payment-submit="refund"]')
    alert = wait(driver).until(EC.alert_is_present())
    assert "Refund" in alert.text and "100" in alert.text
    alert.accept()
    assert f'payment_id: no payment {captured["id"]}' in payment_error(driver, captured["id"])
    assert_fits_the_screen(driver)
    screenshot(driver, "order-payments-refund-refused")
    assert shop.api(shop.staff).call(PAYMENTS, "ListPayments", {"orderId": order["id"]}).get("payments", []) == []


def test_customers_see_their_payments_without_staff_actions(shop, browser, sign_in):
    order = place_order(shop, stocked_sku(shop))
    driver = browser("phone")
    sign_in(driver, shop, shop.customer)
    for status in ("PAYMENT_STATUS_AUTHORIZED", "PAYMENT_STATUS_CAPTURED"):
        payment = made_up_payment(order, status, captured=order["total"]["minorUnits"])
        stub_payments(driver, payment)
        go(driver, "#/orders")
        go(driver, f'#/orders/{order["id"]}')
        visible(driver, f'[data-payment-id="{payment["id"]}"] [data-payment-status="{status}"]')
        assert action_names(driver) == []
        assert not driver.find_elements(By.CSS_SELECTOR, "#order-payments form")
