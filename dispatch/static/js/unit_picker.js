/* Unit picker: type to search /api/v1/units/ (name, short name, district; kind and district filters),
   ↑/↓ to move, Enter to choose, Esc to close; chosen units become chips with hidden inputs. */
(function () {
  "use strict";

  function setup(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var name = root.dataset.name, multiple = root.dataset.multiple === "1";
    var search = root.querySelector(".picker-search"), list = root.querySelector(".picker-options");
    var chips = root.querySelector(".chips"), kind = root.querySelector(".picker-kind");
    var district = root.querySelector(".picker-district");
    var options = [], active = -1, timer = null, asked = 0;

    function chosen() {
      return Array.prototype.map.call(chips.querySelectorAll("input[type=hidden]"), function (i) { return i.value; });
    }
    function close() { list.hidden = true; search.setAttribute("aria-expanded", "false"); active = -1; }
    function mark() {
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        if (i === active) { li.scrollIntoView({block: "nearest"}); search.setAttribute("aria-activedescendant", li.id); }
      });
    }
    function choose(unit) {
      if (!multiple) chips.innerHTML = "";
      if (chosen().indexOf(unit.code) < 0) {
        var li = document.createElement("li"), input = document.createElement("input"), x = document.createElement("button");
        li.className = "chip"; li.dataset.code = unit.code;
        input.type = "hidden"; input.name = name; input.value = unit.code;
        x.type = "button"; x.className = "link"; x.dataset.remove = ""; x.textContent = "×";
        x.setAttribute("aria-label", "× " + unit.name);
        li.appendChild(input); li.appendChild(document.createTextNode(unit.name + " ")); li.appendChild(x);
        chips.appendChild(li);
        root.dispatchEvent(new CustomEvent("unitpicked", {bubbles: true, detail: unit}));
      }
      search.value = ""; close();
      if (!multiple) search.blur();
    }
    function render(units) {
      options = units; list.innerHTML = ""; active = units.length ? 0 : -1;
      units.forEach(function (u, i) {
        var li = document.createElement("li");
        li.id = root.dataset.name + "-opt-" + i; li.setAttribute("role", "option"); li.dataset.code = u.code;
        var place = u.region && u.region.name ? " · " + u.region.name : "";
        li.textContent = u.name + " — " + (u.kind_display || u.kind) + place;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(u); });
        list.appendChild(li);
      });
      if (!units.length) {
        var none = document.createElement("li"); none.className = "muted"; none.textContent = "—"; list.appendChild(none);
      }
      list.hidden = false; search.setAttribute("aria-expanded", "true"); mark();
    }
    function ask() {
      var q = search.value.trim();
      var params = new URLSearchParams({page_size: "15", is_active: "true"});
      if (q) params.set("q", q);
      var kinds = kind && kind.value ? [kind.value] : (root.dataset.kinds ? root.dataset.kinds.split(",") : []);
      kinds.forEach(function (k) { params.append("kind", k); });
      if (root.dataset.near) params.set("near", root.dataset.near);
      if (district && district.value) params.set("district", district.value);
      if (!q && !(district && district.value) && !root.dataset.near) { close(); return; }
      var mine = ++asked;
      fetch(root.dataset.api + "?" + params.toString(), {headers: {Accept: "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) {
          if (mine !== asked) return;
          render((data.results || data).filter(function (u) { return u.kind !== "hotline_centre"; }));
        });
    }
    function later() { clearTimeout(timer); timer = setTimeout(ask, 150); }

    search.addEventListener("input", later);
    search.addEventListener("focus", function () { if (search.value.trim() || root.dataset.near) later(); });
    search.addEventListener("blur", function () { setTimeout(close, 150); });
    if (kind) kind.addEventListener("change", ask);
    if (district) district.addEventListener("change", ask);
    search.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) { ask(); return; } active = Math.min(active + 1, options.length - 1); mark(); }
      else if (e.key === "ArrowUp") { e.preventDefault(); active = Math.max(active - 1, 0); mark(); }
      else if (e.key === "Enter") {
        if (!list.hidden && active >= 0 && options[active]) { e.preventDefault(); choose(options[active]); }
        else if (search.value.trim()) { e.preventDefault(); ask(); }
      }
      else if (e.key === "Escape") { if (!list.hidden) { e.preventDefault(); e.stopPropagation(); close(); } }
      else if (e.key === "Backspace" && !search.value && multiple) {
        var last = chips.lastElementChild; if (last) last.remove();
      }
    });
    chips.addEventListener("click", function (e) {
      if (e.target.hasAttribute("data-remove")) { e.target.closest("li").remove(); search.focus(); }
    });
  }

  function all(scope) { Array.prototype.forEach.call((scope || document).querySelectorAll("[data-unit-picker]"), setup); }
  window.unitPickers = all;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { all(); });
  else all();
})();
