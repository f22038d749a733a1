// Bill of consumptions (§7.16.3, TAR-1..6): the currency and the gas
// conversion factor, then per commodity its tariffs with dated prices and
// the ordered cost rules, the one in force now marked.
//   #/system/bill/electricity   #/system/bill/gas   #/system/bill/water

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, table, button, notice, field, clearErrors } from '../../ui.js';
import { busy, deleteButton, refusalBox, section, subTabs, showFieldError, saveSetting, priceText, commodityUnit, swatch, byId, markRows, dateOnly, again } from './common.js';
import { tariffDialog } from './tariffs.js';
import { ruleDialog, DAYS } from './rules.js';

const COMMODITIES = ['electricity', 'gas', 'water'];

export default async function render(view, ctx) {
	const commodity = COMMODITIES.includes(ctx.segments[0]) ? ctx.segments[0] : 'electricity';
	const [settings, tariffs, rules, now] = await Promise.all([
		api.get('/settings'),
		api.get('/tariffs', { commodity }),
		api.get('/rules', { commodity }),
		api.get('/tariffs/now', { commodity }),
	]);
	const inForce = (Array.isArray(now) ? now : [now]).find((n) => n.commodity === commodity) || null;
	const env = { ctx, commodity, currency: settings.currency, tariffs, rerender: () => again(ctx, () => render(view, ctx)) };
	clear(
		view,
		subTabs(
			COMMODITIES.map((c) => ({ id: c, label: t(`sys.commodity.${c}`), href: ctx.href(`system/bill/${c}`) })),
			commodity,
			t('sys.bill.commodities')
		),
		h('div', { class: 'sys-bill-top' }, settingsSection(settings, env), nowSection(inForce, env)),
		tariffsSection(env),
		rulesSection(rules, inForce, env)
	);
}

// TAR-1: the currency on every tab, the gas factor where gas is shown.
function settingsSection(settings, { ctx, commodity, rerender }) {
	const submit = h('button', { type: 'submit', class: 'primary' }, t('ui.save'));
	const f = h(
		'form',
		{ class: 'form sys-form sys-inline-form', novalidate: true, dataset: { form: 'bill-settings' } },
		h(
			'div',
			{ class: 'sys-field-row' },
			field({ name: 'currency', label: t('sys.bill.currency'), value: settings.currency, help: t('sys.bill.currency_help'), attrs: { maxlength: 3, autocapitalize: 'characters', autocomplete: 'off', spellcheck: 'false', class: 'sys-short' } }),
			commodity === 'gas'
				? field({ name: 'gas_factor_kwh_per_m3', label: t('sys.bill.gas_factor'), value: settings.gas_factor_kwh_per_m3, help: t('sys.bill.gas_factor_help'), attrs: { inputmode: 'decimal', autocomplete: 'off', class: 'sys-short' } })
				: null
		),
		h('div', { class: 'form-actions' }, submit)
	);
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(f);
		await busy(submit, async () => {
			try {
				// Each setting is stored on its own; unchanged ones are not sent.
				for (const el of f.querySelectorAll('input[name]')) {
					const v = el.value.trim();
					if (v !== settings[el.name]) {
						await saveSetting(el.name, v);
					}
				}
				await ctx.refreshSettings();
				notice(t('ui.saved'));
				await rerender();
			} catch (err) {
				showFieldError(f, err);
			}
		});
	});
	return section(t('sys.bill.settings'), [], f);
}

function nowSection(now, { commodity, currency }) {
	const body = now && now.rule_id
		? h(
			'p',
			{ class: 'sys-now', dataset: { ruleId: now.rule_id, tariffId: now.tariff_id } },
			h('span', { class: 'sys-pulse', 'aria-hidden': 'true' }),
			t('sys.bill.now_rule', { position: now.position, tariff: now.tariff }),
			' · ',
			h('strong', {}, priceText(now.price, currency, commodityUnit(commodity)))
		)
		: h('p', { class: 'banner warn sys-now', dataset: { ruleId: '' } }, t('sys.bill.now_none'));
	return section(t('sys.bill.now_title'), [], body);
}

function tariffsSection({ ctx, commodity, currency, tariffs, rerender }) {
	const refusal = refusalBox();
	const unit = commodityUnit(commodity);
	const open = (tariff) => tariffDialog({ tariff, commodity, currency, rerender, used: tariffs.map((x) => x.color.toUpperCase()) });
	const columns = [
		{ key: 'name', label: t('sys.name'), render: (x) => h('span', { class: 'sys-tariff-name' }, swatch(x.color), x.name) },
		{
			key: 'prices',
			label: t('sys.bill.prices'),
			render: (x) =>
				x.prices.length
					? h('ul', { class: 'sys-prices' }, x.prices.map((p) => h('li', {}, p.from ? t('sys.bill.price_from', { date: dateOnly(p.from) }) : t('sys.bill.price_undated'), ' ', h('strong', {}, priceText(p.price, currency, unit)))))
					: h('span', { class: 'badge warn' }, t('sys.bill.no_price')),
		},
		{ key: 'actions', label: t('sys.actions'), render: (x) => tariffActions(x, open, refusal, rerender) },
	];
	const list = table(columns, tariffs, { empty: t('sys.bill.no_tariffs'), caption: t('sys.bill.tariffs_caption', { commodity: t(`sys.commodity.${commodity}`) }) });
	markRows(list, tariffs, 'tariffId');
	const add = button(t('sys.bill.add_tariff'), () => open(null), 'primary');
	add.dataset.action = 'add-tariff';
	return section(t('sys.bill.tariffs'), [add], h('p', { class: 'help' }, t('sys.bill.tariffs_help')), refusal.el, list);
}

function tariffActions(x, open, refusal, rerender) {
	const edit = button(t('sys.bill.edit_tariff'), () => open(x), 'small');
	edit.dataset.action = 'edit';
	edit.setAttribute('aria-label', t('sys.bill.edit_label', { name: x.name }));
	const del = deleteButton({ question: t('ui.confirm_delete', { name: x.name }), path: `/tariffs/${x.id}`, refusal, done: rerender, ariaLabel: t('sys.bill.delete_label', { name: x.name }) });
	return h('div', { class: 'actions' }, edit, del);
}

// TAR-3: top-down, first true rule wins; exceptions go first.
function rulesSection(rules, now, { commodity, tariffs, rerender }) {
	const refusal = refusalBox();
	const tariffOf = byId(tariffs);
	const last = rules.length ? rules[rules.length - 1].id : null;
	const open = (rule) => ruleDialog({ rule, commodity, tariffs, rerender });
	const columns = [
		{ key: 'position', label: t('sys.bill.position'), cls: 'num' },
		{
			key: 'tariff',
			label: t('sys.bill.tariff'),
			render: (r) => h('span', { class: 'sys-tariff-name' }, tariffOf.has(r.tariff_id) ? swatch(tariffOf.get(r.tariff_id).color) : null, r.tariff, now?.rule_id === r.id ? h('span', { class: 'badge ok sys-in-force' }, t('sys.bill.in_force')) : null),
		},
		{ key: 'validity', label: t('sys.bill.validity'), render: validityText },
		{ key: 'time', label: t('sys.bill.time'), render: (r) => r.time.replace('-', '–') },
		{ key: 'days', label: t('sys.bill.days'), render: daysText },
		{ key: 'actions', label: t('sys.actions'), render: (r) => ruleActions(r, { first: r.position === 1, last: r.id === last, open, refusal, rerender }) },
	];
	const list = table(columns, rules, { empty: t('sys.bill.no_rules'), caption: t('sys.bill.rules_caption') });
	markRows(list, rules, 'ruleId');
	rules.forEach((r, i) => {
		if (now?.rule_id === r.id) {
			list.tBodies[0].rows[i].classList.add('sys-current');
		}
	});
	const add = button(t('sys.bill.add_rule'), () => open(null), 'primary');
	add.dataset.action = 'add-rule';
	if (!tariffs.length) {
		add.disabled = true;
		add.title = t('sys.bill.tariff_first');
	}
	return section(t('sys.bill.rules'), [add], h('p', { class: 'help' }, t('sys.bill.rules_help')), refusal.el, list);
}

function ruleActions(r, { first, last, open, refusal, rerender }) {
	const move = (direction) => async (e) => {
		refusal.clear();
		await busy(e.currentTarget, async () => {
			try {
				await api.post(`/rules/${r.id}/move`, { direction });
				await rerender();
			} catch (err) {
				refusal.show(err);
			}
		});
	};
	const up = h('button', { type: 'button', class: 'small', disabled: first, 'aria-label': t('sys.bill.move_up_label', { n: r.position }), title: t('sys.bill.move_up'), dataset: { action: 'up' }, onclick: move('up') }, '↑');
	const down = h('button', { type: 'button', class: 'small', disabled: last, 'aria-label': t('sys.bill.move_down_label', { n: r.position }), title: t('sys.bill.move_down'), dataset: { action: 'down' }, onclick: move('down') }, '↓');
	const edit = button(t('ui.edit'), () => open(r), 'small');
	edit.dataset.action = 'edit';
	edit.setAttribute('aria-label', t('sys.bill.edit_rule_label', { n: r.position }));
	const del = deleteButton({ question: t('sys.bill.confirm_rule', { n: r.position }), path: `/rules/${r.id}`, refusal, done: rerender, ariaLabel: t('sys.bill.delete_rule_label', { n: r.position }) });
	return h('div', { class: 'actions' }, up, down, edit, del);
}

function validityText(r) {
	const yearly = r.every_year ? ` · ${t('sys.bill.every_year')}` : '';
	if (r.validity === 'date' && r.date) {
		return `${dateOnly(r.date, r.every_year)}${yearly}`;
	}
	if (r.validity === 'period' && r.from && r.to) {
		return `${dateOnly(r.from, r.every_year)} – ${dateOnly(r.to, r.every_year)}${yearly}`;
	}
	return t('sys.bill.always');
}

function daysText(r) {
	if (r.days.length === DAYS.length) {
		return t('sys.bill.every_day');
	}
	return DAYS.filter((d) => r.days.includes(d)).map((d) => t(`sys.day.${d}`)).join(', ');
}
