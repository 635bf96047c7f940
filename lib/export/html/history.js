// velo HTML page of `velo history html`: the history's series as trend charts with
// their change points (lib/export/html_history.cpp builds the data). On top, every
// change found, newest first; then one chart per series, grouped by case: each
// commit's median (dot) and interquartile range (band), the level of each segment
// between change points (step line) and the change points (dashed lines, labelled
// with the change). docs/history.md describes how to read it.
(() => {
  const { data, el, num, percent, guard, chart, section, facts, table, color } = velo;
  const series = data.series;
  const kMaxCharts = 400;
  const verdictColor = { worse: '#c62828', better: '#2e7d32' };

  const short = (commit) => (commit || '').slice(0, 12) || 'unknown';
  function commitLink(commit) {
    if (!data.commit_url || !commit) return el('span', { class: 'mono', title: commit || '' }, short(commit));
    return el('a', { class: 'mono', href: data.commit_url.split('{commit}').join(encodeURIComponent(commit)),
                     title: commit, target: '_blank', rel: 'noopener' }, short(commit));
  }
  const manyMachines = data.machines.length > 1 || data.builds.length > 1;
  const where = (s) => manyMachines ? ` on M${s.machine + 1}/B${s.build + 1}` : '';
  const anchor = (i) => 'series-' + i;
  function changeText(c) {
    if (c.relative === null) return 'n/a';
    return percent(c.relative) + (c.relative_ci ? ` [${percent(c.relative_ci[0])}, ${percent(c.relative_ci[1])}]` : '');
  }

  function summary(parent) {
    const changes = series.flatMap((s) => s.changes);
    const worse = changes.filter((c) => c.verdict === 'worse').length;
    const better = changes.filter((c) => c.verdict === 'better').length;
    const unanalysed = series.filter((s) => !s.analysed).length;
    parent.append(el('div', { class: 'verdict ' + (worse ? 'failed' : 'passed'), id: 'velo-verdict' },
      `${changes.length} change${changes.length === 1 ? '' : 's'} in ${series.length} series: ${worse} worse, ${better} better` +
      (unanalysed ? `; ${unanalysed} series too short to analyse` : '')));
    const d = data.detector;
    const sel = data.selection;
    parent.append(facts([
      ['database', data.source],
      ['cases', sel.case ? `matching ${sel.case}` : 'all'],
      ['metrics', sel.metrics.length ? sel.metrics.join(', ') : 'all'],
      ['branch', sel.branch || 'every branch'],
      ['detection', `${d.method}: significance ${d.significance}, ${d.permutations} permutations, ` +
                    `at least ${d.min_segment} commits per segment, alpha ${d.alpha}, seed ${d.seed}; ` +
                    `intervals at ${(d.level * 100).toFixed(0)}%`],
      ['commits', data.commit_url ? `linked to ${data.commit_url}` : 'not linked (velo history html --commit-url)'],
    ]));
    if (manyMachines) {
      parent.append(el('h3', {}, 'machines and builds (never mixed in one series)'), table(['key', 'is'], [
        ...data.machines.map((m, i) => [`M${i + 1}`, m]),
        ...data.builds.map((b, i) => [`B${i + 1}`, b]),
      ]));
    }
  }

  function changesTable(parent) {
    const rows = [];
    series.forEach((s, i) => s.changes.forEach((c) => rows.push({ s, c, i })));
    if (!rows.length) { parent.append(el('p', { class: 'muted' }, 'No change points in any analysed series.')); return; }
    rows.sort((a, b) => (b.c.started_at > a.c.started_at) - (b.c.started_at < a.c.started_at));
    parent.append(table(['first commit after', 'started', 'case', 'metric', 'before → after', 'change [interval]', 'p', 'verdict'],
      rows.map(({ s, c, i }) => el('tr', {}, [
        el('td', {}, commitLink(c.commit)),
        el('td', { class: 'mono' }, c.started_at),
        el('td', {}, el('a', { class: 'mono', href: '#' + anchor(i) }, s.case + where(s))),
        el('td', {}, s.metric),
        el('td', { class: 'num' }, `${num(c.before)} → ${num(c.after)} ${s.unit}`),
        el('td', { class: 'num ' + (c.verdict in verdictColor ? c.verdict : '') }, changeText(c)),
        el('td', { class: 'num' }, num(c.p_value)),
        el('td', { class: c.verdict in verdictColor ? c.verdict : '' }, c.verdict),
      ]))));
  }

  // Dashed vertical lines between the last commit before a change and the first after it.
  const changeMarkers = {
    id: 'veloChangeMarkers',
    afterDatasetsDraw(c, args, options) {
      const { ctx, chartArea, scales } = c;
      ctx.save();
      for (const change of options.changes || []) {
        const x = (scales.x.getPixelForValue(change.index - 1) + scales.x.getPixelForValue(change.index)) / 2;
        const colour = verdictColor[change.verdict] || '#5d6875';
        ctx.strokeStyle = colour;
        ctx.fillStyle = colour;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([5, 4]);
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.font = '600 11px system-ui, sans-serif';
        const text = change.relative === null ? 'change' : percent(change.relative);
        const width = ctx.measureText(text).width;
        ctx.fillText(text, Math.min(x + 4, chartArea.right - width), chartArea.top + 12);
      }
      ctx.restore();
    },
  };

  function trendChart(parent, s, i) {
    const points = s.points;
    const labels = points.map((p) => short(p.commit));
    // Each point's segment level: the median of its segment (before of the first change, after of each).
    const levels = points.map((_, k) => {
      let level = s.changes.length ? s.changes[0].before : null;
      for (const c of s.changes) if (k >= c.index) level = c.after;
      return level;
    });
    const hasBand = points.some((p) => p.q1 !== undefined);
    const datasets = [];
    if (hasBand) {
      datasets.push(
        { label: 'interquartile range of the samples', data: points.map((p) => p.q3 ?? null), borderWidth: 0, pointRadius: 0,
          backgroundColor: color(0, 0.15), fill: '+1', spanGaps: true },
        { label: '', data: points.map((p) => p.q1 ?? null), borderWidth: 0, pointRadius: 0, fill: false, spanGaps: true });
    }
    datasets.push({ label: 'median of the run', data: points.map((p) => p.median), borderColor: color(0), backgroundColor: color(0),
                    borderWidth: 1, pointRadius: points.length > 120 ? 1.5 : 2.5, pointHoverRadius: 5, tension: 0 });
    if (s.changes.length) {
      datasets.push({ label: 'segment level (median)', data: levels, borderColor: '#1d232b', borderWidth: 2, pointRadius: 0,
                      stepped: 'middle', fill: false });
    }
    const status = !s.analysed ? `not analysed: fewer than ${2 * data.detector.min_segment} commits` :
      s.changes.length ? `${s.changes.length} change${s.changes.length === 1 ? '' : 's'}: ` +
        s.changes.map((c) => `${changeText(c)} at ${short(c.commit)} (p ${num(c.p_value)})`).join('; ') : 'no change found';
    const figure = chart(parent, {
      title: `${s.metric}${where(s)}`,
      caption: `${s.better} is better (${s.unit}), ${points.length} commits, oldest first; ${status}` +
        (data.commit_url ? '; click a point to open its commit' : ''),
      wide: true,
      height: 280,
      config: {
        type: 'line',
        data: { labels, datasets },
        plugins: [changeMarkers],
        options: {
          interaction: { mode: 'index', intersect: false },
          scales: {
            x: { title: { display: true, text: 'commit' }, ticks: { autoSkip: true, maxRotation: 60, font: { family: 'monospace', size: 10 } } },
            y: { title: { display: true, text: s.unit }, ticks: { callback: (v) => num(v) } },
          },
          onClick: (event, elements) => {
            if (!data.commit_url || !elements.length) return;
            const p = points[elements[0].index];
            if (p && p.commit) window.open(data.commit_url.split('{commit}').join(encodeURIComponent(p.commit)), '_blank', 'noopener');
          },
          plugins: {
            veloChangeMarkers: { changes: s.changes },
            legend: { labels: { filter: (item) => item.text !== '' } },
            tooltip: {
              filter: (item) => item.dataset.label !== '',
              callbacks: {
                title: (items) => {
                  const p = points[items[0].dataIndex];
                  return `${p.commit || 'unknown commit'}\n${p.started_at}${p.branch ? ' on ' + p.branch : ''}`;
                },
                label: (item) => {
                  const p = points[item.dataIndex];
                  if (item.dataset.label.startsWith('median')) return `median ${num(p.median)} ${s.unit} (${p.n} samples)`;
                  if (item.dataset.label.startsWith('inter')) return `interquartile ${num(p.q1)} – ${num(p.q3)}`;
                  return `segment level ${num(item.raw)}`;
                },
              },
            },
          },
        },
      },
    });
    figure.id = anchor(i);
    const table_ = s.changes.length ? table(['first commit after', 'last commit before', 'before → after', 'change [interval]', 'p'],
      s.changes.map((c) => el('tr', {}, [el('td', {}, commitLink(c.commit)), el('td', {}, commitLink(c.previous_commit)),
        el('td', { class: 'num' }, `${num(c.before)} → ${num(c.after)} ${s.unit}`),
        el('td', { class: 'num ' + (c.verdict in verdictColor ? c.verdict : '') }, changeText(c)), el('td', { class: 'num' }, num(c.p_value))]))) : null;
    if (table_) figure.append(table_);
  }

  velo.start(() => {
    const top = section('summary', 'Summary');
    summary(top);
    const changes = section('changes', 'Changes');
    guard(changes, 'changes', () => changesTable(changes));
    const trends = section('trends', 'Trends');
    if (!series.length) trends.append(el('p', { class: 'muted' }, 'No series: nothing stored matches the selection.'));
    let drawn = 0;
    let lastCase = null;
    series.forEach((s, i) => {
      if (drawn >= kMaxCharts) return;
      if (s.case !== lastCase) { trends.append(el('h3', { class: 'mono' }, s.case)); lastCase = s.case; }
      guard(trends, `${s.case} ${s.metric}`, () => trendChart(trends, s, i));
      ++drawn;
    });
    if (series.length > kMaxCharts) {
      trends.append(el('p', { class: 'muted' }, `Only the first ${kMaxCharts} of ${series.length} series are drawn; ` +
        'choose with velo history html --case and --metric. The changes table above lists all.'));
    }
  });
})();
