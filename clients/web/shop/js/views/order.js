// One of the customer's orders: what was bought, where it goes, the payment (pay, try another card, or cancel an
// unpaid order) and, once paid, the shipment's tracking timeline, kept up to date while the page is open.

import * as api from "../../../js/api.js";
import { formatDateTime, formatMoney, orderLabel, paymentStatusLabel, statusLabel } from "../../../js/format.js";
import { announce, badge, errorText, h } from "../../../js/ui.js";
import * as payments from "../payment.js";

const ORDERS = "souk.catalog.v1.OrderService";
const DELIVERY = "souk.delivery.v1.DeliveryService";
const POLL_MS = 2000;
/** How often to ask again while a captured payment's order has not yet moved to paid. */
const SETTLE_MS = 500;
const TRACK_MS = 5000;

const SHIPMENT_WORDS = {
  SHIPMENT_STATUS_CREATED: "Being prepared",
  SHIPMENT_STATUS_HANDED_OVER: "Handed to the courier",
  SHIPMENT_STATUS_IN_TRANSIT: "On its way",
  SHIPMENT_STATUS_OUT_FOR_DELIVERY: "Out for delivery",
  SHIPMENT_STATUS_DELIVERED: "Delivered",
  SHIPMENT_STATUS_FAILED_ATTEMPT: "Delivery attempt failed",
  SHIPMENT_STATUS_RETURNED: "Returned",
  SHIPMENT_STATUS_CANCELLED: "Cancelled",
};

/** Resolves after `ms`, or at once when `signal` aborts (the shopper left the page); true if still on it. */
function pause(ms, signal) {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = window.setTimeout(() => resolve(true), ms);
    signal.addEventListener("abort", () => {
      window.clearTimeout(timer);
      resolve(false);
    }, { once: true });
  });
}

function returnUrl(order) {
  return `${location.origin}${location.pathname}#/order/${encodeURIComponent(order.id)}?return=1`;
}

function summary(order) {
  const shipping = order.shipping;
  const address = shipping?.address;
  return h(
    "section",
    { class: "stack card", "aria-labelledby": "order-lines-heading" },
    h("h2", { id: "order-lines-heading" }, "What you ordered"),
    h(
      "ul",
      { class: "summary-lines", id: "order-lines" },
      (order.lines ?? []).map((line) =>
        h("li", { "data-sku": line.sku }, h("span", {}, `${line.title} × ${line.quantity}`), h("span", {}, formatMoney(line.lineTotal))),
      ),
    ),
    shipping
      ? h(
          "p",
          { class: "summary-row" },
          h("span", {}, `Delivery: ${shipping.serviceName || shipping.serviceCode}`),
          h("span", {}, formatMoney(shipping.price)),
        )
      : null,
    h(
      "p",
      { class: "summary-row summary-total" },
      h("span", {}, "Total"),
      h("strong", { id: "order-total", "data-minor-units": order.total?.minorUnits ?? "0" }, formatMoney(order.total)),
    ),
    address
      ? h(
          "p",
          { class: "muted", id: "order-address" },
          [address.recipient, address.line1, address.line2, address.city, address.region, address.postalCode, address.country]
            .filter(Boolean)
            .join(", "),
        )
      : null,
  );
}

export async function render(root, ctx, { match, signal }) {
  const id = decodeURIComponent(match);
  const params = new URLSearchParams((location.hash.split("?")[1] ?? "").replace(/&amp;/g, "&"));
  let order;
  try {
    order = await api.call(ORDERS, "GetOrder", { orderId: id }, { signal });
  } catch (error) {
    if (error?.code !== "not_found" && error?.code !== "invalid_argument" && error?.code !== "permission_denied") throw error;
    root.append(
      h("h1", {}, "Order not found"),
      h("div", { class: "error-box", role: "alert" }, h("p", {}, errorText(error))),
      h("p", {}, h("a", { href: "#/orders" }, "Your orders")),
    );
    return;
  }
  const status = h("p", { class: "order-status" }, "Status: ", h("span", { id: "order-status" }));
  const paymentBox = h("section", { class: "stack card", id: "order-payment", "aria-labelledby": "payment-heading" });
  const tracking = h("section", { class: "stack card", id: "tracking", "aria-labelledby": "tracking-heading", hidden: true });
  root.append(
    h("p", {}, h("a", { href: "#/orders", class: "back-link" }, "← Your orders")),
    h("h1", { id: "order-title", "data-order-id": order.id }, `Order ${orderLabel(order)}`),
    status,
    summary(order),
    paymentBox,
    tracking,
  );

  const showStatus = () => {
    const element = document.getElementById("order-status");
    element?.replaceChildren(badge(order.status, statusLabel(order.status)));
    element?.setAttribute("data-status", order.status);
  };

  // The order's status is shown by renderPayment, with the buttons it allows, so the two never disagree on the page.
  const reload = async () => {
    order = await api.call(ORDERS, "GetOrder", { orderId: order.id }, { signal });
    return payments.payments(order.id, { signal });
  };

  // A captured payment moves the order to paid a moment later, in another transaction: until it has, ask again, so
  // the page never shows a paid order as waiting for payment.
  const awaitPaidOrder = async (list) => {
    for (let tries = 0; tries < 40 && payments.isCaptured(list[0]) && order.status === "ORDER_STATUS_PENDING_PAYMENT"; tries += 1) {
      if (!(await pause(SETTLE_MS, signal))) break;
      list = await reload();
    }
    return list;
  };
  const renderPayment = (list, { cardStep = false, message = "" } = {}) => {
    showStatus();
    const latest = list[0];
    const heading = h("h2", { id: "payment-heading" }, "Payment");
    const state = latest
      ? h(
          "p",
          {},
          "Payment: ",
          h("span", { id: "payment-status", "data-status": latest.status }, paymentStatusLabel(latest.status)),
        )
      : h("p", { id: "payment-status", "data-status": "none" }, "Not paid yet.");
    const parts = [heading, state];
    if (message) parts.push(h("p", { class: "error-box", role: "alert", id: "payment-error" }, message));
    if (order.status !== "ORDER_STATUS_PENDING_PAYMENT") {
      paymentBox.replaceChildren(...parts);
      return;
    }
    if (payments.isFailed(latest) && latest.status !== "PAYMENT_STATUS_CANCELLED") {
      parts.push(h("p", { class: "error-box", role: "alert", id: "payment-failure" }, payments.failureText(latest)));
    }
    const attempt = list.length;
    const pay = async (button, paymentMethod) => {
      button.disabled = true;
      button.textContent = "Contacting the payment provider…";
      try {
        const reply = await payments.pay(order.id, { attempt, paymentMethod, returnUrl: returnUrl(order) });
        if (reply.confirmationUrl) {
          // The provider's page (YooKassa's confirmation, a card's 3-D Secure) brings the customer back here.
          location.assign(reply.confirmationUrl);
          return;
        }
        const fresh = await awaitPaidOrder(await reload());
        const needsCard = !paymentMethod && reply.clientSecret && payments.isPending(reply.payment);
        renderPayment(fresh, { cardStep: needsCard });
        if (order.status !== "ORDER_STATUS_PENDING_PAYMENT") announce("Payment received. Thank you!");
      } catch (failure) {
        renderPayment(await reload().catch(() => list), { message: errorText(failure) });
      }
    };
    if (cardStep) {
      const choices = payments.TEST_CARDS.map(([value, label], index) =>
        h(
          "label",
          { class: "check-field", for: `card-${index}` },
          h("input", { type: "radio", name: "card", id: `card-${index}`, value, checked: index === 0 }),
          label,
        ),
      );
      const button = h("button", { class: "button primary", type: "button", id: "pay-with-card" }, `Pay ${formatMoney(order.total)}`);
      button.addEventListener("click", () => {
        const method = paymentBox.querySelector('input[name="card"]:checked')?.value;
        pay(button, method);
      });
      parts.push(
        h(
          "fieldset",
          { class: "stack card-choice" },
          h("legend", {}, "Card (Stripe test cards: this shop runs in the sandbox)"),
          choices,
        ),
        button,
      );
    } else {
      const button = h("button", { class: "button primary wide", type: "button", id: "pay" }, `Pay ${formatMoney(order.total)}`);
      button.addEventListener("click", () => pay(button, undefined));
      parts.push(button);
    }
    const cancel = h("button", { class: "button", type: "button", id: "cancel-order" }, "Cancel order");
    cancel.addEventListener("click", async () => {
      if (!window.confirm(`Cancel order ${orderLabel(order)}? Nothing has been charged.`)) return;
      cancel.disabled = true;
      try {
        const cancelled = await api.call(ORDERS, "CancelMyOrder", { orderId: order.id });
        const fresh = await payments.payments(cancelled.id, { signal }).catch(() => list);
        order = cancelled;
        renderPayment(fresh);
        announce(`Order ${orderLabel(order)} cancelled.`);
      } catch (failure) {
        cancel.disabled = false;
        renderPayment(list, { message: errorText(failure) });
      }
    });
    parts.push(cancel);
    paymentBox.replaceChildren(...parts);
  };

  showStatus();
  let list = await payments.payments(order.id, { signal });
  // Back from the provider's page: ask it now rather than wait for its notification.
  if (params.has("return") && payments.isPending(list[0])) {
    await payments.sync(list[0].id, { signal }).catch(() => null);
    list = await reload();
  }
  if (params.has("return") && payments.isPending(list[0])) {
    paymentBox.replaceChildren(h("h2", { id: "payment-heading" }, "Payment"), h("p", { role: "status", id: "payment-waiting" }, "Waiting for the payment provider to confirm…"));
    for (let tries = 0; tries < 30 && payments.isPending(list[0]); tries += 1) {
      if (!(await pause(POLL_MS, signal))) return;
      await payments.sync(list[0].id, { signal }).catch(() => null);
      list = await reload();
    }
  }
  list = await awaitPaidOrder(list);
  renderPayment(list);
  if (order.status !== "ORDER_STATUS_PENDING_PAYMENT" && order.status !== "ORDER_STATUS_CANCELLED") {
    track(order, tracking, signal);
  }
}

/** The shipment's timeline, asked again every few seconds until it is delivered or the shopper leaves. */
async function track(order, section, signal) {
  section.hidden = false;
  const heading = h("h2", { id: "tracking-heading" }, "Delivery");
  section.replaceChildren(heading, h("p", { class: "muted", id: "tracking-status" }, "The shipment is being prepared."));
  while (!signal.aborted) {
    let shipment = null;
    try {
      shipment = await api.call(DELIVERY, "TrackMyOrder", { orderId: order.id }, { signal });
    } catch (error) {
      if (error?.code === "canceled") return;
      // Not created yet (delivery follows the order's events), or a hiccup: ask again shortly.
    }
    if (shipment) {
      const history = shipment.history ?? [];
      section.replaceChildren(
        heading,
        h(
          "p",
          {},
          "Status: ",
          h("strong", { id: "tracking-status", "data-status": shipment.status }, SHIPMENT_WORDS[shipment.status] ?? shipment.status),
        ),
        shipment.trackingNumber ? h("p", { class: "muted" }, `Tracking number: ${shipment.trackingNumber}`) : null,
        h(
          "ol",
          { class: "history", id: "tracking-timeline" },
          history.map((change) =>
            h(
              "li",
              { "data-status": change.to },
              h("span", {}, SHIPMENT_WORDS[change.to] ?? change.to),
              h("time", { class: "muted" }, formatDateTime(change.atUnixMs)),
            ),
          ),
        ),
      );
      if (["SHIPMENT_STATUS_DELIVERED", "SHIPMENT_STATUS_RETURNED", "SHIPMENT_STATUS_CANCELLED"].includes(shipment.status)) return;
    }
    if (!(await pause(TRACK_MS, signal))) return;
  }
}
