/* SHA-256 against the FIPS 180-2 test vectors, in one piece and in uneven pieces. */
#include <stdlib.h>

#include "check.h"
#include "common/sha256.h"

static void hex(const unsigned char d[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void digest_pieces(const unsigned char *data, size_t size, size_t piece, char out[65])
{
	struct sha256 s;
	unsigned char d[32];

	sha256_init(&s);
	for (size_t off = 0; off < size; off += piece)
		sha256_update(&s, data + off, size - off < piece ? size - off : piece);
	sha256_final(&s, d);
	hex(d, out);
}

int main(void)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	unsigned char *million = malloc(1000000);
	char out[65];

	digest_pieces((const unsigned char *)"", 0, 1, out);
	CHECK(strcmp(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
	digest_pieces((const unsigned char *)"abc", 3, 3, out);
	CHECK(strcmp(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
	for (size_t piece = 1; piece <= 57; piece += 7) {
		digest_pieces((const unsigned char *)two_blocks, sizeof(two_blocks) - 1, piece,
			      out);
		CHECK(strcmp(out,
			     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") ==
		      0);
	}
	CHECK(million != NULL);
	if (million) {
		memset(million, 'a', 1000000);
		digest_pieces(million, 1000000, 65536, out);
		CHECK(strcmp(out,
			     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") ==
		      0);
		free(million);
	}
	return check_summary();
}
