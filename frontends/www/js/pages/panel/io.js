// Supervision devices (M7TIC/IO, M7TICPROG) and EMS state/control modules
// (§8.2.1 "Power Supervision System Devices"): their inputs and outputs by
// number with the custom labels of §7.16.1.4. Labels are read by every
// page that shows devices and changed only with system_config (PUT
// /devices/{id}/labels/…); the states come from the device's live read,
// whose refusal (e.g. no register map) is shown as the server says it.

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, table, button, field, form, modal, notice } from '../../ui.js';
import { refusal, section, readingTime, quantityLabel, unreadable } from './common.js';
import { otherValue } from './tables.js';
import { readLive } from './live.js';

const MAX_NUMBER = 16;

function editLabel(ctx, device, kind, number, current, onSaved) {
	let dlg;
	const f = form(
		[
			field({ name: 'number', label: t('panel.io.number'), type: 'number', value: number ?? '', required: true, attrs: { min: 1, max: MAX_NUMBER, step: 1, readonly: number ? true : null } }),
			field({ name: 'label', label: t('panel.io.label'), value: current || '', help: t('panel.io.label_help'), attrs: { maxlength: 64 } }),
		],
		async (values) => {
			const n = Number(values.number);
			await api.put(`/devices/${device.id}/labels/${kind}/${n}`, { label: values.label || '' });
			dlg.close();
			notice(t('ui.saved'));
			await onSaved();
		},
		{ cancel: () => dlg.close() }
	);
	dlg = modal(t(`panel.io.edit_${kind}`), f);
	f.querySelector(number ? '[name=label]' : '[name=number]').focus();
}

function labelTable(ctx, device, kind, labels, canEdit, reload) {
	const rows = labels.filter((l) => l.kind === kind).sort((a, b) => a.number - b.number);
	const columns = [
		{ key: 'number', label: t('panel.io.number'), cls: 'num io-number' },
		{ key: 'label', label: t('panel.io.label'), render: (l) => h('span', { dataset: { ioLabel: `${kind}:${l.number}` } }, l.label) },
	];
	if (canEdit) {
		columns.push({
			key: 'edit',
			label: t('panel.io.actions'),
			render: (l) => h('button', { type: 'button', class: 'small', 'aria-label': t('panel.io.edit_n', { n: l.number }), onclick: () => editLabel(ctx, device, kind, l.number, l.label, reload) }, t('ui.edit')),
		});
	}
	const el = table(columns, rows, { empty: t(`panel.io.no_${kind}_labels`) });
	el.dataset.io = kind;
	return h(
		'div',
		{},
		el,
		canEdit ? h('div', { class: 'form-actions io-add' }, button(t(`panel.io.add_${kind}`), () => editLabel(ctx, device, kind, null, '', reload), 'small')) : null
	);
}

// kind: input | output; the view of #/panel/device/<id>/<kind>s.
export async function renderIo(box, ctx, device, model, kind) {
	const canEdit = ctx.allowed('system');
	const states = h('div', { class: 'io-states' });
	const list = h('div');
	const reload = async () => {
		const labels = await api.get(`/devices/${device.id}/labels`);
		if (ctx.current()) {
			clear(list, labelTable(ctx, device, kind, labels, canEdit, reload));
		}
	};
	const [lv] = await Promise.all([readLive(device, model), reload()]);
	if (unreadable(model)) {
		clear(states, refusal(lv.error), model.source ? h('p', { class: 'help' }, model.source) : null);
	} else if (lv.error) {
		clear(states, h('p', { class: 'help' }, t('panel.io.states_unread')), refusal(lv.error));
	} else {
		clear(
			states,
			h('p', { class: 'help' }, t('panel.read_at'), ' ', readingTime(lv.readings, ctx.timeZone)),
			lv.readings.length
				? h('dl', { class: 'facts' }, lv.readings.map((r) => [h('dt', {}, quantityLabel(r.quantity, r.order)), h('dd', { dataset: { quantity: r.quantity } }, otherValue(r))]))
				: h('p', { class: 'empty' }, t('panel.io.no_states'))
		);
	}
	clear(
		box,
		section(t(`panel.io.${kind}s`), h('p', { class: 'help' }, t(`panel.io.${kind}s_help`)), list),
		section(t('panel.io.states'), states)
	);
}
