// Offline service worker (docs/offline.md), served at /sw.js by field.views with PKH_SW
// (version, shell URL, asset URLs) prepended. It keeps only the app shell and the static
// files: pages with families' data are never cached (they are no-store), and the
// caseload lives in IndexedDB (static/js/field-boot.js), not here. Sign-out and a revoked
// device are handled by the page itself (field-boot.js wipeAll): it deletes these caches
// and unregisters this worker; the worker takes no messages.
/* global PKH_SW */
"use strict";
var CACHE = "pkh-shell-" + PKH_SW.version;

function putIfGood(cache, request, response) {
  // A redirect (to the login page when signed out) or an error is never kept.
  if (response && response.ok && !response.redirected && response.type === "basic") {
    return cache.put(request, response.clone()).then(function () { return response; });
  }
  return Promise.resolve(response);
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      var work = PKH_SW.assets.map(function (url) {
        return fetch(url, { credentials: "same-origin" })
          .then(function (response) { return putIfGood(cache, url, response); })
          .catch(function () { return null; });
      });
      work.push(
        fetch(PKH_SW.shell, { credentials: "same-origin" })
          .then(function (response) { return putIfGood(cache, PKH_SW.shell, response); })
          .catch(function () { return null; })
      );
      return Promise.all(work);
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("pkh-shell-") === 0 && key !== CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function staticFile(request, url) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (response) {
        return putIfGood(cache, request, response);
      });
    });
  });
}

function shellPage(request) {
  // Network first (fresh page, fresh CSRF token); the kept shell when there is no signal.
  return caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      return putIfGood(cache, PKH_SW.shell, response);
    }).catch(function () {
      return cache.match(PKH_SW.shell).then(function (hit) {
        return hit || Response.error();
      });
    });
  });
}

function otherPage(request) {
  // Any other page with no signal: the offline shell, which says so and offers the
  // caseload kept on the phone.
  return fetch(request).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(PKH_SW.shell).then(function (hit) { return hit || Response.error(); });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;  // posts (the sync) go straight to the server
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(PKH_SW.staticPrefix) === 0) {
    event.respondWith(staticFile(request, url));
  } else if (request.mode === "navigate") {
    event.respondWith(url.pathname === PKH_SW.shell ? shellPage(request) : otherPage(request));
  }
  // Everything else (the JSON endpoints, htmx fragments) is left to the network.
});
