/*
 * PuqKvm exception classes and the bridge from core errors to them.
 *
 * The class is chosen by the error's category (PUQ_ERROR_CATEGORY_MAP), the exception
 * code is the core error number, the message is the core's sentence. A validation
 * exception also carries every field's message, so a page can show each error next to
 * its field.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "glue.h"

void php_puqkvm_throw(const struct puq_error *err)
{
	int code = err->code ? err->code : PUQ_EINTERNAL;
	zend_class_entry *ce = php_puqkvm_ce_category[puq_error_category(code)];
	const char *text = err->text[0] ? err->text : puq_error_message(code);

	zend_object *ex = zend_throw_exception(ce, text, code);
	if (!ex)
		return;
	if (instanceof_function(ce, php_puqkvm_ce_validation)) {
		zval fields;
		array_init(&fields);
		for (size_t i = 0; i < err->nfields; i++)
			add_assoc_string(&fields, err->fields[i].field, err->fields[i].message);
		zend_update_property(ce, ex, "errors", sizeof("errors") - 1, &fields);
		zval_ptr_dtor(&fields);
	} else if (instanceof_function(ce, php_puqkvm_ce_http)) {
		zend_update_property_long(ce, ex, "httpStatus", sizeof("httpStatus") - 1,
			err->http_status);
	}
}

ZEND_METHOD(PuqKvm_ValidationException, getErrors)
{
	ZEND_PARSE_PARAMETERS_NONE();
	zval rv;
	zval *errors = zend_read_property(php_puqkvm_ce_validation, Z_OBJ_P(ZEND_THIS),
		"errors", sizeof("errors") - 1, 1, &rv);
	RETURN_COPY_DEREF(errors);
}

ZEND_METHOD(PuqKvm_HttpException, getHttpStatus)
{
	ZEND_PARSE_PARAMETERS_NONE();
	zval rv;
	zval *status = zend_read_property(php_puqkvm_ce_http, Z_OBJ_P(ZEND_THIS), "httpStatus",
		sizeof("httpStatus") - 1, 1, &rv);
	RETURN_LONG(zval_get_long(status));
}
