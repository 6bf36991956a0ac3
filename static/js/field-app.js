// The offline app (/lapangan/, docs/offline.md): the caseload copy kept on the phone,
// a family's summary, home visits and P2K2 attendance recorded without signal, and the
// queue that sends them when the signal is back. Storage helpers: static/js/field-boot.js.
(function () {
  "use strict";
  var root = document.getElementById("field-app");
  if (!root || !window.PkhField) return;
  var S = JSON.parse(document.getElementById("field-strings").textContent);
  var db = window.PkhField.db;
  var snap = null;  // the caseload copy (IndexedDB "kv"/"snapshot")
  var syncing = false;
  var failures = 0;
  var retryTimer = null;
  var csrf = root.dataset.csrf;

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, k) { return values[k]; });
  }
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" +
      String(d.getDate()).padStart(2, "0");
  }
  function newToken() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function label(pairs, code) {
    for (var i = 0; i < pairs.length; i++) if (pairs[i][0] === code) return pairs[i][1];
    return code;
  }
  function kb(bytes) { return Math.max(1, Math.round(bytes / 1024)) + " KB"; }
  function family(id) {
    return snap && snap.families.find(function (f) { return f.id === Number(id); });
  }
  function session(id) {
    return snap && snap.sessions.find(function (s) { return s.id === Number(id); });
  }
  function user() { return window.PkhField.signedIn(); }
  function commitments() {
    return (snap && snap.kinds && snap.kinds.commitment) || { month: "", sheets: [] };
  }
  function sheet(id) {
    return commitments().sheets.find(function (c) { return c.id === id; });
  }

  // --- Views ------------------------------------------------------------------------

  function show(id) {
    document.querySelectorAll("[data-view]").forEach(function (v) { v.hidden = v.id !== id; });
    window.scrollTo(0, 0);
  }

  function renderSummary() {
    var box = $("snapshot-summary");
    if (!snap) { box.textContent = S.none; return; }
    box.textContent = fill(S.summary, {
      families: snap.families.length,
      sessions: snap.sessions.length,
      size: kb(snap.bytes),
      when: new Date(snap.stored_at).toLocaleString(document.documentElement.lang === "en" ? "en-GB" : "id-ID"),
    });
  }

  function renderFamilies() {
    var list = $("family-list");
    list.textContent = "";
    $("families-box").hidden = !snap;
    if (!snap) return;
    var q = $("family-search").value.trim().toLowerCase();
    snap.families.filter(function (f) {
      return !q || f.name.toLowerCase().indexOf(q) >= 0 || f.id_keluarga.indexOf(q) >= 0;
    }).slice(0, 100).forEach(function (f) {
      var item = el("li", { class: "list-group-item" });
      var link = el("a", { href: "#keluarga/" + f.id, class: "fw-semibold", "data-family": f.id }, f.name);
      item.appendChild(link);
      item.appendChild(el("div", { class: "small text-secondary" },
        f.id_keluarga + " · " + f.village + " · " + S.last_visit + ": " + (f.last_visit || S.never)));
      list.appendChild(item);
    });
  }

  function renderSessions() {
    var list = $("session-list");
    list.textContent = "";
    $("sessions-box").hidden = !snap || !snap.sessions.length;
    if (!snap) return;
    snap.sessions.forEach(function (s) {
      var item = el("li", { class: "list-group-item" });
      item.appendChild(el("a", { href: "#kehadiran/" + s.id, class: "fw-semibold", "data-session": s.id },
        s.group_name + " · " + s.date));
      item.appendChild(el("div", { class: "small text-secondary" }, s.module + " · " + s.families.length));
      list.appendChild(item);
    });
  }

  function renderCommitments() {
    var list = $("commitment-list");
    list.textContent = "";
    var part = commitments();
    $("commitments-box").hidden = !snap || !part.sheets.length;
    $("commitment-month").textContent = part.month;
    part.sheets.forEach(function (c) {
      var item = el("li", { class: "list-group-item" });
      item.appendChild(el("a", { href: "#komitmen/" + c.id, class: "fw-semibold", "data-sheet": c.id }, c.name));
      item.appendChild(el("div", { class: "small text-secondary" }, c.rows.length + " " + S.members));
      list.appendChild(item);
    });
  }

  function recordLabel(r) {
    if (r.kind === "commitment") {
      var c = sheet(r.data.kind + "-" + r.data.place);
      return S.commitment + " · " + (c ? c.name : r.data.place) + " · " + r.data.month;
    }
    if (r.kind === "visit") {
      var f = family(r.data.household);
      return S.visit + " · " + (f ? f.name : r.data.household) + " · " + r.data.date;
    }
    var s = session(r.data.session);
    return S.attendance + " · " + (s ? s.group_name + " · " + s.date : r.data.session);
  }

  function conflictTable(r) {
    var table = el("table", { class: "table table-sm field-conflict mb-2" });
    var head = el("tr");
    ["", S.server_version, S.phone_version].forEach(function (t) { head.appendChild(el("th", {}, t)); });
    table.appendChild(head);
    var statuses = snap ? snap.statuses : [];
    r.fields.forEach(function (c, i) {
      var row = el("tr", { "data-field": c.field });
      row.appendChild(el("td", {}, c.label));
      ["server", "phone"].forEach(function (side) {
        var cell = el("td");
        var id = "c-" + r.token + "-" + i + "-" + side;
        var input = el("input", { type: "radio", class: "form-check-input me-1", name: "c-" + r.token + "-" + i, id: id, value: side });
        if (side === "phone") input.checked = true;
        var text = r.kind === "commitment" ? (c.type === "bool" ? (c[side] ? S.yes : S.no) : c[side]) :
          c.field === "notes" ? c[side] : label(statuses, c[side]);
        cell.appendChild(input);
        cell.appendChild(el("label", { for: id, class: "form-check-label" }, text || "—"));
        row.appendChild(cell);
      });
      table.appendChild(row);
    });
    return table;
  }

  function renderQueue() {
    return db.records().then(function (records) {
      var mine = records.filter(function (r) { return r.username === user(); });
      mine.sort(function (a, b) { return a.created_at < b.created_at ? -1 : 1; });
      var list = $("queue-list");
      list.textContent = "";
      if (!mine.length) list.appendChild(el("li", { class: "list-group-item text-secondary" }, S.queue_empty));
      mine.forEach(function (r) {
        var item = el("li", { class: "list-group-item", "data-record": r.token, "data-state": r.state, "data-kind": r.kind });
        item.appendChild(el("div", { class: "fw-semibold" }, recordLabel(r)));
        var badge = { pending: "text-bg-secondary", sent: "text-bg-success", refused: "text-bg-danger", conflict: "text-bg-warning" }[r.state];
        item.appendChild(el("span", { class: "badge " + badge, "data-state-label": "" }, S[r.state]));
        if (r.reason && r.state !== "sent") item.appendChild(el("div", { class: "small text-danger", "data-reason": "" }, r.reason));
        Object.keys(r.errors || {}).forEach(function (name) {
          if (r.state === "refused") item.appendChild(el("div", { class: "small text-danger" }, r.errors[name].join(" ")));
        });
        if (r.state === "conflict") {
          item.appendChild(conflictTable(r));
          var choose = el("button", { type: "button", class: "btn btn-sm btn-warning tap-target", "data-resolve": r.token }, S.choose_send);
          item.appendChild(choose);
        }
        if (r.state === "refused" || r.state === "pending") {
          var target = r.kind === "visit" ? "#kunjungan/" + r.data.household + "/" + r.token :
            r.kind === "commitment" ? "#komitmen/" + r.data.kind + "-" + r.data.place + "/" + r.token :
            "#kehadiran/" + r.data.session + "/" + r.token;
          item.appendChild(el("a", { href: target, class: "btn btn-sm btn-link", "data-edit": r.token }, S.edit));
        }
        list.appendChild(item);
      });
      var others = records.filter(function (r) { return r.username !== user() && r.state !== "sent"; }).length;
      if (others) list.appendChild(el("li", { class: "list-group-item small text-secondary" }, fill(S.other_user, { n: others })));
      return window.PkhField.refresh();
    });
  }

  function renderFamily(id) {
    var f = family(id);
    if (!f) return missing();
    $("family-name").textContent = f.name;
    var group = snap.groups.find(function (g) { return g.id === f.group; });
    $("family-meta").textContent = [f.id_keluarga, [f.address, f.rt && "RT " + f.rt, f.rw && "RW " + f.rw].filter(Boolean).join(" "),
      f.village, f.phone, f.status_label, group ? S.group + ": " + group.name : "",
      S.last_visit + ": " + (f.last_visit || S.never)].filter(Boolean).join(" · ");
    $("family-visit").setAttribute("href", "#kunjungan/" + f.id);
    var list = $("family-members");
    list.textContent = "";
    f.members.filter(function (m) { return m.active; }).forEach(function (m) {
      var age = Math.floor((new Date() - new Date(m.birth_date)) / 31557600000);
      var item = el("li", { class: "list-group-item" });
      item.appendChild(el("div", { class: "fw-semibold" }, m.name));
      item.appendChild(el("div", { class: "small text-secondary" },
        [S.relationships[m.relationship] || m.relationship, S.sexes[m.sex] || m.sex, age + " " + S.years].join(" · ")));
      m.components.forEach(function (code) {
        item.appendChild(el("span", { class: "badge text-bg-light border me-1 badge-component" }, snap.components[code] || code));
      });
      list.appendChild(item);
    });
    show("view-family");
  }

  function missing() {
    show("view-home");
    $("sync-status").textContent = S.missing;
  }

  // --- Visit form -------------------------------------------------------------------

  var visitTarget = null;

  function fieldError(form, name, message) {
    var box = form.querySelector("[data-error='" + name + "']");
    var input = form.querySelector("[name='" + name + "']");
    if (box) box.textContent = message || "";
    if (input) input.classList.toggle("is-invalid", !!message);
  }

  function renderVisit(householdId, token) {
    var f = family(householdId);
    if (!f) return missing();
    var form = $("visit-form");
    var select = $("v-purpose");
    select.textContent = "";
    select.appendChild(el("option", { value: "" }, "---------"));
    snap.purposes.forEach(function (p) { select.appendChild(el("option", { value: p[0] }, p[1])); });
    $("visit-family").textContent = f.name + " · " + f.id_keluarga;
    ["date", "purpose", "notes", "follow_up_date"].forEach(function (n) { fieldError(form, n, ""); });
    $("v-date").max = today();
    var load = token ? db.record(token) : Promise.resolve(null);
    return load.then(function (r) {
      visitTarget = { household: f.id, token: r ? r.token : null };
      var d = r ? r.data : { date: today(), purpose: "", notes: "", follow_up_date: "" };
      $("v-date").value = d.date; select.value = d.purpose; $("v-notes").value = d.notes;
      $("v-follow").value = d.follow_up_date || "";
      if (r && r.errors) Object.keys(r.errors).forEach(function (n) { fieldError(form, n, r.errors[n].join(" ")); });
      show("view-visit");
    });
  }

  $("visit-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var data = {
      household: visitTarget.household, date: $("v-date").value, purpose: $("v-purpose").value,
      notes: $("v-notes").value, follow_up_date: $("v-follow").value,
    };
    var bad = false;
    function check(name, message) { fieldError(form, name, message); bad = bad || !!message; }
    check("date", !data.date ? S.required : data.date > today() ? S.future : "");
    check("purpose", data.purpose ? "" : S.required);
    check("follow_up_date", data.follow_up_date && data.date && data.follow_up_date < data.date ? S.follow_before : "");
    if (bad) return;
    queue("visit", visitTarget.token, data, null).then(function () {
      location.hash = "#keluarga/" + data.household;
      flash(S.saved_visit);
    });
  });

  // --- Attendance form --------------------------------------------------------------

  var attTarget = null;

  function attCount() {
    var rows = $("att-rows").querySelectorAll(".att-row");
    var open = Array.prototype.filter.call(rows, function (row) { return !row.querySelector("input:checked"); }).length;
    $("att-left").textContent = open ? open + " / " + rows.length + " " + S.unmarked : S.all_marked;
    return open;
  }

  function renderAttendance(sessionId, token) {
    var s = session(sessionId);
    if (!s) return missing();
    var load = token ? db.record(token) : Promise.resolve(null);
    return load.then(function (r) {
      attTarget = { session: s.id, token: r ? r.token : null, photo: r ? r.photo || null : null, base: r ? r.data.base : s.base };
      var marks = r ? r.data.attendance : s.base.attendance;
      $("att-title").textContent = s.group_name + " · " + s.date;
      $("att-module").textContent = s.module;
      var rows = $("att-rows");
      rows.textContent = "";
      s.families.forEach(function (f) {
        var set = el("fieldset", { class: "att-row", "data-household": f.id });
        set.appendChild(el("legend", { class: "att-name" }, f.name));
        var choices = el("div", { class: "att-choices" });
        snap.statuses.forEach(function (st) {
          var id = "fa" + f.id + "-" + st[0];
          var input = el("input", { type: "radio", class: "btn-check", name: "fa" + f.id, id: id, value: st[0], autocomplete: "off" });
          if (marks[f.id] === st[0]) input.checked = true;
          choices.appendChild(input);
          choices.appendChild(el("label", { class: "btn att-" + st[0], for: id }, st[1]));
        });
        set.appendChild(choices);
        rows.appendChild(set);
      });
      $("att-notes").value = r ? r.data.notes : s.base.notes;
      $("att-photo").value = "";
      preview(attTarget.photo);
      var err = document.querySelector("#att-form [data-error='photo']");
      err.textContent = r && r.errors && r.errors.photo ? r.errors.photo.join(" ") : "";
      attCount();
      show("view-attendance");
    });
  }

  function preview(blob) {
    var img = $("att-preview");
    if (img.src) URL.revokeObjectURL(img.src);
    img.hidden = !blob;
    if (blob) img.src = URL.createObjectURL(blob); else img.removeAttribute("src");
  }

  function resize(file) {
    // Resized and re-encoded on the phone (which also drops the photo's metadata).
    var side = snap.limits.photo_side;
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      var encode = function (quality) {
        return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
      };
      return encode(0.8).then(function (blob) {
        return blob.size <= snap.limits.photo_bytes ? blob : encode(0.5);
      });
    }).then(function (blob) {
      if (blob.size > snap.limits.photo_bytes) throw new Error(S.photo_too_big);
      return blob;
    });
  }

  $("att-photo").addEventListener("change", function (event) {
    var file = event.target.files[0];
    var err = document.querySelector("#att-form [data-error='photo']");
    err.textContent = "";
    if (!file) return;
    resize(file).then(function (blob) {
      attTarget.photo = blob;
      preview(blob);
    }).catch(function (e) {
      err.textContent = e && e.message === S.photo_too_big ? S.photo_too_big : S.photo_unreadable;
    });
  });
  $("att-rows").addEventListener("change", attCount);
  $("att-all").addEventListener("click", function () {
    $("att-rows").querySelectorAll(".att-row").forEach(function (row) {
      if (!row.querySelector("input:checked")) row.querySelector("input[value=present]").checked = true;
    });
    attCount();
  });
  $("att-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (attCount()) { $("att-left").textContent = S.mark_all; return; }
    var marks = {};
    $("att-rows").querySelectorAll(".att-row").forEach(function (row) {
      marks[row.dataset.household] = row.querySelector("input:checked").value;
    });
    var data = { session: attTarget.session, attendance: marks, notes: $("att-notes").value, base: attTarget.base };
    queue("attendance", attTarget.token, data, attTarget.photo).then(function () {
      location.hash = "#antrean";
      flash(S.saved_attendance);
    });
  });

  // --- Commitment checks (a school's or posyandu's list, as the online sheet) --------

  var cmTarget = null;

  function cmInput(f, value) {
    // One field of the online sheet form (commitments.forms.SheetForm), same name.
    var id = "cm-" + f.name;
    var box = el("div", { class: f.type === "bool" ? "form-check form-check-inline" : "cm-field" });
    var input;
    if (f.type === "bool") {
      input = el("input", { type: "checkbox", class: "form-check-input", id: id, name: f.name });
      input.checked = value === undefined ? !!f.initial : value === "on";
      box.appendChild(input);
      box.appendChild(el("label", { class: "form-check-label", for: id }, f.label));
    } else {
      box.appendChild(el("label", { class: "form-label small mb-0", for: id }, f.label));
      input = el("input", { type: "number", inputmode: "numeric", class: "form-control form-control-sm", id: id, name: f.name, min: 0 });
      if (f.max) input.setAttribute("max", f.max);
      input.value = value === undefined ? (f.initial === null ? "" : f.initial) : value;
      box.appendChild(input);
    }
    box.appendChild(el("div", { class: "invalid-feedback d-block", "data-error": f.name }));
    return box;
  }

  function cmBase(c) {
    // The list as the copy showed it, in the shape the form posts (commitments/services/offline.py).
    var base = {};
    var all = c.fields.slice();
    c.rows.forEach(function (row) { all = all.concat(row.fields); });
    all.forEach(function (f) {
      base[f.name] = f.type === "bool" ? (f.initial ? "on" : "") : (f.initial === null ? "" : String(f.initial));
    });
    return base;
  }

  function renderCommitment(id, token) {
    var c = sheet(id);
    if (!c) return missing();
    var load = token ? db.record(token) : Promise.resolve(null);
    return load.then(function (r) {
      // The copy's values are the base the server compares with (a record edited again
      // keeps the base it was queued with, as attendance does).
      cmTarget = { sheet: c, token: r ? r.token : null, base: r && r.data.base ? r.data.base : cmBase(c) };
      var values = r ? r.data.fields : {};
      var given = function (f) {
        if (!r) return undefined;
        return f.type === "bool" ? (values[f.name] || "") : values[f.name];
      };
      $("cm-title").textContent = c.name;
      $("cm-month").textContent = S.commitment + " · " + commitments().month;
      var top = $("cm-top");
      top.textContent = "";
      c.fields.forEach(function (f) { top.appendChild(cmInput(f, given(f))); });
      var rows = $("cm-rows");
      rows.textContent = "";
      c.rows.forEach(function (row) {
        var set = el("fieldset", { class: "cm-row border-bottom py-2", "data-prefix": row.prefix, "data-household": row.household });
        set.appendChild(el("legend", { class: "h6 mb-1" }, row.name + " · " + row.component));
        row.fields.forEach(function (f) { set.appendChild(cmInput(f, given(f))); });
        rows.appendChild(set);
      });
      var form = $("cm-form");
      form.querySelectorAll("[data-error]").forEach(function (box) { box.textContent = ""; });
      if (r && r.errors) {
        Object.keys(r.errors).forEach(function (name) {
          var box = form.querySelector("[data-error='" + name + "']") || form.querySelector("[data-error='__all__']");
          box.textContent = r.errors[name].join(" ");
        });
      }
      show("view-commitment");
    });
  }

  $("cm-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var c = cmTarget.sheet;
    var fields = {};
    var bad = false;
    event.target.querySelectorAll("input[name]").forEach(function (input) {
      if (input.type === "checkbox") { if (input.checked) fields[input.name] = "on"; return; }
      var box = event.target.querySelector("[data-error='" + input.name + "']");
      var empty = input.value === "";
      box.textContent = empty ? S.required : "";
      bad = bad || empty;
      fields[input.name] = input.value;
    });
    if (bad) return;
    var data = {
      month: commitments().month, kind: c.kind, place: c.place,
      items: c.rows.map(function (row) { return row.prefix; }), fields: fields, base: cmTarget.base,
    };
    queue("commitment", cmTarget.token, data, null).then(function () {
      location.hash = "#antrean";
      flash(S.saved_commitment);
    });
  });

  // --- Queue and sync ---------------------------------------------------------------

  function flash(text) { $("sync-status").textContent = text; }

  function queue(kind, token, data, photo) {
    var load = token ? db.record(token) : Promise.resolve(null);
    return load.then(function (r) {
      r = r || { token: newToken(), kind: kind, username: user(), created_at: new Date().toISOString() };
      r.data = data; r.photo = photo; r.state = "pending"; r.reason = ""; r.errors = {}; r.fields = null;
      return db.save(r);
    }).then(function () {
      renderQueue();
      if (navigator.onLine) sync();
    });
  }

  function dataUrl(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(blob);
    });
  }

  function batches(records) {
    // A record with a photo goes alone; the others in batches the server accepts.
    var size = snap ? snap.limits.batch : 20;
    var out = [], current = [];
    records.forEach(function (r) {
      if (r.photo) { out.push([r]); return; }
      current.push(r);
      if (current.length >= size) { out.push(current); current = []; }
    });
    if (current.length) out.push(current);
    return out;
  }

  function post(batch) {
    return Promise.all(batch.map(function (r) {
      var data = Object.assign({}, r.data);
      return (r.photo ? dataUrl(r.photo) : Promise.resolve(null)).then(function (photo) {
        if (photo) data.photo = photo;
        return { token: r.token, kind: r.kind, data: data };
      });
    })).then(function (records) {
      return window.PkhField.withDevice({ "Content-Type": "application/json", "X-CSRFToken": csrf }).then(function (headers) {
        return fetch(root.dataset.syncUrl, {
          method: "POST", credentials: "same-origin", headers: headers,
          body: JSON.stringify({ records: records }),
        });
      });
    }).then(function (response) {
      if (response.status === 410) throw { revoked: true };
      if (response.status === 403) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          throw body.error === "device" ? { device: body.reason } : { signedOut: true };
        });
      }
      if (response.status === 401) throw { signedOut: true };
      if (response.status === 413 || response.status === 400) {
        return response.json().then(function (body) {
          return batch.map(function (r) { return { token: r.token, status: "refused", reason: body.error }; });
        });
      }
      if (!response.ok) throw { retry: true };
      return response.json().then(function (body) { return body.results; });
    }).then(function (results) {
      return Promise.all(results.map(function (result) {
        var r = batch.find(function (b) { return b.token === result.token; });
        if (!r) return null;
        if (result.status === "applied" || result.status === "duplicate") {
          r.state = "sent"; r.server_id = result.id; r.sent_at = new Date().toISOString();
          r.reason = ""; r.errors = {}; r.fields = null; r.photo = null;
        } else {
          r.state = result.status; r.reason = result.reason || ""; r.errors = result.errors || {};
          r.fields = result.fields || null;
        }
        return db.save(r);
      }));
    });
  }

  function checkSession() {
    return window.PkhField.withDevice({}).then(function (headers) {
      return fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: headers });
    }).then(function (response) {
      if (response.status === 410) throw { revoked: true };
      if (response.status === 401 || response.status === 403) throw { signedOut: true };
      if (!response.ok) throw { retry: true };
      return response.json();
    }).then(function (body) {
      if (body.username !== user()) throw { signedOut: true };
      csrf = body.csrf;
    });
  }

  function revoked() {
    // This phone was revoked (lost, or by its owner): everything it held goes.
    return window.PkhField.wipeAll().catch(function () {}).then(function () {
      snap = null;
      renderAll();
      flash(S.revoked);
    });
  }

  function sync() {
    if (syncing) return Promise.resolve();
    clearTimeout(retryTimer);
    syncing = true;
    return db.records().then(function (records) {
      var todo = records.filter(function (r) { return r.username === user() && r.state === "pending"; });
      if (!todo.length) return null;
      flash(S.sending);
      return checkSession().then(function () {
        return batches(todo).reduce(function (chain, batch) {
          return chain.then(function () { return post(batch); });
        }, Promise.resolve());
      }).then(function () {
        failures = 0;
        return db.records().then(function (after) {
          var left = after.filter(function (r) { return r.username === user() && r.state !== "sent"; }).length;
          flash(left ? "" : S.all_sent);
        });
      });
    }).catch(function (problem) {
      if (problem && problem.revoked) return revoked();
      if (problem && problem.device) { flash(problem.device); return; }
      if (problem && problem.signedOut) { flash(S.signed_out); return; }
      if (!navigator.onLine) { flash(S.offline_wait); return; }
      // Retried with backoff: 2, 4, 8 ... up to 60 seconds (docs/offline.md).
      failures += 1;
      var wait = Math.min(60, Math.pow(2, failures));
      flash(fill(S.retry, { s: wait }));
      retryTimer = setTimeout(sync, wait * 1000);
    }).then(function () {
      syncing = false;
      return renderQueue();
    });
  }

  $("send-now").addEventListener("click", function () { failures = 0; sync(); });
  $("queue-list").addEventListener("click", function (event) {
    var token = event.target.dataset.resolve;
    if (!token) return;
    db.record(token).then(function (r) {
      var item = event.target.closest("[data-record]");
      r.fields.forEach(function (c, i) {
        var choice = item.querySelector("input[name='c-" + r.token + "-" + i + "']:checked").value;
        var value = c[choice];
        // The server's value becomes the base: the choice is applied as "unchanged since".
        if (r.kind === "commitment") {
          if (value) r.data.fields[c.field] = value; else delete r.data.fields[c.field];
          r.data.base[c.field] = c.server;
        }
        else if (c.field === "notes") { r.data.notes = value; r.data.base.notes = c.server; }
        else { r.data.attendance[c.household] = value; r.data.base.attendance[c.household] = c.server; }
      });
      r.state = "pending"; r.fields = null; r.reason = "";
      return db.save(r);
    }).then(sync);
  });

  // --- Prepare ----------------------------------------------------------------------

  $("prepare").addEventListener("click", function () {
    var button = $("prepare");
    button.disabled = true;
    flash(S.preparing);
    window.PkhField.withDevice({}).then(function (headers) {
      return fetch(root.dataset.dataUrl, { credentials: "same-origin", headers: headers });
    }).then(function (response) {
      if (response.status === 410) throw { revoked: true };
      if (response.status === 401 || response.status === 403) throw { signedOut: true };
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    }).then(function (text) {
      var data = JSON.parse(text);
      data.stored_at = new Date().toISOString();
      data.bytes = new Blob([text]).size;
      var device = data.device;
      delete data.device;
      return Promise.all([db.put("device", device), db.put("snapshot", data)]).then(function () {
        snap = data;
        flash("");
        renderAll();
      });
    }).catch(function (problem) {
      if (problem && problem.revoked) return revoked();
      flash(problem && problem.signedOut ? S.signed_out : S.prepare_failed);
    }).then(function () { button.disabled = false; });
  });

  $("family-search").addEventListener("input", renderFamilies);

  function renderAll() {
    renderSummary(); renderFamilies(); renderSessions(); renderCommitments(); renderQueue();
  }

  function route() {
    var parts = location.hash.replace(/^#/, "").split("/");
    if (parts[0] === "keluarga") return renderFamily(parts[1]);
    if (parts[0] === "kunjungan") return renderVisit(parts[1], parts[2]);
    if (parts[0] === "kehadiran") return renderAttendance(parts[1], parts[2]);
    if (parts[0] === "komitmen") return renderCommitment(parts[1], parts[2]);
    show("view-home");
    renderAll();
  }
  document.querySelectorAll("[data-back]").forEach(function (a) {
    a.addEventListener("click", function (event) { event.preventDefault(); location.hash = ""; });
  });
  window.addEventListener("hashchange", route);
  window.addEventListener("online", function () { failures = 0; sync(); });
  window.addEventListener("offline", function () { flash(S.offline_wait); });

  window.PkhField.ready.then(function () {
    $("not-offline-page").hidden = location.pathname === root.dataset.appUrl;
    return db.get("snapshot");
  }).then(function (data) {
    snap = data || null;
    route();
    if (document.documentElement.dataset.deviceWiped) flash(S.revoked);
    root.dataset.ready = "1";
    if (!navigator.onLine) return null;
    // Every start with signal asks whether this phone was revoked meanwhile.
    return db.get("device").then(function (key) {
      return key ? checkSession() : null;
    }).then(sync, function (problem) {
      if (problem && problem.revoked) return revoked();
      return sync();
    });
  });
})();
