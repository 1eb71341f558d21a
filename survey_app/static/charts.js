/* Sapa staff charts: draw every <script type="application/json" class="chart-data"> block with plotly.js.
   The figures are data (built on the server by analysis.figures); nothing here is inline, so the
   pages keep script-src 'self'. Each chart has a table with the same numbers beside it. */
(function () {
  "use strict";

  var CONFIG = { responsive: true, displayModeBar: false, displaylogo: false, scrollZoom: false };

  function draw(block) {
    var target = document.getElementById(block.getAttribute("data-target"));
    if (!target || target.getAttribute("data-drawn")) { return; }
    var figure;
    try {
      figure = JSON.parse(block.textContent);
    } catch (error) {
      return;
    }
    var layout = figure.layout || {};
    layout.autosize = true;
    delete layout.width;
    // A dashboard, not an explorer: no drag-to-zoom that would catch a finger scrolling the page.
    layout.dragmode = false;
    ["xaxis", "yaxis"].forEach(function (axis) {
      layout[axis] = layout[axis] || {};
      layout[axis].fixedrange = true;
    });
    window.Plotly.newPlot(target, figure.data || [], layout, CONFIG).then(function () {
      target.setAttribute("data-drawn", "true");
    });
  }

  function drawAll() {
    if (!window.Plotly) { return; }
    var blocks = document.querySelectorAll('script[type="application/json"].chart-data');
    for (var i = 0; i < blocks.length; i += 1) { draw(blocks[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
