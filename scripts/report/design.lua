-- design.lua: the carton-set design workbook, from the figures of
-- `boxcar catalog design --summary FILE.csv`:
--
--   boxcar catalog design --orders history.csv --catalog current.csv --sizes 4..20 \
--       --summary design.csv
--   boxcar report --script scripts/report/design.lua --source design=design.csv -o design.xlsx
--
-- Summary: each catalog evaluated (the current one and every designed set)
-- by repacking the order history: boxes, inner volume, board area and mass,
-- packaging CO2e and the share of boxes passing the policy; a chart of
-- board area against the number of sizes (the curve). Sizes: every size of
-- every catalog with the boxes it took.

local report = {
    name = "design",
    version = "1.0",
    params = {
        lang = "en",   -- labels: "en" or "zh-CN" (Chinese)
    },
}

local ZH = {
    ["Carton-set design: "] = "箱型设计：",
    ["Carton-set design"] = "箱型设计",
    ["Each catalog is evaluated by repacking the order history with the engine; "
        .. "board is the FEFCO 0201 blank of each box's outer size."] =
        "每个箱型目录均以装箱引擎重新装箱订单历史来评估；纸板面积按各箱外尺寸的 FEFCO 0201 展开计算。",
    ["Note: "] = "注：",
    ["Catalogs compared"] = "箱型目录对比",
    ["Catalog"] = "目录",
    ["current"] = "现有",
    ["designed"] = "设计",
    ["Sizes"] = "箱型数",
    ["Orders"] = "订单数",
    ["Boxes"] = "箱数",
    ["Inner volume"] = "内容积",
    ["Board area"] = "纸板面积",
    ["Board mass"] = "纸板质量",
    ["Packaging CO2e"] = "包装碳排放",
    ["Passing the policy"] = "符合策略",
    ["Units not packed"] = "未装件数",
    ["Board area against the number of sizes"] = "纸板面积与箱型数",
    ["number of sizes"] = "箱型数",
    ["board m²"] = "纸板 m²",
    ["Sizes of each catalog"] = "各目录箱型",
    ["Size"] = "箱型",
    ["Inner length"] = "内长",
    ["Inner width"] = "内宽",
    ["Inner height"] = "内高",
    ["Boxes of this size"] = "该箱型箱数",
}
local ZH_SHEETS = {Summary = "汇总", Sizes = "箱型"}

local T = nil
local function tr(text)
    return T and T[text] or text
end
local function sheet_name(en)
    return T and ZH_SHEETS[en] or en
end

local function num(v)
    local n = tonumber(v)
    if n == nil then return 0 end
    return n
end

function report.build(data, book)
    local p = report.params
    if p.lang ~= "en" and p.lang ~= "zh-CN" then
        error("lang must be \"en\" or \"zh-CN\", not " .. tostring(p.lang))
    end
    T = p.lang == "zh-CN" and ZH or nil
    local src = data.design
    if src == nil then
        error("no source 'design': give --source design=FILE (boxcar catalog design --summary)")
    end

    -- rows come one per size, catalog by catalog
    local cats, sizes, key = {}, {}, nil
    for row in src:rows() do
        local k = (row.catalog or "") .. "/" .. (row.sizes or "")
        if k ~= key then
            key = k
            cats[#cats + 1] = {
                name = row.catalog, sizes = num(row.sizes), orders = num(row.orders),
                boxes = num(row.boxes), inner = num(row.inner_m3), board = num(row.board_m2),
                kg = num(row.board_kg), co2e = num(row.kg_co2e),
                pass = row.pass_pct and num(row.pass_pct) / 100 or nil,
                unpacked = num(row.units_unpacked),
            }
        end
        sizes[#sizes + 1] = {row.catalog, num(row.sizes), row.size_id, num(row.inner_l_mm),
                             num(row.inner_w_mm), num(row.inner_h_mm), num(row.size_boxes)}
    end

    book:title(tr("Carton-set design: ") .. src.file)
    local s = book:sheet(sheet_name("Summary"))
    s:heading(tr("Carton-set design"))
    s:text(tr("Each catalog is evaluated by repacking the order history with the engine; "
        .. "board is the FEFCO 0201 blank of each box's outer size."))
    for _, note in ipairs(data.notes) do s:text(tr("Note: ") .. note) end
    local t = s:table{
        title = tr("Catalogs compared"),
        columns = {
            {tr("Catalog")},
            {tr("Sizes"), format = "0"},
            {tr("Orders"), format = "#,##0"},
            {tr("Boxes"), format = "#,##0"},
            {tr("Inner volume"), format = '#,##0.000 "m³"', width = 14},
            {tr("Board area"), format = '#,##0.00 "m²"', width = 14},
            {tr("Board mass"), format = '#,##0.00 "kg"', width = 14},
            {tr("Packaging CO2e"), format = '#,##0.00 "kg"', width = 16},
            {tr("Passing the policy"), format = "0.0%", width = 16},
            {tr("Units not packed"), format = "#,##0"},
        },
    }
    for _, c in ipairs(cats) do
        t:row(tr(c.name), c.sizes, c.orders, c.boxes, c.inner, c.board, c.kg, c.co2e,
              c.pass or "", c.unpacked)
    end
    -- the curve: designed sets only
    local curve = s:table{
        title = tr("Board area against the number of sizes"),
        columns = {{tr("Sizes"), format = "0"}, {tr("Board area"), format = '#,##0.00 "m²"'}},
    }
    for _, c in ipairs(cats) do
        if c.name == "designed" then curve:row(c.sizes, c.board) end
    end
    s:chart{type = "line", table = curve, title = tr("Board area against the number of sizes"),
            categories = 1, values = 2, x_title = tr("number of sizes"), y_title = tr("board m²")}

    local z = book:sheet(sheet_name("Sizes"))
    z:heading(tr("Sizes of each catalog"))
    local zt = z:table{
        columns = {{tr("Catalog")}, {tr("Sizes"), format = "0"}, {tr("Size"), width = 12},
                   {tr("Inner length"), format = '0 "mm"'}, {tr("Inner width"), format = '0 "mm"'},
                   {tr("Inner height"), format = '0 "mm"'},
                   {tr("Boxes of this size"), format = "#,##0"}},
    }
    for _, r in ipairs(sizes) do
        zt:row(tr(r[1]), r[2], r[3], r[4], r[5], r[6], r[7])
    end
    s:page{landscape = true, fit_width = 1, print_area = true, paper = "A4"}
    z:page{fit_width = 1, repeat_rows = 3, paper = "A4"}
end

return report
