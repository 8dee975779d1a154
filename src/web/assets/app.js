// segcast dashboard: reads the JSON API of `segcast serve` (docs/dashboard.md) and draws it with
// Apache ECharts, which the build copies next to this file. Plain script, no build step, no network
// access beyond the page's own origin.
'use strict';

(function () {
  // Okabe & Ito (2008) colour-blind-safe palette; yellow is replaced by grey because it is unreadable
  // as a thin line on white.
  const kPalette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#7F7F7F', '#000000'];
  // ColorBrewer YlGnBu (Brewer 2003): a sequential scale from pale to dark that stays ordered for
  // every colour-vision type and in grey, so few customers look quiet and many look heavy.
  const kSequential = ['#ffffd9', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#0c2c84'];
  const kFeatures = {
    length: { short: 'L', label: 'L: customer age', unit: 'days', radar: 'age, days', axis: 'days since first purchase' },
    recency: { short: 'R', label: 'R: recency', unit: 'days', radar: 'recency, days', axis: 'days since last purchase' },
    frequency: { short: 'F', label: 'F: frequency', unit: 'invoices / month', radar: 'invoices/mo', axis: 'invoices a month' },
    monetary: { short: 'M', label: 'M: monetary', unit: 'revenue / month', radar: 'revenue/mo', axis: 'revenue a month' },
  };
  const kFeatureOrder = ['length', 'recency', 'frequency', 'monetary'];
  const kPageSize = 25;
  // Seven values plus "other" keep every slice of the donut a distinct colour of the palette.
  const kMixTop = 7;
  const kMixPalette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000'];

  const state = {
    runs: [],
    runId: null,
    kpis: null,
    runSegments: null,   // the run's own segmentation (source "run")
    segments: null,      // what is shown: the run's own or a re-clustering
    k: null,
    metric: 'dtw',
    focus: null,         // segment_id in focus
    focusName: null,     // its persona name, kept in focus across re-clusterings
    feature: 'monetary',
    customerFeature: 'monetary',
    mixColumn: 'country',
    forecasts: null,
    forecastSeries: 'total',
    migration: null,
    migrationError: null,
    page: 1,
    query: '',
    sort: { column: 'monetary', order: 'desc' },   // the customer table's order (server side)
    filter: { column: '', value: '', from: '', to: '' },   // the customer table's filter (server side)
    customer: null,
    segmentsRequest: 0,
    tableRequest: 0,
  };
  const charts = {};
  const $ = (id) => document.getElementById(id);

  const fmtInt = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
  const fmt2 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
  const fmtMoney = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
  const fmtPct = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });
  const fmtCompact = new Intl.NumberFormat('en-GB', { notation: 'compact', maximumFractionDigits: 1 });
  const fmtFeature = (feature, v) => (v == null || !isFinite(v)) ? '–'
    : (feature === 'frequency' ? fmt2.format(v) : fmtInt.format(v));

  // ---------------------------------------------------------------- API
  async function api(path) {
    const response = await fetch(path, { headers: { Accept: 'application/json' } });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return body;
  }
  const runPath = () => `/api/runs/${encodeURIComponent(state.runId)}`;
  // Re-clustering parameters, or none when the run's own k and metric are selected, so that the
  // forecasts and the migration (which describe the run's own segments) line up with the charts.
  function clusterParams() {
    const own = state.runSegments;
    if (own && state.k === own.k && state.metric === own.metric) return {};
    return { k: state.k, metric: state.metric };
  }
  function query(params) {
    const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
    return entries.length ? '?' + new URLSearchParams(entries).toString() : '';
  }

  function showError(message) {
    const banner = $('error-banner');
    if (!message) { banner.hidden = true; banner.textContent = ''; return; }
    banner.hidden = false;
    banner.textContent = message;
  }

  // ---------------------------------------------------------------- charts
  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init($(id), null, { renderer: 'canvas' });
    return charts[id];
  }
  // Users who ask their system for reduced motion (and the e2e test, whose screenshots must not
  // catch a chart half-drawn) get charts without the entry animation.
  const kAnimate = !(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  function draw(id, option) {
    chart(id).setOption({ animation: kAnimate, ...option }, true);
  }
  function segmentColour(segmentId) {
    return kPalette[((segmentId % kPalette.length) + kPalette.length) % kPalette.length];
  }
  function segmentLabel(segment) { return `${segment.segment_id} ${segment.name}`; }
  function focusSegment() {
    return state.segments.segments.find((s) => s.segment_id === state.focus) || state.segments.segments[0];
  }
  const baseText = { fontFamily: 'system-ui, sans-serif', color: '#1d2330' };
  function messageOption(text) {
    return {
      graphic: [{ type: 'text', left: 'center', top: 'middle',
        style: { text, fill: '#5a6272', font: '14px system-ui, sans-serif', textAlign: 'center', lineHeight: 20 } }],
    };
  }

  // Segment names under a bar chart: every label shown in full. Beyond four segments they are
  // slanted and wrapped onto two lines, and the grid (containLabel) grows to hold them instead of
  // cutting them off.
  function categoryLabels(count) {
    return count > 4
      ? { interval: 0, rotate: 30, width: 120, overflow: 'break', fontSize: 11, lineHeight: 13 }
      : { interval: 0, rotate: 0, width: 150, overflow: 'break' };
  }

  function renderSizes() {
    // With a filter the bars count the filtered customers of each segment (server-side figures).
    const segs = state.segments.segments.map((s) => (s.filtered ? { ...s, ...s.filtered } : s));
    const el = $('chart-sizes');
    el.dataset.segmentsK = String(state.segments.k);
    el.dataset.segmentsMetric = state.segments.metric;
    el.dataset.segmentCounts = segs.map((s) => s.customers).join(',');
    el.dataset.filtered = state.segments.segments.some((s) => s.filtered) ? '1' : '0';
    $('sizes-filter-note').hidden = el.dataset.filtered !== '1';
    draw('chart-sizes', {
      textStyle: baseText,
      color: ['#56B4E9', '#0072B2'],
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' },
        formatter: (items) => {
          const s = segs[items[0].dataIndex];
          return `<b>${segmentLabel(s)}</b><br>${fmtInt.format(s.customers)} customers (${fmtPct.format(s.customer_share)})` +
            `<br>revenue ${fmtMoney.format(s.revenue)} (${fmtPct.format(s.revenue_share)})`;
        } },
      legend: { top: 0, data: ['customers', 'revenue'] },
      grid: { left: 52, right: 14, top: 34, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: segs.map(segmentLabel), axisLabel: categoryLabels(segs.length) },
      yAxis: { type: 'value', name: 'share (%)', nameGap: 12, axisLabel: { formatter: '{value}%' } },
      series: [
        { name: 'customers', type: 'bar', data: segs.map((s) => +(100 * s.customer_share).toFixed(2)),
          label: { show: segs.length <= 6, position: 'top', formatter: '{c}%', fontSize: 10 } },
        { name: 'revenue', type: 'bar', data: segs.map((s) => +(100 * s.revenue_share).toFixed(2)),
          label: { show: segs.length <= 6, position: 'top', formatter: '{c}%', fontSize: 10 } },
      ],
    }, true);
  }

  function renderRadar() {
    const segs = state.segments.segments;
    const population = state.segments.population;
    const focus = focusSegment();
    $('radar-title').textContent = segmentLabel(focus);
    const ratio = (segment, feature) => {
      const base = population[feature];
      return base > 0 ? segment.mean[feature] / base : 0;
    };
    // Each axis has its own range so that a segment spending ten times the average does not flatten
    // the other axes; the population sits at 1 on every axis.
    const indicator = kFeatureOrder.map((feature) => {
      const largest = Math.max(1, ...segs.map((s) => ratio(s, feature)));
      return { name: `${kFeatures[feature].short} (${kFeatures[feature].radar})`, max: +(largest * 1.1).toFixed(2), min: 0 };
    });
    const colour = segmentColour(focus.segment_id);
    draw('chart-radar', {
      textStyle: baseText,
      legend: { bottom: 0, data: [segmentLabel(focus), 'all customers'] },
      tooltip: { trigger: 'item',
        formatter: (item) => {
          const segment = item.name === 'all customers' ? null : focus;
          const rows = kFeatureOrder.map((feature) => {
            const value = segment ? segment.mean[feature] : population[feature];
            return `${kFeatures[feature].label}: ${fmtFeature(feature, value)} ${kFeatures[feature].unit}` +
              (segment ? ` (${fmt2.format(ratio(segment, feature))}× all)` : '');
          });
          return `<b>${item.name}</b><br>${rows.join('<br>')}`;
        } },
      radar: { indicator, radius: '62%', center: ['50%', '48%'], splitNumber: 4,
        axisName: { color: '#1d2330', fontSize: 12 } },
      series: [{ type: 'radar', data: [
        { name: 'all customers', value: kFeatureOrder.map(() => 1),
          lineStyle: { color: '#5a6272', type: 'dashed', width: 2 }, itemStyle: { color: '#5a6272' },
          areaStyle: { color: 'rgba(90,98,114,0.08)' } },
        { name: segmentLabel(focus), value: kFeatureOrder.map((f) => +ratio(focus, f).toFixed(3)),
          lineStyle: { color: colour, width: 2.5 }, itemStyle: { color: colour },
          areaStyle: { color: colour, opacity: 0.25 } },
      ] }],
    }, true);
  }

  function renderMix() {
    const focus = focusSegment();
    const mix = focus.mix || {};
    const columns = Object.keys(mix);
    const select = $('mix-select');
    if (!columns.includes(state.mixColumn)) state.mixColumn = columns.includes('country') ? 'country' : columns[0];
    select.replaceChildren(...columns.map((c) => new Option(c, c, false, c === state.mixColumn)));
    select.disabled = columns.length < 2;
    $('mix-title').textContent = `${state.mixColumn || 'none'} of ${segmentLabel(focus)}`;
    $('mix-column').textContent = state.mixColumn || 'a mix column';
    const el = $('chart-mix');
    if (!state.mixColumn) {
      el.dataset.mixSlices = '0';
      // A re-clustering without the run's joined tables says why; only a run without any such
      // column has nothing to break down by.
      const note = state.segments.mix_note;
      draw('chart-mix', messageOption(note ? `No mix for this re-clustering:\n${wrapText(note, 46)}`
        : 'This run has no country or demographic\ncolumn to break the segment down by.'), true);
      return;
    }
    // The server folds a long tail into "(other)" already: it joins the values past the seventh
    // in one "other" slice, so the donut never shows two.
    const entries = [...mix[state.mixColumn]].sort((a, b) => b.customers - a.customers);
    const named = entries.filter((e) => e.value !== '(other)');
    const shown = named.slice(0, kMixTop).map((e) => ({ name: String(e.value), value: e.customers }));
    const rest = named.slice(kMixTop).reduce((sum, e) => sum + e.customers, 0) +
      entries.filter((e) => e.value === '(other)').reduce((sum, e) => sum + e.customers, 0);
    if (rest > 0) shown.push({ name: 'other', value: rest, itemStyle: { color: '#c8ccd4' } });
    el.dataset.mixSlices = shown.map((slice) => `${slice.name}:${slice.value}`).join('|');
    draw('chart-mix', {
      textStyle: baseText,
      color: kMixPalette,
      tooltip: { trigger: 'item', formatter: (p) => `${p.name}: ${fmtInt.format(p.value)} customers (${p.percent}%)` },
      legend: { type: 'scroll', orient: 'vertical', right: 4, top: 'middle', textStyle: { fontSize: 11 },
        formatter: (name) => (name.length > 20 ? name.slice(0, 19) + '…' : name) },
      series: [{ type: 'pie', radius: ['42%', '70%'], center: ['36%', '52%'], data: shown,
        label: { formatter: (p) => (p.percent >= 6 ? `${p.percent.toFixed(0)}%` : ''), position: 'inside', color: '#fff', fontWeight: 600,
          textBorderColor: 'rgba(0,0,0,0.55)', textBorderWidth: 2 },
        itemStyle: { borderColor: '#fff', borderWidth: 1 } }],
    }, true);
  }

  // Breaks a long sentence into lines of at most `width` characters for a chart's message.
  function wrapText(text, width) {
    const lines = [''];
    text.split(' ').forEach((word) => {
      if (lines[lines.length - 1].length + word.length + 1 > width && lines[lines.length - 1]) lines.push('');
      lines[lines.length - 1] += (lines[lines.length - 1] ? ' ' : '') + word;
    });
    return lines.join('\n');
  }

  function monthsOf(series) {
    const months = new Set();
    series.forEach((points) => points.forEach((p) => months.add(p.month)));
    return [...months].sort();
  }

  function renderTrajectories() {
    const segs = state.segments.segments;
    const feature = state.feature;
    const info = kFeatures[feature];
    const months = monthsOf(segs.map((s) => s.trajectory));
    document.querySelectorAll('[data-feature]').forEach((b) => b.classList.toggle('active', b.dataset.feature === feature));
    $('trajectories-explain').textContent = `Each segment's centroid month by month: ${info.label} in ${info.unit}` +
      ` (original units); the segment in focus is drawn thicker. Switch L / R / F / M above.`;
    draw('chart-trajectories', {
      textStyle: baseText,
      tooltip: { trigger: 'axis', valueFormatter: (v) => `${fmtFeature(feature, v)} ${info.unit}` },
      legend: { type: 'scroll', top: 0, left: 0, right: 120, textStyle: { fontSize: 11 } },
      grid: { left: 62, right: 30, top: 56, bottom: 46 },
      xAxis: { type: 'category', data: months, name: 'month', nameLocation: 'middle', nameGap: 28, boundaryGap: false },
      yAxis: { type: 'value', name: `${info.short} (${info.unit})`, nameGap: 10,
        axisLabel: { formatter: (v) => fmtCompact.format(v) } },
      series: segs.map((s) => {
        const byMonth = new Map(s.trajectory.map((p) => [p.month, p[feature]]));
        const focused = s.segment_id === state.focus;
        return { name: segmentLabel(s), type: 'line', showSymbol: false, smooth: false,
          data: months.map((m) => (byMonth.has(m) ? byMonth.get(m) : null)),
          lineStyle: { width: focused ? 4 : 1.8, color: segmentColour(s.segment_id) },
          itemStyle: { color: segmentColour(s.segment_id) }, z: focused ? 5 : 2 };
      }),
    }, true);
  }

  // The forecast series' names in the selector: the total is existing + new customers.
  function forecastLabel(series) {
    if (series.series === 'total') return 'Total (existing + new)';
    if (series.series === 'existing') return 'Existing customers';
    if (series.series === 'new') return 'New: not yet acquired';
    return series.segment_id == null ? series.name : `${series.segment_id} ${series.name}`;
  }
  // A series' forecast values by month, for the parts of the total.
  function futureByMonth(name) {
    const series = state.forecasts && state.forecasts.series.find((s) => s.series === name);
    return new Map(series ? series.points.filter((p) => !p.is_history).map((p) => [p.month, p.yhat]) : []);
  }

  // One table cell per [text, field] pair; cells from index `firstNumeric` on are right-aligned.
  function appendCells(tr, cells, firstNumeric) {
    cells.forEach(([text, field], index) => {
      const td = document.createElement('td');
      td.textContent = text;
      td.dataset.field = field;
      if (index >= firstNumeric) td.className = 'num';
      tr.appendChild(td);
    });
  }

  // The run's cohort backtest: the job re-run as of an earlier date, each segment scored on what
  // its customers spent next. A warning when it did not beat naive or its intervals missed.
  function renderCohortBacktest() {
    const element = $('forecast-backtest');
    const backtest = state.forecasts && state.forecasts.cohort_backtest;
    element.classList.remove('warning');
    if (!backtest) { element.textContent = ''; return; }
    if (!backtest.scores) { element.textContent = backtest.note ? `No cohort backtest: ${backtest.note}.` : ''; return; }
    const first = backtest.scores[0];
    const pooled = backtest.scores[backtest.scores.length - 1];
    const naive = Math.min(pooled.wape_naive_last, pooled.wape_naive_mean3);
    const pct = (value) => `${Math.round(100 * value)}%`;
    let text = `Cohort backtest: re-run as of ${first.origin}, the segment forecasts missed what the same` +
      ` customers spent by ${pct(pooled.wape)} (WAPE), against ${pct(naive)} for the better naive forecast;` +
      ` the intervals held ${pct(pooled.coverage)} of the actual months.`;
    const warnings = [];
    if (!backtest.beats_naive) warnings.push('the segment forecasts did not beat a naive forecast on this log');
    if (!backtest.coverage_ok) warnings.push(`the intervals are ${pooled.coverage < 0.6 ? 'too narrow' : 'too wide'} for this log`);
    if (warnings.length) {
      text += ` Warning: ${warnings.join('; ')}. Use them with care.`;
      element.classList.add('warning');
    }
    element.textContent = text;
  }

  function renderForecast() {
    const select = $('forecast-select');
    const all = state.forecasts ? state.forecasts.series : [];
    const el = $('chart-forecast');
    if (!all.length) {
      select.replaceChildren();
      el.dataset.forecastSeries = '';
      draw('chart-forecast', messageOption('This run has no forecasts.'), true);
      return;
    }
    if (!all.some((s) => s.series === state.forecastSeries)) state.forecastSeries = all[0].series;
    select.replaceChildren(...all.map((s) => new Option(forecastLabel(s), s.series, false, s.series === state.forecastSeries)));
    const series = all.find((s) => s.series === state.forecastSeries);
    el.dataset.forecastSeries = series.series;
    const colour = series.segment_id == null || series.segment_id < 0 ? '#0072B2' : segmentColour(series.segment_id);
    const points = series.points;
    const months = points.map((p) => p.month);
    const lastHistory = points.reduce((last, p, index) => (p.is_history ? index : last), -1);
    // The customer-base model fits nothing to the history (yhat is null there): the actuals alone are
    // drawn, and the forecast starts with the first forecast month. A model fitted to the history
    // (the series model) is drawn dashed, and its forecast continues from the last fitted month.
    const fitted = points.some((p) => p.is_history && p.yhat != null);
    const firstForecast = fitted && lastHistory >= 0 ? lastHistory : lastHistory + 1;
    const future = (p, index) => index >= firstForecast && p.yhat != null;
    const interval = Math.round(100 * (state.forecasts.interval || 0.8));
    // The total is drawn as its two parts stacked: customers known at the as-of date and customers
    // not yet acquired (existing + new = total, month by month).
    const existing = series.series === 'total' ? futureByMonth('existing') : new Map();
    const fresh = series.series === 'total' ? futureByMonth('new') : new Map();
    const parts = existing.size > 0 && fresh.size > 0;
    // The select names the parts of the total; the title stays short beside it.
    $('forecast-title').textContent = series.series === 'total' ? 'total' : forecastLabel(series);
    const partial = series.partial_month;
    $('forecast-explain').textContent = `Monthly revenue (log currency): dots are actual months,` +
      (fitted ? ' the dashed line is the model over history,' : ' (the customer-base model fits no curve to the history),') +
      ` the solid line the forecast with its ${interval}% interval (shaded).` +
      (parts ? ' The total is stacked from existing customers (known at the as-of date) and customers not yet acquired.' : '') +
      (series.series === 'new' ? ' Customers not yet acquired have no history.' : '') +
      (partial ? ` ${partial.month} is partial: ${partial.days_observed} of ${partial.days_in_month} days observed` +
        (partial.actual_to_date != null ? ` (${fmtMoney.format(partial.actual_to_date)} so far)` : '') +
        `, ${fitted ? 'not part of the fit' : 'included in its forecast'}.` : '');
    renderCohortBacktest();
    const legend = ['actual', ...(fitted ? ['model'] : []), 'forecast', `${interval}% interval`,
      ...(parts ? ['existing customers', 'not yet acquired'] : [])];
    const partSeries = parts ? [
      { name: 'existing customers', type: 'line', stack: 'parts', symbol: 'none', lineStyle: { width: 1, color: '#56B4E9' },
        itemStyle: { color: '#56B4E9' }, areaStyle: { color: '#56B4E9', opacity: 0.35 },
        data: points.map((p) => (existing.has(p.month) ? existing.get(p.month) : null)) },
      { name: 'not yet acquired', type: 'line', stack: 'parts', symbol: 'none', lineStyle: { width: 1, color: '#E69F00' },
        itemStyle: { color: '#E69F00' }, areaStyle: { color: '#E69F00', opacity: 0.35 },
        data: points.map((p) => (fresh.has(p.month) ? fresh.get(p.month) : null)) },
    ] : [];
    draw('chart-forecast', {
      textStyle: baseText,
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v == null ? '–' : fmtMoney.format(v)),
        formatter: (items) => {
          const p = points[items[0].dataIndex];
          const lines = [`<b>${p.month}</b>`];
          if (p.actual != null) lines.push(`actual ${fmtMoney.format(p.actual)}`);
          if (partial && p.month === partial.month && partial.actual_to_date != null) {
            lines.push(`actual to date ${fmtMoney.format(partial.actual_to_date)} (${partial.days_observed} of ${partial.days_in_month} days)`);
          }
          if (p.yhat != null) lines.push(`${p.is_history ? 'model' : 'forecast'} ${fmtMoney.format(p.yhat)}`);
          if (!p.is_history && p.lower != null) lines.push(`${interval}% interval ${fmtMoney.format(p.lower)} – ${fmtMoney.format(p.upper)}`);
          if (parts && existing.has(p.month)) {
            lines.push(`= existing customers ${fmtMoney.format(existing.get(p.month))}` +
              ` + not yet acquired ${fmtMoney.format(fresh.get(p.month) || 0)}`);
          }
          return lines.join('<br>');
        } },
      legend: { top: 0, data: legend, itemGap: 8, textStyle: { fontSize: 11 } },
      grid: { left: 62, right: 30, top: parts ? 66 : 56, bottom: 46 },
      xAxis: { type: 'category', data: months, boundaryGap: false, name: 'month', nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', name: 'revenue / month', nameGap: 10, axisLabel: { formatter: (v) => fmtCompact.format(v) } },
      series: [
        ...partSeries,
        // The band: the lower bound (invisible) with the interval's width stacked on top of it.
        { name: 'band-lower', type: 'line', stack: 'band', stackStrategy: 'all', symbol: 'none', silent: true,
          lineStyle: { opacity: 0 }, data: points.map((p, i) => (future(p, i) && p.lower != null ? p.lower : null)),
          tooltip: { show: false } },
        { name: `${interval}% interval`, type: 'line', stack: 'band', stackStrategy: 'all', symbol: 'none', silent: true,
          // Over the stacked parts the band is grey, so that it does not read as a third part.
          lineStyle: { opacity: 0 }, areaStyle: { color: parts ? '#5a6272' : colour, opacity: parts ? 0.12 : 0.2 },
          itemStyle: { color: parts ? '#5a6272' : colour },
          data: points.map((p, i) => (future(p, i) && p.lower != null ? p.upper - p.lower : null)) },
        ...(fitted ? [{ name: 'model', type: 'line', symbol: 'none', lineStyle: { type: 'dashed', width: 1.5, color: '#5a6272' },
          itemStyle: { color: '#5a6272' }, data: points.map((p, i) => (i <= lastHistory ? p.yhat : null)) }] : []),
        { name: 'forecast', type: 'line', symbol: 'circle', symbolSize: 5, lineStyle: { width: 2.5, color: colour },
          itemStyle: { color: colour }, z: 4, data: points.map((p, i) => (future(p, i) ? p.yhat : null)),
          markLine: lastHistory >= 0 && lastHistory < points.length - 1 ? { symbol: 'none', silent: true,
            label: { formatter: 'forecast →', position: 'insideEndTop', color: '#5a6272' },
            lineStyle: { color: '#9aa1ad', type: 'dotted' }, data: [{ xAxis: months[lastHistory] }] } : undefined },
        { name: 'actual', type: 'scatter', symbolSize: 7, itemStyle: { color: '#1d2330' }, z: 5,
          data: points.map((p) => (p.actual == null ? null : p.actual)) },
      ],
    }, true);
  }

  // "next 6 months", "12 months, 1% a month discount": the settings of the run's customer-base model.
  function horizonText() {
    const base = state.kpis && state.kpis.customer_base;
    return base && base.horizon_months ? `next ${base.horizon_months} months` : 'forecast horizon';
  }
  function clvText() {
    const base = state.kpis && state.kpis.customer_base;
    if (!base || !base.clv_months) return 'lifetime';
    return `${base.clv_months} months` + (base.monthly_discount ? `, ${fmtPct.format(base.monthly_discount)} a month discount` : '');
  }
  const fmtProbability = (v) => (v == null ? '–' : fmtPct.format(v));
  const fmtMaybeMoney = (v) => (v == null ? '–' : fmtMoney.format(v));

  // The run's own segments as the customer-base model sees them (segments.json "value"): a
  // re-clustering has no forecast of its own, so this card always shows the run's segments.
  function renderValue() {
    const own = state.runSegments ? state.runSegments.segments : [];
    const valued = own.filter((s) => s.value);
    const el = $('chart-value');
    el.dataset.valueSegments = String(valued.length);
    $('value-th-revenue').textContent = `Expected revenue (${horizonText()})`;
    $('value-th-clv').textContent = `Mean CLV (${state.kpis && state.kpis.customer_base ? `${state.kpis.customer_base.clv_months} months` : 'lifetime'})`;
    const body = $('value-table').tBodies[0];
    if (!valued.length) {
      draw('chart-value', messageOption('This run has no customer-base model:\nno expected revenue, P(alive) or CLV to show.'), true);
      const tr = document.createElement('tr');
      tr.className = 'empty';
      const td = document.createElement('td');
      td.colSpan = 6;
      td.textContent = 'No customer values in this run (made without the customer-base model).';
      tr.appendChild(td);
      body.replaceChildren(tr);
      $('value-explain').textContent = 'Runs forecast with the customer-base model (the default of segcast run) report each' +
        ' segment\'s expected revenue, the share of its customers likely lost and their mean lifetime value.';
      return;
    }
    const recluster = state.segments && state.segments.source === 'recluster';
    $('value-explain').textContent = `From the customer-base model (BG/NBD purchases, Gamma-Gamma spend): expected revenue` +
      ` of each segment's customers over the ${horizonText()} (the sum of its members' expected revenue, with the run's rate factor), the share` +
      ` of its customers likely lost (P(alive) below 0.5, right axis) and their mean lifetime value (${clvText()}).` +
      (recluster ? ` These are the run's own ${own.length} segments: a re-clustering has no forecast of its own.` : '');
    body.replaceChildren(...own.map((s) => {
      const tr = document.createElement('tr');
      tr.dataset.segmentId = String(s.segment_id);
      if (!recluster && s.segment_id === state.focus) tr.classList.add('selected');
      const v = s.value || {};
      const cells = [[segmentLabel(s), 'segment'], [fmtInt.format(s.customers), 'customers'],
        [fmtMaybeMoney(v.expected_revenue), 'expected_revenue'], [fmtProbability(v.likely_lost_share), 'likely_lost_share'],
        [fmtProbability(v.mean_p_alive), 'mean_p_alive'], [fmtMaybeMoney(v.mean_clv), 'mean_clv']];
      appendCells(tr, cells, 1);
      return tr;
    }));
    draw('chart-value', {
      textStyle: baseText,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' },
        formatter: (items) => {
          const s = valued[items[0].dataIndex];
          return `<b>${segmentLabel(s)}</b><br>expected revenue (${horizonText()}) ${fmtMaybeMoney(s.value.expected_revenue)}` +
            `<br>likely lost ${fmtProbability(s.value.likely_lost_share)} of ${fmtInt.format(s.customers)} customers` +
            `<br>mean P(alive) ${fmtProbability(s.value.mean_p_alive)}<br>mean CLV ${fmtMaybeMoney(s.value.mean_clv)}`;
        } },
      legend: { top: 0, data: ['expected revenue', 'likely lost'] },
      grid: { left: 62, right: 52, top: 34, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: valued.map(segmentLabel), axisLabel: categoryLabels(valued.length) },
      yAxis: [
        { type: 'value', name: 'expected revenue', nameGap: 12, nameTextStyle: { align: 'left' },
          axisLabel: { formatter: (v) => fmtCompact.format(v) } },
        { type: 'value', name: 'likely lost', min: 0, max: 100, nameGap: 12, nameTextStyle: { align: 'right' },
          splitLine: { show: false },
          axisLabel: { formatter: '{value}%' } },
      ],
      series: [
        { name: 'expected revenue', type: 'bar', yAxisIndex: 0,
          data: valued.map((s) => ({ value: s.value.expected_revenue, itemStyle: { color: segmentColour(s.segment_id) } })),
          itemStyle: { color: '#0072B2' },
          label: { show: valued.length <= 6, position: 'top', fontSize: 10, formatter: (p) => fmtCompact.format(p.value) } },
        { name: 'likely lost', type: 'scatter', yAxisIndex: 1, symbol: 'diamond', symbolSize: 12,
          itemStyle: { color: '#1d2330' },
          data: valued.map((s) => (s.value.likely_lost_share == null ? null : +(100 * s.value.likely_lost_share).toFixed(2))) },
      ],
    }, true);
  }

  function renderMigration() {
    const el = $('chart-migration');
    const explain = $('migration-explain');
    const m = state.migration;
    if (!m) {
      const message = state.migrationError || 'No migration for this run.';
      explain.textContent = `${message} Migration needs two runs: run the next month with --previous <run id>.`;
      draw('chart-migration', messageOption(`Run ${state.runId} has no previous run:\nno migration to show.`), true);
      el.dataset.migration = 'none';
      return;
    }
    el.dataset.migration = 'matrix';
    const label = (s) => `${s.segment_id} ${s.name}`;
    const rows = [...m.segments_from.map(label), 'new'];
    const columns = [...m.segments_to.map(label), 'gone'];
    const rowIndex = new Map(m.segments_from.map((s, i) => [s.segment_id, i]));
    const columnIndex = new Map(m.segments_to.map((s, i) => [s.segment_id, i]));
    const data = m.cells.filter((c) => c.customers > 0).map((c) => [
      c.to < 0 ? columns.length - 1 : columnIndex.get(c.to),
      c.from < 0 ? rows.length - 1 : rowIndex.get(c.from),
      c.customers, c.previous_revenue, c.current_revenue]);
    const largest = Math.max(1, ...data.map((d) => d[2]));
    const sumOf = (keep) => m.cells.filter(keep).reduce((s, c) => s + c.customers, 0);
    const stayed = m.stayed != null ? m.stayed : sumOf((c) => c.from >= 0 && c.from === c.to);
    const moved = m.moved != null ? m.moved : sumOf((c) => c.from >= 0 && c.to >= 0 && c.from !== c.to);
    const entered = m.new != null ? m.new : sumOf((c) => c.from < 0);
    const gone = m.gone != null ? m.gone : sumOf((c) => c.to < 0);
    // A segment can keep its id across runs while its persona changes ("Champions" becomes "At
    // risk"): its customers did not change segment id, but they did change persona, so they count
    // as moved.
    const nameFrom = new Map(m.segments_from.map((s) => [s.segment_id, s.name]));
    const nameTo = new Map(m.segments_to.map((s) => [s.segment_id, s.name]));
    const renamed = m.cells.filter((c) => c.from >= 0 && c.from === c.to && c.customers > 0 &&
      nameFrom.get(c.from) !== nameTo.get(c.to));
    const renamedCount = renamed.reduce((sum, c) => sum + c.customers, 0);
    el.dataset.personaChanged = String(renamedCount);
    explain.textContent = `Customers moving from each segment of run ${m.from_run} (rows) to each segment of run` +
      ` ${m.to_run} (columns), darker = more: ${fmtInt.format(stayed - renamedCount)} stayed in their persona,` +
      ` ${fmtInt.format(moved + renamedCount)} changed persona` +
      (renamedCount ? ` (of whom ${fmtInt.format(renamedCount)} kept their segment id while its persona changed: ` +
        renamed.map((c) => `${c.from} "${nameFrom.get(c.from)}" → "${nameTo.get(c.to)}"`).join(', ') + ')' : '') +
      `, ${fmtInt.format(entered)} new (first seen after ${m.from_run}), ${fmtInt.format(gone)} gone.`;
    draw('chart-migration', {
      textStyle: baseText,
      tooltip: { formatter: (p) => `<b>${rows[p.value[1]]} → ${columns[p.value[0]]}</b><br>${fmtInt.format(p.value[2])} customers` +
        `<br>revenue then ${fmtMoney.format(p.value[3])}, now ${fmtMoney.format(p.value[4])}` },
      grid: { left: 128, right: 60, top: 12, bottom: 78 },
      xAxis: { type: 'category', data: columns, name: `to (${m.to_run})`, nameLocation: 'middle', nameGap: 62,
        axisLabel: { interval: 0, rotate: 30, width: 90, overflow: 'truncate', fontSize: 11 }, splitArea: { show: true } },
      yAxis: { type: 'category', data: rows, inverse: true, name: `from (${m.from_run})`, nameLocation: 'middle', nameGap: 116,
        axisLabel: { width: 104, overflow: 'truncate', fontSize: 11 }, splitArea: { show: true } },
      visualMap: { dimension: 2, min: 0, max: largest, calculable: false, orient: 'vertical', right: 4, top: 'middle', itemHeight: 120,
        text: ['customers', ''], inRange: { color: kSequential }, textStyle: { fontSize: 11 } },
      // Dark digits on the pale end of the scale, white digits on the dark end.
      series: [{ type: 'heatmap', data: data.map((value) => ({ value,
        label: { color: value[2] / largest < 0.5 ? '#1d2330' : '#ffffff' } })),
      label: { show: true, fontWeight: 600, formatter: (p) => fmtInt.format(p.value[2]) },
      itemStyle: { borderColor: '#fff', borderWidth: 1 } }],
    }, true);
  }

  // ---------------------------------------------------------------- KPIs, selectors
  function renderKpis() {
    const k = state.kpis;
    $('kpi-revenue').textContent = fmtMoney.format(k.total_revenue);
    $('kpi-revenue-note').textContent = `${k.first_month} to ${k.last_month} (${k.months} months)`;
    $('kpi-avg').textContent = fmtMoney.format(k.avg_revenue_per_customer);
    $('kpi-customers').textContent = fmtInt.format(k.customers);
    $('kpi-customers-note').textContent = `as of ${k.as_of}` + (k.filtered ? ' · filtered' : '');
    $('run-info').textContent = `run ${k.run_id} · as of ${k.as_of} · ${k.months} months`;
  }
  function renderSegmentCount() {
    const s = state.segments;
    $('kpi-segments').textContent = String(s.segments.length);
    $('kpi-segments-note').textContent = `${s.metric === 'dtw' ? 'DTW' : 'Euclidean'}` +
      (s.silhouette != null ? `, silhouette ${fmt2.format(s.silhouette)}` : '') +
      (s.source === 'recluster' ? ' (re-clustered)' : ' (the run\'s own)');
  }
  // "Occasional buyers (2)" -> "Occasional buyers": the persona rule a numbered name comes from.
  const personaRule = (name) => String(name || '').replace(/ \(\d+\)$/, '');
  function renderSegmentSelect() {
    const segs = state.segments.segments;
    // Segment ids are only labels of one clustering: across a re-clustering the persona in focus
    // is what stays, found by its name, else by the rule it was named after.
    state.focusLost = null;
    if (state.focusName) {
      const same = segs.find((s) => s.name === state.focusName) ||
        segs.find((s) => personaRule(s.name) === personaRule(state.focusName));
      if (same) state.focus = same.segment_id;
      else { state.focusLost = state.focusName; state.focus = null; }
    }
    if (!segs.some((s) => s.segment_id === state.focus)) {
      // Focus the segment with the largest revenue by default: the one an analyst usually asks about.
      state.focus = [...segs].sort((a, b) => b.revenue - a.revenue)[0].segment_id;
    }
    state.focusName = focusSegment().name;
    $('segment-select').replaceChildren(...segs.map((s) => new Option(
      `${segmentLabel(s)} (${fmtInt.format(s.customers)})`, String(s.segment_id), false, s.segment_id === state.focus)));
  }
  const seconds = (value) => (value >= 1 ? `${fmt2.format(value)} s` : `${fmtInt.format(1000 * (value || 0))} ms`);
  function renderClusterStatus() {
    const s = state.segments;
    const metric = s.metric === 'dtw' ? 'DTW' : 'Euclidean';
    $('cluster-status').textContent = s.source === 'recluster'
      ? `k = ${s.k}, ${metric}: re-clustered on the server in ${seconds(s.seconds)}${s.cached ? ' (cached)' : ''}.`
      : `k = ${s.k}, ${metric}: the run's own segmentation.`;
  }
  // The focused persona in words: what it means, the evidence behind its name and, when the run's
  // persona rules recommend one, what to do about it.
  function renderPersona() {
    const focus = focusSegment();
    $('persona-name').textContent = segmentLabel(focus);
    $('persona-scope').textContent = (state.focusLost
      ? `"${state.focusLost}" is not among the segments of this re-clustering; showing the largest by revenue. ` : '') +
      `${fmtInt.format(focus.customers)} customers (${fmtPct.format(focus.customer_share)}), ` +
      `${fmtPct.format(focus.revenue_share)} of revenue`;
    $('persona-description').textContent = focus.description || 'No description for this persona.';
    $('persona-evidence').textContent = focus.evidence || 'No evidence recorded.';
    const action = focus.action;
    $('persona-action').hidden = !(action && action.name);
    $('persona-action-name').textContent = action && action.name ? action.name : '';
    $('persona-action-why').textContent = action && action.why ? action.why : '';
  }
  // Forecasts and migration exist for the run's own segments only: under a re-clustering each
  // card says plainly which segments it describes.
  function renderScopeNotes() {
    const own = state.runSegments;
    const recluster = state.segments && state.segments.source === 'recluster' && own;
    const metricName = (m) => (m === 'dtw' ? 'DTW' : 'Euclidean');
    const text = recluster ? `describes the run's own ${own.k} segments (${metricName(own.metric)}), not the` +
      ` re-clustering shown elsewhere (k = ${state.segments.k}, ${metricName(state.segments.metric)}), which has no` +
      ` forecast or history of its own; set k = ${own.k} and ${metricName(own.metric)} to line them up.` : '';
    for (const [id, what] of [['forecast-scope', 'This forecast'], ['migration-scope', 'This migration']]) {
      $(id).hidden = !recluster;
      $(id).textContent = recluster ? `${what} ${text}` : '';
    }
  }
  function renderSegmentViews() {
    renderSegmentCount();
    renderSegmentSelect();
    renderClusterStatus();
    renderPersona();
    renderFilterControls();
    renderScopeNotes();
    renderSizes();
    renderRadar();
    renderMix();
    renderTrajectories();
    renderValue();
  }
  function renderFocusViews() {
    renderPersona();
    renderFilterControls();
    renderRadar();
    renderMix();
    renderTrajectories();
    renderValue();
  }

  // ---------------------------------------------------------------- customers
  function segmentPath(suffix, params) {
    return `${runPath()}/segments/${encodeURIComponent(state.focus)}/${suffix}${query(params)}`;
  }
  // The table's filter: a value of a column (the run's mix columns: country, joined demographics)
  // and months of activity; "(missing)" in a mix is the empty value on the server.
  function filterParams() {
    const f = state.filter;
    const params = {};
    if (f.column) Object.assign(params, { where: f.column, value: f.value === '(missing)' ? '' : f.value });
    if (f.from) params.active_from = f.from;
    if (f.to) params.active_to = f.to;
    return params;
  }
  // The filter's choices: the focused segment's mix columns and their values, the run's months.
  function renderFilterControls() {
    const mix = focusSegment().mix || {};
    const columns = Object.keys(mix);
    if (state.filter.column && !columns.includes(state.filter.column)) state.filter.column = '';
    const values = state.filter.column ? mix[state.filter.column].map((e) => e.value).filter((v) => v !== '(other)') : [];
    if (state.filter.column && !values.includes(state.filter.value)) state.filter.value = values[0] || '';
    $('filter-column').replaceChildren(new Option('all customers', '', false, !state.filter.column),
      ...columns.map((c) => new Option(`${c} =`, c, false, c === state.filter.column)));
    $('filter-value').replaceChildren(...values.map((v) => new Option(v, v, false, v === state.filter.value)));
    $('filter-value').disabled = !state.filter.column;
    const k = state.kpis;
    for (const id of ['filter-from', 'filter-to']) {
      if (k && k.first_month) { $(id).min = k.first_month; $(id).max = k.last_month; }
    }
  }
  // The default order (revenue, highest first) sends no parameter.
  function sortParams() {
    const { column, order } = state.sort;
    return column === 'monetary' && order === 'desc' ? {} : { sort: column, order };
  }
  async function loadTable() {
    const request = ++state.tableRequest;
    const params = { page: state.page, page_size: kPageSize, q: state.query, ...sortParams(), ...filterParams(), ...clusterParams() };
    const data = await api(segmentPath('customers', params));
    if (request !== state.tableRequest) return;
    const focus = focusSegment();
    $('table-title').textContent = segmentLabel(focus);
    const body = $('customer-table').tBodies[0];
    const rows = data.customers.map((c) => {
      const tr = document.createElement('tr');
      tr.dataset.customerId = c.customer_id;
      tr.tabIndex = 0;
      if (state.customer && state.customer.customer_id === c.customer_id) tr.classList.add('selected');
      const cells = [[c.customer_id, 'customer_id'], [c.country || '', 'country'], [fmtInt.format(c.recency), 'recency'],
        [fmtInt.format(c.frequency), 'frequency'], [fmtMoney.format(c.monetary), 'monetary'],
        [fmtProbability(c.p_alive), 'p_alive'], [fmtMaybeMoney(c.expected_revenue), 'expected_revenue'],
        [fmtMaybeMoney(c.clv), 'clv'], [c.distance == null ? '–' : fmt2.format(c.distance), 'distance']];
      appendCells(tr, cells, 2);
      return tr;
    });
    const base = state.kpis && state.kpis.customer_base;
    $('th-expected').textContent = `Expected revenue (${horizonText()})`;
    $('th-clv').textContent = base && base.clv_months ? `CLV (${base.clv_months} months)` : 'CLV';
    document.querySelectorAll('#customer-table th[data-sort]').forEach((th) => {
      if (th.dataset.sort === state.sort.column) th.setAttribute('aria-sort', state.sort.order === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
    const sortedBy = document.querySelector(`#customer-table th[data-sort="${state.sort.column}"]`).textContent.trim();
    $('table-explain').textContent = `Sorted by ${sortedBy}, ${state.sort.order === 'asc' ? 'lowest' : 'highest'} first` +
      ' (click a column header to sort by it, again to reverse). ' + (base
      ? `P(alive) is the probability that the customer is still active, expected revenue the customer-base model's` +
        ` expectation over the ${horizonText()} (with the run's rate factor, as the segment forecasts), CLV the` +
        ` discounted revenue over ${clvText()}. `
      : 'This run has no customer-base model: no P(alive), expected revenue or CLV. ') +
      'Distance is to the segment\'s centroid in the clustering\'s scaled units (smaller = more typical).' +
      ' Click a row to see the customer.';
    if (!rows.length) {
      const tr = document.createElement('tr');
      tr.className = 'empty';
      const td = document.createElement('td');
      td.colSpan = 9;
      td.textContent = state.query || filterParams().where || filterParams().active_from || filterParams().active_to
        ? 'No customer of this segment matches the search and filters.' : 'This segment has no customers.';
      tr.appendChild(td);
      rows.push(tr);
    }
    body.replaceChildren(...rows);
    const pages = Math.max(1, Math.ceil(data.total / data.page_size));
    $('page-info').textContent = `page ${data.page} of ${pages} · ${fmtInt.format(data.total)} customers`;
    $('page-prev').disabled = data.page <= 1;
    $('page-next').disabled = data.page >= pages;
    $('export-csv').href = segmentPath('customers.csv', { q: state.query, ...sortParams(), ...filterParams(), ...clusterParams() });
    $('export-csv').setAttribute('download', `segment-${state.focus}.csv`);
  }

  async function showCustomer(id) {
    const base = `${runPath()}/customers/${encodeURIComponent(id)}`;
    const [customer, neighbours] = await Promise.all([api(base + query(clusterParams())), api(`${base}/neighbours?n=5`)]);
    state.customer = { ...customer, neighbours: neighbours.neighbours };
    document.querySelectorAll('#customer-table tbody tr').forEach((tr) =>
      tr.classList.toggle('selected', tr.dataset.customerId === String(id)));
    const detail = $('customer-detail');
    detail.hidden = false;
    $('detail-title').textContent = `${customer.customer_id}`;
    const facts = [
      ['Country', customer.country || '–'],
      ['Segment', `${customer.segment_id} ${customer.segment_name}`],
      ['Recency', `${fmtInt.format(customer.rfm.recency)} days`],
      ['Frequency', `${fmtInt.format(customer.rfm.frequency)} invoices`],
      ['Monetary', fmtMoney.format(customer.rfm.monetary)],
      ['First purchase', customer.rfm.first_purchase],
      ['Last purchase', customer.rfm.last_purchase],
    ];
    const value = customer.value;
    if (value) {
      facts.push(
        ['P(alive)', fmtProbability(value.p_alive), 'p_alive'],
        [`Expected purchases (${horizonText()})`, value.expected_purchases == null ? '–' : fmt2.format(value.expected_purchases),
          'expected_purchases'],
        [`Expected revenue (${horizonText()})`, fmtMaybeMoney(value.expected_revenue), 'expected_revenue'],
        [`CLV (${clvText()})`, fmtMaybeMoney(value.clv), 'clv'],
        ['Purchase days', `${fmtInt.format(value.purchases)} in ${fmtInt.format(value.age_weeks)} weeks`, 'purchases']);
    } else {
      facts.push(['Customer value', 'not modelled in this run', 'value']);
    }
    $('detail-facts').replaceChildren(...facts.flatMap(([term, text, field]) => {
      const dt = document.createElement('dt'); dt.textContent = term;
      const dd = document.createElement('dd'); dd.textContent = text;
      if (field) dd.dataset.fact = field;
      return [dt, dd];
    }));
    $('neighbour-list').replaceChildren(...state.customer.neighbours.map((n) => {
      const li = document.createElement('li');
      const link = document.createElement('a');
      link.textContent = n.customer_id;
      link.dataset.customerId = n.customer_id;
      link.tabIndex = 0;
      // Neighbours carry the run's own segment ids, which a re-clustering does not share.
      const own = state.segments && state.segments.source === 'recluster' ? "run's segment" : 'segment';
      li.append(link, ` · DTW ${fmt2.format(n.distance)} · ${own} ${n.segment_id}`);
      return li;
    }));
    renderCustomerChart();
    detail.scrollIntoView({ block: 'nearest' });
  }

  function renderCustomerChart() {
    const c = state.customer;
    if (!c) return;
    const feature = state.customerFeature;
    const info = kFeatures[feature];
    document.querySelectorAll('[data-cfeature]').forEach((b) => b.classList.toggle('active', b.dataset.cfeature === feature));
    const months = monthsOf([c.trajectory, ...c.neighbours.map((n) => n.trajectory)]);
    const line = (trajectory) => {
      const byMonth = new Map(trajectory.map((p) => [p.month, p[feature]]));
      return months.map((m) => (byMonth.has(m) ? byMonth.get(m) : null));
    };
    $('customer-explain').textContent = `${info.label} (${info.unit}) of customer ${c.customer_id} month by month (thick)` +
      ` and of its ${c.neighbours.length} nearest trajectories under DTW (thin, dashed; colour = their segment in the run).`;
    draw('chart-customer', {
      textStyle: baseText,
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v == null ? '–' : `${fmtFeature(feature, v)} ${info.unit}`) },
      legend: { type: 'scroll', top: 0, textStyle: { fontSize: 11 } },
      grid: { left: 62, right: 30, top: 56, bottom: 46 },
      xAxis: { type: 'category', data: months, boundaryGap: false, name: 'month', nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', name: `${info.short} (${info.unit})`, nameGap: 10, axisLabel: { formatter: (v) => fmtCompact.format(v) } },
      series: [
        { name: `customer ${c.customer_id}`, type: 'line', data: line(c.trajectory), symbolSize: 6, z: 5,
          lineStyle: { width: 4, color: '#1d2330' }, itemStyle: { color: '#1d2330' } },
        ...c.neighbours.map((n) => ({ name: `${n.customer_id} (DTW ${fmt2.format(n.distance)})`, type: 'line', showSymbol: false,
          data: line(n.trajectory), lineStyle: { width: 1.5, type: 'dashed', color: segmentColour(n.segment_id) },
          itemStyle: { color: segmentColour(n.segment_id) } })),
      ],
    }, true);
  }

  // ---------------------------------------------------------------- exports
  function csvField(value) {
    if (value == null || (typeof value === 'number' && !isFinite(value))) return '';
    const text = String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }
  function download(name, url) {
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
  function downloadCsv(name, header, rows) {
    const text = [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    download(name, url);
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
  // The segmentation shown (the run's own or a re-clustering), one row per segment; the
  // customer-base figures exist for the run's own segments only.
  function exportSegments() {
    const s = state.segments;
    const header = ['segment_id', 'name', 'customers', 'customer_share', 'revenue', 'revenue_share', 'mean_L', 'mean_R',
      'mean_F', 'mean_M', 'expected_revenue', 'likely_lost_share', 'mean_p_alive', 'mean_clv', 'description',
      'action', 'action_why', 'source', 'k', 'metric'];
    const rows = s.segments.map((x) => {
      const v = x.value || {};
      return [x.segment_id, x.name, x.customers, x.customer_share, x.revenue, x.revenue_share, x.mean.length, x.mean.recency,
        x.mean.frequency, x.mean.monetary, v.expected_revenue, v.likely_lost_share, v.mean_p_alive, v.mean_clv,
        x.description, x.action ? x.action.name : null, x.action ? x.action.why : null, s.source, s.k, s.metric];
    });
    downloadCsv(`segments-${state.runId}-k${s.k}-${s.metric}.csv`, header, rows);
  }
  // Every forecast series of the run, month by month (actuals and forecasts with their interval).
  function exportForecasts() {
    const header = ['series', 'name', 'segment_id', 'month', 'is_history', 'actual', 'yhat', 'lower', 'upper'];
    const rows = [];
    (state.forecasts ? state.forecasts.series : []).forEach((series) => series.points.forEach((p) => rows.push(
      [series.series, forecastLabel(series), series.segment_id, p.month, p.is_history, p.actual, p.yhat, p.lower, p.upper])));
    downloadCsv(`forecasts-${state.runId}.csv`, header, rows);
  }
  function exportPng(id) {
    const url = chart(id).getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff' });
    download(`${id.replace(/^chart-/, '')}-${state.runId}.png`, url);
  }

  // ---------------------------------------------------------------- loading
  // While the server re-clusters (k = 8 under DTW can take seconds on a busy machine) the charts
  // of the previous segmentation are dimmed under a note, so nobody reads them as the new ones.
  function setLoading(text) {
    const views = $('segment-views');
    views.classList.toggle('loading', Boolean(text));
    views.setAttribute('aria-busy', text ? 'true' : 'false');
    document.body.dataset.loading = text ? '1' : '0';
    $('loading-note').hidden = !text;
    $('loading-note').textContent = text || '';
  }
  async function loadSegments() {
    const request = ++state.segmentsRequest;
    const params = clusterParams();
    const what = params.k ? `Re-clustering k = ${params.k}, ${params.metric === 'dtw' ? 'DTW' : 'Euclidean'} on the server…`
      : 'Loading the run\'s own segments…';
    $('cluster-status').textContent = what;
    setLoading(`${what} The charts below still show the previous segmentation.`);
    try {
      const segments = await api(`${runPath()}/segments${query({ ...params, ...filterParams() })}`);
      if (request !== state.segmentsRequest) return false;   // a newer request is under way
      state.segments = segments;
      renderSegmentViews();
      state.page = 1;
      await loadTable();
      return true;
    } finally {
      if (request === state.segmentsRequest) setLoading(null);
    }
  }

  // The KPIs and the segment sizes follow the table's filter; the profile, mix and trajectory
  // charts describe whole segments.
  async function loadFilteredFigures() {
    const request = ++state.segmentsRequest;
    const params = filterParams();
    const [kpis, segments] = await Promise.all([api(`${runPath()}/kpis${query(params)}`),
      api(`${runPath()}/segments${query({ ...clusterParams(), ...params })}`)]);
    if (request !== state.segmentsRequest) return;   // a re-clustering started meanwhile
    state.kpis = kpis;
    state.segments = segments;
    renderKpis();
    renderSizes();
  }

  async function loadRun(runId) {
    state.runId = runId;
    state.customer = null;
    state.query = '';
    $('customer-search').value = '';
    state.filter = { column: '', value: '', from: '', to: '' };
    $('filter-from').value = '';
    $('filter-to').value = '';
    $('customer-detail').hidden = true;
    const [kpis, own, forecasts] = await Promise.all([
      api(`${runPath()}/kpis`), api(`${runPath()}/segments`), api(`${runPath()}/forecasts`)]);
    let migration = null;
    let migrationError = null;
    const listed = state.runs.find((r) => r.run_id === runId);
    // Asking for a migration the run list says cannot exist would only log a 404 in the console.
    if (listed && !listed.previous_run_id) {
      migrationError = `Run ${runId} has no previous run.`;
    } else {
      try {
        migration = await api(`${runPath()}/migration`);
      } catch (error) {
        if (error.status !== 404) throw error;
        migrationError = error.message;
      }
    }
    Object.assign(state, { kpis, runSegments: own, segments: own, forecasts, migration, migrationError,
      k: own.k, metric: own.metric, page: 1, focus: null, focusName: null });
    $('k-slider').value = String(own.k);
    $('k-value').textContent = String(own.k);
    $(own.metric === 'euclidean' ? 'metric-euclidean' : 'metric-dtw').checked = true;
    renderKpis();
    renderSegmentViews();
    renderForecast();
    renderMigration();
    await loadTable();
  }

  // Runs an action, reporting its failure in the banner instead of leaving the page half-drawn.
  function guarded(action) {
    return (...args) => Promise.resolve().then(() => action(...args)).then(
      (result) => { showError(null); return result; },
      (error) => { showError(`Could not load data: ${error.message}`); console.warn(error); });
  }

  function debounce(action, milliseconds) {
    let timer = null;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => action(...args), milliseconds); };
  }

  function wire() {
    $('run-select').addEventListener('change', guarded((e) => loadRun(e.target.value)));
    const slider = $('k-slider');
    const recluster = guarded(async () => {
      const k = Number(slider.value);
      if (k === state.k && state.segments && (state.segments.k === k)) return;
      state.k = k;
      await loadSegments();
    });
    // Dragging fires "input" at every step: it only moves the number. "change" fires once, when
    // the slider is released (or per arrow key), and that sends the one request.
    slider.addEventListener('input', () => { $('k-value').textContent = slider.value; });
    slider.addEventListener('change', () => { $('k-value').textContent = slider.value; recluster(); });
    document.querySelectorAll('input[name="metric"]').forEach((radio) => radio.addEventListener('change', guarded(async () => {
      if (!radio.checked) return;
      state.metric = radio.value;
      await loadSegments();
    })));
    $('segment-select').addEventListener('change', guarded(async (e) => {
      state.focus = Number(e.target.value);
      state.focusName = focusSegment().name;
      state.focusLost = null;
      state.page = 1;
      renderFocusViews();
      await loadTable();
    }));
    $('value-table').addEventListener('click', guarded(async (e) => {
      const row = e.target.closest('tr[data-segment-id]');
      if (!row || state.segments.source !== 'run') return;
      state.focus = Number(row.dataset.segmentId);
      $('segment-select').value = row.dataset.segmentId;
      $('segment-select').dispatchEvent(new Event('change'));
    }));
    $('mix-select').addEventListener('change', (e) => { state.mixColumn = e.target.value; renderMix(); });
    $('forecast-select').addEventListener('change', (e) => { state.forecastSeries = e.target.value; renderForecast(); });
    document.querySelectorAll('[data-feature]').forEach((b) => b.addEventListener('click', () => {
      state.feature = b.dataset.feature; renderTrajectories();
    }));
    document.querySelectorAll('[data-cfeature]').forEach((b) => b.addEventListener('click', () => {
      state.customerFeature = b.dataset.cfeature; renderCustomerChart();
    }));
    $('customer-search').addEventListener('input', debounce(guarded(async (e) => {
      state.query = e.target.value.trim();
      state.page = 1;
      await loadTable();
    }), 250));
    document.querySelectorAll('#customer-table th[data-sort] button').forEach((button) => button.addEventListener('click',
      guarded(async () => {
        const column = button.closest('th').dataset.sort;
        // A new column starts with what an analyst looks for first: names A to Z, figures highest first.
        const text = column === 'customer_id' || column === 'country';
        state.sort = state.sort.column === column ? { column, order: state.sort.order === 'asc' ? 'desc' : 'asc' }
          : { column, order: text ? 'asc' : 'desc' };
        state.page = 1;
        await loadTable();
      })));
    const refilter = guarded(async () => {
      state.filter = { column: $('filter-column').value, value: $('filter-value').value, from: $('filter-from').value, to: $('filter-to').value };
      renderFilterControls();
      state.page = 1;
      await Promise.all([loadTable(), loadFilteredFigures()]);
    });
    ['filter-column', 'filter-value', 'filter-from', 'filter-to'].forEach((id) => $(id).addEventListener('change', refilter));
    $('filter-clear').addEventListener('click', guarded(async () => {
      state.filter = { column: '', value: '', from: '', to: '' };
      $('filter-from').value = '';
      $('filter-to').value = '';
      renderFilterControls();
      state.page = 1;
      await Promise.all([loadTable(), loadFilteredFigures()]);
    }));
    $('page-prev').addEventListener('click', guarded(async () => { state.page = Math.max(1, state.page - 1); await loadTable(); }));
    $('page-next').addEventListener('click', guarded(async () => { state.page += 1; await loadTable(); }));
    $('customer-table').addEventListener('click', guarded(async (e) => {
      const row = e.target.closest('tr[data-customer-id]');
      if (row) await showCustomer(row.dataset.customerId);
    }));
    $('customer-table').addEventListener('keydown', guarded(async (e) => {
      const row = e.target.closest('tr[data-customer-id]');
      if (row && e.key === 'Enter') await showCustomer(row.dataset.customerId);
    }));
    const openNeighbour = guarded(async (e) => {
      const link = e.target.closest('a[data-customer-id]');
      if (link && (e.type === 'click' || e.key === 'Enter')) await showCustomer(link.dataset.customerId);
    });
    $('neighbour-list').addEventListener('click', openNeighbour);
    $('neighbour-list').addEventListener('keydown', openNeighbour);
    $('detail-close').addEventListener('click', () => { $('customer-detail').hidden = true; state.customer = null; });
    // When the forecast tab selection follows the focused segment, the analyst sees one story.
    $('segment-select').addEventListener('change', () => {
      const wanted = state.forecasts && state.forecasts.series.find((s) => s.segment_id === state.focus);
      if (wanted && state.segments.source === 'run') { state.forecastSeries = wanted.series; renderForecast(); }
    });
    $('export-segments').addEventListener('click', exportSegments);
    $('export-forecast').addEventListener('click', exportForecasts);
    document.querySelectorAll('.png-export').forEach((b) => b.addEventListener('click', () => exportPng(b.dataset.chart)));
    window.addEventListener('resize', debounce(() => Object.values(charts).forEach((c) => c.resize()), 100));
  }

  async function start() {
    if (typeof echarts === 'undefined') {
      showError('The chart library (assets/vendor/echarts.min.js) did not load: run scripts/setup.sh and rebuild.');
      return;
    }
    wire();
    const { runs } = await api('/api/runs');
    state.runs = runs;
    if (!runs.length) {
      showError('This output folder has no runs yet: run `segcast run` first.');
      return;
    }
    // Runs listed only by the store (`has_data: false`) have no folder to read charts from.
    const readable = runs.filter((r) => r.has_data !== false);
    $('run-select').replaceChildren(...runs.map((r) => {
      const option = new Option(`${r.run_id}${r.as_of && r.as_of !== r.run_id ? ` (as of ${r.as_of})` : ''} · k = ${r.k}` +
        (r.has_data === false ? ' · store only' : ''), r.run_id);
      option.disabled = r.has_data === false;
      return option;
    }));
    if (!readable.length) {
      showError('None of the listed runs has a run folder here: point `segcast serve` at the output directory of `segcast run`.');
      return;
    }
    $('run-select').value = readable[0].run_id;
    await loadRun(readable[0].run_id);
    document.body.dataset.ready = '1';
  }

  document.addEventListener('DOMContentLoaded', guarded(start));
})();
