/* The direct SHA256_* functions are deprecated in OpenSSL 3 in favour of EVP (see sha256.h). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common/sha256.h"

#include <openssl/sha.h>

_Static_assert(sizeof(SHA256_CTX) <= sizeof(((struct sha256 *)0)->state),
	       "struct sha256 too small for SHA256_CTX");

void sha256_init(struct sha256 *s)
{
	SHA256_Init((SHA256_CTX *)s->state);
}

void sha256_update(struct sha256 *s, const void *data, size_t size)
{
	SHA256_Update((SHA256_CTX *)s->state, data, size);
}

void sha256_final(struct sha256 *s, unsigned char digest[32])
{
	SHA256_Final(digest, (SHA256_CTX *)s->state);
}
