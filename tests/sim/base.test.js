// Tests of the simulator base (tests/sim/lib/base.js) through the echo simulator:
// every feature the later Proxmox, Cloudflare and HestiaCP simulators rely on.
'use strict';

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const https = require('node:https');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { test, describe, before, after, beforeEach } = require('node:test');

const { createSimulator, parseBody } = require('./lib/base');
const { echoSimulator } = require('./echo');

function request(url, { method = 'GET', headers = {}, body, agent, timeout, ca } = {}) {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		const mod = u.protocol === 'https:' ? https : http;
		const req = mod.request(u, { method, headers, agent, ca }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json;
				try {
					json = JSON.parse(text);
				} catch {
					json = undefined;
				}
				resolve({
					status: res.statusCode,
					reason: res.statusMessage,
					headers: res.headers,
					text,
					json,
					socket: res.socket,
				});
			});
			res.on('error', reject);
		});
		if (timeout) {
			req.setTimeout(timeout, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
		}
		req.on('error', reject);
		if (body !== undefined) req.write(body);
		req.end();
	});
}

// Waits (up to 2 s) for a server-side event that follows the client's view of it.
async function until(cond) {
	for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
	assert.ok(cond(), `condition not met: ${cond}`);
}

const json = (obj) => ({
	body: JSON.stringify(obj),
	headers: { 'content-type': 'application/json' },
});

describe('lifecycle', () => {
	test('listens on loopback, on a free port by default, and stops', async () => {
		const sim = echoSimulator();
		const info = await sim.start();
		assert.ok(info.port > 0);
		assert.equal(sim.server.address().address, '127.0.0.1');
		assert.equal(info.url, `http://127.0.0.1:${info.port}`);
		const r = await request(sim.url('/echo'));
		assert.equal(r.status, 200);
		await sim.stop();
		await assert.rejects(request(sim.url('/echo'), { agent: false }), /ECONNREFUSED/);
	});

	test('refuses to listen anywhere but loopback', () => {
		assert.throws(() => createSimulator({ host: '0.0.0.0' }), /loopback only/);
	});

	test('as a process: announces its port as one JSON line and exits with its stdin', async () => {
		const script = path.join(__dirname, 'echo.js');
		const child = spawn(process.execPath, [script, '--exit-with-stdin'], { stdio: ['pipe', 'pipe', 'inherit'] });
		const line = await new Promise((resolve, reject) => {
			let buf = '';
			child.stdout.on('data', (d) => {
				buf += d;
				if (buf.includes('\n')) resolve(buf.split('\n')[0]);
			});
			child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
		});
		const info = JSON.parse(line);
		assert.equal(info.control, '/__sim');
		assert.ok(Number.isInteger(info.listening) && info.listening > 0);
		const base = `http://127.0.0.1:${info.listening}`;
		assert.equal((await request(`${base}/counter`, { method: 'POST' })).json.data, 1);
		const stats = (await request(`${base}/__sim/stats`)).json;
		assert.equal(stats.requests.total, 1);
		const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
		child.stdin.end();
		assert.equal(await exited, 0);
	});
});

describe('routing and parsing', () => {
	const sim = createSimulator({ name: 'routes' });
	before(async () => {
		sim.get('/nodes/:node/qemu/:vmid', (ctx) => ({ json: { params: ctx.params } }));
		sim.get('/files/*', (ctx) => ({ json: { rest: ctx.params.rest } }));
		sim.route(['PUT', 'POST'], /^\/re\/(?<id>\d+)$/, (ctx) => ({ json: { id: ctx.params.id, method: ctx.method } }));
		sim.post('/body', (ctx) => ({ json: { body: ctx.body, error: ctx.bodyError ?? null, query: ctx.query } }));
		sim.get('/throws', () => {
			throw new Error('handler failed');
		});
		await sim.start();
	});
	after(() => sim.stop());

	test('path parameters are decoded', async () => {
		const r = await request(sim.url('/nodes/pve%2D1/qemu/100'));
		assert.deepEqual(r.json.params, { node: 'pve-1', vmid: '100' });
	});

	test('a trailing * captures the rest of the path', async () => {
		assert.equal((await request(sim.url('/files/a/b/c'))).json.rest, 'a/b/c');
		assert.equal((await request(sim.url('/files'))).json.rest, '');
	});

	test('RegExp routes with named groups and method lists', async () => {
		const r = await request(sim.url('/re/42'), { method: 'PUT' });
		assert.deepEqual(r.json, { id: '42', method: 'PUT' });
		assert.equal((await request(sim.url('/re/42'))).status, 404); // GET not routed
	});

	test('an unknown route is a 404 and counted as unmatched', async () => {
		const before = sim.stats().requests.unmatched;
		const r = await request(sim.url('/nope'));
		assert.equal(r.status, 404);
		assert.match(r.json.error, /no route for GET \/nope/);
		assert.equal(sim.stats().requests.unmatched, before + 1);
	});

	test('a failing handler answers 500 with its message', async () => {
		const r = await request(sim.url('/throws'));
		assert.equal(r.status, 500);
		assert.equal(r.json.error, 'handler failed');
	});

	test('JSON bodies are parsed, malformed ones reported', async () => {
		let r = await request(sim.url('/body'), { method: 'POST', ...json({ a: [1, 2], b: { c: true } }) });
		assert.deepEqual(r.json.body, { a: [1, 2], b: { c: true } });
		r = await request(sim.url('/body'), {
			method: 'POST',
			body: '{"a":',
			headers: { 'content-type': 'application/json' },
		});
		assert.equal(r.json.body, undefined);
		assert.match(r.json.error, /malformed JSON/);
	});

	test('form bodies and query strings keep repeated keys as arrays', async () => {
		const r = await request(sim.url('/body?x=1&x=2&y=3'), {
			method: 'POST',
			body: 'net0=virtio&tag=1&tag=2&tag=3&empty=',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
		});
		assert.deepEqual({ ...r.json.body }, { net0: 'virtio', tag: ['1', '2', '3'], empty: '' });
		assert.deepEqual({ ...r.json.query }, { x: ['1', '2'], y: '3' });
	});

	test('a body without Content-Type is read as a form (as Proxmox does)', () => {
		assert.deepEqual({ ...parseBody(Buffer.from('a=1&a=2'), undefined).body }, { a: ['1', '2'] });
		assert.equal(parseBody(Buffer.from('plain'), 'text/plain').body, 'plain');
		assert.deepEqual(parseBody(Buffer.alloc(0), 'application/json').body, {});
	});

	test('replies carry status, reason phrase, headers and text', async () => {
		sim.get('/reply', () => ({ status: 400, reason: 'Parameter verification failed.', headers: { 'x-a': 'b' }, text: 'no' }));
		const r = await request(sim.url('/reply'));
		assert.equal(r.status, 400);
		assert.equal(r.reason, 'Parameter verification failed.');
		assert.equal(r.headers['x-a'], 'b');
		assert.equal(r.headers['content-type'], 'text/plain;charset=UTF-8');
		assert.equal(r.text, 'no');
	});
});

describe('TLS', () => {
	test('a self-signed certificate with its SHA-256 fingerprint, cached between starts', async () => {
		const a = echoSimulator({ tls: true });
		const b = echoSimulator({ tls: true });
		const ia = await a.start();
		const ib = await b.start();
		try {
			assert.match(ia.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
			assert.equal(ib.fingerprint, ia.fingerprint, 'the cached certificate is reused');
			assert.ok(ia.url.startsWith('https://127.0.0.1:'));
			// verified against the certificate file as CA, with the peer's fingerprint checked
			const ca = require('node:fs').readFileSync(ia.certPath);
			const r = await request(a.url('/echo'), { ca, agent: false });
			assert.equal(r.status, 200);
			const peer = r.socket.getPeerCertificate();
			assert.equal(peer.fingerprint256, ia.fingerprint);
			// without the CA the handshake fails, and the simulator counts the failure
			await assert.rejects(request(a.url('/echo'), { agent: false }), /self-signed|self signed/);
			await until(() => a.stats().tls.failures === 1);
			assert.equal(a.stats().requests.total, 1);
		} finally {
			await a.stop();
			await b.stop();
		}
	});

	test('a reset fault over TLS closes the connection without answering', async () => {
		const a = echoSimulator({ tls: true });
		const info = await a.start();
		try {
			const ca = require('node:fs').readFileSync(info.certPath);
			a.addFault({ kind: 'reset', route: 'GET /echo', times: 1 });
			await assert.rejects(request(a.url('/echo'), { ca, agent: false }), /ECONNRESET|socket hang up/);
			assert.equal(a.stats().faults.reset, 1);
			assert.equal((await request(a.url('/echo'), { ca, agent: false })).status, 200);
		} finally {
			await a.stop();
		}
	});

	test('certificates are separate per name', async () => {
		const other = echoSimulator({ tls: { name: 'base-test-other' } });
		const def = echoSimulator({ tls: true });
		const io = await other.start();
		const id = await def.start();
		await other.stop();
		await def.stop();
		assert.notEqual(io.fingerprint, id.fingerprint);
		const pem = require('node:fs').readFileSync(io.certPath);
		assert.equal(new crypto.X509Certificate(pem).fingerprint256, io.fingerprint);
	});
});

describe('latency, faults, counters, log and control', () => {
	const sim = echoSimulator({ seed: 42 });
	let agent;
	before(() => sim.start());
	after(() => sim.stop());
	beforeEach(() => {
		sim.reset();
		agent = new http.Agent({ keepAlive: true });
	});

	test('fixed latency delays the answer; jitter spreads it within [fixed, fixed+jitter]', async () => {
		sim.setLatency({ fixed_ms: 60 });
		const t0 = Date.now();
		await request(sim.url('/echo'));
		assert.ok(Date.now() - t0 >= 55, 'answer came before the injected delay');
		sim.setLatency({ fixed_ms: 5, jitter_ms: 40 });
		for (let i = 0; i < 20; i++) await request(sim.url('/echo'), { agent });
		const delays = sim.log().slice(1).map((e) => e.latency_ms);
		assert.equal(delays.length, 20);
		for (const d of delays) assert.ok(d >= 5 && d <= 45, `latency ${d} outside [5, 45]`);
		assert.ok(new Set(delays).size > 5, 'jitter varies the delay');
	});

	test('latency per route wins over the global rule', async () => {
		sim.setLatency({ fixed_ms: 1 });
		sim.setLatency({ route: 'GET /counter', fixed_ms: 30 });
		await request(sim.url('/counter'));
		await request(sim.url('/echo'));
		const [c, e] = sim.log();
		assert.equal(c.latency_ms, 30);
		assert.equal(e.latency_ms, 1);
	});

	test('a status fault answers with its status, reason and body instead of the handler', async () => {
		sim.addFault({ kind: 'status', route: 'POST /counter', status: 500, reason: 'cfs-lock timeout', json: { data: null } });
		const r = await request(sim.url('/counter'), { method: 'POST' });
		assert.equal(r.status, 500);
		assert.equal(r.reason, 'cfs-lock timeout');
		assert.deepEqual(r.json, { data: null });
		assert.equal((await request(sim.url('/counter'))).json.data, 0, 'the handler did not run');
		assert.equal(sim.stats().faults.status, 1);
		assert.equal(sim.log()[0].fault, 'status');
	});

	test('a timeout fault never answers; the request stays in flight until the client gives up', async () => {
		sim.addFault({ kind: 'timeout', route: '/echo' });
		const pending = request(sim.url('/echo'), { timeout: 300 });
		await new Promise((r) => setTimeout(r, 100));
		assert.equal(sim.stats().inflight.now, 1);
		await assert.rejects(pending, (err) => err.code === 'CLIENT_TIMEOUT');
		await new Promise((r) => setTimeout(r, 50));
		assert.equal(sim.stats().inflight.now, 0);
		assert.equal(sim.stats().faults.timeout, 1);
	});

	test('a lost answer: the handler runs, then the connection is dropped', async () => {
		sim.addFault({ kind: 'lost', route: 'POST /counter', times: 1 });
		const before = (await request(sim.url('/counter'))).json.data;
		await assert.rejects(request(sim.url('/counter'), { method: 'POST' }), /socket hang up|ECONNRESET/);
		assert.equal((await request(sim.url('/counter'))).json.data, before + 1, 'executed');
		assert.equal(sim.stats().faults.lost, 1);
	});

	test('a reset fault resets the connection before the handler runs', async () => {
		sim.addFault({ kind: 'reset', route: 'POST /counter' });
		const before = (await request(sim.url('/counter'))).json.data;
		await assert.rejects(request(sim.url('/counter'), { method: 'POST' }), /ECONNRESET|socket hang up/);
		assert.equal((await request(sim.url('/counter'))).json.data, before);
	});

	test('one-shot faults, faults after N requests, and per-route faults', async () => {
		sim.addFault({ kind: 'status', route: 'GET /echo', status: 503, times: 1 });
		sim.addFault({ kind: 'status', route: 'GET /counter', status: 502, after: 2, times: 1 });
		const echo = [];
		for (let i = 0; i < 3; i++) echo.push((await request(sim.url('/echo'))).status);
		assert.deepEqual(echo, [503, 200, 200]);
		const counter = [];
		for (let i = 0; i < 4; i++) counter.push((await request(sim.url('/counter'))).status);
		assert.deepEqual(counter, [200, 200, 502, 200]);
		assert.equal((await request(sim.url('/echo'), { method: 'POST' })).status, 200, 'POST /echo is another route');
	});

	test('fault probabilities are honoured and reproducible with a seed', async () => {
		const run = async () => {
			sim.reset(); // re-seeds
			sim.addFault({ kind: 'status', route: '/echo', status: 500, probability: 0.3 });
			const out = [];
			for (let i = 0; i < 200; i++) out.push((await request(sim.url('/echo'), { agent })).status);
			return out;
		};
		const first = await run();
		const second = await run();
		assert.deepEqual(first, second, 'same seed, same sequence');
		const failed = first.filter((s) => s === 500).length;
		assert.ok(failed > 30 && failed < 90, `${failed} of 200 failed at p=0.3`);
		assert.equal(sim.stats().faults.status, failed);
	});

	test('counters per method+route and in total; connections reused by keep-alive', async () => {
		for (let i = 0; i < 5; i++) await request(sim.url('/echo?i=1'), { agent });
		await request(sim.url('/echo'), { method: 'POST', agent, ...json({ a: 1 }) });
		await request(sim.url('/counter'), { agent });
		const s = sim.stats();
		assert.equal(s.requests.total, 7);
		assert.deepEqual(s.requests.by_route, { 'GET /echo': 5, 'POST /echo': 1, 'GET /counter': 1 });
		assert.equal(s.connections.served, 1, 'one keep-alive connection carried all seven');
		assert.equal(s.inflight.max, 1);
	});

	test('the request log records method, path, query, headers, body and status', async () => {
		await request(sim.url('/echo?a=1&a=2'), { method: 'PUT', ...json({ k: 'v' }) });
		const [e] = sim.log();
		assert.equal(e.method, 'PUT');
		assert.equal(e.path, '/echo');
		assert.deepEqual({ ...e.query }, { a: ['1', '2'] });
		assert.equal(e.headers['content-type'], 'application/json');
		assert.equal(e.body, '{"k":"v"}');
		assert.equal(e.status, 200);
		assert.equal(e.route, 'PUT /echo');
		assert.equal(sim.log({ route: 'GET /echo' }).length, 0);
	});

	test('the control endpoint: stats, log, faults, latency, seed, reset and own endpoints', async () => {
		const ctl = (p, method = 'GET', body) =>
			request(sim.url(`/__sim/${p}`), { method, ...(body ? json(body) : {}) });
		await request(sim.url('/echo'));
		let stats = (await ctl('stats')).json;
		assert.equal(stats.requests.total, 1, 'control requests are not counted');
		assert.equal((await ctl('log?limit=5')).json.length, 1);

		let faults = (await ctl('faults', 'POST', { faults: [{ kind: 'status', route: 'GET /echo', status: 418 }] })).json;
		assert.equal(faults.length, 1);
		faults = (await ctl('faults', 'POST', { kind: 'timeout', route: 'GET /nope', append: true })).json;
		assert.equal(faults.length, 2);
		assert.equal((await request(sim.url('/echo'))).status, 418);
		assert.equal((await ctl('faults')).json.length, 2);
		assert.deepEqual((await ctl('faults', 'DELETE')).json, []);
		assert.equal((await request(sim.url('/echo'))).status, 200);
		assert.equal((await ctl('faults', 'POST', { kind: 'bogus' })).status, 400);

		await ctl('latency', 'POST', { fixed_ms: 25 });
		await request(sim.url('/echo'));
		assert.equal(sim.log().at(-1).latency_ms, 25);
		await ctl('latency', 'POST', { clear: true });
		assert.equal(sim.latencyRules.size, 0);

		assert.equal((await ctl('seed', 'POST', { seed: 7 })).json.seed, 7);
		await request(sim.url('/counter'), { method: 'POST' });
		assert.deepEqual((await ctl('counter-reset', 'POST')).json, { ok: true });
		assert.equal((await request(sim.url('/counter'))).json.data, 0);
		assert.equal((await ctl('unknown')).status, 404);

		await ctl('reset', 'POST');
		stats = (await ctl('stats')).json;
		assert.equal(stats.requests.total, 0);
		assert.equal(stats.log_size, 0);
		sim.setSeed(42);
	});

	test('holds hundreds of concurrent connections', async () => {
		const n = 300;
		sim.setLatency({ fixed_ms: 400 });
		const wide = new http.Agent({ keepAlive: true, maxSockets: Infinity });
		const all = await Promise.all(
			Array.from({ length: n }, (_, i) => request(sim.url(`/echo?i=${i}`), { agent: wide })),
		);
		wide.destroy();
		assert.equal(all.filter((r) => r.status === 200).length, n);
		const s = sim.stats();
		assert.ok(s.connections.max_open >= n, `peak ${s.connections.max_open} open connections`);
		assert.equal(s.inflight.max, n);
		assert.equal(s.requests.total, n);
	});
});
