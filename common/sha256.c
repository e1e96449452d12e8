#include "sha256.h"

#include "util.h"

void sha256_final_hex(sha256_ctx *c, char *hex)
{
	unsigned char h[SHA256_DIGEST_LENGTH];
	SHA256_Final(h, c);
	util_hex(h, sizeof(h), hex);
}

void sha256_hex(const void *d, size_t n, char *hex)
{
	sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, d, n);
	sha256_final_hex(&c, hex);
}
