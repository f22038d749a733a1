// Green'Up configuration (§7.16.5, EVS-1, EVS-4): the management setup
// (meter, currents, steps, minimum charge, ON/OFF) and each station's
// default priority and rated current.
//   #/system/greenup            management configuration
//   #/system/greenup/stations   priority stations

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, field, notice, clearErrors, table, button } from '../../ui.js';
import { busy, section, showFieldError, fieldset, subTabs, statusBadge, refusalBox, markRows, byId, again } from './common.js';
import { loadCatalog, modelOf, deviceAddress } from './catalog.js';

export default async function render(view, ctx) {
	const which = ctx.segments[0] === 'stations' ? 'stations' : 'management';
	const nav = subTabs(
		[
			{ id: 'management', label: t('sys.evse.tab_management'), href: ctx.href('system/greenup') },
			{ id: 'stations', label: t('sys.evse.tab_stations'), href: ctx.href('system/greenup/stations') },
		],
		which,
		t('sys.tab.greenup')
	);
	const [devices, catalog, gateways] = await Promise.all([api.get('/devices'), loadCatalog(), api.get('/gateways')]);
	const caps = (d) => modelOf(catalog, d.model)?.caps ?? [];
	const stations = devices.filter((d) => caps(d).includes('evse'));
	const rerender = () => again(ctx, () => render(view, ctx));
	const content = which === 'stations'
		? await stationsView(stations, gateways, ctx, rerender)
		: await managementView(devices.filter((d) => caps(d).includes('measure') && !caps(d).includes('evse')), rerender);
	clear(view, nav, content);
}

const NUMBERS = [
	{ name: 'max_current_a', unit: 'A', step: '0.1' },
	{ name: 'max_charging_current_a', unit: 'A', step: '0.1' },
	{ name: 'hysteresis_pct', unit: '%', step: '1' },
	{ name: 'step1_pct', unit: '%', step: '1' },
	{ name: 'step2_pct', unit: '%', step: '1' },
	{ name: 'min_charge_ah', unit: 'Ah', step: '1' },
	{ name: 'failsafe_current_a', unit: 'A', step: '0.1' },
	{ name: 'period_s', unit: 's', step: '0.001' },
];

function numberField(cfg, name) {
	const spec = NUMBERS.find((n) => n.name === name);
	return field({
		name,
		label: t(`sys.evse.${name}`, { unit: spec.unit }),
		type: 'number',
		value: cfg[name],
		help: t(`sys.evse.${name}_help`),
		attrs: { step: spec.step, min: 0, inputmode: 'decimal' },
	});
}

async function managementView(meters, rerender) {
	const cfg = await api.get('/evse/config');
	const submit = h('button', { type: 'submit', class: 'primary' }, t('ui.save'));
	const f = h(
		'form',
		{ class: 'form sys-form', novalidate: true, dataset: { form: 'evse' } },
		fieldset(
			t('sys.evse.meter_group'),
			field({
				name: 'meter',
				label: t('sys.evse.meter'),
				type: 'select',
				value: cfg.meter ?? '',
				options: [{ value: '', label: t('sys.evse.meter_none') }, ...meters.map((d) => ({ value: d.id, label: `${d.name} (${deviceAddress(d)})` }))],
				help: t('sys.evse.meter_help'),
			})
		),
		fieldset(t('sys.evse.currents'), h('div', { class: 'sys-field-row' }, numberField(cfg, 'max_current_a'), numberField(cfg, 'max_charging_current_a')), h('p', { class: 'help' }, t('sys.evse.zones_help'))),
		fieldset(
			t('sys.evse.logic'),
			h('div', { class: 'sys-field-row' }, numberField(cfg, 'hysteresis_pct'), numberField(cfg, 'step1_pct'), numberField(cfg, 'step2_pct')),
			h('div', { class: 'sys-field-row' }, numberField(cfg, 'min_charge_ah'), numberField(cfg, 'failsafe_current_a'), numberField(cfg, 'period_s'))
		),
		fieldset(t('sys.evse.enable_group'), field({ name: 'enabled', label: t('sys.evse.enabled'), type: 'checkbox', value: cfg.enabled, help: t('sys.evse.enabled_help') })),
		h('div', { class: 'form-actions' }, submit)
	);
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(f);
		const body = { enabled: f.elements.enabled.checked, meter: f.elements.meter.value ? Number(f.elements.meter.value) : null };
		for (const n of NUMBERS) {
			const v = f.elements[n.name].value;
			body[n.name] = v === '' ? 0 : Number(v);
		}
		await busy(submit, async () => {
			try {
				await api.put('/evse/config', body);
				notice(t('ui.saved'));
				await rerender();
			} catch (err) {
				showFieldError(f, err);
			}
		});
	});
	return section(
		t('sys.evse.management_title'),
		[],
		h('p', { class: 'sys-gw-state' }, h('span', { class: `badge ${cfg.enabled ? 'ok' : 'off'}`, dataset: { enabled: String(cfg.enabled) } }, cfg.enabled ? t('sys.evse.logic_on') : t('sys.evse.logic_off'))),
		h('p', { class: 'lead' }, t('sys.evse.management_lead')),
		f
	);
}

async function stationsView(stations, gateways, ctx, rerender) {
	const gatewayOf = byId(gateways);
	const filter = ctx.query.gateway ? Number(ctx.query.gateway) : null;
	const shown = filter ? stations.filter((s) => s.gateway_id === filter) : stations;
	const settings = new Map(await Promise.all(shown.map(async (s) => [s.id, await api.get(`/evse/stations/${s.id}`)])));
	const refusal = refusalBox();
	const select = h(
		'select',
		{ id: 'sys-evse-gateway', onchange: (e) => ctx.go('system/greenup/stations', { gateway: e.target.value }) },
		h('option', { value: '' }, t('sys.evse.all_devices')),
		gateways.map((g) => h('option', { value: g.id, selected: g.id === filter }, g.name))
	);
	const columns = [
		{ key: 'id', label: t('sys.id'), cls: 'num' },
		{ key: 'address', label: t('sys.dev.address'), render: deviceAddress },
		{ key: 'name', label: t('sys.name') },
		{ key: 'gateway', label: t('sys.gateway'), render: (s) => gatewayOf.get(s.gateway_id)?.name ?? '–' },
		{ key: 'status', label: t('sys.dev.status'), render: (s) => statusBadge(s.status) },
		{ key: 'priority', label: t('sys.evse.priority'), render: (s) => priorityButton(s, settings.get(s.id), refusal, rerender) },
		{ key: 'rated', label: t('sys.evse.rated'), render: (s) => ratedForm(s, settings.get(s.id), refusal, rerender) },
	];
	const list = table(columns, shown, { empty: t('sys.evse.no_stations'), caption: t('sys.evse.stations_caption') });
	markRows(list, shown, 'stationId');
	return section(
		t('sys.evse.stations_title'),
		[],
		h('p', { class: 'lead' }, t('sys.evse.stations_lead')),
		h('div', { class: 'toolbar' }, h('label', { for: 'sys-evse-gateway' }, t('sys.gateway')), select),
		refusal.el,
		list
	);
}

// The manual's Normal/Priority selector: a toggle that says which it is.
function priorityButton(s, cfg, refusal, rerender) {
	const b = h(
		'button',
		{
			type: 'button',
			class: `small sys-switch ${cfg.priority ? 'is-on' : 'is-off'}`,
			'aria-pressed': String(cfg.priority),
			'aria-label': t('sys.evse.priority_label', { name: s.name }),
			dataset: { action: 'priority', priority: String(cfg.priority) },
		},
		cfg.priority ? t('sys.evse.priority_on') : t('sys.evse.priority_off')
	);
	b.addEventListener('click', () =>
		busy(b, async () => {
			refusal.clear();
			try {
				await api.put(`/evse/stations/${s.id}`, { priority: !cfg.priority });
				await rerender();
			} catch (err) {
				refusal.show(err);
			}
		})
	);
	return b;
}

function ratedForm(s, cfg, refusal, rerender) {
	const id = `sys-rated-${s.id}`;
	const input = h('input', { id, type: 'number', min: 6, max: 80, step: 1, value: cfg.rated_a, class: 'sys-short', inputmode: 'numeric' });
	const save = button(t('ui.save'), () =>
		busy(save, async () => {
			refusal.clear();
			try {
				await api.put(`/evse/stations/${s.id}`, { rated_a: Number(input.value) });
				notice(t('ui.saved'));
				await rerender();
			} catch (err) {
				refusal.show(err);
				input.setAttribute('aria-invalid', 'true');
				input.focus();
			}
		}), 'small');
	save.dataset.action = 'rated';
	return h('div', { class: 'sys-inline' }, h('label', { for: id, class: 'sr-only' }, t('sys.evse.rated_label', { name: s.name })), input, h('span', {}, 'A'), save);
}
