// The order list: filters, newest first, "Load more", and live updates from OrderService/WatchOrders.

import * as api from "../api.js";
import { CURRENCIES, formatDateTime, formatMoney, isoDateTime, orderLabel, statusLabel } from "../format.js";
import { announce, badge, errorText, formField, h, showError } from "../ui.js";

const ORDERS = "souk.catalog.v1.OrderService";
export const STATUSES = [
  "ORDER_STATUS_PENDING_PAYMENT",
  "ORDER_STATUS_PAID",
  "ORDER_STATUS_PACKED",
  "ORDER_STATUS_SHIPPED",
  "ORDER_STATUS_DELIVERED",
  "ORDER_STATUS_CANCELLED",
  "ORDER_STATUS_REFUNDED",
];
const PAGE_SIZE = 25;
const FILTER_KEY = "souk.orders.filter";

/**
 * Keeps a WatchOrders stream open until `signal` aborts: `onUpdate({type, order})` per message,
 * `onState("connecting"|"live"|"reconnecting"|"stopped", error?)`. Reconnects with backoff 1 s, 2 s, 4 s … 15 s
 * after a network error or an error end other than unauthenticated/permission_denied.
 */
export function watchOrders({ signal, onUpdate, onState }) {
  let delay = 1000;
  let opened = 0;
  const wait = (ms) =>
    new Promise((resolve) => {
      const stop = () => {
        window.clearTimeout(timer);
        resolve();
      };
      // Removed once the wait is over, so reconnects do not pile listeners on the signal.
      const timer = window.setTimeout(() => {
        signal.removeEventListener("abort", stop);
        resolve();
      }, ms);
      signal.addEventListener("abort", stop, { once: true });
    });
  (async () => {
    onState("connecting");
    while (!signal.aborted) {
      try {
        const updates = api.stream(ORDERS, "WatchOrders", {}, {
          signal,
          onOpen: () => {
            delay = 1000;
            opened += 1;
            onState("live", null, opened > 1);
          },
        });
        for await (const update of updates) {
          if (signal.aborted) break;
          if (update?.order) onUpdate(update);
        }
        if (signal.aborted) break;
        throw new api.ApiError("unavailable", "the live connection ended", 200);
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof api.ApiError && ["unauthenticated", "permission_denied"].includes(error.code)) {
          onState("stopped", error);
          return;
        }
        onState("reconnecting", error);
        await wait(delay);
        delay = Math.min(delay * 2, 15000);
      }
    }
  })();
}

function loadFilter() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(FILTER_KEY) ?? "{}");
    return { status: saved.status ?? "", currency: saved.currency ?? "" };
  } catch {
    return { status: "", currency: "" };
  }
}

function matches(order, filter) {
  if (filter.status && order.status !== filter.status) return false;
  if (filter.currency && order.currency !== filter.currency) return false;
  return true;
}

function itemCount(order) {
  return (order.lines ?? []).reduce((sum, line) => sum + Number(line.quantity ?? 0), 0);
}

/** One `<tr data-order-id>`; the status cell carries `data-status`. */
export function orderRow(order, ctx) {
  const link = h("a", { href: `#/orders/${encodeURIComponent(order.id)}` }, orderLabel(order));
  link.addEventListener("click", (event) => {
    event.preventDefault();
    ctx.navigate(`#/orders/${encodeURIComponent(order.id)}`);
  });
  const count = itemCount(order);
  return h(
    "tr",
    { "data-order-id": order.id, "data-number": order.number ?? "0" },
    h("td", { "data-label": "Order" }, link),
    h(
      "td",
      { "data-label": "Placed" },
      h("time", { datetime: isoDateTime(order.createdAtUnixMs) }, formatDateTime(order.createdAtUnixMs)),
    ),
    h("td", { "data-label": "Status", "data-status": order.status }, badge(order.status, statusLabel(order.status))),
    h("td", { "data-label": "Items", class: "number" }, `${count}`),
    h("td", { "data-label": "Total", class: "number" }, formatMoney(order.total ?? { currency: order.currency })),
  );
}

function highlight(row) {
  row.classList.add("highlight");
  window.setTimeout(() => {
    row.classList.add("fade");
    row.classList.remove("highlight");
  }, 2000);
}

export async function render(root, ctx) {
  const controller = new AbortController();
  const { signal } = controller;
  const filter = loadFilter();
  let nextPageToken = "";
  let loaded = false;
  let pending = []; // live updates that arrived before the first page
  let listGeneration = 0;

  const live = h("span", { id: "live-status", class: "live-status", role: "status", "data-state": "connecting" }, "Connecting…");
  const statusSelect = h(
    "select",
    { name: "status" },
    h("option", { value: "" }, "All statuses"),
    STATUSES.map((status) => h("option", { value: status }, statusLabel(status))),
  );
  const currencySelect = h(
    "select",
    { name: "currency" },
    h("option", { value: "" }, "All currencies"),
    CURRENCIES.map((code) => h("option", { value: code }, code)),
  );
  statusSelect.value = filter.status;
  currencySelect.value = filter.currency;

  const tbody = h("tbody");
  const table = h(
    "table",
    { id: "orders-table", class: "table" },
    h("caption", { class: "visually-hidden" }, "Orders, newest first"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Order"),
        h("th", { scope: "col" }, "Placed"),
        h("th", { scope: "col" }, "Status"),
        h("th", { scope: "col", class: "number" }, "Items"),
        h("th", { scope: "col", class: "number" }, "Total"),
      ),
    ),
    tbody,
  );
  const empty = h("p", { class: "muted", id: "orders-empty", hidden: true }, "No orders match these filters.");
  const listStatus = h("div", { id: "orders-status" });
  const more = h("button", { id: "orders-more", class: "button", type: "button", hidden: true }, "Load more");

  root.replaceChildren(
    h("div", { class: "view-header" }, h("h1", {}, "Orders"), live),
    h(
      "form",
      { class: "toolbar card", id: "orders-filters", role: "search", "aria-label": "Filter orders" },
      formField({ label: "Status", id: "filter-status", input: statusSelect }),
      formField({ label: "Currency", id: "filter-currency", input: currencySelect }),
    ),
    listStatus,
    h("div", { class: "table-wrap" }, table),
    empty,
    h("div", { class: "row" }, more),
  );

  const rowFor = (id) => tbody.querySelector(`tr[data-order-id="${CSS.escape(id)}"]`);
  const refreshEmpty = () => {
    empty.hidden = !loaded || tbody.children.length > 0;
    table.hidden = loaded && tbody.children.length === 0;
  };

  /** Inserts `row` newest first (by order number), or at the top when numbers are missing. */
  const insertSorted = (row, order) => {
    const number = BigInt(order.number ?? 0);
    for (const existing of tbody.children) {
      if (BigInt(existing.dataset.number ?? 0) < number) {
        tbody.insertBefore(row, existing);
        return true;
      }
    }
    if (!nextPageToken) {
      tbody.appendChild(row);
      return true;
    }
    return false; // older than everything loaded: "Load more" will bring it.
  };

  const applyUpdate = ({ type, order }) => {
    if (!loaded) {
      pending.push({ type, order });
      return;
    }
    const existing = rowFor(order.id);
    const label = orderLabel(order);
    if (existing) {
      if (matches(order, filter)) {
        const row = orderRow(order, ctx);
        existing.replaceWith(row);
        highlight(row);
        announce(`Order ${label} is now ${statusLabel(order.status)}.`);
      } else {
        existing.remove();
        announce(`Order ${label} is now ${statusLabel(order.status)} and no longer matches the filter.`);
      }
    } else if (matches(order, filter)) {
      const row = orderRow(order, ctx);
      if (insertSorted(row, order)) {
        highlight(row);
        announce(
          type === "order.placed"
            ? `New order ${label}: ${formatMoney(order.total ?? {})}.`
            : `Order ${label} is now ${statusLabel(order.status)}.`,
        );
      }
    }
    refreshEmpty();
  };

  const request = (pageToken) => ({
    statuses: filter.status ? [filter.status] : [],
    currency: filter.currency,
    pageSize: PAGE_SIZE,
    pageToken,
  });

  const loadFirst = async () => {
    const generation = ++listGeneration;
    loaded = false;
    more.hidden = true;
    tbody.replaceChildren();
    empty.hidden = true;
    table.hidden = false;
    listStatus.replaceChildren(h("p", { class: "loading", role: "status" }, "Loading orders…"));
    try {
      const reply = await api.call(ORDERS, "ListOrders", request(""), { signal });
      if (generation !== listGeneration) return;
      listStatus.replaceChildren();
      for (const order of reply.orders ?? []) tbody.appendChild(orderRow(order, ctx));
      nextPageToken = reply.nextPageToken ?? "";
      more.hidden = !nextPageToken;
      loaded = true;
      const queued = pending;
      pending = [];
      queued.forEach(applyUpdate);
      refreshEmpty();
    } catch (error) {
      if (signal.aborted || generation !== listGeneration) return;
      showError(listStatus, error, loadFirst);
    }
  };

  more.addEventListener("click", async () => {
    const generation = listGeneration;
    more.disabled = true;
    more.textContent = "Loading…";
    try {
      const reply = await api.call(ORDERS, "ListOrders", request(nextPageToken), { signal });
      if (generation !== listGeneration) return;
      listStatus.replaceChildren(); // an earlier "Load more" failure is over
      let firstNew = null;
      for (const order of reply.orders ?? []) {
        if (rowFor(order.id)) continue;
        const row = orderRow(order, ctx);
        tbody.appendChild(row);
        firstNew ??= row;
      }
      nextPageToken = reply.nextPageToken ?? "";
      more.hidden = !nextPageToken;
      // The button is gone after the last page: keep the keyboard in the list, at the first order just loaded.
      if (more.hidden) firstNew?.querySelector("a")?.focus();
      announce(`${(reply.orders ?? []).length} more orders loaded.`);
    } catch (error) {
      if (!signal.aborted) listStatus.replaceChildren(h("p", { class: "error-box", role: "alert" }, errorText(error)));
    } finally {
      more.disabled = false;
      more.textContent = "Load more";
    }
  });

  const onFilter = () => {
    filter.status = statusSelect.value;
    filter.currency = currencySelect.value;
    sessionStorage.setItem(FILTER_KEY, JSON.stringify(filter));
    loadFirst();
  };
  statusSelect.addEventListener("change", onFilter);
  currencySelect.addEventListener("change", onFilter);
  root.querySelector("#orders-filters").addEventListener("submit", (event) => event.preventDefault());

  watchOrders({
    signal,
    onUpdate: applyUpdate,
    onState: (state, error, reopened) => {
      live.dataset.state = state;
      if (state === "live") {
        live.textContent = "Live";
        live.removeAttribute("title");
        // Updates may have been missed while disconnected: reload the first page.
        if (reopened) loadFirst();
      } else if (state === "reconnecting") {
        live.textContent = "Reconnecting…";
        live.title = errorText(error);
      } else if (state === "stopped") {
        live.textContent = "Not live";
        live.title = errorText(error);
      } else {
        live.textContent = "Connecting…";
      }
    },
  });

  await loadFirst();
  return () => controller.abort();
}
