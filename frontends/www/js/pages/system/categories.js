// Loads, measure groups and panel boards (§7.16.2, INS-6..8): one list
// each, with add, edit, enable/disable and erase. Built-in loads cannot be
// erased: the server refuses, and its refusal is shown where the user acted.
//   #/system/loads   #/system/groups   #/system/boards

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, table, button, notice, field, modal, clearErrors, formValues } from '../../ui.js';
import { busy, deleteButton, refusalBox, section, subTabs, showFieldError, markRows, again } from './common.js';

const KINDS = {
	loads: { path: '/loads', kind: 'load' },
	groups: { path: '/groups', kind: 'group' },
	boards: { path: '/boards', kind: 'board' },
};

export default async function render(view, ctx) {
	const which = KINDS[ctx.segments[0]] ? ctx.segments[0] : 'loads';
	const { path, kind } = KINDS[which];
	const items = await api.get(path);
	const refusal = refusalBox();
	const rerender = () => again(ctx, () => render(view, ctx));
	const columns = [
		{ key: 'id', label: t('sys.id'), cls: 'num' },
		{ key: 'name', label: t('sys.name') },
		{ key: 'description', label: t('sys.description'), render: (c) => c.description || '–' },
		kind === 'load' ? { key: 'origin', label: t('sys.cat.origin'), render: (c) => t(`sys.cat.origin_${c.origin}`) } : null,
		{ key: 'enabled', label: t('sys.cat.state'), render: (c) => h('span', { class: `badge ${c.enabled ? 'ok' : 'off'}`, dataset: { enabled: String(c.enabled) } }, c.enabled ? t('sys.cat.enabled') : t('sys.cat.disabled')) },
		{ key: 'actions', label: t('sys.actions'), render: (c) => rowActions(c, { path, kind, refusal, rerender }) },
	].filter(Boolean);
	const list = table(columns, items, { empty: t(`sys.cat.none_${kind}`), caption: t(`sys.cat.caption_${kind}`) });
	markRows(list, items, 'categoryId');
	const add = button(t(`sys.cat.add_${kind}`), () => editDialog(null, { path, kind, rerender }), 'primary');
	add.dataset.action = 'add';
	clear(
		view,
		subTabs(
			Object.keys(KINDS).map((k) => ({ id: k, label: t(`sys.cat.tab_${k}`), href: ctx.href(`system/${k}`) })),
			which,
			t('sys.tab.loads')
		),
		section(t(`sys.cat.title_${kind}`), [add], h('p', { class: 'lead' }, t(`sys.cat.lead_${kind}`)), refusal.el, list)
	);
}

function rowActions(c, { path, kind, refusal, rerender }) {
	const label = (key) => t(key, { name: c.name });
	const edit = button(t('ui.edit'), () => editDialog(c, { path, kind, rerender }), 'small');
	edit.dataset.action = 'edit';
	edit.setAttribute('aria-label', label('sys.cat.edit_label'));
	const toggle = button(c.enabled ? t('sys.cat.disable') : t('sys.cat.enable'), () =>
		busy(toggle, async () => {
			refusal.clear();
			try {
				await api.put(`${path}/${c.id}`, { enabled: !c.enabled });
				await rerender();
			} catch (err) {
				refusal.show(err);
			}
		}), 'small');
	toggle.dataset.action = 'toggle';
	toggle.setAttribute('aria-label', label(c.enabled ? 'sys.cat.disable_label' : 'sys.cat.enable_label'));
	const del = deleteButton({ question: t('sys.cat.confirm_erase', { name: c.name }), path: `${path}/${c.id}`, refusal, done: rerender, ariaLabel: label('sys.cat.delete_label') });
	return h('div', { class: 'actions' }, edit, toggle, del);
}

// Add (c null) or change one in a dialog; a refusal stays in the dialog,
// next to its field, with what was typed.
function editDialog(c, { path, kind, rerender }) {
	const builtIn = c && c.origin !== 'user';
	const submit = h('button', { type: 'submit', class: 'primary' }, c ? t('ui.save') : t('ui.add'));
	const f = h(
		'form',
		{ class: 'form', novalidate: true, dataset: { form: kind } },
		field({ name: 'name', label: t('sys.name'), required: true, value: c?.name, help: builtIn ? t('sys.cat.builtin_name') : t('sys.cat.name_help'), attrs: { maxlength: 63, autocomplete: 'off', ...(builtIn ? { readonly: true } : {}) } }),
		field({ name: 'description', label: t('sys.description'), type: 'textarea', value: c?.description, attrs: { rows: 2, maxlength: 255 } }),
		h('div', { class: 'form-actions' }, submit, button(t('ui.cancel'), () => dlg.close()))
	);
	const dlg = modal(c ? t(`sys.cat.edit_${kind}`, { name: c.name }) : t(`sys.cat.add_${kind}`), f);
	f.addEventListener('submit', async (e) => {
		e.preventDefault();
		clearErrors(f);
		const v = formValues(f, { keepEmpty: true });
		const body = builtIn ? { description: v.description } : { name: v.name.trim(), description: v.description };
		await busy(submit, async () => {
			try {
				if (c) {
					await api.put(`${path}/${c.id}`, body);
				} else {
					await api.post(path, body);
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
