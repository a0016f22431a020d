/*
 * JSON values of the core (jansson) as PHP values: objects become associative arrays,
 * arrays lists, integers int, reals float. Used by glue rooms whose core functions
 * answer with JSON (the run log, the cron task list, the outbox).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <jansson.h>

#include "glue.h"

void php_puqkvm_json_to_zval(zval *out, const json_t *j)
{
	if (!j) {
		ZVAL_NULL(out);
		return;
	}
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *v;
		array_init_size(out, (uint32_t)json_object_size(j));
		json_object_foreach((json_t *)j, key, v)
		{
			zval item;
			php_puqkvm_json_to_zval(&item, v);
			add_assoc_zval(out, key, &item);
		}
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *v;
		array_init_size(out, (uint32_t)json_array_size(j));
		json_array_foreach(j, i, v)
		{
			zval item;
			php_puqkvm_json_to_zval(&item, v);
			add_next_index_zval(out, &item);
		}
		break;
	}
	case JSON_STRING:
		ZVAL_STRINGL(out, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		ZVAL_LONG(out, (zend_long)json_integer_value(j));
		break;
	case JSON_REAL:
		ZVAL_DOUBLE(out, json_real_value(j));
		break;
	case JSON_TRUE:
		ZVAL_TRUE(out);
		break;
	case JSON_FALSE:
		ZVAL_FALSE(out);
		break;
	default:
		ZVAL_NULL(out);
	}
}
