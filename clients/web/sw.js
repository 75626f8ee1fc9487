// The admin page's service worker: it keeps the static shell (HTML, JS, CSS, icons, the manifest) so the installed
// page opens offline, and nothing else. Every other request (the Connect API calls, /session and its login and
// logout, webhooks, the storefront under /shop/) is not touched at all: the browser sends it to the network as if
// no worker were here, so no answer with personal or business data ever lands in a cache.
//
// Shell files go network first (the bridge sends them with Cache-Control: no-cache, so an edit shows at the next
// load) and fall back to the copy kept here when the network is away.

const CACHE = "souk-admin-shell-v1";

/** The shell, fetched at install so the first offline start already works. */
const SHELL = [
  "/",
  "/index.html",
  "/manifest.webmanifest",
  "/favicon.svg",
  "/icons/icon.svg",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/css/app.css",
  "/css/views.css",
  "/js/api.js",
  "/js/app.js",
  "/js/chart.js",
  "/js/csv.js",
  "/js/format.js",
  "/js/ui.js",
  "/js/views/dashboard.js",
  "/js/views/order-payments.js",
  "/js/views/order.js",
  "/js/views/orders.js",
  "/js/views/product-import.js",
  "/js/views/product.js",
  "/js/views/products.js",
  "/js/views/reports.js",
  "/js/views/shipment.js",
  "/js/views/shipments.js",
  "/js/views/signin.js",
  "/js/views/users.js",
  "/js/views/warehouses.js",
];

/** Static file types of the shell; a path without one of these (every API path) is never a shell file. */
const SHELL_TYPES = /\.(?:html|js|css|svg|png|ico|webmanifest)$/;

/** True for a GET of one of the admin page's own static files on this origin. */
function isShell(request) {
  if (request.method !== "GET") return false;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.search !== "") return false;
  if (url.pathname === "/") return true;
  if (url.pathname === "/sw.js" || url.pathname.startsWith("/shop/")) return false;
  return SHELL_TYPES.test(url.pathname);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  // Not a shell file: no respondWith, so the request goes to the network untouched (network only).
  if (!isShell(event.request)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // Kept under the path alone: a navigation's URL carries the page's route ("/#/orders").
      const url = new URL(event.request.url);
      const key = url.origin + url.pathname;
      try {
        const response = await fetch(event.request);
        if (response.ok && response.type === "basic") await cache.put(key, response.clone());
        return response;
      } catch (error) {
        const kept = await cache.match(key);
        if (kept) return kept;
        throw error;
      }
    })(),
  );
});
