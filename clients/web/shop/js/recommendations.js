// The recommendation slots ("Customers also bought" on a product, "For you" on the home page). The recommendations
// service fills them once it exists; until then a slot stays hidden and costs no call.

import { h } from "../../js/ui.js";

/** A slot of `kind` ("also-bought" or "for-you") under `title`; hidden while it has nothing to show. */
export function slot(kind, title) {
  const id = `recommendations-${kind}`;
  return h(
    "section",
    { class: "stack recommendations", "data-recommendations": kind, "aria-labelledby": `${id}-heading`, hidden: true },
    h("h2", { id: `${id}-heading` }, title),
    h("ul", { class: "product-grid", id }),
  );
}
