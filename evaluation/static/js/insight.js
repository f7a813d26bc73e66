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
  var low = values.length ? Math.min.apply(null, values) : 0;
  var high = values.length ? Math.max.apply(null, values) : 1;
  if (high - low < 0.01) { high = low + 0.01; }
  var map = echarts.init(mapElement, null, { renderer: "svg" });
  map.setOption({
    animation: false,
    tooltip: { trigger: "item", formatter: function (p) {
      var d = p.data || {}; return p.name + "<br>" + (d.value == null ? mapElement.dataset.noData : d.value.toFixed(2) + " " + mapElement.dataset.label) + " (" + (d.count || 0) + ")";
    } },
    // a stepped legend: each colour is labelled with its range of tickets per 1,000 residents
    visualMap: { type: "piecewise", splitNumber: 5, min: low, max: high, precision: 2, left: 8, bottom: 8,
                 text: [mapElement.dataset.label, ""], showLabel: true,
                 inRange: { color: ["#eef6ff", "#93c5fd", "#3b82f6", "#1d4ed8", "#1e3a8a"] },
                 outOfRange: { color: "#eeeeee" } },
    series: [{ type: "map", map: "districts-insight", roam: true, label: { show: true, fontSize: 10 },
               itemStyle: { areaColor: "#eeeeee" },
               data: data.map.values.map(function (v) { return { name: v.name, value: v.value, count: v.count, code: v.code }; }) }]
  });
  map.on("click", function (p) {
    if (p.data && p.data.code) { var url = new URL(window.location.href); url.searchParams.set("district", p.data.code); window.location.href = url.toString(); }
  });
  mark(mapElement, map);

  function empty(element) {
    var note = document.createElement("p");
    note.className = "muted empty";
    note.textContent = element.dataset.noData;
    element.replaceWith(note);
  }

  var trendElement = document.getElementById("insight-trend");
  if (!data.trend.length) { empty(trendElement); } else {
    var trend = echarts.init(trendElement, null, { renderer: "svg" });
    trend.setOption({
      animation: false, tooltip: { trigger: "axis" }, grid: { left: 48, right: 16, top: 16, bottom: 32 },
      xAxis: { type: "category", data: data.trend.map(function (d) { return d.day.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "line", data: data.trend.map(function (d) { return d.count; }), areaStyle: {} }]
    });
    mark(trendElement, trend);
  }

  var treeElement = document.getElementById("insight-tree");
  if (!data.tree.length) { empty(treeElement); } else {
    var tree = echarts.init(treeElement, null, { renderer: "svg" });
    tree.setOption({
      animation: false, tooltip: { formatter: "{b}: {c}" },
      series: [{ type: "treemap", data: data.tree, roam: false, nodeClick: false, breadcrumb: { show: false },
                 label: { show: true, formatter: "{b}\n{c}" }, upperLabel: { show: true, height: 18 }, levels: [{ itemStyle: { gapWidth: 2 } }] }]
    });
    mark(treeElement, tree);
  }

  // 四象限: complaint rate (x) against satisfaction (y), the median lines dashed; a point opens its tickets
  var quadElement = document.getElementById("insight-quadrants");
  if (!quadElement) { return; }
  var quadrant = data.quadrants;
  var names = JSON.parse(quadElement.dataset.names);
  var order = ["bright_spot", "turning_point", "blockage", "hard_problem"];
  var colours = { bright_spot: "#1a9850", turning_point: "#3b82f6", blockage: "#d97706", hard_problem: "#d73027" };
  var quad = echarts.init(quadElement, null, { renderer: "svg" });
  function ticketsUrl(key) {
    var url = new URL(quadElement.dataset.ticketsUrl, window.location.href);
    url.searchParams.set(quadElement.dataset.subject, key);
    url.searchParams.set("since", quadrant.window[0]);
    url.searchParams.set("until", quadrant.window[1]);
    return url.toString();
  }
  var series = order.map(function (k, i) {
    var points = quadrant.points.filter(function (p) { return p.quadrant === k; }).map(function (p) {
      return { value: [p.rate, p.satisfaction], key: p.key, name: p.name, point: p };
    });
    var s = { name: names[k], type: "scatter", data: points, itemStyle: { color: colours[k] },
              symbolSize: function (v, params) { return params.data.point.trend ? 13 : 9; },
              label: { show: true, position: "right", fontSize: 10, formatter: function (p) { return p.data.point.trend ? names[p.data.point.trend] : ""; } } };
    if (i === 0) {
      s.markLine = { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#666" }, label: { formatter: "{c}" },
                     data: [{ xAxis: quadrant.axes.rate }, { yAxis: quadrant.axes.satisfaction }] };
    }
    return s;
  });
  quad.setOption({
    animation: false, legend: { top: 0 },
    tooltip: { formatter: function (p) {
      var d = p.data.point;
      return d.name + "<br>" + d.tickets + " · " + d.rate.toFixed(3) + " " + quadElement.dataset.rateLabel + (d.residents_estimated ? " (" + names.estimated + ")" : "") +
        "<br>" + quadElement.dataset.satisfactionLabel + " " + d.satisfaction.toFixed(2) + "%" + (d.trend ? "<br>" + names[d.trend] : "");
    } },
    grid: { left: 56, right: 40, top: 40, bottom: 48 },
    xAxis: { type: "value", name: quadElement.dataset.rateLabel, nameLocation: "middle", nameGap: 28, scale: true },
    yAxis: { type: "value", name: quadElement.dataset.satisfactionLabel, max: 100, scale: true },
    series: series
  });
  quad.on("click", function (p) { if (p.data && p.data.key) { window.location.href = ticketsUrl(p.data.key); } });
  quadElement.dataset.points = String(quadrant.points.length);
  mark(quadElement, quad);
})();
