# A write to nunique's spill file that fails mid-run stops the run with an
# I/O error (exit 3) and a hint, on one thread and on several, with no
# output written. A file size limit makes the write fail here; a disk that
# fills up takes the same path (ENOSPC instead of EFBIG).
"$ZG" gen --rows 200000 -o conn.log
for j in 1 2; do
  (ulimit -f 256; TMPDIR=. "$ZG" summarize conn.log -j $j --no-progress -q -o out.csv)
  echo "exit $?"
done
test -s out.csv || echo "no output written"
