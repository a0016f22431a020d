/*
 * The curl engine's view of TLS trust (tls.c): configure a transfer's verification and
 * pinning, and explain a pin mismatch afterwards. Kept apart so that only tls.c touches
 * OpenSSL.
 */
#ifndef PUQKVM_HTTP_TLS_H
#define PUQKVM_HTTP_TLS_H

#include "http_internal.h"

struct puq_http_pin;

/*
 * Sets verification on the curl easy handle easy: always peer and host verification;
 * tls->ca_file as the trust store; with tls->pin_sha256, the pin (see tls.c) and, when
 * asked, no host name check. On success *pin is NULL or a pin the caller releases with
 * puq_http_pin_release once the transfer is over. On failure returns -PUQ_ETLS or
 * -PUQ_ENOMEM with the reason in why.
 */
int puq_http_tls_setup(void *easy, const struct puq_http_tls *tls, struct puq_http_pin **pin,
	char *why, size_t whysz);
void puq_http_pin_release(struct puq_http_pin *pin);
/* True, with the seen and pinned fingerprints in out, when the server showed another one. */
bool puq_http_pin_mismatch(const struct puq_http_pin *pin, char *out, size_t outsz);

#endif
