/*
 * PHP functions of the address core (src/ip/): normalising an address, its PTR name and
 * the reverse zone of a prefix. The admin pages and the server module use these so that
 * PHP never parses an address on its own: one parser, one canonical form.
 *
 * Bad input is a caller error, so it raises \ValueError naming the argument and
 * carrying the core's reason ("... is not a valid IP address: IPv6 group 3 has more
 * than 4 hex digits").
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "glue.h"
#include "puqkvm/ip.h"

/* Parses argument argnum into *ip, or throws a ValueError and returns false. */
static bool ip_arg(uint32_t argnum, const zend_string *text, struct puq_ip *ip)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_ip_parse(ZSTR_VAL(text), ZSTR_LEN(text), PUQ_IP_ANY, ip, &err) == 0)
		return true;
	php_puqkvm_value_error(argnum, "is not a valid IP address: %s", err.text);
	return false;
}

PHP_FUNCTION(puqkvm_ip_normalize)
{
	zend_string *text;
	bool expanded = false;
	struct puq_ip ip;
	char out[PUQ_IP_TEXT_MAX];

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_STR(text)
		Z_PARAM_OPTIONAL
		Z_PARAM_BOOL(expanded)
	ZEND_PARSE_PARAMETERS_END();

	if (!ip_arg(1, text, &ip))
		RETURN_THROWS();
	size_t n = puq_ip_format(&ip, expanded ? PUQ_IP_EXPANDED : PUQ_IP_CANONICAL, out);
	RETURN_STRINGL(out, n);
}

PHP_FUNCTION(puqkvm_ip_ptr_name)
{
	zend_string *text;
	struct puq_ip ip;
	char out[PUQ_IP_PTR_MAX];

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(text)
	ZEND_PARSE_PARAMETERS_END();

	if (!ip_arg(1, text, &ip))
		RETURN_THROWS();
	size_t n = puq_ip_ptr_name(&ip, out);
	RETURN_STRINGL(out, n);
}

PHP_FUNCTION(puqkvm_ip_rdns_zone)
{
	zend_string *text;
	zend_long prefix;
	struct puq_ip ip;
	struct puq_error err;
	char out[PUQ_IP_PTR_MAX];

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(text)
		Z_PARAM_LONG(prefix)
	ZEND_PARSE_PARAMETERS_END();

	if (!ip_arg(1, text, &ip))
		RETURN_THROWS();
	unsigned bits = puq_ip_bits(ip.family);
	if (prefix < 0 || prefix > (zend_long)bits) {
		php_puqkvm_value_error(2, "must be between 0 and %u for an %s address", bits,
			ip.family == PUQ_IP_V4 ? "IPv4" : "IPv6");
		RETURN_THROWS();
	}
	puq_error_clear(&err);
	int rc = puq_ip_rdns_zone(&ip, (int)prefix, out, &err);
	if (rc < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	if (rc == 0)
		RETURN_NULL();
	RETURN_STRING(out);
}
