// The shipment list (staff): a status filter, newest first, "Load more", and live updates from
// DeliveryService/WatchShipments.

import * as api from "../api.js";
import { formatDateTime, formatMoney, isoDateTime } from "../format.js";
import { announce, badge, errorText, formField, h, showError } from "../ui.js";

export const DELIVERY = "souk.delivery.v1.DeliveryService";
export const SHIPMENT_STATUSES = [
  "SHIPMENT_STATUS_CREATED",
  "SHIPMENT_STATUS_HANDED_OVER",
  "SHIPMENT_STATUS_IN_TRANSIT",
  "SHIPMENT_STATUS_OUT_FOR_DELIVERY",
  "SHIPMENT_STATUS_DELIVERED",
  "SHIPMENT_STATUS_FAILED_ATTEMPT",
  "SHIPMENT_STATUS_RETURNED",
  "SHIPMENT_STATUS_CANCELLED",
];
const PAGE_SIZE = 25;
const FILTER_KEY = "souk.shipments.filter";

/** "SHIPMENT_STATUS_OUT_FOR_DELIVERY" → "Out for delivery". */
export function shipmentStatusLabel(status) {
  if (!status || status === "SHIPMENT_STATUS_UNSPECIFIED") return "—";
  const words = String(status).replace(/^SHIPMENT_STATUS_/, "").toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "MSK-1 Moscow → Saint Petersburg, RU": where a parcel leaves from and where it goes. */
export function routeText(route) {
  if (!route) return "";
  // Until a warehouse has a city, delivery names its code as the city: say it once.
  const origin = [...new Set([route.originWarehouse, route.originCity].filter(Boolean))].join(" ");
  const seen = new Set();
  const places = [route.destinationCity, route.destinationRegion, route.destinationCountry]
    .filter(Boolean)
    .filter((place) => !seen.has(place.toLowerCase()) && seen.add(place.toLowerCase()));
  return `${origin} → ${places.join(", ")}`;
}

/**
 * Keeps a WatchShipments stream open until `signal` aborts, as orders.js keeps WatchOrders: `onUpdate({type,
 * shipment})` per message, `onState("connecting"|"live"|"reconnecting"|"stopped", error?, reopened?)`; reconnects
 * with backoff 1 s … 15 s unless the caller may not watch.
 */
export function watchShipments({ signal, onUpdate, onState }) {
  let delay = 1000;
  let opened = 0;
  const wait = (ms) =>
    new Promise((resolve) => {
      const stop = () => {
        window.clearTimeout(timer);
        resolve();
      };
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
        const updates = api.stream(DELIVERY, "WatchShipments", {}, {
          signal,
          onOpen: () => {
            delay = 1000;
            opened += 1;
            onState("live", null, opened > 1);
          },
        });
        for await (const update of updates) {
          if (signal.aborted) break;
          if (update?.shipment) onUpdate(update);
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

/** Shows the live state on `element` (the "Live" pill). */
export function showLiveState(element, state, error) {
  element.dataset.state = state;
  const texts = { live: "Live", reconnecting: "Reconnecting…", stopped: "Not live" };
  element.textContent = texts[state] ?? "Connecting…";
  if (error) element.title = errorText(error);
  else element.removeAttribute("title");
}

function loadFilter() {
  try {
    return { status: JSON.parse(sessionStorage.getItem(FILTER_KEY) ?? "{}").status ?? "" };
  } catch {
    return { status: "" };
  }
}

/** One `<tr data-shipment-id>`; the status cell carries `data-status`. */
function shipmentRow(shipment, ctx) {
  const href = `#/shipments/${encodeURIComponent(shipment.id)}`;
  const link = h("a", { href }, `Order #${shipment.orderNumber ?? "?"}`);
  link.addEventListener("click", (event) => {
    event.preventDefault();
    ctx.navigate(href);
  });
  return h(
    "tr",
    { "data-shipment-id": shipment.id, "data-created": shipment.createdAtUnixMs ?? "0" },
    h("td", { "data-label": "Shipment" }, link),
    h("td", { "data-label": "Status", "data-status": shipment.status }, badge(shipment.status, shipmentStatusLabel(shipment.status))),
    h("td", { "data-label": "Service" }, `${shipment.serviceName ?? ""} (${shipment.carrier ?? ""})`),
    h("td", { "data-label": "Route" }, routeText(shipment.route)),
    h("td", { "data-label": "Cost", class: "number" }, formatMoney(shipment.cost ?? {})),
    h(
      "td",
      { "data-label": "Updated" },
      h("time", { datetime: isoDateTime(shipment.updatedAtUnixMs) }, formatDateTime(shipment.updatedAtUnixMs)),
    ),
  );
}

export async function render(root, ctx) {
  const controller = new AbortController();
  const { signal } = controller;
  const filter = loadFilter();
  let nextPageToken = "";
  let loaded = false;
  let listGeneration = 0;

  const live = h("span", { id: "shipments-live", class: "live-status", role: "status", "data-state": "connecting" }, "Connecting…");
  const statusSelect = h(
    "select",
    { name: "status" },
    h("option", { value: "" }, "All statuses"),
    SHIPMENT_STATUSES.map((status) => h("option", { value: status }, shipmentStatusLabel(status))),
  );
  statusSelect.value = filter.status;
  const tbody = h("tbody");
  const table = h(
    "table",
    { id: "shipments-table", class: "table" },
    h("caption", { class: "visually-hidden" }, "Shipments, newest first"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["Shipment", "Status", "Service", "Route"].map((name) => h("th", { scope: "col" }, name)),
        h("th", { scope: "col", class: "number" }, "Cost"),
        h("th", { scope: "col" }, "Updated"),
      ),
    ),
    tbody,
  );
  const empty = h("p", { class: "muted", id: "shipments-empty", hidden: true }, "No shipments match this filter.");
  const listStatus = h("div", { id: "shipments-status" });
  const more = h("button", { id: "shipments-more", class: "button", type: "button", hidden: true }, "Load more");
  root.replaceChildren(
    h("div", { class: "view-header" }, h("h1", {}, "Shipments"), live),
    h(
      "form",
      { class: "toolbar card", id: "shipments-filters", role: "search", "aria-label": "Filter shipments" },
      formField({ label: "Status", id: "shipments-filter-status", input: statusSelect }),
    ),
    listStatus,
    h("div", { class: "table-wrap" }, table),
    empty,
    h("div", { class: "row" }, more),
  );

  const rowFor = (id) => tbody.querySelector(`tr[data-shipment-id="${CSS.escape(id)}"]`);
  const refreshEmpty = () => {
    empty.hidden = !loaded || tbody.children.length > 0;
    table.hidden = loaded && tbody.children.length === 0;
  };
  const request = (pageToken) => ({ statuses: filter.status ? [filter.status] : [], pageSize: PAGE_SIZE, pageToken });

  const append = (reply) => {
    for (const shipment of reply.shipments ?? []) {
      if (!rowFor(shipment.id)) tbody.appendChild(shipmentRow(shipment, ctx));
    }
    nextPageToken = reply.nextPageToken ?? "";
    more.hidden = !nextPageToken;
  };

  const loadFirst = async () => {
    const generation = ++listGeneration;
    loaded = false;
    tbody.replaceChildren();
    listStatus.replaceChildren(h("p", { class: "loading", role: "status" }, "Loading shipments…"));
    try {
      const reply = await api.call(DELIVERY, "ListShipments", request(""), { signal });
      if (generation !== listGeneration) return;
      listStatus.replaceChildren();
      append(reply);
      loaded = true;
      refreshEmpty();
    } catch (error) {
      if (signal.aborted || generation !== listGeneration) return;
      showError(listStatus, error, loadFirst);
    }
  };

  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      append(await api.call(DELIVERY, "ListShipments", request(nextPageToken), { signal }));
    } catch (error) {
      if (!signal.aborted) listStatus.replaceChildren(h("p", { class: "error-box", role: "alert" }, errorText(error)));
    } finally {
      more.disabled = false;
    }
  });

  statusSelect.addEventListener("change", () => {
    filter.status = statusSelect.value;
    sessionStorage.setItem(FILTER_KEY, JSON.stringify(filter));
    loadFirst();
  });
  root.querySelector("#shipments-filters").addEventListener("submit", (event) => event.preventDefault());

  watchShipments({
    signal,
    onUpdate: ({ shipment }) => {
      if (!loaded) return;
      const existing = rowFor(shipment.id);
      const fits = !filter.status || shipment.status === filter.status;
      const label = `Shipment of order #${shipment.orderNumber ?? "?"}`;
      if (existing && !fits) existing.remove();
      else if (existing) existing.replaceWith(shipmentRow(shipment, ctx));
      else if (fits) tbody.prepend(shipmentRow(shipment, ctx));
      if (existing || fits) announce(`${label} is now ${shipmentStatusLabel(shipment.status)}.`);
      refreshEmpty();
    },
    onState: (state, error, reopened) => {
      showLiveState(live, state, error);
      if (state === "live" && reopened) loadFirst();
    },
  });

  await loadFirst();
  return () => controller.abort();
}
