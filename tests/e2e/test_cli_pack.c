/*
 * test_cli_pack.c: `boxcar pack` end to end: every output format, the
 * placements and pictures, --check, bad orders, a corrupt catalog, usage
 * errors, and outputs that are written whole or not at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"
#include "testutil.h"

#if BOXCAR_WITH_JSON_CBOR
#include <cbor.h>
#include <jansson.h>
#endif

#define DATA(f) BOXCAR_TEST_DATA "/" f
#define SAMPLE(f) BOXCAR_SAMPLES "/" f
#define DEMO SAMPLE("orders/demo.csv")

static char out_text[1 << 16];
static char err_text[1 << 16];

static void slurp(const char *path, char *buf, size_t size)
{
    cli_slurp(path, buf, size);
}

/* Run `boxcar pack ARGS`, stdout and stderr captured; its exit code. */
static int pack(const char *args)
{
    char full[4096];
    snprintf(full, sizeof full, "pack %s", args);
    return cli_run(NULL, "pack", full, out_text, sizeof out_text, err_text, sizeof err_text);
}

static void must_pack(const char *args)
{
    int rc = pack(args);
    if (rc != 0)
        fail_msg("boxcar pack %s: exit %d: %s", args, rc, err_text);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

/* Units in an order file, summed from its qty column (the third): what
 * the packer must account for, worked out without boxcar. */
static long units_in(const char *path)
{
    char *s = test_read_file(path, NULL);
    assert_non_null(s);
    long units = 0;
    char *save = NULL;
    bool header = true;
    for (char *line = strtok_r(s, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        if (header) {
            assert_non_null(strstr(line, "order_id,item_id,qty,"));
            header = false;
            continue;
        }
        const char *c = strchr(line, ',');
        assert_non_null(c);
        c = strchr(c + 1, ',');
        assert_non_null(c);
        units += strtol(c + 1, NULL, 10);
    }
    free(s);
    return units;
}

/* Sum of a CSV column (1-based), skipping the header. */
static long column_sum(const char *csv, int column)
{
    long sum = 0;
    const char *p = strchr(csv, '\n');
    while (p != NULL && p[1] != '\0') {
        p++;
        const char *f = p;
        for (int k = 1; k < column && f != NULL; k++) {
            f = strchr(f, ',');
            if (f != NULL)
                f++;
        }
        if (f != NULL)
            sum += strtol(f, NULL, 10);
        p = strchr(p, '\n');
    }
    return sum;
}

static long summary_number(const char *label)
{
    /* "boxcar pack: 400 orders, 417 boxes, 1518 units packed, ..." */
    const char *s = strstr(err_text, "boxcar pack: ");
    assert_non_null(s);
    const char *at = strstr(s, label);
    assert_non_null(at);
    while (at > s && at[-1] == ' ')
        at--;
    while (at > s && at[-1] >= '0' && at[-1] <= '9')
        at--;
    return strtol(at, NULL, 10);
}

static void xml_ok(const char *path)
{
    if (access("/usr/bin/xmllint", X_OK) != 0)
        return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/xmllint --noout '%s'", path);
    if (system(cmd) != 0)
        fail_msg("%s is not well-formed XML", path);
}

/* ---- outputs -------------------------------------------------------------- */

/* demo.csv in every format. Cross-checks: the CSV's n_units add up to the
 * qty column of demo.csv (nothing is unpackable in the demo), its rows to
 * the boxes the summary counts, the JSON has one line per order. */
static void test_every_format(void **state)
{
    (void)state;
    long units = units_in(DEMO);
    assert_true(units > 1000);

    must_pack("--orders " DEMO " -o pack_demo.csv");
    long boxes = summary_number(" boxes");
    assert_int_equal(summary_number(" orders"), 400);
    assert_int_equal(summary_number(" units packed"), units);
    assert_int_equal(summary_number(" not packed"), 0);
    char *csv = test_read_file("pack_demo.csv", NULL);
    assert_non_null(csv);
    assert_int_equal(strncmp(csv, "order_id,box_seq,box_id,n_units,", 32), 0);
    assert_int_equal(count_lines(csv), 1 + (size_t)boxes);
    assert_int_equal(column_sum(csv, 4), units);
    assert_non_null(strstr(csv, "\nD0001,1,"));
    free(csv);

    /* the table on standard output by default */
    must_pack("--orders " DEMO);
    assert_int_equal(strncmp(out_text, "order ", 6), 0);
    assert_non_null(strstr(out_text, "\nD0001 "));
    assert_non_null(strstr(out_text, "  D0400: "));

    /* --format wins over the extension */
    must_pack("--orders " DEMO " --format table -o pack_demo.csv.txt");
    char *table = test_read_file("pack_demo.csv.txt", NULL);
    assert_non_null(table);
    assert_int_equal(strncmp(table, "order ", 6), 0);
    free(table);

#if BOXCAR_WITH_JSON_CBOR
    must_pack("--orders " DEMO " -o pack_demo.jsonl");
    char *jl = test_read_file("pack_demo.jsonl", NULL);
    assert_non_null(jl);
    assert_int_equal(count_lines(jl), 400);
    long json_units = 0;
    char *save = NULL;
    for (char *l = strtok_r(jl, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
        json_error_t err;
        json_t *j = json_loads(l, 0, &err);
        if (j == NULL)
            fail_msg("bad JSON line: %s", err.text);
        json_t *bx = json_object_get(j, "boxes");
        for (size_t i = 0; i < json_array_size(bx); i++)
            json_units += (long)json_array_size(json_object_get(json_array_get(bx, i), "placements"));
        json_decref(j);
    }
    assert_int_equal(json_units, units);
    free(jl);

    /* CBOR: a sequence of 400 maps, nothing else */
    must_pack("--orders " DEMO " -o pack_demo.cbor");
    size_t len = 0;
    char *cb = test_read_file("pack_demo.cbor", &len);
    assert_non_null(cb);
    size_t at = 0, items = 0;
    while (at < len) {
        struct cbor_load_result lr;
        cbor_item_t *it = cbor_load((cbor_data)cb + at, len - at, &lr);
        if (it == NULL)
            fail_msg("CBOR item %zu at byte %zu does not decode", items + 1, at);
        assert_true(cbor_isa_map(it));
        cbor_decref(&it);
        at += lr.read;
        items++;
    }
    assert_int_equal(items, 400);
    free(cb);
    /* CBOR to a pipe is fine without -o */
    must_pack("--orders " DEMO " --format cbor");
    assert_true(strlen(err_text) > 0);
#endif
}

static void test_deterministic(void **state)
{
    (void)state;
    must_pack("--orders " DEMO " --format csv -o pack_a.csv --placements pack_pa.csv");
    must_pack("--orders " DEMO " --format csv -o pack_b.csv --placements pack_pb.csv");
    size_t la, lb;
    char *a = test_read_file("pack_a.csv", &la), *b = test_read_file("pack_b.csv", &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    a = test_read_file("pack_pa.csv", &la);
    b = test_read_file("pack_pb.csv", &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
}

/* --placements: one row per unit; --svg: one picture per box, each
 * well-formed with one unit group per unit of its box; --check passes. */
static void test_placements_svg_check(void **state)
{
    (void)state;
    assert_int_equal(system("rm -rf pack_svg"), 0);
    must_pack("--orders " DEMO " -o pack_boxes.csv --placements pack_units.csv "
              "--svg pack_svg --check");
    assert_non_null(strstr(err_text, "all results check out"));
    long units = units_in(DEMO);
    char *pl = test_read_file("pack_units.csv", NULL);
    assert_non_null(pl);
    static const char want[] =
        "order_id,box_seq,unit_seq,item_id,x_mm,y_mm,z_mm,l_mm,w_mm,h_mm,support_pct\n";
    assert_int_equal(strncmp(pl, want, sizeof want - 1), 0);
    assert_int_equal(count_lines(pl), 1 + (size_t)units);
    free(pl);

    /* every box row of the CSV has its picture, with n_units units */
    char *csv = test_read_file("pack_boxes.csv", NULL);
    assert_non_null(csv);
    size_t pictures = 0;
    char *save = NULL;
    bool header = true;
    for (char *l = strtok_r(csv, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
        if (header) {
            header = false;
            continue;
        }
        char order[64];
        int seq = 0, n_units = 0;
        if (sscanf(l, "%63[^,],%d,%*[^,],%d,", order, &seq, &n_units) != 3)
            continue;
        char path[256];
        snprintf(path, sizeof path, "pack_svg/%s-%d.svg", order, seq);
        char *svg = test_read_file(path, NULL);
        if (svg == NULL)
            fail_msg("no picture %s", path);
        size_t groups = 0;
        for (const char *p = strstr(svg, "<g class=\"unit\""); p != NULL;
             p = strstr(p + 1, "<g class=\"unit\""))
            groups++;
        assert_int_equal(groups, (size_t)n_units);
        /* xmllint costs a process per file: a sample is enough */
        if (pictures % 50 == 0)
            xml_ok(path);
        free(svg);
        pictures++;
    }
    free(csv);
    assert_int_equal((long)pictures, summary_number(" boxes"));
}

/* A bad line spoils the order it names: reported with line and column,
 * written as a failed order, the rest packed; exit 3. orders_bad.csv: A1
 * (lines 2-3), B7 (4-6), A1 again (7) and line 8, order C3, whose fragile
 * value "sometimes" is no boolean. C3 fails; both runs of A1 are packed. */
static void test_bad_order_line(void **state)
{
    (void)state;
    assert_int_equal(pack("--orders " DATA("orders_bad.csv") " -o pack_bad.csv"), 3);
    assert_non_null(strstr(err_text, "orders_bad.csv:8:9: field 'fragile'"));
    assert_non_null(strstr(err_text, " 4 orders,"));
    assert_non_null(strstr(err_text, "1 bad orders"));
    char *csv = test_read_file("pack_bad.csv", NULL);
    assert_non_null(csv);
    const char *a1 = strstr(csv, "\nA1,1,");
    assert_non_null(a1);
    assert_non_null(strstr(a1, "\nB7,1,"));
    assert_non_null(strstr(strstr(a1, "\nB7,1,"), "\nA1,1,"));
    assert_null(strstr(csv, "\nA1,,"));
    assert_non_null(strstr(csv, "\nC3,,,,,,,,,,\"bad input: "));
    assert_non_null(strstr(csv, "orders_bad.csv:8:9: field 'fragile'"));
    free(csv);
#if BOXCAR_WITH_JSON_CBOR
    assert_int_equal(pack("--orders " DATA("orders_bad.csv") " --format json"), 3);
    assert_non_null(strstr(out_text, "{\"order_id\":\"C3\",\"error\":\"bad input: "));
    assert_non_null(strstr(out_text, "{\"order_id\":\"B7\",\"lower_bound\":"));
    assert_null(strstr(out_text, "{\"order_id\":\"A1\",\"error\""));
#endif
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Pack `file` with -o out (which holds "old\n" before), both on one
 * thread and on two; the exit code, the same for both. */
static int pack_bad_file(const char *file, const char *out)
{
    int rc = -1;
    for (int jobs = 1; jobs <= 2; jobs++) {
        write_text(out, "old\n");
        char args[512];
        snprintf(args, sizeof args, "--orders %s --format csv -o %s --jobs %d", file, out,
                 jobs);
        int r = pack(args);
        if (jobs > 1 && r != rc)
            fail_msg("%s: exit %d with one job, %d with two", file, rc, r);
        rc = r;
    }
    return rc;
}

/* A file with no order that can be told (one line, its order_id not
 * readable): exit 3 as `boxcar check` gives, the error on standard error,
 * and the old output kept rather than replaced by a header alone. */
static void no_order_readable(const char *file, const char *says)
{
    assert_int_equal(pack_bad_file(file, "pack_bad_out.csv"), 3);
    if (strstr(err_text, says) == NULL)
        fail_msg("%s: expected '%s' in '%s'", file, says, err_text);
    assert_non_null(strstr(err_text, "no order could be read"));
    char buf[16];
    slurp("pack_bad_out.csv", buf, sizeof buf);
    assert_string_equal(buf, "old\n");
}

/* Bad order files, the fault of one order or of the whole file. Each bad
 * order is written as failed under its own id, with its line; the orders
 * before it are packed; the exit code is 3, as `boxcar check` gives. */
static void test_bad_order_files(void **state)
{
    (void)state;
    char *csv;
    /* CSV: order A good, order B's only line has qty 0 (range 1..1000000) */
    write_text("pack_ab.csv", "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
                              "A,cube,1,100,100,100,500\n"
                              "B,cube,0,100,100,100,500\n");
    assert_int_equal(pack_bad_file("pack_ab.csv", "pack_ab_out.csv"), 3);
    assert_non_null(strstr(err_text, "pack_ab.csv:3:3: field 'qty'"));
    csv = test_read_file("pack_ab_out.csv", NULL);
    assert_non_null(strstr(csv, "\nA,1,"));
    assert_non_null(strstr(csv, "\nB,,,,,,,,,,\"bad input: pack_ab.csv:3:3: field 'qty'"));
    free(csv);
    /* CSV: a good order, then A1 with an empty weight_g, then A2 with
     * qty=x: each bad line under its own order, and 3 orders = 1 packed +
     * 2 bad */
    write_text("pack_two_bad.csv", "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
                                   "A0,cube,1,100,100,100,500\n"
                                   "A1,cube,1,100,100,100,\n"
                                   "A2,cube,x,100,100,100,500\n");
    assert_int_equal(pack_bad_file("pack_two_bad.csv", "pack_two_bad_out.csv"), 3);
    assert_non_null(strstr(err_text, "3 orders, 1 boxes, 1 units packed, 0 not packed, "
                                     "2 bad orders"));
    csv = test_read_file("pack_two_bad_out.csv", NULL);
    assert_non_null(strstr(csv, "\nA0,1,"));
    assert_non_null(strstr(csv, "\nA1,,,,,,,,,,\"bad input: pack_two_bad.csv:3:7: field "
                                "'weight_g'"));
    assert_non_null(strstr(csv, "\nA2,,,,,,,,,,\"bad input: pack_two_bad.csv:4:3: field "
                                "'qty'"));
    free(csv);
    /* CSV: the only order's only line is bad */
    write_text("pack_one_bad.csv", "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
                                   "Z9,cube,0,100,100,100,500\n");
    assert_int_equal(pack_bad_file("pack_one_bad.csv", "pack_one_bad_out.csv"), 3);
    csv = test_read_file("pack_one_bad_out.csv", NULL);
    assert_non_null(strstr(csv, "\nZ9,,,,,,,,,,\"bad input: pack_one_bad.csv:2:3: field 'qty'"));
    free(csv);
    /* CSV: a line whose fields are shifted (one too many) cannot name its
     * order, so the orders on both sides of it fail */
    write_text("pack_shifted.csv", "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
                                   "A,cube,1,100,100,100,500\n"
                                   "B,cube,1,100,100,100,500,9\n"
                                   "C,cube,1,100,100,100,500\n"
                                   "D,cube,1,100,100,100,500\n");
    assert_int_equal(pack_bad_file("pack_shifted.csv", "pack_shifted_out.csv"), 3);
    assert_non_null(strstr(err_text, "2 bad orders"));
    csv = test_read_file("pack_shifted_out.csv", NULL);
    assert_non_null(strstr(csv, "\nA,,,,,,,,,,\"bad input: pack_shifted.csv:3: "));
    assert_non_null(strstr(csv, "\nC,,,,,,,,,,\"bad input: pack_shifted.csv:3: "));
    assert_non_null(strstr(csv, "\nD,1,"));
    free(csv);
    write_text("pack_shifted_only.csv", "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
                                        "B,cube,1,100,100,100,500,9\n");
    no_order_readable("pack_shifted_only.csv", "pack_shifted_only.csv:2: expected 7 fields");
#if BOXCAR_WITH_JSON_CBOR
    /* JSON: a number beyond a double (jansson refuses the whole object) */
    write_text("pack_big.json", "[{\"order_id\":\"A\",\"item_id\":\"x\",\"qty\":1e400,"
                                "\"l_mm\":1,\"w_mm\":1,\"h_mm\":1,\"weight_g\":1}]");
    assert_int_equal(pack_bad_file("pack_big.json", "pack_big_out.csv"), 3);
    assert_non_null(strstr(err_text, "pack_big.json:1:"));
    assert_non_null(strstr(err_text, "real number overflow"));
    assert_non_null(strstr(err_text, " 1 bad orders"));
    csv = test_read_file("pack_big_out.csv", NULL);
    assert_non_null(strstr(csv, "\nA,,,,,,,,,,\"bad input: pack_big.json:1:"));
    free(csv);
    /* JSON: qty 0 in the only order */
    write_text("pack_zero.json", "[{\"order_id\":\"A\",\"item_id\":\"x\",\"qty\":0,"
                                 "\"l_mm\":1,\"w_mm\":1,\"h_mm\":1,\"weight_g\":1}]");
    assert_int_equal(pack_bad_file("pack_zero.json", "pack_zero_out.csv"), 3);
    csv = test_read_file("pack_zero_out.csv", NULL);
    assert_non_null(strstr(csv, "\nA,,,,,,,,,,\"bad input: pack_zero.json:1:2: field 'qty'"));
    free(csv);
    /* JSON: order A good (line 2), order B (line 3) out of range; the key
     * order does not matter, nor an escape in the id */
    write_text("pack_ab.json",
               "[\n{\"order_id\":\"A\",\"item_id\":\"x\",\"qty\":1,\"l_mm\":100,"
               "\"w_mm\":100,\"h_mm\":100,\"weight_g\":500},\n"
               "{\"item_id\":\"x\",\"qty\":1e400,\"order_id\":\"\\u0042\",\"l_mm\":1,"
               "\"w_mm\":1,\"h_mm\":1,\"weight_g\":1}\n]\n");
    assert_int_equal(pack_bad_file("pack_ab.json", "pack_ab_out.csv"), 3);
    assert_non_null(strstr(err_text, " 2 orders,"));
    assert_non_null(strstr(err_text, " 1 bad orders"));
    csv = test_read_file("pack_ab_out.csv", NULL);
    assert_non_null(strstr(csv, "\nA,1,"));
    assert_non_null(strstr(csv, "\nB,,,,,,,,,,\"bad input: pack_ab.json:3:"));
    free(csv);
    /* JSON that names no order: a syntax error, two order_id keys, or no
     * array or object at all */
    write_text("pack_syntax.json", "[{\"order_id\" \"A\"}]");
    no_order_readable("pack_syntax.json", "pack_syntax.json:1:");
    write_text("pack_twice.json", "[{\"order_id\":\"A\",\"order_id\":\"B\",\"qty\":1}]");
    no_order_readable("pack_twice.json", "duplicate");
    write_text("pack_number.json", "99999999999999999999999");
    assert_int_equal(pack_bad_file("pack_number.json", "pack_bad_out.csv"), 3);
    assert_non_null(strstr(err_text, "pack_number.json:1:1: expected a JSON array"));
    char buf[16];
    slurp("pack_bad_out.csv", buf, sizeof buf);
    assert_string_equal(buf, "old\n");
    /* CBOR: the same two orders, B's qty 0 */
    cbor_item_t *arr = cbor_new_definite_array(2);
    for (int i = 0; i < 2; i++) {
        cbor_item_t *m = cbor_new_definite_map(7);
        static const char *const keys[] = {"order_id", "item_id", "qty", "l_mm", "w_mm",
                                           "h_mm", "weight_g"};
        const unsigned vals[] = {0, 0, i == 0 ? 1 : 0, 100, 100, 100, 500};
        for (int k = 0; k < 7; k++) {
            cbor_item_t *v = k == 0   ? cbor_build_string(i == 0 ? "A" : "B")
                             : k == 1 ? cbor_build_string("cube")
                                      : cbor_build_uint16((uint16_t)vals[k]);
            assert_true(cbor_map_add(m, (struct cbor_pair){cbor_move(cbor_build_string(keys[k])),
                                                           cbor_move(v)}));
        }
        assert_true(cbor_array_push(arr, cbor_move(m)));
    }
    unsigned char *bytes = NULL;
    size_t cap = 0, len = cbor_serialize_alloc(arr, &bytes, &cap);
    cbor_decref(&arr);
    FILE *fp = fopen("pack_ab.cbor", "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(bytes, 1, len, fp), len);
    fclose(fp);
    free(bytes);
    assert_int_equal(pack_bad_file("pack_ab.cbor", "pack_ab_out.csv"), 3);
    csv = test_read_file("pack_ab_out.csv", NULL);
    assert_non_null(strstr(csv, "\nA,1,"));
    assert_non_null(strstr(csv, "\nB,,,,,,,,,,\"bad input: pack_ab.cbor: record 2"));
    free(csv);
#endif
}

/* A unit that fits no box is listed, not an error. */
static void test_unpackable_is_not_an_error(void **state)
{
    (void)state;
    FILE *fp = fopen("pack_sofa.csv", "wb");
    assert_non_null(fp);
    fputs("order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
          "S1,sofa,1,2000,900,800,40000\n"
          "S1,cup,2,80,80,100,200\n"
          "S2,cup,1,80,80,100,200\n"
          "a/b#1,cup,1,80,80,100,200\n", fp);
    fclose(fp);
    assert_int_equal(system("rm -rf pack_svg2"), 0);
    must_pack("--orders pack_sofa.csv -o pack_sofa_out.csv --check --svg pack_svg2");
    assert_int_equal(summary_number(" not packed"), 1);
    assert_int_equal(summary_number(" units packed"), 4);
    char *csv = test_read_file("pack_sofa_out.csv", NULL);
    assert_non_null(csv);
    assert_non_null(strstr(csv, "\nS1,,,1,1440000000,,,,,"));
    assert_non_null(strstr(csv, ": sofa,,\n"));
    assert_non_null(strstr(csv, "\nS2,1,"));
    free(csv);
    /* Pictures: an order id that is no file name ("a/b#1") is made one
     * ('/' and '#' become '_') with the id's hash added, so that "a_b_1"
     * cannot take the same name. */
    assert_true(exists("pack_svg2/S1-1.svg"));
    assert_true(exists("pack_svg2/S2-1.svg"));
    assert_int_equal(system("ls pack_svg2 | grep -qx 'a_b_1_[0-9a-f]\\{8\\}-1.svg'"), 0);
    assert_int_equal(system("ls pack_svg2 | wc -l | grep -qx ' *3'"), 0);
}

/* One field of the shipped catalog broken: line 5, column 2 (inner_l_mm
 * of box 4#) becomes "3x4". Exit 3, the error points there, no output. */
static void test_corrupt_catalog(void **state)
{
    (void)state;
    FILE *in = fopen(SAMPLE("catalogs/cn-express.csv"), "rb");
    assert_non_null(in);
    FILE *out = fopen("pack_corrupt.csv", "wb");
    assert_non_null(out);
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, in)) {
        if (++n == 5) {
            char *comma = strchr(line, ',');
            char *next = strchr(comma + 1, ',');
            fprintf(out, "%.*s,3x4%s", (int)(comma - line), line, next);
        } else {
            fputs(line, out);
        }
    }
    fclose(in);
    fclose(out);
    remove("pack_never.csv");
    assert_int_equal(pack("--catalog pack_corrupt.csv --orders " DEMO " -o pack_never.csv"), 3);
    assert_non_null(strstr(err_text, "pack_corrupt.csv:5:2: field 'inner_l_mm'"));
    assert_false(exists("pack_never.csv"));
    assert_int_equal(out_text[0], '\0');
}

static void test_usage_errors(void **state)
{
    (void)state;
    assert_int_equal(pack("--help"), 0);
    assert_non_null(strstr(out_text, "--placements FILE"));
    assert_int_equal(pack(""), 2);
    assert_non_null(strstr(err_text, "--orders"));
    assert_int_equal(pack("--orders " DEMO " --format xml"), 2);
    assert_int_equal(pack("--orders " DEMO " --rotation sideways"), 2);
    assert_int_equal(pack("--orders " DEMO " --objective speed"), 2);
    assert_int_equal(pack("--orders " DEMO " --objective co2e"), 2);
    assert_int_equal(pack("--orders " DEMO " --budget 0"), 2);
    assert_int_equal(pack("--orders " DEMO " --budget -5"), 2);
    assert_int_equal(pack("--orders " DEMO " --budget 12x"), 2);
    assert_int_equal(pack("--orders " DEMO " --support wobbly"), 2);
    assert_int_equal(pack("--orders " DEMO " --effort extreme"), 2);
    assert_non_null(strstr(err_text, "--effort wants normal or high"));
    assert_int_equal(pack("--orders " DEMO " --support-share 0"), 2);
    assert_int_equal(pack("--orders " DEMO " --support-share 101"), 2);
    assert_int_equal(pack("--orders " DEMO " --max-units 0"), 2);
    assert_int_equal(pack("--orders " DEMO " --max-fill 101"), 2);
    assert_int_equal(pack("--orders " DEMO " --frobnicate"), 2);
    assert_int_equal(pack("--orders " DEMO " extra.csv"), 2);
    /* good options, for contrast */
    must_pack("--orders " DEMO " --rotation upright --objective material --budget 5000 "
              "--format csv --check");
    assert_non_null(strstr(out_text, "order_id,box_seq,"));
    must_pack("--orders " DEMO " --effort high --budget 5000 --format csv --check");
    assert_non_null(strstr(out_text, "order_id,box_seq,"));
}

/* Runtime failures leave an existing output as it was and create none. */
static void test_never_half_written(void **state)
{
    (void)state;
    FILE *fp = fopen("pack_keep.csv", "wb");
    assert_non_null(fp);
    fputs("old\n", fp);
    fclose(fp);
    char buf[16];
    /* the placements file cannot be created: nothing is written */
    assert_int_equal(pack("--orders " DEMO " -o pack_keep.csv --placements /nonexistent-dir/p.csv"), 1);
    assert_non_null(strstr(err_text, "/nonexistent-dir/p.csv"));
    slurp("pack_keep.csv", buf, sizeof buf);
    assert_string_equal(buf, "old\n");
    /* the orders file is missing */
    assert_int_equal(pack("--orders pack_missing.csv -o pack_keep.csv"), 1);
    assert_non_null(strstr(err_text, "pack_missing.csv"));
    slurp("pack_keep.csv", buf, sizeof buf);
    assert_string_equal(buf, "old\n");
    /* --svg names a file, not a directory */
    assert_int_equal(pack("--orders " DEMO " -o pack_keep.csv --svg pack_keep.csv"), 1);
    slurp("pack_keep.csv", buf, sizeof buf);
    assert_string_equal(buf, "old\n");
    /* the catalog is missing */
    assert_int_equal(pack("--catalog pack_nocat.csv --orders " DEMO " -o pack_keep.csv"), 1);
    slurp("pack_keep.csv", buf, sizeof buf);
    assert_string_equal(buf, "old\n");
    /* and a good run replaces it */
    must_pack("--orders " DEMO " -o pack_keep.csv");
    slurp("pack_keep.csv", buf, sizeof buf);
    assert_int_equal(strncmp(buf, "order_id,", 9), 0);
}

/* --range: two byte ranges of one order file, cut between orders, packed
 * apart (on one thread and on two) give the single run's rows; a bad line
 * is named FILE@START-END with its line counted from the header; a range
 * off a line start or of a JSON file is a usage error. Offsets counted in
 * the file written here: a header of 74 bytes, then lines at 74 (A1), 108
 * (A1), 143 (B2), 177 (C3), 217 (C3, fragile=2 is bad input); 249 is the
 * end. */
static void test_range(void **state)
{
    (void)state;
    write_text("rg.csv", "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g,rotation,fragile,"
                         "alone,group\n"
                         "A1,CUP,2,100,100,120,300,any,0,0,\n"
                         "A1,PLATE,1,250,250,30,600,any,0,0,\n"
                         "B2,BOOK,3,210,150,40,450,any,0,0,\n"
                         "C3,LAMP,1,300,200,400,1200,upright,0,0,\n"
                         "C3,BULB,4,60,60,110,50,any,2,0,\n");
    assert_int_equal(pack("--orders rg.csv --format csv -o rg-one.csv --no-progress"), 3);
    assert_non_null(strstr(err_text, "rg.csv:6:9: field 'fragile'"));
    static char one[1 << 14], a[1 << 14], b[1 << 14];
    slurp("rg-one.csv", one, sizeof one);
    for (int jobs = 1; jobs <= 2; jobs++) {
        char args[256];
        snprintf(args, sizeof args, "--orders rg.csv --range 74-143 --format csv -o rg-a.csv "
                                    "--no-progress --jobs %d", jobs);
        assert_int_equal(pack(args), 0);
        assert_non_null(strstr(err_text, " 1 orders,"));
        snprintf(args, sizeof args, "--orders rg.csv --range 143-249 --format csv -o rg-b.csv "
                                    "--no-progress --jobs %d", jobs);
        assert_int_equal(pack(args), 3);
        assert_non_null(strstr(err_text, " 2 orders,"));
        assert_non_null(strstr(err_text, "rg.csv@143-249:4:9: field 'fragile'"));
        slurp("rg-a.csv", a, sizeof a);
        slurp("rg-b.csv", b, sizeof b);
        /* a's rows, then b's without its header line, are the single run's
         * (the bad order's message names the range, not the file) */
        const char *b_rows = strchr(b, '\n');
        assert_non_null(b_rows);
        size_t na = strlen(a);
        assert_int_equal(strncmp(one, a, na), 0);
        const char *one_b = one + na;
        const char *bad_one = strstr(one_b, "\nC3,,");
        const char *bad_b = strstr(b_rows, "\nC3,,");
        assert_non_null(bad_one);
        assert_non_null(bad_b);
        assert_int_equal(bad_one - one_b, bad_b - (b_rows + 1));
        assert_memory_equal(one_b, b_rows + 1, (size_t)(bad_one - one_b));
    }
    /* an empty range packs no order */
    assert_int_equal(pack("--orders rg.csv --range 143-143 --format csv --no-progress"), 0);
    assert_non_null(strstr(err_text, " 0 orders,"));
    /* a range that cuts order A1 (lines at 74 and 108) at its start or end */
    assert_int_equal(pack("--orders rg.csv --range 108-143 --format csv -o rg-cut.csv"), 2);
    assert_non_null(strstr(err_text, "cuts order 'A1' in two"));
    assert_false(exists("rg-cut.csv"));
    assert_int_equal(pack("--orders rg.csv --range 74-108 --format csv"), 2);
    assert_non_null(strstr(err_text, "cuts order 'A1' in two"));
    assert_int_equal(pack("--orders rg.csv --range 177-217 --format csv"), 2);
    assert_non_null(strstr(err_text, "cuts order 'C3' in two"));
    assert_int_equal(pack("--orders rg.csv --range 75-143 --format csv"), 2);
    assert_non_null(strstr(err_text, "start of a line"));
    assert_int_equal(pack("--orders rg.csv --range 10-143 --format csv"), 2);
    assert_non_null(strstr(err_text, "after the header line"));
    assert_int_equal(pack("--orders rg.csv --range 74-999 --format csv"), 2);
    assert_int_equal(pack("--orders rg.csv --range 143-74 --format csv"), 2);
    assert_int_equal(pack("--orders rg.jsonl --range 0-0 --format csv"), 2);
    assert_non_null(strstr(err_text, "CSV"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_format),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_placements_svg_check),
        cmocka_unit_test(test_bad_order_line),
        cmocka_unit_test(test_bad_order_files),
        cmocka_unit_test(test_unpackable_is_not_an_error),
        cmocka_unit_test(test_corrupt_catalog),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_never_half_written),
        cmocka_unit_test(test_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
