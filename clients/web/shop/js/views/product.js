// A product page: title, description, images, and every SKU with its price in the shopper's currency and its stock
// state.

import { formatMoney } from "../../../js/format.js";
import { announce, errorText, h } from "../../../js/ui.js";
import * as carts from "../cart.js";
import * as catalog from "../catalog.js";
import { picture } from "../picture.js";
import { slot } from "../recommendations.js";

function attributesText(attributes) {
  return Object.entries(attributes ?? {})
    .map(([name, value]) => `${name}: ${value}`)
    .join(", ");
}

/** "Add to cart" for one SKU: a visitor signs in first and comes back here. */
function addButton(sku, ctx) {
  const status = h("p", { class: "add-status", role: "status", "data-added-status": sku.code });
  const button = h("button", { class: "button primary", type: "button", "data-add-sku": sku.code }, "Add to cart");
  button.addEventListener("click", async () => {
    if (!ctx.session.signed_in) {
      ctx.navigate(ctx.signInHash());
      return;
    }
    button.disabled = true;
    status.replaceChildren("Adding…");
    try {
      const current = await carts.addOne(sku.code, ctx.currency);
      const line = current.lines.find((candidate) => candidate.sku === sku.code);
      status.replaceChildren(`In your cart: ${line?.quantity ?? 1}. `, h("a", { href: "#/cart" }, "View cart"));
      announce(`Added to the cart; ${carts.unitCount(current)} items in all.`);
    } catch (failure) {
      status.replaceChildren(h("span", { class: "field-error" }, errorText(failure)));
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "add-to-cart" }, button, status);
}

function skuRow(sku, state, ctx) {
  const price = catalog.skuPrice(sku);
  return h(
    "li",
    { class: "sku card", "data-sku": sku.code },
    h(
      "div",
      { class: "sku-name" },
      h("span", { class: "sku-attributes" }, attributesText(sku.attributes) || "Standard"),
      h("span", { class: "muted sku-code" }, `SKU ${sku.code}`),
    ),
    price
      ? h(
          "p",
          { class: "sku-price", "data-minor-units": price.minorUnits ?? "0", "data-currency": price.currency },
          formatMoney(price),
        )
      : h("p", { class: "sku-price muted" }, "No price yet"),
    h("p", { class: "stock", "data-stock": state }, catalog.stockLabel(state)),
    state === "in" && price ? addButton(sku, ctx) : null,
  );
}

export async function render(root, ctx, { match, signal }) {
  const id = decodeURIComponent(match);
  let product;
  try {
    product = await catalog.call("GetProduct", { productId: id, currency: ctx.currency }, { signal });
  } catch (error) {
    if (error?.code !== "not_found" && error?.code !== "invalid_argument") throw error;
    root.append(
      h("h1", {}, "Product not found"),
      h("div", { class: "error-box", role: "alert" }, h("p", {}, `This product is not in the shop: ${errorText(error)}`)),
      h("p", {}, h("a", { href: "#/" }, "Back to all products")),
    );
    return;
  }
  const back = h("p", {}, h("a", { href: "#/", class: "back-link" }, "← All products"));
  const images = (product.imageUrls ?? []).filter(Boolean);
  const gallery = images.length
    ? h(
        "ul",
        { class: "gallery" },
        images.map((url, index) =>
          h(
            "li",
            {},
            picture(url, images.length > 1 ? `${product.title}, picture ${index + 1}` : product.title, {
              lazy: index > 0,
            }),
          ),
        ),
      )
    : null;
  const attributes = attributesText(product.attributes);
  const skuList = h("ul", { class: "sku-list", id: "sku-list" });
  root.append(
    back,
    h(
      "article",
      { class: "product-page stack", "data-product-id": product.id },
      h("h1", { id: "product-title" }, product.title),
      gallery,
      product.description ? h("p", { class: "product-description" }, product.description) : null,
      attributes ? h("p", { class: "muted" }, attributes) : null,
      h(
        "section",
        { class: "stack", "aria-labelledby": "skus-heading" },
        h("h2", { id: "skus-heading" }, (product.skus ?? []).length === 1 ? "Price" : "Options and prices"),
        skuList,
      ),
    ),
  );

  root.append(slot("also-bought", "Customers also bought"));
  const skus = product.skus ?? [];
  if (skus.length === 0) skuList.replaceWith(h("p", { class: "muted" }, "Not on sale yet."));
  else skuList.append(...skus.map((sku) => skuRow(sku, catalog.skuStock(sku), ctx)));
}
