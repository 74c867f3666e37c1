/* The statistics page's charts (ECharts, served from static/vendor).
 *
 * Data and labels come from the page: <script type="application/json" id="statistics-data">,
 * written by Django's json_script. Nothing is fetched. Clicking a bar opens the people or the
 * communities behind it (each bar carries its `url`). Charts follow their container's size.
 */
(function () {
  "use strict";

  var source = document.getElementById("statistics-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var labels = data.labels || {};
  var charts = [];

  function mount(id, option) {
    var element = document.getElementById(id);
    if (!element) {
      return null;
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
    return element;
  }

  // long names keep their end, where streets and numbers differ
  function shorten(text) {
    return text.length > 8 ? text.slice(0, 3) + "…" + text.slice(-4) : text;
  }

  function percent(value) {
    if (value === null || value === undefined || value === "") {
      return "–";
    }
    var rounded = Math.round(value * 10) / 10;
    return String(rounded) + "%";
  }

  var red = "#b3261e";
  var blue = "#1f5fa8";
  var grey = "#9aa5b1";
  var streets = data.streets || [];
  // two bars a street: the chart grows with the page's streets instead of squeezing them
  var doneElement = document.getElementById("chart-done");
  if (doneElement) {
    doneElement.style.height = Math.max(320, 60 + streets.length * 24) + "px";
  }
  mount("chart-done", {
    grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0, data: [labels.party, labels.residents] },
    tooltip: {
      trigger: "item",
      formatter: function (p) { return p.seriesName + " · " + p.name + ": " + percent(p.value); },
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
        name: labels.party,
        itemStyle: { color: red },
        data: streets.map(function (s) { return { value: s.party, url: s.party_url }; }),
      },
      {
        type: "bar",
        name: labels.residents,
        itemStyle: { color: blue },
        data: streets.map(function (s) { return { value: s.residents, url: s.residents_url }; }),
      },
    ],
  });

  var compareElement = document.getElementById("chart-compare");
  var body = compareElement ? compareElement.getAttribute("data-body") : "party";
  var compare = (data.compare || {})[body] || [];
  mount("chart-compare", {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0, data: [labels.current, labels.previous] },
    tooltip: {
      trigger: "item",
      formatter: function (p) { return p.seriesName + " · " + p.name + ": " + percent(p.value); },
    },
    xAxis: {
      type: "category",
      data: compare.map(function (c) { return c.name; }),
      axisLabel: { interval: 0, rotate: 30, formatter: shorten },
    },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: percent } },
    series: [
      {
        type: "bar",
        name: labels.current,
        itemStyle: { color: red },
        data: compare.map(function (c) { return { value: c.current, url: c.current_url }; }),
      },
      {
        type: "bar",
        name: labels.previous,
        itemStyle: { color: grey },
        data: compare.map(function (c) { return { value: c.previous, url: c.previous_url }; }),
      },
    ],
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
