-- monthly.lua: the sustainability team's monthly carbon workbook, from the
-- results of one `boxcar carbon` run (or of `boxcar merge` over shards):
--
--   boxcar carbon --routes R --shipments S -o per-shipment.csv --totals totals.csv
--   boxcar report --script scripts/report/monthly.lua --shipments per-shipment.csv \
--       --totals totals.csv [--factors SET] -o month.xlsx
--
-- "Summary": WTW and TTW by month, by transport mode, by route and by
-- packaging, and packaging vs transport vs hubs, each with a chart, then
-- the limits of these figures (the WTW with no WTT/TTW split, whose TTW is
-- unknown; the set's UNCONFIRMED packaging and other factors). Every
-- figure comes from the totals file, whose integer milligrams are the
-- carbon run's exact sums (shown as kg). The per-shipment file is read once
-- to check that it is the run the totals are of (shipments, WTW and TTW to
-- the milligram, factor set and version) and to count the data-quality and
-- method mix. "Shipments" has every shipment, one row each, streamed.
-- "Method" states the methodology, the factor set with its sources and the
-- factors it marks UNCONFIRMED or off its basis (when the host gives
-- data.factors), the notes the host passes, and the data-quality mix.

local report = {
    name = "monthly",
    version = "1.0",
    params = {
        title = "Carbon report",   -- the summary's heading
        max_listed = 500,          -- assumption rows listed at most
        lang = "en",               -- labels: "en" or "zh-CN" (Chinese)
        detail = "all",            -- the Shipments sheet: "all" (every shipment; past
                                   -- Excel's 1,048,575 rows it goes on in "Shipments
                                   -- (2)", ...), "sample" (the first sample_rows) or
                                   -- "none"
        sample_rows = 10000,
        factor_columns = false,    -- repeat the factor set and version on every
                                   -- shipment row (all rows are checked to be
                                   -- of the one set either way)
    },
}

-- Labels in Chinese: looked up by their English text, which is what a
-- label without a translation shows.
local ZH = {
    ["Carbon report"] = "碳排放报告",
    ["%s: %.0f shipments, %s kg CO2e well-to-wheel; factor set %s version %s (every "
        .. "shipment's). Figures are the carbon run's totals (%s), exact to the milligram."] =
        "%s：%.0f 票运单，油井到车轮（WTW）共 %s kg CO2e；排放因子集 %s，版本 %s（所有运单"
        .. "相同）。数字取自本次碳核算的合计文件（%s），精确到毫克。",
    ["%.0f shipment was excluded as bad input by the carbon run: it is in no figure."] =
        "%.0f 票运单因输入有误被碳核算排除，不计入任何数字。",
    ["%.0f shipments were excluded as bad input by the carbon run: they are in no figure."] =
        "%.0f 票运单因输入有误被碳核算排除，不计入任何数字。",
    ["Note: "] = "注：",
    ["Packaging, transport and hubs"] = "包装、运输与枢纽",
    ["Part"] = "部分",
    ["Total"] = "合计",
    ["Share of WTW"] = "占 WTW 比例",
    ["transport"] = "运输",
    ["hubs"] = "枢纽",
    ["packaging"] = "包装",
    ["Temperature-controlled transport (part of transport)"] = "温控运输（属于运输）",
    ["temperature-control uplift"] = "温控增量",
    ["refrigerant leaked"] = "制冷剂泄漏",
    ["Share of transport WTW"] = "占运输 WTW 比例",
    ["By energy carrier (transport and hubs)"] = "按能源载体（运输与枢纽）",
    ["Energy carrier"] = "能源载体",
    ["Transport WTW"] = "运输 WTW",
    ["Hub WTW"] = "枢纽 WTW",
    ["Share of transport and hub WTW"] = "占运输与枢纽 WTW 比例",
    ["unstated"] = "未注明（默认强度）",
    ["other"] = "其他",
    ["refrigerant"] = "制冷剂",
    ["WTW only: the split into WTT and TTW is not kept by carrier. \"unstated\" is "
        .. "WTW from intensities that name no carrier (GLEC's default intensities mix a "
        .. "fleet's fuels)."] =
        "仅 WTW：不按载体拆分 WTT 与 TTW。“未注明”为未指明能源载体的强度（GLEC 默认强度混合车队各类燃料）所产生的 WTW。",
    ["Packaging is a life-cycle figure with no WTT/TTW split; factors given as WTW only "
        .. "count in WTW alone: their TTW is unknown, not zero. The column \"WTW, split "
        .. "unknown\" holds that WTW, so WTT + TTW + it = WTW in every row."] =
        "包装为生命周期数值，不分 WTT/TTW；仅以 WTW 给出的因子只计入 WTW：其 TTW 未知，而非为零。"
        .. "“WTW（拆分未知）”一栏即为这部分 WTW，因此每行 WTT + TTW + 该栏 = WTW。",
    ["WTW, split unknown"] = "WTW（拆分未知）",
    ["Total WTT"] = "合计 WTT",
    ["Transport activity (tkm)"] = "运输活动量（吨公里）",
    ["Intensity"] = "排放强度",
    ["Intensity unit"] = "强度单位",
    ["g CO2e/t"] = "克 CO2e/吨",
    ["g CO2e/tkm"] = "克 CO2e/吨公里",
    ["Transport g CO2e/tkm"] = "运输 克 CO2e/吨公里",
    ["Transport activity by distance type"] = "按距离类型的运输活动量",
    ["Distance type"] = "距离类型",
    ["Share of activity"] = "占活动量比例",
    ["actual distance"] = "实际距离",
    ["shortest feasible distance (planned)"] = "最短可行距离（计划）",
    ["great circle with its adjustment (DAF)"] = "大圆距离及其修正（DAF）",
    ["WTW by data quality"] = "按数据质量的 WTW",
    ["WTW: packaging, transport and hubs"] = "WTW：包装、运输与枢纽",
    ["By month"] = "按月",
    ["Month"] = "月份",
    ["month"] = "月份",
    ["Shipments"] = "运单数",
    ["WTW per shipment"] = "每票 WTW",
    ["WTW and TTW by month"] = "按月 WTW 与 TTW",
    ["By mode (a shipment counts under every part it has)"] =
        "按运输方式（一票运单计入其包含的每一部分）",
    ["Mode"] = "运输方式",
    ["mode"] = "运输方式",
    ["road"] = "公路",
    ["rail"] = "铁路",
    ["air"] = "航空",
    ["sea"] = "海运",
    ["iww"] = "内河航运",
    ["WTW and TTW by mode"] = "按运输方式 WTW 与 TTW",
    ["By route"] = "按线路",
    ["Route"] = "线路",
    ["route"] = "线路",
    ["WTW and TTW by route"] = "按线路 WTW 与 TTW",
    ["By packaging"] = "按包装",
    ["Packaging"] = "包装",
    ["Packaging CO2e"] = "包装 CO2e",
    ["Packaging per shipment"] = "每票包装 CO2e",
    ["Packaging CO2e by packaging"] = "各包装的包装 CO2e",
    ["Method"] = "核算方法",
    ["Factor set"] = "排放因子集",
    ["id"] = "标识",
    ["version"] = "版本",
    ["basis"] = "基准",
    ["source"] = "来源",
    ["note"] = "备注",
    ["file"] = "文件",
    ["The factor set's file was not given to the report (boxcar report --factors SET): its "
        .. "sources and assumptions are not listed here; 'boxcar factors show %s' lists them."] =
        "报告未获得因子集文件（boxcar report --factors SET），此处不列出其来源与假设；"
        .. "'boxcar factors show %s' 可列出。",
    ["Sources of the factors"] = "因子来源",
    ["Source"] = "来源",
    ["Version"] = "版本",
    ["Factors"] = "因子数",
    ["Assumptions"] = "假设",
    ["Factors of the set that are UNCONFIRMED (not confirmed in a primary document) or not "
        .. "on its basis. A run uses a subset of them; 'boxcar carbon' lists the ones it used "
        .. "at the end of its run."] =
        "因子集中未经确认（UNCONFIRMED：未在一手文件中确认）或不在其基准上的因子。一次核算"
        .. "只用到其中一部分；'boxcar carbon' 在运行结束时列出实际用到的因子。",
    ["The first %d of %d such factors."] = "列出前 %d 个（共 %d 个此类因子）。",
    ["Kind"] = "类别",
    ["Factor"] = "因子",
    ["Why"] = "原因",
    ["Note"] = "备注",
    ["none"] = "无",
    ["UNCONFIRMED: not confirmed in a primary document"] = "UNCONFIRMED：未在一手文件中确认",
    ["on basis %s, not the set's %s"] = "基准为 %s，而非因子集的 %s",
    ["Data-quality mix (shares of shipments)"] = "数据质量构成（运单占比）",
    ["Data quality"] = "数据质量",
    ["Share"] = "占比",
    ["Data-quality mix"] = "数据质量构成",
    ["primary"] = "一手数据",
    ["modelled"] = "模型数据",
    ["default"] = "默认值",
    ["Methods used"] = "所用方法",
    ["Shipment"] = "运单",
    ["Transport WTW"] = "运输 WTW",
    ["Transport TTW"] = "运输 TTW",
    ["Hubs WTW"] = "枢纽 WTW",
    ["Total WTW"] = "合计 WTW",
    ["Total TTW"] = "合计 TTW",
    ["The sheet %s lists the first %d of %.0f shipments (detail = \"sample\")."] =
        "工作表「%s」列出前 %d 票运单（共 %.0f 票；detail = \"sample\"）。",
    ["The shipments are not listed one by one (detail = \"none\")."] =
        "未逐票列出运单（detail = \"none\"）。",
}
-- Sheet names, which must differ from one another.
local ZH_SHEETS = {Summary = "汇总", Shipments = "运单明细", Method = "方法说明"}

local T = nil -- ZH, or nil for English; set by build
local function tr(text)
    return T and T[text] or text
end
local function sheet_name(en)
    return T and ZH_SHEETS[en] or en
end

local KG = '#,##0.000 "kg"'
local G = '#,##0.000 "g"'
local COUNT = "#,##0"
local SHARE = "0.0%"
local TKM = "#,##0.000"

-- Modes in the order of docs/carbon.md, then the non-transport parts.
local MODE_ORDER = {road = 1, rail = 2, air = 3, sea = 4, iww = 5, hub = 6, packaging = 7}
local MODE_LABEL = {hub = "hubs", packaging = "packaging"}

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

local function kg(mg)
    if mg == nil then return nil end
    return mg / 1e6
end

local function share(part, whole)
    if whole > 0 then return part / whole end
    return 0
end

local function need_columns(src, what, names)
    local have = {}
    for _, c in ipairs(src.columns) do have[c] = true end
    for _, c in ipairs(names) do
        if not have[c] then
            -- level 2: the line that asked for the columns
            error(string.format("%s: not %s: its header has no column '%s'", src.file, what,
                  c), 2)
        end
    end
    return have
end

-- The WTW of a totals row's part ("transport", "hub" or "total") whose
-- WTT/TTW split is unknown: WTW - WTT - TTW, exact in integer mg (the
-- totals file states it too; this works on files written before that).
local function unsplit(r, part)
    return r[part .. "_wtw_mg"] - r[part .. "_wtt_mg"] - r[part .. "_ttw_mg"]
end

-- Transport activity of a totals row in tkm (the file has integer g.km).
local function tkm(r)
    return (r.activity_actual_gkm + r.activity_sfd_gkm + r.activity_gcd_gkm) / 1e6
end

-- g CO2e (WTW) per tkm of a row's transport; nil without activity (the
-- intensity is then undefined, not zero).
local function per_tkm(r)
    local a = tkm(r)
    if a > 0 then return r.transport_wtw_mg / 1000 / a end
    return nil
end

-- The totals file: one row per group and key, integer mg.
local function read_totals(src)
    local have = need_columns(src, "a totals file of boxcar carbon",
                              {"group", "key", "factor_set", "factor_version"})
    local t = {all = nil, month = {}, mode = {}, route = {}, packaging = {}, energy = {}}
    local set, version
    for row in src:rows() do
        local g, k = row.group, row.key
        if g == nil or k == nil then
            error(string.format("%s: a row without group or key", src.file))
        end
        local r = {key = k}
        for _, c in ipairs({"shipments", "mass_g", "transport_wtt_mg", "transport_ttw_mg",
                            "transport_wtw_mg", "hub_wtw_mg", "hub_wtt_mg", "hub_ttw_mg",
                            "packaging_mg", "total_wtt_mg", "total_ttw_mg", "total_wtw_mg",
                            "activity_actual_gkm", "activity_sfd_gkm", "activity_gcd_gkm",
                            "primary_wtw_mg", "modelled_wtw_mg", "default_wtw_mg",
                            "excluded"}) do
            r[c] = row[c] or 0
        end
        -- parts of transport_wtw_mg that files written before them lack
        for _, c in ipairs({"temp_uplift_wtw_mg", "refrigerant_mg"}) do
            local v = have[c] and tonumber(row[c]) or nil
            r[c] = v and math.tointeger(v) or 0
        end
        if set == nil then
            set, version = row.factor_set, row.factor_version
        elseif row.factor_set ~= set or row.factor_version ~= version then
            error(string.format("%s: rows of two factor sets (%s %s and %s %s)", src.file,
                  tostring(set), tostring(version), tostring(row.factor_set),
                  tostring(row.factor_version)))
        end
        if g == "all" then
            if t.all then error(src.file .. ": two 'all' rows") end
            t.all = r
        elseif t[g] then
            local list = t[g]
            list[#list + 1] = r
        end
    end
    if t.all == nil then
        error(src.file .. ": no 'all' row: not a totals file of boxcar carbon")
    end
    t.set, t.version = set, version
    -- boxcar carbon writes keys in byte order (1#, 10#, 2#)
    local function by_key(a, b) return natural_less(a.key, b.key) end
    table.sort(t.route, by_key)
    table.sort(t.packaging, by_key)
    -- energy rows: transport and hub WTW by carrier, adding up to those of
    -- 'all' (files written before them have none)
    local e_t, e_h = 0, 0
    for _, r in ipairs(t.energy) do
        e_t, e_h = e_t + r.transport_wtw_mg, e_h + r.hub_wtw_mg
    end
    if #t.energy > 0 and (e_t ~= t.all.transport_wtw_mg or e_h ~= t.all.hub_wtw_mg) then
        error(string.format("%s: the 'energy' rows do not add up to the 'all' row's "
              .. "transport and hubs", src.file))
    end
    -- each group must add up to the whole (the mode group by emissions only:
    -- a shipment counts under every part it has)
    for _, g in ipairs({"month", "route", "packaging", "mode"}) do
        local wtw, n = 0, 0
        for _, r in ipairs(t[g]) do
            wtw = wtw + r.total_wtw_mg
            n = n + r.shipments
        end
        if #t[g] > 0 and (wtw ~= t.all.total_wtw_mg
                          or (g ~= "mode" and n ~= t.all.shipments)) then
            error(string.format("%s: the '%s' rows do not add up to the 'all' row "
                  .. "(%.0f mg WTW in %.0f shipments; 'all' has %.0f mg in %.0f)", src.file, g,
                  wtw, n, t.all.total_wtw_mg, t.all.shipments))
        end
    end
    return t
end

-- One pass over the per-shipment results: the check against the totals,
-- and the data-quality and method mix.
local function read_shipments(src, totals)
    need_columns(src, "a per-shipment result file of boxcar carbon",
                 {"shipment_id", "method", "data_quality", "factor_set", "factor_version"})
    local n, wtw_mg, ttw_mg = 0, 0, 0
    local dq, dq_order, methods, method_order = {}, {}, {}, {}
    local floor = math.floor
    local set, version = totals.set, totals.version
    for row in src:rows() do
        n = n + 1
        local w, t = row.total_wtw_g, row.total_ttw_g
        if w == nil or t == nil then
            error(string.format("%s: shipment '%s': total_wtw_g and total_ttw_g are needed",
                  src.file, tostring(row.shipment_id)))
        end
        -- the file has grams with three decimals: whole milligrams
        wtw_mg = wtw_mg + floor(w * 1000 + 0.5)
        ttw_mg = ttw_mg + floor(t * 1000 + 0.5)
        local q = row.data_quality or "(none)"
        local c = dq[q]
        if c == nil then dq_order[#dq_order + 1] = q; c = 0 end
        dq[q] = c + 1
        local m = row.method or "(none)"
        c = methods[m]
        if c == nil then method_order[#method_order + 1] = m; c = 0 end
        methods[m] = c + 1
        if row.factor_set ~= set or row.factor_version ~= version then
            error(string.format("%s: shipment '%s' was computed with factor set %s %s; the "
                  .. "totals are of %s %s", src.file, tostring(row.shipment_id),
                  tostring(row.factor_set), tostring(row.factor_version), tostring(set),
                  tostring(version)))
        end
    end
    local all = totals.all
    if n ~= all.shipments or wtw_mg ~= all.total_wtw_mg or ttw_mg ~= all.total_ttw_mg then
        error(string.format("%s and the totals do not match: %d shipments, %d mg WTW, %d mg "
              .. "TTW against %.0f, %.0f and %.0f: give the totals of the same run",
              src.file, n, wtw_mg, ttw_mg, all.shipments, all.total_wtw_mg, all.total_ttw_mg))
    end
    table.sort(dq_order)
    table.sort(method_order, function(a, b)
        if methods[a] ~= methods[b] then return methods[a] > methods[b] end
        return a < b
    end)
    return {n = n, dq = dq, dq_order = dq_order, methods = methods,
            method_order = method_order}
end

-- The factor set's file: its set row, its sources, and what it marks.
local function read_factors(src, totals, max_listed)
    local has = need_columns(src, "a factor set file",
                             {"kind", "id", "confirmed", "source", "version"})
    local f = {sources = {}, source_order = {}, flagged = {}, flagged_total = 0,
               unconfirmed = {material = {}, other = {}}}
    for row in src:rows() do
        -- basis and note are optional columns of a factor set
        local basis = has.basis and row.basis or nil
        local note = has.note and row.note or nil
        if row.kind == "set" then
            f.id, f.version, f.basis = row.id, row.version, basis
            f.source, f.note = row.source, note
        else
            local key = (row.source or "") .. "\0" .. (row.version or "")
            local s = f.sources[key]
            if s == nil then
                s = {source = row.source, version = row.version, rows = 0}
                f.sources[key] = s
                f.source_order[#f.source_order + 1] = key
            end
            s.rows = s.rows + 1
            local why = nil
            if row.confirmed == "no" then
                why = tr("UNCONFIRMED: not confirmed in a primary document")
                local u = f.unconfirmed[row.kind == "material" and "material" or "other"]
                if #u < max_listed then u[#u + 1] = row.id end
            end
            if basis and f.basis and basis ~= f.basis then
                local b = string.format(tr("on basis %s, not the set's %s"), basis, f.basis)
                why = why and (why .. "; " .. b) or b
            end
            if why then
                f.flagged_total = f.flagged_total + 1
                if #f.flagged < max_listed then
                    f.flagged[#f.flagged + 1] = {row.kind, row.id, why, row.source, note}
                end
            end
        end
    end
    if f.id ~= totals.set or f.version ~= totals.version then
        error(string.format("%s is factor set %s %s; the results are of %s %s", src.file,
              tostring(f.id), tostring(f.version), tostring(totals.set),
              tostring(totals.version)))
    end
    return f
end

-- The first sheet says what its figures cannot show: the WTW that has no
-- WTT/TTW split (its TTW is unknown, not zero) and the factors of the set
-- that are not confirmed in a primary document.
local function limits(s, t, f)
    local all = t.all
    s:heading("Limits of these figures")
    local unsplit = unsplit(all, "total")
    -- integer milligrams, shown exactly as kg with six decimals
    s:text(string.format("%d.%06d kg of the WTW (%.1f %%) comes from factors given as WTW "
        .. "only (packaging, hub medians, defaults without a published split): its WTT and "
        .. "TTW are unknown, not zero, so the WTT and TTW above are lower bounds.",
        unsplit // 1000000, unsplit % 1000000, 100 * share(unsplit, all.total_wtw_mg)))
    if f == nil then
        s:text("Without the factor set (--factors) this report cannot say which factors are "
            .. "UNCONFIRMED.")
        return
    end
    if #f.unconfirmed.material > 0 then
        s:text("Packaging: the material factors " .. table.concat(f.unconfirmed.material, ", ")
            .. " are UNCONFIRMED: no primary source for them was found, so every packaging "
            .. "figure rests on factors not confirmed in a primary document.")
    end
    if #f.unconfirmed.other > 0 then
        s:text("Also UNCONFIRMED in the set: " .. table.concat(f.unconfirmed.other, ", ")
            .. " (see the Method sheet).")
    end
end

local function summary(s, t, sh, data, detail_note)
    local all = t.all
    s:heading(tr(report.params.title))
    s:text(string.format(tr("%s: %.0f shipments, %s kg CO2e well-to-wheel; factor set %s "
        .. "version %s (every shipment's). Figures are the carbon run's totals (%s), exact to "
        .. "the milligram."),
        data.shipments.file, all.shipments, string.format("%.3f", all.total_wtw_mg / 1e6),
        t.set, t.version, data.totals.file))
    if all.excluded > 0 then
        local one = "%.0f shipment was excluded as bad input by the carbon run: it is in no "
            .. "figure."
        local more = "%.0f shipments were excluded as bad input by the carbon run: they are "
            .. "in no figure."
        s:text(string.format(tr(all.excluded == 1 and one or more), all.excluded))
    end
    if detail_note then s:text(detail_note) end
    for _, note in ipairs(data.notes) do s:text(tr("Note: ") .. note) end

    -- totals rows carry the totals file's exact figures: a sum of the
    -- rounded kg cells could be an ulp off them
    local function exact(mg) return {value = kg(mg)} end
    local parts = s:table{
        title = tr("Packaging, transport and hubs"),
        columns = {
            {tr("Part"), width = 14, total = {label = tr("Total")}},
            {tr("WTW"), format = KG, width = 18, total = exact(all.total_wtw_mg)},
            {tr("TTW"), format = KG, width = 18, total = exact(all.total_ttw_mg)},
            {tr("WTT"), format = KG, width = 18, total = exact(all.total_wtt_mg)},
            {tr("Share of WTW"), format = SHARE,
             total = {value = all.total_wtw_mg > 0 and 1 or 0}},
            {tr("WTW, split unknown"), format = KG, width = 18,
             total = exact(unsplit(all, "total"))},
        },
    }
    parts:row(tr("transport"), kg(all.transport_wtw_mg), kg(all.transport_ttw_mg),
              kg(all.transport_wtt_mg), share(all.transport_wtw_mg, all.total_wtw_mg),
              kg(unsplit(all, "transport")))
    parts:row(tr("hubs"), kg(all.hub_wtw_mg), kg(all.hub_ttw_mg), kg(all.hub_wtt_mg),
              share(all.hub_wtw_mg, all.total_wtw_mg), kg(unsplit(all, "hub")))
    parts:row(tr("packaging"), kg(all.packaging_mg), nil, nil,
              share(all.packaging_mg, all.total_wtw_mg), kg(all.packaging_mg))
    s:text(tr("Packaging is a life-cycle figure with no WTT/TTW split; factors given as WTW "
        .. "only count in WTW alone: their TTW is unknown, not zero. The column \"WTW, split "
        .. "unknown\" holds that WTW, so WTT + TTW + it = WTW in every row."))
    if all.temp_uplift_wtw_mg > 0 or all.refrigerant_mg > 0 then
        local tc = s:table{
            title = tr("Temperature-controlled transport (part of transport)"),
            columns = {
                {tr("Part"), width = 14},
                {tr("WTW"), format = KG, width = 18},
                {tr("Share of transport WTW"), format = SHARE},
            },
        }
        tc:row(tr("temperature-control uplift"), kg(all.temp_uplift_wtw_mg),
               share(all.temp_uplift_wtw_mg, all.transport_wtw_mg))
        tc:row(tr("refrigerant leaked"), kg(all.refrigerant_mg),
               share(all.refrigerant_mg, all.transport_wtw_mg))
    end
    if #t.energy > 0 then
        local base = all.transport_wtw_mg + all.hub_wtw_mg
        local et = s:table{
            title = tr("By energy carrier (transport and hubs)"),
            columns = {
                {tr("Energy carrier"), width = 22, total = {label = tr("Total")}},
                {tr("Transport WTW"), format = KG, width = 18,
                 total = exact(all.transport_wtw_mg)},
                {tr("Hub WTW"), format = KG, width = 18, total = exact(all.hub_wtw_mg)},
                {tr("Share of transport and hub WTW"), format = SHARE,
                 total = {value = base > 0 and 1 or 0}},
            },
        }
        for _, r in ipairs(t.energy) do
            local name = r.key
            if name == "unstated" or name == "other" or name == "refrigerant" then
                name = tr(name)
            end
            et:row(name, kg(r.transport_wtw_mg), kg(r.hub_wtw_mg),
                   share(r.transport_wtw_mg + r.hub_wtw_mg, base))
        end
        s:text(tr("WTW only: the split into WTT and TTW is not kept by carrier. \"unstated\" is "
            .. "WTW from intensities that name no carrier (GLEC's default intensities mix a "
            .. "fleet's fuels)."))
    end
    if all.total_wtw_mg > 0 then
        s:chart{type = "pie", table = parts, title = tr("WTW: packaging, transport and hubs"),
                categories = 1, values = 2}
    end

    local m = s:table{
        title = tr("By month"),
        columns = {
            {tr("Month"), total = {label = tr("Total")}},
            {tr("Shipments"), format = COUNT, total = {value = all.shipments}},
            {tr("WTW"), format = KG, width = 18, total = exact(all.total_wtw_mg)},
            {tr("TTW"), format = KG, width = 18, total = exact(all.total_ttw_mg)},
            {tr("WTT"), format = KG, width = 18, total = exact(all.total_wtt_mg)},
            {tr("WTW per shipment"), format = G, width = 18},
            {tr("WTW, split unknown"), format = KG, width = 18,
             total = exact(unsplit(all, "total"))},
        },
    }
    for _, r in ipairs(t.month) do
        m:row(r.key, r.shipments, kg(r.total_wtw_mg), kg(r.total_ttw_mg),
              kg(r.total_wtt_mg), share(r.total_wtw_mg, r.shipments) / 1000,
              kg(unsplit(r, "total")))
    end
    if #t.month > 0 then
        s:chart{type = #t.month > 2 and "line" or "column", table = m,
                title = tr("WTW and TTW by month"), categories = 1, values = {3, 4},
                x_title = tr("month"), y_title = tr("kg CO2e")}
    end

    table.sort(t.mode, function(a, b)
        local oa, ob = MODE_ORDER[a.key] or 99, MODE_ORDER[b.key] or 99
        if oa ~= ob then return oa < ob end
        return a.key < b.key
    end)
    local md = s:table{
        title = tr("By mode (a shipment counts under every part it has)"),
        columns = {
            {tr("Mode"), total = {label = tr("Total")}},
            {tr("Shipments"), format = COUNT},
            {tr("WTW"), format = KG, width = 18, total = exact(all.total_wtw_mg)},
            {tr("TTW"), format = KG, width = 18, total = exact(all.total_ttw_mg)},
            {tr("WTT"), format = KG, width = 18, total = exact(all.total_wtt_mg)},
            {tr("WTW, split unknown"), format = KG, width = 18,
             total = exact(unsplit(all, "total"))},
            {tr("Transport activity (tkm)"), format = TKM, width = 18,
             total = {value = tkm(all)}},
            {tr("Intensity"), format = G, width = 14},
            {tr("Intensity unit"), width = 16},
        },
    }
    for _, r in ipairs(t.mode) do
        -- transport: g CO2e per tkm; hubs: g CO2e per tonne handled
        local a, intensity, unit = nil, nil, nil
        if r.key == "hub" then
            -- mg per g of shipment is kg per tonne: x 1000 for g per tonne
            if r.mass_g > 0 then
                intensity, unit = r.hub_wtw_mg / r.mass_g * 1000, tr("g CO2e/t")
            end
        elseif r.key ~= "packaging" then
            a, intensity, unit = tkm(r), per_tkm(r), tr("g CO2e/tkm")
        end
        md:row(tr(MODE_LABEL[r.key] or r.key), r.shipments, kg(r.total_wtw_mg),
               kg(r.total_ttw_mg), kg(r.total_wtt_mg), kg(unsplit(r, "total")), a,
               intensity, intensity and unit or nil)
    end
    if #t.mode > 0 then
        s:chart{type = "bar", table = md, title = tr("WTW and TTW by mode"), categories = 1,
                values = {3, 4}, x_title = tr("mode"), y_title = tr("kg CO2e")}
    end

    local rt = s:table{
        title = tr("By route"),
        columns = {
            {tr("Route"), width = 20, total = {label = tr("Total")}},
            {tr("Shipments"), format = COUNT, total = {value = all.shipments}},
            {tr("WTW"), format = KG, width = 18, total = exact(all.total_wtw_mg)},
            {tr("TTW"), format = KG, width = 18, total = exact(all.total_ttw_mg)},
            {tr("WTW per shipment"), format = G, width = 18},
            {tr("Transport activity (tkm)"), format = TKM, width = 18,
             total = {value = tkm(all)}},
            {tr("Transport g CO2e/tkm"), format = G, width = 16},
        },
    }
    for _, r in ipairs(t.route) do
        rt:row(r.key, r.shipments, kg(r.total_wtw_mg), kg(r.total_ttw_mg),
               share(r.total_wtw_mg, r.shipments) / 1000, tkm(r), per_tkm(r))
    end
    if #t.route > 0 then
        s:chart{type = "bar", table = rt, title = tr("WTW and TTW by route"), categories = 1,
                values = {3, 4}, x_title = tr("route"), y_title = tr("kg CO2e")}
    end

    local pk = s:table{
        title = tr("By packaging"),
        columns = {
            {tr("Packaging"), width = 20, total = {label = tr("Total")}},
            {tr("Shipments"), format = COUNT, total = {value = all.shipments}},
            {tr("Packaging CO2e"), format = KG, width = 18, total = exact(all.packaging_mg)},
            {tr("WTW"), format = KG, width = 18, total = exact(all.total_wtw_mg)},
            {tr("Packaging per shipment"), format = G, width = 18},
        },
    }
    for _, r in ipairs(t.packaging) do
        pk:row(r.key, r.shipments, kg(r.packaging_mg), kg(r.total_wtw_mg),
               share(r.packaging_mg, r.shipments) / 1000)
    end
    if #t.packaging > 0 then
        s:chart{type = "column", table = pk, title = tr("Packaging CO2e by packaging"),
                categories = 1, values = 3, x_title = tr("packaging"), y_title = tr("kg CO2e")}
    end

    -- ISO 14083 asks for the distance type behind the transport activity
    -- and the share of primary, modelled and default data
    local a = tkm(all)
    local dt = s:table{
        title = tr("Transport activity by distance type"),
        columns = {
            {tr("Distance type"), width = 44, total = {label = tr("Total")}},
            {tr("Transport activity (tkm)"), format = TKM, width = 18, total = {value = a}},
            {tr("Share of activity"), format = SHARE, total = {value = a > 0 and 1 or 0}},
        },
    }
    for _, d in ipairs({{"actual", "actual distance"},
                        {"sfd", "shortest feasible distance (planned)"},
                        {"gcd", "great circle with its adjustment (DAF)"}}) do
        local v = all["activity_" .. d[1] .. "_gkm"] / 1e6
        dt:row(tr(d[2]), v, a > 0 and v / a or 0)
    end
    local dq = s:table{
        title = tr("WTW by data quality"),
        columns = {
            {tr("Data quality"), width = 14, total = {label = tr("Total")}},
            {tr("WTW"), format = KG, width = 18, total = exact(all.total_wtw_mg)},
            {tr("Share of WTW"), format = SHARE,
             total = {value = all.total_wtw_mg > 0 and 1 or 0}},
        },
    }
    for _, q in ipairs({"primary", "modelled", "default"}) do
        local v = all[q .. "_wtw_mg"]
        dq:row(tr(q), kg(v), share(v, all.total_wtw_mg))
    end
end

local METHOD_TEXT = {
    "Emissions are computed per shipment along its transport chain under ISO 14083:2023 "
        .. "and the GLEC Framework v3 (boxcar carbon; see docs/carbon.md).",
    "WTW (well-to-wheel) = WTT (well-to-tank: producing and supplying the energy) + TTW "
        .. "(tank-to-wheel: using it in the vehicle or hub), all as CO2e on the factor set's "
        .. "warming-potential basis.",
    "Transport: default intensities (shipment t x km x distance adjustment x g/tkm) where "
        .. "no primary data is given; fuel-based and multi-drop shares of metered runs where "
        .. "it is. Hubs: per tonne outbound, per item, or metered energy shared by the hub's "
        .. "throughput.",
    "Packaging: the shipper's packaging materials cradle-to-gate (material mass x factor), "
        .. "plus end of life where the set has a factor for it; a reusable container counts "
        .. "(manufacture + end of life) / trips + washing per trip + its empty return leg per "
        .. "trip. Packaging has no WTT/TTW split: it counts in WTW only.",
    "The mass of a shipment is its gross mass (items and the shipper's packaging), not the "
        .. "carrier's pallets or containers.",
    "Each shipment's figures are rounded once to the milligram; every total is the exact "
        .. "sum of its shipments.",
    "Data quality (ISO 14083): primary (measured for this operation), modelled, or default "
        .. "(published default values); a shipment's class is the worst of its inputs.",
}

local METHOD_TEXT_ZH = {
    "排放按每票运单沿其运输链计算，依据 ISO 14083:2023 与 GLEC 框架 v3（boxcar carbon；"
        .. "见 docs/carbon.md）。",
    "WTW（油井到车轮）= WTT（油井到油箱：能源的生产与供应）+ TTW（油箱到车轮：能源在车辆"
        .. "或枢纽中的使用），均按因子集的全球变暖潜势基准折算为 CO2e。",
    "运输：未提供一手数据时采用默认强度（运单吨数 × 公里 × 距离修正系数 × g/tkm）；提供时"
        .. "采用基于燃料的计量及多点配送的分摊。枢纽：按出港吨数、按件，或按枢纽吞吐量分摊"
        .. "计量的能耗。",
    "包装：发货方包装材料从摇篮到大门（材料质量 × 因子），因子集有报废因子时另加报废处理；"
        .. "可循环容器按（制造 + 报废）/ 周转次数 + 每次清洗 + 每次空箱返程计算。包装不分 "
        .. "WTT/TTW，只计入 WTW。",
    "运单质量为毛重（货物及发货方包装），不含承运方的托盘或集装器。",
    "每票运单的数字只在毫克处舍入一次；每个合计都是其运单的精确加总。",
    "数据质量（ISO 14083）：一手数据（本次作业实测）、模型数据，或默认值（公开的默认"
        .. "值）；一票运单的等级取其各项输入中最差者。",
}

local function method(s, t, sh, f, data)
    s:heading(sheet_name("Method"))
    for _, line in ipairs(T and METHOD_TEXT_ZH or METHOD_TEXT) do s:text(line) end

    local fs = s:table{
        title = tr("Factor set"),
        columns = {{"", width = 16}, {"", width = 100}},
    }
    fs:row(tr("id"), t.set)
    fs:row(tr("version"), t.version)
    if f then
        fs:row(tr("basis"), f.basis)
        fs:row(tr("source"), f.source)
        fs:row(tr("note"), f.note)
        fs:row(tr("file"), data.factors.file)
    else
        s:text(string.format(tr("The factor set's file was not given to the report (boxcar "
            .. "report --factors SET): its sources and assumptions are not listed here; 'boxcar "
            .. "factors show %s' lists them."), tostring(t.set)))
    end

    if f then
        local src = s:table{
            title = tr("Sources of the factors"),
            columns = {{tr("Source"), width = 70}, {tr("Version"), width = 24},
                       {tr("Factors"), format = COUNT, total = "sum"}},
        }
        for _, key in ipairs(f.source_order) do
            local e = f.sources[key]
            src:row(e.source, e.version, e.rows)
        end
        s:heading(tr("Assumptions"))
        s:text(tr("Factors of the set that are UNCONFIRMED (not confirmed in a primary "
            .. "document) or not on its basis. A run uses a subset of them; 'boxcar carbon' "
            .. "lists the ones it used at the end of its run."))
        if f.flagged_total > #f.flagged then
            s:text(string.format(tr("The first %d of %d such factors."), #f.flagged,
                   f.flagged_total))
        end
        local a = s:table{
            columns = {{tr("Kind")}, {tr("Factor"), width = 28}, {tr("Why"), width = 60},
                       {tr("Source"), width = 50}, {tr("Note"), width = 80}},
        }
        for _, r in ipairs(f.flagged) do a:row(r[1], r[2], r[3], r[4], r[5]) end
        if #f.flagged == 0 then a:row(tr("none")) end
    end
    for _, note in ipairs(data.notes) do s:text(tr("Note: ") .. note) end

    local q = s:table{
        title = tr("Data-quality mix (shares of shipments)"),
        columns = {{tr("Data quality"), total = {label = tr("Total")}},
                   {tr("Shipments"), format = COUNT, total = "sum"},
                   {tr("Share"), format = SHARE, total = {value = sh.n > 0 and 1 or 0}}},
    }
    for _, k in ipairs(sh.dq_order) do q:row(tr(k), sh.dq[k], share(sh.dq[k], sh.n)) end
    if sh.n > 0 then
        s:chart{type = "pie", table = q, title = tr("Data-quality mix"), categories = 1,
                values = 2}
    end

    local mt = s:table{
        title = tr("Methods used"),
        columns = {{tr("Method"), width = 36, total = {label = tr("Total")}},
                   {tr("Shipments"), format = COUNT, total = "sum"},
                   {tr("Share"), format = SHARE, total = {value = sh.n > 0 and 1 or 0}}},
    }
    for _, k in ipairs(sh.method_order) do
        mt:row(k, sh.methods[k], share(sh.methods[k], sh.n))
    end
end

function report.build(data, book)
    if data.shipments == nil or data.totals == nil then
        error("monthly.lua needs data.shipments and data.totals (boxcar report --shipments "
            .. "PER_SHIPMENT.csv --totals TOTALS.csv)")
    end
    local max_listed = report.params.max_listed
    if math.type(max_listed) ~= "integer" or max_listed < 0 then
        error("max_listed must be a whole number >= 0, not " .. tostring(max_listed))
    end
    local lang = report.params.lang
    if lang ~= "en" and lang ~= "zh-CN" then
        error("lang must be \"en\" or \"zh-CN\", not " .. tostring(lang))
    end
    T = lang == "zh-CN" and ZH or nil
    local t = read_totals(data.totals)
    local f = data.factors and read_factors(data.factors, t, max_listed)
    local sh = read_shipments(data.shipments, t)

    local detail_mode, sample_rows = report.params.detail, report.params.sample_rows
    if detail_mode ~= "all" and detail_mode ~= "sample" and detail_mode ~= "none" then
        error("detail must be \"all\", \"sample\" or \"none\", not " .. tostring(detail_mode))
    end
    if math.type(sample_rows) ~= "integer" or sample_rows < 1 then
        error("sample_rows must be a whole number >= 1, not " .. tostring(sample_rows))
    end
    local detail_note = nil
    if detail_mode == "sample" and sh.n > sample_rows then
        detail_note = string.format(tr("The sheet %s lists the first %d of %.0f shipments "
            .. "(detail = \"sample\")."), sheet_name("Shipments"), sample_rows, sh.n)
    elseif detail_mode == "none" then
        detail_note = tr("The shipments are not listed one by one (detail = \"none\").")
    end

    -- printing: landscape A4, one page wide, each sheet's own area; the
    -- detail's header row on every page
    local page = {landscape = true, fit_width = 1, print_area = true, paper = "A4"}
    book:title(string.format("%s: %s", tr(report.params.title), data.shipments.file))
    local s = book:sheet(sheet_name("Summary"))
    summary(s, t, sh, data, detail_note)
    limits(s, t, f)
    s:page(page)
    local detail = {
        {tr("Shipment"), field = "shipment_id", width = 16},
        {tr("Route"), field = "route_id", width = 18},
        {tr("Transport WTW"), field = "transport_wtw_g", format = G, width = 16},
        {tr("Transport TTW"), field = "transport_ttw_g", format = G, width = 16},
        {tr("Hubs WTW"), field = "hub_wtw_g", format = G, width = 14},
        {tr("Packaging"), field = "packaging_g", format = G, width = 14},
        {tr("Total WTW"), field = "total_wtw_g", format = G, width = 16},
        {tr("Total TTW"), field = "total_ttw_g", format = G, width = 16},
        {tr("Total WTT"), field = "total_wtt_g", format = G, width = 16},
        {tr("WTW, split unknown"), field = "total_unsplit_g", format = G, width = 16},
        {tr("Method"), field = "method", width = 30},
        {tr("Data quality"), field = "data_quality", width = 12},
    }
    -- read_shipments has checked that every row is of the totals' set and
    -- version, which the summary and method sheets state: repeating them on
    -- every row costs about a sixth of a large workbook's writing time
    if report.params.factor_columns then
        detail[#detail + 1] = {tr("Factor set"), field = "factor_set", width = 12}
        detail[#detail + 1] = {tr("Version"), field = "factor_version", width = 10}
    end
    if detail_mode ~= "none" then
        local d = book:detail(sheet_name("Shipments"), data.shipments, detail,
                              detail_mode == "sample" and {max_rows = sample_rows} or nil)
        d:page{landscape = true, fit_width = 1, repeat_rows = 1, paper = "A4"}
    end
    local m = book:sheet(sheet_name("Method"))
    method(m, t, sh, f, data)
    m:page(page)
end

return report
