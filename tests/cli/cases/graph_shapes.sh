# Graphistry's general hypergraph from the CLI: entities, EDGES, SKIP,
# categories and event nodes, on a custom summary of any columns.
cp "$ZG_DATA/conn_small.log" .
"$ZG" graph conn_small.log -q --no-progress --by id.orig_h,id.resp_h,proto --agg 'ts:size' \
  --entities id.orig_h,id.resp_h,proto --category ip=id.orig_h,id.resp_h --edge-shape 'id.orig_h:id.resp_h,proto' \
  --nodes n1.csv --edges e1.csv
cut -d, -f1-4 n1.csv; cut -d, -f1-5 e1.csv
"$ZG" graph conn_small.log -q --no-progress --by id.orig_h,id.resp_h,proto --agg 'ts:size' \
  --entities id.orig_h,id.resp_h,proto --category ip=id.orig_h,id.resp_h --events --skip proto --edges e2.csv
cut -d, -f1-5 e2.csv
"$ZG" graph conn_small.log -q --no-progress --edge-shape 'nope'
