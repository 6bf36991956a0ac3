// Wide tables: a .table-responsive box whose table is wider than the box says so. A hint
// above it ("Geser tabel ke samping ... ->", from <template id="table-scroll-hint"> in
// base.html, translated) and a shadow on each side where columns are hidden; both follow
// the scroll position and the box's width. The box becomes focusable, so arrow keys
// scroll it too. Tables that fit are left as they are.
(function () {
  var template = document.getElementById("table-scroll-hint");
  if (!template) { return; }

  function update(box) {
    var wrap = box.parentElement;
    var hidden = box.scrollWidth - box.clientWidth;
    var scrollable = hidden > 1;
    wrap.classList.toggle("is-scrollable", scrollable);
    wrap.classList.toggle("scroll-left", scrollable && box.scrollLeft > 1);
    wrap.classList.toggle("scroll-right", scrollable && box.scrollLeft < hidden - 1);
    wrap.previousElementSibling.hidden = !scrollable;
    if (scrollable) { box.setAttribute("tabindex", "0"); } else { box.removeAttribute("tabindex"); }
  }

  var observer = "ResizeObserver" in window ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { update(entry.target.closest(".table-responsive")); });
  }) : null;

  function init(root) {
    root.querySelectorAll(".table-responsive:not([data-scroll-ready])").forEach(function (box) {
      box.setAttribute("data-scroll-ready", "");
      var wrap = document.createElement("div");
      wrap.className = "table-scroll";
      box.parentNode.insertBefore(wrap, box);
      wrap.appendChild(box);
      var hint = template.content.firstElementChild.cloneNode(true);
      hint.hidden = true;
      wrap.parentNode.insertBefore(hint, wrap);
      box.addEventListener("scroll", function () { update(box); }, { passive: true });
      if (observer) {
        observer.observe(box);
        if (box.firstElementChild) { observer.observe(box.firstElementChild); }
      }
      update(box);
    });
  }

  init(document);
  if (!observer) { window.addEventListener("resize", function () { init(document); }); }
  // Tables that htmx swaps in later.
  document.body.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();
