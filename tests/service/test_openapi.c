/*
 * test_openapi.c: the OpenAPI document the service serves
 * (docs/openapi.json, embedded at build time) names every endpoint of the
 * route table with its method, and nothing the table lacks. Its answers
 * are checked against real ones in tests/e2e/test_serve_wms.c.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "svc.h"
#include "testutil.h"

/* A route's path as the document writes it: a prefix route takes one
 * more segment, its id. */
static void doc_path(const svc_route *r, char *out, size_t size)
{
    snprintf(out, size, "%s%s", r->path, r->prefix ? "{id}" : "");
}

static json_t *document(void)
{
    json_error_t e;
    json_t *doc = json_loadb((const char *)svc_asset_openapi_json, svc_asset_openapi_json_len,
                             JSON_REJECT_DUPLICATES, &e);
    if (doc == NULL)
        fail_msg("docs/openapi.json, line %d: %s", e.line, e.text);
    return doc;
}

static void test_every_route_documented(void **state)
{
    (void)state;
    json_t *doc = document();
    const char *version = json_string_value(json_object_get(doc, "openapi"));
    assert_non_null(version);
    assert_true(strncmp(version, "3.", 2) == 0);
    json_t *paths = json_object_get(doc, "paths");
    for (unsigned i = 0; i < svc_route_count(); i++) {
        const svc_route *r = svc_route_at(i);
        char path[128], method[8];
        doc_path(r, path, sizeof path);
        size_t n = 0;
        for (; r->methods[n] != '\0' && n + 1 < sizeof method; n++)
            method[n] = (char)(r->methods[n] - 'A' + 'a');
        method[n] = '\0';
        const json_t *op = json_object_get(json_object_get(paths, path), method);
        if (op == NULL)
            fail_msg("the route %s %s is not in docs/openapi.json", r->methods, path);
        if (json_object_get(json_object_get(op, "responses"), "200") == NULL)
            fail_msg("%s %s: no answer documented", r->methods, path);
    }
    json_decref(doc);
}

static void test_nothing_undocumented_extra(void **state)
{
    (void)state;
    json_t *doc = document();
    const char *path;
    json_t *item;
    json_object_foreach(json_object_get(doc, "paths"), path, item) {
        const char *method;
        json_t *op;
        json_object_foreach(item, method, op) {
            bool found = false;
            for (unsigned i = 0; i < svc_route_count() && !found; i++) {
                const svc_route *r = svc_route_at(i);
                char p[128];
                doc_path(r, p, sizeof p);
                found = strcmp(p, path) == 0 && strlen(method) == strlen(r->methods) &&
                        strncasecmp(method, r->methods, strlen(method)) == 0;
            }
            if (!found)
                fail_msg("docs/openapi.json has %s %s, which the service does not", method,
                         path);
        }
    }
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_route_documented),
        cmocka_unit_test(test_nothing_undocumented_extra),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
