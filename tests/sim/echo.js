// A tiny simulator on the base, used by the base's own tests and by the C tests of the
// http engine (tests/unit/test_http.c starts it as a process):
//   ANY  /echo            the request as the server saw it: method, path, query, headers, body
//   GET  /status/:code    that status, the reason phrase from ?reason=, a Proxmox-like body
//   GET  /bytes/:n        n bytes of 'x' (text/plain)
//   POST /counter         adds 1 to a counter (a side effect for "answer lost" faults)
//   GET  /counter         the counter
'use strict';

const { createSimulator, main } = require('./lib/base');

function echoSimulator(opts = {}) {
	const sim = createSimulator({ name: 'echo', ...opts });
	let counter = 0;
	sim.route('*', '/echo', (ctx) => ({
		json: {
			method: ctx.method,
			path: ctx.path,
			query: ctx.query,
			headers: ctx.headers,
			body: ctx.body,
			raw: ctx.rawBody,
		},
	}));
	sim.get('/status/:code', (ctx) => ({
		status: Number(ctx.params.code),
		reason: ctx.query.reason,
		json: { data: null, message: ctx.query.reason ? `${ctx.query.reason}\n` : undefined },
	}));
	sim.get('/bytes/:n', (ctx) => ({ text: 'x'.repeat(Number(ctx.params.n)) }));
	sim.post('/counter', () => ({ json: { data: ++counter } }));
	sim.get('/counter', () => ({ json: { data: counter } }));
	sim.control('POST', 'counter-reset', () => {
		counter = 0;
		return { json: { ok: true } };
	});
	return sim;
}

if (require.main === module) main(echoSimulator);

module.exports = { echoSimulator };
