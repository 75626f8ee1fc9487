// One shipment (staff): its route, cost, promise, tracking and label, the timeline of its changes, the moves a
// shipment of the shop's own delivery allows (UpdateShipmentStatus), followed live through WatchShipments.

import * as api from "../api.js";
import { formatDateTime, formatMoney, isoDateTime } from "../format.js";
import { announce, badge, errorText, formField, h, notify, showError, showLoading } from "../ui.js";
import { daysText, lookUpIds } from "./order.js";
import { DELIVERY, routeText, shipmentStatusLabel, showLiveState, watchShipments } from "./shipments.js";

/** The usual next moves of delivery.proto's status machine (the server also accepts skipping ahead). */
export const NEXT_SHIPMENT_STATUSES = {
  SHIPMENT_STATUS_CREATED: ["SHIPMENT_STATUS_HANDED_OVER", "SHIPMENT_STATUS_RETURNED"],
  SHIPMENT_STATUS_HANDED_OVER: ["SHIPMENT_STATUS_IN_TRANSIT", "SHIPMENT_STATUS_RETURNED"],
  SHIPMENT_STATUS_IN_TRANSIT: ["SHIPMENT_STATUS_OUT_FOR_DELIVERY", "SHIPMENT_STATUS_RETURNED"],
  SHIPMENT_STATUS_OUT_FOR_DELIVERY: [
    "SHIPMENT_STATUS_DELIVERED",
    "SHIPMENT_STATUS_FAILED_ATTEMPT",
    "SHIPMENT_STATUS_RETURNED",
  ],
  SHIPMENT_STATUS_FAILED_ATTEMPT: ["SHIPMENT_STATUS_OUT_FOR_DELIVERY", "SHIPMENT_STATUS_RETURNED"],
};

const ACTION_LABELS = {
  SHIPMENT_STATUS_HANDED_OVER: "Hand over",
  SHIPMENT_STATUS_IN_TRANSIT: "In transit",
  SHIPMENT_STATUS_OUT_FOR_DELIVERY: "Out for delivery",
  SHIPMENT_STATUS_DELIVERED: "Delivered",
  SHIPMENT_STATUS_FAILED_ATTEMPT: "Failed attempt",
  SHIPMENT_STATUS_RETURNED: "Returned",
};

const IDENTITY = "souk.identity.v1.IdentityService";
const ACCOUNT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who or what made a change, in words: a courier, Souk's delivery service, "you", an email, or a short id. */
function sourceText(source, people) {
  if (!source) return "—";
  if (source.startsWith("courier:")) return `courier ${source.slice("courier:".length)}`;
  if (source === "delivery") return "Souk delivery";
  if (people.me && source === people.me) return "you";
  return people.emails.get(source) ?? `staff ${String(source).slice(0, 8)}`;
}

/** Fills `people` ({me, emails}) for the accounts that moved `shipment`; failures only leave ids showing. */
async function lookUpSources(shipment, people, ctx, signal) {
  if (!people.me) {
    try {
      people.me = (await api.call(IDENTITY, "GetMyAccount", {}, { signal })).account?.id ?? "";
    } catch {
      people.me = "";
    }
  }
  const ids = (shipment.history ?? []).map((change) => change.source).filter((source) => ACCOUNT_ID.test(source ?? ""));
  await lookUpIds(ids, people, ctx, signal);
}

function timeline(shipment, people) {
  return h(
    "ol",
    { class: "history", id: "shipment-timeline" },
    (shipment.history ?? []).map((change) =>
      h(
        "li",
        { "data-status": change.to ?? "" },
        h("div", {}, h("strong", {}, shipmentStatusLabel(change.to))),
        h(
          "div",
          { class: "muted" },
          h("time", { datetime: isoDateTime(change.atUnixMs) }, formatDateTime(change.atUnixMs)),
          " · ",
          h("span", { class: "timeline-source", title: change.source ?? "" }, sourceText(change.source, people)),
          change.courierStatus ? ` · courier status ${change.courierStatus}` : "",
        ),
        change.note ? h("div", { class: "history-note" }, `“${change.note}”`) : null,
      ),
    ),
  );
}

function promiseText(shipment) {
  const promised = daysText(shipment.promisedMinDays, shipment.promisedMaxDays);
  if (!Number(shipment.deliveredAtUnixMs ?? 0)) return promised;
  const actual = Number(shipment.actualDays ?? 0);
  return `${promised}; delivered in ${actual} ${actual === 1 ? "day" : "days"}`;
}

function details(shipment) {
  const pairs = [
    ["Status", h("span", { id: "shipment-status", tabindex: "-1", "data-status": shipment.status }, badge(shipment.status, shipmentStatusLabel(shipment.status)))],
    [
      "Order",
      h("a", { href: `#/orders/${encodeURIComponent(shipment.orderId ?? "")}` }, `#${shipment.orderNumber ?? "?"}`),
    ],
    ["Service", `${shipment.serviceName ?? ""} (${shipment.carrier ?? ""})`],
    ["Route", h("span", { id: "shipment-route" }, routeText(shipment.route))],
    ["Cost", formatMoney(shipment.cost ?? {})],
    ["Promise", h("span", { id: "shipment-promise" }, promiseText(shipment))],
    ["Tracking", h("span", { id: "shipment-tracking", class: "mono" }, shipment.trackingNumber || "not registered yet")],
  ];
  if (shipment.labelUrl) {
    pairs.push([
      "Label",
      h("a", { id: "shipment-label", href: shipment.labelUrl, target: "_blank", rel: "noopener noreferrer" }, "Open label"),
    ]);
  }
  if (shipment.registrationError) pairs.push(["Registration", shipment.registrationError]);
  return h("dl", { class: "details-list" }, pairs.flatMap(([name, value]) => [h("dt", {}, name), h("dd", {}, value)]));
}

export async function render(root, ctx, params) {
  const controller = new AbortController();
  const { signal } = controller;
  let shipment = null;
  let busy = false;
  const people = { me: "", emails: new Map() };

  const heading = h("h1", {}, "Shipment");
  const live = h("span", { id: "shipment-live", class: "live-status", role: "status", "data-state": "connecting" }, "Connecting…");
  const body = h("div", { class: "stack" });
  root.replaceChildren(
    h("p", {}, h("a", { href: "#/shipments" }, "← All shipments")),
    h("div", { class: "view-header" }, heading, live),
    body,
  );
  const note = h("textarea", { name: "note", rows: "2", maxlength: "500" });
  const actionError = h("div", { id: "shipment-action-error", class: "error-box", role: "alert", hidden: true });

  const move = async (next, button) => {
    if (busy || !shipment) return;
    if (next === "SHIPMENT_STATUS_RETURNED" && !window.confirm("Mark this shipment as returned? This cannot be undone.")) return;
    busy = true;
    actionError.hidden = true;
    const buttons = root.querySelectorAll("button[data-next-status]");
    buttons.forEach((b) => (b.disabled = true));
    const idle = button.textContent;
    button.textContent = "Saving…";
    try {
      const reply = await api.call(
        DELIVERY,
        "UpdateShipmentStatus",
        { shipmentId: shipment.id, status: next, note: note.value.trim() },
        { signal },
      );
      note.value = "";
      show(reply);
      notify(`The shipment is now ${shipmentStatusLabel(reply.status)}.`);
      root.querySelector("#shipment-status")?.focus();
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

  const actions = () => {
    if (shipment.carrier !== "souk") {
      return h("p", { class: "muted" }, `The courier (${shipment.carrier}) moves this shipment; its updates appear here.`);
    }
    const allowed = NEXT_SHIPMENT_STATUSES[shipment.status] ?? [];
    if (allowed.length === 0) {
      return h("p", { class: "muted" }, `${shipmentStatusLabel(shipment.status)} is final: no further changes.`);
    }
    return h(
      "div",
      { class: "stack" },
      formField({ label: "Note (optional)", id: "shipment-note", input: note, hint: "Saved in the timeline." }),
      h(
        "div",
        { class: "actions" },
        allowed.map((status) => {
          const button = h(
            "button",
            {
              type: "button",
              class: `button ${status === "SHIPMENT_STATUS_RETURNED" ? "danger" : "primary"}`,
              "data-next-status": status,
            },
            ACTION_LABELS[status] ?? shipmentStatusLabel(status),
          );
          button.addEventListener("click", () => move(status, button));
          return button;
        }),
      ),
      actionError,
    );
  };

  const show = (next) => {
    shipment = next;
    heading.textContent = `Shipment of order #${shipment.orderNumber ?? "?"}`;
    document.title = `${heading.textContent} · Souk admin`;
    body.replaceChildren(
      h("section", { class: "card stack", "aria-label": "Summary" }, details(shipment)),
      h(
        "section",
        { class: "card stack", "aria-labelledby": "shipment-actions-title" },
        h("h2", { id: "shipment-actions-title" }, "Move"),
        actions(),
      ),
      h(
        "section",
        { class: "card stack", "aria-labelledby": "shipment-timeline-title" },
        h("h2", { id: "shipment-timeline-title" }, "Timeline"),
        timeline(shipment, people),
      ),
    );
  };

  const load = async () => {
    showLoading(body, "Loading shipment…");
    try {
      const fetched = await api.call(DELIVERY, "GetShipment", { id: params.id }, { signal });
      await lookUpSources(fetched, people, ctx, signal);
      show(fetched);
    } catch (error) {
      if (signal.aborted) return;
      showError(body, error, load);
    }
  };
  await load();

  watchShipments({
    signal,
    onState: (state, error) => showLiveState(live, state, error),
    onUpdate: ({ shipment: changed }) => {
      if (!shipment || changed.id !== shipment.id || busy) return;
      if ((changed.history ?? []).length === (shipment.history ?? []).length && changed.trackingNumber === shipment.trackingNumber) return;
      const keepNote = note.value;
      // Another person's move shows their short id until the next load; ours is "you" already.
      show(changed);
      note.value = keepNote;
      announce(`The shipment is now ${shipmentStatusLabel(changed.status)}.`);
    },
  });

  return () => controller.abort();
}
