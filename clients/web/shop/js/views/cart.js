// The cart: each line with its quantity (change or remove), the total in the shopper's currency, and the way to
// checkout.

import { formatMoney } from "../../../js/format.js";
import { announce, errorText, h } from "../../../js/ui.js";
import * as carts from "../cart.js";

function lineRow(line, onQuantity) {
  const quantity = h("input", {
    type: "number",
    min: "0",
    max: "999",
    step: "1",
    inputmode: "numeric",
    value: String(line.quantity ?? 1),
    class: "quantity-input",
    "aria-label": `Quantity of ${line.title}`,
    "data-quantity-of": line.sku,
  });
  quantity.addEventListener("change", () => onQuantity(line, Number.parseInt(quantity.value, 10)));
  return h(
    "li",
    { class: "cart-line card", "data-sku": line.sku },
    h(
      "div",
      { class: "cart-line-name" },
      h("span", { class: "cart-line-title" }, line.title),
      h("span", { class: "muted" }, `${formatMoney(line.unitPrice)} each · SKU ${line.sku}`),
    ),
    h("div", { class: "cart-line-quantity" }, quantity),
    h("p", { class: "cart-line-total", "data-minor-units": line.lineTotal?.minorUnits ?? "0" }, formatMoney(line.lineTotal)),
    h(
      "button",
      {
        class: "button",
        type: "button",
        "data-remove": line.sku,
        "aria-label": `Remove ${line.title}`,
        "on:click": () => onQuantity(line, 0),
      },
      "Remove",
    ),
  );
}

export async function render(root, ctx, { signal }) {
  const error = h("div", { id: "cart-error", class: "error-box", role: "alert", hidden: true });
  const body = h("div", { class: "stack", id: "cart" });
  root.append(h("h1", {}, "Your cart"), error, body);

  const show = (current) => {
    if (current.lines.length === 0) {
      body.replaceChildren(
        h("p", { id: "cart-empty" }, "Your cart is empty."),
        h("p", {}, h("a", { href: "#/" }, "Find something you like")),
      );
      return;
    }
    const onQuantity = async (line, quantity) => {
      error.hidden = true;
      if (!Number.isInteger(quantity) || quantity < 0 || quantity > 999) {
        error.textContent = `quantity: ${line.title} needs a whole number from 0 to 999.`;
        error.hidden = false;
        return;
      }
      try {
        const updated = await carts.setLine(line.sku, quantity, ctx.currency);
        show(updated);
        announce(quantity === 0 ? `${line.title} removed from the cart.` : `${line.title}: ${quantity} in the cart.`);
      } catch (failure) {
        error.textContent = errorText(failure);
        error.hidden = false;
      }
    };
    body.replaceChildren(
      h("ul", { class: "cart-lines", id: "cart-lines" }, current.lines.map((line) => lineRow(line, onQuantity))),
      h(
        "p",
        { class: "cart-total" },
        "Total: ",
        h("strong", { id: "cart-total", "data-minor-units": current.total?.minorUnits ?? "0" }, formatMoney(current.total)),
        h("span", { class: "muted" }, " before delivery"),
      ),
      h("p", {}, h("a", { class: "button primary", href: "#/checkout", id: "to-checkout" }, "Go to checkout")),
    );
  };
  show(await carts.cart(ctx.currency, { signal }));
}
