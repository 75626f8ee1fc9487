// Checkout: where to deliver (a saved address or a new one), the delivery options quoted for the cart and that
// address, the total with delivery, then the order — and on to paying for it.

import { addMinor, formatMoney } from "../../../js/format.js";
import { errorText, fieldError, formField, h } from "../../../js/ui.js";
import { myAccount, saveAddress } from "../account.js";
import * as carts from "../cart.js";
import * as checkout from "../checkout.js";

const FIELDS = [
  ["recipient", "Recipient", { autocomplete: "name", required: true }],
  ["phone", "Phone", { autocomplete: "tel", type: "tel", required: true }],
  ["line1", "Street and house", { autocomplete: "address-line1", required: true }],
  ["line2", "Flat, entrance (optional)", { autocomplete: "address-line2" }],
  ["city", "City", { autocomplete: "address-level2", required: true }],
  ["region", "Region or state", { autocomplete: "address-level1" }],
  ["postalCode", "Postcode", { autocomplete: "postal-code", required: true }],
  ["country", "Country code", { autocomplete: "country", required: true, maxlength: "2" }],
];

/** The service's field names (snake_case, after "address." or "delivery_address.") → the form's input ids. */
function fieldId(message) {
  const match = /^(?:delivery_)?address\.([a-z_0-9]+)/.exec(message ?? "");
  if (!match) return null;
  const camel = match[1].replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());
  return FIELDS.some(([name]) => name === camel) ? `address-${camel}` : null;
}

const CARRIERS = { souk: "the shop's courier", cdek: "CDEK", easypost: "EasyPost" };

function carrierName(carrier) {
  return CARRIERS[carrier] ?? carrier;
}

function days(quote) {
  const min = quote.minDays ?? 0;
  const max = quote.maxDays ?? 0;
  if (!min && !max) return "";
  return min === max ? `${min} days` : `${min}–${max} days`;
}

export async function render(root, ctx, { signal }) {
  const [account, current] = await Promise.all([myAccount({ signal }), carts.cart(ctx.currency, { signal })]);
  root.append(h("h1", {}, "Checkout"));
  if (current.lines.length === 0) {
    root.append(h("p", { id: "cart-empty" }, "Your cart is empty."), h("p", {}, h("a", { href: "#/" }, "Back to the shop")));
    return;
  }

  const saved = account.addresses?.[0] ?? {};
  const inputs = {};
  const addressFields = FIELDS.map(([name, label, attrs]) => {
    const input = h("input", { type: attrs.type ?? "text", name, autocomplete: attrs.autocomplete, maxlength: attrs.maxlength ?? "200" });
    input.value = saved[name] ?? (name === "recipient" ? account.displayName ?? "" : name === "phone" ? account.phone ?? "" : "");
    if (name === "country" && !input.value) input.value = ctx.currency === "RUB" ? "RU" : "";
    inputs[name] = input;
    return formField({ label, id: `address-${name}`, input });
  });
  const saveIt = h("input", { type: "checkbox", id: "save-address", checked: !account.addresses?.length });
  const addressError = h("div", { class: "error-box", role: "alert", id: "address-error", hidden: true });
  const quoteButton = h("button", { class: "button primary", type: "submit", id: "get-quotes" }, "Show delivery options");
  const addressForm = h(
    "form",
    { class: "stack card", id: "address-form", novalidate: true, "aria-labelledby": "address-heading" },
    h("h2", { id: "address-heading" }, "Delivery address"),
    h("div", { class: "address-grid" }, addressFields),
    h("label", { class: "check-field", for: "save-address" }, saveIt, "Save this address to my account"),
    addressError,
    quoteButton,
  );
  const options = h("section", { class: "stack", id: "delivery-options", "aria-labelledby": "options-heading", hidden: true });
  const summary = h("section", { class: "stack card", id: "order-summary", "aria-labelledby": "summary-heading" });
  root.append(addressForm, options, summary);

  let chosen = null;
  let quotedAddress = null;
  const placeError = h("div", { class: "error-box", role: "alert", id: "place-error", hidden: true });
  const placeButton = h("button", { class: "button primary wide", type: "button", id: "place-order", disabled: true }, "Place order");

  const renderSummary = () => {
    const shipping = chosen?.price ?? null;
    const total = shipping ? { minorUnits: addMinor(current.total?.minorUnits, shipping.minorUnits), currency: current.total?.currency } : current.total;
    summary.replaceChildren(
      h("h2", { id: "summary-heading" }, "Your order"),
      h(
        "ul",
        { class: "summary-lines" },
        current.lines.map((line) =>
          h("li", { "data-sku": line.sku }, h("span", {}, `${line.title} × ${line.quantity}`), h("span", {}, formatMoney(line.lineTotal))),
        ),
      ),
      h("p", { class: "summary-row" }, h("span", {}, "Goods"), h("span", { id: "goods-total" }, formatMoney(current.total))),
      h(
        "p",
        { class: "summary-row" },
        h("span", {}, "Delivery"),
        h("span", { id: "shipping-price", "data-minor-units": shipping?.minorUnits ?? "" }, shipping ? formatMoney(shipping) : "Choose an option"),
      ),
      h(
        "p",
        { class: "summary-row summary-total" },
        h("span", {}, "Total"),
        h("strong", { id: "order-total", "data-minor-units": total?.minorUnits ?? "0" }, formatMoney(total)),
      ),
      placeError,
      placeButton,
    );
    placeButton.disabled = !chosen;
  };

  const readAddress = () => {
    const address = {};
    for (const [name] of FIELDS) address[name] = inputs[name].value.trim();
    address.country = address.country.toUpperCase();
    return address;
  };

  addressForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    addressError.hidden = true;
    let missing = null;
    for (const [name, label, attrs] of FIELDS) {
      fieldError(`address-${name}`, "");
      if (attrs.required && !inputs[name].value.trim() && !missing) missing = [name, label];
    }
    if (missing) {
      fieldError(`address-${missing[0]}`, `${missing[1]}: required.`);
      inputs[missing[0]].focus();
      return;
    }
    const address = readAddress();
    quoteButton.disabled = true;
    quoteButton.textContent = "Asking the couriers…";
    chosen = null;
    renderSummary();
    try {
      const answer = await checkout.quotes(address, ctx.currency);
      quotedAddress = address;
      renderOptions(answer);
    } catch (failure) {
      const id = fieldId(failure?.message);
      if (id) {
        fieldError(id, failure.message);
        document.getElementById(id)?.focus();
      } else {
        addressError.textContent = errorText(failure);
        addressError.hidden = false;
      }
    } finally {
      quoteButton.disabled = false;
      quoteButton.textContent = "Show delivery options";
    }
  });

  const renderOptions = ({ quotes, failures }) => {
    options.hidden = false;
    const heading = h("h2", { id: "options-heading", tabindex: "-1" }, "Delivery options");
    if (quotes.length === 0) {
      options.replaceChildren(
        heading,
        h("p", { class: "error-box", role: "alert", id: "no-quotes" }, "No delivery to this address. Check the postcode and the country."),
      );
      heading.focus();
      return;
    }
    const list = h(
      "fieldset",
      { class: "quote-list" },
      h("legend", { class: "visually-hidden" }, "Choose how to deliver"),
      quotes.map((quote, index) => {
        const radio = h("input", { type: "radio", name: "quote", value: quote.id, id: `quote-${index}`, "data-carrier": quote.carrier });
        radio.addEventListener("change", () => {
          chosen = quote;
          renderSummary();
        });
        return h(
          "label",
          { class: "quote card", for: `quote-${index}`, "data-quote-id": quote.id, "data-expires-at": quote.expiresAtUnixMs ?? "0" },
          radio,
          h("span", { class: "quote-name" }, quote.serviceName || quote.serviceCode, h("span", { class: "muted quote-carrier" }, ` · ${carrierName(quote.carrier)}`)),
          h("span", { class: "muted" }, days(quote)),
          h("strong", { class: "quote-price", "data-minor-units": quote.price?.minorUnits ?? "0" }, formatMoney(quote.price)),
        );
      }),
    );
    options.replaceChildren(heading, list);
    if (failures.length) {
      options.append(
        h("p", { class: "muted", id: "quote-failures" }, failures.map((failure) => `${carrierName(failure.carrier)}: ${failure.message}`).join("; ")),
      );
    }
    heading.focus();
  };

  placeButton.addEventListener("click", async () => {
    if (!chosen || !quotedAddress) return;
    placeError.hidden = true;
    placeButton.disabled = true;
    placeButton.textContent = "Placing the order…";
    try {
      if (saveIt.checked) {
        // Saving is a convenience: the order does not wait on it or fail with it.
        saveAddress(account, quotedAddress).catch(() => {});
      }
      const order = await checkout.placeOrder({ currency: ctx.currency, quote: chosen, address: quotedAddress });
      ctx.navigate(`#/order/${encodeURIComponent(order.id)}?pay=1`);
    } catch (failure) {
      placeButton.disabled = false;
      placeButton.textContent = "Place order";
      placeError.textContent = checkoutFailure(failure);
      placeError.hidden = false;
      placeError.focus?.();
    }
  });

  renderSummary();
}

/** What a refused order means for the shopper, in their words. */
function checkoutFailure(failure) {
  if (failure?.code === "unavailable" && failure?.httpStatus === 0) {
    // The request may have reached the shop: the same key makes placing it again this same order, never a second.
    return "The shop's answer did not arrive, so the order may be placed already. Press Place order again: it is not ordered twice.";
  }
  const message = errorText(failure);
  if (/quote/i.test(message) && /expired/i.test(message)) {
    return `${message}. Ask for the delivery options again.`;
  }
  if (failure?.code === "resource_exhausted" || /stock/i.test(message)) {
    return `${message}. Change the quantity in your cart.`;
  }
  return message;
}
