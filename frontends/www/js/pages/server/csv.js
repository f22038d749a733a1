// CSV options (manual §8.4.1, HIS-2): the decimal separator and the field
// separator of every CSV file ews writes. A comma cannot be both, and the
// server checks each setting against the other as stored, so the two are
// sent in the order that never passes through that clash.

import { t } from '../../i18n.js';
import { h, clear, card, field, form } from '../../ui.js';
import { saveSettings, changed } from './settings.js';

const DECIMALS = ['point', 'comma'];
const SEPARATORS = ['semicolon', 'comma'];
const CHAR = { point: '.', comma: ',', semicolon: ';' };
// The manual's defaults (§8.4.1), marked so a changed site can go back.
const DEFAULT = { csv_decimal: 'comma', csv_separator: 'semicolon' };

function choices(name, values) {
	return values.map((v) => {
		const label = t(`server.csv_${v}`);
		return { value: v, label: DEFAULT[name] === v ? t('server.csv_default', { label }) : label };
	});
}

// Two lines as a spreadsheet would receive them.
function example(decimal, separator) {
	const s = CHAR[separator] || ';';
	const d = CHAR[decimal] || ',';
	return [`${t('server.csv_col_time')}${s}${t('server.csv_col_device')}${s}${t('server.csv_col_energy')}`, `2026-03-29 10:00${s}HVAC${s}1234${d}5`].join('\n');
}

function order(pairs, decimal) {
	const rank = (name) => (name === 'csv_separator') === (decimal === 'comma') ? 0 : 1;
	return [...pairs].sort((a, b) => rank(a[0]) - rank(b[0]));
}

export default async function render(body, ctx) {
	let settings = await ctx.refreshSettings();
	const decimal = field({
		name: 'csv_decimal',
		label: t('server.csv_decimal'),
		type: 'select',
		value: settings.csv_decimal,
		options: choices('csv_decimal', DECIMALS),
	});
	const separator = field({
		name: 'csv_separator',
		label: t('server.csv_separator'),
		type: 'select',
		value: settings.csv_separator,
		options: choices('csv_separator', SEPARATORS),
	});
	const preview = h('pre', { class: 'server-csv-example', dataset: { csvExample: '' } });
	const decSelect = decimal.querySelector('select');
	const sepSelect = separator.querySelector('select');
	const update = () => {
		preview.textContent = example(decSelect.value, sepSelect.value);
	};
	decSelect.addEventListener('change', update);
	sepSelect.addEventListener('change', update);
	update();
	const f = form(
		[decimal, separator],
		async (values, formEl) => {
			const pairs = changed(settings, [
				['csv_decimal', values.csv_decimal],
				['csv_separator', values.csv_separator],
			]);
			settings = await saveSettings(formEl, order(pairs, values.csv_decimal), ctx);
		},
		{ extra: h('figure', { class: 'server-csv-figure' }, h('figcaption', {}, t('server.csv_example')), preview) }
	);
	f.dataset.form = 'csv';
	clear(body, card(t('server.csv_title'), h('p', { class: 'help' }, t('server.csv_intro')), f));
	return undefined;
}
