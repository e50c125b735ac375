/*
 * journal_format.c: the journal's and the snapshot's headers and the record
 * frame, to and from bytes. No I/O.
 */
#include <string.h>

#include "journal_internal.h"

void bxi_journal_header_encode(const bxj_header *h, unsigned char out[BXJ_HEADER_SIZE])
{
    memset(out, 0, BXJ_HEADER_SIZE);
    memcpy(out, BXJ_MAGIC, 8);
    bxj_put16(out + 8, BXJ_VERSION);
    bxj_put16(out + 10, BXJ_HEADER_SIZE);
    bxj_put32(out + 12, 0);
    bxj_put64(out + 16, h->journal_id);
    bxj_put64(out + 24, h->base_seq);
    bxj_put32(out + 32, 0);
    bxj_put32(out + 36, bxi_crc32c(out, 36));
}

/* The checks common to both headers; NULL if they pass. */
static const char *check_head(const unsigned char *in, size_t n,
                              const char *magic, size_t size)
{
    if (n < 8 || memcmp(in, magic, 8) != 0)
        return "not a boxcar journal (wrong magic number)";
    if (n < size)
        return "header cut short";
    if (bxj_get32(in + size - 4) != bxi_crc32c(in, size - 4))
        return "header checksum mismatch";
    if (bxj_get16(in + 8) != BXJ_VERSION)
        return "unknown format version";
    if (bxj_get16(in + 10) != size)
        return "unexpected header size";
    if (bxj_get32(in + 12) != 0)
        return "unknown flags";
    return NULL;
}

const char *bxi_journal_header_decode(const unsigned char *in, size_t n, bxj_header *h)
{
    const char *why = check_head(in, n, BXJ_MAGIC, BXJ_HEADER_SIZE);
    if (why != NULL)
        return why;
    h->journal_id = bxj_get64(in + 16);
    h->base_seq = bxj_get64(in + 24);
    if (h->base_seq == 0)
        return "first sequence number is 0";
    return NULL;
}

bool bxi_journal_unfinished_creation(const unsigned char *in, size_t n)
{
    if (n > BXJ_HEADER_SIZE)
        return false;
    size_t zeros = 0;
    while (zeros < n && in[zeros] == 0)
        zeros++;
    if (zeros == n)
        return true;
    return n < BXJ_HEADER_SIZE && memcmp(in, BXJ_MAGIC, n < 8 ? n : 8) == 0;
}

void bxi_snapshot_header_encode(const bxs_header *h, unsigned char out[BXS_HEADER_SIZE])
{
    memset(out, 0, BXS_HEADER_SIZE);
    memcpy(out, BXS_MAGIC, 8);
    bxj_put16(out + 8, BXJ_VERSION);
    bxj_put16(out + 10, BXS_HEADER_SIZE);
    bxj_put32(out + 12, 0);
    bxj_put64(out + 16, h->journal_id);
    bxj_put64(out + 24, h->seq);
    bxj_put64(out + 32, h->base_seq);
    bxj_put64(out + 40, h->last_offset);
    bxj_put64(out + 48, h->items);
    bxj_put32(out + 56, 0);
    bxj_put32(out + 60, bxi_crc32c(out, 60));
}

const char *bxi_snapshot_header_decode(const unsigned char *in, size_t n, bxs_header *h)
{
    const char *why = check_head(in, n, BXS_MAGIC, BXS_HEADER_SIZE);
    if (why != NULL)
        return why[0] == 'n' ? "not a boxcar snapshot (wrong magic number)" : why;
    h->journal_id = bxj_get64(in + 16);
    h->seq = bxj_get64(in + 24);
    h->base_seq = bxj_get64(in + 32);
    h->last_offset = bxj_get64(in + 40);
    h->items = bxj_get64(in + 48);
    if (h->base_seq == 0 || h->seq + 1 < h->base_seq)
        return "sequence numbers out of range";
    return NULL;
}

void bxi_journal_frame_encode(uint64_t seq, uint64_t durable_seq, const void *payload,
                      uint32_t len, unsigned char out[BXJ_FRAME_SIZE])
{
    uint64_t lag = seq > durable_seq ? seq - durable_seq : 1;
    if (lag > UINT32_MAX)
        lag = UINT32_MAX;
    bxj_put32(out, len);
    bxj_put32(out + 4, (uint32_t)lag);
    bxj_put64(out + 8, seq);
    bxj_put32(out + 16, bxi_crc32c(payload, len));
    bxj_put32(out + 20, bxi_crc32c(out, 20));
}

bool bxi_journal_frame_decode(const unsigned char in[BXJ_FRAME_SIZE], bxj_frame *f)
{
    f->len = bxj_get32(in);
    f->lag = bxj_get32(in + 4);
    f->seq = bxj_get64(in + 8);
    f->payload_crc = bxj_get32(in + 16);
    /* Cheap field checks first: a scan for the next intact frame tries
     * every byte offset, and most fail here without a checksum. */
    if (f->len == 0 || f->lag == 0 || f->seq == 0 || f->lag > f->seq)
        return false;
    return bxj_get32(in + 20) == bxi_crc32c(in, 20);
}
