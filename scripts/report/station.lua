-- station.lua: the packing station's daily workbook, from the results of
-- `boxcar pack --format csv` (best with --policy scripts/policy/gb45186.lua,
-- so that the compliance figures exist):
--
--   boxcar report --script scripts/report/station.lua --packing boxes.csv -o day.xlsx
--
-- Summary: boxes used by type; fill and void distributions (histograms);
-- GB 45186 compliance per rule and overall; orders by the number of boxes
-- they needed; units that could not be packed. "Multi-box orders" lists
-- the orders that needed more than one box. "Boxes" has every packed box,
-- one row each. Notes the host passes (a policy's assumptions) go on the
-- summary, so the compliance figures are never shown without them.

local report = {
    name = "station",
    version = "1.0",
    params = {
        bin_pct = 10,         -- width of a histogram band, percentage points
        max_listed = 10000,   -- multi-box orders listed at most
        lang = "en",          -- labels: "en" or "zh-CN" (Chinese)
    },
}

-- Ids as people count them: runs of digits compare as numbers, so box
-- "2#" comes before "10#" and "A9" before "A10"; the rest compares as text.
local function natural_less(a, b)
    local ia, ib = 1, 1
    while ia <= #a and ib <= #b do
        local da, db = a:match("^%d+", ia), b:match("^%d+", ib)
        if da and db then
            local za, zb = da:match("^0*(%d-)$"), db:match("^0*(%d-)$")
            if #za ~= #zb then return #za < #zb end
            if za ~= zb then return za < zb end
            ia, ib = ia + #da, ib + #db
        else
            local ca, cb = a:sub(ia, ia), b:sub(ib, ib)
            if ca ~= cb then return ca < cb end
            ia, ib = ia + 1, ib + 1
        end
    end
    if #a - ia ~= #b - ib then return #a - ia < #b - ib end
    return a < b
end

-- Labels in Chinese, looked up by their English text (what a label
-- without a translation shows); GB 45186's terms as packers know them.
local ZH = {
    ["Packing station report: "] = "包装台报告：",
    ["Packing station report"] = "包装台报告",
    ["%s: %d orders, %d boxes, %d units packed, %d units not packed, %d orders with bad "
        .. "input"] = "%s：%d 个订单，%d 个箱子，已装 %d 件，未装 %d 件，%d 个订单输入有误",
    ["Note: "] = "注：",
    ["Boxes used by type"] = "各箱型用量",
    ["Box"] = "箱型",
    ["box"] = "箱型",
    ["Total"] = "合计",
    ["Boxes"] = "箱数",
    ["boxes"] = "箱数",
    ["Share"] = "占比",
    ["Mean fill"] = "平均装填率",
    ["Fill distribution"] = "装填率分布",
    ["Fill"] = "装填率",
    ["Void distribution"] = "空隙率分布",
    ["Void"] = "空隙率",
    ["void ratio"] = "空隙率",
    ["packaging layers"] = "包装层数",
    ["sealing tape"] = "封箱胶带",
    ["GB 45186 compliance (as judged by the policy; see the notes for its assumptions)"] =
        "GB 45186 合规情况（由策略判定；其假设见注）",
    ["Rule"] = "规则",
    ["Boxes in violation"] = "违规箱数",
    ["Share of boxes"] = "占箱数比例",
    ["any rule"] = "任一规则",
    ["GB 45186 compliance rate"] = "GB 45186 合规率",
    ["Count"] = "数量",
    ["compliant"] = "合规",
    ["not compliant"] = "不合规",
    ["GB 45186 compliance"] = "GB 45186 合规",
    ["GB 45186: not assessed. This packing has no GB 45186 results; pack with --policy "
        .. "scripts/policy/gb45186.lua to have them."] =
        "GB 45186：未评估。本次装箱结果中没有 GB 45186 的判定；以 --policy "
        .. "scripts/policy/gb45186.lua 装箱即可得到。",
    ["Orders by the number of boxes they needed"] = "按所需箱数统计订单",
    ["Boxes per order"] = "每单箱数",
    ["boxes per order"] = "每单箱数",
    ["Orders"] = "订单数",
    ["orders"] = "订单数",
    ["Orders by boxes needed"] = "按所需箱数的订单",
    ["Orders that needed more than one box"] = "需要多个箱子的订单",
    ["The first %d of %d such orders."] = "列出前 %d 个（共 %d 个此类订单）。",
    ["Order"] = "订单",
    ["Lower bound"] = "箱数下界",
    ["Units"] = "件数",
    ["Box #"] = "箱序号",
    ["Items"] = "货物体积",
    ["Inner"] = "内容积",
    ["Gross"] = "毛重",
    ["Violations"] = "违规",
    ["Container"] = "循环容器",
}
-- Sheet names, which must differ from one another.
local ZH_SHEETS = {Summary = "汇总", ["Multi-box orders"] = "多箱订单", Boxes = "箱子明细"}

local T = nil -- ZH, or nil for English; set by build
local function tr(text)
    return T and T[text] or text
end
local function sheet_name(en)
    return T and ZH_SHEETS[en] or en
end

local function bands(width)
    local list = {}
    for lo = 0, 100 - width, width do
        list[#list + 1] = {lo = lo, hi = math.min(lo + width, 100), boxes = 0}
    end
    return list
end

local function put_in_band(list, width, pct)
    local i = math.floor(pct / width) + 1
    if i > #list then i = #list end
    if i < 1 then i = 1 end
    list[i].boxes = list[i].boxes + 1
end

local function share(part, whole)
    if whole > 0 then return part / whole end
    return 0
end

local GB_RULES = {
    {code = "GB45186.VOID", label = "void ratio"},
    {code = "GB45186.LAYERS", label = "packaging layers"},
    {code = "GB45186.TAPE", label = "sealing tape"},
}

function report.build(data, book)
    local src = data.packing
    local p = report.params
    if p.lang ~= "en" and p.lang ~= "zh-CN" then
        error("lang must be \"en\" or \"zh-CN\", not " .. tostring(p.lang))
    end
    T = p.lang == "zh-CN" and ZH or nil
    local width = p.bin_pct
    if type(width) ~= "number" or width <= 0 or width > 100 or 100 % width ~= 0 then
        error("bin_pct must divide 100 (e.g. 5, 10, 20), not " .. tostring(width))
    end

    -- one pass over the rows
    local by_type, types = {}, {}
    local fill, void = bands(width), bands(width)
    local boxes, units, unpacked_units, failed_orders = 0, 0, 0, 0
    local gb_seen, gb_boxes, gb_rule = false, 0, {}
    for _, rule in ipairs(GB_RULES) do gb_rule[rule.code] = 0 end
    local orders, by_count = 0, {}
    local multi, multi_total = {}, 0
    local cur, cur_boxes, cur_units, cur_lb = nil, 0, 0, 0

    local function close_order()
        if cur == nil then return end
        orders = orders + 1
        by_count[cur_boxes] = (by_count[cur_boxes] or 0) + 1
        if cur_boxes > 1 then
            multi_total = multi_total + 1
            if #multi < p.max_listed then
                multi[#multi + 1] = {cur, cur_boxes, cur_lb, cur_units}
            end
        end
    end

    for row in src:rows() do
        local id = row.order_id
        if id ~= cur then
            close_order()
            cur, cur_boxes, cur_units, cur_lb = id, 0, 0, row.lower_bound_boxes or 0
        end
        local box = row.box_id
        if box then
            boxes = boxes + 1
            cur_boxes = cur_boxes + 1
            units = units + row.n_units
            cur_units = cur_units + row.n_units
            local t = by_type[box]
            if t == nil then
                t = {boxes = 0, fill = 0}
                by_type[box] = t
                types[#types + 1] = box
            end
            t.boxes = t.boxes + 1
            t.fill = t.fill + row.fill_pct
            put_in_band(fill, width, row.fill_pct)
            put_in_band(void, width, row.void_pct)
            local v = row.violations
            if v then
                local any = false
                for _, rule in ipairs(GB_RULES) do
                    if v:find(rule.code, 1, true) then
                        gb_rule[rule.code] = gb_rule[rule.code] + 1
                        any = true
                    end
                end
                if any then gb_boxes = gb_boxes + 1 end
                gb_seen = gb_seen or v:find("GB45186.", 1, true) ~= nil
            end
        elseif row.reason and row.reason:sub(1, 10) == "bad input:" then
            failed_orders = failed_orders + 1
        elseif row.n_units then
            unpacked_units = unpacked_units + row.n_units
        end
    end
    close_order()
    table.sort(types, natural_less)

    book:title(tr("Packing station report: ") .. src.file)
    local s = book:sheet(sheet_name("Summary"))
    s:heading(tr("Packing station report"))
    s:text(string.format(tr("%s: %d orders, %d boxes, %d units packed, %d units not packed, "
        .. "%d orders with bad input"), src.file, orders, boxes, units, unpacked_units,
        failed_orders))
    for _, note in ipairs(data.notes) do s:text(tr("Note: ") .. note) end

    local t = s:table{
        title = tr("Boxes used by type"),
        columns = {
            {tr("Box"), total = {label = tr("Total")}},
            {tr("Boxes"), format = "#,##0", total = "sum"},
            {tr("Share"), format = "0.0%", total = "sum"},
            {tr("Mean fill"), format = '0.0 "%"'},
        },
    }
    for _, box in ipairs(types) do
        local e = by_type[box]
        t:row(box, e.boxes, share(e.boxes, boxes), e.fill / e.boxes)
    end
    s:chart{type = "column", table = t, title = tr("Boxes used by type"), categories = 1,
            values = 2, x_title = tr("box"), y_title = tr("boxes")}

    local function histogram(title, list, what)
        local h = s:table{
            title = title,
            columns = {
                {what, total = {label = tr("Total")}},
                {tr("Boxes"), format = "#,##0", total = "sum"},
                {tr("Share"), format = "0.0%", total = "sum"},
            },
        }
        for _, b in ipairs(list) do
            h:row(string.format("%g-%g %%", b.lo, b.hi), b.boxes, share(b.boxes, boxes))
        end
        s:chart{type = "column", table = h, title = title, categories = 1, values = 2,
                x_title = what, y_title = tr("boxes")}
    end
    histogram(tr("Fill distribution"), fill, tr("Fill"))
    histogram(tr("Void distribution"), void, tr("Void"))

    if gb_seen then
        local g = s:table{
            title = tr("GB 45186 compliance (as judged by the policy; see the notes for its "
                .. "assumptions)"),
            columns = {{tr("Rule")}, {tr("Boxes in violation"), format = "#,##0"},
                       {tr("Share of boxes"), format = "0.0%"}},
        }
        for _, rule in ipairs(GB_RULES) do
            g:row(tr(rule.label), gb_rule[rule.code], share(gb_rule[rule.code], boxes))
        end
        g:row(tr("any rule"), gb_boxes, share(gb_boxes, boxes))
        local c = s:table{
            title = tr("GB 45186 compliance rate"),
            columns = {{tr("Boxes")}, {tr("Count"), format = "#,##0", total = "sum"},
                       {tr("Share"), format = "0.0%", total = "sum"}},
        }
        c:row(tr("compliant"), boxes - gb_boxes, share(boxes - gb_boxes, boxes))
        c:row(tr("not compliant"), gb_boxes, share(gb_boxes, boxes))
        s:chart{type = "pie", table = c, title = tr("GB 45186 compliance"), categories = 1, values = 2}
    else
        s:text(tr("GB 45186: not assessed. This packing has no GB 45186 results; pack with "
            .. "--policy scripts/policy/gb45186.lua to have them."))
    end

    local o = s:table{
        title = tr("Orders by the number of boxes they needed"),
        columns = {{tr("Boxes per order"), total = {label = tr("Total")}},
                   {tr("Orders"), format = "#,##0", total = "sum"},
                   {tr("Share"), format = "0.0%", total = "sum"}},
    }
    local counts = {}
    for n in pairs(by_count) do counts[#counts + 1] = n end
    table.sort(counts)
    for _, n in ipairs(counts) do o:row(n, by_count[n], share(by_count[n], orders)) end
    s:chart{type = "bar", table = o, title = tr("Orders by boxes needed"), categories = 1,
            values = 2, x_title = tr("boxes per order"), y_title = tr("orders")}

    local m = book:sheet(sheet_name("Multi-box orders"))
    m:heading(tr("Orders that needed more than one box"))
    if multi_total > #multi then
        m:text(string.format(tr("The first %d of %d such orders."), #multi, multi_total))
    end
    local mt = m:table{
        columns = {{tr("Order"), width = 16}, {tr("Boxes"), format = "#,##0"},
                   {tr("Lower bound"), format = "#,##0"}, {tr("Units"), format = "#,##0"}},
    }
    for _, r in ipairs(multi) do mt:row(r[1], r[2], r[3], r[4]) end

    local d = book:detail(sheet_name("Boxes"), src, {
        {tr("Order"), field = "order_id", width = 14},
        {tr("Box #"), field = "box_seq", format = "0"},
        {tr("Box"), field = "box_id"},
        {tr("Units"), field = "n_units", format = "#,##0"},
        {tr("Items"), field = "item_volume_mm3", format = '#,##0 "mm³"', width = 16},
        {tr("Inner"), field = "box_inner_volume_mm3", format = '#,##0 "mm³"', width = 16},
        {tr("Fill"), field = "fill_pct", format = '0.0 "%"'},
        {tr("Void"), field = "void_pct", format = '0.0 "%"'},
        {tr("Gross"), field = "gross_weight_g", format = '#,##0 "g"'},
        {tr("Violations"), field = "violations", width = 60},
        {tr("Container"), field = "container_id"},
    }, {skip_empty = "box_id"})

    -- printing: landscape A4, one page wide, each sheet's own area; the
    -- header rows on every page
    local page = {landscape = true, fit_width = 1, print_area = true, paper = "A4"}
    s:page(page)
    -- the list's header is row 3 (heading, blank, header), or 4 after the
    -- line saying how many are listed
    m:page{fit_width = 1, print_area = true, paper = "A4",
           repeat_rows = multi_total > #multi and 4 or 3}
    d:page{landscape = true, fit_width = 1, repeat_rows = 1, paper = "A4"}
end

return report
