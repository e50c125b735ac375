/*
 * test_serve_pool_pack.c: packing at a station from the container pool
 * over HTTP (POST /v1/pack?station=S), stock across requests.
 *
 * The pool is made with `boxcar containers` before the server opens it:
 * station S1 with two crate-pp crates, K1 registered before K2, and an
 * empty station S2. Each answer is compared with what `boxcar pack --pool
 * --station` writes on a copy of the journal taken just before the
 * request (the same state), and the journal itself is read back with
 * `boxcar containers list|verify`.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "serve_util.h"
#include "testutil.h"

#define CATALOG BOXCAR_SAMPLES "/catalogs/cn-express-reusable.csv"
#define REUSE_FIRST BOXCAR_SCRIPTS "/policy/reuse-first.lua"
#define TOKEN "station-token-for-tests"
#define AUTH "Authorization: Bearer " TOKEN "\r\n"

/* Ten bricks of 150 x 100 x 60 mm, 800 g: 9,000,000 mm3 and 8 kg. One
 * crate-pp (inside 430 x 210 x 260 mm = 23,478,000 mm3, up to 16.5 kg)
 * holds them: on a 60 x 100 mm face, 150 mm tall, 7 fit along 430 mm and
 * 2 along 210 mm, 14 in one layer; 8 kg + 1.5 kg tare is under its
 * limit. So the crate alone is one box, no more than the best mixed
 * packing, and the containers-only packing wins while a crate is ready. */
static const char bricks_fmt[] = "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\n"
                                 "%s,BRICK,10,150,100,60,800\n";

static void order_csv(const char *order_id, char *buf, size_t size)
{
    snprintf(buf, size, bricks_fmt, order_id);
}

/* A pool: S1 with n crate-pp registered one second apart (K1 first),
 * and S2 with none. */
static void make_pool(const char *journal, int n)
{
    unlink(journal);
    assert_int_equal(serve_sh("'%s' containers station S1 S2 -j %s --at @1700000000 "
                              ">/dev/null 2>&1", BOXCAR_BIN, journal), 0);
    for (int i = 1; i <= n; i++)
        assert_int_equal(serve_sh("'%s' containers register K%d --type crate-pp --station S1 "
                                  "-j %s --at @%d >/dev/null 2>&1",
                                  BOXCAR_BIN, i, journal, 1700000000 + 10 * i), 0);
}

static long long file_size(const char *path)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    return (long long)sb.st_size;
}

static void start(test_server *s, const char *name, const char *journal, const char *policy)
{
    write_file("pool_pack_token", TOKEN "\n", sizeof TOKEN);
    const char *args[] = {"--pool", journal, "--catalog", CATALOG, "--token-file",
                          "pool_pack_token", policy ? "--policy" : NULL, policy, NULL};
    server_start(s, name, args, NULL);
}

static void post(int port, const char *path, const char *headers, const char *body,
                 http_resp *r)
{
    char h[256];
    snprintf(h, sizeof h, "Content-Type: text/csv\r\n%s", headers ? headers : "");
    http_do(port, "POST", path, h, body, strlen(body), r);
}

/* What `boxcar pack --pool` writes for the order on a copy of the
 * journal as it is now (the server is idle between requests). */
static char *cli_pack(const char *journal, const char *order, const char *policy,
                      const char *format, size_t *len)
{
    write_file("pool_pack_order.csv", order, strlen(order));
    assert_int_equal(serve_sh("cp %s pool_pack_copy.journal && rm -f pool_pack_copy.journal.snap "
                              "&& { [ ! -e %s.snap ] || cp %s.snap pool_pack_copy.journal.snap; }",
                              journal, journal, journal), 0);
    assert_int_equal(serve_sh("'%s' pack --pool pool_pack_copy.journal --station S1 "
                              "--catalog %s %s %s --orders pool_pack_order.csv --format %s "
                              "-o pool_pack_cli.out 2>pool_pack_cli.err", BOXCAR_BIN, CATALOG,
                              policy ? "--policy" : "", policy ? policy : "", format), 0);
    return read_file("pool_pack_cli.out", len);
}

/* POST /v1/pack?station=S1 answers exactly what the CLI writes on the
 * same state; the answer is returned (free with http_free). */
static void pack_like_cli(int port, const char *journal, const char *order_id,
                          const char *policy, bool cbor, http_resp *r)
{
    char order[256];
    order_csv(order_id, order, sizeof order);
    size_t len;
    char *want = cli_pack(journal, order, policy, cbor ? "cbor" : "json", &len);
    post(port, "/v1/pack?station=S1", cbor ? AUTH "Accept: application/cbor\r\n" : AUTH,
         order, r);
    assert_int_equal(r->status, 200);
    if (r->body_len != len || memcmp(r->body, want, len) != 0)
        fail_msg("%s differs from boxcar pack --pool:\nserve: %s\npack:  %s", order_id,
                 r->body, want);
    free(want);
}

/* Does a CBOR answer hold the text string s? */
static bool cbor_has_text(const http_resp *r, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n + 1 <= r->body_len; i++)
        if (r->body[i] == 0x60 + n && memcmp(r->body + i + 1, s, n) == 0)
            return true;
    return false;
}

static void test_stock_across_requests(void **state)
{
    (void)state;
    make_pool("pool_pack.journal", 2);
    test_server s;
    start(&s, "test_serve_pool_pack", "pool_pack.journal", NULL);

    /* K1 has been ready longest: the first order takes it, the second
     * (in CBOR) K2, and the third finds no crate left and gets a carton */
    http_resp r;
    pack_like_cli(s.port, "pool_pack.journal", "A1", NULL, false, &r);
    assert_non_null(strstr((char *)r.body, "\"box_id\":\"crate-pp\""));
    assert_non_null(strstr((char *)r.body, "\"container_id\":\"K1\""));
    http_free(&r);
    pack_like_cli(s.port, "pool_pack.journal", "A2", NULL, true, &r);
    assert_true(cbor_has_text(&r, "K2"));
    http_free(&r);
    pack_like_cli(s.port, "pool_pack.journal", "A3", NULL, false, &r);
    assert_null(strstr((char *)r.body, "crate-pp"));
    assert_non_null(strstr((char *)r.body, "\"container_id\":null"));
    http_free(&r);

    /* the journal says so */
    assert_int_equal(serve_sh("'%s' containers list -j pool_pack.journal --format csv "
                              "> pool_pack_list.csv 2>/dev/null", BOXCAR_BIN), 0);
    size_t len;
    char *list = read_file("pool_pack_list.csv", &len);
    assert_non_null(strstr(list, "\"K1\",\"crate-pp\",issued,\"S1\",\"A1\","));
    assert_non_null(strstr(list, "\"K2\",\"crate-pp\",issued,\"S1\",\"A2\","));
    free(list);
    char line[] = "boxcar_pool_containers_issued_total 2\n";
    assert_true(wait_metric(s.port, line));
    /* three orders packed: the plain packing counters count them too */
    assert_true(wait_metric(s.port, "boxcar_pack_orders_total 3\n"));
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

static void expect(int port, const char *path, const char *headers, const char *body,
                   int status, const char *has)
{
    http_resp r;
    post(port, path, headers, body, &r);
    if (r.status != status || strstr((char *)r.body, has) == NULL)
        fail_msg("%s: %d %s (want %d and %s)", path, r.status, r.body, status, has);
    http_free(&r);
}

/* Everything that issues nothing leaves the journal's bytes as they were. */
static void test_refusals_issue_nothing(void **state)
{
    (void)state;
    make_pool("pool_pack_refuse.journal", 2);
    test_server s;
    start(&s, "test_serve_pool_pack_refuse", "pool_pack_refuse.journal", NULL);
    long long size = file_size("pool_pack_refuse.journal");
    char order[256];
    order_csv("B1", order, sizeof order);

    /* the token: none, or a wrong one */
    expect(s.port, "/v1/pack?station=S1", NULL, order, 401, "with station needs the header");
    expect(s.port, "/v1/pack?station=S1", "Authorization: Bearer wrong\r\n", order, 401,
           "\"unauthorized\"");
    /* a station the pool does not have: the library's message */
    expect(s.port, "/v1/pack?station=S9", AUTH, order, 422,
           "{\"error\":\"unknown\",\"message\":\"station 'S9' is not in the pool\","
           "\"status\":422,\"field\":\"station\"}");
    expect(s.port, "/v1/pack?station=", AUTH, order, 400, "\"field\":\"station\"");
    /* a bad order: the same answer as without a station */
    expect(s.port, "/v1/pack?station=S1", AUTH,
           "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g\nB1,X,0,1,1,1,1\n", 400,
           "\"field\":\"qty\",\"line\":2");
    /* the pictures only look: no token, nothing issued, and they name
     * the container the order would take */
    expect(s.port, "/v1/pack/svg?station=S1", NULL, order, 200,
           "\"box_ids\":[\"crate-pp\"],\"container_ids\":[\"K1\"]");
    expect(s.port, "/v1/pack/svg?station=S1", NULL, order, 200, "\"container_ids\":[\"K1\"]");
    assert_int_equal(file_size("pool_pack_refuse.journal"), size);
    /* an empty station gets cartons, and writes nothing */
    expect(s.port, "/v1/pack?station=S2", AUTH, order, 200, "\"container_id\":null");
    assert_int_equal(file_size("pool_pack_refuse.journal"), size);
    /* without a station, /v1/pack is a read as before */
    expect(s.port, "/v1/pack", NULL, order, 200, "\"box_id\"");
    assert_int_equal(file_size("pool_pack_refuse.journal"), size);
    assert_true(wait_metric(s.port, "boxcar_pool_containers_issued_total 0\n"));
    assert_int_equal(server_stop(&s, SIGTERM), 0);

    /* a server without a pool has no stations (with the token, so the
     * answer is about the pool) */
    test_server plain;
    static const char *const plain_args[] = {"--token-file", "pool_pack_token", NULL};
    server_start(&plain, "test_serve_pool_pack_none", plain_args, NULL);
    expect(plain.port, "/v1/pack?station=S1", AUTH, order, 404,
           "{\"error\":\"not_configured\",\"message\":\"query argument 'station': this "
           "server keeps no container pool (start it with --pool JOURNAL)\"");
    expect(plain.port, "/v1/pack/svg?station=S1", NULL, order, 404,
           "\"error\":\"not_configured\"");
    assert_int_equal(server_stop(&plain, SIGTERM), 0);
}

static void test_under_policy(void **state)
{
    (void)state;
    make_pool("pool_pack_policy.journal", 1);
    test_server s;
    start(&s, "test_serve_pool_pack_policy", "pool_pack_policy.journal", REUSE_FIRST);
    /* reuse-first takes the one crate, then has none to offer */
    http_resp r;
    pack_like_cli(s.port, "pool_pack_policy.journal", "P1", REUSE_FIRST, false, &r);
    assert_non_null(strstr((char *)r.body, "\"container_id\":\"K1\""));
    assert_non_null(strstr((char *)r.body, "\"policy\":\"reuse-first\""));
    http_free(&r);
    pack_like_cli(s.port, "pool_pack_policy.journal", "P2", REUSE_FIRST, true, &r);
    assert_false(cbor_has_text(&r, "K1"));
    http_free(&r);
    pack_like_cli(s.port, "pool_pack_policy.journal", "P3", REUSE_FIRST, false, &r);
    assert_null(strstr((char *)r.body, "crate-pp"));
    http_free(&r);

    /* a reload (same files) builds the packers again: still none left */
    assert_int_equal(kill(s.pid, SIGHUP), 0);
    assert_true(wait_generation(s.port, 2));
    pack_like_cli(s.port, "pool_pack_policy.journal", "P4", REUSE_FIRST, false, &r);
    http_free(&r);
    assert_int_equal(serve_sh("'%s' containers list -j pool_pack_policy.journal --format csv "
                              "> pool_pack_list.csv 2>/dev/null", BOXCAR_BIN), 0);
    size_t len;
    char *list = read_file("pool_pack_list.csv", &len);
    assert_non_null(strstr(list, "\"K1\",\"crate-pp\",issued,\"S1\",\"P1\","));
    free(list);
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

#define CLIENTS 4
#define PER_CLIENT 4
#define CRATES 6

/* Clients at once on one station: each container goes out once. Every
 * client writes the container ids it was given, one a line ("-" for an
 * order that got cartons). */
static void client(int port, int k)
{
    char path[64];
    snprintf(path, sizeof path, "pool_pack_client%d.txt", k);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        _exit(2);
    int bad = 0;
    for (int i = 0; i < PER_CLIENT; i++) {
        char id[32], order[256];
        snprintf(id, sizeof id, "C%d-%d", k, i);
        order_csv(id, order, sizeof order);
        http_resp r;
        post(port, "/v1/pack?station=S1", AUTH, order, &r);
        bad += r.status != 200;
        const char *c = r.body != NULL ? strstr((char *)r.body, "\"container_id\":\"") : NULL;
        if (c != NULL)
            fprintf(f, "%.*s\n", (int)strcspn(c + 16, "\""), c + 16);
        else
            fprintf(f, "-\n");
        http_free(&r);
    }
    fclose(f);
    _exit(bad == 0 ? 0 : 1);
}

static void test_clients_at_once(void **state)
{
    (void)state;
    make_pool("pool_pack_many.journal", CRATES);
    test_server s;
    start(&s, "test_serve_pool_pack_many", "pool_pack_many.journal", NULL);
    pid_t pids[CLIENTS];
    for (int k = 0; k < CLIENTS; k++) {
        pids[k] = fork();
        assert_true(pids[k] >= 0);
        if (pids[k] == 0)
            client(s.port, k);
    }
    for (int k = 0; k < CLIENTS; k++) {
        int st;
        assert_int_equal(waitpid(pids[k], &st, 0), pids[k]);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    /* 16 orders of one crate each and 6 crates: 6 orders get one, each a
     * different one, and 10 get cartons */
    bool seen[CRATES + 1] = {false};
    int with = 0, without = 0;
    for (int k = 0; k < CLIENTS; k++) {
        char path[64];
        snprintf(path, sizeof path, "pool_pack_client%d.txt", k);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        char line[64];
        while (fgets(line, sizeof line, f) != NULL) {
            int n;
            if (line[0] == '-') {
                without++;
                continue;
            }
            assert_int_equal(sscanf(line, "K%d", &n), 1);
            assert_true(n >= 1 && n <= CRATES);
            assert_false(seen[n]);
            seen[n] = true;
            with++;
        }
        fclose(f);
    }
    assert_int_equal(with, CRATES);
    assert_int_equal(without, CLIENTS * PER_CLIENT - CRATES);
    assert_int_equal(serve_sh("'%s' containers verify -j pool_pack_many.journal >/dev/null "
                              "2>&1", BOXCAR_BIN), 0);
    assert_int_equal(serve_sh("test \"$('%s' containers list -j pool_pack_many.journal "
                              "--state issued --format csv 2>/dev/null | tail -n +2 | wc -l)\" "
                              "= %d", BOXCAR_BIN, CRATES), 0);
    char line[64];
    snprintf(line, sizeof line, "boxcar_pool_containers_issued_total %d\n", CRATES);
    assert_true(wait_metric(s.port, line));
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stock_across_requests),
        cmocka_unit_test(test_refusals_issue_nothing),
        cmocka_unit_test(test_under_policy),
        cmocka_unit_test(test_clients_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
