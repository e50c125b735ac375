-- statement.lua: the monthly statement of a shared container pool, one
-- table per operator, from the rows `boxcar containers statement` writes:
--
--   boxcar containers statement -j pool.bxj --month 2024-05 --deposit 30 \
--       --fee 1.5 -o statement.xlsx [--lang zh-CN]
--
-- A trip starts when a crate is issued at a station and belongs to the
-- operator holding the crate then. Per station: trips, returned within the
-- loss window, lost (not back within it), of those back late, still open;
-- the trips' fees and deposits, and what became of the deposits (refunded,
-- forfeited, still held: they add up to the deposits charged). Money is in
-- the currency the deposit and fee were given in.

local report = {
    name = "statement",
    version = "1.0",
    params = {
        lang = "en",        -- labels: "en" or "zh-CN" (Chinese)
        month = "",         -- YYYY-MM, shown in the title
        loss_days = 30,     -- the loss window the rows were counted with
        currency = "CNY",
    },
}

local ZH = {
    ["Container pool statement"] = "循环容器共享平台对账单",
    ["Month: %s. A trip not back within %d days is lost; its deposit is forfeited."] =
        "月份：%s。超过 %d 天未归还的行程计为丢失，押金不予退还。",
    ["Operator %s"] = "运营方 %s",
    ["Station"] = "站点",
    ["Trips"] = "行程数",
    ["Returned"] = "已归还",
    ["Lost"] = "丢失",
    ["Late"] = "逾期归还",
    ["Open"] = "未到期",
    ["Loss rate"] = "丢失率",
    ["Fees"] = "服务费",
    ["Deposits"] = "押金",
    ["Refunded"] = "已退押金",
    ["Forfeited"] = "没收押金",
    ["Held"] = "在押押金",
    ["Total"] = "合计",
    ["No trips in this month."] = "本月没有行程。",
    ["Note: "] = "注：",
    ["Trips by station"] = "各站点行程",
    ["the pool (no operators)"] = "共享池（无运营方）",
}
local ZH_SHEETS = {Statement = "对账单", Rows = "明细"}

local T = nil
local function tr(text)
    return T and T[text] or text
end

local function rate(lost, returned)
    if lost + returned > 0 then return lost / (lost + returned) end
    return nil
end

function report.build(data, book)
    local p = report.params
    if p.lang ~= "en" and p.lang ~= "zh-CN" then
        error("lang must be \"en\" or \"zh-CN\", not " .. tostring(p.lang))
    end
    T = p.lang == "zh-CN" and ZH or nil
    local src = data.statement
    if src == nil then error("no source 'statement' (boxcar containers statement gives it)") end

    -- rows come grouped by operator, then station
    local ops, by_op = {}, {}
    for row in src:rows() do
        local op = row.operator or ""
        local e = by_op[op]
        if e == nil then
            e = {}
            by_op[op] = e
            ops[#ops + 1] = op
        end
        e[#e + 1] = {row.station, row.trips, row.returned, row.lost, row.late, row.open,
                     rate(row.lost, row.returned), row.fees, row.deposits, row.refunded,
                     row.forfeited, row.held}
    end

    local money = '#,##0.00 "' .. p.currency .. '"'
    book:title(tr("Container pool statement") .. " " .. p.month)
    local s = book:sheet(T and ZH_SHEETS.Statement or "Statement")
    s:heading(tr("Container pool statement") .. " " .. p.month)
    s:text(string.format(tr("Month: %s. A trip not back within %d days is lost; its deposit "
        .. "is forfeited."), p.month, p.loss_days))
    for _, note in ipairs(data.notes) do s:text(tr("Note: ") .. note) end
    if #ops == 0 then s:text(tr("No trips in this month.")) end
    for _, op in ipairs(ops) do
        local t = s:table{
            title = op ~= "" and string.format(tr("Operator %s"), op)
                or tr("the pool (no operators)"),
            columns = {
                {tr("Station"), width = 16, total = {label = tr("Total")}},
                {tr("Trips"), format = "#,##0", total = "sum"},
                {tr("Returned"), format = "#,##0", total = "sum"},
                {tr("Lost"), format = "#,##0", total = "sum"},
                {tr("Late"), format = "#,##0", total = "sum"},
                {tr("Open"), format = "#,##0", total = "sum"},
                {tr("Loss rate"), format = "0.0%"},
                {tr("Fees"), format = money, total = "sum", width = 14},
                {tr("Deposits"), format = money, total = "sum", width = 14},
                {tr("Refunded"), format = money, total = "sum", width = 14},
                {tr("Forfeited"), format = money, total = "sum", width = 14},
                {tr("Held"), format = money, total = "sum", width = 14},
            },
        }
        for _, r in ipairs(by_op[op]) do t:row(table.unpack(r, 1, 12)) end
    end
    s:page{landscape = true, fit_width = 1, print_area = true, paper = "A4"}
    local d = book:detail(T and ZH_SHEETS.Rows or "Rows", src, {
        {"operator", field = "operator"}, {tr("Station"), field = "station"},
        {tr("Trips"), field = "trips", format = "#,##0"},
        {tr("Returned"), field = "returned", format = "#,##0"},
        {tr("Lost"), field = "lost", format = "#,##0"},
        {tr("Late"), field = "late", format = "#,##0"},
        {tr("Open"), field = "open", format = "#,##0"},
        {tr("Fees"), field = "fees", format = money},
        {tr("Deposits"), field = "deposits", format = money},
        {tr("Refunded"), field = "refunded", format = money},
        {tr("Forfeited"), field = "forfeited", format = money},
        {tr("Held"), field = "held", format = money},
    })
    d:page{landscape = true, fit_width = 1, repeat_rows = 1, paper = "A4"}
end

return report
