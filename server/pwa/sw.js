// CareTrack Pro service worker (served by server/src/pwa.rs, which fills in VERSION
// from the build's own files, so a new build is a new worker and the page can offer
// the update).
//
// - Pages: network first; offline, the copy kept from the last visit, else the
//   offline page. Only signed-in carers' pages are kept (their own data, on their
//   own phone); office pages are never stored.
// - The app shell (WASM, JS, CSS, icons, manifest). The build's files under /pkg/ are
//   named by their content (caretrack.<hash>.wasm): a kept copy is always the right one,
//   so they come from this worker's cache first and the network only once. Without
//   hashed names (a development build) they go network first (an old script must never
//   hydrate a new page), the cached copy when offline; so do icons and the manifest.
// - API calls are never cached.
// - Background Sync ("practice-sync"): wakes the open pages to send the logs they
//   queued while offline (the page holds the queue and the session).
// - Web Push: shows the notification; a tap opens its link.
const VERSION = "__VERSION__";
// The build's script and stylesheet as pages ask for them, and whether the build names
// its files by their content (server/src/pwa.rs fills these in).
const SCRIPT = "__SCRIPT__";
const STYLESHEET = "__STYLESHEET__";
const HASHED = "__HASHED__" === "true";
const SHELL = `shell-${VERSION}`;
const PAGES = "pages";
// Fetched at install. The WASM is not: it is the largest file and the page is loading
// it at that very moment; it is kept when the next page load fetches it through the
// worker (pages and /pkg files are stored as they pass).
const SHELL_FILES = [
  "/offline.html",
  SCRIPT,
  STYLESHEET,
  "/favicon.svg",
  "/icons/icon-192.png",
  "/manifest.webmanifest",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith("shell-") && n !== SHELL).map((n) => caches.delete(n))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
  if (event.data && event.data.type === "SIGNED_OUT") event.waitUntil(caches.delete(PAGES));
});

function kept(request, response) {
  const url = new URL(request.url);
  return response.ok && response.type === "basic" && url.pathname.startsWith("/carer");
}

async function page(request) {
  try {
    const response = await fetch(request);
    if (kept(request, response)) {
      const cache = await caches.open(PAGES);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (offline) {
    const copy = await caches.match(request, { ignoreSearch: true });
    return copy || (await caches.match("/offline.html"));
  }
}

// A file named by its content: the kept copy if there is one, else the network (kept).
async function hashed(request) {
  const copy = await caches.match(request);
  if (copy) return copy;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(SHELL);
    await cache.put(request, response.clone());
  }
  return response;
}

async function shell(request) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(SHELL);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (offline) {
    const copy = await caches.match(request);
    if (copy) return copy;
    throw offline;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/ws") return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (HASHED && url.pathname.startsWith("/pkg/")) {
    event.respondWith(hashed(request));
  } else if (SHELL_FILES.includes(url.pathname) || url.pathname.startsWith("/pkg/") || url.pathname.startsWith("/icons/")) {
    event.respondWith(shell(request));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "practice-sync") return;
  event.waitUntil(
    self.clients
      .matchAll({ type: "window" })
      .then((clients) => clients.forEach((client) => client.postMessage({ type: "SYNC_PRACTICE" }))),
  );
});

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (unreadable) {
    message = { title: event.data ? event.data.text() : "CareTrack Pro" };
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "CareTrack Pro", {
      body: message.body || "",
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      tag: message.tag,
      data: { link: message.link || "/carer" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const link = (event.notification.data && event.notification.data.link) || "/carer";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((clients) => {
      for (const client of clients) {
        if ("focus" in client) {
          client.navigate(link);
          return client.focus();
        }
      }
      return self.clients.openWindow(link);
    }),
  );
});
