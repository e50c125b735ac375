/*
 * crc32c.c: CRC-32C (Castagnoli; iSCSI, ext4, SCTP), the checksum of the
 * journal's frames.
 *
 * CRC-32C rather than the zlib CRC-32 because its polynomial detects more
 * error patterns at the lengths journals use (Castagnoli, Braeuer and
 * Herrmann 1993). Slicing by 8 (Kounavis and Berry 2005): eight tables let
 * one step fold eight input bytes, several times faster than a byte at a
 * time and portable C, which matters when a journal of millions of events
 * is checked end to end on open.
 */
#include "crc32c_table.h"
#include "internal.h"

static uint32_t load_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

uint32_t bxi_crc32c_update(uint32_t crc, const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t c = ~crc;
    while (len >= 8) {
        uint32_t lo = load_le32(p) ^ c;
        uint32_t hi = load_le32(p + 4);
        c = crc32c_table[7][lo & 0xff] ^ crc32c_table[6][(lo >> 8) & 0xff] ^
            crc32c_table[5][(lo >> 16) & 0xff] ^ crc32c_table[4][lo >> 24] ^
            crc32c_table[3][hi & 0xff] ^ crc32c_table[2][(hi >> 8) & 0xff] ^
            crc32c_table[1][(hi >> 16) & 0xff] ^ crc32c_table[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len-- > 0)
        c = (c >> 8) ^ crc32c_table[0][(c ^ *p++) & 0xff];
    return ~c;
}

uint32_t bxi_crc32c(const void *data, size_t len)
{
    return bxi_crc32c_update(0, data, len);
}
