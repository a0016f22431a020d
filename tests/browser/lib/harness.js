// The WHMCS harness for browser tests: a test database with the WHMCS tables
// (tests/lib/testdb.php), a harness root with the addon activated (tests/whmcs/bin/harness),
// PHP's built-in server with the router and the extension, and Debian's Chromium driven
// by playwright-core, logged in as the harness admin. stop() undoes all of it: the
// browser, the server (by the pid started here), the database and the root.
//
//   const h = await startHarness();
//   await h.page.goto(h.addonUrl('settings_general'));
//   const rows = h.query('SELECT value FROM puq_proxmox_kvm_settings WHERE name = ?', ['default_timeout']);
//   await h.screenshot('settings-saved');
//   await h.stop();
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const top = path.resolve(__dirname, '../../..');
const artifacts = path.join(top, 'tests/artifacts');
const extension = process.env.PUQKVM_EXT || path.join(top, 'build/release/puqkvm.so');
const MODULE = 'puq_proxmox_kvm';

// the flags notes/environment.md §6 found necessary for Debian's chromium as root
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

function php(args, options = {}) {
	return execFileSync('php', args, { cwd: top, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

async function waitForHttp(url, child, log) {
	for (let i = 0; i < 200; i++) {
		if (child.exitCode !== null) {
			throw new Error(`the harness server exited: ${fs.readFileSync(log, 'utf8')}`);
		}
		try {
			const response = await fetch(url, { redirect: 'manual' });
			if (response.status > 0) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`the harness server did not answer at ${url}`);
}

// serverExtension: false serves the admin area from a PHP without puqkvm (the addon was
// activated with it), as a WHMCS whose PHP lost the extension.
async function startHarness({ adminPath = 'admin', serverExtension = true } = {}) {
	const created = JSON.parse(php(['tests/lib/testdb.php', 'create', '--no-migrate']));
	const dbName = created.name;
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'puqkvm-browser-'));
	const password = crypto.randomBytes(9).toString('hex');
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	let server = null;
	let browser = null;
	const state = { stopped: false };

	const stop = async () => {
		if (state.stopped) return;
		state.stopped = true;
		if (browser) await browser.close().catch(() => {});
		if (server && server.exitCode === null) {
			server.kill('SIGTERM');
			await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
		}
		php(['tests/lib/testdb.php', 'drop', dbName]);
		fs.rmSync(root, { recursive: true, force: true });
	};

	try {
		php(['-d', `extension=${extension}`, 'tests/whmcs/bin/harness', 'install', `--root=${root}`,
			`--db-name=${dbName}`, `--admin-path=${adminPath}`, `--system-url=${base}/`,
			'--admin-user=admin', `--admin-pass=${password}`, '--activate']);
		const log = path.join(root, 'harness/server.log');
		const load = serverExtension ? ['-d', `extension=${extension}`] : [];
		server = spawn('php', [...load, '-S', `127.0.0.1:${port}`, '-t', root,
			path.join(top, 'tests/whmcs/router.php')], {
			cwd: top,
			env: { ...process.env, PUQKVM_WHMCS_ROOT: root },
			stdio: ['ignore', fs.openSync(log, 'a'), fs.openSync(log, 'a')],
		});
		await waitForHttp(`${base}/${adminPath}/login.php`, server, log);

		browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await context.newPage();
		const dialogs = [];
		page.on('dialog', async (dialog) => {
			dialogs.push(dialog.message());
			await dialog.dismiss();
		});

		const adminUrl = (script) => `${base}/${adminPath}/${script}`;
		const addonUrl = (action, params = {}) => {
			const query = new URLSearchParams({ module: MODULE, ...(action ? { action } : {}), ...params });
			return adminUrl(`addonmodules.php?${query}`);
		};
		const login = async (target = page) => {
			await target.goto(adminUrl('login.php'));
			await target.fill('#username', 'admin');
			await target.fill('#password', password);
			await Promise.all([target.waitForURL(`${base}/${adminPath}/**`), target.click('#login')]);
		};
		await login();

		return {
			base,
			adminPath,
			dbName,
			root,
			browser,
			context,
			page,
			dialogs,
			adminUrl,
			addonUrl,
			login,
			stop,
			// rows of one prepared statement on the test database
			query(sql, params = []) {
				return JSON.parse(php(['tests/browser/lib/db.php', dbName, sql, JSON.stringify(params)]));
			},
			// the stored value of a setting, or null when it reads as its default
			setting(name) {
				const rows = this.query('SELECT value FROM puq_proxmox_kvm_settings WHERE name = ?', [name]);
				return rows.length ? rows[0].value : null;
			},
			async screenshot(name, target = page) {
				fs.mkdirSync(artifacts, { recursive: true });
				await target.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
			},
		};
	} catch (err) {
		await stop();
		throw err;
	}
}

module.exports = { startHarness, MODULE };
