/*
 * test_csv.c: the streaming RFC 4180 reader and the writer (boxcar/csv.h).
 *
 * Most cases read an input into a compact transcript, one line per record:
 *     "<line>#<nfields>:<field>|<field>...\n"   for a record,
 *     "<line>!<status>:<message>\n"             for an error,
 * with CR and LF inside fields shown as \r and \n. The expected transcripts
 * were written by hand from RFC 4180 and the rules in csv.h, counting
 * physical lines and fields on the input text itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#if defined(__GNUC__)
#define BX_PRINTF_TEST(a, b) __attribute__((format(printf, a, b)))
#else
#define BX_PRINTF_TEST(a, b)
#endif

/* ---- helpers ------------------------------------------------------------- */

typedef struct chunked {
    const char *data;
    size_t len, pos;
    size_t chunk; /* bytes handed out per call */
} chunked;

static long chunked_read(void *ud, void *buf, size_t size)
{
    chunked *c = ud;
    size_t n = c->len - c->pos;
    if (n > c->chunk)
        n = c->chunk;
    if (n > size)
        n = size;
    memcpy(buf, c->data + c->pos, n);
    c->pos += n;
    return (long)n;
}

typedef struct transcript {
    char text[8192];
    size_t len;
} transcript;

static void put(transcript *t, const char *s, size_t n)
{
    assert_true(t->len + n < sizeof t->text);
    memcpy(t->text + t->len, s, n);
    t->len += n;
    t->text[t->len] = '\0';
}

static void putf(transcript *t, const char *fmt, ...) BX_PRINTF_TEST(2, 3);

static void putf(transcript *t, const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof buf);
    put(t, buf, (size_t)n);
}

static void put_field(transcript *t, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            put(t, "\\n", 2);
        else if (s[i] == '\r')
            put(t, "\\r", 2);
        else
            put(t, s + i, 1);
    }
}

/* Read r to the end (going on after input errors and limits) into t. */
static bx_status transcribe(bx_ctx *ctx, bx_csv_reader *r, transcript *t)
{
    for (;;) {
        bx_status st = bx_csv_next(r);
        if (st == BX_END)
            return BX_END;
        uint64_t line = bx_csv_line(r);
        if (st == BX_EINPUT || st == BX_ELIMIT) {
            putf(t, "%llu!%d:%s\n", (unsigned long long)line, (int)st,
                 bx_ctx_errmsg(ctx));
            assert_int_equal(bx_csv_nfields(r), 0);
            continue;
        }
        if (st != BX_OK)
            return st;
        size_t n = bx_csv_nfields(r);
        putf(t, "%llu#%zu:", (unsigned long long)line, n);
        for (size_t i = 0; i < n; i++) {
            size_t len = 99999;
            const char *f = bx_csv_field(r, i, &len);
            assert_non_null(f);
            /* fields are NUL-terminated at their length */
            assert_int_equal(strlen(f), len);
            if (i > 0)
                put(t, "|", 1);
            put_field(t, f, len);
        }
        assert_null(bx_csv_field(r, n, NULL));
        put(t, "\n", 1);
    }
}

/* Transcript of reading `in` from memory, named "t.csv". */
static void read_mem(const char *in, size_t len, const bx_csv_limits *limits,
                     transcript *t)
{
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_csv_reader *r = NULL;
    assert_int_equal(bx_csv_open_mem(ctx, &r, "t.csv", in, len, limits), BX_OK);
    memset(t, 0, sizeof *t);
    assert_int_equal(transcribe(ctx, r, t), BX_END);
    /* the end is sticky */
    assert_int_equal(bx_csv_next(r), BX_END);
    bx_csv_close(r);
    bx_ctx_free(ctx);
}

/* Transcript of reading `in` through a callback giving `chunk` bytes. */
static void read_chunked(const char *in, size_t len, size_t chunk,
                         const bx_csv_limits *limits, transcript *t)
{
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    chunked src = {in, len, 0, chunk};
    bx_csv_reader *r = NULL;
    assert_int_equal(bx_csv_open(ctx, &r, "t.csv", chunked_read, &src, limits),
                     BX_OK);
    memset(t, 0, sizeof *t);
    assert_int_equal(transcribe(ctx, r, t), BX_END);
    bx_csv_close(r);
    bx_ctx_free(ctx);
}

static void expect(const char *in, const char *want)
{
    transcript t;
    read_mem(in, strlen(in), NULL, &t);
    assert_string_equal(t.text, want);
}

static void expect_limited(const char *in, size_t max_bytes, size_t max_fields,
                           const char *want)
{
    bx_csv_limits l = {max_bytes, max_fields};
    transcript t;
    read_mem(in, strlen(in), &l, &t);
    assert_string_equal(t.text, want);
}

/* ---- RFC 4180 ------------------------------------------------------------ */

static void test_plain_and_quoted(void **state)
{
    (void)state;
    expect("a,b,c\n", "1#3:a|b|c\n");
    expect("a,\"b,c\",d\n", "1#3:a|b,c|d\n");
    expect("\"say \"\"hi\"\"\",x\n", "1#2:say \"hi\"|x\n");
    expect("\"\"\"\"\n", "1#1:\"\n");
    expect("\"\",x\n", "1#2:|x\n");
    /* spaces are data: nothing is trimmed */
    expect(" a , b \n", "1#2: a | b \n");
}

static void test_embedded_newlines(void **state)
{
    (void)state;
    /* physical lines: 1 "l1 / 2 l2",b / 3 c,d */
    expect("\"l1\nl2\",b\nc,d\n", "1#2:l1\\nl2|b\n3#2:c|d\n");
    /* CRLF inside quotes is kept as is and counts as one line end */
    expect("\"x\r\ny\",z\r\nnext,1\r\n", "1#2:x\\r\\ny|z\n3#2:next|1\n");
    /* three line ends inside one field: lines 1 ", 2 and 3 empty, 4 ",a,
     * so the next record starts on line 5 */
    expect("\"\n\n\n\",a\nb\n", "1#2:\\n\\n\\n|a\n5#1:b\n");
    /* a lone CR inside quotes is data */
    expect("\"a\rb\",c\n", "1#2:a\\rb|c\n");
}

static void test_line_ends(void **state)
{
    (void)state;
    expect("a,b\r\nc,d\r\n", "1#2:a|b\n2#2:c|d\n");
    expect("a,b\nc,d", "1#2:a|b\n2#2:c|d\n");
    expect("\"q\"", "1#1:q\n");
    expect("a,", "1#2:a|\n");
    expect("", "");
    /* lines 1, 2, 4, 5 (CRLF) and 7 are blank */
    expect("\n\na,b\n\n\r\nc\n\n", "3#2:a|b\n6#1:c\n");
}

static void test_bom(void **state)
{
    (void)state;
    expect("\xEF\xBB\xBFid,x\n1,2\n", "1#2:id|x\n2#2:1|2\n");
    expect("\xEF\xBB\xBF", "");
    expect("\xEF\xBB\xBF\n\nz\n", "3#1:z\n");
    /* only at the start: later it is data */
    expect("a\n\xEF\xBB\xBF" "b\n", "1#1:a\n2#1:\xEF\xBB\xBF" "b\n");
    /* a BOM inside quotes is the field's */
    expect("\"\xEF\xBB\xBF\"\n", "1#1:\xEF\xBB\xBF\n");
    /* two bytes of a BOM are not one */
    expect("\xEF\xBB", "1#1:\xEF\xBB\n");
}

static void test_empty_fields(void **state)
{
    (void)state;
    expect(",,\n", "1#3:||\n");
    expect("a,,b\n", "1#3:a||b\n");
    expect("a,b,\n", "1#3:a|b|\n");
    expect("a,b,\r\n", "1#3:a|b|\n");
    expect(",\n", "1#2:|\n");
    expect("\"\"\n", "1#1:\n");
}

/* ---- errors -------------------------------------------------------------- */

static void test_error_quote_in_unquoted(void **state)
{
    (void)state;
    expect("ok,1\nab\"c,d\nnext,2\n",
           "1#2:ok|1\n"
           "2!4:t.csv:2:1: quote in unquoted field\n"
           "3#2:next|2\n");
    expect("x,a\"b\n", "1!4:t.csv:1:2: quote in unquoted field\n");
}

static void test_error_after_closing_quote(void **state)
{
    (void)state;
    expect("a,\"b\"c,d\nn,1\n",
           "1!4:t.csv:1:2: unexpected character after closing quote\n"
           "2#2:n|1\n");
    expect("\"b\" \n", "1!4:t.csv:1:1: unexpected character after closing quote\n");
}

static void test_error_unterminated(void **state)
{
    (void)state;
    /* the record starts on line 2, the quote opens field 2, and the input
     * ends inside it two lines later */
    expect("a,b\nc,\"open\nmore\n",
           "1#2:a|b\n2!4:t.csv:2:2: unterminated quoted field\n");
    expect("\"a\nb\",\"c\nd\n",
           "1!4:t.csv:1:2: unterminated quoted field\n");
}

static void test_error_nul(void **state)
{
    (void)state;
    static const char in1[] = "a,b\0c\nd,e\n";
    transcript t;
    read_mem(in1, sizeof in1 - 1, NULL, &t);
    assert_string_equal(t.text, "1!4:t.csv:1:2: NUL byte in input\n2#2:d|e\n");
    /* inside a quoted field, on the record's second line: the location is
     * the record's first line and the field's number */
    static const char in2[] = "\"x\ny\0\",z\nq\n";
    read_mem(in2, sizeof in2 - 1, NULL, &t);
    assert_string_equal(t.text, "1!4:t.csv:1:1: NUL byte in input\n3#1:q\n");
}

static void test_error_bare_cr(void **state)
{
    (void)state;
    expect("a\rb\nc\n",
           "1!4:t.csv:1:1: carriage return not followed by line feed\n"
           "2#1:c\n");
    expect("a,b\r",
           "1!4:t.csv:1:2: carriage return not followed by line feed\n");
}

/* After an error the reader skips to the first line end outside quotes:
 * a quoted field that opens later in the bad record still protects its
 * line ends, and a stray quote does not open anything. */
static void test_error_resync(void **state)
{
    (void)state;
    expect("a\"b,\"x\ny\",c\nz\n",
           "1!4:t.csv:1:1: quote in unquoted field\n3#1:z\n");
    expect("5\" pipe,1\n6\" pipe,2\n",
           "1!4:t.csv:1:1: quote in unquoted field\n"
           "2!4:t.csv:2:1: quote in unquoted field\n");
    /* only the first problem of a record is reported */
    bx_ctx *ctx = NULL;
    test_diags d = {0};
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_ctx_set_diag(ctx, test_diag_fn, &d);
    bx_csv_reader *r = NULL;
    const char in[] = "a\"b\"c,\"d\"e\n";
    assert_int_equal(bx_csv_open_mem(ctx, &r, "t.csv", in, sizeof in - 1, NULL),
                     BX_OK);
    assert_int_equal(bx_csv_next(r), BX_EINPUT);
    assert_int_equal(bx_csv_next(r), BX_END);
    assert_int_equal(d.nerrors, 1);
    bx_location loc = bx_ctx_errloc(ctx);
    assert_int_equal(loc.line, 1);
    assert_int_equal(loc.column, 1);
    assert_string_equal(loc.file, "t.csv");
    bx_csv_close(r);
    bx_ctx_free(ctx);
}

/* ---- limits -------------------------------------------------------------- */

static void test_limit_record_bytes(void **state)
{
    (void)state;
    /* 10 bytes fit a 10-byte limit, 11 do not; line ends do not count,
     * quotes do */
    expect_limited("0123456789\n01234567890\nok\n", 10, 0,
                   "1#1:0123456789\n"
                   "2!6:t.csv:2:1: record longer than 10 bytes\n"
                   "3#1:ok\n");
    expect_limited("\"abcdefgh\"\r\n\"abcdefghi\"\nz", 10, 0,
                   "1#1:abcdefgh\n"
                   "2!6:t.csv:2:1: record longer than 10 bytes\n"
                   "3#1:z\n");
    /* a too-long quoted record is skipped to its real end, on line 2 */
    expect_limited("a,\"12345\n678901234\"\nb\n", 10, 0,
                   "1!6:t.csv:1:2: record longer than 10 bytes\n3#1:b\n");
}

static void test_limit_fields(void **state)
{
    (void)state;
    expect_limited("a,b,c\na,b,c,d\nx\n", 0, 3,
                   "1#3:a|b|c\n"
                   "2!6:t.csv:2:4: more than 3 fields\n"
                   "3#1:x\n");
    expect_limited("a,b,c,\n", 0, 3, "1!6:t.csv:1:4: more than 3 fields\n");
}

static void test_limit_defaults(void **state)
{
    (void)state;
    bx_csv_limits l = bx_csv_limits_default();
    assert_int_equal(l.max_record_bytes, 1024 * 1024);
    assert_int_equal(l.max_fields, 1024);
    /* 1024 fields pass the default limit, 1025 do not */
    char *in = malloc(4096);
    assert_non_null(in);
    size_t n = 0;
    for (int i = 0; i < 1025; i++) {
        in[n++] = 'x';
        in[n++] = i == 1023 ? '\n' : ',';
    }
    in[n - 1] = '\n';
    /* record 1: 1024 fields; record 2 (line 2): one field "x" */
    transcript t;
    read_mem(in, n, NULL, &t);
    assert_memory_equal(t.text, "1#1024:x|x|", 11);
    assert_non_null(strstr(t.text, "\n2#1:x\n"));
    /* join the two lines: 1025 fields */
    in[2 * 1023 + 1] = ',';
    read_mem(in, n, NULL, &t);
    assert_string_equal(t.text, "1!6:t.csv:1:1025: more than 1024 fields\n");
    free(in);
}

/* ---- sources ------------------------------------------------------------- */

/* Every tricky input above, read through callbacks handing out 1, 2, 3 and
 * 7 bytes at a time, gives the transcript of reading it from memory. The
 * BOM case checks that a BOM split over several reads is still found. */
static void test_chunked_equals_whole(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "\xEF\xBB\xBFid,\"a,b\",\"say \"\"hi\"\"\"\r\n\"l1\r\nl2\",\"x\ry\"\n",
        "\n\na,b\n\n\r\nc\n\n",
        "a,b,\nc,d",
        "ok,1\nab\"c,d\nnext,2\na,\"b\"c,d\nn,1\na\"b,\"x\ny\",c\nz\n",
        "a\rb\nc\n\"q\" \r\n",
        "a,b\nc,\"open\nmore\n",
        "0123456789\n01234567890\nok\n\"abcdefghi\"\n",
        "\xEF\xBB",
        "\xEF\xBB\xBF",
    };
    const bx_csv_limits small = {10, 4};
    const bx_csv_limits *limits[] = {NULL, &small};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        size_t len = strlen(inputs[i]);
        for (size_t j = 0; j < 2; j++) {
            transcript whole, part;
            read_mem(inputs[i], len, limits[j], &whole);
            static const size_t chunks[] = {1, 2, 3, 7, 1 << 20};
            for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
                read_chunked(inputs[i], len, chunks[k], limits[j], &part);
                assert_string_equal(part.text, whole.text);
            }
        }
    }
}

static void test_open_file(void **state)
{
    (void)state;
    FILE *fp = tmpfile();
    assert_non_null(fp);
    fputs("h1,h2\n\"a\nb\",c\n", fp);
    rewind(fp);
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_csv_reader *r = NULL;
    assert_int_equal(bx_csv_open_file(ctx, &r, "f.csv", fp, NULL), BX_OK);
    assert_string_equal(bx_csv_name(r), "f.csv");
    transcript t = {0};
    assert_int_equal(transcribe(ctx, r, &t), BX_END);
    assert_string_equal(t.text, "1#2:h1|h2\n2#2:a\\nb|c\n");
    bx_csv_close(r);
    fclose(fp);
    assert_int_equal(bx_csv_open_file(ctx, &r, "f.csv", NULL, NULL), BX_EINVAL);
    assert_null(r);
    bx_ctx_free(ctx);
}

static long failing_read(void *ud, void *buf, size_t size)
{
    int *calls = ud;
    (void)buf;
    (void)size;
    (*calls)++;
    if (*calls == 1) {
        memcpy(buf, "a,b\nc", 5);
        return 5;
    }
    return -1;
}

static void test_read_error(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    int calls = 0;
    bx_csv_reader *r = NULL;
    assert_int_equal(bx_csv_open(ctx, &r, "s", failing_read, &calls, NULL),
                     BX_OK);
    assert_int_equal(bx_csv_next(r), BX_OK);
    assert_int_equal(bx_csv_next(r), BX_EIO);
    assert_non_null(strstr(bx_ctx_errmsg(ctx), "s: read error"));
    /* fatal errors stick, and the callback is not asked again */
    assert_int_equal(bx_csv_next(r), BX_EIO);
    assert_int_equal(calls, 2);
    bx_csv_close(r);
    bx_ctx_free(ctx);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_csv_reader *r = (bx_csv_reader *)&ctx; /* must be overwritten */
    assert_int_equal(bx_csv_open(ctx, &r, "x", NULL, NULL, NULL), BX_EINVAL);
    assert_null(r);
    assert_int_equal(bx_csv_open_mem(ctx, &r, "x", NULL, 3, NULL), BX_EINVAL);
    assert_int_equal(bx_csv_open_mem(NULL, &r, "x", "a", 1, NULL), BX_EINVAL);
    assert_int_equal(bx_csv_open_mem(ctx, NULL, "x", "a", 1, NULL), BX_EINVAL);
    assert_int_equal(bx_csv_next(NULL), BX_EINVAL);
    assert_int_equal(bx_csv_nfields(NULL), 0);
    assert_null(bx_csv_field(NULL, 0, NULL));
    bx_csv_close(NULL);
    /* a nameless reader reports without a file name */
    assert_int_equal(bx_csv_open_mem(ctx, &r, NULL, "a\"\n", 3, NULL), BX_OK);
    assert_null(bx_csv_name(r));
    assert_int_equal(bx_csv_next(r), BX_EINPUT);
    assert_string_equal(bx_ctx_errmsg(ctx), "1:1: quote in unquoted field");
    bx_csv_close(r);
    bx_ctx_free(ctx);
}

/* ---- streaming ----------------------------------------------------------- */

/* One record over two physical lines, exercising quoted fields, doubled
 * quotes and an embedded line end on every record. */
static const char stream_rec[] =
    "ORD-000123,\"Widget, large\",\"say \"\"hi\"\"\",3,\"two\nlines\",12.5\r\n";

typedef struct generator {
    uint64_t left; /* bytes still to produce */
    size_t pos;    /* in stream_rec */
} generator;

static long generate(void *ud, void *buf, size_t size)
{
    generator *g = ud;
    size_t n = 0;
    char *out = buf;
    while (n < size && g->left > 0) {
        size_t run = sizeof stream_rec - 1 - g->pos;
        if (run > size - n)
            run = size - n;
        if (run > g->left)
            run = (size_t)g->left;
        memcpy(out + n, stream_rec + g->pos, run);
        n += run;
        g->left -= run;
        g->pos = (g->pos + run) % (sizeof stream_rec - 1);
    }
    return (long)n;
}

/* ~200 MB through the reader in constant memory. BOXCAR_CSV_STREAM_MB
 * scales it (sanitizer builds set it lower). The bound: the 64 KiB input
 * buffer, the context and the reader, and one small record, well under
 * 96 KiB; a reader that kept consumed input would pass it within the first
 * few hundred records. */
static void test_streaming_constant_memory(void **state)
{
    (void)state;
    uint64_t mb = 200;
    const char *env = getenv("BOXCAR_CSV_STREAM_MB");
    if (env != NULL && atoi(env) > 0)
        mb = (uint64_t)atoi(env);
    const uint64_t reclen = sizeof stream_rec - 1;
    const uint64_t nrec = mb * 1024 * 1024 / reclen;
    generator g = {nrec * reclen, 0};
    test_alloc ta;
    bx_ctx *ctx = test_ctx_new(&ta, 0);
    assert_non_null(ctx);
    bx_csv_reader *r = NULL;
    assert_int_equal(bx_csv_open(ctx, &r, "gen", generate, &g, NULL), BX_OK);
    uint64_t count = 0;
    size_t peak = 0;
    bx_status st;
    while ((st = bx_csv_next(r)) == BX_OK) {
        /* each record starts two physical lines after the previous one */
        if (bx_csv_line(r) != 2 * count + 1 || bx_csv_nfields(r) != 6)
            fail_msg("record %llu: line %llu, %zu fields",
                     (unsigned long long)count,
                     (unsigned long long)bx_csv_line(r), bx_csv_nfields(r));
        size_t len;
        const char *f = bx_csv_field(r, 4, &len);
        if (len != 9 || memcmp(f, "two\nlines", 9) != 0)
            fail_msg("record %llu: field 5 is wrong", (unsigned long long)count);
        size_t used = bx_ctx_bytes_in_use(ctx);
        if (used > peak)
            peak = used;
        count++;
    }
    assert_int_equal(st, BX_END);
    assert_int_equal(count, nrec);
    assert_true(peak < 96 * 1024);
    assert_true(ta.peak_bytes < 96 * 1024);
    bx_csv_close(r);
    bx_ctx_free(ctx);
    assert_int_equal(ta.live_bytes, 0);
}

/* ---- allocation failures ------------------------------------------------- */

/* Enough to make the record block and the field table grow twice each. */
static char *oom_input(size_t *len)
{
    char *in = malloc(8192);
    assert_non_null(in);
    size_t n = 0;
    for (int i = 0; i < 40; i++)
        n += (size_t)sprintf(in + n, "%sf%d", i ? "," : "", i);
    in[n++] = '\n';
    in[n++] = '"';
    for (int i = 0; i < 1000; i++)
        in[n++] = (char)('a' + i % 26);
    n += (size_t)sprintf(in + n, "\",x\nlast\n");
    *len = n;
    return in;
}

/* Read everything; returns the first status that is not BX_OK. */
static bx_status read_to_end(bx_csv_reader *r, int *records)
{
    bx_status st;
    *records = 0;
    while ((st = bx_csv_next(r)) == BX_OK)
        (*records)++;
    return st;
}

static void run_oom(bool callback)
{
    size_t len;
    char *in = oom_input(&len);
    bool done = false;
    for (uint64_t n = 1; n < 1000 && !done; n++) {
        test_alloc ta;
        bx_ctx *ctx = test_ctx_new(&ta, n);
        assert_non_null(ctx);
        chunked src = {in, len, 0, 100};
        bx_csv_reader *r = NULL;
        bx_status st = callback
                           ? bx_csv_open(ctx, &r, "oom", chunked_read, &src, NULL)
                           : bx_csv_open_mem(ctx, &r, "oom", in, len, NULL);
        int records = 0;
        if (st == BX_OK) {
            st = read_to_end(r, &records);
            if (st == BX_ENOMEM) /* sticky */
                assert_int_equal(bx_csv_next(r), BX_ENOMEM);
        } else {
            assert_null(r);
        }
        bx_csv_close(r);
        if (ta.failures == 0) {
            assert_int_equal(st, BX_END);
            assert_int_equal(records, 3);
            done = true;
        } else {
            assert_int_equal(st, BX_ENOMEM);
        }
        bx_ctx_free(ctx);
        assert_int_equal(ta.live_bytes, 0);
        assert_int_equal(ta.live_blocks, 0);
    }
    assert_true(done);
    free(in);
}

static void test_oom_mem(void **state)
{
    (void)state;
    run_oom(false);
}

static void test_oom_callback(void **state)
{
    (void)state;
    run_oom(true);
}

/* ---- writer -------------------------------------------------------------- */

static void write_record(test_buf *b, const char *const *fields, size_t n)
{
    bx_csv_writer w;
    bx_csv_writer_init(&w, test_buf_write, b);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(bx_csv_write_field(&w, fields[i], strlen(fields[i])),
                         BX_OK);
    assert_int_equal(w.nfields, n);
    assert_int_equal(bx_csv_end_record(&w), BX_OK);
    assert_int_equal(w.nfields, 0);
}

static void test_writer_quoting(void **state)
{
    (void)state;
    test_buf b = {NULL, 0, 0, -1};
    static const char *const rec[] = {
        "plain", "a,b", "say \"hi\"", "x\ny", "x\ry", " lead", "trail ",
        "mid space", "", "\"",
    };
    write_record(&b, rec, sizeof rec / sizeof rec[0]);
    /* worked by hand: quote on , " CR LF and edge spaces; "" doubles */
    assert_string_equal(b.data,
                        "plain,\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",\"x\ry\","
                        "\" lead\",\"trail \",mid space,,\"\"\"\"\n");
    test_buf_free(&b);
    /* an empty first field is quoted so a lone one is not a blank line */
    static const char *const lone[] = {""};
    write_record(&b, lone, 1);
    static const char *const first[] = {"", "b"};
    write_record(&b, first, 2);
    assert_string_equal(b.data, "\"\"\n\"\",b\n");
    test_buf_free(&b);
}

static void test_writer_errors(void **state)
{
    (void)state;
    bx_csv_writer w;
    test_buf b = {NULL, 0, 0, 4};
    bx_csv_writer_init(&w, test_buf_write, &b);
    assert_int_equal(bx_csv_end_record(&w), BX_EINVAL);
    assert_int_equal(bx_csv_write_field(&w, "abcd", 4), BX_OK);
    assert_int_equal(bx_csv_write_field(&w, "e", 1), BX_EIO);
    assert_int_equal(bx_csv_end_record(&w), BX_EIO);
    assert_int_equal(bx_csv_write_field(NULL, "e", 1), BX_EINVAL);
    assert_int_equal(bx_csv_write_field(&w, NULL, 1), BX_EINVAL);
    test_buf_free(&b);
}

/* Whatever the writer writes, the reader reads back field for field. */
static void test_writer_reader_roundtrip(void **state)
{
    (void)state;
    /* the BOM one first: at the start of the output it must be quoted */
    static const char *const tricky[] = {
        "\357\273\277bom" /* BOM */, "", " ", "\"", "\"\"", ",", "\r\n",
        "\n", "\r",
        "a\rb", "x\n\ny", " a,b ", "end\"", "\"start", "tab\t", "é,ü",
    };
    const size_t nt = sizeof tricky / sizeof tricky[0];
    test_buf b = {NULL, 0, 0, -1};
    bx_csv_writer w;
    bx_csv_writer_init(&w, test_buf_write, &b);
    /* record i: tricky[i] alone, then record: tricky[i], "x", tricky[i] */
    for (size_t i = 0; i < nt; i++) {
        const char *s = tricky[i];
        assert_int_equal(bx_csv_write_field(&w, s, strlen(s)), BX_OK);
        assert_int_equal(bx_csv_end_record(&w), BX_OK);
        assert_int_equal(bx_csv_write_field(&w, s, strlen(s)), BX_OK);
        assert_int_equal(bx_csv_write_field(&w, "x", 1), BX_OK);
        assert_int_equal(bx_csv_write_field(&w, s, strlen(s)), BX_OK);
        assert_int_equal(bx_csv_end_record(&w), BX_OK);
    }
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_csv_reader *r = NULL;
    assert_int_equal(bx_csv_open_mem(ctx, &r, "rt", b.data, b.len, NULL), BX_OK);
    for (size_t i = 0; i < nt; i++) {
        const char *s = tricky[i];
        assert_int_equal(bx_csv_next(r), BX_OK);
        assert_int_equal(bx_csv_nfields(r), 1);
        assert_string_equal(bx_csv_field(r, 0, NULL), s);
        assert_int_equal(bx_csv_next(r), BX_OK);
        assert_int_equal(bx_csv_nfields(r), 3);
        assert_string_equal(bx_csv_field(r, 0, NULL), s);
        assert_string_equal(bx_csv_field(r, 1, NULL), "x");
        assert_string_equal(bx_csv_field(r, 2, NULL), s);
    }
    assert_int_equal(bx_csv_next(r), BX_END);
    bx_csv_close(r);
    bx_ctx_free(ctx);
    test_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_quoted),
        cmocka_unit_test(test_embedded_newlines),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_empty_fields),
        cmocka_unit_test(test_error_quote_in_unquoted),
        cmocka_unit_test(test_error_after_closing_quote),
        cmocka_unit_test(test_error_unterminated),
        cmocka_unit_test(test_error_nul),
        cmocka_unit_test(test_error_bare_cr),
        cmocka_unit_test(test_error_resync),
        cmocka_unit_test(test_limit_record_bytes),
        cmocka_unit_test(test_limit_fields),
        cmocka_unit_test(test_limit_defaults),
        cmocka_unit_test(test_chunked_equals_whole),
        cmocka_unit_test(test_open_file),
        cmocka_unit_test(test_read_error),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_streaming_constant_memory),
        cmocka_unit_test(test_oom_mem),
        cmocka_unit_test(test_oom_callback),
        cmocka_unit_test(test_writer_quoting),
        cmocka_unit_test(test_writer_errors),
        cmocka_unit_test(test_writer_reader_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
