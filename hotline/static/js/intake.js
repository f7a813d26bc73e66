/* The intake desk: aids fetched from the API as the agent types; the ticket posted to the API. */
"use strict";
(function () {
  var form = document.getElementById("intake-form");
  if (!form) { return; }
  var t = JSON.parse(form.dataset.i18n);
  var $ = function (id) { return document.getElementById(id); };
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function api(method, url, body) {
    var options = { method: method, headers: { "Accept": "application/json", "X-CSRFToken": csrf() }, credentials: "same-origin" };
    if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    return fetch(url, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function debounce(fn, ms) {
    var timer; return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  function errorsText(data) {
    return Object.keys(data).map(function (k) { return k + ": " + [].concat(data[k]).join(" "); }).join("; ");
  }

  // --- caller
  function lookup() {
    var phone = $("caller_phone").value.trim();
    var panel = $("caller-panel");
    if (!phone) { panel.hidden = true; return; }
    api("POST", "/api/v1/callers/lookup/", { phone: phone }).then(function (r) {
      panel.hidden = false; panel.innerHTML = "";
      if (!r.ok) { panel.appendChild(el("p", { "class": "error" }, errorsText(r.data))); return; }
      if (!r.data.known) { panel.appendChild(el("p", { "class": "muted" }, t.unknown)); return; }
      if (r.data.caller.name && !$("caller_name").value) { $("caller_name").value = r.data.caller.name; }
      var s = r.data.signals;
      if (s.abusive) {
        panel.appendChild(el("p", { "class": "flag abusive" }, t.abusive + " " + s.abusive.expires_at.slice(0, 10) + ": " + s.abusive.reason));
        // never a silent drop: the call is logged and refused through the rejection flow
        var refuse = el("button", { type: "button", "class": "link", id: "refuse-abusive" }, t.refuse);
        refuse.addEventListener("click", function () { choose("reject", "abusive", t.refuse); });
        panel.appendChild(refuse);
      }
      if (s.frequent) { panel.appendChild(el("p", { "class": "flag" }, t.frequent.replace("{n}", s.tickets_30_days))); }
      s.repeated.forEach(function (rep) { panel.appendChild(el("p", { "class": "flag" }, t.repeated + ": " + rep.category + " × " + rep.tickets)); });
      var list = el("ol", { "class": "plain history", "id": "caller-history" });
      r.data.tickets.forEach(function (row) {
        var item = el("li");
        item.appendChild(el("strong", {}, row.number));
        item.appendChild(document.createTextNode(" " + row.created_at.slice(0, 10) + " · " + row.state_label + " · " + row.category + " — " + row.content));
        list.appendChild(item);
      });
      panel.appendChild(list);
    });
  }
  $("caller_phone").addEventListener("change", lookup);
  $("caller_phone").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); lookup(); } });

  // --- category search
  var options = Array.prototype.slice.call($("category").options).map(function (o) {
    return { value: o.value, text: o.text, keywords: o.dataset.keywords || "", transfer: o.dataset.transfer || "" };
  });
  function filterCategories(q) {
    var select = $("category"), kept = select.value;
    select.innerHTML = "";
    options.filter(function (o) {
      return !q || o.text.indexOf(q) >= 0 || o.keywords.indexOf(q) >= 0 || o.value.indexOf(q) === 0;
    }).forEach(function (o) {
      var attrs = { value: o.value, "data-keywords": o.keywords };
      if (o.transfer) { attrs["data-transfer"] = o.transfer; }
      select.appendChild(el("option", attrs, o.text));
    });
    if (kept && select.querySelector('option[value="' + kept + '"]')) { select.value = kept; }
    return select;
  }
  // The catalog's search: names, keywords, synonyms and common phrasing, segmented on the server,
  // best first. Typed codes and plain substrings work offline too.
  function showCodes(codes) {
    var select = $("category"), byCode = {}, kept = select.value;
    options.forEach(function (o) { byCode[o.value] = o; });
    select.innerHTML = "";
    codes.forEach(function (code) {
      var o = byCode[code]; if (!o) { return; }
      var attrs = { value: o.value, "data-keywords": o.keywords };
      if (o.transfer) { attrs["data-transfer"] = o.transfer; }
      select.appendChild(el("option", attrs, o.text));
    });
    if (kept && select.querySelector('option[value="' + kept + '"]')) { select.value = kept; }
    return select;
  }
  var searchAsked = 0;
  function searchCategories() {
    var q = $("category-search").value.trim(), mine = ++searchAsked;
    if (!q) { filterCategories(""); return; }
    var local = filterCategories(q);
    if (local.options.length === 1) { local.selectedIndex = 0; changed(); }
    api("GET", "/api/v1/categories/?leaf=true&page_size=50&q=" + encodeURIComponent(q)).then(function (r) {
      if (mine !== searchAsked || !r.ok) { return; }
      var select = showCodes(r.data.results.map(function (c) { return c.code; }));
      if (select.options.length === 1) { select.selectedIndex = 0; changed(); }
    });
  }
  $("category-search").addEventListener("input", debounce(searchCategories, 200));
  $("category-search").addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); var s = $("category"); if (s.options.length) { s.selectedIndex = 0; changed(); s.focus(); } }
  });
  function pickCategory(code) {
    var select = $("category");
    if (!select.querySelector('option[value="' + code + '"]')) { $("category-search").value = ""; filterCategories(""); }
    select.value = code; changed();
  }

  // The suggestion from the demand's text: the three likeliest leaves, with the words that decided.
  var suggestAsked = 0;
  function suggestCategories() {
    var text = $("content").value.trim(), list = $("category-suggestions"), mine = ++suggestAsked;
    if (text.length < 4) { list.innerHTML = ""; return; }
    api("POST", "/api/v1/categories/suggest/", { text: text }).then(function (r) {
      if (mine !== suggestAsked) { return; }
      list.innerHTML = "";
      if (!r.ok) { return; }
      r.data.forEach(function (s, i) {
        var item = el("li", { "data-code": s.code });
        var button = el("button", { type: "button", "class": "link suggestion", "data-code": s.code, title: t.pick }, (i + 1) + ". " + s.path);
        button.addEventListener("click", function () { pickCategory(s.code); });
        item.appendChild(button);
        item.appendChild(el("span", { "class": "muted" }, " " + Math.round(s.score * 100) + "%" + (s.words.length ? " · " + s.words.join("、") : "")));
        list.appendChild(item);
      });
    });
  }

  // --- address → region
  function resolve() {
    var address = $("address").value.trim();
    if (!address) { return; }
    api("GET", "/api/v1/addresses/resolve/?address=" + encodeURIComponent(address)).then(function (r) {
      if (!r.ok) { return; }
      var code = r.data.street_code || r.data.region_code;
      var select = $("region");
      if (code && !select.querySelector('option[value="' + code + '"]') && r.data.street_code) { code = r.data.street_code; }
      if (code && select.querySelector('option[value="' + code + '"]')) { select.value = code; changed(); }
      var note = $("address-note");
      note.textContent = "";
      note.className = "muted";
      if (r.data.outside) {
        // another province or city: the call is refused through the rejection flow, never dropped
        note.className = "flag";
        note.appendChild(document.createTextNode(r.data.note + " "));
        var refuse = el("button", { type: "button", "class": "link", id: "refuse-outside" }, t.refuse_outside);
        refuse.addEventListener("click", function () {
          $("region").value = $("region").querySelector("option[data-city]").value;  // no district of ours
          choose("reject", "out_of_jurisdiction", t.refuse_outside);
        });
        note.appendChild(refuse);
        return;
      }
      note.textContent = (r.data.confidence === "low" || r.data.confidence === "none") ? t.low_confidence : (r.data.note || "");
    });
  }
  $("address").addEventListener("change", resolve);

  // --- aids that follow the content, category and place
  function transferLine() {
    var s = $("category"), o = s.options[s.selectedIndex];
    return o ? (o.dataset.transfer || "") : "";
  }
  function route() {
    var category = $("category").value, region = $("region").value, panel = $("route-panel");
    var line = transferLine();
    if (line) {
      // 110/119/120/122: transferred at once, refused as an emergency with the line — never dispatched
      panel.innerHTML = "";
      panel.appendChild(el("p", { "class": "flag", id: "transfer-prompt" }, t.transfer.replace("{line}", line)));
      var done = el("button", { type: "button", "class": "primary", id: "transfer-done" }, t.transferred.replace("{line}", line));
      done.addEventListener("click", function () { choose("reject", "emergency", t.transferred.replace("{line}", line), line); });
      panel.appendChild(done);
      return;
    }
    if ($("transfer-to").value) { choose("", "", ""); $("chosen-action").textContent = ""; }
    if (!category || !region) { return; }
    api("GET", "/api/v1/intake/route/?category=" + category + "&region=" + region).then(function (r) {
      panel.innerHTML = "";
      if (!r.ok || !r.data.lead_unit) { panel.textContent = t.no_route; return; }
      panel.appendChild(el("p", { "id": "route-lead" }, r.data.lead_unit.name + (r.data.assist_units.length ? " + " + r.data.assist_units.map(function (u) { return u.name; }).join("、") : "")));
      panel.appendChild(el("p", { "class": "muted" }, r.data.explanation));
    });
  }
  function duplicates() {
    var content = $("content").value.trim(), list = $("duplicates");
    if (content.length < 4) { list.innerHTML = ""; return; }
    var body = { content: content, category: $("category").value || null, region: $("region").value || null, caller_phone: $("caller_phone").value.trim() };
    api("POST", "/api/v1/intake/duplicates/", body).then(function (r) {
      list.innerHTML = "";
      if (!r.ok) { return; }
      r.data.forEach(function (row) {
        var item = el("li", { "data-number": row.number });
        item.appendChild(el("strong", {}, row.number + " (" + Math.round(row.score * 100) + "%)"));
        item.appendChild(document.createTextNode(" " + row.street + " · " + row.category + " — " + row.content + " [" + row.reasons.join(", ") + "]"));
        if (form.dataset.mayMerge !== "false") {
          var button = el("button", { type: "button", "class": "link merge" }, t.merge_into);
          button.addEventListener("click", function () { choose("merge", row.number, t.merge_into + " " + row.number); });
          item.appendChild(document.createTextNode(" ")); item.appendChild(button);
        }
        list.appendChild(item);
      });
    });
  }
  function sensitiveCheck() {
    var content = $("content").value, panel = $("sensitive-panel");
    if (!content.trim()) { panel.hidden = true; return; }
    api("POST", "/api/v1/intake/sensitive/", { content: content }).then(function (r) {
      if (!r.ok || !r.data.hits.length) { panel.hidden = true; return; }
      panel.hidden = false;
      panel.innerHTML = "<p><strong>" + t.sensitive + "</strong></p><p>" + r.data.highlighted + "</p>";
    });
  }
  function articles() {
    var q = $("kb-search").value.trim() || $("content").value.trim().slice(0, 60), category = $("category").value;
    var list = $("articles");
    if (!q && !category) { list.innerHTML = ""; return; }
    api("GET", "/api/v1/knowledge/?q=" + encodeURIComponent(q) + (category ? "&category=" + category : "")).then(function (r) {
      list.innerHTML = "";
      if (!r.ok) { return; }
      r.data.results.slice(0, 5).forEach(function (a) {
        var item = el("li", { "data-article": a.id });
        item.appendChild(el("strong", {}, a.title));
        item.appendChild(el("p", { "class": "muted" }, a.body.slice(0, 160)));
        var button = el("button", { type: "button", "class": "link answer" }, t.answer_with);
        button.addEventListener("click", function () { choose("answer", a.id, t.answer_with + ": " + a.title); });
        item.appendChild(button);
        list.appendChild(item);
      });
    });
  }
  function choose(kind, value, label, line) {
    $("answer-article").value = kind === "answer" ? value : "";
    $("merge-parent").value = kind === "merge" ? value : "";
    $("reject-reason").value = kind === "reject" ? value : "";
    $("transfer-to").value = kind === "reject" && line ? line : "";
    $("chosen-action").textContent = t.chosen + ": " + label;
  }
  function changed() { route(); duplicates(); articles(); }
  $("category").addEventListener("change", changed);
  $("region").addEventListener("change", changed);
  $("content").addEventListener("input", debounce(function () { duplicates(); sensitiveCheck(); articles(); suggestCategories(); }, 400));
  $("kb-search").addEventListener("input", debounce(articles, 300));

  // --- submit
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var button = $("submit"); button.disabled = true;
    var body = {
      channel: $("channel").value, demand_type: $("demand_type").value, category: $("category").value,
      region: $("region").value, address: $("address").value, content: $("content").value,
      caller_phone: $("caller_phone").value.trim(), caller_name: $("caller_name").value.trim(),
      is_anonymous: $("is_anonymous").checked
    };
    var result = $("intake-result");
    api("POST", "/api/v1/tickets/", body).then(function (r) {
      if (!r.ok) { button.disabled = false; result.innerHTML = ""; result.appendChild(el("li", { "class": "error" }, errorsText(r.data))); return null; }
      var ticket = r.data, follow = null, note = "";
      if ($("answer-article").value) {
        follow = api("POST", "/api/v1/tickets/" + ticket.id + "/answer-from-article/", { article: Number($("answer-article").value) }); note = t.answered;
      } else if ($("reject-reason").value) {
        follow = api("POST", "/api/v1/tickets/" + ticket.id + "/reject/", { reason: $("reject-reason").value, transfer_to: $("transfer-to").value }); note = $("chosen-action").textContent.replace(t.chosen + ": ", "");
      } else if ($("merge-parent").value) {
        follow = api("POST", "/api/v1/tickets/" + ticket.id + "/merge/", { parent: $("merge-parent").value }); note = t.merged + " " + $("merge-parent").value;
      }
      var reason = $("exemption-reason") ? $("exemption-reason").value : "";
      if (reason) {
        var exempt = api("POST", "/api/v1/tickets/" + ticket.id + "/request-exemption/", { reason: reason, note: $("exemption-note").value || "" });
        follow = Promise.all([Promise.resolve(follow), exempt]).then(function (both) {
          return both[0] && !both[0].ok ? both[0] : (both[1].ok ? both[0] : both[1]);
        });
      }
      return Promise.resolve(follow).then(function (f) {
        result.innerHTML = "";
        var item = el("li", { "class": f && !f.ok ? "error" : "success", "id": "created-ticket", "data-number": ticket.number });
        item.appendChild(document.createTextNode(t.created + " "));
        item.appendChild(el("a", { href: form.dataset.ticketUrl.replace("/0/", "/" + ticket.id + "/") }, ticket.number));
        var tail = (note ? " — " + note : "") + (f && !f.ok ? " — " + errorsText(f.data) : "");
        if (tail) { item.appendChild(document.createTextNode(tail)); }
        result.appendChild(item);
        form.reset();
        // A fresh form for the next caller: every category again, no route, no address note.
        filterCategories("");
        $("route-panel").textContent = $("route-panel").dataset.empty;
        $("address-note").textContent = "";
        ["caller-panel", "sensitive-panel"].forEach(function (id) { $(id).hidden = true; });
        ["duplicates", "articles", "category-suggestions"].forEach(function (id) { $(id).innerHTML = ""; });
        $("chosen-action").textContent = ""; $("answer-article").value = ""; $("merge-parent").value = ""; $("reject-reason").value = ""; $("transfer-to").value = "";
        button.disabled = false; $("caller_phone").focus();
      });
    });
  });
})();
