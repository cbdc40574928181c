/*
 * Trends of a certified cluster's indicators (monitoring/cluster_detail.html).
 * Data: {{ chart|json_script:"trend-data" }} = {years: [...], sources: [...], groups: [{title, series: [{name, data}]}]};
 * one ECharts line chart per group into the elements [data-chart-index] inside [data-monitoring-charts="trend-data"].
 * The same figures are in the table below the charts, for screen readers and printing.
 */
(function () {
  "use strict";

  function draw(container) {
    if (typeof window.echarts === "undefined") return;
    var source = document.getElementById(container.getAttribute("data-monitoring-charts"));
    if (!source) return;
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (e) {
      return;
    }
    var charts = [];
    container.querySelectorAll("[data-chart-index]").forEach(function (el) {
      var group = data.groups[Number(el.getAttribute("data-chart-index"))];
      if (!group) return;
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        title: { text: group.title, left: "center", textStyle: { fontSize: 13 } },
        tooltip: {
          trigger: "axis",
          formatter: function (items) {
            if (!items.length) return "";
            var i = items[0].dataIndex;
            var lines = [items[0].axisValue + "年（" + (data.sources[i] || "") + "）"];
            items.forEach(function (it) {
              var v = it.value === null || it.value === undefined ? "—" : Number(it.value).toLocaleString("zh-CN");
              lines.push(it.marker + it.seriesName + "：" + v);
            });
            return lines.join("<br>");
          },
        },
        legend: { bottom: 0, type: "scroll" },
        grid: { left: 56, right: 16, top: 40, bottom: 48 },
        xAxis: { type: "category", data: data.years, boundaryGap: false },
        yAxis: { type: "value", scale: true },
        series: group.series.map(function (s) {
          return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 6 };
        }),
      });
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  function init() {
    document.querySelectorAll("[data-monitoring-charts]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
