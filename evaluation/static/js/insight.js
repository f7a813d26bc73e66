/* Insight charts, drawn by the vendored ECharts from the JSON the page embeds. */
"use strict";
(function () {
  var source = document.getElementById("insight-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  function mark(element, chart) {
    element.dataset.rendered = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var mapElement = document.getElementById("insight-map");
  echarts.registerMap("districts-insight", data.map.geojson);
  var values = data.map.values.filter(function (v) { return v.value != null; }).map(function (v) { return v.value; });
  var map = echarts.init(mapElement, null, { renderer: "svg" });
  map.setOption({
    animation: false,
    tooltip: { trigger: "item", formatter: function (p) {
      var d = p.data || {}; return p.name + "<br>" + (d.value == null ? "—" : d.value.toFixed(2) + " " + mapElement.dataset.label) + " (" + (d.count || 0) + ")";
    } },
    visualMap: { min: values.length ? Math.min.apply(null, values) : 0, max: values.length ? Math.max.apply(null, values) : 1,
                 left: 8, bottom: 8, precision: 2, inRange: { color: ["#eef6ff", "#3b82f6", "#1e3a8a"] } },
    series: [{ type: "map", map: "districts-insight", roam: true, label: { show: true, fontSize: 10 },
               data: data.map.values.map(function (v) { return { name: v.name, value: v.value, count: v.count, code: v.code }; }) }]
  });
  map.on("click", function (p) {
    if (p.data && p.data.code) { var url = new URL(window.location.href); url.searchParams.set("district", p.data.code); window.location.href = url.toString(); }
  });
  mark(mapElement, map);

  var trendElement = document.getElementById("insight-trend");
  var trend = echarts.init(trendElement, null, { renderer: "svg" });
  trend.setOption({
    animation: false, tooltip: { trigger: "axis" }, grid: { left: 48, right: 16, top: 16, bottom: 32 },
    xAxis: { type: "category", data: data.trend.map(function (d) { return d.day.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "line", data: data.trend.map(function (d) { return d.count; }), areaStyle: {} }]
  });
  mark(trendElement, trend);

  var treeElement = document.getElementById("insight-tree");
  var tree = echarts.init(treeElement, null, { renderer: "svg" });
  tree.setOption({
    animation: false, tooltip: { formatter: "{b}: {c}" },
    series: [{ type: "treemap", data: data.tree, roam: false, nodeClick: false, breadcrumb: { show: false },
               label: { show: true, formatter: "{b}\n{c}" }, upperLabel: { show: true, height: 18 }, levels: [{ itemStyle: { gapWidth: 2 } }] }]
  });
  mark(treeElement, tree);

  var quadElement = document.getElementById("insight-quadrants");
  var names = JSON.parse(quadElement.dataset.names);
  var quad = echarts.init(quadElement, null, { renderer: "svg" });
  var groups = {};
  data.quadrants.points.forEach(function (p) { (groups[p.quadrant] = groups[p.quadrant] || []).push([p.volume, p.satisfaction, p.name, p.turning]); });
  quad.setOption({
    animation: false, legend: { top: 0 },
    tooltip: { formatter: function (p) { return p.value[2] + "<br>" + p.value[0] + " · " + p.value[1] + "%" + (p.value[3] ? " · " + p.value[3] : ""); } },
    grid: { left: 48, right: 24, top: 32, bottom: 32 },
    xAxis: { type: "value", name: "", scale: true }, yAxis: { type: "value", max: 100, scale: true },
    series: Object.keys(groups).map(function (k, i) {
      var series = { name: names[k] || k, type: "scatter", data: groups[k], symbolSize: function (v) { return v[3] ? 14 : 9; } };
      if (i === 0 && data.quadrants.axes.volume !== undefined) {
        series.markLine = { silent: true, symbol: "none", lineStyle: { type: "dashed" },
          data: [{ xAxis: data.quadrants.axes.volume }, { yAxis: data.quadrants.axes.satisfaction }] };
      }
      return series;
    })
  });
  mark(quadElement, quad);
})();
