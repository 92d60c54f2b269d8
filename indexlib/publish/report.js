/* indexlib report: ranking table, charts and reweighting, recomputed as indexlib.build does.
   No network access: everything comes from the JSON block #report-data. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var n = D.cities.length;
  var nodeIndex = {};
  D.node_ids.forEach(function (id, k) { nodeIndex[id] = k; });
  var rootK = nodeIndex[D.root];
  var dimK = D.dimensions.map(function (d) { return nodeIndex[d.id]; });
  /* nodes above the dimensions (with node children): the aggregation switch applies to them */
  var upper = D.nodes.map(function (node, k) {
    return node.children.some(function (c) { return c.node !== undefined; }) ? k : -1;
  }).filter(function (k) { return k >= 0; });

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function isNum(v) { return typeof v === "number" && !isNaN(v); }

  /* weighted quasi-arithmetic mean over the children with a value (indexlib.aggregate._base) */
  var FORWARD = { arithmetic: null, geometric: Math.log, harmonic: function (y) { return 1 / y; } };
  var INVERSE = { arithmetic: null, geometric: Math.exp, harmonic: function (m) { return 1 / m; } };

  function aggregate(values, weights, method) {
    var forward = FORWARD[method], inverse = INVERSE[method];
    var numerator = 0, denominator = 0, missing = false, total = 0, j;
    for (j = 0; j < values.length; j++) {
      total += weights[j];
      if (!isNum(values[j])) { missing = true; continue; }
      numerator += weights[j] * (forward ? forward(values[j]) : values[j]);
      denominator += weights[j];
    }
    if (!missing) { denominator = total; }
    if (missing && !(denominator > 0)) { return NaN; }
    var mean = numerator / denominator;
    return inverse ? inverse(mean) : mean;
  }

  /* ranks of one column, 1 = highest; NaN gets no rank (indexlib.rank.rank_scores) */
  function rankColumn(values, ties) {
    var order = [], ranks = new Array(values.length).fill(NaN), i;
    for (i = 0; i < values.length; i++) { if (isNum(values[i])) { order.push(i); } }
    order.sort(function (a, b) { return values[b] - values[a]; });
    var start = 0, dense = 0;
    while (start < order.length) {
      var end = start;
      while (end + 1 < order.length && values[order[end + 1]] === values[order[start]]) { end++; }
      dense++;
      var rank = ties === "dense" ? dense : ties === "average" ? (start + 1 + end + 1) / 2 : start + 1;
      for (i = start; i <= end; i++) { ranks[order[i]] = rank; }
      start = end + 1;
    }
    return ranks;
  }

  /* 50 + 50 (S - min S) / (max S - min S) per column (indexlib.pipeline.present_50_100) */
  function present(values) {
    var low = Infinity, high = -Infinity;
    values.forEach(function (v) { if (isNum(v)) { low = Math.min(low, v); high = Math.max(high, v); } });
    if (!(high > low)) { return values.map(function () { return 100; }); }
    var span = high - low;
    return values.map(function (v) { return isNum(v) ? 50 + 50 * (v - low) / span : NaN; });
  }

  /* every node's raw score, presentation score and rank under element weights and an upper-level method */
  function recompute(weights, upperMethod) {
    var raw = [], k, c;
    for (k = 0; k < D.nodes.length; k++) {
      var node = D.nodes[k];
      var method = upperMethod && upper.indexOf(k) >= 0 ? upperMethod : node.method;
      var w = node.weights.map(function (id) { return weights[id]; });
      var column = new Array(n);
      for (c = 0; c < n; c++) {
        var values = node.children.map(function (child) {
          var v = child.indicator !== undefined ? D.normalised[c][child.indicator] : raw[child.node][c];
          return v === null ? NaN : v;
        });
        column[c] = aggregate(values, w, method);
      }
      raw.push(column);
    }
    var score = raw.map(function (column) { return D.scale === "50-100" ? present(column) : column.slice(); });
    var rank = raw.map(function (column) { return rankColumn(column, D.ties); });
    return { raw: raw, score: score, rank: rank };
  }

  var state = { weights: Object.assign({}, D.weights), method: null, current: null, sortKey: "rank", ascending: true,
                selected: null };
  var published = {
    score: D.node_ids.map(function (id) { return D.published.score[id].map(function (v) { return v === null ? NaN : v; }); }),
    rank: D.node_ids.map(function (id) { return D.published.rank[id].map(function (v) { return v === null ? NaN : v; }); })
  };

  /* ---------------------------------------------------------------- table */
  var columns = [
    { key: "rank", label: "Rank", value: function (c) { return state.current.rank[rootK][c]; } },
    { key: "move", label: "Move", value: function (c) { return published.rank[rootK][c] - state.current.rank[rootK][c]; } },
    { key: "city", label: "City", text: true, value: function (c) { return D.cities[c].name_en; } },
    { key: "country", label: "Country", text: true, value: function (c) { return D.cities[c].country; } },
    { key: "score", label: "Score", value: function (c) { return state.current.score[rootK][c]; } }
  ];
  D.dimensions.forEach(function (d, j) {
    columns.push({ key: d.id, label: d.name_en, value: function (c) { return state.current.score[dimK[j]][c]; } });
  });
  if (D.intervals) {
    columns.push({ key: "interval", label: "Rank interval (90%)", value: function (c) { return D.intervals.median_rank[c]; },
                   show: function (c) { return D.intervals.p05_rank[c] + "–" + D.intervals.p95_rank[c]; } });
  }
  var table = document.getElementById("ranking");
  var tbody = table.querySelector("tbody");
  var rows = [];

  function buildTable() {
    var head = document.createElement("tr");
    columns.forEach(function (col) {
      var th = document.createElement("th");
      th.textContent = col.label;
      th.dataset.key = col.key;
      if (col.text) { th.className = "text"; }
      th.addEventListener("click", function () {
        state.ascending = state.sortKey === col.key ? !state.ascending : !!col.text || col.key === "rank";
        state.sortKey = col.key;
        render();
      });
      head.appendChild(th);
    });
    table.querySelector("thead").appendChild(head);
    for (var c = 0; c < n; c++) {
      var tr = document.createElement("tr");
      tr.dataset.city = D.cities[c].id;
      tr.dataset.index = c;
      tr.title = D.cities[c].name_zh ? D.cities[c].name_en + " " + D.cities[c].name_zh : D.cities[c].name_en;
      tr.addEventListener("click", select.bind(null, c));
      columns.forEach(function (col) {
        var td = document.createElement("td");
        td.dataset.key = col.key;
        if (col.text) { td.className = "text"; }
        tr.appendChild(td);
      });
      rows.push(tr);
    }
  }

  function cellText(col, c) {
    var v = col.value(c);
    if (col.show) { return col.show(c); }
    if (col.text) { return v; }
    if (!isNum(v)) { return ""; }
    if (col.key === "rank") { return String(v); }
    if (col.key === "move") { return v > 0 ? "▲" + v : v < 0 ? "▼" + (-v) : "–"; }
    return v.toFixed(2);
  }

  function render() {
    var key = state.sortKey, col = columns.filter(function (x) { return x.key === key; })[0];
    var order = rows.map(function (_, c) { return c; });
    order.sort(function (a, b) {
      var va = col.value(a), vb = col.value(b), diff;
      if (col.text) { diff = String(va).localeCompare(String(vb)); }
      else if (!isNum(va) || !isNum(vb)) { diff = isNum(va) ? -1 : isNum(vb) ? 1 : 0; return diff || tiebreak(a, b); }
      else { diff = va - vb; }
      return (state.ascending ? diff : -diff) || tiebreak(a, b);
    });
    order.forEach(function (c) {
      var tr = rows[c];
      columns.forEach(function (col2, j) {
        var td = tr.children[j];
        td.textContent = cellText(col2, c);
        if (col2.key === "move") {
          var move = col2.value(c);
          td.className = move > 0 ? "up" : move < 0 ? "down" : "";
        }
      });
      tbody.appendChild(tr);
    });
    Array.prototype.forEach.call(table.querySelectorAll("th"), function (th) {
      if (th.dataset.key === key) { th.setAttribute("aria-sort", state.ascending ? "ascending" : "descending"); }
      else { th.removeAttribute("aria-sort"); }
    });
    filter();
    drawScoreChart();
    if (state.selected !== null) { drawProfile(state.selected); }
  }
  /* equal values: by rank, then by city id, as ranking.csv */
  function tiebreak(a, b) {
    var ra = state.current.rank[rootK][a], rb = state.current.rank[rootK][b];
    if (ra !== rb) { return ra - rb; }
    return D.cities[a].id < D.cities[b].id ? -1 : D.cities[a].id > D.cities[b].id ? 1 : 0;
  }

  var search = document.getElementById("search");
  function filter() {
    var query = search.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (tr, c) {
      var city = D.cities[c];
      var hit = !query || [city.id, city.name_en, city.name_zh, city.country, city.continent].join(" ").toLowerCase().indexOf(query) >= 0;
      tr.style.display = hit ? "" : "none";
      if (hit) { shown++; }
    });
    document.getElementById("count").textContent = shown + " of " + n + " cities";
  }
  search.addEventListener("input", filter);

  /* ---------------------------------------------------------------- charts (inline SVG) */
  function drawScoreChart() {
    var root = state.current.score[rootK];
    var order = rows.map(function (_, c) { return c; }).filter(function (c) { return isNum(root[c]); });
    order.sort(function (a, b) { return root[b] - root[a] || tiebreak(a, b); });
    var values = order.map(function (c) { return root[c]; });
    var low = D.scale === "50-100" ? 40 : Math.min(0, Math.min.apply(null, values));
    var high = Math.max.apply(null, values);
    var barH = 12, left = 150, width = 820, plot = width - left - 60, top = 20;
    var height = top + order.length * barH + 10;
    var parts = ['<svg width="' + width + '" height="' + height + '" viewBox="0 0 ' + width + " " + height + '" role="img" aria-label="Overall scores">'];
    parts.push('<text x="' + left + '" y="12" font-size="11" fill="#616e7c">Overall score (' + escapeHtml(D.scale === "50-100" ? "50–100" : "raw") + ")</text>");
    order.forEach(function (c, i) {
      var y = top + i * barH, w = Math.max(1, plot * (root[c] - low) / ((high - low) || 1));
      parts.push('<text x="' + (left - 6) + '" y="' + (y + 9) + '" font-size="10" text-anchor="end">' + escapeHtml(D.cities[c].name_en) + "</text>");
      parts.push('<rect class="bar" data-city="' + escapeHtml(D.cities[c].id) + '" x="' + left + '" y="' + (y + 1) + '" width="' + w.toFixed(2) + '" height="' + (barH - 2) + '" fill="' + (c === state.selected ? "#d97706" : "#2c6e9b") + '"></rect>');
      parts.push('<text x="' + (left + w + 4).toFixed(2) + '" y="' + (y + 9) + '" font-size="9" fill="#616e7c">' + root[c].toFixed(1) + "</text>");
    });
    parts.push("</svg>");
    document.getElementById("score-chart").innerHTML = parts.join("");
  }

  function drawProfile(c) {
    var city = D.cities[c], scores = dimK.map(function (k) { return state.current.score[k][c]; });
    var ranks = dimK.map(function (k) { return state.current.rank[k][c]; });
    var medians = dimK.map(function (k) {
      var sorted = state.current.score[k].filter(isNum).sort(function (a, b) { return a - b; });
      var m = sorted.length >> 1;
      return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    });
    var low = D.scale === "50-100" ? 50 : Math.min(0, Math.min.apply(null, scores.filter(isNum)));
    var high = D.scale === "50-100" ? 100 : Math.max.apply(null, D.dimensions.map(function (_, j) {
      return Math.max.apply(null, state.current.score[dimK[j]].filter(isNum));
    }));
    var rowH = 34, left = 8, plot = 300, width = 320, height = D.dimensions.length * rowH + 8;
    var parts = ['<svg class="profile-chart" width="' + width + '" height="' + height + '" viewBox="0 0 ' + width + " " + height + '" role="img" aria-label="Dimension profile">'];
    D.dimensions.forEach(function (d, j) {
      var y = j * rowH + 4, s = scores[j];
      var w = isNum(s) ? Math.max(1, plot * (s - low) / ((high - low) || 1)) : 0;
      var mx = left + plot * (medians[j] - low) / ((high - low) || 1);
      parts.push('<text x="' + left + '" y="' + (y + 10) + '" font-size="11">' + escapeHtml(d.name_en) + " — " + (isNum(s) ? s.toFixed(1) : "n/a") + (isNum(ranks[j]) ? " (rank " + ranks[j] + ")" : "") + "</text>");
      parts.push('<rect x="' + left + '" y="' + (y + 14) + '" width="' + plot + '" height="12" fill="#eef2f6"></rect>');
      parts.push('<rect class="bar" x="' + left + '" y="' + (y + 14) + '" width="' + w.toFixed(2) + '" height="12" fill="#2c6e9b"></rect>');
      parts.push('<line x1="' + mx.toFixed(2) + '" x2="' + mx.toFixed(2) + '" y1="' + (y + 12) + '" y2="' + (y + 28) + '" stroke="#d97706" stroke-width="2"></line>');
    });
    parts.push("</svg>");
    var head = "<h3>" + escapeHtml(city.name_en) + (city.name_zh ? ' <span class="zh">' + escapeHtml(city.name_zh) + "</span>" : "") + "</h3>" +
      '<p class="note">' + escapeHtml([city.country, city.continent].filter(Boolean).join(", ")) + " · rank " +
      state.current.rank[rootK][c] + " (published " + published.rank[rootK][c] + ") · orange line: median city</p>";
    var profile = D.profiles && D.profiles[city.id] ? "<h4>Profile</h4>" + renderValue(D.profiles[city.id]) : "";
    document.getElementById("profile").innerHTML = head + parts.join("") + profile;
  }

  /* a profile of any shape: records as tables, mappings as definition lists */
  function renderValue(value) {
    if (value === null || value === undefined) { return ""; }
    if (Array.isArray(value)) {
      if (value.length && value.every(function (v) { return v && typeof v === "object" && !Array.isArray(v); })) {
        var keys = Object.keys(value[0]);
        return '<div class="scroll"><table class="plain"><tr>' + keys.map(function (k) { return "<th>" + escapeHtml(k) + "</th>"; }).join("") + "</tr>" +
          value.map(function (r) { return "<tr>" + keys.map(function (k) { return "<td>" + renderValue(r[k]) + "</td>"; }).join("") + "</tr>"; }).join("") + "</table></div>";
      }
      return value.map(renderValue).join(", ");
    }
    if (typeof value === "object") {
      return "<dl>" + Object.keys(value).map(function (k) { return "<dt>" + escapeHtml(k) + "</dt><dd>" + renderValue(value[k]) + "</dd>"; }).join("") + "</dl>";
    }
    return escapeHtml(typeof value === "number" ? (Number.isInteger(value) ? value : value.toPrecision(4)) : value);
  }

  function select(c) {
    state.selected = c;
    rows.forEach(function (tr, i) { tr.classList.toggle("selected", i === c); });
    drawProfile(c);
    drawScoreChart();
  }

  /* ---------------------------------------------------------------- reweighting */
  var note = document.getElementById("check");
  function update() {
    var problems = D.nodes.filter(function (node) {
      return !node.weights.some(function (id) { return state.weights[id] > 0; });
    });
    if (problems.length) {
      note.textContent = "At least one weight under " + problems.map(function (p) { return p.id; }).join(", ") + " must be positive; the table keeps the last valid weights.";
      return;
    }
    state.current = recompute(state.weights, state.method);
    var moved = 0;
    for (var c = 0; c < n; c++) { if (state.current.rank[rootK][c] !== published.rank[rootK][c]) { moved++; } }
    note.textContent = moved + " of " + n + " cities change rank against the published ranking.";
    render();
  }

  var sliders = document.getElementById("sliders");
  var initialMethod = null;
  if (upper.length) {
    var methods = upper.map(function (k) { return D.nodes[k].method; });
    if (methods.every(function (m) { return m === methods[0]; })) { initialMethod = methods[0]; }
  }
  function buildControls() {
    D.dimensions.forEach(function (d) {
      var nominal = D.weights[d.id], label = document.createElement("label");
      var max = Math.max(5, 2 * nominal);
      label.innerHTML = "<span>" + escapeHtml(d.name_en) + '</span><input type="range" min="0" max="' + max + '" step="0.1" value="' + nominal + '" data-dimension="' + escapeHtml(d.id) + '"><output>' + nominal.toFixed(1) + "</output>";
      var input = label.querySelector("input"), out = label.querySelector("output");
      input.addEventListener("input", function () {
        state.weights[d.id] = parseFloat(input.value);
        out.textContent = state.weights[d.id].toFixed(1);
        update();
      });
      sliders.appendChild(label);
    });
    Array.prototype.forEach.call(document.querySelectorAll("input[name=aggregation]"), function (radio) {
      radio.checked = radio.value === initialMethod;
      radio.addEventListener("change", function () { state.method = radio.value; update(); });
    });
    if (!upper.length) { document.getElementById("aggregation").style.display = "none"; }
    document.getElementById("reset").addEventListener("click", function () {
      state.weights = Object.assign({}, D.weights);
      state.method = null;
      Array.prototype.forEach.call(sliders.querySelectorAll("input"), function (input) {
        input.value = D.weights[input.dataset.dimension];
        input.nextElementSibling.textContent = D.weights[input.dataset.dimension].toFixed(1);
      });
      Array.prototype.forEach.call(document.querySelectorAll("input[name=aggregation]"), function (radio) { radio.checked = radio.value === initialMethod; });
      update();
    });
  }

  /* the published scores, reproduced: the largest difference over every node and city */
  function agreement() {
    var nominal = recompute(D.weights, null), worst = 0, ranksAgree = true;
    for (var k = 0; k < D.node_ids.length; k++) {
      for (var c = 0; c < n; c++) {
        var a = nominal.score[k][c], b = published.score[k][c];
        if (isNum(a) || isNum(b)) { worst = Math.max(worst, Math.abs(a - b)); }
        if (nominal.rank[k][c] !== published.rank[k][c] && (isNum(nominal.rank[k][c]) || isNum(published.rank[k][c]))) { ranksAgree = false; }
      }
    }
    return { maxAbsDifference: worst, ranksAgree: ranksAgree };
  }

  buildTable();
  if (D.recomputable) {
    buildControls();
    var check = agreement();
    document.getElementById("reweight-note").insertAdjacentHTML("beforeend", " With the published weights this page reproduces every published score to " +
      check.maxAbsDifference.toExponential(1) + (check.ranksAgree ? " and every rank." : "; some ranks differ."));
    update();
  } else {
    document.getElementById("reweight").innerHTML = '<p class="note">Reweighting is not available: this build aggregates with ' +
      escapeHtml(D.methods.join(", ")) + ", and the page recomputes only arithmetic, geometric and harmonic means.</p>";
    state.current = { raw: [], score: published.score, rank: published.rank };
    render();
  }
  window.indexlibReport = { data: D, recompute: recompute, state: state, agreement: agreement, update: update };
}());
