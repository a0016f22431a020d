// The Cloudflare simulator: envelope, auth, validation against the schema, records,
// listing and pagination, batch semantics, rate limiting, faults and counters.
'use strict';

const assert = require('node:assert/strict');
const { after, before, beforeEach, test } = require('node:test');

const { cloudflareSimulator, PREFIX } = require('./server');

const TOKEN = 'sim-token-0123456789';
let sim;
let zone;

before(async () => {
	sim = cloudflareSimulator();
	await sim.start();
});
after(() => sim.stop());
beforeEach(() => {
	sim.reset();
	sim.cf.reset();
	zone = sim.cf.addZone('example.com');
	sim.cf.addToken(TOKEN);
});

async function call(method, path, body, { token = TOKEN, headers = {} } = {}) {
	const h = { ...headers };
	if (token !== null) h.authorization = `Bearer ${token}`;
	if (body !== undefined) h['content-type'] = 'application/json';
	const res = await fetch(sim.url(PREFIX + path), {
		method,
		headers: h,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, headers: res.headers, json: await res.json() };
}

test('zone details come in the v4 envelope', async () => {
	const r = await call('GET', `/zones/${zone.id}`);
	assert.equal(r.status, 200);
	assert.equal(r.json.success, true);
	assert.deepEqual(r.json.errors, []);
	assert.equal(r.json.result.name, 'example.com');
	assert.equal(r.json.result.status, 'active');
	assert.match(r.json.result.account.id, /^[0-9a-f]{32}$/);
	assert.match(r.headers.get('ratelimit'), /^"default";r=\d+;t=300$/);
});

test('authentication failures have Cloudflare\'s codes', async () => {
	let r = await call('GET', `/zones/${zone.id}`, undefined, { token: null, headers: { authorization: 'Token x' } });
	assert.equal(r.status, 400);
	assert.equal(r.json.errors[0].code, 6003);
	assert.equal(r.json.errors[0].error_chain[0].code, 6111);
	r = await call('GET', `/zones/${zone.id}`, undefined, { token: 'not-a-token' });
	assert.equal(r.json.errors[0].code, 9106);
	assert.equal(r.json.success, false);
	assert.equal(r.json.result, null);
	sim.cf.addToken('narrow', { zones: [] });
	r = await call('GET', `/zones/${zone.id}`, undefined, { token: 'narrow' });
	assert.equal(r.status, 403);
	assert.equal(r.json.errors[0].code, 10000);
	r = await call('GET', '/zones/example.com/dns_records');
	assert.equal(r.status, 400);
	assert.deepEqual(r.json.errors.map((e) => e.code), [7003, 7000]);
	r = await call('GET', '/user/tokens/verify');
	assert.equal(r.json.result.status, 'active');
	assert.equal(r.json.messages[0].message, 'This API Token is valid and active');
});

test('records are validated against the schema of their type', async () => {
	let r = await call('POST', `/zones/${zone.id}/dns_records`, { type: 'A', name: 'vm1', content: '2001:db8::1', ttl: 1 });
	assert.equal(r.status, 400);
	assert.equal(r.json.errors[0].code, 1004);
	assert.match(r.json.errors[0].error_chain[0].message, /body\.content: must be a valid IPv4 address/);
	r = await call('POST', `/zones/${zone.id}/dns_records`, { type: 'A', name: 'vm1', content: '192.0.2.1', ttl: 5 });
	assert.match(r.json.errors[0].error_chain.map((e) => e.message).join(';'), /ttl/);
	r = await call('POST', `/zones/${zone.id}/dns_records`, { type: 'BOGUS', name: 'x', content: 'y' });
	assert.match(r.json.errors[0].error_chain[0].message, /type: must be one of/);
	r = await call('POST', `/zones/${zone.id}/dns_records`, { type: 'PTR', name: '10', content: 'h.example.org', proxied: true, ttl: 1 });
	assert.equal(r.status, 400);
	r = await call('GET', `/zones/${zone.id}/dns_records?per_page=0`);
	assert.match(r.json.errors[0].error_chain[0].message, /per_page: must be at least 1/);
});

test('names are normalised; identical records and CNAME clashes are refused', async () => {
	let r = await call('POST', `/zones/${zone.id}/dns_records`, { type: 'A', name: 'VM1.example.com.', content: '192.0.2.1', ttl: 1 });
	assert.equal(r.status, 200);
	assert.equal(r.json.result.name, 'vm1.example.com');
	assert.match(r.json.result.id, /^[0-9a-f]{32}$/);
	r = await call('POST', `/zones/${zone.id}/dns_records`, { type: 'A', name: 'vm1', content: '192.0.2.1', ttl: 1 });
	assert.equal(r.json.errors[0].code, 81058);
	r = await call('POST', `/zones/${zone.id}/dns_records`, { type: 'CNAME', name: 'vm1', content: 'x.example.net', ttl: 1 });
	assert.equal(r.json.errors[0].code, 81053);
	r = await call('POST', `/zones/${zone.id}/dns_records`, { type: 'AAAA', name: 'vm1', content: '2001:DB8:0::1', ttl: 1 });
	assert.equal(r.json.result.content, '2001:db8::1');
	r = await call('DELETE', `/zones/${zone.id}/dns_records/${'f'.repeat(32)}`);
	assert.equal(r.status, 404);
	assert.equal(r.json.errors[0].code, 81044);
});

test('listing filters by type and name and pages with result_info', async () => {
	for (let i = 0; i < 7; i++)
		await call('POST', `/zones/${zone.id}/dns_records`, { type: 'A', name: `h${i}`, content: `192.0.2.${i}`, ttl: 1 });
	await call('POST', `/zones/${zone.id}/dns_records`, { type: 'TXT', name: 'h1', content: '"x"', ttl: 1 });
	let r = await call('GET', `/zones/${zone.id}/dns_records?type=A&per_page=3&page=3`);
	assert.equal(r.json.result.length, 1);
	assert.deepEqual(r.json.result_info, { page: 3, per_page: 3, count: 1, total_count: 7, total_pages: 3 });
	r = await call('GET', `/zones/${zone.id}/dns_records?name=H1.example.com`);
	assert.deepEqual(r.json.result.map((x) => x.type).sort(), ['A', 'TXT']);
});

test('a batch runs deletes, patches, puts, posts as one transaction', async () => {
	const a = (await call('POST', `/zones/${zone.id}/dns_records`, { type: 'A', name: 'a', content: '192.0.2.1', ttl: 1 })).json.result;
	const b = (await call('POST', `/zones/${zone.id}/dns_records`, { type: 'A', name: 'b', content: '192.0.2.2', ttl: 1 })).json.result;
	// the post would clash with b's old content, but deletes run first
	let r = await call('POST', `/zones/${zone.id}/dns_records/batch`, {
		deletes: [{ id: b.id }],
		patches: [{ id: a.id, content: '192.0.2.9', comment: 'c' }],
		posts: [{ type: 'A', name: 'b', content: '192.0.2.2', ttl: 1 }],
	});
	assert.equal(r.status, 200);
	assert.equal(r.json.result.patches[0].content, '192.0.2.9');
	assert.equal(r.json.result.posts.length, 1);
	const before = (await call('GET', `/zones/${zone.id}/dns_records`)).json.result;
	// one bad operation: nothing of the batch is applied
	r = await call('POST', `/zones/${zone.id}/dns_records/batch`, {
		patches: [{ id: a.id, content: '192.0.2.10' }],
		posts: [{ type: 'A', name: 'a', content: '192.0.2.10', ttl: 1 }],
	});
	assert.equal(r.status, 400);
	assert.equal(r.json.errors[0].code, 81058);
	assert.deepEqual((await call('GET', `/zones/${zone.id}/dns_records`)).json.result, before);
	sim.cf.batchLimit = 2;
	r = await call('POST', `/zones/${zone.id}/dns_records/batch`, {
		posts: [1, 2, 3].map((i) => ({ type: 'A', name: `p${i}`, content: '192.0.2.1', ttl: 1 })),
	});
	assert.equal(r.status, 400);
	assert.match(r.json.errors[0].error_chain[0].message, /allows 2/);
});

test('the rate limit answers 429 with retry-after and then blocks every call', async () => {
	sim.cf.rate.limit = 3;
	sim.cf.rate.block_s = 60;
	for (let i = 0; i < 3; i++) assert.equal((await call('GET', `/zones/${zone.id}`)).status, 200);
	let r = await call('GET', `/zones/${zone.id}`);
	assert.equal(r.status, 429);
	assert.equal(r.headers.get('retry-after'), '60');
	assert.equal(r.json.success, false);
	r = await call('GET', '/user/tokens/verify');
	assert.equal(r.status, 429);
});

test('faults and counters of the base apply', async () => {
	sim.addFault({ kind: 'status', route: `POST ${PREFIX}/zones/:zone_id/dns_records/batch`, status: 502,
		json: { success: false, errors: [{ code: 502, message: 'Bad gateway' }], messages: [], result: null }, times: 1 });
	const r = await call('POST', `/zones/${zone.id}/dns_records/batch`, { posts: [] });
	assert.equal(r.status, 502);
	assert.equal((await call('POST', `/zones/${zone.id}/dns_records/batch`, { posts: [] })).status, 200);
	const s = sim.stats();
	assert.equal(s.requests.by_route[`POST ${PREFIX}/zones/:zone_id/dns_records/batch`], 2);
	assert.equal(s.faults.status, 1);
});
