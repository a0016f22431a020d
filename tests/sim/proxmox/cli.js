#!/usr/bin/env node
// Runs the Proxmox VE simulator on its own, for the demo, benchmarks and manual tries:
//   node tests/sim/proxmox/cli.js [--port N] [--http] [--version 8|9] [--task-ms N]
// Prints one JSON line {url, port, fingerprint, certPath, token} and serves until killed.
'use strict';

const { startSim } = require('./server');
const { TOKEN } = require('./testclient');

function arg(name, dflt) {
	const i = process.argv.indexOf(name);
	return i > 0 ? process.argv[i + 1] : dflt;
}

(async () => {
	const knobs = { version: Number(arg('--version', 9)), taskMs: Number(arg('--task-ms', 30)) };
	if (process.argv.includes('--auth-delay-ms')) knobs.authFailDelayMs = Number(arg('--auth-delay-ms'));
	const sim = await startSim({ tls: !process.argv.includes('--http'), port: Number(arg('--port', 0)), knobs });
	process.stdout.write(`${JSON.stringify({ url: sim.url, port: sim.port, fingerprint: sim.cluster.fingerprint,
		certPath: sim.tls ? sim.tls.certPath : null, token: TOKEN })}\n`);
	const stop = () => sim.close().then(() => process.exit(0));
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
})().catch((err) => {
	console.error(err);
	process.exit(1);
});
