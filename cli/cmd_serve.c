/*
 * cmd_serve.c: `boxcar serve`: the packing-station service.
 *
 * The command parses options, reads the token, starts the service, and
 * then spends its life waiting for signals: SIGHUP reloads the catalog,
 * SIGTERM and SIGINT drain (stop accepting, finish what runs) and exit.
 * The signals are blocked before any thread starts, so every thread
 * inherits the mask and only this loop ever sees them.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "service.h"

#define TOKEN_MAX 4096

static void serve_help(void)
{
    printf("usage: boxcar serve [--listen HOST:PORT] [--catalog FILE] [--threads N]\n"
           "                    [--token-file FILE] [--max-body BYTES] [--timeout S]\n"
           "                    [--max-connections N] [--budget N] [--max-budget N]\n"
           "                    [--max-units N] [--max-lines N] [--drain-timeout S]\n"
           "                    [--routes FILE [--factors SET|FILE] [--containers FILE]\n"
           "                     [--max-shipments N]]\n"
           "                    [--policy FILE [--param KEY=VALUE]...] [--pool JOURNAL]\n"
           "                    [--items FILE]\n"
           "\n"
           "Answer packing requests over HTTP (JSON or CBOR) and serve the packing-\n"
           "station page at /.\n"
           "\n"
           "  --listen HOST:PORT   address to bind (default 127.0.0.1:8080; [::1]:PORT\n"
           "                       for IPv6; port 0 picks a free port)\n"
           "  --catalog FILE       box catalog (default: the cn-express carton series);\n"
           "                       SIGHUP or POST /v1/admin/reload reads it again\n"
           "  --threads N          worker threads (default: one per CPU)\n"
           "  --token-file FILE    bearer token for write endpoints (first line of FILE;\n"
           "                       else the BOXCAR_TOKEN environment variable). Off\n"
           "                       loopback every /v1 endpoint needs it.\n"
           "  --max-body BYTES     largest request body (default 1048576)\n"
           "  --timeout S          idle connection timeout, and the most a body may take\n"
           "                       to arrive (default 10)\n"
           "  --max-connections N  open connections at once (default 256)\n"
           "  --budget N           work per order (default %" PRIu64 ")\n"
           "  --max-budget N       the most a request may ask for with ?budget= (default\n"
           "                       50 x the default budget)\n"
           "  --max-units N        units per order (default 10000)\n"
           "  --max-lines N        order lines per request (default 10000)\n"
           "  --drain-timeout S    on SIGTERM, how long running requests may take to\n"
           "                       finish (default 10)\n"
           "  --routes FILE        transport chains: turns on POST /v1/carbon\n"
           "  --factors SET        factor set name or file (default cn-2023)\n"
           "  --containers FILE    reusable container types named as packaging\n"
           "  --max-shipments N    shipments per carbon request (default 10000)\n"
           "  --policy FILE        pack under this Lua policy (as boxcar pack --policy)\n"
           "  --param KEY=VALUE    set one of the policy's params (repeatable)\n"
           "  --pool JOURNAL       keep the container pool in JOURNAL (this server is its\n"
           "                       writer): turns on /v1/containers\n"
           "  --links FILE         with --pool: the links between stations (from, to,\n"
           "                       distance_km, cost_per_container): turns on\n"
           "                       GET /v1/containers/plan\n"
           "  --items FILE         the item master (CSV, JSON or CBOR): a scan finds an\n"
           "                       item by sku or barcode (GET /v1/items/CODE); POST\n"
           "                       /v1/items (token) adds one, rewriting FILE atomically\n"
           "SIGHUP reloads the catalog, the carbon setup and the policy together; if any\n"
           "fails to load, the old ones stay in service.\n"
           "\n"
           "Endpoints: GET / (station page), POST /v1/pack, POST /v1/pack/svg,\n"
           "GET /v1/catalog, GET /v1/policy, POST /v1/carbon, POST /v1/containers/events\n"
           "(token), GET /v1/containers[/ID|/stats], POST /v1/admin/reload (token),\n"
           "GET /healthz, GET /metrics.\n"
           "Exit: 0 after a drain, 1 runtime failure (cannot bind, bad catalog),\n"
           "      2 usage error.\n",
           BX_DEFAULT_BUDGET);
}

static void log_line(void *ud, const char *line)
{
    (void)ud;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(stderr, "%s.%03ldZ boxcar serve: %s\n", when, ts.tv_nsec / 1000000, line);
}

typedef struct serve_args {
    svc_config cfg;
    char host[64];
    const char *token_file;
    unsigned drain_s;
    const char *factors;
    char factors_path[4096];
    char policy_path[4096];
    const char *params[CLI_MAX_PARAMS];
} serve_args;

/* HOST:PORT, [V6]:PORT or PORT. */
static bool parse_listen(const char *s, serve_args *a)
{
    const char *port = s;
    size_t hlen = 0;
    const char *host = NULL;
    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (close == NULL || close[1] != ':')
            return false;
        host = s + 1;
        hlen = (size_t)(close - host);
        port = close + 2;
    } else if (strchr(s, ':') != NULL) {
        const char *colon = strrchr(s, ':');
        host = s;
        hlen = (size_t)(colon - s);
        port = colon + 1;
    }
    uint64_t p;
    if (!cli_parse_u64(port, 0, 65535, &p))
        return false;
    a->cfg.port = (uint16_t)p;
    if (host != NULL) {
        if (hlen == 0 || hlen >= sizeof a->host)
            return false;
        memcpy(a->host, host, hlen);
        a->host[hlen] = '\0';
        a->cfg.host = a->host;
    }
    return true;
}

static bool is_loopback(const char *host)
{
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0;
}

static int parse_args(int argc, char **argv, serve_args *a)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"catalog", required_argument, NULL, 'c'},
        {"threads", required_argument, NULL, 't'},
        {"token-file", required_argument, NULL, 'T'},
        {"max-body", required_argument, NULL, 'B'},
        {"timeout", required_argument, NULL, 'o'},
        {"max-connections", required_argument, NULL, 'C'},
        {"budget", required_argument, NULL, 'b'},
        {"max-budget", required_argument, NULL, 'M'},
        {"max-units", required_argument, NULL, 'u'},
        {"max-lines", required_argument, NULL, 'n'},
        {"drain-timeout", required_argument, NULL, 'd'},
        {"routes", required_argument, NULL, 'r'},
        {"factors", required_argument, NULL, 'f'},
        {"containers", required_argument, NULL, 'K'},
        {"max-shipments", required_argument, NULL, 'S'},
        {"policy", required_argument, NULL, 'P'},
        {"param", required_argument, NULL, 'p'},
        {"pool", required_argument, NULL, 'J'},
        {"items", required_argument, NULL, 'I'},
        {"links", required_argument, NULL, 'Q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    svc_config_init(&a->cfg);
    a->cfg.script_limits = cli_script_limits_default();
    a->cfg.policy_params = a->params;
    a->drain_s = 10;
    bool max_budget_given = false;
    int c;
    uint64_t v;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (!parse_listen(optarg, a))
                return cli_usage_error("serve", "--listen wants HOST:PORT, [IPV6]:PORT or PORT");
            break;
        case 'c': a->cfg.catalog_path = optarg; break;
        case 'T': a->token_file = optarg; break;
        case 't':
            if (!cli_parse_u64(optarg, 1, 256, &v))
                return cli_usage_error("serve", "--threads wants 1 to 256");
            a->cfg.threads = (unsigned)v;
            break;
        case 'B':
            if (!cli_parse_u64(optarg, 1, (uint64_t)1 << 30, &v))
                return cli_usage_error("serve", "--max-body wants 1 to 1073741824 bytes");
            a->cfg.max_body_bytes = (size_t)v;
            break;
        case 'o':
            if (!cli_parse_u64(optarg, 1, 3600, &v))
                return cli_usage_error("serve", "--timeout wants 1 to 3600 seconds");
            a->cfg.timeout_s = (unsigned)v;
            break;
        case 'C':
            if (!cli_parse_u64(optarg, 1, 100000, &v))
                return cli_usage_error("serve", "--max-connections wants 1 to 100000");
            a->cfg.max_connections = (unsigned)v;
            break;
        case 'b':
            if (!cli_parse_u64(optarg, 1, UINT64_MAX, &v))
                return cli_usage_error("serve", "--budget wants a whole number > 0");
            a->cfg.budget = v;
            break;
        case 'M':
            if (!cli_parse_u64(optarg, 1, UINT64_MAX, &v))
                return cli_usage_error("serve", "--max-budget wants a whole number > 0");
            a->cfg.max_budget = v;
            max_budget_given = true;
            break;
        case 'u':
            if (!cli_parse_u64(optarg, 1, 100000000, &v))
                return cli_usage_error("serve", "--max-units wants 1 to 100000000");
            a->cfg.max_units = (uint32_t)v;
            break;
        case 'n':
            if (!cli_parse_u64(optarg, 1, 100000000, &v))
                return cli_usage_error("serve", "--max-lines wants 1 to 100000000");
            a->cfg.max_lines = v;
            break;
        case 'd':
            if (!cli_parse_u64(optarg, 0, 3600, &v))
                return cli_usage_error("serve", "--drain-timeout wants 0 to 3600 seconds");
            a->drain_s = (unsigned)v;
            break;
        case 'r': a->cfg.routes_path = optarg; break;
        case 'f': a->factors = optarg; break;
        case 'K': a->cfg.containers_path = optarg; break;
        case 'P': a->cfg.policy_path = optarg; break;
        case 'J': a->cfg.pool_path = optarg; break;
        case 'Q': a->cfg.links_path = optarg; break;
        case 'I': a->cfg.items_path = optarg; break;
        case 'S':
            if (!cli_parse_u64(optarg, 1, 1000000, &v))
                return cli_usage_error("serve", "--max-shipments wants 1 to 1000000");
            a->cfg.max_shipments = v;
            break;
        case 'p': {
            const char *eq = strchr(optarg, '=');
            if (eq == NULL || eq == optarg || eq - optarg >= 128)
                return cli_usage_error("serve", "--param %s: want KEY=VALUE", optarg);
            if (a->cfg.npolicy_params == CLI_MAX_PARAMS)
                return cli_usage_error("serve", "at most %d --param", CLI_MAX_PARAMS);
            a->params[a->cfg.npolicy_params++] = optarg;
            break;
        }
        case 'h':
            serve_help();
            return -1;
        default:
            return cli_usage_error("serve", "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    if (a->cfg.routes_path == NULL && (a->factors != NULL || a->cfg.containers_path != NULL))
        return cli_usage_error("serve", "--factors and --containers need --routes");
    if (a->cfg.policy_path == NULL && a->cfg.npolicy_params > 0)
        return cli_usage_error("serve", "--param needs --policy");
    if (a->cfg.links_path != NULL && a->cfg.pool_path == NULL)
        return cli_usage_error("serve", "--links needs --pool");
    a->cfg.policy_path = cli_script_path("policy", a->cfg.policy_path, a->policy_path,
                                         sizeof a->policy_path);
    if (a->cfg.routes_path != NULL) {
        const char *set = a->factors != NULL ? a->factors : "cn-2023";
        a->cfg.factors_path = cli_factor_set_path(set, a->factors_path, sizeof a->factors_path);
        if (a->cfg.factors_path == NULL) {
            fprintf(stderr, "boxcar serve: no factor set '%s' (see 'boxcar factors list')\n",
                    set);
            return EXIT_FAILURE_RUNTIME;
        }
    }
    if (!max_budget_given && a->cfg.budget > a->cfg.max_budget)
        a->cfg.max_budget = a->cfg.budget;
    if (a->cfg.budget > a->cfg.max_budget)
        return cli_usage_error("serve", "--budget is above --max-budget");
    if (a->cfg.catalog_path == NULL &&
        (a->cfg.catalog_path = cli_default_catalog("cn-express.csv")) == NULL) {
        fprintf(stderr, "boxcar serve: the default catalog is not where it was "
                        "installed; give --catalog FILE\n");
        return EXIT_FAILURE_RUNTIME;
    }
    return 0;
}

/* The token: the first line of the file, or BOXCAR_TOKEN; trailing white
 * space (a file's last newline) is not part of it. The line is read with
 * its length, so a NUL byte in it, or a line too long to keep, is refused
 * rather than cutting the token short. */
static int read_token(const serve_args *a, char *token, size_t size)
{
    token[0] = '\0';
    if (a->token_file != NULL) {
        char *line;
        size_t n;
        int e = cli_first_line(a->token_file, &line, &n);
        if (e != 0) {
            fprintf(stderr, "boxcar serve: --token-file %s: %s\n", a->token_file,
                    strerror(e));
            return EXIT_FAILURE_RUNTIME;
        }
        int rc = 0;
        if (memchr(line != NULL ? line : "", '\0', n) != NULL)
            rc = cli_usage_error("serve", "--token-file %s: the token holds a NUL byte",
                                 a->token_file);
        else if (n >= size)
            rc = cli_usage_error("serve", "--token-file %s: the token is longer than "
                                 "%zu bytes", a->token_file, size - 1);
        else if (n > 0)
            memcpy(token, line, n + 1);
        free(line);
        if (rc != 0)
            return rc;
    } else if (getenv("BOXCAR_TOKEN") != NULL) {
        snprintf(token, size, "%s", getenv("BOXCAR_TOKEN"));
    } else {
        return 0;
    }
    size_t n = strlen(token);
    while (n > 0 && (token[n - 1] == '\n' || token[n - 1] == '\r' ||
                     token[n - 1] == ' ' || token[n - 1] == '\t'))
        token[--n] = '\0';
    if (n == 0)
        return cli_usage_error("serve", "the token is empty");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)token[i] <= 0x20 || (unsigned char)token[i] >= 0x7f)
            return cli_usage_error("serve", "the token may hold only visible ASCII");
    return 0;
}

static int run(serve_args *a, sigset_t *signals)
{
    char err[1024];
    svc_server *s = NULL;
    if (svc_server_start(&a->cfg, &s, err, sizeof err) != 0) {
        fprintf(stderr, "boxcar serve: %s\n", err);
        return EXIT_FAILURE_RUNTIME;
    }
    bool v6 = strchr(a->cfg.host, ':') != NULL;
    printf("listening on http://%s%s%s:%u/\n", v6 ? "[" : "", a->cfg.host, v6 ? "]" : "",
           (unsigned)svc_server_port(s));
    fflush(stdout);
    log_line(NULL, "started; SIGHUP reloads the catalog (with the carbon setup and the "
                   "policy), SIGTERM drains and stops");
    for (;;) {
        int sig = 0;
        if (sigwait(signals, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            svc_server_reload(s, err, sizeof err);
            continue;
        }
        log_line(NULL, "draining");
        unsigned left = svc_server_drain(s, a->drain_s * 1000u);
        if (left > 0) {
            snprintf(err, sizeof err, "%u requests still running after %u s; "
                                      "closing them", left, a->drain_s);
            log_line(NULL, err);
        }
        svc_server_stop(s);
        log_line(NULL, "stopped");
        return EXIT_OK;
    }
}

int cmd_serve(int argc, char **argv)
{
    serve_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    static char token[TOKEN_MAX];
    if ((rc = read_token(&a, token, sizeof token)) != 0)
        return rc;
    a.cfg.token = token[0] != '\0' ? token : NULL;
    if (!is_loopback(a.cfg.host)) {
        if (a.cfg.token == NULL)
            return cli_usage_error("serve", "listening on %s, beyond this machine, "
                                            "needs a token (--token-file or BOXCAR_TOKEN)",
                                   a.cfg.host);
        a.cfg.token_for_reads = true;
    }
    a.cfg.log = log_line;
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGHUP);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    return run(&a, &signals);
}
