"$ZG" summarize "$ZG_DATA/conn_small.log" --no-progress -q \
  --by id.orig_h,id.resp_p --agg 'duration:min,max,mean;uid:nunique'
