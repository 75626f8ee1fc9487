// Product pictures: a plain <img> that hides itself when the picture fails to load (gone, or refused by the page's
// Content-Security-Policy), so the shopper sees no broken-image icon.

import { h } from "../../js/ui.js";

function hideBroken(event) {
  event.currentTarget.hidden = true;
}

/** `<img>` for `url` with `alt` ("" when the text next to it already says what it is). */
export function picture(url, alt, { className, lazy = true } = {}) {
  return h("img", { class: className, src: url, alt, loading: lazy ? "lazy" : "eager", "on:error": hideBroken });
}
