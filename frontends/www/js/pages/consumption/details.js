// Details (CON-7, manual §8.2.2.4): one device, chosen among all devices or
// those of a load or a measure group. Its consumption histogram (excluded
// devices too) and the minimum, mean and maximum of a measured quantity of
// its model (power, voltages, currents, frequency, THD, harmonics).

import { api } from '../../api.js';
import { t, num } from '../../i18n.js';
import { h } from '../../ui.js';
import { chartBox, lines } from '../../charts.js';
import { scaleFor, siteObjects, commodityName, bucketLabels, bucketTitle } from './common.js';
import { periodBar, periodState, comparison, unpricedNote, histogram, valuesTable, emptyNote, put, chooser } from './widgets.js';
import { devicePicker, deviceFacts, quantityName, measuredQuantities } from './device.js';

const PATH = 'consumption/details';

async function energy(ctx, dev, state) {
	const hist = await api.get('/consumption', { scope: 'device', id: dev.id, period: state.period, date: state.date, costs: 1 });
	const totals = scaleFor(hist.unit, [hist.total, hist.previous_total]);
	const scale = scaleFor(hist.unit, hist.buckets.map((b) => b.value));
	const section = h('section', { class: 'cons-energy', dataset: { commodity: hist.commodity } }, h('h3', {}, t('cons.energy_title', { commodity: commodityName(hist.commodity) })), comparison(hist, state, totals), unpricedNote(hist));
	if (!hist.buckets.some((b) => b.recorded)) {
		put(section, emptyNote(t('cons.no_consumption')));
		return { el: section, draws: [] };
	}
	const chart = histogram(ctx, { title: t(`cons.per_${state.period}`), kind: 'energy', period: state.period, series: [{ label: dev.name, hist }], scale, currency: hist.currency });
	put(section, chart.box, valuesTable(state.period, [{ label: dev.name, hist }], { scale, currency: hist.currency, withCost: true }));
	return { el: section, draws: [chart.draw] };
}

async function measures(ctx, dev, model, state, base) {
	const section = h('section', { class: 'cons-measures' }, h('h3', {}, t('cons.measures_title')));
	const list = model && model.caps.includes('measure') ? await measuredQuantities(model.key) : [];
	if (!list.length) {
		put(section, h('p', { class: 'help cons-note' }, t('cons.energy_only')));
		return { el: section, draws: [] };
	}
	const q = list.some((x) => x.value === ctx.query.quantity) ? ctx.query.quantity : (list.find((x) => x.value === 'active_power') || list[0]).value;
	const m = await api.get('/consumption/measures', { device: dev.id, quantity: q, period: state.period, date: state.date });
	put(
		section,
		h(
			'div',
			{ class: 'cons-controls' },
			chooser({ name: 'quantity', label: t('cons.quantity'), options: list, value: q, onPick: (v) => ctx.go(PATH, { ...base, quantity: v, period: state.period, date: state.date }) })
		)
	);
	if (!m.buckets.some((b) => b.count > 0)) {
		put(section, emptyNote(t('cons.no_samples')));
		return { el: section, draws: [] };
	}
	const title = `${quantityName(q)}${m.unit ? ` (${m.unit})` : ''}`;
	const { box, canvas } = chartBox(title, 'measures');
	box.dataset.quantity = q;
	put(section, box);
	const digits = m.unit === 'Hz' || m.unit === '' ? 3 : 1;
	const draw = () => {
		const pick = (k) => m.buckets.map((b) => (b.count ? b[k] : null));
		const chart = lines(canvas, {
			labels: bucketLabels(state.period, m.buckets),
			datasets: [
				{ label: t('cons.max'), data: pick('max'), color: '#c62828' },
				{ label: t('cons.avg'), data: pick('avg'), color: '#0b5cad' },
				{ label: t('cons.min'), data: pick('min'), color: '#2e7d32' },
			],
			unit: m.unit,
			digits,
		});
		chart.options.plugins.tooltip.callbacks.title = (items) => (items.length ? bucketTitle(state.period, m.buckets[items[0].dataIndex]) : '');
		chart.options.plugins.tooltip.callbacks.label = (c) => `${c.dataset.label}: ${num(c.parsed.y, digits)} ${m.unit}`;
		chart.options.plugins.tooltip.mode = 'index';
		chart.options.plugins.tooltip.intersect = false;
		chart.update();
		canvas.dataset.points = String(m.buckets.length);
		ctx.onCleanup(() => chart.destroy());
	};
	return { el: section, draws: [draw] };
}

export default async function render(body, ctx) {
	const state = periodState(ctx);
	const objs = await siteObjects();
	put(body, h('h2', {}, t('cons.details_title')), h('p', { class: 'lead' }, t('cons.details_lead')));
	const picker = devicePicker(ctx, objs, PATH, state);
	if (!picker.device) {
		put(body, picker.el, emptyNote(t('cons.no_devices')));
		return [];
	}
	const dev = picker.device;
	const base = { device: dev.id, of: ctx.query.of };
	const model = objs.modelOf(dev);
	const [en, me] = await Promise.all([energy(ctx, dev, state), measures(ctx, dev, model, state, base)]);
	body.dataset.device = String(dev.id);
	put(body, picker.el, deviceFacts(objs, dev, model), periodBar(ctx, PATH, { ...base, quantity: ctx.query.quantity }, state), en.el, me.el);
	return [...en.draws, ...me.draws];
}
