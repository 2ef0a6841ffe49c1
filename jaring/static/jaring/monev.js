/* Monev dashboard: ECharts for the trend, the breakdowns and the choropleth map, drawn from the
   JSON the page carries (#monev-data). Every chart has its table beside it in the page. */
(function () {
  "use strict";
  var el = document.getElementById("monev-data");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(el.textContent);
  var lang = document.documentElement.lang || "id";
  var fmt = new Intl.NumberFormat(lang === "id" ? "id-ID" : "en-GB");
  var pct = new Intl.NumberFormat(lang === "id" ? "id-ID" : "en-GB", { maximumFractionDigits: 2 });
  var palette = ["#045a8d", "#2b8cbe", "#74a9cf", "#a6bddb", "#0b5d4b", "#5aae61", "#e08214", "#b2182b"];
  var charts = [];

  function peopleUrl(filters) {
    var q = new URLSearchParams(Object.assign({ region: data.region }, filters || {}));
    return data.peopleUrl + "?" + q.toString();
  }

  function trend() {
    var node = document.getElementById("chart-trend");
    if (!node) { return; }
    var chart = echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      color: palette,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return fmt.format(v); } },
      grid: { left: 60, right: 16, top: 16, bottom: 40 },
      xAxis: { type: "category", data: data.trend.labels, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return fmt.format(v); } } },
      series: [{ name: node.dataset.label, type: "line", smooth: false, areaStyle: { opacity: 0.15 },
                 data: data.trend.registered }]
    });
    charts.push(chart);
  }

  function bars(key) {
    var node = document.getElementById("chart-" + key);
    var slices = data.breakdowns[key];
    if (!node || !slices) { return; }
    var top = slices.slice(0, 12).reverse();
    var chart = echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      color: [palette[1]],
      tooltip: { trigger: "item", valueFormatter: function (v) { return fmt.format(v); } },
      grid: { left: 150, right: 40, top: 8, bottom: 24 },
      xAxis: { type: "value", axisLabel: { formatter: function (v) { return fmt.format(v); } } },
      yAxis: { type: "category", data: top.map(function (s) { return s.label; }),
               axisLabel: { width: 140, overflow: "truncate" } },
      series: [{ type: "bar", data: top.map(function (s) { return { value: s.n, drill: s.drill }; }),
                 label: { show: true, position: "right", formatter: function (p) { return fmt.format(p.value); } } }]
    });
    chart.on("click", function (p) {
      if (p.data && p.data.drill && Object.keys(p.data.drill).length) { window.location = peopleUrl(p.data.drill); }
    });
    charts.push(chart);
  }

  function map() {
    var node = document.getElementById("chart-map");
    if (!node || !data.mapUrl) { return; }
    var measure = data.mapMeasure;
    var share = measure === "registered_pct";
    fetch(data.mapUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
      if (!geo.features.length) { node.closest("[data-map-card]").classList.add("d-none"); return; }
      var name = "wilayah-" + (data.region || "ID");
      echarts.registerMap(name, geo);
      var values = data.children.map(function (c) {
        return { name: c.name, value: c[measure], code: c.code, registered: c.registered };
      });
      var known = values.map(function (v) { return v.value; }).filter(function (v) { return v !== null; });
      var chart = echarts.init(node, null, { renderer: "svg" });
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) {
          var d = p.data || {};
          var shown = d.value === null || d.value === undefined ? "–" :
            (share ? pct.format(d.value) + " %" : fmt.format(d.value));
          return p.name + "<br>" + shown + (share ? "<br>" + fmt.format(d.registered || 0) + " " + node.dataset.people : " " + node.dataset.people);
        } },
        visualMap: { min: 0, max: Math.max(0.01, Math.max.apply(null, known.concat([0]))), calculable: true,
                     left: 8, bottom: 8, inRange: { color: ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"] },
                     formatter: function (v) { return share ? pct.format(v) + " %" : fmt.format(Math.round(v)); } },
        series: [{ type: "map", map: name, roam: true, nameProperty: "name", data: values,
                   emphasis: { label: { show: true } }, selectedMode: false }]
      });
      // A region on the map opens the rows behind its figure: its people.
      chart.on("click", function (p) {
        if (p.data && p.data.code) { window.location = peopleUrl({ region: p.data.code }); }
      });
      node.dataset.ready = "1";
      charts.push(chart);
    });
  }

  trend();
  Object.keys(data.breakdowns).forEach(bars);
  map();
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
