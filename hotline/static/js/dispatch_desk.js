/* The dispatcher's desk by keyboard: j/k move between tickets, Enter dispatches as suggested (the
   focused button), o opens "another unit" with its search focused, t opens the ticket, r jumps to the
   return requests. Keys typed into a field are left alone. */
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  var current = -1;

  function focusItem(i) {
    if (!items.length) return;
    current = Math.max(0, Math.min(i, items.length - 1));
    var item = items[current];
    items.forEach(function (el) { el.classList.toggle("current", el === item); });
    var button = item.querySelector("[data-accept]");
    (button || item).focus();
    item.scrollIntoView({block: "nearest"});
  }

  document.addEventListener("focusin", function (e) {
    var item = e.target.closest && e.target.closest(".queue-item");
    if (item) {
      current = items.indexOf(item);
      items.forEach(function (el) { el.classList.toggle("current", el === item); });
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) {
      if (e.key === "Escape") { t.blur(); if (current >= 0) focusItem(current); }
      return;
    }
    if (e.key === "j") { e.preventDefault(); focusItem(current + 1); }
    else if (e.key === "k") { e.preventDefault(); focusItem(current - 1); }
    else if (e.key === "o" && current >= 0) {
      var details = items[current].querySelector("details.override");
      if (details) {
        e.preventDefault(); details.open = true;
        var search = details.querySelector(".picker-search"); if (search) search.focus();
      }
    }
    else if (e.key === "t" && current >= 0) {
      var link = items[current].querySelector("[data-open]"); if (link) { e.preventDefault(); link.click(); }
    }
    else if (e.key === "r") {
      var first = document.querySelector("#returns .queue-item");
      if (first) { e.preventDefault(); focusItem(items.indexOf(first)); }
    }
  });

  // Start on the first waiting ticket, so the first Enter dispatches it.
  var start = document.querySelector("#waiting .queue-item");
  if (start && !document.querySelector(".messages .error")) focusItem(items.indexOf(start));
  else if (start) current = items.indexOf(start);
})();
