/*
 * The programme dashboard's charts (monitoring/dashboard.html).
 * Data: {{ chart|json_script:"dashboard-data" }} = {places, years, progress, applications, indicators};
 * one ECharts chart per element [data-dashboard-chart="<name>"]. The same figures are in the tables beside the
 * charts (for screen readers, for printing and for Excel). Printing resizes the charts to the width of an A4 page.
 */
(function () {
  "use strict";

  var A4_WIDTH = 680; // px at 96 dpi: 18 cm, A4 less the print margins
  var charts = [];

  function number(v) {
    return v === null || v === undefined ? "—" : Number(v).toLocaleString("zh-CN");
  }

  function bar(labels, values, name, horizontal) {
    var category = { type: "category", data: labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    var value = { type: "value", minInterval: 1 };
    return {
      tooltip: { trigger: "axis" },
      grid: { left: horizontal ? 96 : 48, right: 24, top: 24, bottom: horizontal ? 24 : 64 },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ name: name, type: "bar", data: values, label: { show: true, position: horizontal ? "right" : "top" } }],
    };
  }

  var builders = {
    places: function (d) {
      return bar(d.places.labels, d.places.values, "在册认定集群（个）", false);
    },
    years: function (d) {
      return {
        tooltip: { trigger: "axis" },
        legend: { bottom: 0 },
        grid: { left: 48, right: 24, top: 24, bottom: 48 },
        xAxis: { type: "category", data: d.years.labels },
        yAxis: { type: "value", minInterval: 1 },
        series: d.years.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "total", data: s.data };
        }),
      };
    },
    progress: function (d) {
      var series = [{ name: "累计认定（未撤销）", type: "bar", data: d.progress.values, label: { show: true, position: "top" } }];
      if (d.progress.target) {
        series[0].markLine = {
          symbol: "none",
          data: [{ yAxis: d.progress.target, name: "目标" }],
          // Inside the grid: at the line's end the label would be cut off by the chart's right edge.
          label: { formatter: "目标 {c} 个左右", position: "insideEndTop" },
          lineStyle: { type: "dashed", color: "#b4232a" },
        };
      }
      return {
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 24, top: 32, bottom: 32 },
        xAxis: { type: "category", data: d.progress.labels },
        yAxis: { type: "value", minInterval: 1, max: d.progress.target ? function (v) { return Math.ceil((Math.max(v.max, d.progress.target) * 11) / 10); } : null },
        series: series,
      };
    },
    applications: function (d) {
      return bar(d.applications.labels, d.applications.values, "申报（件）", true);
    },
    output: function (d) {
      return {
        title: { text: "集群总产值与中小企业研发经费（亿元）", left: "center", textStyle: { fontSize: 13 } },
        tooltip: { trigger: "axis", valueFormatter: number },
        legend: { bottom: 0 },
        grid: { left: 64, right: 64, top: 40, bottom: 48 },
        xAxis: { type: "category", data: d.indicators.labels },
        yAxis: [{ type: "value", name: "总产值" }, { type: "value", name: "研发经费" }],
        series: [
          { name: "集群总产值", type: "bar", data: d.indicators.output },
          { name: "中小企业研发经费", type: "line", yAxisIndex: 1, data: d.indicators.rnd },
        ],
      };
    },
    innovation: function (d) {
      return {
        title: { text: "有效发明专利与中小企业产值占比", left: "center", textStyle: { fontSize: 13 } },
        tooltip: { trigger: "axis", valueFormatter: number },
        legend: { bottom: 0 },
        grid: { left: 64, right: 56, top: 40, bottom: 48 },
        xAxis: { type: "category", data: d.indicators.labels },
        yAxis: [{ type: "value", name: "件", minInterval: 1 }, { type: "value", name: "%", min: 0, max: 100 }],
        series: [
          { name: "有效发明专利（件）", type: "bar", data: d.indicators.patents },
          { name: "中小企业产值占比（%）", type: "line", yAxisIndex: 1, data: d.indicators.share },
        ],
      };
    },
  };

  function init() {
    var source = document.getElementById("dashboard-data");
    if (source && typeof window.echarts !== "undefined") {
      var data;
      try {
        data = JSON.parse(source.textContent);
      } catch (e) {
        data = null;
      }
      if (data) {
        document.querySelectorAll("[data-dashboard-chart]").forEach(function (el) {
          var build = builders[el.getAttribute("data-dashboard-chart")];
          if (!build) return;
          var chart = window.echarts.init(el, null, { renderer: "svg" });
          chart.setOption(build(data));
          el.setAttribute("data-chart-ready", "1");
          charts.push(chart);
        });
      }
    }
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
    // Charts drawn for the screen would overflow (or shrink into) the printed page: redraw them at A4 width.
    window.addEventListener("beforeprint", function () {
      charts.forEach(function (c) { c.resize({ width: A4_WIDTH, animation: { duration: 0 } }); });
    });
    window.addEventListener("afterprint", function () {
      charts.forEach(function (c) { c.resize({ width: "auto" }); });
    });
    document.querySelectorAll("[data-dashboard-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
