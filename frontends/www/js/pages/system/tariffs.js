// One tariff in a dialog (TAR-2): its name and colour, and its prices
// (up to 5, each from a date; a single price needs none).

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, field, button, modal, notice, clearErrors, confirm } from '../../ui.js';
import { busy, refusalBox, showFieldError, priceText, commodityUnit, dateOnly } from './common.js';

// The server's palette, in its order: a new tariff is offered the first
// colour no tariff of its commodity has, as the server would pick.
const PALETTE = ['#2E7D32', '#F9A825', '#C62828', '#1565C0', '#6A1B9A'];

// tariff null: a new one (then its first price may be given at once).
export function tariffDialog({ tariff, commodity, currency, rerender, used = [] }) {
	const state = { tariff, changed: false, color: PALETTE.find((c) => !used.includes(c)) ?? PALETTE[0] };
	const body = h('div', { class: 'sys-tariff-dialog' });
	const title = tariff ? t('sys.bill.edit_tariff_title', { name: tariff.name }) : t('sys.bill.new_tariff', { commodity: t(`sys.commodity.${commodity}`) });
	const dlg = modal(title, body);
	dlg.el.dataset.dialog = 'tariff';
	dlg.el.addEventListener('close', () => {
		if (state.changed) {
			rerender();
		}
	});
	const draw = () => clear(body, identityForm(state, { commodity, currency, dlg, draw }), state.tariff ? pricesPart(state, { commodity, currency, draw }) : null);
	draw();
}

function identityForm(state, { commodity, currency, dlg, draw }) {
	const tariff = state.tariff;
	const submit = h('button', { type: 'submit', class: 'primary' }, tariff ? t('ui.save') : t('sys.bill.add_tariff'));
	const f = h(
		'form',
		{ class: 'form', novalidate: true, dataset: { form: 'tariff' } },
		h(
			'div',
			{ class: 'sys-field-row' },
			field({ name: 'name', label: t('sys.name'), required: true, value: tariff?.name, attrs: { maxlength: 63, autocomplete: 'off' } }),
			field({ name: 'color', label: t('sys.bill.colour'), type: 'color', value: (tariff?.color ?? state.color).toLowerCase(), help: t('sys.bill.colour_help') })
		),
		tariff ? null : newPriceFields(commodity, currency),
		h('div', { class: 'form-actions' }, submit, button(t('ui.close'), () => dlg.close()))
	);
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(f);
		const name = f.elements.name.value.trim();
		const color = f.elements.color.value;
		await busy(submit, async () => {
			try {
				if (state.tariff) {
					await api.put(`/tariffs/${state.tariff.id}`, { name, color });
				} else {
					const { id } = await api.post('/tariffs', { commodity, name, color });
					state.changed = true;
					state.tariff = { id, name, color, prices: [] };
					const price = f.elements.price.value.trim();
					if (price) {
						// Shown below once the tariff exists; a refused price
						// stays next to its field in the prices part.
						await addPrice(state, { from: f.elements.from.value || null, price }).catch((err) => {
							state.pendingError = err;
							state.pending = { from: f.elements.from.value, price };
						});
					}
				}
				state.changed = true;
				notice(t('ui.saved'));
				state.tariff = await api.get(`/tariffs/${state.tariff.id}`);
				draw();
			} catch (err) {
				showFieldError(f, err);
			}
		});
	});
	return f;
}

function newPriceFields(commodity, currency) {
	return h(
		'div',
		{ class: 'sys-field-row' },
		field({ name: 'price', label: t('sys.bill.price_label', { currency, unit: commodityUnit(commodity) }), help: t('sys.bill.price_help'), attrs: { inputmode: 'decimal', autocomplete: 'off', placeholder: '0.1875' } }),
		field({ name: 'from', label: t('sys.bill.from'), type: 'date', help: t('sys.bill.from_help') })
	);
}

async function addPrice(state, { from, price }) {
	await api.post(`/tariffs/${state.tariff.id}/prices`, { from, price });
	state.changed = true;
}

function pricesPart(state, { commodity, currency, draw }) {
	const unit = commodityUnit(commodity);
	const refusal = refusalBox();
	const rows = state.tariff.prices.map((p) => {
		const del = button(t('ui.delete'), async () => {
			refusal.clear();
			if (!(await confirm(t('sys.bill.confirm_price', { price: priceText(p.price, currency, unit) }), { okLabel: t('ui.delete') }))) {
				return;
			}
			await busy(del, async () => {
				try {
					await api.del(`/prices/${p.id}`);
					state.changed = true;
					state.tariff = await api.get(`/tariffs/${state.tariff.id}`);
					draw();
				} catch (err) {
					refusal.show(err);
				}
			});
		}, 'small');
		del.dataset.action = 'delete-price';
		return h('li', { dataset: { priceId: p.id } }, h('span', {}, p.from ? t('sys.bill.price_from', { date: dateOnly(p.from) }) : t('sys.bill.price_undated'), ' ', h('strong', {}, priceText(p.price, currency, unit))), del);
	});
	const submit = h('button', { type: 'submit', class: 'primary' }, t('sys.bill.add_price'));
	const f = h('form', { class: 'form', novalidate: true, dataset: { form: 'price' } }, newPriceFields(commodity, currency), h('div', { class: 'form-actions' }, submit));
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(f);
		await busy(submit, async () => {
			try {
				await addPrice(state, { from: f.elements.from.value || null, price: f.elements.price.value.trim() });
				state.tariff = await api.get(`/tariffs/${state.tariff.id}`);
				draw();
			} catch (err) {
				showFieldError(f, err);
			}
		});
	});
	if (state.pendingError) {
		f.elements.price.value = state.pending.price;
		f.elements.from.value = state.pending.from;
		const err = state.pendingError;
		state.pendingError = null;
		queueMicrotask(() => showFieldError(f, err));
	}
	return h(
		'section',
		{ class: 'sys-prices-part' },
		h('h3', {}, t('sys.bill.prices')),
		h('p', { class: 'help' }, t('sys.bill.prices_help')),
		refusal.el,
		rows.length ? h('ul', { class: 'sys-price-list' }, rows) : h('p', { class: 'badge warn' }, t('sys.bill.no_price')),
		f
	);
}
