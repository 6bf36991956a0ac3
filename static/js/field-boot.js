// Offline field work, on every page (docs/offline.md): registers the service worker,
// shows the offline banner and the number of records waiting to be sent, wipes the
// phone's copy on sign-out and when the session has ended. The offline app itself is
// static/js/field-app.js (the /lapangan/ page). Storage: IndexedDB "pkh-lapangan",
// store "kv" (key "snapshot": the caseload copy) and store "queue" (one record per
// client token).
(function () {
  "use strict";
  var DB_NAME = "pkh-lapangan";
  var dbPromise = null;

  function open() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
          if (!db.objectStoreNames.contains("queue")) {
            db.createObjectStore("queue", { keyPath: "token" });
          }
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function run(store, mode, action) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result = action(tx.objectStore(store));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  var db = {
    get: function (key) { return run("kv", "readonly", function (s) { return s.get(key); }); },
    put: function (key, value) { return run("kv", "readwrite", function (s) { s.put(value, key); }); },
    del: function (key) { return run("kv", "readwrite", function (s) { s.delete(key); }); },
    records: function () { return run("queue", "readonly", function (s) { return s.getAll(); }); },
    record: function (token) { return run("queue", "readonly", function (s) { return s.get(token); }); },
    save: function (record) { return run("queue", "readwrite", function (s) { s.put(record); }); },
    remove: function (token) { return run("queue", "readwrite", function (s) { s.delete(token); }); },
    wipe: function () {
      // Everything: the caseload copy, the queue, the kept shell page.
      return Promise.all([
        run("kv", "readwrite", function (s) { s.clear(); }),
        run("queue", "readwrite", function (s) { s.clear(); }),
        window.caches ? caches.keys().then(function (keys) {
          return Promise.all(keys.map(function (key) { return caches.delete(key); }));
        }) : null,
      ]);
    },
  };

  function signedIn() { return document.body.dataset.user || ""; }

  function wipeAll() {
    // Everything on this phone: the copy, the queue, the kept shell, the worker.
    var workers = navigator.serviceWorker ? navigator.serviceWorker.getRegistrations().then(function (all) {
      return Promise.all(all.map(function (r) { return r.unregister(); }));
    }) : null;
    return Promise.all([workers]).then(db.wipe);
  }

  // The phone's device key (kv "device", from its first caseload copy), sent with every
  // offline request; a revoked device is answered 410 and wipes itself.
  var DEVICE_HEADER = "X-PKH-Device";
  var STATUS_URL = "/lapangan/status/";

  function withDevice(headers) {
    return db.get("device").then(function (key) {
      var out = Object.assign({}, headers || {});
      if (key) out[DEVICE_HEADER] = key;
      return out;
    });
  }

  function deviceCheck() {
    // Next contact after a revocation: the revoked phone's session has ended too, so it
    // is signed out here; it still asks, by its key alone, and wipes itself.
    if (!navigator.onLine) return Promise.resolve(false);
    return db.get("device").then(function (key) {
      if (!key) return false;
      var headers = {};
      headers[DEVICE_HEADER] = key;
      return fetch(STATUS_URL, { credentials: "same-origin", headers: headers }).then(function (response) {
        if (response.status !== 410) return false;
        return wipeAll().then(function () { return true; });
      }, function () { return false; });
    });
  }

  function waiting(records) {
    var user = signedIn();
    return records.filter(function (r) {
      return r.state !== "sent" && (!user || r.username === user);
    });
  }

  function refresh() {
    var banner = document.getElementById("offline-banner");
    if (banner) banner.hidden = navigator.onLine;
    return db.records().then(function (records) {
      var n = waiting(records).length;
      document.querySelectorAll("[data-pending]").forEach(function (box) {
        box.hidden = n === 0;
        box.querySelector("[data-pending-count]").textContent = n;
      });
      return n;
    }).catch(function () { return 0; });
  }

  function snapshotCheck() {
    // The session has ended (signed out here, or another user) or the copy outlived it:
    // the caseload copy goes. Unsent records stay, for their author to send after
    // signing in again; nothing is dropped silently.
    return db.get("snapshot").then(function (snap) {
      if (!snap) return;
      var expired = new Date(snap.expires_at) < new Date();
      if (!signedIn() || signedIn() !== snap.username || expired) return db.del("snapshot");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-logout") || form.dataset.wiped) return;
    event.preventDefault();
    db.records().then(function (records) {
      var n = waiting(records).length;
      if (n && !window.confirm(form.dataset.logoutConfirm.replace("%(n)s", n))) return null;
      // The service worker goes too: the next user of this phone starts from nothing.
      return wipeAll().then(function () {
        form.dataset.wiped = "1";
        form.submit();
      });
    }).catch(function () { form.dataset.wiped = "1"; form.submit(); });
  });

  // With no signal, htmx requests (the notifications bell, polled fragments) are not
  // sent at all: they could only fail, and htmx reports every failed request as a
  // console error. The offline banner already says why nothing updates.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!navigator.onLine) event.preventDefault();
  });

  window.addEventListener("online", refresh);
  window.addEventListener("offline", refresh);
  window.PkhField = {
    db: db, refresh: refresh, signedIn: signedIn, waiting: waiting, wipeAll: wipeAll,
    withDevice: withDevice,
  };
  // Signed in, the offline app (field-app.js) asks at its start and with every sync.
  window.PkhField.ready = snapshotCheck().catch(function () {}).then(function () {
    if (!signedIn()) return deviceCheck().catch(function () { return false; });
    return false;
  }).then(function (wiped) {
    if (wiped) document.documentElement.dataset.deviceWiped = "1";
    return refresh();
  });

  if ("serviceWorker" in navigator && signedIn()) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  }
})();
