/* The audits overview's charts (ECharts, served from static/vendor).
 *
 * Data and labels come from the page (<script type="application/json" id="audits-overview-data">).
 * Nothing is fetched. Clicking a bar or a slice opens the list behind it (its `url`).
 */
(function () {
  "use strict";

  var source = document.getElementById("audits-overview-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
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
    return text.length > 8 ? text.slice(0, 3) + "…" + text.slice(-4) : text;
  }

  var colours = ["#9aa5b1", "#1f5fa8", "#6c8ebf", "#2e7d32", "#b08900"];

  mount("chart-states", {
    color: colours,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, type: "scroll" },
    grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: {
      type: "category",
      data: data.streets,
      inverse: true,
      axisLabel: { formatter: shorten },
    },
    series: data.states.map(function (state) {
      return { name: state.name, type: "bar", stack: "states", data: state.data };
    }),
  });

  mount("chart-categories", {
    tooltip: {
      trigger: "item",
      formatter: function (params) {
        var amount = params.data.amount.toLocaleString("zh-CN", { minimumFractionDigits: 2 });
        return (
          params.name + "<br>" + data.labels.count + ": " + params.value + "<br>" +
          data.labels.amount + ": " + amount
        );
      },
    },
    series: [
      {
        type: "pie",
        radius: ["35%", "65%"],
        data: data.categories,
        label: { formatter: "{b}: {c}" },
      },
    ],
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();
