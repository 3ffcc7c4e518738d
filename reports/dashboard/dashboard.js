// The dashboard's charts and episode browser, drawn from the JSON block the
// report wrote. Every rate and interval in it was computed from episode
// counts by reports/html_dashboard.cc; nothing is recomputed here. Plain
// script, no modules or fetches: the page opens from disk. Elements are built
// with textContent, never from markup, since names come from the database.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("gauntlet-data").textContent);

  function element(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (className) e.className = className;
    return e;
  }

  function distinct(rows, key) {
    var seen = {}, values = [];
    rows.forEach(function (row) {
      var v = String(row[key]);
      if (!Object.prototype.hasOwnProperty.call(seen, v)) {
        seen[v] = true;
        values.push(v);
      }
    });
    return values;
  }

  var rate = {field: "rate", type: "quantitative", title: "success", scale: {domain: [0, 1]}, axis: {format: "%"}};

  // Whiskers from ci_low to ci_high: black over bars, in the series' colour on lines.
  function interval(channel, channel2, series) {
    var encoding = {color: series ? {field: series, type: "nominal"} : {value: "#222"}};
    encoding[channel] = {field: "ci_low", type: "quantitative"};
    encoding[channel2] = {field: "ci_high"};
    return {mark: {type: "rule", strokeWidth: 1.5}, encoding: encoding};
  }

  function withFigures(fields) {
    return fields.concat([
      {field: "successes", title: "successes"},
      {field: "n", title: "episodes"},
      {field: "rate", title: "success", format: ".1%"},
      {field: "ci_low", title: "Wilson 95% low", format: ".1%"},
      {field: "ci_high", title: "Wilson 95% high", format: ".1%"}
    ]);
  }

  // A Vega-Lite chart of `rows` into #id, drawn as SVG; a note when there is
  // nothing to draw. A failure lands in #errors like any other.
  function draw(id, rows, spec, emptyText) {
    var target = document.getElementById(id);
    if (rows.length === 0) {
      target.appendChild(element("p", emptyText, "note"));
      return;
    }
    spec.data = {values: rows};
    vegaEmbed(target, spec, {mode: "vega-lite", renderer: "svg", actions: false}).catch(function (e) {
      gauntletRecordError("chart " + id, (e && e.stack) || e);
    });
  }

  var policies = distinct(data.suite_rates, "policy").length;

  draw("chart-suites", data.suite_rates, {
    width: {step: Math.max(48, 22 * policies)},
    height: 240,
    encoding: {
      x: {field: "label", type: "nominal", sort: null, title: "suite", axis: {labelAngle: 0}},
      xOffset: {field: "policy", type: "nominal"},
      color: {field: "policy", type: "nominal", title: "policy", legend: {labelLimit: 360}},
      tooltip: withFigures([{field: "policy"}, {field: "suite"}, {field: "run"}])
    },
    layer: [{mark: "bar", encoding: {y: rate}}, interval("y", "y2")]
  }, "no unperturbed runs recorded");

  draw("chart-tasks", data.task_rates, {
    facet: {row: {field: "label", type: "nominal", sort: null, title: null, header: {labelAngle: 0, labelAlign: "left"}}},
    resolve: {scale: {y: "independent"}},
    spec: {
      width: 360,
      height: {step: Math.max(16, 12 * policies)},
      encoding: {
        y: {field: "task", type: "nominal", sort: null, title: null, axis: {labelLimit: 560}},
        yOffset: {field: "policy", type: "nominal"},
        color: {field: "policy", type: "nominal", title: "policy", legend: {labelLimit: 360}},
        tooltip: withFigures([{field: "policy"}, {field: "task"}, {field: "run"}])
      },
      layer: [{mark: "bar", encoding: {x: rate}}, interval("x", "x2")]
    }
  }, "no unperturbed runs recorded");

  draw("chart-perturbations", data.perturbation_levels, {
    facet: {field: "dimension", type: "nominal", sort: data.dimensions, title: null},
    columns: 4,
    resolve: {scale: {x: "independent"}},
    spec: {
      width: 210,
      height: 160,
      encoding: {
        x: {field: "level", type: "ordinal", title: "level (0 = unperturbed)", axis: {labelAngle: 0}},
        color: {field: "series", type: "nominal", title: "policy (set)"},
        tooltip: withFigures([{field: "series", title: "policy (set)"}, {field: "dimension"}, {field: "level"}])
      },
      layer: [{mark: {type: "line", point: true}, encoding: {y: rate}}, interval("y", "y2", "series")]
    }
  }, "no perturbed runs recorded");

  draw("chart-trend", data.trend, {
    width: 760,
    height: 260,
    encoding: {
      x: {field: "started_at", type: "temporal", title: "run started (UTC)", scale: {type: "utc", padding: 24},
          axis: {format: "%Y-%m-%d %H:%M"}},
      color: {field: "series", type: "nominal", title: "suite \u00b7 policy", legend: {labelLimit: 360}},
      tooltip: withFigures([{field: "run"}, {field: "suite"}, {field: "policy"}, {field: "started_at", title: "started"},
                            {field: "status"}])
    },
    layer: [{mark: {type: "line", point: true}, encoding: {y: rate}}, interval("y", "y2", "series")]
  }, "no runs with episodes recorded");

  draw("chart-router", data.router, {
    facet: {field: "run", type: "nominal", title: null},
    columns: 1,
    spec: {
      width: {step: 56},
      height: {step: 28},
      encoding: {
        x: {field: "candidate", type: "nominal", title: "chosen candidate", axis: {labelAngle: -30, labelLimit: 240}},
        y: {field: "true_task", type: "nominal", title: "true task", axis: {labelLimit: 360}}
      },
      layer: [
        {mark: "rect", encoding: {
          color: {field: "decisions", type: "quantitative", title: "decisions"},
          tooltip: [{field: "run"}, {field: "true_task", title: "true task"}, {field: "candidate"}, {field: "decisions"}]
        }},
        {mark: {type: "text", color: "#111"}, encoding: {text: {field: "decisions", type: "quantitative"}}}
      ]
    }
  }, "no routing decisions recorded");

  // The episode browser: a select per column worth filtering on, a variant
  // substring, and the first kShown matches.
  (function () {
    var kShown = 500;
    var rows = data.episodes;
    var filterBox = document.getElementById("episode-filters");
    var table = document.getElementById("episode-table");
    var count = document.getElementById("episode-count");
    if (rows.length === 0) {
      count.textContent = "no episodes recorded";
      return;
    }
    var filters = [
      {key: "run", label: "run"},
      {key: "suite", label: "suite"},
      {key: "task", label: "task"},
      {key: "status", label: "status"},
      {key: "dimension", label: "perturbation", blank: "(unperturbed)"}
    ];
    filters.forEach(function (f) {
      f.values = distinct(rows, f.key);
      f.select = element("select");
      f.select.appendChild(element("option", "all"));
      f.values.forEach(function (v) {
        f.select.appendChild(element("option", v === "" ? f.blank : v));
      });
      f.select.addEventListener("change", render);
      var label = element("label", f.label + " ");
      label.appendChild(f.select);
      filterBox.appendChild(label);
    });
    var variant = element("input");
    variant.type = "search";
    variant.placeholder = "variant contains";
    variant.addEventListener("input", render);
    var variantLabel = element("label", "variant ");
    variantLabel.appendChild(variant);
    filterBox.appendChild(variantLabel);

    var columns = [
      {title: "run", text: function (r) { return r.run; }},
      {title: "suite", text: function (r) { return r.suite; }},
      {title: "task", text: function (r) { return r.task; }},
      {title: "variant", text: function (r) { return r.variant; }},
      {title: "perturbation", text: function (r) { return r.dimension === "" ? "" : r.dimension + " L" + r.level; }},
      {title: "init state", text: function (r) { return String(r.init_state); }},
      {title: "seed", text: function (r) { return r.seed; }},
      {title: "status", text: function (r) { return r.status; }},
      {title: "steps", text: function (r) { return String(r.steps); }},
      {title: "termination", text: function (r) { return r.termination; }}
    ];
    var head = element("thead");
    var headRow = element("tr");
    columns.forEach(function (c) { headRow.appendChild(element("th", c.title)); });
    headRow.appendChild(element("th", "video"));
    head.appendChild(headRow);
    table.appendChild(head);
    var body = element("tbody");
    table.appendChild(body);

    function matches(row) {
      for (var i = 0; i < filters.length; ++i) {
        var f = filters[i];
        if (f.select.selectedIndex > 0 && String(row[f.key]) !== f.values[f.select.selectedIndex - 1]) return false;
      }
      return variant.value === "" || row.variant.indexOf(variant.value) >= 0;
    }

    function render() {
      while (body.firstChild) body.removeChild(body.firstChild);
      var shown = 0, matching = 0;
      rows.forEach(function (row) {
        if (!matches(row)) return;
        ++matching;
        if (shown >= kShown) return;
        ++shown;
        var tr = element("tr");
        columns.forEach(function (c) {
          tr.appendChild(element("td", c.text(row), c.title === "status" ? "episode-" + row.status : undefined));
        });
        var video = element("td");
        if (row.video !== "") {
          var link = element("a", "video");
          link.setAttribute("href", row.video);
          video.appendChild(link);
        }
        tr.appendChild(video);
        body.appendChild(tr);
      });
      count.textContent = matching + " of " + rows.length + " episodes match" +
          (matching > shown ? "; the first " + shown + " are shown" : "");
    }
    render();
  })();
})();
