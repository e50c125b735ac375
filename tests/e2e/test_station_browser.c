/*
 * test_station_browser.c: the packing-station page in headless Chromium.
 *
 * How it is driven: the page has a scripted self-test (/?selftest=ITEMS)
 * that does what a packer does: scans each item id into the scan field
 * (which adds a row), types the sizes into the row, presses Pack, waits for
 * the answer, and writes what the page then shows into #selftest-result.
 * Chromium runs it with --virtual-time-budget, which lets the page's
 * timers and fetches complete before --dump-dom prints the document, so
 * there is no sleeping and no remote-debugging protocol to speak. This
 * test then checks, from outside the page, that the boxes it shows are the
 * ones libboxcar chooses for the same order (packed here, in process), and
 * keeps a screenshot (station.png in the test's build directory).
 *
 * A second run serves with the GB 45186 policy and an order too loose for
 * it (twelve dice): the page must show the
 * verdict libboxcar's bx_policy_pack gives (each violation's code, in the
 * order the answer lists them) and every assumption of the policy.
 *
 * A third serves with a container pool: the page gets a station field,
 * packs at station S1 (the self-test fills it in, with the token) and
 * shows the crate it issued, its container id and its picture.
 *
 * Skipped when Chromium is not installed (set CHROMIUM to its path to use
 * another one).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "serve_util.h"
#include "testutil.h"

#define CATALOG BOXCAR_SAMPLES "/catalogs/cn-express.csv"

/* The self-test's order: id,l,w,h,g,qty per item (the page gives every
 * line the order id STATION-1, any rotation, not fragile). */
#define ITEMS "MUG,120,90,100,350,2;BOOK,240,170,30,600,1;LAMP,300,160,160,900,1"

static const char *chromium(void)
{
    const char *env = getenv("CHROMIUM");
    if (env != NULL && access(env, X_OK) == 0)
        return env;
    static const char *const places[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser",
                                         "/usr/bin/google-chrome", NULL};
    for (size_t i = 0; places[i] != NULL; i++)
        if (access(places[i], X_OK) == 0)
            return places[i];
    return NULL;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run Chromium headless on url with one more flag (--dump-dom or
 * --screenshot=...), standard output to out; at most 90 s. Its exit code. */
static int run_chromium(const char *url, const char *flag, const char *out,
                        const char *profile)
{
    char profile_flag[256];
    snprintf(profile_flag, sizeof profile_flag, "--user-data-dir=%s", profile);
    const char *argv[] = {
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
        "--window-size=1280,1100", "--virtual-time-budget=15000", profile_flag, flag,
        url, NULL,
    };
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open("station.chromium.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0)
            dup2(fd, STDOUT_FILENO);
        if (err >= 0)
            dup2(err, STDERR_FILENO);
        setpgid(0, 0); /* so a hung browser goes with all its children */
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    long long deadline = now_ms() + 90000;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (now_ms() > deadline) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            fail_msg("chromium did not finish within 90 s");
        }
        sleep_ms(20);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The boxes libboxcar chooses for the self-test's order, "5# 7#"-style;
 * under a policy file when policy is not NULL, with the verdict as the page
 * reports it ("compliant" or "N violations"), the violation codes (the
 * order's first, then box by box) and the number of assumptions. */
typedef struct verdict {
    char verdict[64];
    char codes[512];
    size_t assumptions;
} verdict;

typedef struct item {
    const char *id;
    int l, w, h, g, qty;
} item;

static const item page_items[] = {
    {"MUG", 120, 90, 100, 350, 2},
    {"BOOK", 240, 170, 30, 600, 1},
    {"LAMP", 300, 160, 160, 900, 1},
};

/* Twelve dice of 30 mm leave 55 % of the smallest carton empty: more void
 * than the policy allows, whichever box (so the page must list a
 * violation). */
#define DICE "DIE,30,30,30,20,12"
static const item dice[] = {{"DIE", 30, 30, 30, 20, 12}};

static void expected_boxes_under(const char *policy, const item *items, size_t nitems,
                                 char *out, size_t size, verdict *v)
{
    bx_ctx *ctx = NULL;
    assert_int_equal(bx_ctx_new(&ctx, NULL, NULL), BX_OK);
    bx_catalog *cat = NULL;
    assert_int_equal(bx_catalog_load(ctx, &cat, CATALOG, BX_FORMAT_AUTO), BX_OK);
    bx_order_line lines[3];
    assert_true(nitems <= 3);
    for (size_t i = 0; i < nitems; i++) {
        bx_order_line_init(&lines[i]);
        snprintf(lines[i].order_id, BX_ID_MAX, "STATION-1");
        snprintf(lines[i].item_id, BX_ID_MAX, "%s", items[i].id);
        lines[i].l_mm = items[i].l;
        lines[i].w_mm = items[i].w;
        lines[i].h_mm = items[i].h;
        lines[i].weight_g = items[i].g;
        lines[i].qty = items[i].qty;
    }
    bx_engine *engine = NULL;
    assert_int_equal(bx_engine_new(ctx, &engine, NULL), BX_OK);
    bx_order order = {lines, nitems};
    const bx_pack_result *res = NULL;
    bx_policy *p = NULL;
    if (policy != NULL) {
        assert_int_equal(bx_policy_load(ctx, &p, policy, cat, NULL), BX_OK);
        assert_int_equal(bx_policy_pack(p, engine, &order, NULL, &res), BX_OK);
        v->assumptions = bx_policy_assumption_count(p);
        snprintf(v->verdict, sizeof v->verdict, res->nviolations == 0 ? "compliant"
                                                                       : "%zu violations",
                 res->nviolations);
        v->codes[0] = '\0';
        for (size_t b = 0; b <= res->nboxes; b++)
            for (size_t i = 0; i < res->nviolations; i++)
                if (res->violations[i].box_seq == b) {
                    size_t n = strlen(v->codes);
                    snprintf(v->codes + n, sizeof v->codes - n, "%s%s", n ? " " : "",
                             res->violations[i].code);
                }
    } else {
        assert_int_equal(bx_pack(engine, cat, &order, NULL, &res), BX_OK);
    }
    assert_true(res->nboxes >= 1);
    out[0] = '\0';
    for (size_t b = 0; b < res->nboxes; b++) {
        size_t n = strlen(out);
        snprintf(out + n, size - n, "%s%s", b ? " " : "", res->boxes[b].box->box_id);
    }
    bx_policy_free(p);
    bx_engine_free(engine);
    bx_catalog_free(cat);
    bx_ctx_free(ctx);
}

static void expected_boxes(char *out, size_t size)
{
    expected_boxes_under(NULL, page_items, 3, out, size, NULL);
}

static void test_station_page(void **state)
{
    (void)state;
    if (chromium() == NULL) {
        print_message("chromium not installed: skipped\n");
        skip();
    }
    char want[256];
    expected_boxes(want, sizeof want);

    test_server s;
    server_start(&s, "test_station_browser", NULL, NULL);
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/?selftest=" ITEMS, s.port);
    if (system("rm -rf station.profile.dom station.profile.shot") != 0)
        fail_msg("cannot clear the browser profiles");

    assert_int_equal(run_chromium(url, "--dump-dom", "station.dom.html", "station.profile.dom"), 0);
    size_t len;
    char *dom = read_file("station.dom.html", &len);
    const char *result = strstr(dom, "id=\"selftest-result\"");
    if (result == NULL || strstr(result, "data-status=\"pass\"") == NULL)
        fail_msg("the page's self-test did not pass: %.600s",
                 result != NULL ? result : dom);
    char shown[512];
    snprintf(shown, sizeof shown, "boxes shown: %s;", want);
    if (strstr(result, shown) == NULL)
        fail_msg("the page shows other boxes than libboxcar chose (%s): %.300s", want, result);
    /* each box's card, with its id, its picture and its load order */
    for (const char *id = want; *id != '\0';) {
        size_t n = strcspn(id, " ");
        char card[128];
        snprintf(card, sizeof card, "<span class=\"box-id\">%.*s</span>", (int)n, id);
        assert_non_null(strstr(dom, card));
        id += n + (id[n] == ' ');
    }
    assert_non_null(strstr(dom, "src=\"data:image/svg+xml"));
    assert_non_null(strstr(dom, "class=\"load-order\""));
    assert_non_null(strstr(dom, "Policy verdict"));
    assert_non_null(strstr(result, "verdict: no policy;"));
    free(dom);

    unlink("station.png");
    assert_int_equal(run_chromium(url, "--screenshot=station.png", "station.shot.out",
                                  "station.profile.shot"), 0);
    char *png = read_file("station.png", &len);
    assert_true(len > 10000);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    free(png);
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

#define POLICY BOXCAR_SCRIPTS "/policy/gb45186.lua"

static void test_station_policy_verdict(void **state)
{
    (void)state;
    if (chromium() == NULL) {
        print_message("chromium not installed: skipped\n");
        skip();
    }
#if !BOXCAR_HAVE_LUA
    print_message("built without Lua: skipped\n");
    skip();
#endif
    char want[256];
    verdict v;
    expected_boxes_under(POLICY, dice, 1, want, sizeof want, &v);
    /* the policy states its guesses: the page must show them all */
    assert_true(v.assumptions > 0);
    assert_true(v.codes[0] != '\0');

    static const char *const args[] = {"--policy", POLICY, NULL};
    test_server s;
    server_start(&s, "test_station_policy", args, NULL);
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/?selftest=" DICE, s.port);
    if (system("rm -rf station.profile.policy") != 0)
        fail_msg("cannot clear the browser profile");
    assert_int_equal(run_chromium(url, "--dump-dom", "station.policy.html",
                                  "station.profile.policy"), 0);
    size_t len;
    char *dom = read_file("station.policy.html", &len);
    const char *result = strstr(dom, "id=\"selftest-result\"");
    if (result == NULL || strstr(result, "data-status=\"pass\"") == NULL)
        fail_msg("the page's self-test did not pass: %.600s", result != NULL ? result : dom);
    char shown[1024];
    snprintf(shown, sizeof shown, "boxes shown: %s;", want);
    if (strstr(result, shown) == NULL)
        fail_msg("the page shows other boxes than the policy chose (%s): %.300s", want, result);
    snprintf(shown, sizeof shown, "verdict: %s; codes: %s; assumptions: %zu;", v.verdict,
             v.codes, v.assumptions);
    if (strstr(result, shown) == NULL)
        fail_msg("the page shows another verdict than bx_policy_pack (%s): %.400s", shown,
                 result);
    assert_non_null(strstr(dom, "class=\"verdict-bad\""));
    assert_non_null(strstr(dom, "<li class=\"violation\" data-code=\"GB45186.VOID\">"));
    free(dom);
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

#define REUSABLE BOXCAR_SAMPLES "/catalogs/cn-express-reusable.csv"
#define TOKEN "station-page-token"
/* Ten bricks of 150 x 100 x 60 mm go into one crate-pp (inside 430 x 210
 * x 260 mm: on a 60 x 100 mm face, 7 along 430 and 2 along 210 hold 14),
 * and the crate alone is no more boxes than any other packing: the
 * station's one crate, K1, is taken. */
#define BRICKS "BRICK,150,100,60,800,10"

static void test_station_pool(void **state)
{
    (void)state;
    if (chromium() == NULL) {
        print_message("chromium not installed: skipped\n");
        skip();
    }
    unlink("station.pool.journal");
    /* S1 joined three weeks ago, and K1 made one trip since: the page
     * shows the station's forecast from 21 days of history */
    long long t0 = (long long)time(NULL) - 21 * 86400;
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "J='-j station.pool.journal'; B='" BOXCAR_BIN "'; "
             "$B containers station S1 $J --at @%lld && "
             "$B containers register K1 --type crate-pp --station S1 $J --at @%lld && "
             "$B containers issue K1 --station S1 --order T1 $J --at @%lld && "
             "$B containers return K1 --station S1 $J --at @%lld && "
             "$B containers wash K1 $J --at @%lld",
             t0, t0, t0 + 86400, t0 + 2 * 86400, t0 + 2 * 86400 + 3600);
    if (system(cmd) != 0)
        fail_msg("cannot make the pool");
    write_file("station.pool.token", TOKEN "\n", sizeof TOKEN);
    static const char *const args[] = {"--pool", "station.pool.journal", "--catalog", REUSABLE,
                                       "--token-file", "station.pool.token", NULL};
    test_server s;
    server_start(&s, "test_station_pool", args, NULL);
    char url[256];
    snprintf(url, sizeof url,
             "http://127.0.0.1:%d/?selftest=" BRICKS "&station=S1&token=" TOKEN, s.port);
    if (system("rm -rf station.profile.pool") != 0)
        fail_msg("cannot clear the browser profile");
    assert_int_equal(run_chromium(url, "--dump-dom", "station.pool.html",
                                  "station.profile.pool"), 0);
    size_t len;
    char *dom = read_file("station.pool.html", &len);
    const char *result = strstr(dom, "id=\"selftest-result\"");
    if (result == NULL || strstr(result, "data-status=\"pass\"") == NULL)
        fail_msg("the page's self-test did not pass: %.600s", result != NULL ? result : dom);
    if (strstr(result, "boxes shown: crate-pp; pictures: 1;") == NULL ||
        strstr(result, "containers: container K1;") == NULL ||
        strstr(result, "Containers issued: K1.") == NULL)
        fail_msg("the page does not show crate K1 issued: %.400s", result);
    assert_non_null(strstr(dom, "<span class=\"container-id\">container K1</span>"));
    /* and what the station will need next */
    const char *fc = strstr(dom, "id=\"forecast-box\"");
    if (fc == NULL || strstr(fc, "Containers this station will issue and take back") == NULL ||
        strstr(fc, "<td>crate-pp</td>") == NULL)
        fail_msg("the page shows no forecast: %.600s", fc != NULL ? fc : dom);
    free(dom);
    /* the issue is in the journal */
    if (system("'" BOXCAR_BIN "' containers list -j station.pool.journal --format csv "
               "2>/dev/null | grep -q '\"K1\",\"crate-pp\",issued,\"S1\",\"STATION-1\"'") != 0)
        fail_msg("K1 is not issued to STATION-1 in the journal");
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_station_page),
        cmocka_unit_test(test_station_policy_verdict),
        cmocka_unit_test(test_station_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
