// One order: lines, totals, the delivery line and address, rates used, history, the moves its state allows (UpdateOrderStatus) and its payments
// (order-payments.js).

import * as api from "../api.js";
import { formatDateTime, formatMoney, isoDateTime, orderLabel, statusLabel } from "../format.js";
import { announce, badge, errorText, formField, h, notify, showError, showLoading } from "../ui.js";
import { paymentsSection } from "./order-payments.js";
import { watchOrders } from "./orders.js";

const ORDERS = "souk.catalog.v1.OrderService";

/** The state machine of orders.proto: the statuses each status may move to. */
export const NEXT_STATUSES = {
  ORDER_STATUS_PENDING_PAYMENT: ["ORDER_STATUS_PAID", "ORDER_STATUS_CANCELLED"],
  ORDER_STATUS_PAID: ["ORDER_STATUS_PACKED", "ORDER_STATUS_REFUNDED"],
  ORDER_STATUS_PACKED: ["ORDER_STATUS_SHIPPED", "ORDER_STATUS_REFUNDED"],
  ORDER_STATUS_SHIPPED: ["ORDER_STATUS_DELIVERED", "ORDER_STATUS_REFUNDED"],
  ORDER_STATUS_DELIVERED: ["ORDER_STATUS_REFUNDED"],
};

const ACTION_LABELS = {
  ORDER_STATUS_PAID: "Mark as paid",
  ORDER_STATUS_PACKED: "Mark as packed",
  ORDER_STATUS_SHIPPED: "Mark as shipped",
  ORDER_STATUS_DELIVERED: "Mark as delivered",
  ORDER_STATUS_CANCELLED: "Cancel order",
  ORDER_STATUS_REFUNDED: "Refund",
};

const DESTRUCTIVE = new Set(["ORDER_STATUS_CANCELLED", "ORDER_STATUS_REFUNDED"]);

/** Quote units per base unit = mantissa / 10^scale, written out exactly as a decimal string. */
function rateText(rate) {
  const scale = Number(rate.scale ?? 0);
  let digits = String(rate.mantissa ?? "0");
  const negative = digits.startsWith("-");
  if (negative) digits = digits.slice(1);
  if (scale <= 0) return (negative ? "-" : "") + digits;
  digits = digits.padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, "");
  return (negative ? "-" : "") + whole + (fraction ? "." + fraction : "");
}

function shortId(id) {
  return id ? String(id).slice(0, 8) : "";
}

function linesTable(order) {
  return h(
    "table",
    { class: "table", id: "order-lines" },
    h("caption", { class: "visually-hidden" }, "Order lines"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Item"),
        h("th", { scope: "col" }, "SKU"),
        h("th", { scope: "col" }, "Warehouse"),
        h("th", { scope: "col", class: "number" }, "Qty"),
        h("th", { scope: "col", class: "number" }, "Unit price"),
        h("th", { scope: "col", class: "number" }, "Line total"),
      ),
    ),
    h(
      "tbody",
      {},
      (order.lines ?? []).map((line) =>
        h(
          "tr",
          {},
          h("td", { "data-label": "Item" }, line.title ?? ""),
          h("td", { "data-label": "SKU" }, h("span", { class: "mono" }, line.sku ?? "")),
          h("td", { "data-label": "Warehouse" }, line.warehouse ?? ""),
          h("td", { "data-label": "Qty", class: "number" }, `${line.quantity ?? 0}`),
          h("td", { "data-label": "Unit price", class: "number" }, formatMoney(line.unitPrice ?? {})),
          h("td", { "data-label": "Line total", class: "number" }, formatMoney(line.lineTotal ?? {})),
        ),
      ),
    ),
    h(
      "tfoot",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "row", colspan: "5" }, "Total"),
        h("td", { class: "number", "data-label": "Total", id: "order-total" }, formatMoney(order.total ?? {})),
      ),
    ),
  );
}

function ratesSection(order) {
  const rates = order.rates ?? [];
  return h(
    "section",
    { class: "card stack", "aria-labelledby": "order-rates-title" },
    h("h2", { id: "order-rates-title" }, "Exchange rates used"),
    rates.length === 0
      ? h("p", { class: "muted" }, "None: every price was already in the order's currency.")
      : h(
          "ul",
          { class: "stack", id: "order-rates" },
          rates.map((rate) =>
            h(
              "li",
              {},
              `1 ${rate.base} = ${rateText(rate)} ${rate.quote}`,
              h("span", { class: "muted" }, ` · ${rate.source ?? ""}${rate.effectiveDate ? ", " + rate.effectiveDate : ""}`),
            ),
          ),
        ),
  );
}

/** The address as lines: recipient, street, place (postcode, city, region, country), phone. */
export function addressLines(address) {
  if (!address) return [];
  const place = [address.postalCode, address.city, address.region, address.country].filter(Boolean).join(", ");
  return [address.recipient, address.line1, address.line2, place, address.phone].filter(Boolean);
}

/** "2–4 days", or "3 days" when min and max agree. */
export function daysText(min, max) {
  const low = Number(min ?? 0);
  const high = Number(max ?? 0);
  if (low === high) return `${high} ${high === 1 ? "day" : "days"}`;
  return `${low}–${high} days`;
}

const SHIPPED_STATUSES = new Set(["ORDER_STATUS_PACKED", "ORDER_STATUS_SHIPPED", "ORDER_STATUS_DELIVERED"]);

/** The shipping line (service, price, days), the delivery address and a link to the shipment once packed. */
function shippingSection(order) {
  const shipping = order.shipping;
  const link = SHIPPED_STATUSES.has(order.status)
    ? h("p", {}, h("a", { id: "order-shipment-link", href: `#/shipments/${encodeURIComponent(order.id)}` }, "Shipment and tracking →"))
    : h("p", { class: "muted" }, "The shipment is created when the order is packed.");
  return h(
    "section",
    { class: "card stack", id: "order-shipping", "aria-labelledby": "order-shipping-title" },
    h("h2", { id: "order-shipping-title" }, "Delivery"),
    h(
      "dl",
      { class: "details-list" },
      h("dt", {}, "Service"),
      h("dd", {}, `${shipping.serviceName ?? ""} `, h("span", { class: "muted" }, `(${shipping.carrier ?? ""})`)),
      h("dt", {}, "Shipping"),
      h("dd", { id: "order-shipping-price" }, formatMoney(shipping.price ?? { currency: order.currency })),
      h("dt", {}, "Promised"),
      h("dd", {}, daysText(shipping.minDays, shipping.maxDays)),
      h("dt", {}, "Goods"),
      h("dd", {}, formatMoney(order.goodsTotal ?? { currency: order.currency })),
      h("dt", {}, "Deliver to"),
      h("dd", {}, h("address", { id: "order-address" }, addressLines(shipping.address).map((line) => h("div", {}, line)))),
    ),
    link,
  );
}

const IDENTITY = "souk.identity.v1.IdentityService";

/** Who made a change, in words: "you", "the customer", an email when the caller may look it up, or a short id. */
function actorText(id, order, people) {
  if (!id) return "system";
  if (people.me && id === people.me) return "you";
  if (id === order.customerAccountId) return people.emails.get(id) ? `the customer (${people.emails.get(id)})` : "the customer";
  return people.emails.get(id) ?? shortId(id);
}

/** Fills `people` ({me, emails}) for the actors of `order`; failures only leave ids showing. */
async function lookUpPeople(order, people, ctx, signal) {
  if (!people.me) {
    try {
      const reply = await api.call(IDENTITY, "GetMyAccount", {}, { signal });
      people.me = reply.account?.id ?? "";
    } catch {
      people.me = "";
    }
  }
  await lookUpIds([order.customerAccountId, ...(order.history ?? []).map((change) => change.actorAccountId)], people, ctx, signal);
}

/** Adds the emails of `ids` (account ids) to `people.emails` where the caller may read them (admins). */
export async function lookUpIds(ids, people, ctx, signal) {
  if (!ctx.isAdmin) return;
  await Promise.all(
    [...new Set(ids)]
      .filter((id) => id && id !== people.me && !people.emails.has(id))
      .map(async (id) => {
        try {
          const reply = await api.call(IDENTITY, "GetAccount", { accountId: id }, { signal });
          if (reply.account?.email) people.emails.set(id, reply.account.email);
        } catch {
          // Not found or not allowed: the short id stays.
        }
      }),
  );
}

function historyList(order, people) {
  const history = order.history ?? [];
  return h(
    "ol",
    { class: "history", id: "order-history" },
    history.map((change) => {
      const from = change.from && change.from !== "ORDER_STATUS_UNSPECIFIED" ? statusLabel(change.from) : null;
      return h(
        "li",
        { "data-status": change.to ?? "" },
        h("div", {}, h("strong", {}, from ? `${from} → ${statusLabel(change.to)}` : `Placed (${statusLabel(change.to)})`)),
        h(
          "div",
          { class: "muted" },
          h("time", { datetime: isoDateTime(change.atUnixMs) }, formatDateTime(change.atUnixMs)),
          ` · by `,
          h("span", { title: change.actorAccountId ?? "" }, actorText(change.actorAccountId, order, people)),
        ),
        change.note ? h("div", { class: "history-note" }, `“${change.note}”`) : null,
      );
    }),
  );
}

export async function render(root, ctx, params) {
  const controller = new AbortController();
  const { signal } = controller;
  const id = params.id;
  let order = null;
  let busy = false;
  const people = { me: "", emails: new Map() };

  const heading = h("h1", {}, "Order");
  const body = h("div", { class: "stack" });
  root.replaceChildren(
    h("p", {}, h("a", { href: "#/orders" }, "← All orders")),
    heading,
    body,
  );

  const payments = paymentsSection({
    ctx,
    signal,
    actorText: (actor) => (order ? actorText(actor, order, people) : shortId(actor)),
    lookUp: (ids) => lookUpIds(ids, people, ctx, signal),
  });

  const note = h("textarea", { name: "note", rows: "2", maxlength: "500" });
  const actionError = h("div", { id: "order-action-error", class: "error-box", role: "alert", hidden: true });

  const move = async (next, button) => {
    if (busy || !order) return;
    if (DESTRUCTIVE.has(next)) {
      const question =
        next === "ORDER_STATUS_CANCELLED"
          ? `Cancel order ${orderLabel(order)}? The held stock returns to the warehouse. This cannot be undone.`
          : `Refund order ${orderLabel(order)} (${formatMoney(order.total ?? {})})? This cannot be undone.`;
      if (!window.confirm(question)) return;
    }
    busy = true;
    actionError.hidden = true;
    const buttons = root.querySelectorAll("button[data-next-status]");
    buttons.forEach((b) => (b.disabled = true));
    const idle = button.textContent;
    button.textContent = "Saving…";
    try {
      const reply = await api.call(
        ORDERS,
        "UpdateOrderStatus",
        { orderId: order.id, status: next, note: note.value.trim() },
        { signal },
      );
      note.value = "";
      show(reply);
      notify(`Order ${orderLabel(reply)} is now ${statusLabel(reply.status)}.`);
      root.querySelector("#order-status")?.focus();
    } catch (error) {
      if (signal.aborted) return;
      button.textContent = idle;
      buttons.forEach((b) => (b.disabled = false));
      actionError.textContent = errorText(error);
      actionError.hidden = false;
    } finally {
      busy = false;
    }
  };

  const show = (next) => {
    order = next;
    heading.textContent = `Order ${orderLabel(order)}`;
    document.title = `Order ${orderLabel(order)} · Souk admin`;
    const allowed = NEXT_STATUSES[order.status] ?? [];
    const actions =
      allowed.length === 0
        ? h("p", { class: "muted" }, `${statusLabel(order.status)} is final: no further changes.`)
        : h(
            "div",
            { class: "stack" },
            formField({ label: "Note (optional)", id: "order-note", input: note, hint: "Saved in the history." }),
            h(
              "div",
              { class: "actions" },
              allowed.map((status) => {
                const button = h(
                  "button",
                  {
                    type: "button",
                    class: `button ${DESTRUCTIVE.has(status) ? "danger" : "primary"}`,
                    "data-next-status": status,
                  },
                  ACTION_LABELS[status] ?? statusLabel(status),
                );
                button.addEventListener("click", () => move(status, button));
                return button;
              }),
            ),
            actionError,
          );
    body.replaceChildren(
      h(
        "section",
        { class: "card stack", "aria-labelledby": "order-summary-title" },
        h("h2", { id: "order-summary-title", class: "visually-hidden" }, "Summary"),
        h(
          "dl",
          { class: "details-list" },
          h("dt", {}, "Status"),
          h("dd", {}, h("span", { id: "order-status", tabindex: "-1", "data-status": order.status }, badge(order.status, statusLabel(order.status)))),
          h("dt", {}, "Total"),
          h("dd", {}, formatMoney(order.total ?? { currency: order.currency })),
          h("dt", {}, "Placed"),
          h("dd", {}, h("time", { datetime: isoDateTime(order.createdAtUnixMs) }, formatDateTime(order.createdAtUnixMs))),
          h("dt", {}, "Updated"),
          h("dd", {}, h("time", { datetime: isoDateTime(order.updatedAtUnixMs) }, formatDateTime(order.updatedAtUnixMs))),
          h("dt", {}, "Customer"),
          h(
            "dd",
            {},
            people.emails.get(order.customerAccountId) ?? "",
            h("span", { class: "mono muted" }, people.emails.get(order.customerAccountId) ? ` (${order.customerAccountId})` : order.customerAccountId ?? ""),
          ),
          h("dt", {}, "Order id"),
          h("dd", {}, h("span", { class: "mono" }, order.id)),
        ),
      ),
      ...(order.shipping ? [shippingSection(order)] : []),
      h(
        "section",
        { class: "card stack", "aria-labelledby": "order-actions-title" },
        h("h2", { id: "order-actions-title" }, "Change status"),
        actions,
      ),
      payments.element,
      h(
        "section",
        { class: "stack", "aria-labelledby": "order-lines-title" },
        h("h2", { id: "order-lines-title" }, "Lines"),
        h("div", { class: "table-wrap" }, linesTable(order)),
      ),
      ratesSection(order),
      h(
        "section",
        { class: "card stack", "aria-labelledby": "order-history-title" },
        h("h2", { id: "order-history-title" }, "History"),
        historyList(order, people),
      ),
    );
  };

  const load = async () => {
    showLoading(body, "Loading order…");
    try {
      const fetched = await api.call(ORDERS, "GetOrder", { orderId: id }, { signal });
      await lookUpPeople(fetched, people, ctx, signal);
      show(fetched);
      payments.load(fetched);
    } catch (error) {
      if (signal.aborted) return;
      heading.textContent = "Order";
      showError(body, error, load);
    }
  };

  await load();

  // Someone else may change this order meanwhile: follow it live (quietly; the list shows the connection state).
  watchOrders({
    signal,
    onState: () => {},
    onUpdate: ({ order: changed }) => {
      if (!order || changed.id !== order.id || busy) return;
      if (changed.status === order.status && (changed.history ?? []).length === (order.history ?? []).length) return;
      const keepNote = note.value;
      show(changed);
      note.value = keepNote;
      // A payment moved the order (a capture, a refund, a provider's webhook): show the payment as it is now.
      payments.refresh();
      announce(`Order ${orderLabel(changed)} is now ${statusLabel(changed.status)}.`);
    },
  });

  return () => controller.abort();
}
