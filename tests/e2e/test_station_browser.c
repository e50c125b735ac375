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
 * The page in Chinese (?lang=zh) under the policy tells the verdict in
 * the packers' terms (空隙率 with the void ratio as a rounded percentage,
 * worked out here from bx_policy_pack's figure); in English the same
 * sentence. With a length left empty, Enter in the last field marks that
 * field, focuses it and says the row, the item (a 13-digit barcode, whole)
 * and the field. A six-box order stays compact. Screenshots of each stay
 * in the build directory (station*.png).
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
    double first_value, first_limit; /* the first violation's figures */
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
        if (res->nviolations > 0) {
            v->first_value = res->violations[0].value;
            v->first_limit = res->violations[0].limit;
        }
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
    /* a legend of every item id, and the loading steps as pictures */
    const char *legend = strstr(result, "legend: ");
    assert_non_null(legend);
    for (size_t i = 0; i < 3; i++) {
        char id[32];
        snprintf(id, sizeof id, " %s", page_items[i].id);
        const char *end = strchr(legend, ';');
        const char *at = strstr(legend + 7, id);
        if (at == NULL || at > end)
            fail_msg("the legend lacks %s: %.300s", page_items[i].id, legend);
    }
    assert_null(strstr(result, "steps: 0;"));
    assert_non_null(strstr(result, "lang: en;"));
    assert_non_null(strstr(dom, "<html lang=\"en\""));
    free(dom);

    /* F2 after the packing starts the next order: the id counted on, the
     * table and the boxes cleared, the scan field ready */
    char next_url[300];
    snprintf(next_url, sizeof next_url, "%s&next=1", url);
    if (system("rm -rf station.profile.next") != 0)
        fail_msg("cannot clear the browser profile");
    assert_int_equal(run_chromium(next_url, "--dump-dom", "station.next.html",
                                  "station.profile.next"), 0);
    dom = read_file("station.next.html", &len);
    result = strstr(dom, "id=\"selftest-result\"");
    if (result == NULL ||
        strstr(result, "next order: STATION-2, rows 0, boxes 0, focus scan;") == NULL)
        fail_msg("F2 did not start the next order: %.400s", result != NULL ? result : dom);
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
             "$B containers wash K1 $J --at @%lld && "
             "$B containers station S2 $J --at @%lld && "
             "$B containers register K2 K3 K4 K5 --type crate-pp --station S2 $J --at @%lld",
             t0, t0, t0 + 86400, t0 + 2 * 86400, t0 + 2 * 86400 + 3600, t0, t0);
    if (system(cmd) != 0)
        fail_msg("cannot make the pool");
    write_file("station.pool.token", TOKEN "\n", sizeof TOKEN);
    static const char links[] = "from,to,distance_km,cost_per_container\nS1,S2,12.5,2\n";
    write_file("station.pool.links", links, sizeof links - 1);
    static const char *const args[] = {"--pool", "station.pool.journal", "--catalog", REUSABLE,
                                       "--token-file", "station.pool.token",
                                       "--links", "station.pool.links", NULL};
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
    /* and its planned arrivals. S1 issued one crate (day 1 of 21) that came
     * back the next day: from today (day 21, day 0's weekday) the forecast
     * issues 1/3 on day 1 and takes 1/3 back on day 2: a draw-down of 1/3,
     * need 1. With K1 just issued S1 has none; S2 has four and needs none:
     * the plan sends one from S2, 12.5 km. */
    const char *ar = strstr(dom, "id=\"arrivals-status\"");
    if (ar == NULL || strstr(ar, "Containers the rebalancing plan sends here") == NULL ||
        strstr(ar, "<td>S2</td><td>1</td><td>12.5</td>") == NULL)
        fail_msg("the page shows no planned arrival: %.600s", ar != NULL ? ar : dom);
    free(dom);
    /* the issue is in the journal */
    if (system("'" BOXCAR_BIN "' containers list -j station.pool.journal --format csv "
               "2>/dev/null | grep -q '\"K1\",\"crate-pp\",issued,\"S1\",\"STATION-1\"'") != 0)
        fail_msg("K1 is not issued to STATION-1 in the journal");
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}


/* A ratio as the page shows it: a percentage to one decimal, without a
 * trailing ".0" (0.5166 -> "51.7", 0.4 -> "40"). */
static void percent_text(double ratio, char *out, size_t size)
{
    snprintf(out, size, "%.1f", ratio * 100.0);
    size_t n = strlen(out);
    if (n > 2 && strcmp(out + n - 2, ".0") == 0)
        out[n - 2] = '\0';
}

/* The GB 45186 verdict in Chinese and in English, in the packers' terms
 * with rounded numbers. */
static void test_station_verdict_in_both_languages(void **state)
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
    assert_true(strncmp(v.codes, "GB45186.VOID", 12) == 0);
    char value[32], limit[32];
    percent_text(v.first_value, value, sizeof value);
    percent_text(v.first_limit, limit, sizeof limit);
    assert_string_equal(limit, "40"); /* the policy's default void_max, 0.4 */

    static const char *const args[] = {"--policy", POLICY, NULL};
    test_server s;
    server_start(&s, "test_station_lang", args, NULL);
    static const struct {
        const char *lang, *html, *said, *over, *dom, *shot;
    } langs[] = {
        {"zh", "<html lang=\"zh-CN\"", "said: 空隙率 ", " %，超过限值 ", "打包工位",
         "station.zh.png"},
        {"en", "<html lang=\"en\"", "said: Void ratio ", " %, over the limit of ",
         "packing station", "station.policy.png"},
    };
    for (size_t i = 0; i < 2; i++) {
        char url[256];
        snprintf(url, sizeof url, "http://127.0.0.1:%d/?lang=%s&selftest=" DICE, s.port,
                 langs[i].lang);
        if (system("rm -rf station.profile.lang station.profile.langshot") != 0)
            fail_msg("cannot clear the browser profile");
        assert_int_equal(run_chromium(url, "--dump-dom", "station.lang.html",
                                      "station.profile.lang"), 0);
        size_t len;
        char *dom = read_file("station.lang.html", &len);
        const char *result = strstr(dom, "id=\"selftest-result\"");
        if (result == NULL || strstr(result, "data-status=\"pass\"") == NULL)
            fail_msg("%s: the page's self-test did not pass: %.600s", langs[i].lang,
                     result != NULL ? result : dom);
        char said[256];
        snprintf(said, sizeof said, "%s%s%s%s %%;", langs[i].said, value, langs[i].over, limit);
        if (strstr(result, said) == NULL)
            fail_msg("%s: the verdict is not told as '%s': %.600s", langs[i].lang, said, result);
        assert_non_null(strstr(dom, langs[i].html));
        assert_non_null(strstr(dom, langs[i].dom));
        /* the policy's own words stay beside it, and no raw ratio is shown */
        assert_non_null(strstr(dom, "class=\"policy-words\""));
        assert_null(strstr(result, "0.5166"));
        free(dom);
        unlink(langs[i].shot);
        char flag[64];
        snprintf(flag, sizeof flag, "--screenshot=%s", langs[i].shot);
        assert_int_equal(run_chromium(url, flag, "station.shot.out", "station.profile.langshot"), 0);
        char *png = read_file(langs[i].shot, &len);
        assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
        free(png);
    }
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

/* An empty length, packed by Enter in the last field: the field is marked
 * and focused, and the message names the row, the item's whole 13-digit
 * barcode and the field, in the page's language. */
static void test_station_error_points_at_field(void **state)
{
    (void)state;
    if (chromium() == NULL) {
        print_message("chromium not installed: skipped\n");
        skip();
    }
    test_server s;
    server_start(&s, "test_station_error", NULL, NULL);
    static const struct {
        const char *lang, *status;
    } langs[] = {
        {"zh", "status: 第 2 行（6901234567892），长 (mm)：未填写，请输入"},
        {"en", "status: Row 2 (6901234567892), length mm: empty: enter it"},
    };
    for (size_t i = 0; i < 2; i++) {
        char url[256];
        snprintf(url, sizeof url,
                 "http://127.0.0.1:%d/?lang=%s&expect=error&selftest=MUG,120,90,100,350,1;"
                 "6901234567892,,90,100,350,1", s.port, langs[i].lang);
        if (system("rm -rf station.profile.error") != 0)
            fail_msg("cannot clear the browser profile");
        assert_int_equal(run_chromium(url, "--dump-dom", "station.error.html",
                                      "station.profile.error"), 0);
        size_t len;
        char *dom = read_file("station.error.html", &len);
        const char *result = strstr(dom, "id=\"selftest-result\"");
        if (result == NULL || strstr(result, "data-status=\"pass\"") == NULL ||
            strstr(result, "invalid: l_mm row 2;") == NULL ||
            strstr(result, langs[i].status) == NULL)
            fail_msg("%s: the page does not point at row 2's length: %.600s", langs[i].lang,
                     result != NULL ? result : dom);
        free(dom);
        if (i == 0) {
            unlink("station.error.zh.png");
            assert_int_equal(run_chromium(url, "--screenshot=station.error.zh.png",
                                          "station.shot.out", "station.profile.error"), 0);
        }
    }
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

/* Six units that each need a 1# carton (inner 524 x 284 x 358 mm): six
 * boxes. The page stays compact: it was 4,600 px tall for such an order
 * with one card under another; cards side by side keep it under 2,000. */
static void test_station_many_boxes_compact(void **state)
{
    (void)state;
    if (chromium() == NULL) {
        print_message("chromium not installed: skipped\n");
        skip();
    }
    test_server s;
    server_start(&s, "test_station_many", NULL, NULL);
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/?selftest=CABINET,500,270,340,5000,6",
             s.port);
    if (system("rm -rf station.profile.many station.profile.manyshot") != 0)
        fail_msg("cannot clear the browser profile");
    assert_int_equal(run_chromium(url, "--dump-dom", "station.many.html", "station.profile.many"),
                     0);
    size_t len;
    char *dom = read_file("station.many.html", &len);
    const char *result = strstr(dom, "id=\"selftest-result\"");
    if (result == NULL || strstr(result, "data-status=\"pass\"") == NULL ||
        strstr(result, "boxes shown: 1# 1# 1# 1# 1# 1#;") == NULL)
        fail_msg("six boxes of 1# expected: %.600s", result != NULL ? result : dom);
    /* the picture first, to see what a failure looks like */
    unlink("station.many.png");
    assert_int_equal(run_chromium(url, "--screenshot=station.many.png", "station.shot.out",
                                  "station.profile.manyshot"), 0);
    const char *h = strstr(result, "height: ");
    assert_non_null(h);
    long height = strtol(h + 8, NULL, 10);
    if (height <= 0 || height > 2000)
        fail_msg("the page is %ld px tall for six boxes", height);
    free(dom);
    assert_int_equal(server_stop(&s, SIGTERM), 0);
}

/* With an item master: a scanned barcode fills its row from the server
 * (MUG-01, 120 x 90 x 100 mm, found by its EAN-13); a code the master
 * lacks is measured once, typed in, and saved when the order packs (the
 * page has the token); a second station then finds it. */
#define ITEMS_TOKEN "items-page-token"
static void test_station_item_master(void **state)
{
    (void)state;
    if (chromium() == NULL) {
        print_message("chromium not installed: skipped\n");
        skip();
    }
    static const char master[] = "sku,barcodes,l_mm,w_mm,h_mm,weight_g\n"
                                 "MUG-01,6901234567892,120,90,100,350\n";
    write_file("station.items.csv", master, sizeof master - 1);
    write_file("station.items.token", ITEMS_TOKEN "\n", sizeof ITEMS_TOKEN);
    static const char *const args[] = {"--items", "station.items.csv", "--token-file",
                                       "station.items.token", NULL};
    test_server s;
    server_start(&s, "test_station_items", args, NULL);
    /* the third run has no token: the new item is not saved, and the page
     * says so */
    static const struct {
        const char *spec, *rows, *saved, *token;
    } runs[] = {
        {"6901234567892;NEW-1,100,100,100,200,1", "rows: MUG-01 120x90x100, NEW-1 100x100x100;",
         "saved: NEW-1;", ITEMS_TOKEN},
        {"NEW-1;6901234567892", "rows: NEW-1 100x100x100, MUG-01 120x90x100;", "saved: ;",
         ITEMS_TOKEN},
        {"NEW-2,50,50,50,100,1", "rows: NEW-2 50x50x50;",
         "saved: ; status: Order STATION-1: 1 box (fewest possible). Not saved to the item "
         "master: NEW-2 (", ""},
    };
    for (size_t i = 0; i < 3; i++) {
        char url[256];
        snprintf(url, sizeof url, "http://127.0.0.1:%d/?selftest=%s&token=%s", s.port,
                 runs[i].spec, runs[i].token);
        char profile[64];
        snprintf(profile, sizeof profile, "station.profile.items%zu", i);
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", profile);
        if (system(cmd) != 0)
            fail_msg("cannot clear the browser profile");
        assert_int_equal(run_chromium(url, "--dump-dom", "station.items.html", profile), 0);
        size_t len;
        char *dom = read_file("station.items.html", &len);
        const char *result = strstr(dom, "id=\"selftest-result\"");
        if (result == NULL || strstr(result, "data-status=\"pass\"") == NULL ||
            strstr(result, runs[i].rows) == NULL || strstr(result, runs[i].saved) == NULL)
            fail_msg("run %zu: want '%s' and '%s': %.800s", i, runs[i].rows, runs[i].saved,
                     result != NULL ? result : dom);
        free(dom);
    }
    http_resp r;
    http_do(s.port, "GET", "/v1/items/NEW-1", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    http_free(&r);
    http_do(s.port, "GET", "/v1/items/NEW-2", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 404);
    http_free(&r);
    assert_int_equal(server_stop(&s, SIGTERM), 0);
    size_t len;
    char *file = read_file("station.items.csv", &len);
    assert_non_null(strstr(file, "\nNEW-1,,100,100,100,200,"));
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_station_page),
        cmocka_unit_test(test_station_policy_verdict),
        cmocka_unit_test(test_station_pool),
        cmocka_unit_test(test_station_verdict_in_both_languages),
        cmocka_unit_test(test_station_error_points_at_field),
        cmocka_unit_test(test_station_many_boxes_compact),
        cmocka_unit_test(test_station_item_master),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
