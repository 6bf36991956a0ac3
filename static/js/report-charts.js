// Draws the report charts: <canvas data-chart="bar|hbar|line" data-source="ID"> where ID is a
// json_script element holding {labels: [...], series: [{label, data}], percent: bool}.
// Phone-first (360 px): horizontal bars for long name lists, legend at the bottom, few
// ticks on a narrow axis, no animation. No inline code anywhere: the page's
// Content-Security-Policy allows scripts from this site only.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#9e9e9e", "#198754", "#0d6efd", "#fd7e14"];

  function colour(spec, i) {
    return palette[(i + (spec.series.length === 1 ? 1 : 0)) % palette.length];
  }

  function percentAxis(axis) {
    axis.min = 0;
    axis.max = 100;
    axis.ticks = axis.ticks || {};
    axis.ticks.callback = function (value) { return value + "%"; };
    return axis;
  }

  // Long names (aids, components, facilitators) on a narrow screen: break them into lines
  // of at most `width` characters instead of letting the axis cut them off.
  function wrap(label, width) {
    var words = String(label).split(" "), lines = [], line = "";
    words.forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.length > 1 ? lines : lines[0];
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var box = canvas.closest(".chart-box");
    if (!spec || !spec.labels || !spec.labels.length) { if (box) { box.remove(); } return; }
    var kind = canvas.dataset.chart;
    var horizontal = kind === "hbar";
    var line = kind === "line";
    var narrow = canvas.parentElement.clientWidth < 500;
    var labels = horizontal && narrow ? spec.labels.map(function (l) { return wrap(l, 16); }) : spec.labels;
    if (horizontal) {
      var perLabel = labels.reduce(function (most, l) {
        return Math.max(most, Array.isArray(l) ? l.length * 14 : 16, spec.series.length * 16);
      }, 0);
      // CSSOM, not a style attribute: allowed by the Content-Security-Policy.
      canvas.parentElement.style.height = Math.max(160, labels.length * perLabel + 70) + "px";
    }
    var valueAxis = { beginAtZero: true, ticks: { autoSkip: true, maxTicksLimit: 6 } };
    var labelAxis = { ticks: { autoSkip: !horizontal, maxRotation: line ? 45 : 0 } };
    if (spec.percent) { percentAxis(valueAxis); }
    var scales = horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis };
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: labels,
        datasets: spec.series.map(function (s, i) {
          var c = colour(spec, i);
          return line
            ? { label: s.label, data: s.data, borderColor: c, backgroundColor: c, spanGaps: false, tension: 0.2, pointRadius: 3 }
            : { label: s.label, data: s.data, backgroundColor: c };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: spec.percent ? {
            callbacks: {
              label: function (ctx) {
                var v = horizontal ? ctx.parsed.x : ctx.parsed.y;
                return ctx.dataset.label + ": " + (v === null ? "-" : v + "%");
              }
            }
          } : {}
        },
        scales: scales
      }
    });
  });
})();
