// Indicators dashboard: a trend chart per indicator, drawn from the JSON in #indicator-charts.
(function () {
  "use strict";
  var source = document.getElementById("indicator-charts");
  if (!source || typeof window.Chart === "undefined") {
    return; // the tables beside the charts still show every number
  }
  var charts = JSON.parse(source.textContent);
  var drawn = [];
  // Canvas text uses the page's fonts (the Japanese web font on PCs without one).
  window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  var canvases = document.querySelectorAll("canvas[data-indicator-chart]");
  Array.prototype.forEach.call(canvases, function (canvas) {
    var data = charts[canvas.getAttribute("data-indicator-chart")];
    if (!data) {
      return;
    }
    drawn.push(new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: data.valueLabel,
            data: data.values,
            borderColor: "#1f4e79",
            backgroundColor: "#1f4e79",
            spanGaps: true,
            tension: 0
          },
          {
            label: data.pathLabel,
            data: data.path,
            borderColor: "#b5651d",
            backgroundColor: "#b5651d",
            borderDash: [6, 4],
            pointRadius: 0,
            spanGaps: true
          }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          y: data.unit === "percent" ? { min: 0, max: 100 } : { beginAtZero: false }
        }
      }
    }));
  });
  // A canvas never redraws by itself when a web font arrives: redraw once fonts are ready.
  if (document.fonts && document.fonts.load) {
    document.fonts.load("12px " + window.Chart.defaults.font.family, "実績値").then(function () {
      drawn.forEach(function (chart) { chart.update("none"); });
    });
  }
})();
