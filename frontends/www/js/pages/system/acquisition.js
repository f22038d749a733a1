// Sample rate (§7.16.4, ACQ-2) and the Local gateway's RS485 line (§7.8,
// ACQ-1): site settings, each stored on its own and checked by the server.
//   #/system/acquisition

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, field, notice, clearErrors } from '../../ui.js';
import { busy, section, showFieldError, saveSetting, fieldset, again } from './common.js';

const RATES = ['1', '5', '10', '15', '30', '60'];
const BAUDS = ['1200', '2400', '4800', '9600', '19200', '38400', '57600', '115200'];
const PARITIES = ['even', 'odd', 'none'];
const STOP_BITS = ['1', '2'];

export default async function render(view, ctx) {
	const settings = await api.get('/settings');
	const rerender = () => again(ctx, () => render(view, ctx));
	clear(
		view,
		section(t('sys.acq.rate_title'), [], h('p', { class: 'lead' }, t('sys.acq.rate_lead')), settingsForm(settings, 'rate', rateFields(settings), rerender, ctx)),
		section(t('sys.acq.rs485_title'), [], h('p', { class: 'lead' }, t('sys.acq.rs485_lead')), settingsForm(settings, 'rs485', rs485Fields(settings), rerender, ctx))
	);
}

function rateFields(s) {
	return [
		field({
			name: 'sample_rate_min',
			label: t('sys.acq.rate'),
			type: 'select',
			value: s.sample_rate_min,
			options: RATES.map((r) => ({ value: r, label: t('sys.acq.minutes', { n: r }) })),
			help: t('sys.acq.rate_help'),
		}),
		h('ul', { class: 'help sys-list' }, ['histograms', 'database', 'statistics', 'csv'].map((k) => h('li', {}, t(`sys.acq.affects_${k}`)))),
	];
}

function rs485Fields(s) {
	const choice = (name, values, label, help, labelOf = (v) => v) =>
		field({ name, label, type: 'select', value: s[name], options: values.map((v) => ({ value: v, label: labelOf(v) })), help });
	return fieldset(
		t('sys.acq.serial'),
		field({ name: 'rs485_port', label: t('sys.acq.port'), value: s.rs485_port, help: t('sys.acq.port_help'), attrs: { spellcheck: 'false', autocomplete: 'off' } }),
		h(
			'div',
			{ class: 'sys-field-row' },
			choice('rs485_baud', BAUDS, t('sys.acq.baud'), t('sys.acq.baud_help')),
			choice('rs485_parity', PARITIES, t('sys.acq.parity'), t('sys.acq.parity_help'), (p) => t(`sys.acq.parity_${p}`)),
			choice('rs485_stop_bits', STOP_BITS, t('sys.acq.stop_bits'), t('sys.acq.stop_bits_help'))
		),
		field({ name: 'rs485_timeout_ms', label: t('sys.acq.timeout'), type: 'number', value: s.rs485_timeout_ms, help: t('sys.acq.timeout_help'), attrs: { min: 50, max: 10000, step: 10, inputmode: 'numeric' } })
	);
}

// Saves the settings that changed, one request each, in the form's order;
// the first refusal lands next to its field and stops the rest.
function settingsForm(settings, id, fields, rerender, ctx) {
	const submit = h('button', { type: 'submit', class: 'primary' }, t('ui.save'));
	const f = h('form', { class: 'form sys-form', novalidate: true, dataset: { form: id } }, fields, h('div', { class: 'form-actions' }, submit));
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(f);
		await busy(submit, async () => {
			try {
				let changed = 0;
				for (const el of f.querySelectorAll('[name]')) {
					const v = el.value.trim();
					if (v !== settings[el.name]) {
						await saveSetting(el.name, v);
						changed += 1;
					}
				}
				await ctx.refreshSettings();
				notice(changed ? t('ui.saved') : t('sys.acq.unchanged'));
				await rerender();
			} catch (err) {
				showFieldError(f, err);
			}
		});
	});
	return f;
}
