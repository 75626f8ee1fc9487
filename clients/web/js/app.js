// The shell: start-up session check, sign-in gate, hash router, nav and sign-out.

import * as api from "./api.js";
import { h, notify, showError, showLoading } from "./ui.js";

const ROUTES = [
  { pattern: /^#\/dashboard$/, module: "./views/dashboard.js", nav: "nav-dashboard", title: "Dashboard" },
  { pattern: /^#\/orders$/, module: "./views/orders.js", nav: "nav-orders", title: "Orders" },
  { pattern: /^#\/orders\/([^/]+)$/, module: "./views/order.js", nav: "nav-orders", title: "Order" },
  { pattern: /^#\/shipments$/, module: "./views/shipments.js", nav: "nav-shipments", title: "Shipments" },
  { pattern: /^#\/shipments\/([^/]+)$/, module: "./views/shipment.js", nav: "nav-shipments", title: "Shipment" },
  { pattern: /^#\/products$/, module: "./views/products.js", nav: "nav-products", title: "Products" },
  { pattern: /^#\/products\/new$/, module: "./views/product.js", nav: "nav-products", title: "New product" },
  { pattern: /^#\/products\/([^/]+)$/, module: "./views/product.js", nav: "nav-products", title: "Product" },
  { pattern: /^#\/reports$/, module: "./views/reports.js", nav: "nav-reports", title: "Reports" },
  { pattern: /^#\/warehouses$/, module: "./views/warehouses.js", nav: "nav-warehouses", title: "Warehouses" },
  // Not admin-only here: the users view itself tells staff that the page is for admins.
  { pattern: /^#\/users$/, module: "./views/users.js", nav: "nav-users", title: "Users" },
];
const DEFAULT_ROUTE = "#/dashboard";

const state = {
  session: null, // {email, roles}
  cleanup: null,
  generation: 0,
  passwordChange: { active: false, email: "", password: "" },
};

const view = () => document.getElementById("view");

function makeContext() {
  const roles = state.session?.roles ?? [];
  const isAdmin = roles.includes("ROLE_ADMIN");
  return {
    session: { email: state.session?.email ?? "", roles },
    navigate(hash) {
      if (location.hash === hash) route();
      else location.hash = hash;
    },
    isAdmin,
    isStaff: isAdmin || roles.includes("ROLE_STAFF"),
  };
}

function runCleanup() {
  const cleanup = state.cleanup;
  state.cleanup = null;
  if (typeof cleanup === "function") {
    try {
      cleanup();
    } catch (error) {
      console.error(error);
    }
  }
}

function setChrome(signedIn) {
  const nav = document.getElementById("nav");
  const account = document.getElementById("account");
  nav.hidden = !signedIn;
  account.hidden = !signedIn;
  account.querySelector("[data-signed-in-as]")?.remove();
  if (signedIn) {
    account.prepend(h("span", { class: "muted account-email", "data-signed-in-as": state.session.email }, state.session.email));
    document.getElementById("nav-users").hidden = !makeContext().isAdmin;
    document.getElementById("nav-warehouses").hidden = !makeContext().isStaff;
    document.getElementById("nav-shipments").hidden = !makeContext().isStaff;
    document.getElementById("nav-reports").hidden = !makeContext().isStaff;
  }
}

function markNav(id) {
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.id === id) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function focusHeading(root) {
  const heading = root.querySelector("h1");
  if (!heading) return;
  heading.setAttribute("tabindex", "-1");
  heading.focus({ preventScroll: false });
}

async function route() {
  if (!state.session || state.passwordChange.active) return;
  const generation = ++state.generation;
  runCleanup();
  const hash = location.hash || DEFAULT_ROUTE;
  const ctx = makeContext();
  let match = null;
  let entry = ROUTES.find((candidate) => (match = candidate.pattern.exec(hash)));
  if (!entry) {
    if (hash !== DEFAULT_ROUTE) {
      location.replace(DEFAULT_ROUTE);
      return;
    }
    entry = ROUTES[0];
    match = [hash];
  }
  markNav(entry.nav);
  document.title = `${entry.title} · Souk admin`;
  const main = view();
  const root = h("section", { class: "view stack" });
  main.replaceChildren(root);
  showLoading(root);
  const params = match[1] ? { id: decodeURIComponent(match[1]) } : {};
  try {
    const module = await import(entry.module);
    if (generation !== state.generation) return;
    root.replaceChildren();
    const cleanup = await module.render(root, ctx, params);
    if (generation !== state.generation) {
      if (typeof cleanup === "function") cleanup();
      return;
    }
    state.cleanup = cleanup ?? null;
    focusHeading(root);
  } catch (error) {
    if (generation !== state.generation) return;
    console.error(error);
    if (!root.querySelector("h1")) root.prepend(h("h1", {}, entry.title));
    const box = h("div");
    root.appendChild(box);
    showError(box, error, () => route());
    focusHeading(root);
  }
}

async function showSignIn({ message } = {}) {
  state.generation++;
  runCleanup();
  state.session = null;
  setChrome(false);
  markNav(null);
  document.title = "Sign in · Souk admin";
  const root = h("section", { class: "view signin-view" });
  view().replaceChildren(root);
  const { renderSignIn } = await import("./views/signin.js");
  renderSignIn(root, { onSignedIn: signedIn, message });
  root.querySelector("input")?.focus();
}

async function showPasswordChange() {
  if (state.passwordChange.active) return;
  state.passwordChange.active = true;
  state.generation++;
  runCleanup();
  setChrome(false);
  document.title = "Choose a new password · Souk admin";
  const root = h("section", { class: "view signin-view" });
  view().replaceChildren(root);
  const { renderNewPassword } = await import("./views/signin.js");
  renderNewPassword(root, {
    email: state.session?.email ?? state.passwordChange.email,
    currentPassword: state.passwordChange.password,
    onDone: async (reply) => {
      state.passwordChange = { active: false, email: "", password: "" };
      notify("Password changed.");
      await signedIn(reply);
    },
    onCancel: () => signOut(),
  });
  root.querySelector("input")?.focus();
}

async function signedIn(reply, credentials) {
  state.session = { email: reply.email ?? "", roles: reply.roles ?? [] };
  if (credentials) state.passwordChange = { active: false, email: credentials.email, password: credentials.password };
  setChrome(true);
  if (!location.hash || location.hash === "#" || location.hash === "#/") location.replace(DEFAULT_ROUTE);
  await route();
}

async function signOut() {
  try {
    await api.signOut();
  } catch (error) {
    console.error(error);
  }
  state.passwordChange = { active: false, email: "", password: "" };
  await showSignIn({ message: "You are signed out." });
}

function listen() {
  document.getElementById("signout").addEventListener("click", () => signOut());
  // The skip link must not change the hash: "#view" is no route, and the router would send the person to the
  // dashboard. Move focus to the view instead.
  document.querySelector(".skip-link")?.addEventListener("click", (event) => {
    event.preventDefault();
    view().focus();
  });
  window.addEventListener("hashchange", () => route());
  window.addEventListener("souk:signed-out", () => {
    if (state.session && !state.passwordChange.active) {
      showSignIn({ message: "Your session has ended. Please sign in again." });
    }
  });
  window.addEventListener("souk:password-change-required", () => showPasswordChange());
}

async function start() {
  const main = view();
  showLoading(main);
  try {
    const reply = await api.session();
    if (reply.signed_in) await signedIn(reply);
    else await showSignIn();
  } catch (error) {
    showError(main, error, () => start());
  }
}

/**
 * Registers the service worker (`/sw.js`, scope `/`) that keeps the page's static shell for an offline start. It
 * never answers an API call: see sw.js. A browser without service workers (or an insecure origin) just goes without.
 */
function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => console.warn("service worker:", error));
}

listen();
registerServiceWorker();
start();
