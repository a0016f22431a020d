/*
 * The puqkvm PHP extension: module entry and the per-process state shared by the glue.
 * The core (src/, include/puqkvm/) knows nothing of PHP; everything Zend lives in
 * php_puqkvm.c and glue/.
 */
#ifndef PHP_PUQKVM_H
#define PHP_PUQKVM_H

#include "puqkvm/common.h"

extern zend_module_entry puqkvm_module_entry;
#define phpext_puqkvm_ptr &puqkvm_module_entry

#define PHP_PUQKVM_VERSION PUQKVM_VERSION

#if defined(ZTS) && defined(COMPILE_DL_PUQKVM)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif
