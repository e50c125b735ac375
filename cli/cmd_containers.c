/*
 * cmd_containers.c: `boxcar containers`: the reusable-container pool.
 *
 * Events (station, register, issue, deliver, return, inspect, wash,
 * repair, retire, lost, transfer, operator) are checked against the pool
 * and appended to its journal; several ids on one command line are one
 * batch, recorded whole or not at all. status, list and stats read the
 * pool without locking it; verify checks the journal end to end; compact
 * snapshots it and starts a new journal file.
 *
 * Once a pool has operators, every command needs --token-file: the token
 * says who is acting, every event records it, and an operator sees only
 * its own (the library decides what; this file only asks it).
 */
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#if BOXCAR_HAVE_CBOR

typedef struct args {
    const char *cmd;
    const char *journal, *catalog, *station, *type, *order, *state, *archive;
    const char *token_file, *token_out, *to, *for_op;
    const char *links, *factors, *toc;
    int64_t safety;
    const char *output, *lang;
    int32_t month;
    int64_t loss_days, deposit_minor, fee_minor;
    bx_pool_role role;
    bool csv, damaged, repair;
    bool at_given, now_given;
    int64_t at, now, overdue_days, days;
    int32_t wait_ms;
    char **ids;
    int nids;
} args;

typedef struct sub {
    const char *name;
    int (*run)(const args *a);
    const char *synopsis;
    const char *options; /* long options it takes, space separated */
    int min_ids, max_ids; /* -1: any number */
} sub;

static int run_event(const args *a);
static int run_status(const args *a);
static int run_list(const args *a);
static int run_stats(const args *a);
static int run_verify(const args *a);
static int run_compact(const args *a);
static int run_snapshot(const args *a);
static int run_operator(const args *a);
static int run_forecast(const args *a);
static int run_plan(const args *a);
static int run_statement(const args *a);

static const sub subs[] = {
    {"station", run_event, "ID... [--for OPERATOR]", "at for", 1, -1},
    {"register", run_event, "ID... --type TYPE --station ID [--for OPERATOR]",
     "at type station catalog for", 1, -1},
    {"issue", run_event, "ID... --station ID --order ID", "at station order", 1, -1},
    {"deliver", run_event, "ID... [--order ID]", "at order", 1, -1},
    {"return", run_event, "ID... --station ID", "at station", 1, -1},
    {"inspect", run_event, "ID... [--damaged] [--station ID]", "at damaged station", 1, -1},
    {"wash", run_event, "ID... [--station ID]", "at station", 1, -1},
    {"repair", run_event, "ID... [--station ID]", "at station", 1, -1},
    {"retire", run_event, "ID... [--station ID]", "at station", 1, -1},
    {"lost", run_event, "ID...", "at", 1, -1},
    {"transfer", run_event, "ID... --to OPERATOR", "at to", 1, -1},
    {"operator", run_operator, "ID --role operator|platform --token-out FILE",
     "at role token-out", 1, 1},
    {"status", run_status, "ID...", "", 1, -1},
    {"list", run_list, "[--station ID] [--type TYPE] [--state STATE] [--format table|csv]",
     "station type state format", 0, 0},
    {"stats", run_stats, "[--type TYPE] [--now TIME] [--overdue-days N] [--loss-days N]",
     "type now overdue-days loss-days", 0, 0},
    {"forecast", run_forecast, "--station ID [--type TYPE] [--days N] [--now TIME]",
     "station type days now", 0, 0},
    {"plan", run_plan, "--links FILE --type TYPE [--days N] [--safety N] [--now TIME]\n"
     "            [--toc ID [--factors SET] [--catalog FILE]] [--format table|csv]",
     "links type days safety now toc factors catalog format", 0, 0},
    {"statement", run_statement, "--month YYYY-MM [--loss-days N] [--deposit AMOUNT]\n"
     "            [--fee AMOUNT] [--now TIME] [-o FILE.xlsx|FILE.csv] [--lang en|zh-CN]",
     "month loss-days deposit fee now output format lang", 0, 0},
    {"verify", run_verify, "[--repair]", "repair", 0, 0},
    {"compact", run_compact, "[--archive FILE]", "archive", 0, 0},
    {"snapshot", run_snapshot, "", "", 0, 0},
};

static void containers_help(void)
{
    printf("usage: boxcar containers COMMAND -j JOURNAL [OPTIONS] [ID...]\n"
           "\n"
           "Keep a pool of reusable containers in a crash-safe journal: every event is\n"
           "checked against the container's state, then recorded (fsync) before the\n"
           "command returns. Several ids on one command line are one event each,\n"
           "recorded together or not at all.\n"
           "\n"
           "events:\n");
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(subs[i].name, "status") == 0)
            printf("\nqueries and upkeep:\n");
        printf("  %-9s %s\n", subs[i].name, subs[i].synopsis);
    }
    printf("\n"
           "options:\n"
           "  -j, --journal FILE  the pool's journal (default: $BOXCAR_JOURNAL); created\n"
           "                      by the first event\n"
           "  --catalog FILE      register: the catalog of container types (rows with\n"
           "                      reusable = 1; default: the cn-express-reusable sample)\n"
           "  --at TIME           when the event happened: 2024-05-01T10:00:00Z (UTC),\n"
           "                      2024-05-01, @UNIXSECONDS or now (default)\n"
           "  --wait SECONDS      wait this long for another writer to finish (default 10)\n"
           "  --now TIME          stats: the moment to measure overdue containers at\n"
           "  --overdue-days N    stats: out longer than this is overdue (default 30)\n"
           "  --days N            forecast, plan: days ahead (default 7), from --now's day\n"
           "  --links FILE        plan: the links between stations (from, to, distance_km,\n"
           "                      cost_per_container; CSV, JSON or CBOR)\n"
           "  --safety N          plan: containers every station keeps at least (default 0)\n"
           "  --month YYYY-MM     statement: the month whose trips it accounts for\n"
           "  --loss-days N       statement, stats: a trip not back within N days is lost\n"
           "                      (default 30)\n"
           "  --deposit AMOUNT    statement: deposit per trip (e.g. 30.00; refunded on a\n"
           "                      return in time, forfeited when lost; default 0)\n"
           "  --fee AMOUNT        statement: fee per trip (default 0)\n"
           "  -o FILE             statement: a workbook (.xlsx, scripts/report/statement.lua)\n"
           "                      or CSV (.csv); default: a table on standard output\n"
           "  --lang en|zh-CN     statement: the workbook's labels (default en)\n"
           "  --toc ID            plan: the vehicle (a road TOC of the factor set) that\n"
           "                      moves containers: each move's emissions (WTW)\n"
           "  --factors SET       plan: the factor set with --toc (default cn-2023)\n"
           "  --repair            verify: cut a damaged journal at the damage first\n"
           "                      (the cut records are kept in a file beside it)\n"
           "  --archive FILE      compact: keep the old journal under this name\n"
           "  --token-file FILE   who is acting, once the pool has operators: the\n"
           "                      operator's token, the first line of FILE\n"
           "  --for OPERATOR      station, register: for this operator (platform role)\n"
           "  --to OPERATOR       transfer: the operator that receives the containers\n"
           "  --role ROLE         operator: operator (its own stations and containers)\n"
           "                      or platform (everything); the first must be platform\n"
           "  --token-out FILE    operator: write the new operator's token here (mode\n"
           "                      0600); the journal keeps only its SHA-256\n"
           "\n"
           "Lifecycle: register -> available -issue-> issued -deliver-> delivered;\n"
           "issued or delivered -return-> returned -wash-> available; inspect --damaged\n"
           "-> damaged -repair-> returned; retire ends a container at a station; lost\n"
           "ends any, and a return brings a lost one back. Add stations first.\n"
           "An operator sees and changes only its own stations and the containers it\n"
           "holds (stats: its own trips and losses); verify, compact and snapshot need\n"
           "the platform role.\n"
           "\n"
           "Exit: 0 ok, 3 an event was refused, a token or role was wrong, or verify\n"
           "      found a problem (nothing recorded), 1 runtime failure (I/O, the\n"
           "      journal locked), 2 usage.\n");
}

/* ---- arguments ---------------------------------------------------------- */

static bool takes(const sub *s, const char *opt)
{
    size_t n = strlen(opt);
    for (const char *p = s->options; (p = strstr(p, opt)) != NULL; p += n)
        if ((p == s->options || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* An amount with at most two decimals into minor units (cents, fen):
 * "30" -> 3000, "1.5" -> 150. At most 40000.00 (what the accounts take). */
static bool parse_money(const char *t, int64_t *out)
{
    int64_t whole = 0, frac = 0;
    int nfrac = 0;
    const char *p = t;
    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        whole = whole * 10 + (*p - '0');
        if (whole > 40000)
            return false;
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9' && nfrac < 2; p++, nfrac++)
            frac = frac * 10 + (*p - '0');
        if (nfrac == 0)
            return false;
    }
    if (*p != '\0')
        return false;
    *out = whole * 100 + (nfrac == 1 ? frac * 10 : frac);
    return *out <= 4000000;
}

static int parse_args(int argc, char **argv, const sub *s, args *a)
{
    static const struct option opts[] = {
        {"journal", required_argument, NULL, 'j'},
        {"catalog", required_argument, NULL, 'c'},
        {"station", required_argument, NULL, 's'},
        {"type", required_argument, NULL, 't'},
        {"order", required_argument, NULL, 'o'},
        {"state", required_argument, NULL, 'S'},
        {"archive", required_argument, NULL, 'A'},
        {"format", required_argument, NULL, 'f'},
        {"at", required_argument, NULL, 'a'},
        {"now", required_argument, NULL, 'n'},
        {"overdue-days", required_argument, NULL, 'd'},
        {"days", required_argument, NULL, 'H'},
        {"links", required_argument, NULL, 'L'},
        {"month", required_argument, NULL, 'm'},
        {"loss-days", required_argument, NULL, 'W'},
        {"deposit", required_argument, NULL, 'E'},
        {"fee", required_argument, NULL, 'G'},
        {"output", required_argument, NULL, 'U'},
        {"lang", required_argument, NULL, 'Z'},
        {"safety", required_argument, NULL, 'Y'},
        {"toc", required_argument, NULL, 'V'},
        {"factors", required_argument, NULL, 'X'},
        {"wait", required_argument, NULL, 'w'},
        {"token-file", required_argument, NULL, 'T'},
        {"token-out", required_argument, NULL, 'O'},
        {"to", required_argument, NULL, 'r'},
        {"for", required_argument, NULL, 'F'},
        {"role", required_argument, NULL, 'p'},
        {"damaged", no_argument, NULL, 'D'},
        {"repair", no_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->cmd = s->name;
    a->overdue_days = 30;
    a->days = 7;
    a->wait_ms = 10000;
    a->journal = getenv("BOXCAR_JOURNAL");
    int c, idx;
    optind = 1;
    a->loss_days = 30;
    while ((idx = -1, c = getopt_long(argc, argv, "j:o:h", opts, &idx)) != -1) {
        /* -o (not --order, whose value is 'o' too) is statement's --output */
        if (c == 'o' && idx == -1) {
            if (strcmp(s->name, "statement") != 0)
                return cli_usage_error("containers", "%s does not take -o", s->name);
            c = 'U';
        }
        const char *name = NULL;
        for (const struct option *o = opts; o->name != NULL; o++)
            if (o->val == c)
                name = o->name;
        if (c != 'j' && c != 'h' && c != 'w' && c != 'T' && c != '?' && name != NULL &&
            !takes(s, name))
            return cli_usage_error("containers", "%s does not take --%s", s->name, name);
        switch (c) {
        case 'j': a->journal = optarg; break;
        case 'c': a->catalog = optarg; break;
        case 's': a->station = optarg; break;
        case 't': a->type = optarg; break;
        case 'o': a->order = optarg; break;
        case 'S': {
            bx_container_state st;
            if (bx_container_state_parse(optarg, &st) != BX_OK)
                return cli_usage_error("containers", "unknown state '%s' (available, "
                                       "issued, delivered, returned, damaged, retired, lost)",
                                       optarg);
            a->state = optarg;
            break;
        }
        case 'A': a->archive = optarg; break;
        case 'L': a->links = optarg; break;
        case 'U': a->output = optarg; break;
        case 'Z':
            if (strcmp(optarg, "en") != 0 && strcmp(optarg, "zh-CN") != 0)
                return cli_usage_error("containers", "--lang is en or zh-CN");
            a->lang = optarg;
            break;
        case 'm': {
            int y, mo;
            char tail;
            if (sscanf(optarg, "%4d-%2d%c", &y, &mo, &tail) != 2 || strlen(optarg) != 7 ||
                y < 2000 || y > 2099 || mo < 1 || mo > 12)
                return cli_usage_error("containers", "--month wants YYYY-MM, not '%s'",
                                       optarg);
            a->month = y * 100 + mo;
            break;
        }
        case 'W': {
            uint64_t v;
            if (!cli_parse_u64(optarg, 1, 3660, &v))
                return cli_usage_error("containers", "--loss-days wants 1 to 3660");
            a->loss_days = (int64_t)v;
            break;
        }
        case 'E':
        case 'G': {
            int64_t v;
            if (!parse_money(optarg, &v))
                return cli_usage_error("containers", "--%s wants an amount such as 30 or "
                                       "1.50 (at most 40000.00)", name);
            if (c == 'E')
                a->deposit_minor = v;
            else
                a->fee_minor = v;
            break;
        }
        case 'V': a->toc = optarg; break;
        case 'X': a->factors = optarg; break;
        case 'Y': {
            uint64_t v;
            if (!cli_parse_u64(optarg, 0, 1000000000, &v))
                return cli_usage_error("containers", "--safety wants a whole number of "
                                       "containers");
            a->safety = (int64_t)v;
            break;
        }
        case 'T': a->token_file = optarg; break;
        case 'O': a->token_out = optarg; break;
        case 'r': a->to = optarg; break;
        case 'F': a->for_op = optarg; break;
        case 'p':
            if (bx_pool_role_parse(optarg, &a->role) != BX_OK)
                return cli_usage_error("containers", "--role is operator or platform, not '%s'",
                                       optarg);
            break;
        case 'f':
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "table") != 0)
                return cli_usage_error("containers", "--format is table or csv");
            a->csv = strcmp(optarg, "csv") == 0;
            break;
        case 'a':
        case 'n': {
            int64_t t;
            if (cli_parse_time(optarg, &t) != 0)
                return cli_usage_error("containers", "--%s: '%s' is not a time "
                                       "(2024-05-01T10:00:00Z, 2024-05-01, @SECONDS, now)",
                                       name, optarg);
            if (c == 'a') {
                a->at = t;
                a->at_given = true;
            } else {
                a->now = t;
                a->now_given = true;
            }
            break;
        }
        case 'd':
        case 'w': {
            uint64_t v;
            if (!cli_parse_u64(optarg, 0, 1000000, &v))
                return cli_usage_error("containers", "--%s wants a whole number", name);
            if (c == 'd')
                a->overdue_days = v;
            else
                a->wait_ms = (int32_t)(v * 1000);
            break;
        }
        case 'H': {
            uint64_t v;
            if (!cli_parse_u64(optarg, 1, BX_FORECAST_MAX_HORIZON, &v))
                return cli_usage_error("containers", "--days wants a whole number from 1 to %d",
                                       BX_FORECAST_MAX_HORIZON);
            a->days = (int64_t)v;
            break;
        }
        case 'D': a->damaged = true; break;
        case 'R': a->repair = true; break;
        case 'h':
            containers_help();
            return -1;
        default:
            return cli_usage_error("containers", "bad option");
        }
    }
    a->ids = argv + optind;
    a->nids = argc - optind;
    if (a->nids < s->min_ids)
        return cli_usage_error("containers", "%s needs %s", s->name,
                               strcmp(s->name, "station") == 0 ? "a station id"
                                                               : "a container id");
    if (s->max_ids >= 0 && a->nids > s->max_ids)
        return cli_usage_error("containers", "unexpected argument '%s'", a->ids[s->max_ids]);
    if (a->journal == NULL || a->journal[0] == '\0')
        return cli_usage_error("containers", "give the journal with -j FILE (or set "
                               "BOXCAR_JOURNAL)");
    return 0;
}

/* ---- opening the pool --------------------------------------------------- */

typedef struct session {
    cli_diags cd;
    bool printed;
    bool journal_refused; /* the journal (or its snapshot) did not open */
    bx_ctx *ctx;
    bx_catalog *catalog;
    bx_pool *pool;
    const char *as;       /* the acting operator; "" in a pool without any */
    bx_pool_role role;
} session;

static void session_close(session *ss)
{
    bx_pool_close(ss->pool);
    bx_catalog_free(ss->catalog);
    cli_diag_flush(&ss->cd);
    bx_ctx_free(ss->ctx);
}

/* A failed command: print, and say how to repair a damaged journal, or
 * where to look at one that does not open. */
static int fail(session *ss, const args *a, bx_status st)
{
    int rc = ss->printed ? cli_exit_code(st) : cli_fail(ss->ctx, st);
    const bx_journal_info *info = bx_pool_journal_info(ss->pool);
    if (info != NULL && info->damaged)
        fprintf(stderr, "boxcar containers: the journal is damaged at byte %" PRIu64
                        " (record %" PRIu64 "); 'boxcar containers verify --repair -j %s' "
                        "cuts it there and keeps the rest in a file beside it\n",
                info->damage_offset, info->damage_seq, a->journal);
    else if (ss->journal_refused)
        fprintf(stderr, "boxcar containers: nothing was changed; 'boxcar containers verify "
                        "-j %s' checks the journal and its snapshot in full\n", a->journal);
    session_close(ss);
    return rc;
}

/* Who is acting: nobody in particular in a pool without operators; else
 * the operator whose token --token-file holds. */
static bx_status session_who(session *ss, const args *a)
{
    ss->as = "";
    ss->role = BX_ROLE_PLATFORM;
    if (bx_pool_operator_count(ss->pool) == 0) {
        if (a->token_file == NULL)
            return BX_OK;
        fprintf(stderr, "boxcar containers: the pool has no operators, so --token-file "
                        "means nothing here (add one with 'boxcar containers operator')\n");
        ss->printed = true;
        return BX_EINVAL;
    }
    if (a->token_file == NULL) {
        fprintf(stderr, "boxcar containers: the pool has operators: say who you are with "
                        "--token-file FILE\n");
        ss->printed = true;
        return BX_EINVAL;
    }
    char token[BX_POOL_TOKEN_SIZE + 1];
    bx_status st = cli_read_token_file("containers", a->token_file, token, sizeof token,
                                       &ss->printed);
    if (st == BX_OK)
        st = bx_pool_authenticate(ss->pool, token, &ss->as, &ss->role);
    memset(token, 0, sizeof token);
    return st;
}

/* Commands over the whole pool: a platform operator's. */
static bx_status need_platform(session *ss, const args *a)
{
    if (ss->role == BX_ROLE_PLATFORM)
        return BX_OK;
    fprintf(stderr, "boxcar containers: %s covers the whole pool and needs a platform "
                    "operator's token ('%s' has the operator role)\n", a->cmd, ss->as);
    ss->printed = true;
    return BX_EPERM;
}

static bx_status session_open(session *ss, const args *a, bool write, bool create,
                              bool need_catalog)
{
    memset(ss, 0, sizeof *ss);
    ss->cd.max_shown = 50;
    ss->ctx = cli_ctx_new(&ss->cd);
    bx_status st = BX_OK;
    if (need_catalog) {
        const char *path = a->catalog ? a->catalog
                                      : cli_default_catalog("cn-express-reusable.csv");
        if (path == NULL) {
            fprintf(stderr, "boxcar containers: the default catalog is not where it was "
                            "installed; give --catalog FILE\n");
            ss->printed = true;
            return BX_ENOTFOUND;
        }
        st = bx_catalog_load(ss->ctx, &ss->catalog, path, BX_FORMAT_AUTO);
        if (st != BX_OK)
            return st;
    }
    bx_pool_options o;
    bx_pool_options_init(&o);
    o.journal.read_only = !write;
    o.journal.create = create;
    o.journal.lock_timeout_ms = a->wait_ms;
    st = bx_pool_open(ss->ctx, &ss->pool, a->journal, ss->catalog, &o);
    ss->journal_refused = st == BX_EINPUT;
    if (st == BX_OK)
        st = session_who(ss, a);
    return st;
}

/* ---- events ------------------------------------------------------------- */

static bool copy_id(char *dst, const char *src)
{
    if (src == NULL)
        return true;
    if (strlen(src) >= BX_ID_MAX)
        return false;
    strcpy(dst, src);
    return true;
}

static int run_event(const args *a)
{
    bx_pool_event_type type;
    (void)bx_pool_event_parse(a->cmd, &type);
    if (type == BX_EV_REGISTER && (a->type == NULL || a->station == NULL))
        return cli_usage_error("containers", "register needs --type TYPE and --station ID");
    if (type == BX_EV_ISSUE && (a->station == NULL || a->order == NULL))
        return cli_usage_error("containers", "issue needs --station ID and --order ID");
    if (type == BX_EV_RETURN && a->station == NULL)
        return cli_usage_error("containers", "return needs --station ID");
    if (type == BX_EV_TRANSFER && a->to == NULL)
        return cli_usage_error("containers", "transfer needs --to OPERATOR");
    bx_pool_event *evs = calloc((size_t)a->nids, sizeof *evs);
    if (evs == NULL) {
        fprintf(stderr, "boxcar: out of memory\n");
        return EXIT_FAILURE_RUNTIME;
    }
    int64_t at = a->at_given ? a->at : (int64_t)time(NULL);
    for (int i = 0; i < a->nids; i++) {
        bx_pool_event *ev = &evs[i];
        bx_pool_event_init(ev);
        ev->type = type;
        ev->time_s = at;
        ev->damaged = a->damaged;
        bool ok = type == BX_EV_STATION ? copy_id(ev->station_id, a->ids[i])
                                        : copy_id(ev->container_id, a->ids[i]) &&
                                              copy_id(ev->station_id, a->station);
        ok = ok && copy_id(ev->type_id, a->type) && copy_id(ev->order_id, a->order) &&
             copy_id(ev->operator_id, type == BX_EV_TRANSFER ? a->to : a->for_op);
        if (!ok) {
            free(evs);
            return cli_usage_error("containers", "an id is longer than %d bytes", BX_ID_MAX - 1);
        }
    }
    session ss;
    bx_status st = session_open(&ss, a, true, true, type == BX_EV_REGISTER);
    size_t bad = 0;
    for (int i = 0; st == BX_OK && i < a->nids; i++)
        snprintf(evs[i].by, sizeof evs[i].by, "%s", ss.as);
    if (st == BX_OK)
        st = bx_pool_apply_batch(ss.pool, evs, (size_t)a->nids, &bad);
    if (st == BX_OK)
        st = bx_pool_sync(ss.pool);
    if (st != BX_OK) {
        if ((st == BX_EINPUT || st == BX_EPERM) && a->nids > 1)
            fprintf(stderr, "boxcar containers: nothing recorded: '%s' (%d of %d) was refused\n",
                    a->ids[bad], (int)bad + 1, a->nids);
        free(evs);
        return fail(&ss, a, st);
    }
    char when[40];
    cli_format_time(at, when, sizeof when);
    printf("record %" PRIu64 ": %s", bx_pool_seq(ss.pool), a->cmd);
    for (int i = 0; i < a->nids; i++)
        printf(" %s", a->ids[i]);
    if (a->station != NULL && type != BX_EV_STATION)
        printf(" at %s", a->station);
    if (type == BX_EV_TRANSFER)
        printf(" to %s", a->to);
    if (ss.as[0] != '\0')
        printf(" by %s", ss.as);
    printf(", %s\n", when);
    free(evs);
    session_close(&ss);
    return EXIT_OK;
}

/* ---- queries ------------------------------------------------------------ */

static void print_status(const bx_container_info *c)
{
    char last[40], reg[40], out[40];
    cli_format_time(c->last_time_s, last, sizeof last);
    cli_format_time(c->registered_s, reg, sizeof reg);
    printf("%s\n", c->container_id);
    printf("  type        %s\n", c->type_id);
    printf("  state       %s", bx_container_state_name(c->state));
    if (c->order_id[0] != '\0') {
        cli_format_time(c->issued_s, out, sizeof out);
        printf(" (order %s, out since %s)", c->order_id, out);
    }
    printf("\n  station     %s%s\n", c->station_id,
           c->state == BX_CS_ISSUED || c->state == BX_CS_DELIVERED || c->state == BX_CS_LOST
               ? " (last)" : "");
    printf("  trips       %" PRIu32 " (%" PRIu32 " issued)\n", c->trips, c->issues);
    printf("  upkeep      %" PRIu32 " washes, %" PRIu32 " repairs, %" PRIu32 " inspections\n",
           c->washes, c->repairs, c->inspections);
    printf("  last event  %s at %s (record %" PRIu64 ")\n", bx_pool_event_name(c->last_event),
           last, c->last_seq);
    printf("  registered  %s\n", reg);
    if (c->owner[0] != '\0')
        printf("  operator    %s\n", c->owner);
}

static int run_status(const args *a)
{
    session ss;
    bx_status st = session_open(&ss, a, false, false, false);
    if (st != BX_OK)
        return fail(&ss, a, st);
    int rc = EXIT_OK;
    for (int i = 0; i < a->nids; i++) {
        bx_container_info c;
        if (bx_pool_find_as(ss.pool, ss.as, a->ids[i], &c) != BX_OK) {
            fprintf(stderr, "error: %s\n", bx_ctx_errmsg(ss.ctx));
            rc = EXIT_BAD_INPUT;
            continue;
        }
        print_status(&c);
    }
    session_close(&ss);
    return rc;
}

static int run_list(const args *a)
{
    session ss;
    bx_status st = session_open(&ss, a, false, false, false);
    if (st != BX_OK)
        return fail(&ss, a, st);
    if (a->csv)
        printf("container_id,type,state,station,order,trips,issues,washes,repairs,"
               "inspections,last_event,last_time,last_record,registered\n");
    else
        printf("%-20s %-12s %-10s %-12s %-14s %5s  %-8s %s\n", "container", "type", "state",
               "station", "order", "trips", "last", "at");
    size_t shown = 0, seen = 0;
    for (size_t i = 0; i < bx_pool_count(ss.pool); i++) {
        bx_container_info c;
        bx_pool_at(ss.pool, i, &c);
        if (!bx_pool_sees_container(ss.pool, ss.as, c.container_id))
            continue;
        seen++;
        if ((a->station && strcmp(a->station, c.station_id) != 0) ||
            (a->type && strcmp(a->type, c.type_id) != 0) ||
            (a->state && strcmp(a->state, bx_container_state_name(c.state)) != 0))
            continue;
        char last[40], reg[40];
        cli_format_time(c.last_time_s, last, sizeof last);
        cli_format_time(c.registered_s, reg, sizeof reg);
        if (a->csv) {
            /* ids are identifiers (no control characters) but may hold a
             * comma or a quote: quote every text field */
            printf("\"%s\",\"%s\",%s,\"%s\",\"%s\",%" PRIu32 ",%" PRIu32 ",%" PRIu32
                   ",%" PRIu32 ",%" PRIu32 ",%s,%s,%" PRIu64 ",%s\n",
                   c.container_id, c.type_id, bx_container_state_name(c.state), c.station_id,
                   c.order_id, c.trips, c.issues, c.washes, c.repairs, c.inspections,
                   bx_pool_event_name(c.last_event), last, c.last_seq, reg);
        } else {
            printf("%-20s %-12s %-10s %-12s %-14s %5" PRIu32 "  %-8s %s\n", c.container_id,
                   c.type_id, bx_container_state_name(c.state), c.station_id,
                   c.order_id[0] ? c.order_id : "-", c.trips, bx_pool_event_name(c.last_event),
                   last);
        }
        shown++;
    }
    if (!a->csv)
        fprintf(stderr, "%zu of %zu containers\n", shown, seen);
    session_close(&ss);
    return EXIT_OK;
}

static void pct(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f %%", 100.0 * v);
}

static void stats_block(const char *title, const bx_pool_stats *s, int64_t overdue_days)
{
    char rr[16], lr[16], cyc[48];
    pct(rr, sizeof rr, s->return_rate);
    pct(lr, sizeof lr, s->loss_rate);
    if (isnan(s->mean_cycle_s))
        snprintf(cyc, sizeof cyc, "-");
    else
        snprintf(cyc, sizeof cyc, "%.2f days (%.1f h)", s->mean_cycle_s / 86400.0,
                 s->mean_cycle_s / 3600.0);
    printf("%s\n", title);
    printf("  containers    %" PRIu64 ": %" PRIu64 " available, %" PRIu64 " issued, %" PRIu64
           " delivered, %" PRIu64 " returned, %" PRIu64 " damaged, %" PRIu64 " retired, %"
           PRIu64 " lost\n", s->containers, s->in_state[BX_CS_AVAILABLE],
           s->in_state[BX_CS_ISSUED], s->in_state[BX_CS_DELIVERED], s->in_state[BX_CS_RETURNED],
           s->in_state[BX_CS_DAMAGED], s->in_state[BX_CS_RETIRED], s->in_state[BX_CS_LOST]);
    printf("  trips         %" PRIu64 " issued: %" PRIu64 " returned, %" PRIu64 " lost, %" PRIu64
           " still out\n", s->issues, s->trips_returned, s->trips_lost,
           s->issues - s->trips_returned - s->trips_lost);
    printf("  return rate   %s of ended trips\n", rr);
    printf("  loss rate     %s of ended trips (%" PRIu64 " more lost from stock, %" PRIu64
           " found again)\n", lr, s->lost_in_stock, s->found);
    printf("  mean cycle    %s (issue to return)\n", cyc);
    printf("  overdue       %" PRIu64 " out more than %lld days\n", s->overdue,
           (long long)overdue_days);
    printf("  upkeep        %" PRIu64 " washes, %" PRIu64 " repairs, %" PRIu64
           " inspections (%" PRIu64 " damaged), %" PRIu64 " retired\n", s->washes, s->repairs,
           s->inspections, s->damaged_found, s->retired);
}

static bx_accounts *accounts_of(session *ss, const args *a, int64_t now);
static void statement_table(const bx_accounts *acc, int32_t month);

/* An operator's own figures: its trips and losses by station over the
 * journal's whole history (month by month summed), and the containers it
 * holds ready at its stations. */
static int stats_operator(session *ss, const args *a, int64_t now)
{
    bx_accounts *acc = accounts_of(ss, a, now);
    if (acc == NULL)
        return fail(ss, a, BX_EINPUT);
    /* sum the months: rows come by operator, month, station */
    size_t n = 0;
    for (size_t i = 0; i < acc->nrows; i++) {
        size_t k = 0;
        while (k < n && strcmp(acc->rows[k].station_id, acc->rows[i].station_id) != 0)
            k++;
        bx_account_row *d = &acc->rows[k], *r = &acc->rows[i];
        if (k == n) {
            bx_account_row copy = *r;
            *d = copy;
            d->month = 0;
            n++;
            continue;
        }
        d->trips += r->trips;
        d->returned += r->returned;
        d->lost += r->lost;
        d->late += r->late;
        d->open += r->open;
    }
    acc->nrows = n;
    char when[40];
    cli_format_time(now, when, sizeof when);
    printf("operator %s at %s: its trips since the journal began; lost: not back within %"
           PRId64 " days\n", ss->as, when, a->loss_days);
    printf("  %-12s %-14s %7s %8s %6s %5s %6s %6s\n", "operator", "station", "trips",
           "returned", "lost", "late", "open", "loss");
    for (size_t i = 0; i < acc->nrows; i++) {
        const bx_account_row *r = &acc->rows[i];
        char loss[16];
        pct(loss, sizeof loss, r->returned + r->lost
                                   ? (double)r->lost / (double)(r->returned + r->lost)
                                   : NAN);
        printf("  %-12s %-14s %7" PRIu64 " %8" PRIu64 " %6" PRIu64 " %5" PRIu64 " %6" PRIu64
               " %6s\n", r->operator_id, r->station_id, r->trips, r->returned, r->lost,
               r->late, r->open, loss);
    }
    bx_accounts_free(ss->ctx, acc);
    printf("ready to issue (its own containers at its stations)\n");
    for (size_t i = 0; i < bx_pool_station_count(ss->pool); i++) {
        const char *stn = bx_pool_station(ss->pool, i);
        if (!bx_pool_sees_station(ss->pool, ss->as, stn))
            continue;
        printf("  %-14s", stn);
        for (size_t k = 0; k < bx_pool_type_count(ss->pool); k++) {
            const char *t = bx_pool_type(ss->pool, k);
            if (a->type == NULL || strcmp(a->type, t) == 0)
                printf(" %s %" PRIu64, t, bx_pool_available_as(ss->pool, ss->as, stn, t));
        }
        printf("\n");
    }
    session_close(ss);
    return EXIT_OK;
}

static int run_stats(const args *a)
{
    session ss;
    bx_status st = session_open(&ss, a, false, false, false);
    if (st != BX_OK)
        return fail(&ss, a, st);
    int64_t now = a->now_given ? a->now : (int64_t)time(NULL);
    if (ss.role != BX_ROLE_PLATFORM)
        return stats_operator(&ss, a, now);
    int64_t after = a->overdue_days * 86400;
    bx_pool_stats s;
    char when[40], title[160];
    cli_format_time(now, when, sizeof when);
    const bx_journal_info *info = bx_pool_journal_info(ss.pool);
    printf("pool %s: %" PRIu64 " records, %zu stations, at %s\n", a->journal, info->last_seq,
           bx_pool_station_count(ss.pool), when);
    if (a->type != NULL) {
        if ((st = bx_pool_stats_get(ss.pool, a->type, now, after, &s)) != BX_OK) {
            fprintf(stderr, "error: %s\n", bx_ctx_errmsg(ss.ctx));
            session_close(&ss);
            return EXIT_BAD_INPUT;
        }
        snprintf(title, sizeof title, "type %s", a->type);
        stats_block(title, &s, a->overdue_days);
    } else {
        bx_pool_stats_get(ss.pool, NULL, now, after, &s);
        stats_block("all types", &s, a->overdue_days);
        for (size_t i = 0; bx_pool_type_count(ss.pool) > 1 && i < bx_pool_type_count(ss.pool); i++) {
            const char *t = bx_pool_type(ss.pool, i);
            bx_pool_stats_get(ss.pool, t, now, after, &s);
            snprintf(title, sizeof title, "type %s", t);
            stats_block(title, &s, a->overdue_days);
        }
    }
    printf("ready to issue\n");
    for (size_t i = 0; i < bx_pool_station_count(ss.pool); i++) {
        const char *stn = bx_pool_station(ss.pool, i);
        printf("  %-14s", stn);
        for (size_t k = 0; k < bx_pool_type_count(ss.pool); k++) {
            const char *t = bx_pool_type(ss.pool, k);
            if (a->type == NULL || strcmp(a->type, t) == 0)
                printf(" %s %" PRIu64, t, bx_pool_available(ss.pool, stn, t));
        }
        printf("\n");
    }
    session_close(&ss);
    return EXIT_OK;
}

/* ---- upkeep ------------------------------------------------------------- */

static int run_verify(const args *a)
{
    session ss;
    memset(&ss, 0, sizeof ss);
    bx_status st = BX_OK;
    if (a->repair) {
        /* A writer's open cuts a torn tail; repair cuts damage. */
        if ((st = session_open(&ss, a, true, false, false)) != BX_OK ||
            (st = need_platform(&ss, a)) != BX_OK)
            return fail(&ss, a, st);
        char saved[4096] = "";
        const bx_journal_info *info = bx_pool_journal_info(ss.pool);
        bool damaged = info->damaged;
        uint64_t at = info->damage_offset, rec = info->damage_seq, after = info->intact_after;
        if (damaged && (st = bx_pool_repair(ss.pool, saved, sizeof saved)) != BX_OK)
            return fail(&ss, a, st);
        if (damaged)
            printf("repaired: cut at byte %" PRIu64 " (record %" PRIu64 " and the %" PRIu64
                   " after it); the cut part is kept in %s\n", at, rec, after, saved);
        session_close(&ss);
    } else {
        /* Who may: a reader's open of the pool says. A journal that does
         * not open names no operators: verify is then what finds out why. */
        st = session_open(&ss, a, false, false, false);
        if (st == BX_OK)
            st = need_platform(&ss, a);
        if (st != BX_OK && !ss.journal_refused)
            return fail(&ss, a, st);
        session_close(&ss);
    }
    memset(&ss, 0, sizeof ss);
    ss.cd.max_shown = 50;
    ss.ctx = cli_ctx_new(&ss.cd);
    bx_pool_report r;
    st = bx_pool_verify(ss.ctx, a->journal, NULL, &r);
    if (st != BX_OK)
        return fail(&ss, a, st);
    const bx_journal_info *info = &r.journal.info;
    printf("%s: %s\n", a->journal, r.ok ? "ok" : "PROBLEMS FOUND");
    if (info->records > 0)
        printf("  records     %" PRIu64 " intact (%" PRIu64 "..%" PRIu64 "), %" PRIu64
               " events, %" PRIu64 " bytes\n", info->records, info->base_seq,
               info->last_seq, r.events, info->end_offset);
    else
        printf("  records     none yet (the next is record %" PRIu64 ")\n", info->base_seq);
    if (info->writer_active)
        printf("  note        a writer is appending: checked up to its last whole record\n");
    if (info->torn_bytes > 0)
        printf("  torn tail   %" PRIu64 " bytes after the last whole record (a writer "
               "stopped while appending; the next writer cuts them)\n", info->torn_bytes);
    if (info->damaged) {
        if (info->intact_after > 0)
            printf("  DAMAGE      at byte %" PRIu64 ", record %" PRIu64 ": %s; %" PRIu64
                   " intact records follow from byte %" PRIu64 "\n", info->damage_offset,
                   info->damage_seq, info->damage_reason, info->intact_after,
                   info->resume_offset);
        else
            printf("  DAMAGE      at byte %" PRIu64 ", record %" PRIu64 ": %s; the last "
                   "record, whole but wrong (not an unfinished write)\n",
                   info->damage_offset, info->damage_seq, info->damage_reason);
        /* An open starts from the snapshot and never reads what is before
         * it: there, the pool's state is safe and only history is damaged. */
        if (r.journal.snapshot_ok && r.journal.snapshot_seq >= info->damage_seq)
            printf("              before the snapshot of record %" PRIu64 ": the pool's "
                   "state is intact; 'compact --archive FILE' starts a clean journal "
                   "from the snapshot and keeps this one\n", r.journal.snapshot_seq);
        else
            printf("              'verify --repair' cuts the journal there (the cut part "
                   "is kept in a file beside it)\n");
    }
    if (!r.events_ok)
        printf("  EVENTS      %s\n", r.event_problem);
    if (r.journal.snapshot_present)
        printf("  snapshot    record %" PRIu64 ", %" PRIu64 " items: %s\n",
               r.journal.snapshot_seq, r.journal.snapshot_items,
               !r.journal.snapshot_ok ? r.journal.snapshot_problem
               : r.snapshot_checked && r.snapshot_matches
                   ? "intact, and equal to the fold of the records"
               : r.snapshot_checked ? "DOES NOT MATCH the fold of the records"
               : info->base_seq > 1 ? "intact (the records before it were compacted away)"
                                    : "intact (not compared: the records before it cannot "
                                      "all be read)");
    else if (r.journal.snapshot_problem[0] != '\0')
        printf("  snapshot    %s\n", r.journal.snapshot_problem);
    else
        printf("  snapshot    none\n");
    session_close(&ss);
    return r.ok ? EXIT_OK : EXIT_BAD_INPUT;
}

static int run_compact(const args *a)
{
    session ss;
    bx_status st = session_open(&ss, a, true, false, false);
    if (st == BX_OK)
        st = need_platform(&ss, a);
    if (st == BX_OK)
        st = bx_pool_compact(ss.pool, a->archive);
    if (st != BX_OK)
        return fail(&ss, a, st);
    uint64_t seq = bx_pool_seq(ss.pool);
    printf("compacted: snapshot of record %" PRIu64 " (%zu containers); the journal goes on "
           "from record %" PRIu64, seq, bx_pool_count(ss.pool), seq + 1);
    if (a->archive != NULL)
        printf("; the old one is %s", a->archive);
    printf("\n");
    session_close(&ss);
    return EXIT_OK;
}

static int run_snapshot(const args *a)
{
    session ss;
    bx_status st = session_open(&ss, a, true, false, false);
    if (st == BX_OK)
        st = need_platform(&ss, a);
    if (st == BX_OK)
        st = bx_pool_snapshot(ss.pool);
    if (st != BX_OK)
        return fail(&ss, a, st);
    printf("snapshot of record %" PRIu64 " (%zu containers)\n", bx_pool_seq(ss.pool),
           bx_pool_count(ss.pool));
    session_close(&ss);
    return EXIT_OK;
}

/* ---- forecasts ---------------------------------------------------------- */

static const char *const weekday_names[7] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};

/* One series (issues or returns of one type) and its forecast. */
static int forecast_series(session *ss, const args *a, const bx_station_series *s, bool issue,
                           bx_forecast_day *out, bx_forecast_check *chk)
{
    bx_forecast_options o;
    bx_forecast_options_init(&o);
    o.horizon_days = (uint32_t)a->days;
    bx_status st = bx_forecast_daily(ss->ctx, issue ? s->issues : s->returns, s->ndays,
                                     s->first_day, &o, out, chk);
    if (st != BX_OK) {
        fprintf(stderr, "error: station %s, type %s, %s: %s\n", a->station, s->type_id,
                issue ? "issues" : "returns", bx_ctx_errmsg(ss->ctx));
        ss->printed = true;
        return cli_exit_code(st);
    }
    return EXIT_OK;
}

static int run_forecast(const args *a)
{
    if (a->station == NULL)
        return cli_usage_error("containers", "forecast needs --station ID");
    session ss;
    bx_status st = session_open(&ss, a, false, false, false);
    /* another's station is as unknown as a missing one */
    if (st == BX_OK && !bx_pool_sees_station(ss.pool, ss.as, a->station))
        st = BX_ENOTFOUND;
    int64_t now = a->now_given ? a->now : (int64_t)time(NULL);
    int64_t end_day = now / 86400; /* whole days before now's */
    bx_station_history *h = NULL;
    if (st == BX_OK)
        st = bx_station_history_read(ss.ctx, a->journal, a->station, a->type, end_day, &h);
    if (st == BX_ENOTFOUND) {
        fprintf(stderr, "error: station '%s' is not in the pool\n", a->station);
        ss.printed = true;
        st = BX_EINPUT;
    }
    if (st == BX_OK && h->ntypes == 0) {
        fprintf(stderr, "error: station '%s': no container%s%s was ever issued or returned "
                        "there: nothing to forecast from\n", a->station,
                a->type ? " of type " : "", a->type ? a->type : "");
        ss.printed = true;
        st = BX_EINPUT;
    }
    if (st != BX_OK) {
        bx_station_history_free(ss.ctx, h);
        return fail(&ss, a, st);
    }
    bx_forecast_day *fi = calloc((size_t)a->days, sizeof *fi);
    bx_forecast_day *fr = calloc((size_t)a->days, sizeof *fr);
    int rc = fi && fr ? EXIT_OK : EXIT_FAILURE_RUNTIME;
    for (size_t t = 0; rc == EXIT_OK && t < h->ntypes; t++) {
        const bx_station_series *s = &h->types[t];
        bx_forecast_check ci, cr;
        if ((rc = forecast_series(&ss, a, s, true, fi, &ci)) != EXIT_OK ||
            (rc = forecast_series(&ss, a, s, false, fr, &cr)) != EXIT_OK)
            break;
        printf("station %s, type %s: %zu days of history, 80 %% intervals\n", a->station,
               s->type_id, s->ndays);
        printf("  %-10s %-3s  %8s %-10s  %8s %-10s\n", "day", "", "issues", "", "returns", "");
        for (int64_t d = 0; d < a->days; d++) {
            char when[40];
            cli_format_time((end_day + d) * 86400, when, sizeof when);
            when[10] = '\0';
            char ri[24], rr[24];
            snprintf(ri, sizeof ri, "[%u, %u]", fi[d].lo, fi[d].hi);
            snprintf(rr, sizeof rr, "[%u, %u]", fr[d].lo, fr[d].hi);
            printf("  %-10s %-3s  %8.1f %-10s  %8.1f %-10s\n", when,
                   weekday_names[((end_day + d) % 7 + 7) % 7], fi[d].mean, ri, fr[d].mean, rr);
        }
        const bx_forecast_check *c2[2] = {&ci, &cr};
        for (int k = 0; k < 2; k++) {
            if (c2[k]->points == 0)
                printf("  backtest %-7s  too short to check (%zu days)\n",
                       k ? "returns" : "issues", s->ndays);
            else if (isnan(c2[k]->mase))
                printf("  backtest %-7s  no MASE: the history repeats week by week exactly\n",
                       k ? "returns" : "issues");
            else
                printf("  backtest %-7s  MASE %.3f, seasonal naive %.3f, over %zu forecasts%s\n",
                       k ? "returns" : "issues", c2[k]->mase, c2[k]->mase_naive,
                       c2[k]->points,
                       c2[k]->mase < c2[k]->mase_naive ? "" : " (the naive one is better here)");
        }
    }
    free(fi);
    free(fr);
    bx_station_history_free(ss.ctx, h);
    if (rc == EXIT_FAILURE_RUNTIME && !ss.printed)
        fprintf(stderr, "boxcar: out of memory\n");
    session_close(&ss);
    return rc;
}

/* ---- rebalancing plans -------------------------------------------------- */

/* The catalog row of a container type: its tare for the moves' mass. */
static int64_t tare_of(const bx_catalog *cat, const char *type)
{
    const bx_box *b = cat ? bx_catalog_find(cat, type) : NULL;
    return b ? b->tare_g : 0;
}

static void plan_print(const args *a, const session *ss, const bx_plan *p, int64_t end_day,
                       const int64_t *wtw_mg)
{
    char when[40];
    cli_format_time(end_day * 86400, when, sizeof when);
    when[10] = '\0';
    if (a->csv) {
        printf("type,from,to,containers,distance_km,links,cost%s\n", wtw_mg ? ",co2e_wtw_kg" : "");
        for (size_t k = 0; k < p->nmoves; k++) {
            const bx_plan_move *m = &p->moves[k];
            printf("%s,%s,%s,%" PRId64 ",%.3f,%zu,%.2f", a->type,
                   p->stations[m->from].station_id, p->stations[m->to].station_id,
                   m->containers, m->distance_km, m->hops, m->cost);
            if (wtw_mg)
                printf(",%.6f", (double)wtw_mg[k] / 1e6);
            printf("\n");
        }
        return;
    }
    printf("plan for type %s: %" PRId64 " days from %s, safety stock %" PRId64 "%s%s, "
           "%zu stations\n", a->type, a->days, when, a->safety,
           ss->as[0] ? ", operator " : "", ss->as, p->nstations);
    printf("  %-14s %7s %6s %7s %8s %7s %6s %6s\n", "station", "stock", "need", "safety",
           "arrives", "leaves", "after", "short");
    for (size_t i = 0; i < p->nstations; i++) {
        const bx_plan_station *s = &p->stations[i];
        printf("  %-14s %7" PRId64 " %6" PRId64 " %7" PRId64 " %8" PRId64 " %7" PRId64
               " %6" PRId64 " %6" PRId64 "\n", s->station_id, s->stock, s->need, s->safety,
               p->arrivals[i], p->departures[i], s->stock + p->arrivals[i] - p->departures[i],
               p->shortfall[i]);
    }
    if (p->nmoves == 0) {
        printf("  no moves%s\n", p->shortfall_total ? "" : ": every station is covered");
    } else {
        printf("  %-14s %-14s %10s %9s %5s %10s%s\n", "from", "to", "containers", "km",
               "links", "cost", wtw_mg ? "   kg CO2e" : "");
        int64_t total_mg = 0;
        for (size_t k = 0; k < p->nmoves; k++) {
            const bx_plan_move *m = &p->moves[k];
            printf("  %-14s %-14s %10" PRId64 " %9.1f %5zu %10.2f",
                   p->stations[m->from].station_id, p->stations[m->to].station_id,
                   m->containers, m->distance_km, m->hops, m->cost);
            if (wtw_mg) {
                printf(" %10.3f", (double)wtw_mg[k] / 1e6);
                total_mg += wtw_mg[k];
            }
            printf("\n");
        }
        printf("  total: %" PRId64 " containers moved, %.1f container-km, cost %.2f",
               p->moved, p->distance_km, p->cost);
        if (wtw_mg)
            printf(", %.3f kg CO2e WTW (%s, %s)", (double)total_mg / 1e6, a->toc,
                   a->factors ? a->factors : "cn-2023");
        printf("\n");
    }
    if (p->shortfall_total > 0) {
        printf("  not enough containers: %" PRId64 " short in total, the least any plan "
               "leaves (", p->shortfall_total);
        const char *sep = "";
        for (size_t i = 0; i < p->nstations; i++)
            if (p->shortfall[i] > 0) {
                printf("%s%s %" PRId64, sep, p->stations[i].station_id, p->shortfall[i]);
                sep = ", ";
            }
        printf(")\n");
    }
}

static int run_plan(const args *a)
{
    if (a->links == NULL || a->type == NULL)
        return cli_usage_error("containers", "plan needs --links FILE and --type TYPE");
    if (a->factors != NULL && a->toc == NULL)
        return cli_usage_error("containers", "--factors goes with --toc (the vehicle)");
    session ss;
    bx_status st = session_open(&ss, a, false, false, a->toc != NULL);
    bx_links *links = NULL;
    bx_factor_set *fs = NULL;
    bx_plan *p = NULL;
    int64_t *wtw = NULL;
    if (st == BX_OK)
        st = bx_links_load(ss.ctx, &links, a->links);
    if (st == BX_OK && a->toc != NULL) {
        char buf[4096];
        const char *path = cli_factor_set_path(a->factors ? a->factors : "cn-2023", buf,
                                               sizeof buf);
        if (path == NULL) {
            fprintf(stderr, "boxcar containers: no factor set '%s' (see 'boxcar factors "
                            "list')\n", a->factors);
            ss.printed = true;
            st = BX_EINPUT;
        } else {
            st = bx_factor_set_load(ss.ctx, &fs, path);
        }
        if (st == BX_OK && tare_of(ss.catalog, a->type) <= 0) {
            fprintf(stderr, "error: type '%s' has no tare_g in the catalog: the moves' mass "
                            "is unknown (give --catalog FILE)\n", a->type);
            ss.printed = true;
            st = BX_EINPUT;
        }
    }
    int64_t now = a->now_given ? a->now : (int64_t)time(NULL);
    int64_t end_day = now / 86400;
    if (st == BX_OK) {
        bx_plan_options o;
        bx_plan_options_init(&o);
        o.horizon_days = (uint32_t)a->days;
        o.safety = a->safety;
        o.end_day = end_day;
        st = bx_plan_pool(ss.ctx, ss.pool, a->journal, ss.as, a->type, links, &o, &p);
        if (st == BX_ENOTFOUND) {
            fprintf(stderr, "error: no station to plan for%s%s\n",
                    ss.as[0] ? ": operator " : "", ss.as[0] ? ss.as : "");
            ss.printed = true;
            st = BX_EINPUT;
        }
    }
    if (st == BX_OK && fs != NULL) {
        wtw = calloc(p->nmoves ? p->nmoves : 1, sizeof *wtw);
        if (wtw == NULL) {
            st = BX_ENOMEM;
        } else {
            char day[16];
            cli_format_time(end_day * 86400, day, sizeof day);
            int32_t date = (int32_t)strtol(day, NULL, 10) * 10000 +
                           (int32_t)strtol(day + 5, NULL, 10) * 100 +
                           (int32_t)strtol(day + 8, NULL, 10);
            int64_t *mass = calloc(p->nmoves ? p->nmoves : 1, sizeof *mass);
            double *km = calloc(p->nmoves ? p->nmoves : 1, sizeof *km);
            bx_co2e *co2e = calloc(p->nmoves ? p->nmoves : 1, sizeof *co2e);
            if (mass == NULL || km == NULL || co2e == NULL)
                st = BX_ENOMEM;
            for (size_t k = 0; st == BX_OK && k < p->nmoves; k++) {
                mass[k] = p->moves[k].containers * tare_of(ss.catalog, a->type);
                km[k] = p->moves[k].distance_km;
            }
            /* the moves' emissions: the carbon module's, as data (pool
             * and carbon do not include each other) */
            if (st == BX_OK)
                st = bx_carbon_legs(ss.ctx, fs, a->toc, mass, km, p->nmoves, date, co2e);
            for (size_t k = 0; st == BX_OK && k < p->nmoves; k++)
                wtw[k] = co2e[k].wtw_mg;
            free(mass);
            free(km);
            free(co2e);
        }
    }
    if (st == BX_OK)
        plan_print(a, &ss, p, end_day, wtw);
    free(wtw);
    bx_plan_free(ss.ctx, p);
    bx_factor_set_free(fs);
    bx_links_free(links);
    if (st != BX_OK)
        return fail(&ss, a, st);
    session_close(&ss);
    return EXIT_OK;
}

/* ---- statements and losses ---------------------------------------------- */

/* The trips `as` may see, as of now, with the command's window and
 * charges. NULL after printing why. */
static bx_accounts *accounts_of(session *ss, const args *a, int64_t now)
{
    bx_account_options o;
    bx_account_options_init(&o);
    o.loss_window_s = a->loss_days * 86400;
    o.now_s = now;
    o.deposit_minor = a->deposit_minor;
    o.fee_minor = a->fee_minor;
    bx_accounts *acc = NULL;
    bx_status st = bx_pool_accounts(ss->ctx, a->journal, ss->as, &o, &acc);
    if (st != BX_OK) {
        cli_fail(ss->ctx, st);
        ss->printed = true;
    }
    return acc;
}

static void money_text(char *buf, size_t size, int64_t minor)
{
    snprintf(buf, size, "%" PRId64 ".%02d", minor / 100, (int)(minor % 100));
}

/* The table of one month's rows (month 0: all, summed per operator and
 * station by the caller's rows already). */
static void statement_table(const bx_accounts *acc, int32_t month)
{
    printf("  %-12s %-14s %7s %8s %6s %5s %6s %6s %10s %11s %10s %10s %10s\n", "operator",
           "station", "trips", "returned", "lost", "late", "open", "loss", "fees",
           "deposits", "refunded", "forfeited", "held");
    for (size_t i = 0; i < acc->nrows; i++) {
        const bx_account_row *r = &acc->rows[i];
        if (month != 0 && r->month != month)
            continue;
        char loss[16], m[5][24];
        pct(loss, sizeof loss, r->returned + r->lost
                                   ? (double)r->lost / (double)(r->returned + r->lost)
                                   : NAN);
        money_text(m[0], sizeof m[0], r->fees_minor);
        money_text(m[1], sizeof m[1], r->deposits_minor);
        money_text(m[2], sizeof m[2], r->refunded_minor);
        money_text(m[3], sizeof m[3], r->forfeited_minor);
        money_text(m[4], sizeof m[4], r->held_minor);
        printf("  %-12s %-14s %7" PRIu64 " %8" PRIu64 " %6" PRIu64 " %5" PRIu64 " %6" PRIu64
               " %6s %10s %11s %10s %10s %10s\n", r->operator_id[0] ? r->operator_id : "-",
               r->station_id, r->trips, r->returned, r->lost, r->late, r->open, loss, m[0],
               m[1], m[2], m[3], m[4]);
    }
}

/* The month's rows into a workbook through scripts/report/statement.lua:
 * the rows go to a temporary CSV the report reads. */
static bx_status statement_workbook(session *ss, const args *a, const bx_accounts *acc)
{
    char tmp[] = "/tmp/boxcar-statement-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "boxcar containers: a temporary file: %s\n", strerror(errno));
        ss->printed = true;
        return BX_EIO;
    }
    FILE *fp = fdopen(fd, "w");
    bx_status st = fp ? bx_accounts_write_csv(ss->ctx, acc, a->month, cli_file_write, fp)
                      : BX_EIO;
    if (fp == NULL)
        close(fd);
    if (fp == NULL || fclose(fp) != 0) {
        if (st == BX_OK) {
            fprintf(stderr, "boxcar containers: writing %s: %s\n", tmp, strerror(errno));
            ss->printed = true;
        }
        st = BX_EIO;
    }
    char script[4096], month[16], days[16];
    const char *path = cli_script_path("report", "statement", script, sizeof script);
    bx_report *rep = NULL;
    snprintf(month, sizeof month, "%04d-%02d", (int)(a->month / 100), (int)(a->month % 100));
    snprintf(days, sizeof days, "%" PRId64, a->loss_days);
    if (st == BX_OK)
        st = bx_report_load(ss->ctx, &rep, path, NULL);
    if (st == BX_OK)
        st = bx_report_set_param(rep, "lang", a->lang ? a->lang : "en");
    if (st == BX_OK)
        st = bx_report_set_param(rep, "month", month);
    if (st == BX_OK)
        st = bx_report_set_param(rep, "loss_days", days);
    if (st == BX_OK)
        st = bx_report_add_source(rep, "statement", tmp, bx_accounts_csv_numeric_columns());
    if (st == BX_OK) {
        bx_report_options o = {0, NULL, NULL, 0};
        const char *env = getenv("SOURCE_DATE_EPOCH");
        if (env != NULL)
            o.created = (time_t)strtoll(env, NULL, 10);
        st = bx_report_render(rep, BX_REPORT_XLSX, a->output, &o);
    }
    bx_report_free(rep);
    unlink(tmp);
    return st;
}

static int run_statement(const args *a)
{
    if (a->month == 0)
        return cli_usage_error("containers", "statement needs --month YYYY-MM");
    bool xlsx = false, csv = a->csv;
    if (a->output != NULL) {
        size_t n = strlen(a->output);
        xlsx = n > 5 && strcmp(a->output + n - 5, ".xlsx") == 0;
        csv = !xlsx;
    }
    if (a->lang != NULL && !xlsx)
        return cli_usage_error("containers", "--lang goes with -o FILE.xlsx");
    session ss;
    bx_status st = session_open(&ss, a, false, false, false);
    if (st != BX_OK)
        return fail(&ss, a, st);
    int64_t now = a->now_given ? a->now : (int64_t)time(NULL);
    bx_accounts *acc = accounts_of(&ss, a, now);
    if (acc == NULL)
        return fail(&ss, a, BX_EINPUT);
    if (xlsx) {
        st = statement_workbook(&ss, a, acc);
    } else if (csv) {
        cli_sink sink;
        st = cli_sink_open(ss.ctx, &sink, a->output);
        if (st == BX_OK)
            st = bx_accounts_write_csv(ss.ctx, acc, a->month, sink.write, sink.ud);
        if (st == BX_OK)
            st = cli_sink_commit(&sink, "containers", &ss.printed);
        else
            cli_sink_abort(&sink);
    } else {
        printf("statement %04d-%02d%s%s: trips that started in the month; lost: not back "
               "within %" PRId64 " days (as of ", (int)(a->month / 100),
               (int)(a->month % 100), ss.as[0] ? ", operator " : "", ss.as, a->loss_days);
        char when[40];
        cli_format_time(now, when, sizeof when);
        printf("%s)\n", when);
        statement_table(acc, a->month);
    }
    bx_accounts_free(ss.ctx, acc);
    if (st != BX_OK)
        return fail(&ss, a, st);
    session_close(&ss);
    return EXIT_OK;
}

/* ---- operators ---------------------------------------------------------- */

/* A new operator: its token goes to --token-out (mode 0600, whole or not
 * at all) and only its hash to the journal. The file is committed after
 * the event is durable, so a refused event leaves no token behind. */
static int run_operator(const args *a)
{
    if (a->role == BX_ROLE_NONE || a->token_out == NULL)
        return cli_usage_error("containers", "operator needs --role operator|platform and "
                               "--token-out FILE");
    bx_pool_event ev;
    bx_pool_event_init(&ev);
    ev.type = BX_EV_OPERATOR;
    ev.time_s = a->at_given ? a->at : (int64_t)time(NULL);
    ev.role = a->role;
    if (!copy_id(ev.operator_id, a->ids[0]))
        return cli_usage_error("containers", "an id is longer than %d bytes", BX_ID_MAX - 1);
    session ss;
    bx_status st = session_open(&ss, a, true, true, false);
    char token[BX_POOL_TOKEN_SIZE];
    bx_outfile *out = NULL;
    if (st == BX_OK) {
        snprintf(ev.by, sizeof ev.by, "%s", ss.as);
        st = bx_pool_new_token(ss.ctx, token, ev.token_sha256);
    }
    if (st == BX_OK)
        st = bx_pool_check(ss.pool, &ev);
    if (st == BX_OK && (st = bx_outfile_open(ss.ctx, &out, a->token_out)) == BX_OK) {
        FILE *fp = bx_outfile_stream(out);
        if (fchmod(fileno(fp), 0600) != 0 || fprintf(fp, "%s\n", token) < 0) {
            fprintf(stderr, "boxcar containers: --token-out %s: %s\n", a->token_out,
                    strerror(errno));
            ss.printed = true;
            st = BX_EIO;
        }
    }
    memset(token, 0, sizeof token);
    if (st == BX_OK)
        st = bx_pool_apply(ss.pool, &ev, NULL);
    if (st == BX_OK)
        st = bx_pool_sync(ss.pool);
    if (st != BX_OK) {
        bx_outfile_abort(out);
        return fail(&ss, a, st);
    }
    if ((st = bx_outfile_commit(out)) != BX_OK) {
        fprintf(stderr, "boxcar containers: operator '%s' was recorded but its token could "
                        "not be written: %s\n", a->ids[0], bx_ctx_errmsg(ss.ctx));
        ss.printed = true;
        return fail(&ss, a, st);
    }
    printf("record %" PRIu64 ": operator %s (%s)%s%s; its token is in %s\n",
           bx_pool_seq(ss.pool), a->ids[0], bx_pool_role_name(a->role),
           ss.as[0] ? " by " : "", ss.as, a->token_out);
    session_close(&ss);
    return EXIT_OK;
}

int cmd_containers(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        containers_help();
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(argv[1], subs[i].name) != 0)
            continue;
        args a;
        int rc = parse_args(argc - 1, argv + 1, &subs[i], &a);
        if (rc != 0)
            return rc < 0 ? EXIT_OK : rc;
        return subs[i].run(&a);
    }
    return cli_usage_error("containers", "unknown command '%s'", argv[1]);
}

#else

int cmd_containers(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "boxcar containers: this build has no CBOR support, which the "
                    "container journal needs\n");
    return EXIT_FAILURE_RUNTIME;
}

#endif
