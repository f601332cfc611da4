/* The dashboard: draws each panel's chart (ECharts) from the JSON the server put next to it,
   redraws after HTMX swapped a refreshed panel in, and opens the list behind a clicked bar or
   point. Also: area switch forms submit on change; the wall-screen button goes full screen. */
(function () {
  "use strict";
  var wall = document.body.classList.contains("wall");
  var PALETTE = ["#2f7ed8", "#dc3545", "#20c997", "#fd7e14", "#6f42c1", "#0dcaf0"];
  // Chart text follows the wall's root font (which follows the screen's width: 4K walls get
  // twice the size of 1920); 12 px elsewhere.
  function fontSize() {
    return wall ? Math.round(parseFloat(getComputedStyle(document.documentElement).fontSize) * 0.75) : 12;
  }

  function option(spec, animate) {
    var horizontal = spec.kind === "hbar";
    var size = fontSize();
    var categoryAxis = { type: "category", data: spec.labels, axisLabel: { interval: horizontal ? 0 : "auto", hideOverlap: true, fontSize: size } };
    var valueAxis = { type: "value", minInterval: 1, axisLabel: { fontSize: size } };
    return {
      color: PALETTE,
      backgroundColor: "transparent",
      animation: animate,
      tooltip: { trigger: "axis", axisPointer: { type: spec.kind === "line" ? "line" : "shadow" } },
      textStyle: { fontSize: size },
      legend: spec.series.length > 1 ? { top: 0, textStyle: { fontSize: size }, itemHeight: size, itemWidth: size * 2 } : undefined,
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? size * 2.3 : 8, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: spec.kind === "line" ? "line" : "bar",
          stack: spec.stacked ? "total" : undefined,
          smooth: spec.kind === "line",
          data: s.data,
          cursor: s.hrefs ? "pointer" : "default",
        };
      }),
    };
  }

  function draw(root, animate) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      var chart = echarts.getInstanceByDom(el);
      if (chart) chart.dispose();
      chart = echarts.init(el, wall ? "dark" : null);
      chart.setOption(option(spec, animate));
      chart.on("click", function (p) {
        var series = spec.series[p.seriesIndex];
        var href = series && series.hrefs && series.hrefs[p.dataIndex];
        if (href) window.location.href = href;
      });
    });
  }

  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  var full = document.getElementById("wall-fullscreen");
  if (full) {
    full.addEventListener("click", function () {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen();
    });
  }

  if (typeof echarts !== "undefined") {
    draw(document, true);
    document.body.addEventListener("htmx:afterSwap", function (e) { draw(e.detail.target, false); });
    window.addEventListener("resize", function () {
      document.querySelectorAll("[data-chart]").forEach(function (el) {
        var chart = echarts.getInstanceByDom(el);
        if (chart) chart.resize();
      });
    });
  }
})();
