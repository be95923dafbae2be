cat > conn.json <<'J'
{"ts":1.5,"uid":"C1","id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2","id.resp_p":80,"conn_state":"SF","duration":0.25,"orig_bytes":10,"resp_bytes":20}
{"ts":2.5,"uid":"C2","id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2","id.resp_p":81,"conn_state":"SF","orig_bytes":5}
{"ts":3.5,"uid":"C3","id.orig_h":"10.0.0.1",
{"ts":4.5,"uid":"C4","id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2","id.resp_p":80,"conn_state":"SF","duration":"slow"}
{"ts":5.5,"uid":"C5","id":{"orig_h":"10.0.0.7","resp_h":"10.0.0.2","resp_p":80},"conn_state":"S0"}
J
"$ZG" summarize conn.json --no-progress
