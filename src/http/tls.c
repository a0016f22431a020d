/*
 * TLS trust for the curl engine: CA files and SHA-256 certificate pinning.
 *
 * Verification is never switched off. A self-signed Proxmox node is trusted through the
 * fingerprint Proxmox shows for its certificate. libcurl hands us each new connection's
 * OpenSSL context (CURLOPT_SSL_CTX_FUNCTION) before the handshake; we attach the pin to
 * the context and install a verify callback that accepts the chain exactly when the leaf
 * certificate's SHA-256 equals the pin, and refuses it otherwise, whatever the chain
 * says. A refusal aborts the handshake, so not one byte of the request - and so no
 * credential - reaches a server with the wrong certificate.
 *
 * Two things make that hold for reused connections. libcurl reuses a connection (and
 * resumes a TLS session, which skips verification) only when the TLS settings of both
 * requests compare equal, and a verify callback is not among the settings it compares.
 * So a pinned request also carries a CA blob that names its pin: a placeholder
 * certificate (whose private key was thrown away, so nothing chains to it) preceded by
 * "puqkvm-pin:<hex>". PEM readers skip text outside the certificate block; curl compares
 * the bytes. Requests with different pins, or pinned and unpinned ones, therefore never
 * share a connection or a session.
 *
 * The pin state is reference counted: the OpenSSL context keeps one reference (freed
 * with the context, which may outlive the transfer in curl's connection cache) and the
 * transfer keeps one, to report which fingerprint the server actually showed.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls.h"

struct puq_http_pin {
	unsigned refs;
	bool seen_valid;
	unsigned char want[PUQ_HTTP_SHA256_LEN];
	unsigned char seen[PUQ_HTTP_SHA256_LEN]; /* the last leaf certificate checked */
};

static const char placeholder_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIB6DCCAY2gAwIBAgIUGA/78YUzvdmDoTApcG5SQaaRLxEwCgYIKoZIzj0EAwIw\n"
	"SDFGMEQGA1UEAww9cHVxa3ZtIHBpbm5lZC1jZXJ0aWZpY2F0ZSBwbGFjZWhvbGRl\n"
	"ciAobm8gcHJpdmF0ZSBrZXkgZXhpc3RzKTAgFw0yNjExMjUyMTM3NTZaGA8yMTI2\n"
	"MTEwMTIxMzc1NlowSDFGMEQGA1UEAww9cHVxa3ZtIHBpbm5lZC1jZXJ0aWZpY2F0\n"
	"ZSBwbGFjZWhvbGRlciAobm8gcHJpdmF0ZSBrZXkgZXhpc3RzKTBZMBMGByqGSM49\n"
	"AgEGCCqGSM49AwEHA0IABC9e8I43bZPhjWd7gl85Z7sRA24CCtOo4wM5uMYCGg8Z\n"
	"xtOJEiJ+v/PyjMyFERZWGrUqSK/MOlBNegjDeLWAW2yjUzBRMB0GA1UdDgQWBBRI\n"
	"zqMyCK8o8aGrkkjTJVSqaF3cgTAfBgNVHSMEGDAWgBRIzqMyCK8o8aGrkkjTJVSq\n"
	"aF3cgTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDp43GyMqoB\n"
	"IZegPD07UckWW6ofhzlJU08NemfomeyFQQIhAJ/bKEQl9tftvjR2+ruaFZ9vbKs9\n"
	"7pcxdAWB49ugaXIK\n"
	"-----END CERTIFICATE-----\n";

/* ---- fingerprints -------------------------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int puq_http_fingerprint_parse(const char *text, unsigned char out[PUQ_HTTP_SHA256_LEN],
	struct puq_error *err)
{
	if (!text)
		return puq_error_set(err, PUQ_EINVAL, "no fingerprint given");
	const char *s = text;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
			       s[len - 1] == '\r'))
		len--;
	bool colons = len == PUQ_HTTP_SHA256_LEN * 3 - 1;
	if (!colons && len != PUQ_HTTP_SHA256_LEN * 2)
		return puq_error_set(err, PUQ_EINVAL,
			"a SHA-256 fingerprint has 64 hex digits (as AB:CD:... with 32 pairs); "
			"this one has %zu characters",
			len);
	for (size_t i = 0, pos = 0; i < PUQ_HTTP_SHA256_LEN; i++) {
		int hi = hexval((unsigned char)s[pos]), lo = hexval((unsigned char)s[pos + 1]);
		if (hi < 0 || lo < 0)
			return puq_error_set(err, PUQ_EINVAL,
				"the fingerprint has a character that is not a hex digit at position %zu",
				pos + (hi < 0 ? 1 : 2));
		out[i] = (unsigned char)(hi << 4 | lo);
		pos += 2;
		if (colons && i + 1 < PUQ_HTTP_SHA256_LEN) {
			if (s[pos] != ':')
				return puq_error_set(err, PUQ_EINVAL,
					"the fingerprint's pairs must all be separated by ':' (position %zu)",
					pos + 1);
			pos++;
		}
	}
	return 0;
}

void puq_http_fingerprint_format(const unsigned char fp[PUQ_HTTP_SHA256_LEN],
	char out[PUQ_HTTP_FINGERPRINT_TEXT])
{
	static const char digits[] = "0123456789ABCDEF";
	char *o = out;
	for (size_t i = 0; i < PUQ_HTTP_SHA256_LEN; i++) {
		if (i)
			*o++ = ':';
		*o++ = digits[fp[i] >> 4];
		*o++ = digits[fp[i] & 15];
	}
	*o = '\0';
}

/* ---- pins ---------------------------------------------------------------------------- */

static int pin_index = -1;
static pthread_once_t pin_index_once = PTHREAD_ONCE_INIT;

void puq_http_pin_release(struct puq_http_pin *pin)
{
	if (pin && --pin->refs == 0)
		PUQ_FREE(pin);
}

static void pin_ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
	void *argp)
{
	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	puq_http_pin_release(ptr);
}

static void pin_index_init(void)
{
	pin_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, pin_ex_free);
}

/* The leaf certificate decides alone: its SHA-256 equals the pin, or the chain fails. */
static int pin_verify(int preverify_ok, X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	SSL_CTX *ctx = ssl ? SSL_get_SSL_CTX(ssl) : NULL;
	struct puq_http_pin *pin = ctx ? SSL_CTX_get_ex_data(ctx, pin_index) : NULL;
	X509 *leaf = X509_STORE_CTX_get0_cert(xs);
	if (!pin)
		return preverify_ok;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!leaf || !X509_digest(leaf, EVP_sha256(), md, &mdlen) ||
		mdlen != PUQ_HTTP_SHA256_LEN) {
		X509_STORE_CTX_set_error(xs, X509_V_ERR_UNSPECIFIED);
		return 0;
	}
	memcpy(pin->seen, md, PUQ_HTTP_SHA256_LEN);
	pin->seen_valid = true;
	if (CRYPTO_memcmp(md, pin->want, PUQ_HTTP_SHA256_LEN) != 0) {
		X509_STORE_CTX_set_error(xs, X509_V_ERR_CERT_REJECTED);
		return 0;
	}
	/* the pinned certificate is trusted in place of its chain */
	X509_STORE_CTX_set_error(xs, X509_V_OK);
	return 1;
}

static CURLcode pin_ssl_ctx(CURL *easy, void *sslctx, void *userptr)
{
	(void)easy;
	struct puq_http_pin *pin = userptr;
	if (pin_index < 0 || !SSL_CTX_set_ex_data(sslctx, pin_index, pin))
		return CURLE_SSL_CONNECT_ERROR;
	pin->refs++;
	SSL_CTX_set_verify(sslctx, SSL_VERIFY_PEER, pin_verify);
	return CURLE_OK;
}

bool puq_http_pin_mismatch(const struct puq_http_pin *pin, char *out, size_t outsz)
{
	if (!pin || !pin->seen_valid ||
		CRYPTO_memcmp(pin->seen, pin->want, PUQ_HTTP_SHA256_LEN) == 0)
		return false;
	char seen[PUQ_HTTP_FINGERPRINT_TEXT], want[PUQ_HTTP_FINGERPRINT_TEXT];
	puq_http_fingerprint_format(pin->seen, seen);
	puq_http_fingerprint_format(pin->want, want);
	snprintf(out, outsz,
		"the server's certificate SHA-256 is %s, not the pinned %s", seen, want);
	return true;
}

/* ---- per-transfer setup -------------------------------------------------------------- */

int puq_http_tls_setup(void *easy, const struct puq_http_tls *tls, struct puq_http_pin **pin,
	char *why, size_t whysz)
{
	CURL *h = easy;
	*pin = NULL;
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (!tls)
		return 0;
	if (!tls->pin_sha256) {
		if (tls->ca_file)
			curl_easy_setopt(h, CURLOPT_CAINFO, tls->ca_file);
		return 0;
	}

	struct puq_error perr;
	struct puq_http_pin *p = PUQ_CALLOC(1, sizeof(*p));
	if (!p) {
		snprintf(why, whysz, "out of memory");
		return -PUQ_ENOMEM;
	}
	p->refs = 1;
	if (puq_http_fingerprint_parse(tls->pin_sha256, p->want, &perr) < 0) {
		snprintf(why, whysz, "the pinned fingerprint is not usable: %s", perr.text);
		PUQ_FREE(p);
		return -PUQ_ETLS;
	}
	pthread_once(&pin_index_once, pin_index_init);

#if LIBCURL_VERSION_NUM >= 0x074d00 /* 7.77.0: CURLOPT_CAINFO_BLOB */
	/* "puqkvm-pin:<64 hex>\n" + the placeholder: the connection-matching key (copied) */
	char blob[sizeof(placeholder_pem) + 96];
	int n = snprintf(blob, sizeof(blob), "puqkvm-pin:");
	for (size_t i = 0; i < PUQ_HTTP_SHA256_LEN; i++)
		n += snprintf(blob + n, sizeof(blob) - (size_t)n, "%02x", p->want[i]);
	n += snprintf(blob + n, sizeof(blob) - (size_t)n, "\n%s", placeholder_pem);
	struct curl_blob ca = {.data = blob, .len = (size_t)n, .flags = CURL_BLOB_COPY};

	if (pin_index < 0 ||
		curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, pin_ssl_ctx) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, p) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca) != CURLE_OK) {
		snprintf(why, whysz,
			"certificate pinning needs libcurl built with OpenSSL (this one has %s)",
			curl_version_info(CURLVERSION_NOW)->ssl_version);
		PUQ_FREE(p);
		return -PUQ_ETLS;
	}
#else
	snprintf(why, whysz, "certificate pinning needs libcurl 7.77 or later");
	PUQ_FREE(p);
	return -PUQ_ETLS;
#endif
	/* the pin alone decides: no system bundle to parse for every new connection */
	curl_easy_setopt(h, CURLOPT_CAINFO, NULL);
	curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	if (tls->skip_hostname)
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	*pin = p;
	return 0;
}
