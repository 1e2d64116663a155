// A result view for the SPARQL editor: the numeric columns of a SELECT answer as bars (or as
// lines when there are many rows) against its first column, drawn as SVG in the page, so that
// charts work with no network (the YASR chart plugins load their libraries from the web).
"use strict";
(function () {
  const NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|negativeInteger|nonPositiveInteger|unsignedInt|unsignedLong|unsignedShort|unsignedByte)$/;
  const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];
  const MAX_ROWS = 200;
  const SVG = "http://www.w3.org/2000/svg";

  function isNumber(cell) {
    return !!cell && cell.type !== "uri" && cell.type !== "bnode" && NUMERIC.test(cell.datatype || "")
      && Number.isFinite(Number(cell.value));
  }

  function shown(cell) {
    if (!cell) return "";
    if (cell.type === "uri") return cell.value.replace(/\/+$/, "").split(/[\/#]/).pop();
    return cell.value;
  }

  function el(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The first column labels the rows; every other column whose bound values are all numbers is a series.
  function shape(results) {
    const variables = results.getVariables();
    const rows = results.getBindings();
    if (variables.length < 2 || rows.length === 0) return null;
    const label = variables[0];
    const series = variables.slice(1).filter(v => rows.some(r => r[v]) && rows.every(r => !r[v] || isNumber(r[v])));
    if (series.length === 0) return null;
    return { label, series: series.slice(0, COLOURS.length), rows: rows.slice(0, MAX_ROWS), total: rows.length };
  }

  function draw(data) {
    const width = 960, height = 420, left = 60, right = 20, top = 20, bottom = 90;
    const plotW = width - left - right, plotH = height - top - bottom;
    const values = data.rows.flatMap(r => data.series.map(v => (r[v] ? Number(r[v].value) : 0)));
    const high = Math.max(0, ...values), low = Math.min(0, ...values);
    const span = high - low || 1;
    const y = value => top + plotH - ((value - low) / span) * plotH;
    const svg = el("svg", { xmlns: SVG, width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
                            "aria-label": `${data.series.join(", ")} by ${data.label}`, class: "sco-chart" });
    svg.append(el("rect", { x: 0, y: 0, width, height, fill: "#fff" }));
    for (let i = 0; i <= 5; i++) {  // value axis
      const value = low + (span * i) / 5;
      svg.append(el("line", { x1: left, x2: width - right, y1: y(value), y2: y(value), stroke: "#e3e6ea" }));
      svg.append(el("text", { x: left - 6, y: y(value) + 4, "text-anchor": "end", "font-size": 11 },
                    Number.isInteger(value) ? String(value) : value.toFixed(2)));
    }
    const step = plotW / data.rows.length;
    const lines = data.rows.length > 40;
    const every = Math.ceil(data.rows.length / 40);
    data.rows.forEach((row, i) => {
      const name = shown(row[data.label]);
      if (i % every === 0) {
        const x = left + step * (i + 0.5);
        svg.append(el("text", { x, y: top + plotH + 12, "font-size": 11, "text-anchor": "end",
                                transform: `rotate(-45 ${x} ${top + plotH + 12})` }, name.slice(0, 24)));
      }
      if (lines) return;
      const barW = (step * 0.8) / data.series.length;
      data.series.forEach((v, k) => {
        if (!row[v]) return;
        const value = Number(row[v].value);
        const bar = el("rect", { x: left + step * i + step * 0.1 + barW * k, y: Math.min(y(value), y(0)),
                                 width: Math.max(barW, 1), height: Math.abs(y(value) - y(0)), fill: COLOURS[k],
                                 class: "sco-bar" });
        bar.append(el("title", {}, `${name}: ${v} ${row[v].value}`));
        svg.append(bar);
      });
    });
    if (lines) {
      data.series.forEach((v, k) => {
        const points = data.rows.map((row, i) => (row[v] ? `${left + step * (i + 0.5)},${y(Number(row[v].value))}` : null))
          .filter(Boolean).join(" ");
        const line = el("polyline", { points, fill: "none", stroke: COLOURS[k], "stroke-width": 2, class: "sco-line" });
        line.append(el("title", {}, v));
        svg.append(line);
      });
    }
    svg.append(el("line", { x1: left, x2: width - right, y1: y(0), y2: y(0), stroke: "#57606a" }));
    data.series.forEach((v, k) => {  // legend
      svg.append(el("rect", { x: left + 10 + k * 150, y: height - 18, width: 12, height: 12, fill: COLOURS[k] }));
      svg.append(el("text", { x: left + 28 + k * 150, y: height - 8, "font-size": 12 }, v));
    });
    return svg;
  }

  class ChartPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 5;
      this.label = "Chart";
      this.svg = null;
    }

    canHandleResults() {
      const results = this.yasr.results;
      return !!results && typeof results.getVariables === "function" && !!results.getVariables()
        && shape(results) !== null;
    }

    draw() {
      const data = shape(this.yasr.results);
      const box = document.createElement("div");
      box.className = "sco-chart-box";
      if (!data) {
        box.textContent = "No numeric column to chart.";
      } else {
        this.svg = draw(data);
        box.append(this.svg);
        const note = document.createElement("p");
        note.textContent = `${data.series.join(", ")} by ${data.label}` +
          (data.total > data.rows.length ? ` (the first ${data.rows.length} of ${data.total} rows)` : "");
        box.append(note);
      }
      this.yasr.resultsEl.appendChild(box);
    }

    download() {
      if (!this.svg) return undefined;
      const svg = this.svg;
      return { getData: () => new XMLSerializer().serializeToString(svg), contentType: "image/svg+xml",
               title: "Download the chart (SVG)", filename: "chart.svg" };
    }

    getIcon() {
      const icon = el("svg", { viewBox: "0 0 16 16", width: 14, height: 14 });
      [[1, 9, 3, 6], [6, 4, 3, 11], [11, 7, 3, 8]].forEach(([x, top, w, h]) =>
        icon.append(el("rect", { x, y: top, width: w, height: h, fill: "currentColor" })));
      const holder = document.createElement("span");
      holder.append(icon);
      return holder;
    }
  }

  const Gui = window.Yasgui && (window.Yasgui.default || window.Yasgui);
  if (Gui && Gui.Yasr) Gui.Yasr.registerPlugin("chart", ChartPlugin);
})();
