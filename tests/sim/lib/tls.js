// Self-signed certificates for the simulators, made with the openssl CLI and cached.
//
// A certificate is generated once per name into a cache directory (build/sim-tls by
// default, PUQKVM_SIM_CERT_DIR to override) and reused by every later start, so a test
// can pin a fingerprint that stays put for the run. Generation writes into a private
// temporary directory that is renamed into place, so two simulators starting at once
// never read a half-written key or a key that does not match its certificate.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const REPO = path.resolve(__dirname, '..', '..', '..');

function defaultCertDir() {
	return process.env.PUQKVM_SIM_CERT_DIR || path.join(REPO, 'build', 'sim-tls');
}

// Returns { key, cert, certPath, keyPath, fingerprint } for `name` (a file-safe word).
// The certificate names localhost and 127.0.0.1, is its own CA, and is valid ten years.
function certificate(name = 'default', dir = defaultCertDir()) {
	if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`bad certificate name: ${name}`);
	const final = path.join(dir, name);
	const certPath = path.join(final, 'cert.pem');
	const keyPath = path.join(final, 'key.pem');
	if (!fs.existsSync(certPath) || !fs.existsSync(keyPath)) {
		fs.mkdirSync(dir, { recursive: true });
		const tmp = fs.mkdtempSync(path.join(dir, `.${name}-`));
		try {
			execFileSync('openssl', [
				'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
				'-nodes', '-days', '3650', '-subj', `/CN=puqkvm simulator ${name}`,
				'-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
				'-keyout', path.join(tmp, 'key.pem'), '-out', path.join(tmp, 'cert.pem'),
			], { stdio: ['ignore', 'ignore', 'pipe'] });
			try {
				fs.renameSync(tmp, final);
			} catch (err) {
				// another process won the race: use its pair
				if (!fs.existsSync(certPath)) throw err;
			}
		} finally {
			fs.rmSync(tmp, { recursive: true, force: true });
		}
	}
	const cert = fs.readFileSync(certPath);
	const key = fs.readFileSync(keyPath);
	const fingerprint = new crypto.X509Certificate(cert).fingerprint256;
	return { key, cert, certPath, keyPath, fingerprint };
}

module.exports = { certificate, defaultCertDir };
