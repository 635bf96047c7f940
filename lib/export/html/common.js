// velo HTML reports: what every page shares. Hand-written (no framework): DOM
// helpers, number formatting, one way to create a chart, and the status line the
// browser test reads (data-velo-charts, data-velo-expected, data-velo-errors on
// <body>). Charts are Chart.js's (the global `Chart`); velo draws only the tables
// and the cache-line diagrams itself.
'use strict';

const velo = (() => {
  const data = JSON.parse(document.getElementById('velo-data').textContent);
  const main = document.getElementById('velo-main');
  const nav = document.getElementById('velo-nav');
  const state = { expected: 0, rendered: 0, diagrams: 0 };

  // el('td', {class: 'num'}, 'text', otherNode): text is always a text node, never HTML.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'style' && typeof value === 'object') Object.assign(node.style, value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // 3 significant digits with an SI suffix above 10000: 1.23, 45.6, 789, 12.3k, 4.56M.
  function num(x) {
    if (x === null || x === undefined) return '—';
    if (typeof x === 'string') return x;
    if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'NaN';
    const a = Math.abs(x);
    if (a === 0) return '0';
    const units = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e4, 'k']];
    for (const [scale, suffix] of units) {
      // Number() drops the zeros toPrecision adds after a decimal point only: 90.0 -> 90, 120 stays 120.
      if (a >= scale) return Number((x / (scale === 1e4 ? 1e3 : scale)).toPrecision(3)).toString() + suffix;
    }
    if (a < 1e-3) return x.toExponential(2);
    return Number(x.toPrecision(3)).toString();
  }

  // Bytes in binary units: 64 B, 4 KiB, 1.5 MiB.
  function bytes(n) {
    if (typeof n !== 'number' || !Number.isFinite(n)) return String(n);
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    let v = n;
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; ++i; }
    return (Number.isInteger(v) ? String(v) : v.toPrecision(3)) + ' ' + units[i];
  }

  function percent(delta) {
    if (delta === null || delta === undefined) return '—';
    if (typeof delta === 'string') return delta + '%';
    return (delta >= 0 ? '+' : '') + (delta * 100).toFixed(Math.abs(delta) < 0.1 ? 2 : 1) + '%';
  }

  // "k1=v1,k2=v2" -> [[k1, v1], [k2, v2]] ("" -> []).
  function parseGroup(group) {
    if (!group) return [];
    return group.split(',').map((pair) => {
      const at = pair.indexOf('=');
      return at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    });
  }

  // Colour-blind-safe palette (Okabe & Ito 2008), then a few more.
  const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000',
                   '#7f7f7f', '#8c564b', '#17becf', '#bcbd22'];
  function color(i, alpha) {
    const hex = palette[i % palette.length];
    if (alpha === undefined) return hex;
    const v = parseInt(hex.slice(1), 16);
    return `rgba(${v >> 16}, ${(v >> 8) & 255}, ${v & 255}, ${alpha})`;
  }

  function error(where, e) {
    const message = `${where}: ${e && e.message ? e.message : e}`;
    window.veloErrors.push(message);
    return message;
  }

  // Runs one part of the page; a failure is shown in place and counted, and the rest still renders.
  function guard(parent, where, fn) {
    try {
      fn();
    } catch (e) {
      parent.append(el('div', { class: 'errors' }, 'Could not draw ' + error(where, e)));
    }
  }

  // One chart: a <figure> with a title, a canvas and a caption saying how to read it.
  function chart(parent, { title, caption, config, wide, height }) {
    ++state.expected;
    const canvas = el('canvas', { role: 'img', 'aria-label': title });
    const figure = el('figure', { class: wide ? 'chart wide' : 'chart', 'data-chart': title },
      el('div', { class: 'canvas-box', style: { height: (height || 300) + 'px' } }, canvas),
      el('figcaption', {}, el('b', {}, title), caption ? ' — ' + caption : ''));
    parent.append(figure);
    const options = config.options || {};
    config.options = Object.assign({
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      normalized: true,
    }, options);
    try {
      new Chart(canvas, config);
      ++state.rendered;
      figure.setAttribute('data-rendered', '1');
    } catch (e) {
      figure.append(el('div', { class: 'errors' }, 'Chart failed: ' + error(title, e)));
    }
    return figure;
  }

  function section(id, title) {
    const node = el('section', { id });
    node.append(el('h2', {}, title));
    main.append(node);
    nav.append(el('a', { href: '#' + id }, title));
    return node;
  }

  function facts(pairs) {
    const dl = el('dl', { class: 'facts' });
    for (const [key, value] of pairs) {
      if (value === undefined) continue;
      dl.append(el('dt', {}, key), el('dd', {}, value === null ? 'unknown' : value));
    }
    return dl;
  }

  function table(headers, rows) {
    const t = el('table', {});
    t.append(el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))));
    const body = el('tbody', {});
    for (const row of rows) body.append(row instanceof Node ? row : el('tr', {}, row.map((c) => c instanceof Node ? c : el('td', {}, c))));
    t.append(body);
    return t;
  }

  // Linear or logarithmic: log where every value is positive and they span more than `span` times.
  function axisType(values, span) {
    const finite = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
    if (!finite.length || finite.some((v) => v <= 0)) return 'linear';
    return Math.max(...finite) / Math.min(...finite) > (span || 20) ? 'logarithmic' : 'linear';
  }

  // Sets the status line and <body> attributes once everything is drawn.
  function finish() {
    const status = document.getElementById('velo-status');
    const errors = window.veloErrors;
    document.body.setAttribute('data-velo-charts', String(state.rendered));
    document.body.setAttribute('data-velo-expected', String(state.expected));
    document.body.setAttribute('data-velo-diagrams', String(state.diagrams));
    document.body.setAttribute('data-velo-errors', String(errors.length));
    status.textContent = `${state.rendered} of ${state.expected} charts drawn, ${state.diagrams} layout diagrams` +
      (errors.length ? `; ${errors.length} error(s):` : '; no errors');
    if (errors.length) status.append(el('div', { class: 'errors', id: 'velo-errors' }, errors.join('\n')));
    document.body.setAttribute('data-velo-done', '1');
  }

  function start(render) {
    try {
      if (typeof Chart !== 'function') throw new Error('Chart.js did not load');
      render();
    } catch (e) {
      main.append(el('div', { class: 'errors' }, error('page', e)));
    }
    finish();
  }

  return { data, main, state, el, num, bytes, percent, parseGroup, color, guard, chart, section, facts, table,
           axisType, error, start };
})();
