-- make_demo.lua: generate samples/shipments/demo.csv, a year of parcel
-- shipments for the carbon demo, tests and benchmarks.
--
--   lua5.4 samples/shipments/make_demo.lua > samples/shipments/demo.csv
--   lua5.4 samples/shipments/make_demo.lua --stats > /dev/null   (mix on stderr)
--
-- Reproducible on every platform: Lua 5.4's math.random is xoshiro256**
-- seeded from an integer, only integer draws are used, tables are arrays
-- (never iterated as hash tables), and every number printed is an integer
-- (drop distances are whole tenths of a km, printed as "12.3").
--
-- Routes are those of samples/routes/cn-routes.csv, packaging the boxes of
-- samples/catalogs/cn-express.csv, a 20 g LDPE mailer, and the reusable
-- crate of samples/shipments/containers.csv. The mix is illustrative, not
-- measured: see samples/shipments/README.md.

math.randomseed(20250101)

local N = 12000
local YEAR = 2025

-- Relative daily volume: Spring Festival lull in February, the 618 sale
-- (June 1-18), Double 11 (November 1-11) and the December run-up.
local function day_weight(month, day)
  if month == 2 then return 7 end
  if month == 6 and day <= 18 then return 15 end
  if month == 11 and day <= 11 then return 30 end
  if month == 11 or month == 12 then return 12 end
  return 10
end

local month_days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

-- every day of the year with its cumulative weight
local days, cum, total = {}, {}, 0
for m = 1, 12 do
  for d = 1, month_days[m] do
    total = total + day_weight(m, d)
    days[#days + 1] = { m, d }
    cum[#cum + 1] = total
  end
end

local function draw_day()
  local x = math.random(1, total)
  local lo, hi = 1, #cum
  while lo < hi do
    local mid = (lo + hi) // 2
    if cum[mid] < x then lo = mid + 1 else hi = mid end
  end
  return lo
end

-- {route_id, weight, is_city, needs_drop}
local routes = {
  { "sh-city-evan", 40, true, false },
  { "sh-city-evan-round", 15, true, true },
  { "sha-pek-40t", 25, false, false },
  { "can-pek-air", 8, false, false },
  { "sha-pek-rail", 12, false, false },
}

local function pick(list, wi)
  local sum = 0
  for i = 1, #list do sum = sum + list[i][wi] end
  local x = math.random(1, sum)
  for i = 1, #list do
    x = x - list[i][wi]
    if x <= 0 then return list[i] end
  end
end

-- cn-express boxes: {box_id, material_mass_g, largest contents in g}
-- (contents limits are the box's gross limit minus its tare, rounded down)
local boxes = {
  { "12#", 34, 3000 }, { "11#", 42, 3000 }, { "10#", 54, 3000 },
  { "9#", 68, 3000 }, { "8#", 75, 3000 }, { "7#", 98, 5000 },
  { "6#", 126, 5000 }, { "5#", 154, 5000 }, { "4#", 210, 10000 },
  { "3#", 283, 10000 }, { "2#", 363, 15000 }, { "1#", 496, 15000 },
}

-- the box a parcel of this contents mass usually goes in: heavier goods
-- tend to be bulkier
local function box_for(contents_g)
  local lo, hi
  if contents_g < 300 then lo, hi = 1, 3
  elseif contents_g < 800 then lo, hi = 3, 6
  elseif contents_g < 2000 then lo, hi = 5, 8
  elseif contents_g < 5000 then lo, hi = 8, 10
  else lo, hi = 10, 12 end
  local b = boxes[math.random(lo, hi)]
  if contents_g > b[3] then b = boxes[12] end
  return b
end

local CRATE_G = 1500 -- keep in step with containers.csv
local MAILER_G = 20

-- contents mass in g: mostly light, with a tail of heavy parcels
local function draw_contents()
  local r = math.random(1, 100)
  if r <= 45 then return math.random(80, 600) end
  if r <= 80 then return math.random(600, 2000) end
  if r <= 95 then return math.random(2000, 6000) end
  return math.random(6000, 14000)
end

local function draw_items()
  local r = math.random(1, 100)
  if r <= 70 then return 1 end
  if r <= 90 then return 2 end
  return math.random(3, 6)
end

local rows = {}
for i = 1, N do
  local day = draw_day()
  local route = pick(routes, 2)
  local contents = draw_contents()
  local packaging, mass
  local r = math.random(1, 100)
  if route[3] and r <= 12 and contents <= 8000 then
    packaging, mass = "crate-pp", contents + CRATE_G
  elseif r <= 40 and contents <= 1500 then
    packaging, mass = "ldpe=" .. MAILER_G, contents + MAILER_G
  else
    local b = box_for(contents)
    packaging, mass = b[1], contents + b[2]
  end
  local drop = ""
  if route[4] then
    local tenths = math.random(5, 150) -- 0.5 to 15.0 km from the depot
    drop = string.format("%d.%d", tenths // 10, tenths % 10)
  end
  rows[i] = { day = day, seq = i, route = route[1], packaging = packaging,
              mass = mass, items = draw_items(), drop = drop }
end

table.sort(rows, function(a, b)
  if a.day ~= b.day then return a.day < b.day end
  return a.seq < b.seq
end)

local out = {}
out[1] = "shipment_id,date,mass_g,items,packaging,route_id,drop_km"
for i = 1, N do
  local s = rows[i]
  local m, d = days[s.day][1], days[s.day][2]
  out[#out + 1] = string.format("S%d-%06d,%d-%02d-%02d,%d,%d,%s,%s,%s", YEAR, i, YEAR,
    m, d, s.mass, s.items, s.packaging, s.route, s.drop)
end
io.write(table.concat(out, "\n"), "\n")

if arg[1] == "--stats" then
  local per_month, per_route, crates, mailers = {}, {}, 0, 0
  for m = 1, 12 do per_month[m] = 0 end
  for i = 1, #routes do per_route[i] = 0 end
  for i = 1, N do
    local s = rows[i]
    per_month[days[s.day][1]] = per_month[days[s.day][1]] + 1
    for k = 1, #routes do
      if routes[k][1] == s.route then per_route[k] = per_route[k] + 1 end
    end
    if s.packaging == "crate-pp" then crates = crates + 1 end
    if s.packaging:sub(1, 5) == "ldpe=" then mailers = mailers + 1 end
  end
  for m = 1, 12 do io.stderr:write(string.format("%d-%02d %d\n", YEAR, m, per_month[m])) end
  for k = 1, #routes do io.stderr:write(string.format("%s %d\n", routes[k][1], per_route[k])) end
  io.stderr:write(string.format("crates %d mailers %d boxes %d\n", crates, mailers,
    N - crates - mailers))
end
