// The browser tests' fixture: a demo site built by ews-demo with an
// injected clock, its two gateways served by ews-sim, ewsd serving the UI,
// and Debian's chromium driven by playwright-core. Every server listens on
// a loopback port chosen at run time and is stopped by the test.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

const env = (name) => {
	const v = process.env[name];
	if (!v) {
		throw new Error(`${name} is not set (run through meson test)`);
	}
	return v;
};

export const BIN = {
	ewsd: () => env('EWSD_BIN'),
	ews: () => env('EWS_BIN'),
	sim: () => env('EWS_SIM_BIN'),
	demo: () => env('EWS_DEMO_BIN'),
	www: () => env('EWS_WWW_DIR'),
};

// The manual's default codes (include/ews/user.h), accepted from loopback.
export const USERS = {
	administrator: { pin: '99999', puk: '00000 9999 00000', pages: ['server_config', 'system_config', 'panel_board', 'consumption', 'reports', 'alarms'] },
	greenUp: { pin: '88888', puk: '00000 88888 00000', pages: ['server_config', 'system_config', 'panel_board', 'consumption', 'greenup', 'reports', 'alarms'] },
	installer: { pin: '55555', puk: '00000 5555 00000', pages: ['system_config', 'panel_board', 'consumption', 'alarms'] },
	user: { pin: '11111', puk: '00000 1111 00000', pages: ['consumption', 'alarms'] },
};

// Which nav entry (hash id) each right shows.
export const PAGE_OF_RIGHT = {
	panel_board: 'panel',
	consumption: 'consumption',
	greenup: 'greenup',
	alarms: 'alarms',
	system_config: 'system',
	server_config: 'server',
};

const START_TIMEOUT_MS = 30000 * Number(process.env.EWS_TEST_SLOW || 1);

export function artifactsDir() {
	const dir = process.env.EWS_ARTIFACTS_DIR || join(tmpdir(), 'ews-browser-artifacts');
	mkdirSync(dir, { recursive: true });
	return dir;
}

// spawn a server that writes its port(s) to portFile once listening.
async function startServer(name, cmd, args, portFile, tmp) {
	const log = join(tmp, `${name}.log`);
	const out = (await import('node:fs')).openSync(log, 'w');
	const proc = spawn(cmd, args, { stdio: ['ignore', out, out], env: process.env });
	const deadline = Date.now() + START_TIMEOUT_MS;
	while (!existsSync(portFile) || !readFileSync(portFile, 'utf8').trim()) {
		if (proc.exitCode !== null) {
			throw new Error(`${name} exited ${proc.exitCode}: ${readFileSync(log, 'utf8')}`);
		}
		if (Date.now() > deadline) {
			proc.kill('SIGKILL');
			throw new Error(`${name} did not listen in time: ${readFileSync(log, 'utf8')}`);
		}
		await sleep(20);
	}
	const ports = readFileSync(portFile, 'utf8').trim().split(/\s+/).map(Number);
	return { proc, ports, log };
}

async function stopServer(s) {
	if (!s || s.proc.exitCode !== null) {
		return s ? s.proc.exitCode : 0;
	}
	const done = new Promise((resolve) => s.proc.once('exit', (code, sig) => resolve(code ?? sig)));
	s.proc.kill('SIGTERM');
	const timer = setTimeout(() => s.proc.kill('SIGKILL'), 20000);
	const rc = await done;
	clearTimeout(timer);
	return rc;
}

export function cli(site, ...args) {
	return execFileSync(BIN.ews(), ['--site', site, ...args], { encoding: 'utf8', env: process.env });
}

// Two free loopback ports for the gateways (ews-demo writes them into the
// site and ews-sim's configuration before ews-sim binds them).
async function freePorts(n) {
	const net = await import('node:net');
	const servers = [];
	for (let i = 0; i < n; i++) {
		const s = net.createServer();
		await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
		servers.push(s);
	}
	const ports = servers.map((s) => s.address().port);
	await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
	return ports;
}

// startSim(tmp, devices): one more ews-sim on a free loopback port, for a
// gateway a test adds itself. devices: ews-sim's config "devices" array
// without ports. Returns {port, stop()}.
export async function startSim(tmp, name, devices) {
	const config = join(tmp, `${name}.json`);
	writeFileSync(config, JSON.stringify({ devices }));
	const portFile = join(tmp, `${name}.port`);
	const sim = await startServer(name, BIN.sim(), ['--config', config, '--port', '0', '--port-file', portFile], portFile, tmp);
	return { port: sim.ports[0], stop: () => stopServer(sim) };
}

// startStack({now, days}): the demo site with `days` of history ending at
// `now` (an ISO time: the injected clock), ews-sim serving its devices from
// `now` on, and ewsd. Returns {url, site, tmp, stop()}.
export async function startStack({ now, days = 45 } = {}) {
	const tmp = mkdtempSync(join(tmpdir(), 'ews-browser-'));
	const site = join(tmp, 'site');
	const simConfig = join(tmp, 'sim.json');
	const ports = await freePorts(2);
	const demoArgs = ['--site', site, '--sim-config', simConfig, '--ports', ports.join(','), '--days', String(days)];
	if (now) {
		demoArgs.push('--now', now);
	}
	execFileSync(BIN.demo(), demoArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
	const simArgs = ['--config', simConfig, '--port', String(ports[0]), '--port-file', join(tmp, 'sim.port')];
	if (now) {
		simArgs.push('--start', now);
	}
	const sim = await startServer('ews-sim', BIN.sim(), simArgs, join(tmp, 'sim.port'), tmp);
	let ewsd;
	try {
		ewsd = await startServer('ewsd', BIN.ewsd(), ['--site', site, '--listen', '127.0.0.1:0', '--port-file', join(tmp, 'ewsd.port'), '--www', BIN.www()], join(tmp, 'ewsd.port'), tmp);
	} catch (e) {
		await stopServer(sim);
		throw e;
	}
	return {
		url: `http://127.0.0.1:${ewsd.ports[0]}`,
		site,
		tmp,
		ewsdLog: () => readFileSync(ewsd.log, 'utf8'),
		async stop() {
			const rc = await stopServer(ewsd);
			await stopServer(sim);
			if (rc !== 0) {
				throw new Error(`ewsd stopped with ${rc}: ${readFileSync(ewsd.log, 'utf8').slice(-4000)}`);
			}
			if (!process.env.EWS_KEEP_TMP) {
				rmSync(tmp, { recursive: true, force: true });
			}
		},
	};
}

export async function launchBrowser() {
	return chromium.launch({ executablePath: process.env.EWS_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 640 };

// A page whose console errors and uncaught exceptions are collected: a test
// ends with expectNoErrors(page). A 401 before login is expected.
export async function openPage(browser, viewport = DESKTOP) {
	const context = await browser.newContext({ viewport, locale: 'en-GB' });
	const page = await context.newPage();
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) {
			page.errors.push(`console: ${m.text()}`);
		}
	});
	return page;
}

// Logs in through the form: PIN, then the PUK this new browser is asked.
export async function login(page, url, who) {
	const u = USERS[who];
	await page.goto(`${url}/`);
	await page.fill('input[name=pin]', u.pin);
	await page.click('form button[type=submit]');
	await page.waitForSelector('input[name=puk]:not([disabled])');
	await page.fill('input[name=puk]', u.puk);
	await page.click('form button[type=submit]');
	await page.waitForSelector('main[data-ready=true]');
}

// Goes to a hash address and waits until its page has rendered its data.
export async function visit(page, url, hash) {
	if (!page.url().startsWith(url)) {
		await page.goto(`${url}/`);
		await page.waitForSelector('main[data-ready]');
	}
	// The same address again is no hashchange: render it again by hand.
	await page.evaluate((target) => {
		document.querySelector('main')?.removeAttribute('data-ready');
		if (location.hash === target) {
			window.dispatchEvent(new HashChangeEvent('hashchange'));
		} else {
			location.hash = target;
		}
	}, `#/${hash}`);
	await page.waitForSelector('main[data-ready]', { timeout: 20000 });
	return page.getAttribute('main', 'data-ready');
}

export async function screenshot(page, name) {
	const path = join(artifactsDir(), `${name}.png`);
	await page.screenshot({ path, fullPage: true });
	return path;
}

export function writeArtifact(name, text) {
	writeFileSync(join(artifactsDir(), name), text);
}

// useStack(opts): the stack and a browser for the tests of one file, started
// before the first test and stopped after the last. Returns an object whose
// `stack` and `browser` are set once started; with `as`, also a page logged
// in as that user; with `setup(fixture)`, what it returns is awaited as a
// cleanup at the end.
export function useStack(opts, { as, setup } = {}) {
	const fixture = { stack: null, browser: null, page: null };
	let cleanup = null;
	before(async () => {
		fixture.stack = await startStack(opts);
		cleanup = setup ? await setup(fixture) : null;
		fixture.browser = await launchBrowser();
		if (as) {
			fixture.page = await openPage(fixture.browser);
			await login(fixture.page, fixture.stack.url, as);
		}
	});
	after(async () => {
		await cleanup?.();
		await fixture.page?.context().close();
		await fixture.browser?.close();
		await fixture.stack?.stop();
	});
	return fixture;
}
