// Today at a glance: orders placed since local midnight, counts per status, revenue per currency.

import * as api from "../api.js";
import { formatDateTime, formatMoney, isoDateTime, orderLabel, statusLabel } from "../format.js";
import { badge, h, showError } from "../ui.js";
import { STATUSES, watchOrders } from "./orders.js";

const ORDERS = "souk.catalog.v1.OrderService";
const PAGE_SIZE = 100;
const MAX_PAGES = 20; // 2,000 orders: beyond that the dashboard says it counted only part of the day.
const REVENUE = new Set(["ORDER_STATUS_PAID", "ORDER_STATUS_PACKED", "ORDER_STATUS_SHIPPED", "ORDER_STATUS_DELIVERED"]);
const PENDING = "ORDER_STATUS_PENDING_PAYMENT";

/** Unix ms of today's local midnight. */
export function localMidnight(now = new Date()) {
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  return midnight.getTime();
}

/** Counts per status and integer sums per currency (revenue: paid…delivered; pending apart). */
export function summarize(orders) {
  const counts = Object.fromEntries(STATUSES.map((status) => [status, 0]));
  const revenue = new Map();
  const pending = new Map();
  for (const order of orders) {
    counts[order.status] = (counts[order.status] ?? 0) + 1;
    const total = order.total ?? {};
    const currency = total.currency || order.currency || "";
    const minor = BigInt(total.minorUnits ?? 0);
    const target = REVENUE.has(order.status) ? revenue : order.status === PENDING ? pending : null;
    if (target) {
      const entry = target.get(currency) ?? { minor: 0n, count: 0 };
      entry.minor += minor;
      entry.count += 1;
      target.set(currency, entry);
    }
  }
  return { total: orders.length, counts, revenue, pending };
}

async function todaysOrders(signal) {
  const orders = [];
  let pageToken = "";
  let pages = 0;
  do {
    const reply = await api.call(
      ORDERS,
      "ListOrders",
      { placedFromUnixMs: String(localMidnight()), pageSize: PAGE_SIZE, pageToken },
      { signal },
    );
    orders.push(...(reply.orders ?? []));
    pageToken = reply.nextPageToken ?? "";
    pages += 1;
  } while (pageToken && pages < MAX_PAGES);
  return { orders, complete: !pageToken };
}

function moneyList(id, sums, emptyText) {
  const currencies = [...sums.keys()].sort();
  if (currencies.length === 0) return h("ul", { id, class: "plain-list" }, h("li", { class: "muted" }, emptyText));
  return h(
    "ul",
    { id, class: "stats money-stats" },
    currencies.map((currency) => {
      const { minor, count } = sums.get(currency);
      return h(
        "li",
        { class: "stat", "data-currency": currency, "data-minor-units": minor.toString() },
        h("span", { class: "stat-value" }, formatMoney({ minorUnits: minor.toString(), currency })),
        h("span", { class: "stat-label" }, `${currency} · ${count} ${count === 1 ? "order" : "orders"}`),
      );
    }),
  );
}

export async function render(root, ctx) {
  const controller = new AbortController();
  const { signal } = controller;
  const body = h("div", { class: "stack", "aria-busy": "true" });
  const updated = h("p", { class: "muted", id: "dashboard-updated" });
  const refresh = h("button", { class: "button small", type: "button", id: "dashboard-refresh" }, "Refresh");
  root.replaceChildren(
    h("div", { class: "view-header" }, h("h1", {}, "Today"), h("div", { class: "row" }, updated, refresh)),
    body,
  );
  let loading = null;
  let again = false;

  const draw = ({ orders, complete }) => {
    const summary = summarize(orders);
    const recent = orders.slice(0, 5);
    body.replaceChildren(
      h("p", { class: "error-box", role: "status", hidden: complete }, `Counted the newest ${orders.length} orders of today only.`),
      h(
        "section",
        { class: "stack", "aria-labelledby": "dashboard-orders-title" },
        h("h2", { id: "dashboard-orders-title" }, "Orders placed today"),
        h(
          "ul",
          { class: "stats" },
          h(
            "li",
            { class: "stat" },
            h("span", { class: "stat-value", id: "dashboard-orders-today" }, `${summary.total}`),
            h("span", { class: "stat-label" }, "All orders"),
          ),
          STATUSES.map((status) =>
            h(
              "li",
              { class: "stat", "data-status-count": status },
              h("span", { class: "stat-value" }, `${summary.counts[status] ?? 0}`),
              h("span", { class: "stat-label" }, statusLabel(status)),
            ),
          ),
        ),
      ),
      h(
        "div",
        { class: "grid-2" },
        h(
          "section",
          { class: "stack", "aria-labelledby": "dashboard-revenue-title" },
          h("h2", { id: "dashboard-revenue-title" }, "Revenue today"),
          h("p", { class: "muted" }, "Paid, packed, shipped and delivered orders; refunds and cancellations excluded."),
          moneyList("dashboard-revenue", summary.revenue, "No paid orders yet today."),
        ),
        h(
          "section",
          { class: "stack", "aria-labelledby": "dashboard-pending-title" },
          h("h2", { id: "dashboard-pending-title" }, "Awaiting payment"),
          h("p", { class: "muted" }, "Placed today, not paid yet."),
          moneyList("dashboard-pending", summary.pending, "Nothing awaiting payment."),
        ),
      ),
      h(
        "section",
        { class: "stack", "aria-labelledby": "dashboard-recent-title" },
        h("div", { class: "view-header" }, h("h2", { id: "dashboard-recent-title" }, "Latest orders"), h("a", { href: "#/orders" }, "All orders →")),
        recent.length === 0
          ? h("p", { class: "muted" }, "No orders today yet.")
          : h(
              "ul",
              { class: "plain-list stack", id: "dashboard-recent" },
              recent.map((order) =>
                h(
                  "li",
                  { class: "card row", "data-order-id": order.id },
                  h("a", { href: `#/orders/${encodeURIComponent(order.id)}` }, orderLabel(order)),
                  badge(order.status, statusLabel(order.status)),
                  h("span", {}, formatMoney(order.total ?? {})),
                  h("time", { class: "muted", datetime: isoDateTime(order.createdAtUnixMs) }, formatDateTime(order.createdAtUnixMs)),
                ),
              ),
            ),
      ),
    );
    updated.textContent = `Updated ${formatDateTime(Date.now())}`;
  };

  const load = async () => {
    if (loading) {
      again = true;
      return loading;
    }
    body.setAttribute("aria-busy", "true");
    if (!body.firstChild) body.appendChild(h("p", { class: "loading", role: "status" }, "Loading today's orders…"));
    refresh.disabled = true;
    loading = (async () => {
      try {
        draw(await todaysOrders(signal));
      } catch (error) {
        if (!signal.aborted) showError(body, error, load);
      } finally {
        body.setAttribute("aria-busy", "false");
        refresh.disabled = false;
        loading = null;
      }
    })();
    await loading;
    if (again && !signal.aborted) {
      again = false;
      await load();
    }
  };
  refresh.addEventListener("click", () => load());

  await load();

  // New orders and status changes refresh the figures (at most every 2 s).
  let timer = 0;
  watchOrders({
    signal,
    onState: () => {},
    onUpdate: () => {
      if (timer) return;
      timer = window.setTimeout(() => {
        timer = 0;
        if (!signal.aborted) load();
      }, 2000);
    },
  });

  return () => {
    window.clearTimeout(timer);
    controller.abort();
  };
}
