// The figures page's chart: premium and amount paid per township (bars), loss ratio (line).
(function () {
  var holder = document.getElementById("chart");
  var source = document.getElementById("chart-data");
  if (!holder || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: ["保费（元）", "赔付金额（元）", "赔付率（%）"] },
    grid: { left: 60, right: 60, bottom: 80 },
    xAxis: { type: "category", data: data.towns, axisLabel: { rotate: 45 } },
    yAxis: [
      { type: "value", name: "元" },
      { type: "value", name: "%", position: "right" }
    ],
    series: [
      { name: "保费（元）", type: "bar", data: data.premium },
      { name: "赔付金额（元）", type: "bar", data: data.paid },
      { name: "赔付率（%）", type: "line", yAxisIndex: 1, data: data.ratio }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
