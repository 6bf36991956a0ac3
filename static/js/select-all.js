// A "select all" checkbox: <input type="checkbox" data-select-all="NAME"> ticks or clears
// every checkbox named NAME in the same form (no inline handler: the CSP forbids them).
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("input[data-select-all]")) { return; }
  var scope = box.form || document;
  scope.querySelectorAll('input[type=checkbox][name="' + box.dataset.selectAll + '"]').forEach(function (c) {
    c.checked = box.checked;
  });
});
