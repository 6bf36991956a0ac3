// Disable a form's submit button after the first submit so a double tap sends one request.
// The server guards too (an idempotency token per form), this only spares the round trip.
document.addEventListener("submit", function (event) {
  var button = event.target.querySelector("button[data-once]");
  if (button) {
    setTimeout(function () { button.disabled = true; }, 0);
  }
});
