return {build = function(d, b)
  local s = b:sheet('S')
  local t = s:table{title = 'T', columns = {{'A', total = {label = 'Total'}},
    {'B', format = '#,##0.000 "kg"', total = {value = 0.624875}},
    {'C', format = '0.0%', total = 'sum'}}}
  t:row('x', 0.12175, 0.5)
  t:row('y', 0.503125, 0.5)
  s:chart{type = 'line', table = t, categories = 1, values = {2, 3}}
end}
