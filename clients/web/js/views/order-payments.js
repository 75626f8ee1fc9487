// An order's payments (PaymentService.ListPayments): status, amounts, provider and reference, each payment's history
// and refunds; for staff and admins (payments.manage) Capture, Cancel with a reason and Refund with an amount, a
// reason and a restock choice. Amounts are integer minor units (BigInt), never floating point.

import * as api from "../api.js";
import { formatDateTime, formatMoney, isoDateTime, parseMoney, paymentStatusLabel, toMinor } from "../format.js";
import { badge, errorText, fieldError, formField, h, notify } from "../ui.js";

const PAYMENTS = "souk.payments.v1.PaymentService";

/** Statuses a payment can still be cancelled in (nothing taken yet). */
const CANCELLABLE = new Set(["PAYMENT_STATUS_CREATED", "PAYMENT_STATUS_REQUIRES_ACTION", "PAYMENT_STATUS_AUTHORIZED"]);
/** Statuses with captured money that may be given back. */
const REFUNDABLE = new Set(["PAYMENT_STATUS_CAPTURED", "PAYMENT_STATUS_PARTIALLY_REFUNDED"]);
/** Errors after which a retry may still succeed with the same key (the first attempt's outcome is unknown). */
const UNCERTAIN = new Set(["unavailable", "deadline_exceeded", "canceled", "unknown", "internal"]);

const PROVIDERS = { stripe: "Stripe", yookassa: "YooKassa" };

function providerLabel(name) {
  return PROVIDERS[name] ?? name ?? "";
}

function shortId(id) {
  return id ? String(id).slice(0, 8) : "";
}

/** A fresh idempotency key (works on plain http too, where crypto.randomUUID is missing). */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** What is left to refund: captured minus refunded, as minor units (BigInt). */
function refundable(payment) {
  const left = toMinor(payment.captured?.minorUnits) - toMinor(payment.refunded?.minorUnits);
  return left > 0n ? left : 0n;
}

function money(payment, minor) {
  return formatMoney({ minorUnits: String(minor), currency: payment.amount?.currency ?? "" });
}

/**
 * The payments section of an order's page. `actorText(id)` names a person ("you", an email, a short id);
 * `lookUp(ids)` may fill in more names first. Returns `{element, load(order), refresh()}`: `load` shows an order's
 * payments (loading state first), `refresh` reloads them quietly unless a staff form is open or an action runs.
 */
export function paymentsSection({ ctx, signal, actorText, lookUp }) {
  const staff = Boolean(ctx?.isStaff);
  const body = h("div", { class: "stack", id: "order-payments-body" });
  const element = h(
    "section",
    { class: "card stack", id: "order-payments", "aria-labelledby": "order-payments-title" },
    h("h2", { id: "order-payments-title" }, "Payments"),
    body,
  );
  let orderId = "";
  let payments = [];
  let busy = false;
  let formOpen = false;

  const who = (actor) => {
    if (!actor) return "system";
    if (actor.startsWith("provider:")) return providerLabel(actor.slice("provider:".length));
    if (actor === "reconciliation") return "reconciliation";
    return actorText(actor);
  };

  const historyList = (payment) =>
    h(
      "ol",
      { class: "history payment-history", "data-payment-history": payment.id },
      (payment.history ?? []).map((change) => {
        const from = change.from && change.from !== "PAYMENT_STATUS_UNSPECIFIED" ? paymentStatusLabel(change.from) : null;
        return h(
          "li",
          { "data-status": change.to ?? "" },
          h("div", {}, h("strong", {}, from ? `${from} → ${paymentStatusLabel(change.to)}` : `Created (${paymentStatusLabel(change.to)})`)),
          h(
            "div",
            { class: "muted" },
            h("time", { datetime: isoDateTime(change.atUnixMs) }, formatDateTime(change.atUnixMs)),
            " · by ",
            h("span", { title: change.actor ?? "" }, who(change.actor)),
            change.providerEventId ? h("span", { class: "mono" }, ` · ${change.providerEventId}`) : null,
          ),
          change.note ? h("div", { class: "history-note" }, `“${change.note}”`) : null,
        );
      }),
    );

  const refundsList = (payment) => {
    const refunds = payment.refunds ?? [];
    if (refunds.length === 0) return null;
    return h(
      "div",
      { class: "stack" },
      h("h3", {}, "Refunds"),
      h(
        "ul",
        { class: "history payment-refunds", "data-payment-refunds": payment.id },
        refunds.map((refund) =>
          h(
            "li",
            { "data-refund-id": refund.id ?? "", "data-refund-status": refund.status ?? "" },
            h("div", {}, h("strong", {}, formatMoney(refund.amount ?? {})), ` · ${refund.status ?? ""}`, refund.restocked ? " · restocked" : ""),
            h(
              "div",
              { class: "muted" },
              h("time", { datetime: isoDateTime(refund.createdAtUnixMs) }, formatDateTime(refund.createdAtUnixMs)),
              " · by ",
              h("span", { title: refund.actorAccountId ?? "" }, who(refund.actorAccountId)),
              refund.providerReference ? h("span", { class: "mono" }, ` · ${refund.providerReference}`) : null,
            ),
            refund.reason ? h("div", { class: "history-note" }, `“${refund.reason}”`) : null,
          ),
        ),
      ),
    );
  };

  /** Runs one staff action; the reply replaces the payment, an error shows in the payment's error box. */
  const act = async (payment, item, method, request, button, { onError } = {}) => {
    if (busy) return;
    busy = true;
    const box = item.querySelector(".payment-error");
    box.hidden = true;
    const buttons = item.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    const idle = button.textContent;
    button.textContent = "Saving…";
    try {
      const reply = await api.call(PAYMENTS, method, request, { signal });
      formOpen = false;
      replace(reply);
      notify(`Payment ${shortId(reply.id)} is now ${paymentStatusLabel(reply.status).toLowerCase()}.`);
      element.querySelector(`[data-payment-id="${reply.id}"] [data-payment-status]`)?.focus();
    } catch (error) {
      if (signal.aborted) return;
      onError?.(error);
      button.textContent = idle;
      buttons.forEach((b) => (b.disabled = false));
      box.textContent = errorText(error);
      box.hidden = false;
    } finally {
      busy = false;
    }
  };

  const cancelForm = (payment, item) => {
    const reason = h("textarea", { name: "reason", rows: "2", maxlength: "500", required: true });
    const id = `payment-cancel-reason-${payment.id}`;
    const submit = h("button", { type: "submit", class: "button danger", "data-payment-submit": "cancel" }, "Cancel payment");
    const form = h(
      "form",
      { class: "stack payment-form", "data-payment-form": "cancel", novalidate: true },
      formField({ label: "Why cancel?", id, input: reason, hint: "Kept in the payment's history. Nothing was taken; the hold is released." }),
      h("div", { class: "actions" }, submit),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = reason.value.trim();
      fieldError(id, text ? "" : "Say why the payment is cancelled.");
      if (!text) return reason.focus();
      if (!window.confirm(`Cancel payment ${shortId(payment.id)} (${formatMoney(payment.amount ?? {})})? This cannot be undone.`)) return;
      act(payment, item, "CancelPayment", { paymentId: payment.id, reason: text }, submit);
    });
    return form;
  };

  const refundForm = (payment, item) => {
    const currency = payment.amount?.currency ?? "";
    const left = refundable(payment);
    const amount = h("input", { name: "amount", inputmode: "decimal", autocomplete: "off", placeholder: money(payment, left) });
    const reason = h("textarea", { name: "reason", rows: "2", maxlength: "500", required: true });
    const restock = h("input", { type: "checkbox", name: "restock", id: `payment-refund-restock-${payment.id}` });
    const amountId = `payment-refund-amount-${payment.id}`;
    const reasonId = `payment-refund-reason-${payment.id}`;
    const submit = h("button", { type: "submit", class: "button danger", "data-payment-submit": "refund" }, "Refund");
    // One key per refund meant: kept for a retry after an answer that never came, renewed when the form changes
    // or the server refused (a new attempt).
    let key = newKey();
    const renew = () => (key = newKey());
    const form = h(
      "form",
      { class: "stack payment-form", "data-payment-form": "refund", novalidate: true },
      formField({ label: `Amount (${currency})`, id: amountId, input: amount, hint: `Up to ${money(payment, left)}; leave empty to refund all of it.` }),
      formField({ label: "Why refund?", id: reasonId, input: reason, hint: "Kept with the refund." }),
      h(
        "div",
        { class: "checkbox-field" },
        restock,
        h("label", { for: restock.id }, "Return the order's items to stock (a refund of everything left)"),
      ),
      h("div", { class: "actions" }, submit),
    );
    form.addEventListener("input", renew);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      let minor = "0";
      let amountError = "";
      if (amount.value.trim() !== "") {
        try {
          minor = parseMoney(amount.value, currency);
          if (toMinor(minor) <= 0n) amountError = "Enter an amount above zero, or leave it empty to refund all of it.";
          else if (toMinor(minor) > left) amountError = `At most ${money(payment, left)} is left to refund.`;
        } catch (error) {
          amountError = error.message;
        }
      }
      const text = reason.value.trim();
      fieldError(amountId, amountError);
      fieldError(reasonId, text ? "" : "Say why the money is given back.");
      if (amountError) return amount.focus();
      if (!text) return reason.focus();
      const sum = minor === "0" ? left : toMinor(minor);
      if (!window.confirm(`Refund ${money(payment, sum)} to the customer? This cannot be undone.`)) return;
      act(
        payment,
        item,
        "RefundPayment",
        { paymentId: payment.id, amountMinorUnits: minor, reason: text, restock: restock.checked, idempotencyKey: key },
        submit,
        { onError: (error) => UNCERTAIN.has(error.code) || renew() },
      );
    });
    return form;
  };

  const actions = (payment, item) => {
    if (!staff) return null;
    const status = payment.status;
    const buttons = [];
    const slot = h("div", { class: "payment-form-slot" });
    const open = (kind, make, button) => {
      const showing = slot.firstElementChild?.getAttribute("data-payment-form") === kind;
      if (showing) slot.replaceChildren();
      else slot.replaceChildren(make(payment, item));
      formOpen = !showing;
      item.querySelectorAll("button[data-payment-action]").forEach((b) => b.setAttribute("aria-expanded", "false"));
      button.setAttribute("aria-expanded", String(!showing));
      if (!showing) slot.querySelector("input, textarea")?.focus();
    };
    if (status === "PAYMENT_STATUS_AUTHORIZED") {
      const capture = h("button", { type: "button", class: "button primary", "data-payment-action": "capture" }, "Capture");
      capture.addEventListener("click", () =>
        act(payment, item, "CapturePayment", { paymentId: payment.id }, capture),
      );
      buttons.push(capture);
    }
    if (CANCELLABLE.has(status)) {
      const cancel = h("button", { type: "button", class: "button danger", "data-payment-action": "cancel", "aria-expanded": "false" }, "Cancel…");
      cancel.addEventListener("click", () => open("cancel", cancelForm, cancel));
      buttons.push(cancel);
    }
    if (REFUNDABLE.has(status) && refundable(payment) > 0n) {
      const refund = h("button", { type: "button", class: "button danger", "data-payment-action": "refund", "aria-expanded": "false" }, "Refund…");
      refund.addEventListener("click", () => open("refund", refundForm, refund));
      buttons.push(refund);
    }
    if (buttons.length === 0) return null;
    return h("div", { class: "stack" }, h("div", { class: "actions payment-actions" }, buttons), slot);
  };

  const paymentItem = (payment) => {
    const item = h("li", { class: "payment stack", "data-payment-id": payment.id ?? "" });
    const failure = payment.failureReason ? [h("dt", {}, "Reason"), h("dd", {}, payment.failureReason)] : [];
    const parts = [
      h(
        "div",
        { class: "payment-head" },
        h("strong", { class: "payment-amount" }, formatMoney(payment.amount ?? {})),
        h("span", { "data-payment-status": payment.status ?? "", tabindex: "-1" }, badge(payment.status, paymentStatusLabel(payment.status))),
      ),
      h(
        "dl",
        { class: "details-list" },
        h("dt", {}, "Provider"),
        h("dd", { "data-payment-provider": payment.provider ?? "" }, providerLabel(payment.provider)),
        h("dt", {}, "Reference"),
        h("dd", {}, payment.providerReference ? h("span", { class: "mono" }, payment.providerReference) : h("span", { class: "muted" }, "not at the provider yet")),
        h("dt", {}, "Captured"),
        h("dd", { "data-payment-captured": payment.captured?.minorUnits ?? "0" }, formatMoney({ minorUnits: payment.captured?.minorUnits ?? "0", currency: payment.amount?.currency })),
        h("dt", {}, "Refunded"),
        h("dd", { "data-payment-refunded": payment.refunded?.minorUnits ?? "0" }, formatMoney({ minorUnits: payment.refunded?.minorUnits ?? "0", currency: payment.amount?.currency })),
        h("dt", {}, "Capture"),
        h("dd", {}, payment.manualCapture ? "by staff" : "at once"),
        ...failure,
        h("dt", {}, "Created"),
        h("dd", {}, h("time", { datetime: isoDateTime(payment.createdAtUnixMs) }, formatDateTime(payment.createdAtUnixMs))),
        h("dt", {}, "Payment id"),
        h("dd", {}, h("span", { class: "mono" }, payment.id ?? "")),
      ),
      h("h3", {}, "History"),
      historyList(payment),
      refundsList(payment),
      actions(payment, item),
      h("div", { class: "error-box payment-error", role: "alert", hidden: true }),
    ];
    // Element.append would print a missing part as "null": leave those out.
    item.append(...parts.filter(Boolean));
    return item;
  };

  const draw = () => {
    if (payments.length === 0) {
      body.replaceChildren(h("p", { class: "muted", id: "order-payments-empty" }, "No payments yet."));
      return;
    }
    body.replaceChildren(h("ol", { class: "payments stack", id: "order-payments-list" }, payments.map(paymentItem)));
  };

  const replace = (payment) => {
    payments = payments.map((p) => (p.id === payment.id ? payment : p));
    draw();
  };

  const fetchPayments = async () => {
    const reply = await api.call(PAYMENTS, "ListPayments", { orderId, pageSize: 100 }, { signal });
    const fetched = reply.payments ?? [];
    const ids = fetched.flatMap((p) => [...(p.history ?? []).map((c) => c.actor), ...(p.refunds ?? []).map((r) => r.actorAccountId)]);
    await lookUp(ids.filter((id) => id && !id.startsWith("provider:") && id !== "reconciliation"));
    return fetched;
  };

  const showFailure = (error) => {
    if (error.code === "unimplemented") {
      body.replaceChildren(h("p", { class: "muted", id: "order-payments-unavailable" }, "This server does not take payments."));
      return;
    }
    body.replaceChildren(
      h(
        "div",
        { class: "error-box", role: "alert", id: "order-payments-error" },
        h("p", {}, errorText(error)),
        h("button", { class: "button", type: "button", "on:click": () => load({ id: orderId }) }, "Retry"),
      ),
    );
  };

  const load = async (order) => {
    orderId = order.id;
    formOpen = false;
    body.replaceChildren(h("p", { class: "loading", role: "status" }, "Loading payments…"));
    try {
      payments = await fetchPayments();
      draw();
    } catch (error) {
      if (!signal.aborted) showFailure(error);
    }
  };

  const refresh = async () => {
    if (!orderId || busy || formOpen) return;
    try {
      const fetched = await fetchPayments();
      if (busy || formOpen || signal.aborted) return;
      payments = fetched;
      draw();
    } catch {
      // A quiet refresh keeps what is shown; the next change or a reload tries again.
    }
  };

  return { element, load, refresh };
}
