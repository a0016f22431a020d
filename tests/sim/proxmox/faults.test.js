// Fault injection, authentication, TLS, counters and the control endpoint of the
// Proxmox simulator.
'use strict';

const assert = require('node:assert/strict');
const https = require('node:https');
const { after, before, beforeEach, test } = require('node:test');

const { startSim } = require('./server');
const { request, waitTask } = require('./testclient');

let sim;
before(async () => {
	sim = await startSim({ knobs: { taskMs: 10, authFailDelayMs: 100 } });
});
after(() => sim.close());
beforeEach(() => sim.reset({ knobs: { taskMs: 10, authFailDelayMs: 100 } }));

async function control(path, body) {
	const r = await fetchJson(path, body);
	return r;
}

function fetchJson(path, body) {
	return new Promise((resolve, reject) => {
		const req = https.request(new URL(path, sim.url), { method: body ? 'POST' : 'GET', ca: sim.tls.cert,
			headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
			let text = '';
			res.on('data', (c) => (text += c));
			res.on('end', () => resolve(JSON.parse(text)));
		});
		req.on('error', reject);
		if (body) req.write(JSON.stringify(body));
		req.end();
	});
}

test('latency is added to every answer', async () => {
	sim.setKnobs({ latencyMs: 250 });
	const t0 = Date.now();
	assert.equal((await request(sim, 'GET', '/nodes')).status, 200);
	assert.ok(Date.now() - t0 >= 240);
});

test('the 500 rate answers 500 before doing anything', async () => {
	sim.setKnobs({ error500Rate: 1 });
	const r = await request(sim, 'POST', '/nodes/pve1/qemu/9001/clone', { form: { newid: 101 } });
	assert.equal(r.status, 500);
	assert.equal(r.reason, 'simulated internal error (knob error500Rate)');
	assert.equal(sim.cluster.vms.has(101), false);
	sim.setKnobs({ error500Rate: 0.5 });
	let fails = 0;
	for (let i = 0; i < 60; i++) if ((await request(sim, 'GET', '/version')).status === 500) fails++;
	assert.ok(fails > 10 && fails < 50, `${fails} of 60`);
});

test('a timeout: the request is never answered', async () => {
	sim.setKnobs({ timeoutRate: 1 });
	await assert.rejects(request(sim, 'GET', '/nodes', { timeout: 300 }), /timeout/);
	sim.setKnobs({ timeoutRate: 0 });
	assert.equal((await request(sim, 'GET', '/nodes')).status, 200);
});

test('a lost answer: executed on the server, the client sees the connection drop', async () => {
	sim.setKnobs({ lostAnswerRate: 1 });
	await assert.rejects(request(sim, 'POST', '/nodes/pve1/qemu/9001/clone', { form: { newid: 101 } }), /socket hang up|ECONNRESET/);
	sim.setKnobs({ lostAnswerRate: 0 });
	assert.equal(sim.calls('POST', '/nodes/{node}/qemu/{vmid}/clone'), 1);
	const conf = await request(sim, 'GET', '/nodes/pve1/qemu/101/config');
	assert.equal(conf.status, 200); // the clone happened
});

test('a connection reset: nothing executed, the client sees the reset', async () => {
	sim.setKnobs({ resetRate: 1 });
	await assert.rejects(request(sim, 'POST', '/nodes/pve1/qemu/9001/clone', { form: { newid: 101 } }), /ECONNRESET|socket hang up/);
	sim.setKnobs({ resetRate: 0 });
	assert.equal(sim.calls('POST', '/nodes/{node}/qemu/{vmid}/clone'), 0);
	assert.equal(sim.cluster.vms.has(101), false);
});

test('authentication: no ticket, wrong secret, token-less endpoints, ticket + CSRF', async () => {
	let r = await request(sim, 'GET', '/nodes', { token: null });
	assert.equal(r.status, 401);
	assert.equal(r.reason, 'No ticket');
	r = await request(sim, 'GET', '/nodes', { token: 'automation@pve!ci=nope' });
	assert.equal(r.reason, 'Authentication failed!');
	r = await request(sim, 'GET', '/nodes', { token: 'nobody@pve!x=6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e' });
	assert.equal(r.status, 401);
	// the header may use a space; the secret is after the last '='
	r = await request(sim, 'GET', '/nodes', { token: null, headers: { Authorization: 'PVEAPIToken automation@pve!ci=6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e' } });
	assert.equal(r.status, 200);
	r = await request(sim, 'POST', '/access/ticket', { form: { username: 'root@pam', password: 'x' } });
	assert.equal(r.status, 403);
	assert.match(r.reason, /not available with API token, need proper ticket/);
	r = await request(sim, 'POST', '/access/ticket', { token: null, form: { username: 'root@pam', password: 'wrong' } });
	assert.equal(r.status, 401);
	assert.equal(r.reason, 'authentication failure');
	r = await request(sim, 'POST', '/access/ticket', { token: null, form: { username: 'root@pam', password: 'proxmox-root-pass' } });
	assert.equal(r.status, 200);
	const { ticket, CSRFPreventionToken: csrf } = r.body.data;
	assert.match(ticket, /^PVE:root@pam:[0-9A-F]{8}::/);
	const cookie = { Cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}` };
	assert.equal((await request(sim, 'GET', '/nodes', { token: null, headers: cookie })).status, 200);
	r = await request(sim, 'PUT', '/nodes/pve1/qemu/9000/config', { token: null, headers: cookie, form: { cores: 2 } });
	assert.equal(r.status, 401);
	assert.equal(r.reason, 'Permission denied - invalid csrf token');
	r = await request(sim, 'PUT', '/nodes/pve1/qemu/9000/config', { token: null, headers: { ...cookie, CSRFPreventionToken: csrf }, form: { cores: 2 } });
	assert.equal(r.status, 200);
});

test('permissions: a read-only token gets 403 naming path and privilege', async () => {
	const ro = 'audit@pve!ro=0b8d2f4e-1c3a-4e5f-9a7b-6c5d4e3f2a1b';
	assert.equal((await request(sim, 'GET', '/cluster/resources', { token: ro })).status, 200);
	const r = await request(sim, 'POST', '/nodes/pve1/qemu/9001/clone', { token: ro, form: { newid: 101 } });
	assert.equal(r.status, 403);
	assert.equal(r.reason, 'Permission check failed (/vms/9001, VM.Clone)');
	const perms = (await request(sim, 'GET', '/access/permissions', { token: ro })).body.data;
	assert.equal(perms['/']['VM.Audit'], 1);
	assert.equal(perms['/']['VM.Clone'], undefined);
});

test('counters per endpoint and per VM, through the API and the control endpoint', async () => {
	await waitTask(sim, (await request(sim, 'POST', '/nodes/pve1/qemu/9001/clone', { form: { newid: 101 } })).body.data);
	await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { cores: 2 } });
	await request(sim, 'PUT', '/nodes/pve1/qemu/101/config', { form: { memory: 4096 } });
	const c = await control('/__sim/counters');
	assert.equal(c.endpoints['PUT /nodes/{node}/qemu/{vmid}/config'], 2);
	assert.equal(c.vms['101']['PUT /nodes/{node}/qemu/{vmid}/config'], 2);
	assert.equal(c.vms['9001']['POST /nodes/{node}/qemu/{vmid}/clone'], 1);
	const vm = await control('/__sim/vm?vmid=101');
	assert.equal(vm.config.cores, '2'); // the raw config file holds text
	assert.equal(vm.node, 'pve1');
	await control('/__sim/knobs', { latencyMs: 1 });
	assert.equal((await control('/__sim/knobs')).latencyMs, 1);
	await control('/__sim/cluster/reset', { knobs: { taskMs: 10 } });
	assert.equal((await control('/__sim/counters')).total, 0);
	assert.equal(sim.cluster.vms.has(101), false);
});

test('TLS: a self-signed certificate whose SHA-256 is what /nodes shows', async () => {
	const nodes = (await request(sim, 'GET', '/nodes')).body.data;
	assert.equal(nodes[0].ssl_fingerprint, sim.tls.fingerprint);
	assert.match(sim.tls.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
	// without trusting it, a client must refuse the server
	await assert.rejects(new Promise((resolve, reject) => {
		https.get(new URL('/api2/json/version', sim.url), resolve).on('error', reject);
	}), /self[- ]signed|unable to verify/i);
});

test('many concurrent connections are held', async () => {
	const agent = new https.Agent({ keepAlive: true, maxSockets: 300 });
	const all = await Promise.all(Array.from({ length: 300 }, () => request(sim, 'GET', '/cluster/nextid', { agent })));
	assert.ok(all.every((r) => r.status === 200));
	// the base's connection counters: all 300 were open at once
	assert.ok(sim.base.stats().connections.max_open >= 256, JSON.stringify(sim.base.stats().connections));
	agent.destroy();
});

test('task-starting calls are recorded with the intent they carry; every VM is listed', async () => {
	const intent = { 'X-PuqKvm-Intent': 'a1b2c3' };
	let r = await request(sim, 'POST', '/nodes/pve1/qemu/9001/clone', { form: { newid: 150, name: 'one' }, headers: intent });
	assert.equal(r.status, 200);
	// refused synchronously (the id is taken): recorded too, with what Proxmox said
	r = await request(sim, 'POST', '/nodes/pve1/qemu/9001/clone', { form: { newid: 150 } });
	assert.equal(r.status, 500);
	// faults come before the API: a 500 of the knob never reaches it and is not recorded
	sim.setKnobs({ error500Rate: 1 });
	assert.equal((await request(sim, 'DELETE', '/nodes/pve1/qemu/150', { headers: { 'X-PuqKvm-Intent': 'x' } })).status, 500);
	sim.setKnobs({ error500Rate: 0 });
	const starts = await control('/__sim/starts');
	assert.equal(starts.length, 2);
	assert.deepEqual([starts[0].intent, starts[0].newid, starts[0].status, starts[0].path],
		['a1b2c3', 150, 200, '/nodes/{node}/qemu/{vmid}/clone']);
	assert.match(starts[0].upid, /^UPID:pve1:.*:qmclone:9001:automation@pve!ci:$/);
	assert.equal(starts[1].intent, null);
	assert.equal(starts[1].status, 500);
	assert.match(starts[1].error, /already exists/);
	const vms = await control('/__sim/vms');
	assert.deepEqual(vms.map((v) => [v.vmid, v.template, v.name]).sort((a, b) => a[0] - b[0]),
		[[150, false, 'one'], [9000, true, 'debian-12'], [9001, true, 'ubuntu-24-04']]);
});
