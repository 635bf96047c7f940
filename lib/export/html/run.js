// velo HTML report of a run (`velo report`, `velo run --html`). Reads the report
// JSON (reports/SPEC.md) from the page's data and draws, per scenario and parameter
// point, the table and its charts; then scaling curves, the environment, notes and
// skips. docs/reports.md describes every chart.
(() => {
  const { data, el, num, bytes, parseGroup, color, guard, chart, section, facts, table, axisType } = velo;

  // --- reading the report -------------------------------------------------------

  const familyOf = (name) => (data.families && data.families[name]) || { headline: ['ns_per_op', 'ops_per_s'], params: {} };

  function metricOf(c, name) { return c.metrics && c.metrics[name] ? c.metrics[name] : null; }
  function median(c, name) { const m = metricOf(c, name); return m ? m.summary.median : null; }

  // The first headline metric any case of `cases` has: what the charts plot.
  function primaryMetric(cases, family) {
    const names = familyOf(family).headline.concat(['ns_per_op']);
    for (const name of names) if (cases.some((c) => metricOf(c, name))) return name;
    return null;
  }

  // Tables as the terminal prints them: one per (scenario, group). A case whose group
  // is a subset of a larger group (its implementation takes fewer parameters) belongs
  // to every table whose group contains it.
  function tablesOf(cases) {
    const pairs = (g) => new Set(parseGroup(g).map(([k, v]) => k + '=' + v));
    const contains = (big, small) => [...small].every((p) => big.has(p));
    const groups = [...new Set(cases.map((c) => c.group))];
    const maximal = groups.filter((g) => !groups.some((o) => o !== g && pairs(o).size > pairs(g).size && contains(pairs(o), pairs(g))));
    return maximal.map((g) => ({ group: g, cases: cases.filter((c) => contains(pairs(g), pairs(c.group))) }));
  }

  // Samples of one metric split by fork (details.fork_repetitions), as [[fork0...], [fork1...]].
  function forksOf(c, metric) {
    const samples = metric.samples;
    const shares = Array.isArray(c.details && c.details.fork_repetitions) ? c.details.fork_repetitions : [samples.length];
    const out = [];
    let at = 0;
    for (const share of shares) { out.push(samples.slice(at, at + share)); at += share; }
    if (at !== samples.length) return [samples];
    return out;
  }

  function isBetter(metric, a, b) { return metric.better === 'higher' ? a > b : a < b; }

  // Fastest variant and the spread (worst / best median) of one table's primary metric.
  function summaryOf(tab, primary) {
    const ok = tab.cases.filter((c) => c.status === 'ok' && metricOf(c, primary));
    if (!ok.length) return null;
    let best = ok[0];
    let worst = ok[0];
    for (const c of ok) {
      const m = metricOf(c, primary);
      if (isBetter(m, m.summary.median, median(best, primary))) best = c;
      if (isBetter(m, median(worst, primary), m.summary.median)) worst = c;
    }
    const b = median(best, primary);
    const w = median(worst, primary);
    const spread = b > 0 && w > 0 ? Math.max(b, w) / Math.min(b, w) : null;
    return { best, worst, spread, count: ok.length };
  }

  function flags(c, primary) {
    const out = [];
    const m = metricOf(c, primary);
    if (m && m.summary.cv > 0.05) out.push(`! unstable (CV ${(m.summary.cv * 100).toFixed(1)}%)`);
    const overlap = metricOf(c, 'overlap_pct');
    if (overlap && overlap.summary.median < 90) out.push(`~ threads apart (overlap ${overlap.summary.median.toFixed(0)}%)`);
    if (c.details && c.details.fork_spread && c.details.fork_spread.disagree) out.push('≠ forks disagree');
    if (c.partial) out.push('partial (interrupted)');
    return out.join('; ');
  }

  function paramText(family, name, value) {
    const spec = familyOf(family).params[name];
    if (spec && spec.type === 'bytes' && typeof value === 'number') return bytes(value);
    return String(value);
  }
  function groupText(family, group) {
    const pairs = parseGroup(group);
    return pairs.length ? pairs.map(([k, v]) => `${k}=${paramText(family, k, /^-?\d+$/.test(v) ? Number(v) : v)}`).join(', ') : '(no parameters)';
  }

  // --- the table of one (scenario, group) ----------------------------------------

  function caseTable(tab, family, primary) {
    const headline = familyOf(family).headline.filter((name) => tab.cases.some((c) => metricOf(c, name)));
    const baseline = tab.cases.find((c) => c.baseline && metricOf(c, primary));
    const headers = ['variant', 'status'];
    for (const name of headline) headers.push(name);
    headers.push('95% CI of ' + primary, 'vs baseline', 'CV', 'n (forks)', 'flags');
    const rows = tab.cases.map((c) => {
      const m = metricOf(c, primary);
      const cells = [el('td', {}, c.variant), el('td', { class: c.status === 'ok' ? '' : 'worse' }, c.status)];
      for (const name of headline) {
        const hm = metricOf(c, name);
        cells.push(el('td', { class: 'num' }, hm ? `${num(hm.summary.median)} ${hm.unit}` : '—'));
      }
      if (m) {
        cells.push(el('td', { class: 'num' }, `[${num(m.summary.ci_low)}, ${num(m.summary.ci_high)}] @${(m.summary.ci_level * 100).toFixed(1)}%`));
        let ratio = '—';
        let cls = 'num';
        if (baseline && c !== baseline && median(baseline, primary) > 0) {
          const r = m.summary.median / median(baseline, primary);
          ratio = '×' + num(r);
          const better = m.better === 'higher' ? r > 1 : r < 1;
          cls += better ? ' better' : ' worse';
        }
        cells.push(el('td', { class: cls }, ratio));
        cells.push(el('td', { class: 'num' }, (m.summary.cv * 100).toFixed(1) + '%'));
        cells.push(el('td', { class: 'num' }, `${m.summary.n} (${(c.run && c.run.forks) || 1})`));
      } else {
        cells.push(el('td', {}, '—'), el('td', {}, '—'), el('td', {}, '—'), el('td', {}, '—'));
      }
      cells.push(el('td', { class: 'flag' }, flags(c, primary)));
      return el('tr', { class: c.baseline ? 'baseline' : '' }, cells);
    });
    return table(headers, rows);
  }

  // Every variant's median with its confidence interval, and every repetition as a
  // point, one column of points per fork (so disagreeing forks and bimodal samples show).
  function distributionChart(parent, tab, primary) {
    const cases = tab.cases.filter((c) => metricOf(c, primary));
    if (!cases.length) return;
    const names = cases.map((c) => c.variant);
    const samples = [];
    const sampleColors = [];
    const ci = [];
    const medians = [];
    let maxForks = 1;
    cases.forEach((c, i) => {
      const m = metricOf(c, primary);
      const forks = forksOf(c, m);
      maxForks = Math.max(maxForks, forks.length);
      forks.forEach((fork, k) => {
        const center = forks.length === 1 ? 0 : -0.3 + 0.6 * (k + 0.5) / forks.length;
        fork.forEach((y, j) => {
          samples.push({ x: i + center + ((j % 5) - 2) * 0.025, y, fork: k });
          sampleColors.push(color(k, 0.55));
        });
      });
      ci.push({ x: i, y: m.summary.ci_low }, { x: i, y: m.summary.ci_high }, { x: i, y: null });
      medians.push({ x: i, y: m.summary.median });
    });
    const unit = metricOf(cases[0], primary).unit;
    chart(parent, {
      title: `${primary} (${unit}) per variant`,
      caption: 'bar: 95% confidence interval of the median; dash: median; dots: every repetition' +
        (maxForks > 1 ? `, one column and colour per fork (${maxForks} forks)` : ''),
      config: {
        type: 'scatter',
        data: {
          datasets: [
            { type: 'line', label: 'CI of the median', data: ci, borderColor: 'rgba(31, 95, 168, 0.35)', borderWidth: 14,
              pointRadius: 0, spanGaps: false, borderCapStyle: 'butt' },
            { label: 'median', data: medians, pointStyle: 'line', pointRadius: 16, borderWidth: 3, borderColor: '#1d232b',
              backgroundColor: '#1d232b' },
            { label: 'repetitions', data: samples, pointRadius: 3, pointBackgroundColor: sampleColors,
              pointBorderColor: sampleColors, backgroundColor: color(0, 0.55) },
          ],
        },
        options: {
          scales: {
            x: { type: 'linear', min: -0.5, max: names.length - 0.5, grid: { display: false },
                 afterBuildTicks: (axis) => { axis.ticks = names.map((_, i) => ({ value: i })); },
                 ticks: { autoSkip: false, maxRotation: 40, callback: (v) => names[v] !== undefined ? names[v] : '' } },
            y: { type: axisType(samples.map((s) => s.y), 50), title: { display: true, text: `${primary} (${unit})` } },
          },
          plugins: {
            tooltip: { callbacks: { label: (ctx) => {
              const p = ctx.raw;
              const name = names[Math.round(p.x)];
              return ctx.dataset.label === 'repetitions' ? `${name}: ${num(p.y)} ${unit} (fork ${p.fork + 1})` : `${name}: ${num(p.y)} ${unit}`;
            } } },
          },
        },
      },
    });
  }

  // Latency percentiles: metrics named PREFIX_pNN_UNIT (p50, p99, p999) and PREFIX_max_UNIT.
  function latencyCharts(parent, tab) {
    const pattern = /^(.+)_(p\d+|max)_([a-z]+)$/;
    const prefixes = new Map();
    for (const c of tab.cases) {
      for (const name of Object.keys(c.metrics || {})) {
        const match = pattern.exec(name);
        if (!match) continue;
        const key = match[1] + '_' + match[3];
        if (!prefixes.has(key)) prefixes.set(key, { prefix: match[1], unit: match[3], levels: new Set() });
        prefixes.get(key).levels.add(match[2]);
      }
    }
    const rank = (level) => level === 'max' ? 2 : Number('0.' + level.slice(1));
    for (const { prefix, unit, levels } of prefixes.values()) {
      const ordered = [...levels].sort((a, b) => rank(a) - rank(b));
      const cases = tab.cases.filter((c) => ordered.some((l) => metricOf(c, `${prefix}_${l}_${unit}`)));
      const values = [];
      const datasets = cases.map((c, i) => {
        const points = ordered.map((l) => median(c, `${prefix}_${l}_${unit}`));
        values.push(...points);
        return { label: c.variant, data: points, borderColor: color(i), backgroundColor: color(i), pointRadius: 4, spanGaps: true };
      });
      chart(parent, {
        title: `${prefix} percentiles (${unit})`,
        caption: 'median over repetitions of each percentile; a steep right end means a long tail',
        config: { type: 'line', data: { labels: ordered, datasets },
          options: { scales: { y: { type: axisType(values, 10), title: { display: true, text: unit } } } } },
      });
    }
  }

  // Allocations beside time: allocs/op and B/op medians per variant (pools, or any
  // family that puts them among its headline metrics).
  function allocChart(parent, tab, family) {
    const headline = familyOf(family).headline;
    if (family !== 'pool' && !headline.includes('allocs_per_op') && !headline.includes('bytes_per_op')) return;
    const cases = tab.cases.filter((c) => metricOf(c, 'allocs_per_op') || metricOf(c, 'bytes_per_op'));
    if (!cases.length) return;
    chart(parent, {
      title: 'allocations per operation',
      caption: 'median heap allocations (left axis) and bytes allocated (right axis) per operation; a missing bar was not measured',
      config: {
        type: 'bar',
        data: {
          labels: cases.map((c) => c.variant),
          datasets: [
            { label: 'allocs/op', data: cases.map((c) => median(c, 'allocs_per_op')), backgroundColor: color(0, 0.8), yAxisID: 'y' },
            { label: 'B/op', data: cases.map((c) => median(c, 'bytes_per_op')), backgroundColor: color(1, 0.8), yAxisID: 'y1' },
          ],
        },
        options: { scales: {
          y: { position: 'left', beginAtZero: true, title: { display: true, text: 'allocs/op' } },
          y1: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'B/op' } },
        } },
      },
    });
  }

  // --- cache-line layouts ----------------------------------------------------------

  const kMaxLines = 16;
  function layoutDiagram(layout, variants) {
    const lineBytes = layout.line_bytes || 64;
    const scale = 640 / lineBytes;
    const lines = Math.max(1, Math.ceil(layout.sizeof / lineBytes));
    const box = el('div', { class: 'layout' });
    box.append(el('div', { class: 'title' },
      `struct ${layout.name}: sizeof ${layout.sizeof}, alignof ${layout.alignof}, ${layout.padding_bytes} bytes of padding, ` +
      `${lines} cache line${lines === 1 ? '' : 's'} of ${lineBytes} B`),
      el('div', { class: 'legend' }, `${variants.join(', ')} · one row per cache line, one colour per field, hatched: padding`));
    const fields = layout.fields || [];
    const shown = Math.min(lines, kMaxLines);
    for (let line = 0; line < shown; ++line) {
      const lo = line * lineBytes;
      const hi = lo + lineBytes;
      const row = el('div', { class: 'bytes' });
      fields.forEach((f, i) => {
        const start = Math.max(f.offset, lo);
        const end = Math.min(f.offset + Math.max(f.size, 1), hi);
        if (end > start) {
          row.append(el('div', { class: 'field', title: `${f.type} ${f.name}: offset ${f.offset}, ${f.size} B`,
            style: { left: (start - lo) * scale + 'px', width: (end - start) * scale + 'px', background: color(i) } }, f.name));
        }
        const padStart = Math.max(f.offset + f.size, lo);
        const padEnd = Math.min(f.offset + f.size + (f.padding_after || 0), hi);
        if (padEnd > padStart) {
          row.append(el('div', { class: 'pad', title: `${f.padding_after} bytes of padding after ${f.name}`,
            style: { left: (padStart - lo) * scale + 'px', width: (padEnd - padStart) * scale + 'px' } }));
        }
      });
      box.append(el('div', { class: 'line' }, el('span', { class: 'label' }, `line ${line} @${lo}`), row));
    }
    if (lines > shown) box.append(el('div', { class: 'legend' }, `${lines - shown} more lines not drawn (see the table below and the JSON)`));
    box.append(el('details', {}, el('summary', {}, 'fields'), table(['field', 'type', 'offset', 'size', 'padding after', 'line'],
      fields.map((f) => [f.name, f.type, String(f.offset), String(f.size), String(f.padding_after),
        f.cache_line_end !== undefined ? `${f.cache_line}–${f.cache_line_end}` : String(f.cache_line)]))));
    ++velo.state.diagrams;
    return box;
  }

  // Each distinct set of layouts once per table, naming the variants that share it.
  function layouts(parent, tab) {
    const seen = new Map();
    for (const c of tab.cases) {
      const list = c.details && Array.isArray(c.details.layouts) ? c.details.layouts : null;
      if (!list || !list.length) continue;
      const key = JSON.stringify(list);
      if (!seen.has(key)) seen.set(key, { list, variants: [] });
      seen.get(key).variants.push(c.variant);
    }
    if (!seen.size) return;
    parent.append(el('h4', {}, 'memory layouts'));
    for (const { list, variants } of seen.values()) {
      for (const layout of list) parent.append(layoutDiagram(layout, variants));
    }
  }

  // Notes, skip and failure reasons, in full; flame graphs of profiled cases.
  function caseNotes(parent, tab) {
    const items = [];
    for (const c of tab.cases) {
      if (c.status !== 'ok') items.push(el('li', {}, el('b', {}, `${c.variant} ${c.status}: `), el('span', { class: 'reason' }, c.reason || c.skip_reason || '')));
      for (const note of (c.details && c.details.notes) || []) items.push(el('li', {}, el('b', {}, `${c.variant}: `), el('span', { class: 'reason' }, note)));
    }
    if (items.length) parent.append(el('h4', {}, 'notes and reasons'), el('ul', {}, items));
    for (const c of tab.cases) {
      const svg = data.flamegraphs && data.flamegraphs[c.id];
      const problem = data.flamegraph_problems && data.flamegraph_problems[c.id];
      if (svg) {
        const details = el('details', { class: 'flame' }, el('summary', {}, `flame graph: ${c.id}`));
        details.addEventListener('toggle', () => {
          if (!details.open || details.querySelector('iframe')) return;
          // A data: URL keeps it an SVG document (its script expects one) with an opaque origin.
          const url = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
          details.append(el('iframe', { src: url, sandbox: 'allow-scripts', title: `flame graph of ${c.id}` }));
        });
        parent.append(details);
      } else if (problem) {
        parent.append(el('p', { class: 'muted' }, `flame graph of ${c.id} not embedded: ${problem}`));
      }
    }
  }

  // --- scaling curves ---------------------------------------------------------------

  const kMaxCurvesPerParam = 6;
  // For every numeric parameter the scenario varies: the primary metric against it,
  // one line per variant, one chart per combination of the other parameters.
  function scalingCharts(parent, scenario, cases, primary) {
    const family = scenario.family;
    const keys = [...new Set(cases.flatMap((c) => parseGroup(c.group).map(([k]) => k)))];
    for (const p of keys) {
      const having = cases.filter((c) => typeof (c.params || {})[p] === 'number' && metricOf(c, primary));
      const values = [...new Set(having.map((c) => c.params[p]))];
      if (values.length < 2) continue;
      const rest = (c) => parseGroup(c.group).filter(([k]) => k !== p).map(([k, v]) => `${k}=${v}`).join(',');
      const combos = [...new Set(having.map(rest))];
      const isBytes = (familyOf(family).params[p] || {}).type === 'bytes';
      combos.slice(0, kMaxCurvesPerParam).forEach((combo) => {
        const members = having.filter((c) => rest(c) === combo);
        const variants = [...new Set(members.map((c) => c.variant))];
        const ys = [];
        const datasets = variants.map((variant, i) => {
          const points = members.filter((c) => c.variant === variant)
            .map((c) => ({ x: c.params[p], y: median(c, primary), low: metricOf(c, primary).summary.ci_low, high: metricOf(c, primary).summary.ci_high }))
            .sort((a, b) => a.x - b.x);
          ys.push(...points.map((q) => q.y));
          return { type: 'line', label: variant, data: points, borderColor: color(i), backgroundColor: color(i), pointRadius: 4, showLine: true };
        });
        if (datasets.every((d) => d.data.length < 2)) return;
        const xs = values;
        const unit = metricOf(members[0], primary).unit;
        chart(parent, {
          title: `${primary} vs ${p}` + (combo ? ` (${groupText(family, combo)})` : ''),
          caption: 'median per variant; hover a point for its 95% CI' + (axisType(xs, 7) === 'logarithmic' ? '; log x axis' : '') +
            (axisType(ys, 20) === 'logarithmic' ? '; log y axis' : ''),
          config: {
            type: 'scatter',
            data: { datasets },
            options: {
              scales: {
                x: { type: axisType(xs, 7), title: { display: true, text: p },
                     afterBuildTicks: (axis) => { axis.ticks = xs.slice().sort((a, b) => a - b).map((value) => ({ value })); },
                     ticks: { callback: (v) => isBytes ? bytes(v) : num(v) } },
                y: { type: axisType(ys, 20), title: { display: true, text: `${primary} (${unit})` } },
              },
              plugins: { tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${num(ctx.raw.y)} ${unit} [${num(ctx.raw.low)}, ${num(ctx.raw.high)}] at ${p}=${isBytes ? bytes(ctx.raw.x) : ctx.raw.x}` } } },
            },
          },
        });
      });
      if (combos.length > kMaxCurvesPerParam) {
        parent.append(el('p', { class: 'muted' }, `${combos.length - kMaxCurvesPerParam} more combinations of the other parameters are not drawn against ${p}.`));
      }
    }
  }

  // --- sections ----------------------------------------------------------------------

  function scenarioSection(id, label, scenario, cases, summaries) {
    const sec = section(id, label + scenario.name);
    const fam = familyOf(scenario.family);
    sec.append(el('p', { class: 'muted' }, `family ${scenario.family}` + (fam.doc ? ` — ${fam.doc}` : '') +
      (fam.op ? `; one op: ${fam.op}` : '') + ` · ${scenario.path} · ${scenario.content_hash}`));
    const primary = primaryMetric(cases, scenario.family);
    for (const tab of tablesOf(cases)) {
      guard(sec, `${scenario.name} ${tab.group}`, () => {
        sec.append(el('h3', {}, groupText(scenario.family, tab.group)));
        sec.append(caseTable(tab, scenario.family, primary || 'ns_per_op'));
        const s = primary ? summaryOf(tab, primary) : null;
        summaries.push({ scenario: scenario.name, group: groupText(scenario.family, tab.group), primary, summary: s, total: tab.cases.length });
        if (s && s.count > 1) {
          sec.append(el('p', {}, `Fastest: `, el('b', {}, s.best.variant), ` (${num(median(s.best, primary))} ${metricOf(s.best, primary).unit})` +
            (s.spread ? `; the slowest, ${s.worst.variant}, is ×${num(s.spread)} apart.` : '')));
        }
        const charts = el('div', { class: 'charts' });
        sec.append(charts);
        if (primary) distributionChart(charts, tab, primary);
        latencyCharts(charts, tab);
        allocChart(charts, tab, scenario.family);
        layouts(sec, tab);
        caseNotes(sec, tab);
      });
    }
    if (primary) {
      const charts = el('div', { class: 'charts' });
      guard(sec, `${scenario.name} scaling`, () => scalingCharts(charts, scenario, cases, primary));
      if (charts.childNodes.length) sec.append(el('h3', {}, 'scaling'), charts);
    }
  }

  function overviewSection(id, label, entry, summaries) {
    const report = entry.report;
    const sec = section(id, label + 'Overview');
    const p = report.provenance || {};
    sec.append(facts([
      ['report', entry.source],
      ['started', report.started_at], ['finished', report.finished_at],
      ['velo', `${p.velo_version} (${p.velo_commit})`],
      ['git commit', p.git_commit === null ? null : `${p.git_commit}${p.git_dirty ? ' (uncommitted changes)' : ''}`],
      ['directory', p.directory],
      ['settings', JSON.stringify(report.settings)],
      report.pairing ? ['paired run', `${report.pairing.run_id}, this is the ${report.pairing.role} side`] : ['paired run', undefined],
    ]));
    if (!report.complete) sec.append(el('div', { class: 'warning' }, 'This run was interrupted: the report holds only the cases finished before.'));
    const counts = { ok: 0, skipped: 0, failed: 0, timeout: 0 };
    for (const c of report.cases) counts[c.status] = (counts[c.status] || 0) + 1;
    sec.append(el('p', {}, `${report.cases.length} cases: ${counts.ok} ok, ${counts.skipped} skipped, ${counts.failed} failed, ${counts.timeout} timed out.`));
    return sec;
  }

  function summaryTable(sec, summaries) {
    sec.append(el('h3', {}, 'summary: the fastest variant of each table'), table(['scenario', 'parameters', 'metric', 'fastest', 'median', 'spread (slowest / fastest)', 'ok / cases'],
      summaries.map(({ scenario, group, primary, summary, total }) => summary
        ? [scenario, group, primary, summary.best.variant, `${num(median(summary.best, primary))} ${metricOf(summary.best, primary).unit}`,
           summary.spread ? '×' + num(summary.spread) : '—', `${summary.count} / ${total}`]
        : [scenario, group, primary || '—', '—', '—', '—', `0 / ${total}`])));
  }

  function environmentSection(id, label, report) {
    const sec = section(id, label + 'Environment, notes and skips');
    const e = report.environment || {};
    sec.append(facts([
      ['host', e.hostname], ['os', `${e.os} ${e.kernel} ${e.arch}`], ['cpu', `${e.cpu_model} (${e.logical_cpus} logical CPUs)`],
      ['governor', e.governor], ['compiler', `${e.compiler} ${e.compiler_flags}`], ['build type', e.build_type], ['libc', e.libc],
      ['caches', (e.caches || []).map((c) => `L${c.level} ${c.type} ${bytes(c.size_bytes)} (${c.line_bytes} B lines)`).join(', ')],
    ]));
    sec.append(el('h3', {}, 'notes'));
    sec.append(report.notes && report.notes.length ? el('ul', {}, report.notes.map((n) => el('li', { class: 'reason' }, n))) : el('p', { class: 'muted' }, 'none'));
    const skipped = report.cases.filter((c) => c.status !== 'ok');
    sec.append(el('h3', {}, 'skipped, failed and timed-out cases'));
    sec.append(skipped.length ? table(['case', 'status', 'reason'], skipped.map((c) => [c.id, c.status, el('td', { class: 'reason' }, c.reason || c.skip_reason || '')]))
      : el('p', { class: 'muted' }, 'none'));
    sec.append(el('h3', {}, 'scenarios'), table(['name', 'family', 'file', 'content hash'],
      report.scenarios.map((s) => [s.name, s.family, s.path, el('td', { class: 'mono' }, s.content_hash)])));
  }

  velo.start(() => {
    const several = data.reports.length > 1;
    data.reports.forEach((entry, r) => {
      const report = entry.report;
      const prefix = several ? `r${r + 1}-` : '';
      const label = several ? `${entry.source}: ` : '';
      const summaries = [];
      const overview = overviewSection(prefix + 'overview', label, entry, summaries);
      const known = new Set(report.scenarios.map((s) => s.name));
      report.scenarios.forEach((scenario, i) => {
        const cases = report.cases.filter((c) => c.scenario === scenario.name);
        if (cases.length) scenarioSection(`${prefix}s${i + 1}`, label, scenario, cases, summaries);
      });
      const orphans = report.cases.filter((c) => !known.has(c.scenario));
      if (orphans.length) {
        scenarioSection(`${prefix}other`, label, { name: 'other cases', family: orphans[0].family, path: '', content_hash: '' }, orphans, summaries);
      }
      guard(overview, 'summary', () => summaryTable(overview, summaries));
      environmentSection(prefix + 'environment', label, report);
    });
  });
})();
