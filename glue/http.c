/*
 * PHP functions of the http room (src/http/). Only what PHP needs: the pages and the
 * server module validate and display a pinned certificate fingerprint through the same
 * parser the engine pins with, so the form an admin pastes ("ab:cd:...", plain hex,
 * with stray blanks) is stored and shown the way Proxmox shows it. Network I/O itself
 * never starts from PHP directly; the core's drivers perform it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "glue.h"
#include "puqkvm/http.h"

PHP_FUNCTION(puqkvm_tls_fingerprint)
{
	zend_string *text;
	unsigned char fp[PUQ_HTTP_SHA256_LEN];
	char out[PUQ_HTTP_FINGERPRINT_TEXT];
	struct puq_error err;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(text)
	ZEND_PARSE_PARAMETERS_END();

	puq_error_clear(&err);
	if (ZSTR_LEN(text) != strlen(ZSTR_VAL(text))) {
		php_puqkvm_value_error(1, "must not contain NUL bytes");
		RETURN_THROWS();
	}
	if (puq_http_fingerprint_parse(ZSTR_VAL(text), fp, &err) < 0) {
		php_puqkvm_value_error(1, "is not a SHA-256 certificate fingerprint: %s", err.text);
		RETURN_THROWS();
	}
	puq_http_fingerprint_format(fp, out);
	RETURN_STRINGL(out, PUQ_HTTP_FINGERPRINT_TEXT - 1);
}
