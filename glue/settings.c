/*
 * Glue of the settings room: reading the addon's settings, their definitions (which the
 * admin pages render as forms), saving a submitted form and resetting to defaults.
 *
 * Values come back typed (int settings as int, on/off as bool, the rest as string).
 * A submitted value may be a string, int, float, bool or null, as a form or a caller
 * sends it; the core decides whether it is valid. Anything that is not a single value
 * is a field error of its own, reported together with the core's, and nothing is saved.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "glue.h"
#include "puqkvm/settings.h"

static void typed_value(zval *out, const struct puq_setting_def *d, const char *value)
{
	switch (d->type) {
	case PUQ_SETTING_INT:
		ZVAL_LONG(out, (zend_long)ZEND_STRTOL(value, NULL, 10));
		break;
	case PUQ_SETTING_BOOL:
		ZVAL_BOOL(out, strcmp(value, "1") == 0);
		break;
	default:
		ZVAL_STRING(out, value);
	}
}

static void settings_to_array(zval *out, const struct puq_settings *s)
{
	array_init_size(out, (uint32_t)s->n);
	for (size_t i = 0; i < s->n; i++) {
		const struct puq_setting_def *d = puq_settings_def(i);
		zval v;
		typed_value(&v, d, s->values[i]);
		add_assoc_zval(out, d->name, &v);
	}
}

PHP_FUNCTION(puqkvm_settings_get)
{
	ZEND_PARSE_PARAMETERS_NONE();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_settings_load(db, &s, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	settings_to_array(return_value, &s);
	puq_settings_free(&s);
}

static const char *const type_names[] = {
	[PUQ_SETTING_INT] = "int",
	[PUQ_SETTING_BOOL] = "bool",
	[PUQ_SETTING_CHOICE] = "choice",
	[PUQ_SETTING_TEXT] = "text",
};

PHP_FUNCTION(puqkvm_settings_definitions)
{
	ZEND_PARSE_PARAMETERS_NONE();
	array_init(return_value);
	for (size_t i = 0; i < puq_settings_count(); i++) {
		const struct puq_setting_def *d = puq_settings_def(i);
		zval def, dflt, choices;
		array_init(&def);
		add_assoc_string(&def, "name", d->name);
		add_assoc_string(&def, "group", d->group);
		add_assoc_string(&def, "section", d->section);
		add_assoc_string(&def, "type", type_names[d->type]);
		typed_value(&dflt, d, d->dflt);
		add_assoc_zval(&def, "default", &dflt);
		if (d->type == PUQ_SETTING_INT) {
			add_assoc_long(&def, "min", (zend_long)d->min);
			add_assoc_long(&def, "max", (zend_long)d->max);
		} else {
			add_assoc_null(&def, "min");
			add_assoc_null(&def, "max");
		}
		if (d->unit)
			add_assoc_string(&def, "unit", d->unit);
		else
			add_assoc_null(&def, "unit");
		array_init(&choices);
		for (const struct puq_setting_choice *c = d->choices; c && c->value; c++)
			add_assoc_string(&choices, c->value, c->label);
		add_assoc_zval(&def, "choices", &choices);
		if (d->type == PUQ_SETTING_TEXT)
			add_assoc_long(&def, "max_length", (zend_long)d->max_len);
		else
			add_assoc_null(&def, "max_length");
		add_assoc_bool(&def, "multiline", d->multiline);
		add_assoc_string(&def, "label", d->label);
		add_assoc_string(&def, "help", d->help);
		add_next_index_zval(return_value, &def);
	}
}

PHP_FUNCTION(puqkvm_settings_save)
{
	HashTable *values;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(values)
	ZEND_PARSE_PARAMETERS_END();

	uint32_t n = zend_hash_num_elements(values);
	struct puq_setting_input *in = safe_emalloc(n ? n : 1, sizeof(*in), 0);
	zend_string **held = safe_emalloc(n ? n : 1, 2 * sizeof(zend_string *), 0);
	size_t nin = 0, nheld = 0;
	struct puq_error err;
	puq_error_clear(&err);

	zend_string *key;
	zend_ulong index;
	zval *value;
	ZEND_HASH_FOREACH_KEY_VAL(values, index, key, value) {
		zend_string *name = key ? zend_string_copy(key) : zend_long_to_str((zend_long)index);
		held[nheld++] = name;
		ZVAL_DEREF(value);
		switch (Z_TYPE_P(value)) {
		case IS_STRING:
		case IS_LONG:
		case IS_DOUBLE:
		case IS_TRUE:
		case IS_FALSE:
		case IS_NULL: {
			/* false is "0", so an unchecked box read as false means off */
			zend_string *s = Z_TYPE_P(value) == IS_FALSE ? zend_string_init("0", 1, 0)
				: zval_get_string(value);
			held[nheld++] = s;
			in[nin++] = (struct puq_setting_input){ZSTR_VAL(name), ZSTR_VAL(s), ZSTR_LEN(s)};
			break;
		}
		default:
			puq_error_field(&err, ZSTR_VAL(name), "must be a single value, not a list");
		}
	} ZEND_HASH_FOREACH_END();

	struct puq_settings s = {0, NULL};
	int rc;
	if (err.nfields) {
		/* collect the core's verdict on the rest too, then refuse the whole form */
		struct puq_settings scratch;
		rc = puq_settings_init(&scratch, &err);
		if (rc == 0) {
			puq_settings_validate(&scratch, in, nin, &err);
			puq_settings_free(&scratch);
			rc = -PUQ_EVALIDATION;
		}
	} else {
		struct puq_db *db = php_puqkvm_db();
		rc = db ? puq_settings_save(db, in, nin, &s, &err) : -PUQ_EDB;
	}
	for (size_t i = 0; i < nheld; i++)
		zend_string_release(held[i]);
	efree(held);
	efree(in);

	if (rc < 0) {
		if (!EG(exception))
			php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	settings_to_array(return_value, &s);
	puq_settings_free(&s);
}

PHP_FUNCTION(puqkvm_settings_reset)
{
	zend_string *group = NULL;
	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(group)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_settings_reset(db, group ? ZSTR_VAL(group) : NULL, &err) < 0 ||
		puq_settings_load(db, &s, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	settings_to_array(return_value, &s);
	puq_settings_free(&s);
}
