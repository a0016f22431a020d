/*
 * The glue's half of include/puqkvm/text.h. A PHP string carries its length and a C
 * string does not: a NUL byte inside a submitted value would silently cut it short on
 * the way into the core, so every free-text value is checked here, while its length is
 * still known, together with what the database could not store (bytes that are not
 * UTF-8, characters beyond U+FFFF). Each problem becomes a field error named by the
 * value's path in the submitted array ("rule.comment"), so the page shows it beside its
 * field and nothing is written.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "glue.h"
#include "puqkvm/text.h"

/* Deep enough for every form the module takes (client-area rules are two levels). */
#define TEXT_CHECK_DEPTH 8

static size_t check(HashTable *ht, const char *prefix, int depth, struct puq_error *err)
{
	size_t problems = 0;
	zend_string *key;
	zend_ulong idx;
	zval *v;
	ZEND_HASH_FOREACH_KEY_VAL(ht, idx, key, v)
	{
		char name[PUQ_FIELD_NAME_MAX];
		char index[32];
		snprintf(index, sizeof(index), ZEND_ULONG_FMT, idx);
		const char *k = key ? ZSTR_VAL(key) : index;
		if (prefix && *prefix)
			snprintf(name, sizeof(name), "%s.%s", prefix, k);
		else
			snprintf(name, sizeof(name), "%s", k);
		const char *why = key ? puq_text_problem(ZSTR_VAL(key), ZSTR_LEN(key)) : NULL;
		ZVAL_DEREF(v);
		if (!why && Z_TYPE_P(v) == IS_STRING)
			why = puq_text_problem(Z_STRVAL_P(v), Z_STRLEN_P(v));
		if (why) {
			puq_error_field(err, name, "%s", why);
			problems++;
		} else if (Z_TYPE_P(v) == IS_ARRAY && depth < TEXT_CHECK_DEPTH) {
			problems += check(Z_ARRVAL_P(v), name, depth + 1, err);
		}
	}
	ZEND_HASH_FOREACH_END();
	return problems;
}

size_t php_puqkvm_text_check(HashTable *ht, const char *prefix, struct puq_error *err)
{
	return ht ? check(ht, prefix, 0, err) : 0;
}
