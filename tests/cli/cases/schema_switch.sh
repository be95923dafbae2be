# A second '#fields' block mid-file switches the schema.
{ grep -v '^#close' "$ZG_DATA/conn_small.log"
  printf '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tconn_state\tduration\torig_bytes\tresp_bytes\n'
  printf '9.0\tC9\t10.0.0.5\t1\t10.0.0.6\t8080\tSF\t0.1\t1\t2\n'
  printf '#close\tx\n'; } > switch.log
"$ZG" summarize switch.log --no-progress -o out.csv
grep 10.0.0.5 out.csv
