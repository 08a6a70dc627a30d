/* Glue between the Explorer pages' controls and their precomputed data (docs/_ext/explorer.py).
 *
 * The numbers come from window.vanishingExplorerData (written at build time by the library);
 * every label comes from the page (data-labels, translated with the page). Plotly draws.
 */
(function () {
  "use strict";

  var DATA = window.vanishingExplorerData || {};
  var CONFIG = { displayModeBar: false, responsive: true };

  function fmt(v) {
    if (v === null || v === undefined) return "∞";
    if (!isFinite(v)) return "∞";
    return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(+v.toPrecision(3));
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }

  function baseLayout(root, x, y, ylog) {
    var color = getComputedStyle(root).color;
    return {
      margin: { l: 60, r: 10, t: 10, b: 50 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { color: color, family: getComputedStyle(root).fontFamily },
      xaxis: { title: { text: x }, zeroline: false, gridcolor: "rgba(128,128,128,0.25)" },
      yaxis: { title: { text: y }, type: ylog ? "log" : "linear", exponentformat: "power",
               gridcolor: "rgba(128,128,128,0.25)" },
      legend: { orientation: "h", y: -0.25 },
      height: 380,
    };
  }

  /* One Explorer: its controls, labels, status line and plot divs. */
  function Explorer(root) {
    this.root = root;
    this.name = root.getAttribute("data-explorer");
    this.labels = JSON.parse(root.getAttribute("data-labels"));
    this.data = DATA[this.name];
    this.status = root.querySelector(".explorer-status");
    this.plots = root.querySelector(".explorer-plots");
  }

  Explorer.prototype.control = function (key) {
    return this.root.querySelector('[data-control="' + key + '"]');
  };

  /* The current value of a control: a select's value, a range's grid value, a box's state. */
  Explorer.prototype.value = function (key) {
    var el = this.control(key);
    if (el.type === "checkbox") return el.checked;
    if (el.type === "range") return JSON.parse(el.getAttribute("data-values"))[+el.value];
    return el.value;
  };

  Explorer.prototype.plot = function (index, label) {
    var divs = this.plots.querySelectorAll(".explorer-plot");
    if (divs.length <= index) {
      var div = document.createElement("div");
      div.className = "explorer-plot";
      div.setAttribute("role", "img");
      this.plots.appendChild(div);
      divs = this.plots.querySelectorAll(".explorer-plot");
    }
    divs[index].setAttribute("aria-label", label);
    return divs[index];
  };

  Explorer.prototype.bind = function (update) {
    var self = this;
    Array.prototype.forEach.call(this.root.querySelectorAll("[data-control]"), function (el) {
      el.addEventListener(el.type === "range" ? "input" : "change", function () {
        if (el.type === "range") {
          var shown = String(self.value(el.getAttribute("data-control")));
          el.setAttribute("aria-valuetext", shown);
          self.root.querySelector('[data-output="' + el.getAttribute("data-control") + '"]').textContent = shown;
        }
        update.call(self);
      });
    });
    update.call(this);
  };

  /* 1. Gradient flow through depth ------------------------------------------------------ */
  function flow() {
    var L = this.labels, d = this.data;
    var act = this.value("activation"), init = this.value("init"), depth = this.value("depth");
    var sigma = init === "sigma";
    ["sw2", "sb2"].forEach(function (k) { this.control(k).disabled = !sigma; }, this);
    ["batch_norm", "residual"].forEach(function (k) { this.control(k).disabled = sigma; }, this);
    var bn = !sigma && this.value("batch_norm"), res = !sigma && this.value("residual");
    var key = sigma ? "sw2=" + this.value("sw2") + ",sb2=" + this.value("sb2") : init;
    var messages = [];
    var traces = [];
    var layers = [];
    for (var i = 1; i <= depth; i++) layers.push(i);
    var measured = d.measured[act + "|" + key + "|" + (bn ? 1 : 0) + (res ? 1 : 0)];
    if (!measured) {
      messages.push(fill(L["no-edge-" + d.unavailable[act]], { activation: this.control("activation").selectedOptions[0].text }));
    } else {
      var m = measured[depth], mf = d.meanfield[act + "|" + key][depth];
      traces.push({ x: layers, y: m.forward, mode: "markers", name: L.forward + " · " + L.measured,
                    marker: { color: "#1f77b4", symbol: "circle" } });
      traces.push({ x: layers, y: m.backward, mode: "markers", name: L.backward + " · " + L.measured,
                    marker: { color: "#d62728", symbol: "square" } });
      if (bn || res) {
        messages.push(L["no-meanfield"]);
      } else {
        traces.push({ x: layers, y: mf.forward, mode: "lines", name: L.forward + " · " + L.predicted,
                      line: { color: "#1f77b4" } });
        traces.push({ x: layers, y: mf.backward, mode: "lines", name: L.backward + " · " + L.predicted,
                      line: { color: "#d62728", dash: "dash" } });
      }
      messages.push(fill(L.sigmas, { sw2: fmt(d.meanfield[act + "|" + key].sw2), sb2: fmt(d.meanfield[act + "|" + key].sb2) }));
    }
    if (sigma) messages.push(L["sigma-plain"]);
    this.status.textContent = messages.join(" ");
    var layout = baseLayout(this.root, L.layer, L.rms, true);
    Plotly.react(this.plot(0, L.figure), traces, layout, CONFIG);
  }

  /* 2. Order and chaos ------------------------------------------------------------------ */
  function phase() {
    var L = this.labels, d = this.data, self = this;
    var act = this.value("activation"), sw2 = this.value("sw2"), sb2 = this.value("sb2");
    var a = d[act];
    var i = d.sw2.indexOf(sw2), j = d.sb2.indexOf(sb2);
    var z = a.chi1.map(function (row) { return row.map(function (v) { return v === null ? null : Math.log10(v); }); });
    var heat = baseLayout(this.root, L.sw2, L.sb2, false);
    heat.margin.r = 10;
    var gd = this.plot(0, L.diagram);
    Plotly.react(gd, [
      { type: "heatmap", x: d.sw2, y: d.sb2, z: z, zmid: 0, colorscale: "RdBu",
        colorbar: { title: { text: L.colorbar, side: "right" }, thickness: 12 },
        hovertemplate: "σw² %{x}<br>σb² %{y}<br>log10 χ1 %{z:.3f}<extra></extra>" },
      { x: a.line.sw2, y: a.line.sb2, mode: "lines", name: L.critical, line: { color: "#222", width: 2 } },
      { x: [sw2], y: [sb2], mode: "markers", name: L.chosen,
        marker: { color: "#ffbf00", size: 13, symbol: "x", line: { color: "#000", width: 1 } } },
    ], heat, CONFIG);
    if (!gd._explorerClick) {
      gd._explorerClick = true;
      gd.on("plotly_click", function (ev) {
        var p = ev.points[0];
        self.snap("sw2", p.x);
        self.snap("sb2", p.y);
        phase.call(self);
      });
    }
    var chi = a.chi1[j][i], xi = a.xi_c[j][i], q = a.q_star[j][i];
    this.status.textContent = chi === null ? L["no-fixed-point"] :
      L.chi1 + " = " + fmt(chi) + " · " + L.xi_c + " = " + fmt(xi) + " · " + L.q_star + " = " + fmt(q);
    var pt = a.points[sw2 + "," + sb2];
    var layers = pt.simulated.map(function (_, k) { return k + 1; });
    var corr = baseLayout(this.root, L.layer, L.correlation, false);
    corr.yaxis.range = [-0.05, 1.05];
    Plotly.react(this.plot(1, L.figure), [
      { x: layers, y: pt.simulated, mode: "markers", name: L.simulated, marker: { color: "#1f77b4" } },
      { x: layers, y: pt.predicted, mode: "lines", name: L.predicted, line: { color: "#d62728" } },
    ], corr, CONFIG);
  }

  /* Move a range control to the grid value nearest to v (keyboard users use the slider itself). */
  Explorer.prototype.snap = function (key, v) {
    var el = this.control(key), values = JSON.parse(el.getAttribute("data-values"));
    var best = 0;
    values.forEach(function (x, k) { if (Math.abs(x - v) < Math.abs(values[best] - v)) best = k; });
    el.value = best;
    el.setAttribute("aria-valuetext", String(values[best]));
    this.root.querySelector('[data-output="' + key + '"]').textContent = String(values[best]);
  };

  /* 3. Gradients through time ----------------------------------------------------------- */
  function rnn() {
    var L = this.labels, d = this.data;
    var c = d.curves[this.value("activation") + "|" + this.value("norm")];
    var clip = this.value("clip");
    var steps = c.norms.map(function (_, t) { return t; });
    var traces = [{ x: steps, y: c.norms, mode: "lines+markers", name: L.unclipped,
                    line: { color: clip ? "rgba(128,128,128,0.6)" : "#1f77b4" }, marker: { size: 4 } }];
    if (clip) {
      traces.push({ x: steps, y: c.norms.map(function (v) { return v * c.factor; }), mode: "lines+markers",
                    name: L.clipped, line: { color: "#d62728" }, marker: { size: 4 } });
    }
    this.status.textContent = clip ? L.factor + " = " + fmt(c.factor) : "";
    Plotly.react(this.plot(0, L.figure), traces, baseLayout(this.root, L.step, L.grad_norm, true), CONFIG);
  }

  var UPDATE = { flow: flow, phase: phase, rnn: rnn };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".explorer"), function (root) {
      var ex = new Explorer(root);
      if (!ex.data || !window.Plotly) {
        ex.status.textContent = "Data missing: " + ex.name;
        return;
      }
      ex.bind(UPDATE[ex.name]);
      root.setAttribute("data-ready", "true");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
