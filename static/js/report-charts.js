// Draws the report charts: <canvas data-chart="bar|hbar" data-source="ID"> where ID is a
// json_script element holding {labels: [...], series: [{label, data}]}. Phone-first:
// horizontal bars for long name lists, legend at the bottom, no animation.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#9e9e9e", "#198754", "#0d6efd", "#fd7e14"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    if (!spec || !spec.labels || !spec.labels.length) { canvas.closest(".chart-box").remove(); return; }
    var horizontal = canvas.dataset.chart === "hbar";
    if (horizontal) {
      canvas.parentElement.style.height = Math.max(160, spec.labels.length * spec.series.length * 16 + 70) + "px";
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: palette[(i + (spec.series.length === 1 ? 1 : 0)) % palette.length] };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: { x: { ticks: { autoSkip: !horizontal } }, y: { beginAtZero: true, ticks: { autoSkip: false } } }
      }
    });
  });
})();
