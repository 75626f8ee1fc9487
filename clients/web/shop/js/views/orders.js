// The customer's orders, newest first, a page at a time.

import * as api from "../../../js/api.js";
import { formatDateTime, formatMoney, orderLabel, statusLabel } from "../../../js/format.js";
import { badge, errorText, h } from "../../../js/ui.js";

const ORDERS = "souk.catalog.v1.OrderService";

function row(order) {
  return h(
    "li",
    { class: "order-row card", "data-order-id": order.id },
    h("a", { href: `#/order/${encodeURIComponent(order.id)}`, class: "order-link" }, `Order ${orderLabel(order)}`),
    h("span", { class: "muted" }, formatDateTime(order.createdAtUnixMs)),
    badge(order.status, statusLabel(order.status)),
    h("strong", {}, formatMoney(order.total)),
  );
}

export async function render(root, ctx, { signal }) {
  const list = h("ul", { class: "order-list", id: "my-orders" });
  const more = h("button", { class: "button", type: "button", id: "more-orders", hidden: true }, "Show more");
  const error = h("div", { class: "error-box", role: "alert", hidden: true });
  root.append(h("h1", {}, "My orders"), list, error, more);
  let token = "";
  const load = async () => {
    const body = { pageSize: 20 };
    if (token) body.pageToken = token;
    try {
      const page = await api.call(ORDERS, "ListMyOrders", body, { signal });
      list.append(...(page.orders ?? []).map(row));
      token = page.nextPageToken ?? "";
      more.hidden = !token;
    } catch (failure) {
      if (failure?.code === "canceled") return;
      error.textContent = errorText(failure);
      error.hidden = false;
    }
    if (!list.children.length) list.replaceWith(h("p", { id: "no-orders" }, "No orders yet. ", h("a", { href: "#/" }, "Start shopping")));
  };
  more.addEventListener("click", load);
  await load();
}
