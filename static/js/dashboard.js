/* The district dashboard's charts (ECharts, served from static/vendor).
 *
 * Data and labels come from the page: <script type="application/json" id="dashboard-data">,
 * written by Django's json_script. Nothing is fetched. Clicking a bar, a funnel layer or a point
 * opens the list behind it (each item carries its `url`). Charts follow their container's size.
 */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var labels = data.labels || {};
  var charts = [];

  function mount(id, option) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option);
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) {
        window.location.href = url;
      }
    });
    charts.push(chart);
  }

  function shorten(text) {
    return text.length > 8 ? text.slice(0, 8) + "…" : text;
  }

  var red = "#b3261e";
  var streets = data.streets || [];
  mount("chart-streets", {
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: "item", formatter: "{b}: {c} %" },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value} %" } },
    yAxis: {
      type: "category",
      inverse: true,
      data: streets.map(function (s) { return s.name; }),
      axisLabel: { formatter: shorten },
    },
    series: [
      {
        type: "bar",
        name: labels.pct_done,
        data: streets.map(function (s) { return { value: s.value, url: s.url }; }),
        itemStyle: { color: red },
        label: { show: true, position: "right", formatter: "{c} %" },
        cursor: "pointer",
      },
    ],
  });

  var funnel = data.funnel || [];
  var most = Math.max.apply(null, [1].concat(funnel.map(function (s) { return s.value; })));
  mount("chart-funnel", {
    tooltip: { trigger: "item", formatter: "{b}: {c}" },
    series: [
      {
        type: "funnel",
        name: labels.completed,
        sort: "none",
        min: 0,
        max: most,
        minSize: "4%",
        left: "5%",
        width: "90%",
        top: 8,
        bottom: 8,
        gap: 1,
        label: { show: true, position: "inside", formatter: "{c}", fontSize: 10 },
        itemStyle: { color: red, borderColor: "#fff", borderWidth: 1 },
        data: funnel,
        cursor: "pointer",
      },
    ],
  });

  var overdue = data.overdue || { dates: [], overdue: [], red: [] };
  mount("chart-overdue", {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [labels.overdue, labels.red] },
    xAxis: {
      type: "category",
      data: overdue.dates,
      axisLabel: { formatter: function (d) { return d.slice(5); } },
    },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { type: "line", name: labels.overdue, data: overdue.overdue, itemStyle: { color: "#e0a800" } },
      { type: "line", name: labels.red, data: overdue.red, itemStyle: { color: red } },
    ],
  });

  function resize() {
    charts.forEach(function (chart) { chart.resize(); });
  }
  if (typeof ResizeObserver !== "undefined") {
    var observer = new ResizeObserver(resize);
    charts.forEach(function (chart) { observer.observe(chart.getDom()); });
  } else {
    window.addEventListener("resize", resize);
  }
})();
