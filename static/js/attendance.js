// Attendance screen: count the families still unmarked, and mark them all present at once.
(function () {
  var form = document.getElementById("attendance-form");
  if (!form) return;
  var rows = form.querySelectorAll(".att-row");
  var counter = document.getElementById("att-count");
  function update() {
    var open = 0;
    rows.forEach(function (row) {
      if (!row.querySelector("input:checked")) open += 1;
    });
    counter.textContent = open
      ? open + " / " + rows.length + " " + counter.dataset.unmarked
      : counter.dataset.done;
  }
  form.addEventListener("change", update);
  document.getElementById("att-all-present").addEventListener("click", function () {
    rows.forEach(function (row) {
      if (!row.querySelector("input:checked")) {
        var present = row.querySelector("input[value=present]");
        if (present) present.checked = true;
      }
    });
    update();
  });
  update();
})();
