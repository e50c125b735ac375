/*
 * test_crc32c.c: CRC-32C against published check values, the generated
 * tables against their rule, and slicing against a bit-at-a-time CRC.
 */
#include <stdlib.h>
#include <string.h>

#include "crc32c_table.h"
#include "internal.h"
#include "testutil.h"

/* The definition, one bit at a time: reflected polynomial 0x82F63B78,
 * initial value and final XOR 0xFFFFFFFF. */
static uint32_t crc_bitwise(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
    }
    return ~c;
}

static void test_check_values(void **state)
{
    (void)state;
    /* The catalogue check value of CRC-32C (CRC-32/ISCSI): "123456789". */
    assert_int_equal(bxi_crc32c("123456789", 9), 0xE3069283u);
    assert_int_equal(bxi_crc32c("", 0), 0u);
    /* RFC 3720 (iSCSI), appendix B.4; the RFC lists the CRC's bytes as sent
     * (least significant first), e.g. "aa 36 91 8a" for 32 zero bytes. */
    unsigned char buf[32];
    memset(buf, 0, sizeof buf);
    assert_int_equal(bxi_crc32c(buf, 32), 0x8A9136AAu);
    memset(buf, 0xFF, sizeof buf);
    assert_int_equal(bxi_crc32c(buf, 32), 0x62A8AB43u);
    for (int i = 0; i < 32; i++)
        buf[i] = (unsigned char)i;
    assert_int_equal(bxi_crc32c(buf, 32), 0x46DD794Eu);
    for (int i = 0; i < 32; i++)
        buf[i] = (unsigned char)(31 - i);
    assert_int_equal(bxi_crc32c(buf, 32), 0x113FDB5Cu);
}

static void test_tables_follow_their_rule(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
        assert_int_equal(crc32c_table[0][i], c);
        for (int s = 1; s < 8; s++) {
            uint32_t prev = crc32c_table[s - 1][i];
            assert_int_equal(crc32c_table[s][i], (prev >> 8) ^ crc32c_table[0][prev & 0xff]);
        }
    }
}

/* Every length 0..200 at every alignment 0..7, and split updates, agree
 * with the bitwise definition. */
static void test_slicing_matches_bitwise(void **state)
{
    (void)state;
    unsigned char data[256];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof data; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (unsigned char)(x >> 16);
    }
    for (size_t align = 0; align < 8; align++)
        for (size_t n = 0; n + align <= 200; n++) {
            uint32_t want = crc_bitwise(data + align, n);
            assert_int_equal(bxi_crc32c(data + align, n), want);
            size_t cut = n / 3;
            uint32_t part = bxi_crc32c_update(0, data + align, cut);
            assert_int_equal(bxi_crc32c_update(part, data + align + cut, n - cut), want);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_values),
        cmocka_unit_test(test_tables_follow_their_rule),
        cmocka_unit_test(test_slicing_matches_bitwise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
