// The what-if page of returnsim serve: sends the levers to /api/run when
// one changes (cancelling the request in flight), shows the answer beside
// the baseline, and keeps the levers in the page's URL. It fetches
// nothing but this server's answers.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const form = document.getElementById("levers");
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  let inflight = null;
  let timer = null;
  let seq = 0;

  // Formats, as the report writes them: one decimal per 1,000 persons,
  // whole euros, probabilities to two decimals.
  const noNegZero = (x, d) => (Math.round(x * d) === 0 ? 0 : x); // -0.04 is 0.0, not -0.0
  const fmt1 = (x) => (x === null || x === undefined ? "n/a" : noNegZero(x, 10).toLocaleString("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 }));
  const fmt0 = (x) => (x === null || x === undefined ? "n/a" : Math.round(noNegZero(x, 1)).toLocaleString("en-GB"));
  const signed = (x, f) => (x === null ? "n/a" : (f(x) !== f(0) && x > 0 ? "+" : "") + f(x));
  const interval = (lo, hi, f) => (lo === null || hi === null ? "" : " [" + f(lo) + ", " + f(hi) + "]");

  function values() {
    const o = {};
    for (const [k, v] of new FormData(form)) o[k] = v;
    return o;
  }

  // The query string of the levers: the scenario they start from and the
  // levers that differ from its.
  function query(o) {
    const p = new URLSearchParams();
    p.set("scenario", o.scenario);
    const start = data.starts[o.scenario] || {};
    for (const f of data.fields) {
      if (o[f] !== undefined && o[f] !== (start[f] === undefined ? "" : start[f])) p.set(f, o[f]);
    }
    if (String(o.replicates).trim() !== String(data.replicates)) p.set("replicates", o.replicates);
    return p.toString();
  }

  function setState(state) {
    document.body.dataset.state = state;
    document.body.dataset.seq = String(seq);
  }

  function clearProblems() {
    for (const e of document.querySelectorAll(".error")) e.textContent = "";
    for (const e of document.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
  }

  function showProblems(list) {
    const loose = [];
    for (const p of list) {
      const box = p.field ? $("e-" + p.field) : null;
      if (!box) {
        loose.push((p.key ? p.key + ": " : "") + p.message);
        continue;
      }
      box.textContent = box.textContent ? box.textContent + " " + p.message : p.message;
      let inputs = [$("f-" + p.field)];
      if (p.field === "counselling.provider") inputs = ["government", "ngo", "iom"].map((x) => $("f-counselling.provider." + x));
      if (p.field === "group") inputs = ["household", "cooperation", "min_months_without_status"].map((x) => $("f-for." + x));
      for (const i of inputs) if (i) i.setAttribute("aria-invalid", "true");
    }
    $("problems").textContent = loose.join(" ");
  }

  function run() {
    const o = values();
    const q = query(o);
    history.replaceState(null, "", "?" + q);
    $("dl-toml").href = "/download/what-if.toml?" + q;
    $("dl-zip").href = "/download/what-if.zip?" + q;
    if (inflight) inflight.abort();
    const ctl = new AbortController();
    inflight = ctl;
    const my = ++seq;
    const t0 = performance.now();
    $("status").textContent = "Running the what-if from the histories...";
    $("status").className = "status busy";
    setState("busy");
    fetch("/api/run", { method: "POST", body: new URLSearchParams(q), signal: ctl.signal })
      .then((r) => r.json().then((j) => ({ code: r.status, cached: r.headers.get("X-Cache") === "hit", j })))
      .then(({ code, cached, j }) => {
        if (my !== seq) return;
        inflight = null;
        $("status").className = "status";
        clearProblems();
        if (code !== 200 || j.problems) {
          showProblems(j.problems || []);
          $("status").textContent = code === 200
            ? "Not run: a value is not one the study file takes (beside its field). The last answer stays below."
            : "Not run (" + code + "): " + (j.problems || []).map((p) => p.message).join(" ");
          setState(code === 200 ? "problems" : "error");
          return;
        }
        render(j);
        const s = ((performance.now() - t0) / 1000).toFixed(2);
        $("status").textContent = cached
          ? "Answered in " + s + " s, from the answers kept (the same study file ran before)."
          : "Answered in " + s + " s (" + j.replicates + " replicates continued in " + j.seconds.toFixed(2) + " s).";
        setState("done");
      })
      .catch((e) => {
        if (e.name === "AbortError") return;
        if (my !== seq) return;
        $("status").textContent = "No answer: " + e.message;
        $("status").className = "status";
        setState("error");
      });
  }

  function row(rows, scenario, metric) {
    return rows.find((r) => r.scenario === scenario && r.metric === metric);
  }

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function render(a) {
    $("answer").hidden = false;
    $("title").textContent = a.scenario + " against " + a.baseline + ", from " + a.from;
    $("described").textContent = a.description;
    $("h-base").textContent = a.baseline;
    $("g-base").textContent = a.baseline;
    const body = document.querySelector("#headline tbody");
    body.textContent = "";
    const showP = data.posterior;
    for (const e of document.querySelectorAll("#headline .p")) e.hidden = !showP;
    for (const [m, label, judged] of [
      ["verified_per_1000", "verified departures", true],
      ["avr_per_1000", "assisted returns (AVR)", true],
      ["forced_per_1000", "forced returns", false],
    ]) {
      const b = row(a.rows, a.baseline, m), w = row(a.rows, a.scenario, m);
      if (!b || !w) continue;
      const tr = document.createElement("tr");
      tr.dataset.metric = m;
      cell(tr, label);
      cell(tr, fmt1(b.mean) + interval(b.ci_low, b.ci_high, fmt1));
      cell(tr, fmt1(w.mean) + interval(w.ci_low, w.ci_high, fmt1));
      let cls = "";
      if (judged && w.diff_ci_low !== null && w.diff_ci_low > 0) cls = "better";
      if (judged && w.diff_ci_high !== null && w.diff_ci_high < 0) cls = "worse";
      cell(tr, signed(w.diff_vs_baseline, fmt1) + interval(w.diff_ci_low, w.diff_ci_high, fmt1), cls).dataset.diff = "";
      const p = cell(tr, judged && w.p_above_baseline !== null ? w.p_above_baseline.toFixed(2) : "", "p");
      p.hidden = !showP;
      body.appendChild(tr);
    }
    renderCost(a);
    renderRules(a);
    renderFan(a);
    renderGroups(a);
    $("text").textContent = a.text;
  }

  // The net cost per additional verified departure, in the report's
  // words: "loses departures" where the net change is below zero.
  function renderCost(a) {
    const net = row(a.rows, a.scenario, "net_verified");
    const add = row(a.rows, a.scenario, "additional_verified");
    const lost = row(a.rows, a.scenario, "lost_verified");
    const c = row(a.rows, a.scenario, "cost_per_net_verified_eur");
    let text = "";
    if (net) {
      text = "Net change in verified departures, a replicate: " + signed(net.mean, fmt1) + interval(net.ci_low, net.ci_high, fmt1) +
        " (added " + fmt1(add ? add.mean : null) + ", lost " + fmt1(lost ? lost.mean : null) + ", paired by person). ";
    }
    let cost;
    if (c && c.mean !== null && c.mean < 0) {
      cost = "saves " + fmt0(-c.mean) + interval(-c.ci_high, -c.ci_low, fmt0) + " EUR per net additional verified departure";
    } else if (c && c.mean !== null) {
      cost = fmt0(c.mean) + interval(c.ci_low, c.ci_high, fmt0) + " EUR";
    } else if (net && net.mean < 0) {
      cost = "loses departures";
    } else {
      cost = "adds none on balance";
    }
    $("cost").textContent = text + "Net cost per additional verified departure: " + cost + ".";
    $("cost").dataset.cost = cost;
  }

  function renderRules(a) {
    const parts = (a.rules || []).map((r) => {
      const n = r.persons === null ? "n/a" : fmt1(r.persons);
      return "the group rule " + r.rule + " was the rule of " + n + " persons in the return system when it came into force, " + r.date +
        (r.persons === 0 ? " (it selected no one then: it may still select persons who enter later)" : "");
    });
    $("rules").textContent = parts.length ? "Mean over replicates: " + parts.join("; ") + "." : "";
  }

  function el(name, attrs, text) {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // chart draws, in svg, lines over the years with a band each: series
  // are {rows, cls, band, lo, hi, y} (y, lo and hi the rows' fields); zero
  // draws the line at 0.
  function chart(svg, years, series, fork, zero) {
    svg.textContent = "";
    const W = 640, H = 220, L = 56, R = 12, T = 22, B = 26;
    const vals = [];
    for (const s of series) for (const r of s.rows) for (const k of [s.y, s.lo, s.hi]) if (r[k] !== null && r[k] !== undefined) vals.push(r[k]);
    if (zero) vals.push(0);
    let lo = Math.min(...vals), hi = Math.max(...vals);
    if (hi === lo) { hi += 1; lo -= 1; }
    const pad = (hi - lo) * 0.08;
    lo -= pad; hi += pad;
    const x = (y) => L + ((y - years[0]) / Math.max(1, years.length - 1)) * (W - L - R);
    const yv = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
    const raw = (hi - lo) / 5, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const tick = [1, 2, 5, 10].map((k) => k * mag).find((t) => t >= raw);
    for (let v = Math.ceil(lo / tick) * tick; v <= hi; v += tick) {
      svg.appendChild(el("line", { class: "grid", x1: L, x2: W - R, y1: yv(v), y2: yv(v) }));
      svg.appendChild(el("text", { x: L - 6, y: yv(v) + 4, "text-anchor": "end" }, fmt0(v)));
    }
    if (zero) svg.appendChild(el("line", { class: "axis", x1: L, x2: W - R, y1: yv(0), y2: yv(0) }));
    svg.appendChild(el("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }));
    for (const y of years) {
      if (years.length > 10 && (y - years[0]) % 2) continue;
      svg.appendChild(el("text", { x: x(y), y: H - B + 16, "text-anchor": "middle" }, String(y)));
    }
    if (fork) {
      const fx = (x(fork.before) + x(fork.after)) / 2;
      svg.appendChild(el("line", { class: "fork", x1: fx, x2: fx, y1: T, y2: H - B }));
      svg.appendChild(el("text", { x: fx + 4, y: T + 10 }, "fork " + fork.label));
    }
    let lx = L + 8;
    for (const s of series) {
      const pts = [];
      for (const r of s.rows) if (r[s.hi] !== null) pts.push(x(r.year) + "," + yv(r[s.hi]));
      for (let i = s.rows.length - 1; i >= 0; i--) if (s.rows[i][s.lo] !== null) pts.push(x(s.rows[i].year) + "," + yv(s.rows[i][s.lo]));
      if (pts.length > 2) svg.appendChild(el("polygon", { class: s.band, points: pts.join(" ") }));
      svg.appendChild(el("polyline", { class: s.cls, points: s.rows.map((r) => x(r.year) + "," + yv(r[s.y])).join(" ") }));
      svg.appendChild(el("line", { class: s.cls, x1: lx, x2: lx + 20, y1: 10, y2: 10 }));
      svg.appendChild(el("text", { x: lx + 24, y: 14 }, s.label));
      lx += 40 + 7 * s.label.length;
    }
  }

  // The yearly fan: verified departures a year of the baseline and the
  // what-if, each mean with the band of its replicates; and the paired
  // difference a year from the fork, with its 95% interval.
  function renderFan(a) {
    const get = (s) => a.yearly.filter((r) => r.scenario === s && r.metric === "verified").sort((x, y) => x.year - y.year);
    const base = get(a.baseline), what = get(a.scenario);
    if (!base.length || base.length !== what.length) {
      $("fan").textContent = "";
      $("diff").textContent = "";
      $("fan-caption").textContent = "";
      $("diff-caption").textContent = "";
      return;
    }
    const first = base.findIndex((r) => r.part === "projection");
    const fork = first > 0 ? { before: base[first - 1].year, after: base[first].year, label: a.fork } : null;
    chart($("fan"), base.map((r) => r.year), [
      { rows: base, cls: "base", band: "band-base", y: "mean", lo: "reps_q05", hi: "reps_q95", label: a.baseline },
      { rows: what, cls: "what", band: "band-what", y: "mean", lo: "reps_q05", hi: "reps_q95", label: a.scenario },
    ], fork, false);
    const lb = base[base.length - 1], lw = what[what.length - 1];
    $("fan-caption").textContent = "Verified departures a year (files closed by assisted, independent or forced return), the mean over " + a.replicates +
      " replicates, with the band of the replicates (5% to 95% of their values; with 10 or fewer, the least to the greatest); before the fork every scenario has the baseline's history. In " +
      lw.year + ": " + fmt0(lb.mean) + " in the baseline, " + fmt0(lw.mean) + " in the what-if.";
    const proj = what.slice(Math.max(0, first));
    chart($("diff"), proj.map((r) => r.year), [
      { rows: proj, cls: "what", band: "band-what", y: "diff_vs_baseline", lo: "diff_ci_low", hi: "diff_ci_high", label: "what-if minus baseline" },
    ], null, true);
    $("diff-caption").textContent = "The difference a year from the fork: the what-if's verified departures minus the baseline's, paired by replicate, with the 95% interval of its mean. In " +
      lw.year + ": " + signed(lw.diff_vs_baseline, fmt0) + interval(lw.diff_ci_low, lw.diff_ci_high, fmt0) + ".";
  }

  function renderGroups(a) {
    const body = document.querySelector("#groups tbody");
    body.textContent = "";
    const names = { household: "household", cooperation: "cooperation", months_without_status_at_entry: "months without status at entry" };
    const seen = [];
    for (const r of a.groups) {
      if (r.scenario !== a.scenario || r.metric !== "verified_per_1000") continue;
      seen.push(r);
    }
    for (const w of seen) {
      const b = a.groups.find((r) => r.scenario === a.baseline && r.by === w.by && r.group === w.group && r.metric === w.metric);
      const persons = a.groups.find((r) => r.scenario === a.scenario && r.by === w.by && r.group === w.group && r.metric === "persons");
      const tr = document.createElement("tr");
      tr.dataset.group = w.by + "/" + w.group;
      cell(tr, (names[w.by] || w.by) + ": " + w.group);
      cell(tr, persons ? fmt0(persons.mean) : "");
      cell(tr, b ? fmt1(b.mean) : "n/a");
      cell(tr, fmt1(w.mean));
      let cls = "";
      if (w.diff_ci_low !== null && w.diff_ci_low > 0) cls = "better";
      if (w.diff_ci_high !== null && w.diff_ci_high < 0) cls = "worse";
      cell(tr, signed(w.diff_vs_baseline, fmt1) + interval(w.diff_ci_low, w.diff_ci_high, fmt1), cls);
      body.appendChild(tr);
    }
  }

  // Fills the levers with a scenario's.
  function start(name) {
    const ls = data.starts[name] || {};
    for (const f of data.fields) {
      const e = $("f-" + f);
      if (e) e.value = ls[f] === undefined ? "" : ls[f];
    }
    $("note").textContent = data.notes[name] || "";
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(timer);
    run();
  });
  form.addEventListener("input", (e) => {
    if (e.target.name === "scenario") return;
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  $("f-scenario").addEventListener("change", (e) => {
    start(e.target.value);
    clearTimeout(timer);
    run();
  });
  run();
})();
