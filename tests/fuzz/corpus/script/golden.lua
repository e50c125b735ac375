-- golden.lua: a small report with every kind of block and chart, for the
-- byte-for-byte golden files (tests/data/report/golden.*).
local report = {name = "golden", params = {scale = 1}}

function report.build(data, book)
    book:title("Golden report")
    local s = book:sheet("Überblick 概要")
    s:heading("Golden")
    s:text("Rows of " .. data.packing.file)
    local t = s:table{
        title = "By box",
        columns = {
            {"Box", total = {label = "All"}},
            {"Boxes", format = "#,##0", total = "sum"},
            {"Fill", format = '0.0 "%"', total = "mean"},
            {"Gross", format = '#,##0 "g"', total = "max"},
        },
    }
    local by = {}
    local order = {}
    for row in data.packing:rows() do
        if row.box_id then
            local e = by[row.box_id]
            if not e then
                e = {n = 0, fill = 0, gross = 0}
                by[row.box_id] = e
                order[#order + 1] = row.box_id
            end
            e.n = e.n + 1
            e.fill = e.fill + row.fill_pct
            e.gross = math.max(e.gross, row.gross_weight_g)
        end
    end
    for _, id in ipairs(order) do
        local e = by[id]
        t:row(id, e.n * report.params.scale, e.fill / e.n, e.gross)
    end
    for _, kind in ipairs({"column", "bar", "line"}) do
        s:chart{type = kind, table = t, title = kind, categories = 1, values = {2, 3},
                x_title = "box", y_title = "value"}
    end
    s:chart{type = "pie", table = t, title = "share", categories = 1, values = 2}
    local e = s:table{columns = {{"Empty"}, {"Count", total = "count"}}}
    s:text("an empty table above: its chart is left out")
    s:chart{type = "column", table = e, values = 2}
    book:detail("Rows", data.packing, {
        {"Order", field = "order_id"},
        {"Box", field = "box_id"},
        {"Fill", field = "fill_pct", format = "0.0"},
        {"Note", field = "violations", width = 40},
    })
end

return report
