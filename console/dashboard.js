// Draws a CloudWatch dashboard's widgets on the console's dashboard page, live.
//
// The page carries the dashboard body (a JSON data block) and the session's CSRF token (a meta
// tag). Metric and alarm widgets get their data from the console's data endpoint,
// /_citadel/api/cloudwatch/OPERATION, which runs GetMetricData and DescribeAlarms as the signed-in
// user: the server authorizes and audits every call. Graphs are drawn with uPlot and refreshed
// every REFRESH_MS.
//
// Each widget element says what it shows, for people and for tests: data-state ("loading",
// "ready", "error"), data-series (the plotted series as JSON: id, label, timestamps in epoch
// seconds, values), data-alarms (alarm names and states) and data-error.
(function () {
  "use strict";

  const REFRESH_MS = 10000;
  const DEFAULT_RANGE_S = 3 * 3600;
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  const ROW_PX = 40; // one unit of a widget's height

  const csrf = document.querySelector('meta[name="citadel-csrf"]').content;
  const body = JSON.parse(document.getElementById("dashboard-body").textContent);
  const grid = document.getElementById("dashboard");
  const status = document.getElementById("dashboard-status");
  let refreshes = 0;

  // ---- Calls -------------------------------------------------------------------------------------

  class CallError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function call(operation, input, region) {
    const res = await fetch("/_citadel/api/cloudwatch/" + operation, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-amz-json-1.0", "X-Citadel-CSRF": csrf, "X-Citadel-Region": region || "us-east-1" },
      body: JSON.stringify(input),
    });
    const text = await res.text();
    let out = {};
    try {
      out = text ? JSON.parse(text) : {};
    } catch (e) {
      throw new CallError(res.status, "InvalidResponse", "The server answered with something that is not JSON.");
    }
    if (res.status === 401) {
      window.location.href = "/_citadel/signin?redirect=" + encodeURIComponent(window.location.pathname);
      throw new CallError(401, "NotSignedIn", "The session has ended.");
    }
    if (!res.ok) throw new CallError(res.status, out.__type || "Error", out.message || res.statusText);
    return out;
  }

  // Every page of a GetMetricData answer, results merged by query id.
  async function metricData(queries, startS, endS, region) {
    const byId = new Map();
    let token;
    do {
      const input = { MetricDataQueries: queries, StartTime: startS, EndTime: endS, ScanBy: "TimestampAscending" };
      if (token) input.NextToken = token;
      const out = await call("GetMetricData", input, region);
      for (const r of out.MetricDataResults || []) {
        const seen = byId.get(r.Id);
        if (seen) {
          seen.Timestamps.push(...(r.Timestamps || []));
          seen.Values.push(...(r.Values || []));
        } else {
          byId.set(r.Id, { Id: r.Id, Label: r.Label, Timestamps: r.Timestamps || [], Values: r.Values || [] });
        }
      }
      token = out.NextToken;
    } while (token);
    return [...byId.values()];
  }

  // ---- Time ranges ------------------------------------------------------------------------------

  // "-PT3H", "-P7D", "-PT15M" relative to now, or an ISO 8601 date; epoch seconds.
  function timeOf(spec, nowS) {
    if (!spec) return null;
    const m = /^-P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(spec);
    if (m) {
      const [, w, d, h, min, s] = m.map((x) => Number(x || 0));
      return nowS - (((w * 7 + d) * 24 + h) * 60 + min) * 60 - s;
    }
    const t = Date.parse(spec);
    return Number.isNaN(t) ? null : Math.floor(t / 1000);
  }

  function range(props) {
    const now = Math.floor(Date.now() / 1000);
    const start = timeOf(props.start, now) ?? timeOf(body.start, now) ?? now - DEFAULT_RANGE_S;
    const end = timeOf(props.end, now) ?? timeOf(body.end, now) ?? now;
    return [start, end];
  }

  // ---- Metric rows to GetMetricData queries --------------------------------------------------------

  // A row is [Namespace, MetricName, DimName, DimValue, ..., {options}]: "." repeats the value at the
  // same place in the row above, "..." the rest of the row above; [{"expression": ...}] is math.
  function queries(props) {
    const out = [];
    let above = [];
    (props.metrics || []).forEach((row, i) => {
      const last = row[row.length - 1];
      const opts = last && typeof last === "object" ? last : {};
      let names = row.filter((x) => typeof x === "string");
      const dots = names.indexOf("...");
      if (dots >= 0) names = names.slice(0, dots).concat(above.slice(dots));
      names = names.map((x, k) => (x === "." ? above[k] : x));
      above = names;
      const q = { Id: opts.id || "m" + i, ReturnData: opts.visible !== false };
      if (opts.label) q.Label = opts.label;
      if (opts.expression) {
        q.Expression = opts.expression;
      } else {
        const dims = [];
        for (let k = 2; k + 1 < names.length; k += 2) dims.push({ Name: names[k], Value: names[k + 1] });
        q.MetricStat = {
          Metric: { Namespace: names[0], MetricName: names[1], Dimensions: dims },
          Period: opts.period || props.period || 300,
          Stat: opts.stat || props.stat || "Average",
        };
      }
      q.color = opts.color || PALETTE[out.length % PALETTE.length];
      out.push(q);
    });
    return out;
  }

  // ---- Drawing ------------------------------------------------------------------------------------

  function place(el, w) {
    const width = w.width || 6, height = w.height || 6;
    el.style.gridColumn = (w.x !== undefined ? w.x + 1 + " / " : "") + "span " + width;
    el.style.gridRow = (w.y !== undefined ? w.y + 1 + " / " : "") + "span " + height;
    el.style.minHeight = height * ROW_PX + "px";
  }

  function setError(el, e) {
    el.dataset.state = "error";
    el.dataset.error = (e.code ? e.code + ": " : "") + e.message;
    el.querySelector(".widget-error").textContent = el.dataset.error;
  }

  // Series of (timestamps, values) on one time axis, as uPlot wants them: [xs, ys1, ys2, ...].
  function aligned(series) {
    const xs = [...new Set(series.flatMap((s) => s.timestamps))].sort((a, b) => a - b);
    const at = new Map(xs.map((x, i) => [x, i]));
    const ys = series.map((s) => {
      const y = new Array(xs.length).fill(null);
      s.timestamps.forEach((t, k) => (y[at.get(t)] = s.values[k]));
      return y;
    });
    return [xs, ...ys];
  }

  // Draws (or redraws) a time series chart in `box` and records what it plots on `el`.
  function chart(el, box, series, extraLines, height) {
    el.dataset.series = JSON.stringify(series);
    el.dataset.state = "ready";
    el.querySelector(".widget-error").textContent = "";
    const all = series.concat(extraLines || []);
    const data = aligned(all);
    if (typeof window.uPlot !== "function") {
      box.textContent = "The charting library is not installed (scripts/setup.sh): " +
        series.map((s) => s.label + ": " + s.values.join(", ")).join("; ");
      return;
    }
    const width = Math.max(200, box.clientWidth || el.clientWidth - 16);
    const key = all.map((s) => s.label).join("\u0000");
    if (box.plot && box.plotKey === key) {
      box.plot.setData(data);
      return;
    }
    if (box.plot) box.plot.destroy();
    box.plotKey = key;
    box.plot = new window.uPlot({
      width, height: Math.max(100, height),
      scales: { x: { time: true } },
      series: [{}].concat(all.map((s) => ({
        label: s.label, stroke: s.color, width: s.dash ? 1 : 2, dash: s.dash, spanGaps: true,
        points: { show: true, size: 5 },
      }))),
      axes: [{}, { size: 60 }],
    }, data, box);
  }

  async function drawMetric(el, w) {
    const props = w.properties || {};
    const box = el.querySelector(".widget-body");
    const alarmArns = (props.annotations && props.annotations.alarms) || [];
    if (!props.metrics && alarmArns.length) return drawAlarmGraph(el, box, alarmArns[0]);
    const qs = queries(props);
    const [start, end] = range(props);
    const colors = new Map(qs.map((q) => [q.Id, q.color]));
    const results = await metricData(qs.map(({ color, ...q }) => q), start, end, props.region);
    const series = results.map((r) => ({
      id: r.Id, label: r.Label || r.Id, color: colors.get(r.Id), timestamps: r.Timestamps, values: r.Values,
    }));
    const horizontal = ((props.annotations && props.annotations.horizontal) || []).map((a, k) => ({
      id: "annotation" + k, label: a.label || String(a.value), color: a.color || "#d62728", dash: [6, 4],
      timestamps: [start, end], values: [a.value, a.value],
    }));
    if (props.view === "singleValue") {
      el.dataset.series = JSON.stringify(series);
      el.dataset.state = "ready";
      box.replaceChildren(...series.map((s) => {
        const p = document.createElement("p");
        p.className = "single-value";
        p.textContent = s.label + ": " + (s.values.length ? s.values[s.values.length - 1] : "–");
        return p;
      }));
      return;
    }
    chart(el, box, series, horizontal, el.clientHeight - 70);
  }

  // A graph of one alarm (a metric widget whose annotations name it): its metric and threshold.
  async function drawAlarmGraph(el, box, arn) {
    const [, , , region, , , name] = arn.split(":");
    const out = await call("DescribeAlarms", { AlarmNames: [name] }, region);
    const alarm = (out.MetricAlarms || [])[0];
    if (!alarm) throw new CallError(404, "ResourceNotFound", "No alarm " + name + " in " + region);
    el.dataset.alarms = JSON.stringify([{ name: alarm.AlarmName, state: alarm.StateValue }]);
    await graphAlarm(el, box, alarm, region, el.clientHeight - 70);
  }

  // An alarm's own metric (or metric math) over the last three hours, with its threshold.
  async function graphAlarm(el, box, alarm, region, height) {
    const now = Math.floor(Date.now() / 1000);
    const start = now - DEFAULT_RANGE_S;
    const qs = alarm.Metrics && alarm.Metrics.length
      ? alarm.Metrics.map(({ AccountId, ...m }) => m)
      : [{ Id: "m0", ReturnData: true, Label: alarm.MetricName, MetricStat: {
          Metric: { Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions || [] },
          Period: alarm.Period, Stat: alarm.Statistic || alarm.ExtendedStatistic } }];
    const results = await metricData(qs, start, now, region);
    const series = results.map((r, k) => ({ id: r.Id, label: r.Label || r.Id, color: PALETTE[k % PALETTE.length],
                                            timestamps: r.Timestamps, values: r.Values }));
    const threshold = { id: "threshold", label: "threshold " + alarm.Threshold, color: "#d62728", dash: [6, 4],
                        timestamps: [start, now], values: [alarm.Threshold, alarm.Threshold] };
    chart(el, box, series, [threshold], height);
  }

  // The alarm status widget: each alarm's state, and a graph of each metric alarm.
  async function drawAlarms(el, w) {
    const props = w.properties || {};
    const box = el.querySelector(".widget-body");
    const byRegion = new Map();
    for (const arn of props.alarms || []) {
      const parts = arn.split(":");
      if (!byRegion.has(parts[3])) byRegion.set(parts[3], []);
      byRegion.get(parts[3]).push(parts.slice(6).join(":"));
    }
    const found = [];
    for (const [region, names] of byRegion) {
      const out = await call("DescribeAlarms", { AlarmNames: names, AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }, region);
      for (const a of (out.MetricAlarms || []).concat(out.CompositeAlarms || [])) found.push({ region, alarm: a });
    }
    const states = props.states || [];
    const shown = found.filter((f) => !states.length || states.includes(f.alarm.StateValue));
    el.dataset.alarms = JSON.stringify(shown.map((f) => ({ name: f.alarm.AlarmName, state: f.alarm.StateValue })));
    el.dataset.state = "ready";
    el.querySelector(".widget-error").textContent = "";
    const names = shown.map((f) => f.alarm.AlarmName).join("\u0000");
    if (box.dataset.names !== names) {
      box.replaceChildren();
      box.dataset.names = names;
    }
    const graphHeight = Math.max(100, Math.floor((el.clientHeight - 60) / Math.max(1, shown.length)) - 40);
    for (const f of shown) {
      const a = f.alarm;
      let item = [...box.children].find((c) => c.dataset.alarm === a.AlarmName);
      if (!item) {
        item = document.createElement("div");
        item.className = "alarm";
        item.dataset.alarm = a.AlarmName;
        const badge = document.createElement("span");
        const name = document.createElement("span");
        const err = document.createElement("p");
        const graph = document.createElement("div");
        badge.className = "state";
        name.className = "name";
        name.textContent = a.AlarmName;
        err.className = "widget-error";
        graph.className = "alarm-graph";
        item.append(badge, " ", name, err, graph);
        box.appendChild(item);
      }
      const badge = item.querySelector(".state");
      badge.textContent = a.StateValue;
      badge.className = "state state-" + a.StateValue;
      item.dataset.alarmState = a.StateValue;
      if (a.MetricName || (a.Metrics && a.Metrics.length))
        await graphAlarm(item, item.querySelector(".alarm-graph"), a, f.region, graphHeight);
    }
  }

  function drawText(el, w) {
    const box = el.querySelector(".widget-body");
    box.className = "widget-body text";
    box.textContent = (w.properties && w.properties.markdown) || "";
    el.dataset.state = "ready";
  }

  async function refresh(widgets) {
    await Promise.all(widgets.map(async ({ el, w }) => {
      try {
        if (w.type === "metric") await drawMetric(el, w);
        else if (w.type === "alarm") await drawAlarms(el, w);
      } catch (e) {
        setError(el, e);
      }
    }));
    refreshes += 1;
    status.textContent = "Updated " + new Date().toLocaleTimeString() + " · refreshes every " + REFRESH_MS / 1000 + " s";
    status.dataset.refreshes = String(refreshes);
  }

  function build() {
    const widgets = [];
    (body.widgets || []).forEach((w, i) => {
      const el = document.createElement("section");
      el.className = "widget widget-" + w.type;
      el.id = "widget-" + i;
      el.dataset.type = w.type;
      el.dataset.state = "loading";
      const title = document.createElement("h2");
      title.textContent = (w.properties && w.properties.title) || "";
      const err = document.createElement("p");
      err.className = "widget-error";
      const box = document.createElement("div");
      box.className = "widget-body";
      el.append(title, err, box);
      place(el, w);
      grid.appendChild(el);
      if (w.type === "text") drawText(el, w);
      else if (w.type === "metric" || w.type === "alarm") widgets.push({ el, w });
      else {
        box.textContent = "Citadel's console does not draw " + w.type + " widgets.";
        el.dataset.state = "ready";
      }
    });
    return widgets;
  }

  const widgets = build();
  refresh(widgets);
  setInterval(() => refresh(widgets), REFRESH_MS);
  window.addEventListener("resize", () => {
    for (const { el } of widgets)
      for (const box of el.querySelectorAll(".widget-body, .alarm-graph"))
        if (box.plot) box.plot.setSize({ width: Math.max(200, box.clientWidth), height: box.plot.height });
  });
})();
