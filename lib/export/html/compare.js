// velo HTML report of `velo compare` and `velo gate`. Reads diff_json()/gate_json()
// plus per-case ratios and thresholds (lib/export/html_compare.cpp) from the page's
// data: the verdict on top, one ratio chart per metric, then every case in a table.
// docs/reports.md describes how to read it.
(() => {
  const { data, el, num, percent, guard, chart, section, facts, table } = velo;
  const comparison = data.comparison;
  const isGate = data.kind === 'gate';
  const verdictClass = { worse: 'worse', better: 'better', same: 'muted' };

  // Metrics to chart: the gated ones, or those asked for; compare with none asked:
  // ns_per_op and every metric with a change.
  function chartMetrics() {
    if (data.gated_metrics && data.gated_metrics.length) return data.gated_metrics;
    const names = new Set(['ns_per_op']);
    for (const c of comparison.cases) {
      for (const [name, m] of Object.entries(c.metrics)) if (m.verdict !== 'same') names.add(name);
    }
    return [...names].filter((name) => comparison.cases.some((c) => c.metrics[name]));
  }

  // The side a regression lies on: ratio above 1 + t when lower is better, below 1 - t when higher is.
  function regressionLine(m) { return m.better === 'higher' ? 1 - m.threshold : 1 + m.threshold; }

  function verdictBox(parent) {
    if (isGate) {
      const g = data.gate;
      const improvements = g.findings.filter((f) => f.kind === 'improvement').length;
      const broke = g.findings.filter((f) => f.kind === 'broke').length;
      parent.append(el('div', { class: 'verdict ' + (g.passed ? 'passed' : 'failed'), id: 'velo-verdict' },
        `gate ${g.passed ? 'passed' : 'FAILED'}: ${g.regressions} regression${g.regressions === 1 ? '' : 's'}` +
        (broke ? ` (${broke} broken case${broke === 1 ? '' : 's'})` : '') +
        `, ${improvements} improvement${improvements === 1 ? '' : 's'}, ${g.unchanged} unchanged` +
        (g.underpowered ? `, ${g.underpowered} underpowered (too few samples to ever flag)` : '')));
    } else {
      const counts = { worse: 0, better: 0, same: 0 };
      for (const c of comparison.cases) for (const m of Object.values(c.metrics)) counts[m.verdict] = (counts[m.verdict] || 0) + 1;
      parent.append(el('div', { class: 'verdict ' + (counts.worse ? 'failed' : 'passed'), id: 'velo-verdict' },
        `${counts.worse} worse, ${counts.better} better, ${counts.same} within noise (case × metric), ` +
        `alpha ${comparison.alpha}, noise floor ${percent(comparison.min_change).replace('+', '±')}, ${comparison.correction} correction` +
        (comparison.paired ? ', paired fork by fork' : '')));
    }
  }

  function runsTable(parent) {
    const row = (label, key, f) => [label, f ? f(data.base[key]) : String(data.base[key] ?? 'unknown'), f ? f(data.head[key]) : String(data.head[key] ?? 'unknown')];
    parent.append(table(['', 'base', 'head'], [
      row('started', 'started_at'),
      row('complete', 'complete'),
      row('velo', 'velo_version'),
      row('velo commit', 'velo_commit'),
      row('git commit', 'git_commit', (v) => v === null ? 'unknown' : v),
      row('host', 'hostname'),
      row('cpu', 'cpu_model'),
      row('logical cpus', 'logical_cpus'),
      row('kernel', 'kernel'),
      row('compiler', 'compiler'),
    ]));
    for (const w of comparison.warnings || []) parent.append(el('div', { class: 'warning' }, 'warning: ' + w));
    for (const side of ['base', 'head']) {
      for (const n of data[side].notes || []) parent.append(el('div', { class: 'muted reason' }, `${side} note: ${n}`));
    }
  }

  function findingsTable(parent) {
    const g = data.gate;
    if (!g.findings.length) { parent.append(el('p', { class: 'muted' }, 'No findings: every gated case and metric is within its threshold or not significant.')); return; }
    parent.append(table(['finding', 'case', 'metric', 'base → head', 'change', 'limit (from)', 'p (adjusted)'],
      g.findings.map((f) => el('tr', {}, [
        el('td', { class: f.kind }, f.kind),
        el('td', { class: 'mono' }, f.id),
        el('td', {}, f.metric || ''),
        el('td', { class: 'num' }, f.metric ? `${num(f.base_median)} → ${num(f.head_median)} ${f.unit}` : (f.reason || '')),
        el('td', { class: 'num' }, f.metric ? percent(f.delta) : ''),
        el('td', {}, f.metric ? `${percent(f.threshold).replace('+', '')} (${f.threshold_origin})` : ''),
        el('td', { class: 'num' }, f.metric ? num(f.p_adjusted) : ''),
      ]))));
  }

  // One chart per metric: per case the ratio head/base (dot), its interval (bar), the
  // paired fork ratios (small dots), the threshold (red tick) and 1 (no change).
  const kMaxCasesPerChart = 300;
  function ratioChart(parent, metric) {
    const rows = comparison.cases.filter((c) => c.presence === 'both' && c.metrics[metric] && c.metrics[metric].ratio !== null)
      .slice(0, kMaxCasesPerChart);
    if (!rows.length) return;
    const ids = rows.map((c) => c.id);
    const intervals = { worse: [], better: [], same: [] };
    const points = { worse: [], better: [], same: [] };
    const forks = [];
    const limits = [];
    const xs = [1];
    rows.forEach((c, i) => {
      const m = c.metrics[metric];
      const v = m.verdict in points ? m.verdict : 'same';
      points[v].push({ x: m.ratio, y: i });
      xs.push(m.ratio);
      if (m.ratio_low !== null && m.ratio_high !== null) {
        intervals[v].push({ x: m.ratio_low, y: i }, { x: m.ratio_high, y: i }, { x: m.ratio_high, y: null });
        xs.push(m.ratio_low, m.ratio_high);
      }
      (m.fork_ratios || []).forEach((r, k) => { if (r !== null) { forks.push({ x: r, y: i + 0.25 - 0.5 * (k + 0.5) / m.fork_ratios.length }); xs.push(r); } });
      const sides = isGate ? [regressionLine(m)] : [1 - m.threshold, 1 + m.threshold];
      for (const t of sides) { limits.push({ x: t, y: i - 0.4 }, { x: t, y: i + 0.4 }, { x: t, y: null }); xs.push(t); }
    });
    const finite = xs.filter((x) => Number.isFinite(x) && x > 0);
    const logX = finite.length && Math.max(...finite) / Math.min(...finite) > 4;
    const colors = { worse: '#c62828', better: '#2e7d32', same: '#5d6875' };
    const datasets = [
      { type: 'line', label: 'no change (1)', data: [{ x: 1, y: -0.5 }, { x: 1, y: rows.length - 0.5 }], borderColor: '#1d232b', borderWidth: 1, pointRadius: 0 },
      { type: 'line', label: isGate ? 'threshold (regression side)' : 'noise floor', data: limits, borderColor: 'rgba(198, 40, 40, 0.7)', borderWidth: 2, pointRadius: 0, spanGaps: false, borderDash: [3, 2] },
    ];
    for (const v of ['worse', 'better', 'same']) {
      if (intervals[v].length) datasets.push({ type: 'line', label: `interval (${v})`, data: intervals[v], borderColor: colors[v] + '66', borderWidth: 8, pointRadius: 0, spanGaps: false, borderCapStyle: 'butt' });
    }
    for (const v of ['worse', 'better', 'same']) {
      if (points[v].length) datasets.push({ label: `ratio (${v})`, data: points[v], pointRadius: 5, backgroundColor: colors[v], borderColor: colors[v] });
    }
    if (forks.length) datasets.push({ label: 'fork ratios (paired)', data: forks, pointRadius: 2.5, backgroundColor: 'rgba(0, 114, 178, 0.6)', borderColor: 'rgba(0, 114, 178, 0.6)' });
    const unit = rows[0].metrics[metric].unit;
    const better = rows[0].metrics[metric].better;
    chart(parent, {
      title: `${metric}: head / base`,
      caption: `${better} is better (${unit}); dot: ratio of the medians, bar: its interval (see the table for its coverage), ` +
        (isGate ? 'red tick: the regression threshold of that case' : 'red ticks: the noise floor') +
        (forks.length ? ', small dots: fork-by-fork ratios of the paired run' : '') + (logX ? '; log x axis' : ''),
      wide: true,
      height: Math.min(Math.max(240, 130 + 28 * rows.length), 6000),  // the legend takes about 100 px
      config: {
        type: 'scatter',
        data: { datasets },
        options: {
          scales: {
            x: { type: logX ? 'logarithmic' : 'linear', title: { display: true, text: 'head / base' }, ticks: { callback: (v) => '×' + num(v) } },
            y: { type: 'linear', reverse: true, min: -0.5, max: rows.length - 0.5, grid: { display: false },
                 afterBuildTicks: (axis) => { axis.ticks = ids.map((_, i) => ({ value: i })); },
                 ticks: { autoSkip: false, callback: (v) => ids[v] !== undefined ? ids[v] : '' } },
          },
          plugins: { tooltip: { callbacks: { label: (ctx) => `${ids[Math.round(ctx.raw.y)] || ''} ${ctx.dataset.label}: ×${num(ctx.raw.x)}` } } },
        },
      },
    });
    if (comparison.cases.length > kMaxCasesPerChart) parent.append(el('p', { class: 'muted' }, `Only the first ${kMaxCasesPerChart} cases are drawn; the table has all.`));
  }

  function casesTable(parent, metrics) {
    const rows = [];
    for (const c of comparison.cases) {
      if (c.presence !== 'both') {
        rows.push(el('tr', {}, [el('td', { class: 'mono' }, c.id), el('td', { colspan: 8 }, c.presence === 'added' ? 'only in head' : 'only in base')]));
        continue;
      }
      if (c.broke) rows.push(el('tr', {}, [el('td', { class: 'mono' }, c.id), el('td', { colspan: 8, class: 'broke reason' }, `broke: ${c.head_status}: ${c.head_reason}`)]));
      for (const name of metrics) {
        const m = c.metrics[name];
        if (!m) continue;
        const notes = [];
        if (m.unstable) notes.push('unstable');
        if (m.smallest_p >= m.flaggable_p) notes.push('underpowered');
        if (m.test === 'signed_rank') notes.push(`paired, ${m.pairs} forks`);
        if (m.test === 'exact_count') notes.push('exact counts');
        if (m.test === 'exact_by_repetition') notes.push(`exact counts, repetition by repetition (${m.pairs} pairs)`);
        if (c.threads_apart) notes.push('threads apart');
        if (c.forks_disagree) notes.push('forks disagree');
        rows.push(el('tr', {}, [
          el('td', { class: 'mono' }, c.id), el('td', {}, name),
          el('td', { class: 'num' }, `${num(m.base.median)} [${num(m.base.ci_low)}, ${num(m.base.ci_high)}]`),
          el('td', { class: 'num' }, `${num(m.head.median)} [${num(m.head.ci_low)}, ${num(m.head.ci_high)}]`),
          el('td', { class: 'num' }, m.ratio === null ? '—' : `×${num(m.ratio)}` + (m.ratio_low !== null ? ` [${num(m.ratio_low)}, ${num(m.ratio_high)}] @${(m.ratio_level * 100).toFixed(0)}% (${m.ratio_interval})` : '')),
          el('td', { class: 'num ' + (verdictClass[m.verdict] || '') }, percent(m.delta)),
          el('td', { class: 'num' }, num(m.p_adjusted)),
          el('td', { class: verdictClass[m.verdict] || '' }, m.verdict),
          el('td', {}, `${isGate ? 'limit' : 'floor'} ${percent(m.threshold).replace('+', '')}${isGate ? ' (' + m.threshold_origin + ')' : ''}` + (notes.length ? '; ' + notes.join(', ') : '')),
        ]));
      }
    }
    parent.append(table(['case', 'metric', 'base median [CI]', 'head median [CI]', 'head / base [interval]', 'change', 'p (adjusted)', 'verdict', 'threshold, notes'], rows));
  }

  velo.start(() => {
    const top = section('verdict', isGate ? 'Verdict' : 'Summary');
    verdictBox(top);
    guard(top, 'runs', () => runsTable(top));
    if (isGate) {
      top.append(el('h3', {}, 'findings'));
      guard(top, 'findings', () => findingsTable(top));
    }
    const metrics = chartMetrics();
    const charts = section('ratios', 'Ratios');
    for (const metric of metrics) guard(charts, metric, () => ratioChart(charts, metric));
    if (comparison.geomeans && comparison.geomeans.length) {
      charts.append(el('h3', {}, 'geometric mean of the ratios'), table(['metric', 'head / base', 'cases'],
        comparison.geomeans.map((g) => [g.metric, '×' + num(g.ratio), String(g.cases)])));
    }
    const all = section('cases', 'Every case');
    guard(all, 'cases', () => casesTable(all, metrics));
  });
})();
