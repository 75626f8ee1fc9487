// Paying for an order (the payments domain): one attempt per idempotency key, so a double click or a retry after a
// lost answer is the same payment; a new attempt after a declined card gets a new key.

import * as api from "../../js/api.js";

const PAYMENTS = "souk.payments.v1.PaymentService";
const KEYS = "souk.shop.payment-keys";

/** Stripe's test cards, offered in the sandbox where the page cannot load Stripe.js to take a real card. */
export const TEST_CARDS = [
  ["pm_card_visa", "Visa, succeeds"],
  ["pm_card_threeDSecure2Required", "Visa, asks for 3-D Secure"],
  ["pm_card_chargeDeclined", "Visa, declined"],
];

/** Waiting on the customer or the provider: not over yet. */
export function isPending(payment) {
  return ["PAYMENT_STATUS_CREATED", "PAYMENT_STATUS_REQUIRES_ACTION"].includes(payment?.status);
}

/** Over without the money: the customer may try again. */
/** Whether the money is taken: the order moves to paid a moment later, in a transaction of its own. */
export function isCaptured(payment) {
  return payment?.status === "PAYMENT_STATUS_CAPTURED";
}

export function isFailed(payment) {
  return ["PAYMENT_STATUS_FAILED", "PAYMENT_STATUS_CANCELLED", "PAYMENT_STATUS_EXPIRED"].includes(payment?.status);
}

/** Why a payment failed, in the shopper's words, with the provider's reason kept for support. */
export function failureText(payment) {
  const reason = payment?.failureReason ?? "";
  if (/declin|insufficient_funds|do_not_honor|card/i.test(reason)) {
    return `Your card was declined (${reason}). Nothing was charged; try another card.`;
  }
  if (payment?.status === "PAYMENT_STATUS_EXPIRED") return "The payment expired before it was confirmed. Nothing was charged.";
  return `The payment did not go through${reason ? ` (${reason})` : ""}. Nothing was charged.`;
}

/** The order's payments, newest first. */
export async function payments(orderId, options) {
  const reply = await api.call(PAYMENTS, "ListPayments", { orderId }, options);
  return reply.payments ?? [];
}

/** Asks the provider again (the customer is back from its page); the payment as it now is. */
export async function sync(paymentId, options) {
  return api.call(PAYMENTS, "SyncPayment", { paymentId }, options);
}

function keyFor(orderId, attempt, paymentMethod) {
  const id = `${orderId}:${attempt}:${paymentMethod ?? ""}`;
  let keys = {};
  try {
    keys = JSON.parse(window.sessionStorage.getItem(KEYS) ?? "{}") ?? {};
  } catch {
    keys = {};
  }
  if (!keys[id]) {
    keys[id] = crypto.randomUUID();
    try {
      window.sessionStorage.setItem(KEYS, JSON.stringify(keys));
    } catch {
      // Storage blocked: the key covers this page's retries only.
    }
  }
  return keys[id];
}

/**
 * Starts (or, with the same attempt number, resumes) a payment of `orderId`; the provider sends the customer back to
 * `returnUrl`. The reply: `{payment, clientSecret, confirmationUrl}`.
 */
export async function pay(orderId, { attempt, paymentMethod, returnUrl }) {
  const body = { orderId, idempotencyKey: keyFor(orderId, attempt, paymentMethod), returnUrl };
  if (paymentMethod) body.paymentMethod = paymentMethod;
  return api.call(PAYMENTS, "CreatePayment", body);
}
