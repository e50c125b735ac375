/*
 * report_internal.h: the report model a script builds (report.c,
 * report_book.c) and the renderers read (report_xlsx.c, report_csv.c,
 * report_cbor.c), and the CSV sources (report_source.c). Only in builds
 * with Lua.
 */
#ifndef BOXCAR_REPORT_INTERNAL_H
#define BOXCAR_REPORT_INTERNAL_H

#include <stdbool.h>

#include "boxcar/report.h"
#include "report_names.h"
#include "script_internal.h"

/* Excel's grid: 1,048,576 rows, 16,384 columns; 32,767 characters a cell. */
#define RP_MAX_ROWS 1048576u
#define RP_MAX_COLS 16384u
#define RP_MAX_CELL_TEXT 32767u
/* Sheets in one report. libxlsxwriter keeps every sheet in memory until
 * the workbook is closed, about 7 KB for a summary sheet and 20 KB for a
 * detail sheet (measured with libxlsxwriter 1.1.4): 1,000 sheets stay
 * within 20 MB, beside the script's own cap. */
#define RP_MAX_SHEETS 1000u
/* Kept small on purpose: summary tables hold aggregates. */
#define RP_MAX_SUMMARY_CELLS (4u << 20)

typedef enum rp_cell_kind { RP_EMPTY = 0, RP_NUMBER = 1, RP_TEXT = 2 } rp_cell_kind;

typedef struct rp_cell {
    uint8_t kind;
    double num;
    size_t text; /* offset into the report's text buffer */
} rp_cell;

typedef enum rp_total {
    RP_TOTAL_NONE = 0,
    RP_TOTAL_SUM,
    RP_TOTAL_MEAN,
    RP_TOTAL_MIN,
    RP_TOTAL_MAX,
    RP_TOTAL_COUNT,
    RP_TOTAL_LABEL, /* the column's total_label text */
    RP_TOTAL_VALUE  /* the column's total_value, given by the script */
} rp_total;

typedef struct rp_column {
    size_t name;       /* text offsets; SIZE_MAX: none */
    size_t format;     /* Excel number format */
    size_t field;      /* detail: the source column */
    size_t total_label;
    rp_total total;
    double total_value; /* RP_TOTAL_VALUE */
    double width;      /* 0: automatic */
    int source_col;    /* detail: index in the source's header */
    bool numeric;      /* detail: write as a number */
} rp_column;

typedef struct rp_table {
    size_t title;      /* SIZE_MAX: none */
    rp_column *cols;
    uint32_t ncols;
    rp_cell *cells;    /* nrows * ncols */
    uint32_t nrows;
    size_t cells_cap;
    bool totals;       /* any column has a total */
    int script_line;   /* where it was declared */
} rp_table;

typedef enum rp_chart_type {
    RP_CHART_COLUMN = 0,
    RP_CHART_BAR,
    RP_CHART_PIE,
    RP_CHART_LINE
} rp_chart_type;

typedef struct rp_chart {
    rp_chart_type type;
    size_t title, x_title, y_title;
    uint32_t table;      /* index in the sheet's blocks */
    uint32_t categories; /* column */
    uint32_t values[8];  /* columns, one series each */
    uint32_t nvalues;
} rp_chart;

typedef enum rp_block_kind { RP_BLOCK_TEXT = 0, RP_BLOCK_TABLE = 1 } rp_block_kind;

typedef struct rp_block {
    rp_block_kind kind;
    size_t text;        /* RP_BLOCK_TEXT */
    bool heading;       /* text shown as a heading */
    rp_table table;     /* RP_BLOCK_TABLE */
    uint32_t first_row; /* set while laying out */
} rp_block;

typedef struct rp_source rp_source;

/* How a sheet prints (sheet:page{...}); Excel output only. */
typedef enum rp_paper { RP_PAPER_DEFAULT = 0, RP_PAPER_A4, RP_PAPER_A3, RP_PAPER_LETTER } rp_paper;

typedef struct rp_page {
    bool landscape;
    bool print_area;      /* print what the sheet holds, charts included */
    rp_paper paper;
    uint16_t fit_width;   /* pages across; 0: as Excel decides */
    uint32_t repeat_rows; /* the first rows again on every page; 0: none */
} rp_page;

typedef struct rp_sheet {
    size_t name;
    bool detail;
    /* summary */
    rp_block *blocks;
    uint32_t nblocks, blocks_cap;
    rp_chart *charts;
    uint32_t ncharts, charts_cap;
    /* detail */
    rp_source *source;
    rp_column *cols;
    uint32_t ncols;
    int skip_empty;     /* source column whose empty rows are left out; -1 none */
    uint64_t max_rows;  /* source rows written at most; 0: all */
    rp_page page;
} rp_sheet;

/* A CSV source: path, header, which columns are numbers. */
struct rp_source {
    char *name;
    char *path;
    char **header;
    size_t ncols;
    bool *numeric;
    int view_ref;    /* the row view, reused */
    int index_ref;   /* column name -> index table */
    /* the open reader while iterating */
    void *fp;
    struct bx_csv_reader *csv;
    uint64_t rows_read;
};

struct bx_report {
    bx_ctx *ctx;
    bx_script *script;
    lua_State *L;
    char name[64];
    int build_ref;
    rp_source **sources;
    size_t nsources;
    char **notes;
    size_t nnotes;
    /* the model (reset before each build) */
    char *text;
    size_t text_len, text_cap;
    size_t title;
    rp_sheet *sheets;
    uint32_t nsheets, sheets_cap;
    rp_column *pending_cols; /* columns being read, not yet attached */
    size_t summary_cells;
    /* progress */
    uint64_t rows;
    uint64_t next_tick;
    bx_report_progress_fn progress;
    void *progress_ud;
    uint32_t max_sheet_rows; /* of the render under way, header row included */
};

/* The text at offset off (NULL for SIZE_MAX). */
static inline const char *rp_text(const bx_report *r, size_t off)
{
    return off == SIZE_MAX ? NULL : r->text + off;
}

/* Keep a copy of s; its offset, or SIZE_MAX with BX_ENOMEM recorded. */
size_t bxi_rp_keep(bx_report *r, const char *s, size_t n);

/* Count rows for the progress callback. */
void bxi_rp_tick(bx_report *r, uint64_t rows);

/* ---- report_source.c ---- */

bx_status bxi_rp_source_new(bx_report *r, const char *name, const char *path,
                        const char *const *numeric, rp_source **out);
void bxi_rp_source_free(bx_report *r, rp_source *s);
/* Start reading from the first row (reopening the file). */
bx_status bxi_rp_source_rewind(bx_report *r, rp_source *s);
/* The next row: BX_OK (fields through bx_csv_field), BX_END, or an error
 * (BX_EINPUT with file and line for a row of the wrong width). */
bx_status bxi_rp_source_next(bx_report *r, rp_source *s);
void bxi_rp_source_close(rp_source *s);
/* Field col of the current row as a number: BX_OK, BX_END for an empty
 * field, BX_EINPUT (message with file, line, field) if not a number. */
bx_status bxi_rp_source_number(bx_report *r, rp_source *s, int col, double *out);
/* Column index by name, -1 if none. */
int bxi_rp_source_column(const rp_source *s, const char *name);
/* Lua: make the row view and the rows() method for s (in a protected
 * call); push data.<name>'s object. */
void bxi_rp_source_push(lua_State *L, bx_report *r, rp_source *s);

/* ---- report_book.c ---- */

/* Push the book object for a build call. */
void bxi_rp_book_push(lua_State *L, bx_report *r);
/* Free the model. */
void bxi_rp_model_reset(bx_report *r);

/* ---- renderers ---- */

bx_status bxi_rp_render_xlsx(bx_report *r, const char *path, time_t created);
bx_status bxi_rp_render_csv(bx_report *r, const char *dir);
bx_status bxi_rp_render_cbor(bx_report *r, const char *path);

/* Shared by renderers: the value of column c's total in table t. */
bool bxi_rp_total_value(const bx_report *r, const rp_table *t, uint32_t c, rp_cell *out);
/* The number as shortest round-trip text, locale-free. */
void bxi_rp_number_text(double v, char *buf, size_t size);

#endif
