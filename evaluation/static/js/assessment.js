/* Assessment charts, drawn by the vendored ECharts (config/static/vendor/echarts). */
"use strict";

function assessmentTrend(elementId, data) {
  var element = document.getElementById(elementId);
  var chart = echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v.toFixed(2); } },
    legend: { top: 0 },
    grid: { left: 48, right: 24, top: 40, bottom: 32 },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min / 10) * 10); }, max: 100 },
    series: data.series.map(function (s, i) {
      return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 6,
               lineStyle: { width: i === 3 ? 3 : 2 } };
    }),
  });
  element.dataset.rendered = "true";
  window.addEventListener("resize", function () { chart.resize(); });
  return chart;
}

function assessmentMap(elementId, data) {
  var element = document.getElementById(elementId);
  echarts.registerMap("districts", data.geojson);
  var scored = data.values.filter(function (v) { return v.value != null; }).map(function (v) { return v.value; });
  var low = scored.length ? Math.floor(Math.min.apply(null, scored)) : 0;
  var high = scored.length ? Math.ceil(Math.max.apply(null, scored)) : 100;
  if (high - low < 1) { low = Math.max(0, low - 1); high = Math.min(100, high + 1); }
  var selected = element.dataset.selected;
  var chart = echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: {
      trigger: "item",
      formatter: function (p) {
        var d = p.data || {};
        if (d.value == null) { return p.name + "<br>" + element.dataset.noScore; }
        return p.name + "<br>" + d.value.toFixed(2) + (d.rank ? " · " + element.dataset.rankLabel + " " + d.rank : "");
      },
    },
    // a stepped legend: each colour labelled with its range of composite scores
    visualMap: { type: "piecewise", splitNumber: 5, min: low, max: high, left: 8, bottom: 8, precision: 1,
                 inRange: { color: ["#d73027", "#fc8d59", "#fee08b", "#91cf60", "#1a9850"] },
                 outOfRange: { color: "#eeeeee" } },
    series: [{
      type: "map", map: "districts", roam: true, selectedMode: "single",
      label: { show: true, fontSize: 10 },
      itemStyle: { areaColor: "#eee", borderColor: "#666" },
      data: data.values.map(function (v) {
        return { name: v.name, value: v.value, rank: v.rank, code: v.code, selected: v.code === selected };
      }),
    }],
  });
  chart.on("click", function (p) {
    if (p.data && p.data.code) {
      var url = new URL(window.location.href);
      url.searchParams.set("district", p.data.code);
      window.location.href = url.toString();
    }
  });
  element.dataset.rendered = "true";
  element.dataset.regions = String(data.geojson.features.length);
  window.addEventListener("resize", function () { chart.resize(); });
  return chart;
}
