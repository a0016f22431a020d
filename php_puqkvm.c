/*
 * Module entry of the puqkvm extension.
 *
 * The extension is a set of glue rooms (the files in glue/), one per core room it exposes. This
 * file only runs their lifecycle hooks in order and implements the few functions about
 * the extension itself (versions, the error table). Library-wide initialisation of
 * libcurl and Connector/C happens once per process, here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <curl/curl.h>
#include <jansson.h>
#include <mysql.h>

#include "php.h"
#include "zend_attributes.h" /* the arginfo registers #[\SensitiveParameter] */
#include "ext/spl/spl_exceptions.h"
#include "ext/standard/info.h"

#include "glue.h"
#include "php_puqkvm.h"
#include "puqkvm_arginfo.h"

/* Glue rooms with lifecycle hooks, started in this order and stopped in reverse. */
static const struct php_puqkvm_room *const rooms[] = {
	&php_puqkvm_room_db, /* first up, last down: other rooms may use the connection */
	&php_puqkvm_room_dns,
};

zend_class_entry *php_puqkvm_ce_exception;
zend_class_entry *php_puqkvm_ce_validation;
zend_class_entry *php_puqkvm_ce_http;
zend_class_entry *php_puqkvm_ce_category[PUQ_CAT__COUNT];

/* The arginfo header may be included by one file only, so every class is registered here. */
static void register_classes(void)
{
	zend_class_entry *base = register_class_PuqKvm_Exception(spl_ce_RuntimeException);
	zend_class_entry **cat = php_puqkvm_ce_category;

	php_puqkvm_ce_exception = base;
	php_puqkvm_ce_validation = register_class_PuqKvm_ValidationException(base);
	php_puqkvm_ce_http = register_class_PuqKvm_HttpException(base);

	cat[PUQ_CAT_GENERIC] = base;
	cat[PUQ_CAT_VALIDATION] = php_puqkvm_ce_validation;
	cat[PUQ_CAT_NOT_FOUND] = register_class_PuqKvm_NotFoundException(base);
	cat[PUQ_CAT_CONFLICT] = register_class_PuqKvm_ConflictException(base);
	cat[PUQ_CAT_STATE] = register_class_PuqKvm_StateException(base);
	cat[PUQ_CAT_DATABASE] = register_class_PuqKvm_DatabaseException(base);
	cat[PUQ_CAT_SCHEMA] = register_class_PuqKvm_SchemaException(base);
	cat[PUQ_CAT_HTTP] = php_puqkvm_ce_http;
	cat[PUQ_CAT_PROXMOX] = register_class_PuqKvm_ProxmoxException(php_puqkvm_ce_http);
	cat[PUQ_CAT_DNS] = register_class_PuqKvm_DnsException(php_puqkvm_ce_http);
	cat[PUQ_CAT_INTERNAL] = register_class_PuqKvm_InternalException(base);
}

PHP_MINIT_FUNCTION(puqkvm)
{
	register_classes();
	/* attributes of functions, e.g. #[\SensitiveParameter] on puqkvm_db_configure() */
	register_puqkvm_symbols(module_number);
	if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK)
		return FAILURE;
	if (mysql_library_init(0, NULL, NULL) != 0)
		return FAILURE;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(rooms); i++)
		if (rooms[i] && rooms[i]->minit && rooms[i]->minit(INIT_FUNC_ARGS_PASSTHRU) != SUCCESS)
			return FAILURE;
	return SUCCESS;
}

PHP_MSHUTDOWN_FUNCTION(puqkvm)
{
	for (size_t i = PUQ_ARRAY_LEN(rooms); i-- > 0;)
		if (rooms[i] && rooms[i]->mshutdown)
			rooms[i]->mshutdown();
	mysql_library_end();
	curl_global_cleanup();
	return SUCCESS;
}

PHP_RINIT_FUNCTION(puqkvm)
{
#if defined(ZTS) && defined(COMPILE_DL_PUQKVM)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	for (size_t i = 0; i < PUQ_ARRAY_LEN(rooms); i++)
		if (rooms[i] && rooms[i]->rinit)
			rooms[i]->rinit();
	return SUCCESS;
}

PHP_RSHUTDOWN_FUNCTION(puqkvm)
{
	for (size_t i = PUQ_ARRAY_LEN(rooms); i-- > 0;)
		if (rooms[i] && rooms[i]->rshutdown)
			rooms[i]->rshutdown();
	return SUCCESS;
}

PHP_MINFO_FUNCTION(puqkvm)
{
	php_info_print_table_start();
	php_info_print_table_header(2, "puqkvm support", "enabled");
	php_info_print_table_row(2, "Version", PHP_PUQKVM_VERSION);
	php_info_print_table_row(2, "jansson", jansson_version_str());
	php_info_print_table_row(2, "libcurl", curl_version_info(CURLVERSION_NOW)->version);
	php_info_print_table_row(2, "Connector/C", mysql_get_client_info());
	php_info_print_table_end();
}

PHP_FUNCTION(puqkvm_version)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_STRING(PHP_PUQKVM_VERSION);
}

PHP_FUNCTION(puqkvm_versions)
{
	ZEND_PARSE_PARAMETERS_NONE();
	const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);

	array_init(return_value);
	add_assoc_string(return_value, "puqkvm", PHP_PUQKVM_VERSION);
	add_assoc_string(return_value, "jansson", jansson_version_str());
	add_assoc_string(return_value, "libcurl", curl->version);
	add_assoc_string(return_value, "libcurl_ssl", curl->ssl_version ? curl->ssl_version : "");
	add_assoc_string(return_value, "connector_c", mysql_get_client_info());
}

PHP_FUNCTION(puqkvm_errors)
{
	ZEND_PARSE_PARAMETERS_NONE();
	array_init(return_value);
#define PUQ_XX_ERR(name, num, cat, msg)                                                  \
	do {                                                                                 \
		zval entry;                                                                      \
		array_init(&entry);                                                              \
		add_assoc_string(&entry, "name", "PUQ_" #name);                                  \
		add_assoc_string(&entry, "category",                                             \
			puq_error_category_class(PUQ_CAT_##cat));                                    \
		add_assoc_string(&entry, "message", (msg));                                      \
		add_index_zval(return_value, (num), &entry);                                     \
	} while (0);
	PUQ_ERRNO_MAP(PUQ_XX_ERR)
#undef PUQ_XX_ERR
}

zend_module_entry puqkvm_module_entry = {
	STANDARD_MODULE_HEADER,
	"puqkvm",
	ext_functions,
	PHP_MINIT(puqkvm),
	PHP_MSHUTDOWN(puqkvm),
	PHP_RINIT(puqkvm),
	PHP_RSHUTDOWN(puqkvm),
	PHP_MINFO(puqkvm),
	PHP_PUQKVM_VERSION,
	STANDARD_MODULE_PROPERTIES,
};

#ifdef COMPILE_DL_PUQKVM
#ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
#endif
ZEND_GET_MODULE(puqkvm)
#endif
