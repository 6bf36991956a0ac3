// Disable a form's submit button after the first submit so a double tap sends one request.
// The server guards too (an idempotency token per form), this only spares the round trip.
// The button is disabled after the submit has gone (setTimeout), so the submit itself is
// never held back; a page the browser restores from its back/forward cache gets its
// buttons back, or "Simpan" would do nothing there.
document.addEventListener("submit", function (event) {
  var button = event.target.querySelector("button[data-once]");
  if (button) {
    setTimeout(function () { button.disabled = true; }, 0);
  }
});
window.addEventListener("pageshow", function (event) {
  if (event.persisted) {
    document.querySelectorAll("button[data-once]").forEach(function (button) {
      button.disabled = false;
    });
  }
});
