// What the catalogue says about a model, next to the form: what it is,
// what it measures, and whether its register map is known (CAT-2: an
// unknown map is said plainly, never guessed).

import { t } from '../../i18n.js';
import { h, clear, badge } from '../../ui.js';
import { familyLabel, loadModel } from './catalog.js';

const GRADES = ['A', 'B', 'C', 'D'];

export function modelInfo(m) {
	const registers = h('div', { class: 'sys-registers' });
	const metered = ['measure', 'pulse', 'evse'].some((c) => m.caps.includes(c));
	const box = h(
		'div',
		{ class: 'sys-model-card', dataset: { model: m.key, hasMap: String(m.has_map) } },
		h('p', { class: 'sys-model-name' }, h('strong', {}, m.name)),
		h(
			'dl',
			{ class: 'facts' },
			m.catalog_numbers.length ? [h('dt', {}, t('sys.model.catalog_numbers')), h('dd', {}, m.catalog_numbers.join(', '))] : null,
			h('dt', {}, t('sys.dev.family')),
			h('dd', {}, familyLabel(m.family)),
			// Commodity and phases say something only of what measures or charges.
			metered ? [h('dt', {}, t('sys.model.commodity')), h('dd', {}, t(`sys.commodity.${m.commodity}`))] : null,
			metered && m.commodity === 'electricity' ? [h('dt', {}, t('sys.model.phases')), h('dd', {}, m.phases === 1 ? t('sys.model.single_phase') : t('sys.model.three_phase'))] : null,
			m.sides === 2 ? [h('dt', {}, t('sys.model.sides')), h('dd', {}, m.address_per_side ? t('sys.model.two_sides_own') : t('sys.model.two_sides_shared'))] : null,
			h('dt', {}, t('sys.model.caps')),
			h('dd', { class: 'sys-caps' }, m.caps.map((c) => badge(t(`sys.cap.${c}`))))
		),
		mapNote(m),
		registers
	);
	if (m.has_map) {
		loadModel(m.key)
			.then((full) => {
				if (full.registers?.length) {
					clear(registers, registerTable(full.registers));
				}
			})
			.catch(() => {});
	}
	return box;
}

function mapNote(m) {
	const source = m.source ? h('details', { class: 'sys-source' }, h('summary', {}, t('sys.model.source')), h('p', {}, m.source)) : null;
	if (m.caps.includes('generic')) {
		return h('div', { class: 'sys-map' }, h('p', { class: 'help' }, t('sys.model.generic_map')), source);
	}
	if (m.caps.includes('virtual')) {
		return h('div', { class: 'sys-map' }, h('p', { class: 'help' }, t('sys.model.virtual_map')), source);
	}
	if (!m.has_map) {
		return h('div', { class: 'sys-map' }, h('p', { class: 'banner warn', dataset: { map: 'unknown' } }, t('sys.model.no_map')), source);
	}
	const grade = GRADES.includes(m.confidence) ? m.confidence : null;
	return h(
		'div',
		{ class: 'sys-map' },
		h('p', { dataset: { map: 'known' } }, badge(t('sys.model.map_known'), 'ok'), ' ', grade ? t(`sys.model.grade_${grade}`) : null),
		source
	);
}

// The register map as a compact list the installer can check against the
// meter's documentation.
function registerTable(registers) {
	const rows = registers.map((r) =>
		h(
			'tr',
			{},
			h('td', {}, r.quantity, r.order ? ` (${r.order})` : ''),
			h('td', { class: 'num' }, String(r.function)),
			h('td', { class: 'num' }, `0x${r.address.toString(16).toUpperCase().padStart(4, '0')}`),
			h('td', {}, r.type ?? '–', r.words ? ` × ${r.words}` : ''),
			h('td', {}, r.unit ?? '')
		)
	);
	return h(
		'details',
		{ class: 'sys-source' },
		h('summary', {}, t('sys.model.registers', { n: registers.length })),
		h(
			'div',
			{ class: 'sys-scroll' },
			h(
				'table',
				{ class: 'sys-reg-table' },
				h('thead', {}, h('tr', {}, [t('sys.model.quantity'), t('sys.model.function'), t('sys.model.reg_address'), t('sys.model.reg_type'), t('sys.model.unit')].map((l) => h('th', { scope: 'col' }, l)))),
				h('tbody', {}, rows)
			)
		)
	);
}
