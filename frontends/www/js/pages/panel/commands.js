// Commands (ACQ-6): POST /devices/{id}/write {quantity, value} to one of the
// model's writable registers. ewsd allows it to system_config only, so the
// view is offered to those users; the device's answer (or the server's
// refusal) is shown as it comes.

import { api } from '../../api.js';
import { t, num } from '../../i18n.js';
import { h, clear, field, form, notice } from '../../ui.js';
import { quantityLabel, section, unitOf } from './common.js';

export function writable(model) {
	const regs = (model && model.registers) || [];
	return [...new Set(regs.filter((r) => r.write_function > 0).map((r) => r.quantity))];
}

function unitFor(model, quantity) {
	const r = model.registers.find((x) => x.quantity === quantity);
	return r && r.unit ? unitOf(r.unit).unit : '';
}

function valueField(model, quantity) {
	if (quantity === 'charge_enable') {
		return field({
			name: 'value',
			label: t('panel.cmd.value'),
			type: 'select',
			value: '1',
			options: [
				{ value: '1', label: t('panel.enabled') },
				{ value: '0', label: t('panel.disabled') },
			],
		});
	}
	const unit = unitFor(model, quantity);
	return field({ name: 'value', label: unit ? `${t('panel.cmd.value')} (${unit})` : t('panel.cmd.value'), type: 'number', required: true, attrs: { step: 'any', inputmode: 'decimal' } });
}

function outcome(res) {
	const ok = res.outcome === 'ok';
	return h(
		'p',
		{ class: ok ? 'banner' : 'page-error', role: ok ? 'status' : 'alert', dataset: { outcome: res.outcome } },
		ok ? t('panel.cmd.acknowledged', { ms: num(res.round_trip_ms, 1) }) : t('panel.cmd.failed', { message: res.message })
	);
}

export async function renderCommands(box, ctx, device, model) {
	const quantities = writable(model);
	const result = h('div', { class: 'cmd-result' });
	const valueSlot = h('div');
	const choose = field({
		name: 'quantity',
		label: t('panel.cmd.quantity'),
		type: 'select',
		options: quantities.map((q) => ({ value: q, label: quantityLabel(q) })),
		value: quantities[0],
	});
	const f = form(
		[choose, valueSlot],
		async (values) => {
			clear(result);
			const value = Number(values.value);
			if (values.value === undefined || values.value === '' || Number.isNaN(value)) {
				throw Object.assign(new Error(t('panel.cmd.value_missing')), { field: 'value' });
			}
			const res = await api.post(`/devices/${device.id}/write`, { quantity: values.quantity, value });
			clear(result, outcome(res));
			if (res.outcome === 'ok') {
				notice(t('panel.cmd.sent'));
			}
		},
		{ submitLabel: t('panel.cmd.write') }
	);
	const select = choose.querySelector('select');
	const setValue = () => clear(valueSlot, valueField(model, select.value));
	select.addEventListener('change', setValue);
	setValue();
	f.dataset.form = 'command';
	clear(
		box,
		section(
			t('panel.cmd.heading'),
			h('p', { class: 'help' }, t('panel.cmd.help')),
			model.caps.includes('evse') ? h('p', { class: 'banner warn' }, t('panel.cmd.evse_note')) : null,
			f,
			result
		)
	);
}
