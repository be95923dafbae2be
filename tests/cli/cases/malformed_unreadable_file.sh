# Root reads any file, so run as nobody to see a permission error.
command -v runuser >/dev/null || { echo "SKIP: runuser absent"; exit 77; }
cp "$ZG_DATA/malformed/missing_close.log" secret.log && chmod 000 secret.log
chmod 755 . && runuser -u nobody -- "$ZG" summarize secret.log --no-progress -o /tmp/zeekgraph-unreadable.csv
