// The pieces the consumption views are built from: the period bar (Day /
// Month / Year / 10 years, a date, previous / next), the comparison with the
// previous period, histograms whose estimated bars are hatched and whose
// tariffs keep their configured colours, and the table of values under a
// chart (the manual's "Data"). Every figure comes from the API as is; the
// views only choose the unit it is shown in.

import { t, num, money } from '../../i18n.js';
import { h, table, field, badge } from '../../ui.js';
import { chartBox, bars, PALETTE } from '../../charts.js';
import { PERIODS, periodStart, shift, today, isCurrent, isFuture, periodTitle, compareLabels, bucketLabels, bucketTitle, rowLabels, scaled, quantity, amount } from './common.js';

// ---- focus across re-renders ------------------------------------------------

// Every navigation re-renders the page; the control that caused it gets the
// focus back so that a keyboard user can press "Next" again and again.
let focusKey = null;

export function remember(key) {
	focusKey = key;
}

export function restoreFocus(view) {
	if (!focusKey) {
		return;
	}
	const el = view.querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
	focusKey = null;
	if (el) {
		el.focus();
	}
}

// ---- period bar ----------------------------------------------------------------

function navLink(label, hrefValue, key, cls, extra = {}) {
	if (!hrefValue) {
		return h('span', { class: `button small disabled ${cls}`, 'aria-disabled': 'true', dataset: { key } }, label);
	}
	return h('a', { class: `button small ${cls}`, href: hrefValue, dataset: { key }, onclick: () => remember(key), ...extra }, label);
}

// state: {period, date}; base: the query every link keeps (scope, device …).
export function periodBar(ctx, path, base, state, { periods = PERIODS } = {}) {
	const now = today(ctx.timeZone);
	const link = (q) => ctx.href(path, { ...base, ...q });
	const seg = h(
		'div',
		{ class: 'cons-seg', role: 'group', 'aria-label': t('cons.period') },
		periods.map((p) =>
			h(
				'a',
				{
					href: link({ period: p, date: periodStart(p, isCurrent(state.period, state.date, now) ? now : state.date) }),
					class: p === state.period ? 'active' : '',
					'aria-current': p === state.period ? 'true' : null,
					dataset: { period: p, key: `period-${p}` },
					onclick: () => remember(`period-${p}`),
				},
				t(`cons.period_${p}`)
			)
		)
	);
	const prev = shift(state.period, state.date, -1);
	const next = shift(state.period, state.date, 1);
	const input = h('input', { type: 'date', id: 'cons-date', name: 'date', value: state.date, max: now, required: true, dataset: { key: 'date' } });
	const pick = h(
		'form',
		{
			class: 'cons-date',
			onsubmit: (e) => {
				e.preventDefault();
				if (input.value) {
					remember('date');
					ctx.go(path, { ...base, period: state.period, date: periodStart(state.period, input.value) });
				}
			},
		},
		h('label', { for: 'cons-date' }, t('cons.date')),
		input,
		h('button', { type: 'submit', class: 'small', dataset: { key: 'date-go' } }, t('cons.show'))
	);
	const nav = h(
		'div',
		{ class: 'cons-steps' },
		navLink(h('span', {}, '‹', h('span', { class: 'cons-step-text' }, ` ${t('cons.previous')}`)), link({ period: state.period, date: prev }), 'prev', 'cons-prev', { 'aria-label': t('cons.previous_aria', { period: t(`cons.unit_${state.period}`) }) }),
		pick,
		navLink(h('span', {}, h('span', { class: 'cons-step-text' }, `${t('cons.next')} `), '›'), isFuture(state.period, next, now) ? null : link({ period: state.period, date: next }), 'next', 'cons-next', { 'aria-label': t('cons.next_aria', { period: t(`cons.unit_${state.period}`) }) }),
		isCurrent(state.period, state.date, now) ? null : navLink(t(`cons.current_${state.period}`), link({ period: state.period, date: periodStart(state.period, now) }), 'now', 'cons-now')
	);
	return h('div', { class: 'cons-period card', dataset: { period: state.period, date: state.date } }, seg, nav, h('p', { class: 'cons-period-title' }, h('span', { dataset: { periodTitle: '' } }, periodTitle(state.period, state.date)), h('span', { class: 'cons-tz', title: t('cons.time_zone') }, ctx.timeZone)));
}

// Reads period and date from the address, defaulting to today's day.
export function periodState(ctx, { periods = PERIODS, period: fallback = 'day' } = {}) {
	const period = periods.includes(ctx.query.period) ? ctx.query.period : fallback;
	const now = today(ctx.timeZone);
	const raw = /^\d{4}-\d{2}-\d{2}$/.test(ctx.query.date || '') ? ctx.query.date : now;
	return { period, date: periodStart(period, raw), today: now };
}

// ---- comparison with the previous period (CON-3) ----------------------------

function kpi(key, label, value, cost, extra) {
	return h('div', { class: `cons-kpi cons-kpi-${key}`, dataset: { [key]: '' } }, h('dt', {}, label), h('dd', { class: 'cons-kpi-value' }, value), cost !== undefined ? h('dd', { class: 'cons-kpi-cost' }, cost) : null, extra);
}

// hist: an API histogram; its total and previous_total (and costs) side by side.
export function comparison(hist, state, scale, { withCost = true } = {}) {
	const labels = compareLabels(state.period, state.date, state.today);
	const currency = hist.currency;
	const hasCost = withCost && 'total_cost' in hist;
	const est = hist.buckets.some((b) => b.estimated) ? badge(t('cons.estimated'), 'warn') : null;
	return h(
		'dl',
		{ class: 'cons-kpis', dataset: { compare: '' } },
		kpi('current', labels.current, quantity(hist.total, scale), hasCost ? money(hist.total_cost, currency) : undefined, est ? h('dd', {}, est) : null),
		kpi('previous', labels.previous, hist.previous_total === null ? t('cons.no_data') : quantity(hist.previous_total, scale), hasCost ? (hist.previous_total_cost === null || hist.previous_total_cost === undefined ? '–' : money(hist.previous_total_cost, currency)) : undefined)
	);
}

// TAR-6: consumption under no tariff is said, never priced at 0.
export function unpricedNote(hist) {
	if (!hist.unpriced) {
		return null;
	}
	return h('p', { class: 'banner warn cons-unpriced', dataset: { unpriced: String(hist.unpriced) } }, t('cons.unpriced', { amount: amount(hist.unpriced, hist.unit) }));
}

// ---- histograms ----------------------------------------------------------------

// A hatched fill for estimated bars: the dataset's colour, lighter, with
// stripes, so that it differs without relying on colour alone.
function hatch(color) {
	const c = document.createElement('canvas');
	c.width = 8;
	c.height = 8;
	const g = c.getContext('2d');
	g.fillStyle = color;
	g.globalAlpha = 0.35;
	g.fillRect(0, 0, 8, 8);
	g.globalAlpha = 1;
	g.strokeStyle = color;
	g.lineWidth = 2;
	g.beginPath();
	g.moveTo(-2, 10);
	g.lineTo(10, -2);
	g.moveTo(-2, 2);
	g.lineTo(2, -2);
	g.moveTo(6, 10);
	g.lineTo(10, 6);
	g.stroke();
	return g.createPattern(c, 'repeat');
}

function tariffNames(hist) {
	const names = new Set(Object.keys(hist.total_by_tariff || {}));
	for (const b of hist.buckets) {
		Object.keys(b.by_tariff || {}).forEach((n) => names.add(n));
	}
	names.delete('no tariff');
	return [...names];
}

// series: [{label, hist, color}]; mode: value | cost | tariffs (the cost
// of the first series stacked by tariff, in the tariffs' colours).
function datasetsFor(series, mode, scale, colors) {
	if (mode === 'tariffs') {
		const hist = series[0].hist;
		return tariffNames(hist).map((name, i) => {
			const color = colors.get(name) || PALETTE[i % PALETTE.length];
			return {
				label: name,
				base: color,
				data: hist.buckets.map((b) => (b.by_tariff && typeof b.by_tariff[name] === 'number' ? b.by_tariff[name] : null)),
				color: hist.buckets.map((b) => (b.estimated ? hatch(color) : color)),
			};
		});
	}
	return series.map((s, i) => {
		const color = s.color || PALETTE[i % PALETTE.length];
		return {
			label: s.label,
			base: color,
			data: s.hist.buckets.map((b) => {
				if (!b.recorded) {
					return null;
				}
				return mode === 'cost' ? (typeof b.cost === 'number' ? b.cost : null) : scaled(b.value, scale);
			}),
			color: s.hist.buckets.map((b) => (b.estimated ? hatch(color) : color)),
		};
	});
}

// Returns {box, draw}: draw() once the box is in the page (Chart.js sizes
// the canvas from its container). The chart ends with the page.
export function histogram(ctx, { title, kind, period, series, mode = 'value', scale, currency, colors = new Map() }) {
	const { box, canvas } = chartBox(title, kind);
	const buckets = series[0].hist.buckets;
	const estimated = buckets.filter((b) => b.estimated).length;
	box.dataset.mode = mode;
	box.dataset.buckets = String(buckets.length);
	const legendNote = estimated ? h('p', { class: 'cons-legend-note' }, h('span', { class: 'swatch cons-hatch', 'aria-hidden': 'true' }), t('cons.estimated_note')) : null;
	if (legendNote) {
		box.append(legendNote);
	}
	let chart = null;
	const draw = () => {
		const datasets = datasetsFor(series, mode, scale, colors);
		const unit = mode === 'value' ? scale.unit : currency || '';
		chart = bars(canvas, { labels: bucketLabels(period, buckets), datasets, unit, stacked: mode === 'tariffs', digits: mode === 'value' ? scale.digits : 2 });
		canvas.dataset.estimated = String(estimated);
		canvas.dataset.datasets = String(datasets.length);
		const opts = chart.options.plugins;
		opts.legend.display = datasets.length > 1 || mode === 'tariffs';
		opts.legend.labels.generateLabels = (c) =>
			c.data.datasets.map((d, i) => ({ text: d.label, fillStyle: datasets[i].base, strokeStyle: datasets[i].base, lineWidth: 0, hidden: !c.isDatasetVisible(i), datasetIndex: i }));
		opts.tooltip.callbacks.title = (items) => (items.length ? bucketTitle(period, buckets[items[0].dataIndex]) : '');
		opts.tooltip.callbacks.label = (c) => `${c.dataset.label}: ${mode === 'value' ? `${num(c.parsed.y, scale.digits)} ${scale.unit}` : money(c.parsed.y, currency)}`;
		opts.tooltip.callbacks.afterBody = (items) => (items.length && buckets[items[0].dataIndex].estimated ? t('cons.estimated') : '');
		chart.update();
		ctx.onCleanup(() => chart.destroy());
		return chart;
	};
	return { box, draw, chart: () => chart };
}

// ---- the values under a chart (the manual's "Data") ---------------------------

// series: [{label, hist}]; one row per bucket, a column per series.
export function valuesTable(period, series, { scale, currency, withCost = false, open = false }) {
	const buckets = series[0].hist.buckets;
	// an estimated bucket says so under its time, so that no column is
	// added for it and the table still fits a phone
	const when = (r) => [h('span', { class: 'cons-when' }, r.when), r.items.some((b) => b.estimated) ? badge(t('cons.estimated'), 'warn') : null];
	const columns = [{ key: 'when', label: t('cons.when'), render: when }];
	series.forEach((s, i) => {
		columns.push({ key: `v${i}`, label: series.length > 1 ? s.label : t('cons.consumption'), cls: 'num', render: (r) => (r.items[i].recorded ? quantity(r.items[i].value, scale) : '–') });
		if (withCost) {
			columns.push({ key: `c${i}`, label: series.length > 1 ? t('cons.cost_of', { name: s.label }) : t('cons.cost'), cls: 'num', render: (r) => (typeof r.items[i].cost === 'number' ? money(r.items[i].cost, currency) : '–') });
		}
	});
	const labels = rowLabels(period, buckets);
	const rows = buckets.map((b, k) => ({ when: labels[k], items: series.map((s) => s.hist.buckets[k]) }));
	const tbl = table(columns, rows, { caption: t('cons.values_caption', { period: periodTitleOf(series[0].hist) }) });
	tbl.dataset.values = String(rows.length);
	tbl.querySelectorAll('tbody tr').forEach((tr, k) => tr.toggleAttribute('data-estimated', rows[k].items.some((b) => b.estimated)));
	// one series fits a phone as a table; two become cards
	if (series.length === 1) {
		tbl.classList.add('cons-keep');
	}
	return h('details', { class: 'cons-values', open }, h('summary', {}, t('cons.values')), tbl);
}

function periodTitleOf(hist) {
	const first = hist.buckets[0];
	return first ? periodTitle(hist.period, first.start.slice(0, 10)) : '';
}

// ---- controls --------------------------------------------------------------------

// A labelled select that changes the address when its value changes.
export function chooser({ name, label, options, value, onPick, help }) {
	const f = field({ name, label, type: 'select', options, value, help, attrs: { dataset: { key: name } } });
	const sel = f.querySelector('select');
	sel.dataset.key = name;
	sel.addEventListener('change', () => {
		remember(name);
		onPick(sel.value);
	});
	return f;
}

// <select> options with <optgroup>s: groups [{label, options: [{value,label}]}].
export function groupedChooser({ name, label, groups, value, onPick }) {
	const id = `cons-${name}`;
	const sel = h(
		'select',
		{ id, name, dataset: { key: name } },
		groups.map((g) =>
			g.label
				? h('optgroup', { label: g.label }, g.options.map((o) => h('option', { value: o.value, selected: String(o.value) === String(value) }, o.label)))
				: g.options.map((o) => h('option', { value: o.value, selected: String(o.value) === String(value) }, o.label))
		)
	);
	sel.addEventListener('change', () => {
		remember(name);
		onPick(sel.value);
	});
	return h('div', { class: 'field field-select', dataset: { field: name } }, h('label', { for: id }, label), sel);
}

// Segmented links (Consumption / Cost, Electricity / Gas / Water).
export function segmented(label, items, active, key) {
	return h(
		'div',
		{ class: 'cons-seg', role: 'group', 'aria-label': label },
		items.map((i) =>
			h('a', { href: i.href, class: i.id === active ? 'active' : '', 'aria-current': i.id === active ? 'true' : null, dataset: { key: `${key}-${i.id}`, [key]: i.id }, onclick: () => remember(`${key}-${i.id}`) }, i.label)
		)
	);
}

// Checkboxes that show or hide the tariffs of a chart (CON-8). names:
// [{name, color}]; onToggle(name, shown).
export function tariffToggles(names, hidden, onToggle) {
	if (!names.length) {
		return null;
	}
	return h(
		'fieldset',
		{ class: 'cons-toggles', dataset: { tariffToggles: '' } },
		h('legend', {}, t('cons.tariffs_shown')),
		names.map(({ name, color }) => {
			const id = `cons-tariff-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
			const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
			sw.style.backgroundColor = color;
			return h(
				'span',
				{ class: 'cons-toggle' },
				h('input', { type: 'checkbox', id, checked: !hidden.has(name), dataset: { tariff: name }, onchange: (e) => onToggle(name, e.target.checked) }),
				h('label', { for: id }, sw, name)
			);
		})
	);
}

export function swatch(color) {
	const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
	sw.style.backgroundColor = color;
	return sw;
}

export function emptyNote(text) {
	return h('p', { class: 'empty cons-empty' }, text);
}

// Appends the children that exist (a view's optional parts are null).
export function put(el, ...children) {
	el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
	return el;
}
