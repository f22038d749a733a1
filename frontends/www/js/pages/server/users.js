// Users and rights (manual §8.1, USR-1..3): only managers (the default
// administrator and greenUp, or a user made one) list, add and change
// users; a user is switched OFF rather than erased. Codes go in, never out:
// the list only says whether the manual's default codes are still in use.

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { h, clear, card, button, table, field, form, modal, notice, confirm, badge, besideField } from '../../ui.js';

// The manual's pages (§8.1.1), in the order of its menu.
const PAGES = ['server_config', 'system_config', 'panel_board', 'consumption', 'greenup', 'reports', 'alarms'];

function pagesField(selected) {
	const legendId = `pages-${Math.random().toString(36).slice(2, 8)}`;
	return h(
		'fieldset',
		{ class: 'field server-pages-field', dataset: { field: 'pages' }, 'aria-describedby': `${legendId}-err` },
		h('legend', {}, t('server.pages')),
		h(
			'div',
			{ class: 'server-checks' },
			PAGES.map((p) =>
				h('label', { class: 'server-check' }, h('input', { type: 'checkbox', value: p, checked: selected.includes(p), dataset: { page: p } }), ' ', t(`right.${p}`))
			)
		),
		h('p', { id: `${legendId}-err`, class: 'field-error', role: 'alert', hidden: true })
	);
}

function checkedPages(formEl) {
	return [...formEl.querySelectorAll('input[data-page]')].filter((i) => i.checked).map((i) => i.value);
}

function codeFields(isNew) {
	const pinHelp = isNew ? t('server.pin_help') : t('server.new_pin_help');
	const pukHelp = isNew ? t('server.puk_help') : t('server.new_puk_help');
	return [
		field({ name: 'pin', label: isNew ? t('server.pin') : t('server.new_pin'), type: 'password', required: isNew, help: pinHelp, attrs: { autocomplete: 'new-password', inputmode: 'numeric' } }),
		field({ name: 'puk', label: isNew ? t('server.puk') : t('server.new_puk'), type: 'password', required: isNew, help: pukHelp, attrs: { autocomplete: 'off' } }),
	];
}

// The fields of a user's form; user is null for a new one.
function userFields(user) {
	const isNew = !user;
	const u = user || { name: '', pages: [], manager: false, enabled: true };
	const flags = [
		field({ name: 'manager', label: t('server.manager'), type: 'checkbox', value: u.manager, help: t('server.manager_help') }),
		field({ name: 'enabled', label: t('server.enabled'), type: 'checkbox', value: u.enabled, help: t('server.enabled_help') }),
	];
	const codes = isNew
		? codeFields(true)
		: h('fieldset', { class: 'server-codes' }, h('legend', {}, t('server.new_codes')), u.default_codes ? h('p', { class: 'banner warn' }, t('server.user_default_codes')) : null, codeFields(false));
	return [
		field({ name: 'name', label: t('server.name'), value: u.name, required: true, attrs: { maxlength: 63, autocomplete: 'off' } }),
		isNew ? codes : null,
		pagesField(u.pages),
		flags,
		isNew ? null : codes,
	].filter(Boolean);
}

// Only what changed goes to the server: an unchanged flag sent again could
// be refused (the last manager) for no reason the user would see.
function changes(user, values, formEl) {
	const body = {};
	const pages = checkedPages(formEl);
	if ((values.name ?? '') !== user.name) {
		body.name = values.name ?? '';
	}
	if (pages.join() !== PAGES.filter((p) => user.pages.includes(p)).join()) {
		body.pages = pages;
	}
	for (const flag of ['manager', 'enabled']) {
		if (values[flag] !== user[flag]) {
			body[flag] = values[flag];
		}
	}
	for (const code of ['pin', 'puk']) {
		if (values[code]) {
			body[code] = values[code];
		}
	}
	return body;
}

// Editing oneself can take away this very page, or end the session: the
// shell is rebuilt from a fresh session rather than guessed here.
function touchesSelf(user, body, ctx) {
	return user.id === ctx.session.user.id && ['name', 'pages', 'manager', 'enabled'].some((k) => k in body);
}

function openEditor(user, ctx, reload) {
	const isNew = !user;
	const title = isNew ? t('server.add_user') : t('server.edit_user', { name: user.name });
	let dialog;
	const f = form(
		userFields(user),
		async (values, formEl) => {
			if (isNew) {
				const body = { name: values.name ?? '', pin: values.pin ?? '', puk: values.puk ?? '', pages: checkedPages(formEl), manager: values.manager, enabled: values.enabled };
				await api.post('/users', body);
				dialog.close();
				notice(t('server.user_added', { name: body.name }));
				await reload();
				return;
			}
			const body = changes(user, values, formEl);
			if (!Object.keys(body).length) {
				dialog.close();
				notice(t('server.unchanged'));
				return;
			}
			await api.put(`/users/${user.id}`, body);
			dialog.close();
			notice(t('ui.saved'));
			if (touchesSelf(user, body, ctx)) {
				location.reload();
				return;
			}
			await reload();
		},
		{ submitLabel: isNew ? t('server.add_user') : t('ui.save'), cancel: () => dialog.close() }
	);
	f.dataset.form = isNew ? 'user-add' : 'user-edit';
	dialog = modal(title, f);
	dialog.el.dataset.dialog = f.dataset.form;
	f.querySelector('input[name=name]').focus();
}

async function setEnabled(user, enabled, ctx, reload) {
	if (!enabled && !(await confirm(t('server.confirm_disable', { name: user.name }), { okLabel: t('server.disable') }))) {
		return;
	}
	try {
		await api.put(`/users/${user.id}`, { enabled });
	} catch (err) {
		notice(besideField(err.message, err.field), 'error');
		return;
	}
	notice(enabled ? t('server.user_enabled', { name: user.name }) : t('server.user_disabled', { name: user.name }));
	if (touchesSelf(user, { enabled }, ctx)) {
		location.reload();
		return;
	}
	await reload();
}

function usersTable(users, ctx, reload) {
	const me = ctx.session.user.id;
	const columns = [
		{ key: 'name', label: t('server.name'), render: (u) => h('span', { class: 'server-user-name' }, h('strong', {}, u.name), u.id === me ? [' ', badge(t('server.you'))] : null) },
		{ key: 'pages', label: t('server.pages'), render: (u) => (u.pages.length ? h('span', { class: 'server-page-list' }, PAGES.filter((p) => u.pages.includes(p)).map((p) => badge(t(`right.${p}`)))) : h('span', { class: 'server-muted' }, t('server.no_pages'))) },
		{ key: 'manager', label: t('server.manager_short'), render: (u) => (u.manager ? t('ui.yes') : t('ui.no')) },
		{ key: 'enabled', label: t('server.state'), render: (u) => (u.enabled ? badge(t('server.state_on'), 'ok') : badge(t('server.state_off'), 'off')) },
		{ key: 'codes', label: t('server.codes'), render: (u) => (u.default_codes ? badge(t('server.codes_default'), 'warn') : t('server.codes_own')) },
		{
			key: 'actions',
			label: t('server.actions'),
			cls: 'server-row-actions',
			render: (u) =>
				h(
					'span',
					{ class: 'actions' },
					h('button', { type: 'button', class: 'small', dataset: { action: 'edit' }, 'aria-label': t('server.edit_user', { name: u.name }), onclick: () => openEditor(u, ctx, reload) }, t('ui.edit')),
					u.enabled
						? h('button', { type: 'button', class: 'small', dataset: { action: 'disable' }, 'aria-label': t('server.disable_user', { name: u.name }), onclick: () => setEnabled(u, false, ctx, reload) }, t('server.disable'))
						: h('button', { type: 'button', class: 'small', dataset: { action: 'enable' }, 'aria-label': t('server.enable_user', { name: u.name }), onclick: () => setEnabled(u, true, ctx, reload) }, t('server.enable'))
				),
		},
	];
	const tbl = table(columns, users);
	tbl.classList.add('server-users');
	tbl.setAttribute('aria-label', t('server.users_title'));
	tbl.querySelectorAll('tbody tr').forEach((tr, i) => {
		tr.dataset.user = users[i].name;
		tr.dataset.userId = String(users[i].id);
		tr.classList.toggle('server-user-off', !users[i].enabled);
	});
	return tbl;
}

export default async function render(body, ctx) {
	if (!ctx.session.user.manager) {
		clear(body, card(t('server.users_title'), h('p', { class: 'banner', dataset: { notManager: '' } }, t('server.needs_manager'), ' ', h('a', { href: ctx.href('account') }, t('server.own_codes')))));
		return undefined;
	}
	const list = h('div', { class: 'server-users-list' });
	const reload = async () => {
		const users = await api.get('/users');
		if (ctx.current()) {
			clear(list, usersTable(users, ctx, reload));
		}
	};
	await reload();
	const add = button(t('server.add_user'), () => openEditor(null, ctx, reload), 'primary');
	add.dataset.action = 'add-user';
	clear(
		body,
		card(
			null,
			h('div', { class: 'page-head' }, h('h2', {}, t('server.users_title')), h('div', { class: 'actions' }, add)),
			h('p', { class: 'help' }, t('server.users_intro')),
			list
		)
	);
	return undefined;
}
