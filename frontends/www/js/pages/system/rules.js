// One cost rule in a dialog (TAR-3): its tariff, an optional date or
// period (possibly every year), a time frame and the days of the week.

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, field, button, modal, notice, clearErrors, nextId } from '../../ui.js';
import { busy, showFieldError } from './common.js';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function ruleDialog({ rule, commodity, tariffs, rerender }) {
	const [start, end] = (rule?.time ?? '00:00-23:59').split('-');
	const submit = h('button', { type: 'submit', class: 'primary' }, rule ? t('ui.save') : t('sys.bill.add_rule'));
	const validity = field({
		name: 'validity',
		label: t('sys.bill.validity'),
		type: 'select',
		value: rule?.validity ?? 'always',
		options: ['always', 'date', 'period'].map((v) => ({ value: v, label: t(`sys.bill.validity_${v}`) })),
		help: t('sys.bill.validity_help'),
	});
	const date = field({ name: 'date', label: t('sys.bill.date'), type: 'date', value: rule?.date ?? '' });
	const period = h(
		'div',
		{ class: 'sys-field-row' },
		field({ name: 'from', label: t('sys.bill.period_from'), type: 'date', value: rule?.from ?? '' }),
		field({ name: 'to', label: t('sys.bill.period_to'), type: 'date', value: rule?.to ?? '' })
	);
	const everyYear = field({ name: 'every_year', label: t('sys.bill.every_year_label'), type: 'checkbox', value: rule?.every_year, help: t('sys.bill.every_year_help') });
	const f = h(
		'form',
		{ class: 'form', novalidate: true, dataset: { form: 'rule' } },
		field({
			name: 'tariff_id',
			label: t('sys.bill.tariff'),
			type: 'select',
			required: true,
			value: rule?.tariff_id ?? tariffs[0]?.id ?? '',
			options: tariffs.map((x) => ({ value: x.id, label: x.name })),
		}),
		validity,
		date,
		period,
		everyYear,
		timeField(start, end),
		daysField(rule?.days ?? DAYS),
		h('div', { class: 'form-actions' }, submit, button(t('ui.cancel'), () => dlg.close()))
	);
	// Only the dates the chosen validity uses are shown (and sent).
	const sync = () => {
		const v = f.elements.validity.value;
		date.hidden = v !== 'date';
		period.hidden = v !== 'period';
		everyYear.hidden = v === 'always';
	};
	f.elements.validity.addEventListener('change', sync);
	sync();
	const dlg = modal(rule ? t('sys.bill.edit_rule', { n: rule.position }) : t('sys.bill.new_rule', { commodity: t(`sys.commodity.${commodity}`) }), f);
	dlg.el.dataset.dialog = 'rule';
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(f);
		const body = ruleBody(f);
		if (!rule) {
			body.commodity = commodity;
		}
		await busy(submit, async () => {
			try {
				if (rule) {
					await api.put(`/rules/${rule.id}`, body);
				} else {
					await api.post('/rules', body);
				}
				dlg.close();
				notice(t('ui.saved'));
				await rerender();
			} catch (err) {
				showFieldError(f, err);
			}
		});
	});
}

function ruleBody(f) {
	const v = f.elements.validity.value;
	return {
		tariff_id: Number(f.elements.tariff_id.value),
		validity: v,
		date: v === 'date' ? f.elements.date.value || null : null,
		from: v === 'period' ? f.elements.from.value || null : null,
		to: v === 'period' ? f.elements.to.value || null : null,
		every_year: v === 'always' ? false : f.elements.every_year.checked,
		time: `${f.elements.time_start.value || '00:00'}-${f.elements.time_end.value || '23:59'}`,
		days: DAYS.filter((d) => f.elements[`day_${d}`].checked),
	};
}

// Start and end of the time frame, the end minute included (00:00–23:59 is
// the whole day); one error slot for both, as the server names "time".
function timeField(start, end) {
	const errId = nextId('time-err');
	const a = nextId('time');
	const b = nextId('time');
	return h(
		'fieldset',
		{ class: 'sys-checks sys-time', dataset: { field: 'time' } },
		h('legend', {}, t('sys.bill.time')),
		h('span', { class: 'sys-check' }, h('label', { for: a }, t('sys.bill.time_start')), h('input', { id: a, type: 'time', name: 'time_start', value: start, required: true, 'aria-describedby': errId })),
		h('span', { class: 'sys-check' }, h('label', { for: b }, t('sys.bill.time_end')), h('input', { id: b, type: 'time', name: 'time_end', value: end, required: true, 'aria-describedby': errId })),
		h('small', { class: 'help' }, t('sys.bill.time_help')),
		h('p', { id: errId, class: 'field-error', role: 'alert', hidden: true })
	);
}

function daysField(days) {
	const errId = nextId('days-err');
	const boxes = DAYS.map((d) => {
		const id = nextId('day');
		return h('span', { class: 'sys-check' }, h('input', { type: 'checkbox', id, name: `day_${d}`, checked: days.includes(d), 'aria-describedby': errId }), h('label', { for: id }, t(`sys.day.${d}`)));
	});
	const allId = nextId('day');
	const all = h('input', { type: 'checkbox', id: allId, checked: days.length === DAYS.length });
	all.addEventListener('change', () => boxes.forEach((b) => (b.querySelector('input').checked = all.checked)));
	boxes.forEach((b) =>
		b.querySelector('input').addEventListener('change', () => {
			all.checked = boxes.every((x) => x.querySelector('input').checked);
		})
	);
	return h(
		'fieldset',
		{ class: 'sys-checks', dataset: { field: 'days' } },
		h('legend', {}, t('sys.bill.days')),
		h('span', { class: 'sys-check sys-check-all' }, all, h('label', { for: allId }, t('sys.bill.every_day'))),
		boxes,
		h('p', { id: errId, class: 'field-error', role: 'alert', hidden: true })
	);
}
