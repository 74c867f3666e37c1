/* The district dashboard's charts (ECharts, served from static/vendor).
 *
 * Data and labels come from the page: <script type="application/json" id="dashboard-data">,
 * written by Django's json_script. Nothing is fetched. Clicking a bar or a point opens the list
 * behind it (each item carries its `url`). Charts follow their container's size.
 *
 * Numbers carry a thousands separator (1,234) and percentages read the Chinese way (48%), the same
 * as the weekly report (reports/formatting.py). The stages chart has one bar per stage, in the
 * procedure's order from the top, labelled with the stage's name; its axis ends at the number of
 * plans (the container's data-plans), so a bar's length is the share of plans past the stage.
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

  function thousands(value) {
    if (value === null || value === undefined || value === "") {
      return "–";
    }
    var sign = value < 0 ? "-" : "";
    return sign + String(Math.round(Math.abs(value))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function percent(value) {
    if (value === null || value === undefined || value === "") {
      return "–";
    }
    var rounded = Math.round(value * 10) / 10;
    return (rounded === Math.round(rounded) ? thousands(rounded) : String(rounded)) + "%";
  }

  var red = "#b3261e";
  var streets = data.streets || [];
  mount("chart-streets", {
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: function (p) { return p.name + ": " + percent(p.value); },
    },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: percent } },
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
        label: {
          show: true,
          position: "right",
          formatter: function (p) { return percent(p.value); },
        },
        cursor: "pointer",
      },
    ],
  });

  // one bar per stage, in the procedure's order (the data's), the first stage at the top
  var stages = data.funnel || [];
  var stagesElement = document.getElementById("chart-funnel");
  var plans = stagesElement ? Number(stagesElement.getAttribute("data-plans")) || 0 : 0;
  function stageShare(value) {
    return plans ? " (" + percent(Math.floor((value * 100) / plans)) + ")" : "";
  }
  mount("chart-funnel", {
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: function (p) {
        var of = plans ? " / " + thousands(plans) : "";
        return p.name + ": " + thousands(p.value) + of + stageShare(p.value);
      },
    },
    xAxis: {
      type: "value",
      max: plans || null,
      minInterval: 1,
      axisLabel: { formatter: thousands, hideOverlap: true },
    },
    yAxis: {
      type: "category",
      inverse: true,
      data: stages.map(function (s) { return s.name; }),
      axisLabel: { formatter: shorten, interval: 0, fontSize: 11 },
      axisTick: { show: false },
    },
    series: [
      {
        type: "bar",
        name: labels.completed,
        data: stages.map(function (s) { return { value: s.value, url: s.url }; }),
        itemStyle: { color: red },
        barMaxWidth: 14,
        barCategoryGap: "25%",
        label: {
          show: true,
          position: "right",
          fontSize: 11,
          formatter: function (p) { return thousands(p.value); },
        },
        cursor: "pointer",
      },
    ],
  });

  var overdue = data.overdue || { dates: [], overdue: [], red: [] };
  mount("chart-overdue", {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", valueFormatter: thousands },
    legend: { top: 0, data: [labels.overdue, labels.red] },
    xAxis: {
      type: "category",
      data: overdue.dates,
      axisLabel: { formatter: function (d) { return d.slice(5); } },
    },
    yAxis: { type: "value", minInterval: 1, axisLabel: { formatter: thousands } },
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
