// The storefront's shell: the session (a visitor's or a customer's), the header's links, the currency picker and the
// hash router. Routes: #/ (everything), #/search?q=…&category=…&sort=…&stock=1&min=…&max=…, #/product/<id>,
// #/signin?next=…, #/signup?next=…, #/cart, #/checkout, #/orders and #/order/<id>.

import * as api from "../../js/api.js";
import { h, showError, showLoading } from "../../js/ui.js";
import { myAccount } from "./account.js";
import { SHOP_CURRENCIES, chooseCurrency, chosenCurrency, hasChosenCurrency } from "./currency.js";

const ROUTES = [
  { pattern: /^#\/?$/, module: "./views/browse.js", title: "Shop" },
  { pattern: /^#\/search(?:\?(.*))?$/, module: "./views/browse.js", title: "Search" },
  { pattern: /^#\/product\/([^/?]+)$/, module: "./views/product.js", title: "Product" },
  { pattern: /^#\/signin(?:\?(.*))?$/, module: "./views/signin.js", title: "Sign in" },
  { pattern: /^#\/signup(?:\?(.*))?$/, module: "./views/signup.js", title: "Create an account" },
  { pattern: /^#\/cart$/, module: "./views/cart.js", title: "Cart", signedIn: true },
  { pattern: /^#\/checkout$/, module: "./views/checkout.js", title: "Checkout", signedIn: true },
  { pattern: /^#\/orders$/, module: "./views/orders.js", title: "My orders", signedIn: true },
  { pattern: /^#\/account$/, module: "./views/account.js", title: "My account", signedIn: true },
  { pattern: /^#\/order\/([^/?]+)(?:\?.*)?$/, module: "./views/order.js", title: "Order", signedIn: true },
];

const state = { session: { signed_in: false }, generation: 0, abort: null };

const view = () => document.getElementById("view");

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

/** The sign-in page, coming back to `next` (this page by default) once signed in. */
function signInHash(next = location.hash || "#/") {
  return `#/signin?${new URLSearchParams({ next })}`;
}

function context() {
  return {
    currency: chosenCurrency(),
    session: state.session,
    navigate,
    signInHash,
    /** After sign-in, sign-up or sign-out: the new session, the header, then `next`. */
    async signedIn(reply, next) {
      state.session = reply ?? { signed_in: false };
      await adoptPreferredCurrency();
      renderNav();
      navigate(next && next.startsWith("#/") ? next : "#/");
    },
  };
}

function renderNav() {
  const nav = document.getElementById("shop-nav");
  const items = [h("li", {}, h("a", { href: "#/cart", id: "cart-link" }, "Cart"))];
  if (state.session.signed_in) {
    const signOut = async () => {
      try {
        await api.signOut();
      } finally {
        state.session = { signed_in: false };
        renderNav();
        navigate("#/");
      }
    };
    items.push(
      h("li", {}, h("a", { href: "#/orders", id: "orders-link" }, "My orders")),
      h("li", {}, h("a", { href: "#/account", id: "account-link" }, "Account")),
      h("li", {}, h("button", { class: "button link-button", type: "button", id: "sign-out", "on:click": signOut }, "Sign out")),
    );
  } else {
    items.push(h("li", {}, h("a", { href: signInHash(), id: "sign-in-link" }, "Sign in")));
  }
  nav.replaceChildren(...items);
  const current = (location.hash || "#/").split("?")[0];
  for (const link of nav.querySelectorAll("a")) {
    if (link.getAttribute("href") === current) link.setAttribute("aria-current", "page");
  }
}

function focusHeading(root) {
  const heading = root.querySelector("h1");
  if (!heading) return;
  heading.setAttribute("tabindex", "-1");
  heading.focus({ preventScroll: false });
}

/** Renders the view for the current hash; `focus` false keeps focus where it is (the currency picker). */
async function route({ focus = true } = {}) {
  const generation = ++state.generation;
  state.abort?.abort();
  const abort = new AbortController();
  state.abort = abort;
  const hash = location.hash || "#/";
  let match = null;
  const entry = ROUTES.find((candidate) => (match = candidate.pattern.exec(hash)));
  if (!entry) {
    location.replace("#/");
    return;
  }
  if (entry.signedIn && !state.session.signed_in) {
    location.replace(signInHash(hash));
    return;
  }
  document.title = `${entry.title} · Souk shop`;
  renderNav();
  const root = h("section", { class: "view stack" });
  view().replaceChildren(root);
  showLoading(root);
  try {
    const module = await import(entry.module);
    if (generation !== state.generation) return;
    root.replaceChildren();
    await module.render(root, context(), { match: match[1] ?? "", signal: abort.signal });
    if (generation !== state.generation) return;
    const heading = root.querySelector("h1");
    if (heading) document.title = `${heading.textContent} · Souk shop`;
  } catch (error) {
    if (generation !== state.generation || error?.code === "canceled") return;
    console.error(error);
    root.replaceChildren(h("h1", {}, "Something went wrong"));
    const box = h("div");
    root.append(box, h("p", {}, h("a", { href: "#/" }, "Back to all products")));
    showError(box, error, () => route());
  }
  if (focus && generation === state.generation) focusHeading(root);
}

/** A signed-in customer who has not picked a currency here shops in their profile's preferred one. */
async function adoptPreferredCurrency() {
  if (!state.session.signed_in || hasChosenCurrency()) return;
  try {
    const preferred = (await myAccount()).preferredCurrency;
    if (SHOP_CURRENCIES.includes(preferred)) {
      chooseCurrency(preferred);
      document.getElementById("currency").value = preferred;
    }
  } catch {
    // Not a customer's account, or a hiccup: the default holds.
  }
}

function setUpCurrencyPicker() {
  const select = document.getElementById("currency");
  const current = chosenCurrency();
  select.replaceChildren(
    ...SHOP_CURRENCIES.map((code) => h("option", { value: code, selected: code === current }, code)),
  );
  select.value = current;
  select.addEventListener("change", () => {
    chooseCurrency(select.value);
    route({ focus: false });
  });
}

function listen() {
  // "#view" is no route: the skip link moves focus instead of changing the hash.
  document.querySelector(".skip-link")?.addEventListener("click", (event) => {
    event.preventDefault();
    view().focus();
  });
  window.addEventListener("hashchange", () => route());
  // A call found the session ended: the page goes on as a visitor's, and a page that needs the customer (the
  // cart, checkout, an order) asks them to sign in again and come back to it.
  window.addEventListener("souk:signed-out", () => {
    const wasSignedIn = state.session.signed_in;
    state.session = { signed_in: false };
    renderNav();
    const hash = location.hash || "#/";
    const entry = ROUTES.find((candidate) => candidate.pattern.test(hash));
    if (wasSignedIn && entry?.signedIn) location.replace(signInHash(hash));
  });
}

async function start() {
  showLoading(view());
  setUpCurrencyPicker();
  listen();
  try {
    // Browsing needs no session; one this browser already has (an admin's, say) needs its CSRF token on every call.
    state.session = await api.session();
  } catch {
    state.session = { signed_in: false };
  }
  await adoptPreferredCurrency();
  await route({ focus: false });
}

start();
