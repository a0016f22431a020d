// Script payloads in every stored text field the module shows, rendered inert in a real
// browser. tests/browser/lib/xss_world.php deploys a VM on the Proxmox simulator and puts
// a payload - <script>, an <img onerror>, a javascript: URL, Smarty and {{ }} template
// syntax - into each field: through the engine where it takes the value, straight into
// the database where it refuses it (or where WHMCS or the engine writes it). Every page
// is then visited: each admin page the router lists, with the views its buttons open
// (Log, DB Record, Reset, Edit), each JSON endpoint opened on its own, the service pages
// with the module's tab, and each page of the client area. On every one: no dialog, no
// script ran (window.__xss), no element, handler or javascript: link came out of a
// payload, and a payload that shows is shown whole, as text. At the end every payload
// must have been shown somewhere, so a field that is never looked at fails the test.
'use strict';

const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const path = require('node:path');
const { after, before, describe, test } = require('node:test');
const { startHarness } = require('./lib/harness');

const top = path.resolve(__dirname, '../..');
const extension = process.env.PUQKVM_EXT || path.join(top, 'build/release/puqkvm.so');

// buttons that open a view of a row (never one that changes anything), per page
const VIEWS = {
	vm_management: ['.puqkvm-vm-log', '.puqkvm-vm-record', '.puqkvm-vm-reset'],
	ip_pools: ['.puqkvm-pool-edit'],
	dns_zones: ['.puqkvm-zone-edit'],
};

function startSim() {
	return new Promise((resolve, reject) => {
		const child = spawn('node', [path.join(top, 'tests/sim/proxmox/cli.js'), '--task-ms', '20'],
			{ stdio: ['ignore', 'pipe', 'ignore'] });
		child.stdout.once('data', (chunk) => {
			try {
				resolve({ child, ...JSON.parse(String(chunk).split('\n')[0]) });
			} catch (err) {
				reject(err);
			}
		});
		child.once('exit', (code) => reject(new Error(`the simulator exited (${code})`)));
	});
}

// What a page holds that a payload could have become, and all its text (inputs included).
function observe() {
	const onAttr = [...document.querySelectorAll('*')].filter((e) => [...e.attributes]
		.some((a) => a.name.startsWith('on') && a.value.includes('__xss'))).length;
	const links = [...document.querySelectorAll('[href],[src],[action],[formaction]')].filter((e) =>
		['href', 'src', 'action', 'formaction'].some((n) => /^\s*javascript:/i.test(e.getAttribute(n) || ''))).length;
	const values = [...document.querySelectorAll('input, textarea, select')].map((e) => e.value);
	let text = `${document.body ? document.body.innerText : document.documentElement.textContent}\n${values.join('\n')}`;
	if (document.contentType === 'application/json') {
		// the browser shows JSON as its source: the strings it holds are the text
		const strings = [];
		const walk = (v) => {
			if (typeof v === 'string') {
				strings.push(v);
				// a column that holds JSON (the rDNS names, the product) holds strings too
				if (/^[[{]/.test(v)) {
					try {
						walk(JSON.parse(v));
					} catch {
						// text that only starts like JSON
					}
				}
			} else if (v && typeof v === 'object') {
				Object.keys(v).forEach((k) => strings.push(k));
				Object.values(v).forEach(walk);
			}
		};
		walk(JSON.parse(document.body.innerText));
		text = strings.join('\n');
	}
	return {
		xss: window.__xss === undefined ? null : String(window.__xss),
		images: document.querySelectorAll('img[src="x"]').length,
		handlers: onAttr,
		scripts: [...document.scripts].filter((s) => s.textContent.includes('__xss')).length,
		links,
		text,
	};
}

describe('XSS payloads', () => {
	let h;
	let sim;
	let world;
	let routes;
	const shown = new Map(); // tag -> where it was first seen
	const dialogs = [];

	// Asserts the page is inert and notes which payloads it showed.
	async function inert(page, where) {
		const o = await page.evaluate(observe);
		assert.equal(o.xss, null, `${where}: a payload ran (window.__xss = ${o.xss})`);
		assert.deepEqual(dialogs, [], `${where}: a dialog opened`);
		assert.equal(o.images, 0, `${where}: an <img> came out of a payload`);
		assert.equal(o.handlers, 0, `${where}: an event handler came out of a payload`);
		assert.equal(o.scripts, 0, `${where}: a <script> came out of a payload`);
		assert.equal(o.links, 0, `${where}: a javascript: link came out of a payload`);
		for (const [tag, seed] of Object.entries(world.seeded)) {
			if (!o.text.includes(`#${tag}`)) continue;
			assert.ok(o.text.includes(seed.value), `${where}: the payload of ${seed.field} (${tag}) is shown, but not `
				+ `whole as text:\n${seed.value}`);
			if (!shown.has(tag)) shown.set(tag, where);
		}
	}

	async function settle(page) {
		await page.waitForLoadState('networkidle');
	}

	async function closeModal(page) {
		await page.locator('.modal.in [data-dismiss="modal"]').first().click();
		await page.waitForFunction(() => !document.querySelector('.modal.in, .modal-backdrop'));
	}

	before(async () => {
		process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
		h = await startHarness();
		h.context.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
		h.page.on('dialog', (d) => { dialogs.push(d.message()); });
		sim = await startSim();
		world = JSON.parse(execFileSync('php', ['-d', `extension=${extension}`, 'tests/browser/lib/xss_world.php',
			h.root, String(sim.port), sim.fingerprint], { cwd: top, encoding: 'utf8' }));
		routes = JSON.parse(execFileSync('php', ['tests/browser/lib/routes.php'], { cwd: top, encoding: 'utf8' }));
		assert.ok(Object.keys(world.seeded).length >= 25, 'payloads in every field');
	});
	after(async () => {
		if (sim) sim.child.kill('SIGTERM');
		if (h) await h.stop();
	});

	test('every admin page the router lists, and the views its buttons open', async () => {
		const pages = routes.filter((r) => r.method === 'GET' && r.op === '').map((r) => r.action);
		assert.ok(pages.includes('vm_management') && pages.includes('dns_zones'));
		for (const action of pages) {
			await h.page.goto(h.addonUrl(action));
			await settle(h.page);
			await inert(h.page, `page ${action}`);
			for (const selector of VIEWS[action] || []) {
				const count = await h.page.locator(selector).count();
				for (let i = 0; i < count; i++) {
					await h.page.locator(selector).nth(i).click();
					await h.page.waitForSelector('.modal.in');
					await settle(h.page);
					await inert(h.page, `page ${action}, ${selector} #${i + 1}`);
					await closeModal(h.page);
				}
			}
		}
		assert.ok(shown.size > 0);
	});

	test('every JSON endpoint opened on its own is data, not a page', async () => {
		for (const r of routes.filter((e) => e.method === 'GET')) {
			for (const id of [world.service, world.other]) {
				const url = h.addonUrl(r.action, { ...(r.op ? { op: r.op } : {}), ajax: '1', id: String(id),
					ip: '192.0.2.1', mask: '24' });
				const response = await h.page.goto(url);
				const type = response.headers()['content-type'];
				if (r.op !== '' || !type.startsWith('text/html')) { // a page without a JSON form answers the page
					assert.match(type, /^application\/json/, url);
					assert.equal(response.headers()['x-content-type-options'], 'nosniff', url);
				}
				await inert(h.page, `JSON ${r.action} ${r.op}`);
			}
		}
	});

	test('the service pages with the module\'s tab', async () => {
		for (const id of [world.service, world.other]) {
			await h.page.goto(h.adminUrl(`clientsservices.php?id=${id}`));
			await h.page.waitForSelector('.puqkvm-tab-rdns, .puqkvm-tab-error');
			await settle(h.page);
			await inert(h.page, `service page ${id}`);
		}
	});

	test('every page of the client area', async () => {
		const context = await h.browser.newContext();
		context.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
		const page = await context.newPage();
		try {
			await page.goto(`${h.base}/login.php`);
			await page.fill('#username', world.client.email);
			await page.fill('#password', world.client.password);
			await Promise.all([page.waitForURL(`${h.base}/clientarea.php`), page.click('#login')]);
			await inert(page, 'client area services list');
			for (const id of [world.service, world.other]) {
				await page.goto(`${h.base}/clientarea.php?action=productdetails&id=${id}`);
				await settle(page);
				const hashes = await page.locator('#puqkvm-client li[data-page]:not(.disabled)').evaluateAll(
					(items) => items.map((li) => li.getAttribute('data-page')));
				if (id === world.service) assert.ok(hashes.length >= 8, `pages of the client area: ${hashes}`);
				for (const hash of hashes) {
					await page.evaluate((p) => { location.hash = p; }, hash);
					await page.waitForFunction((p) => {
						const c = document.getElementById('puqkvm-client');
						return c && c.getAttribute('data-loaded') === p && !c.hasAttribute('data-loading');
					}, hash, { timeout: 15000 });
					await settle(page);
					await inert(page, `client area ${id} #${hash}`);
				}
			}
		} finally {
			await context.close();
		}
	});

	test('every payload was shown somewhere, as text', () => {
		const missing = Object.entries(world.seeded).filter(([tag, s]) => !shown.has(tag)
			&& !s.via.startsWith('refused by the engine'))
			.map(([tag, s]) => `${tag} ${s.field} (${s.via})`);
		assert.deepEqual(missing, [], 'payloads no page showed: a page that shows the field is missing from the walk');
	});
});
