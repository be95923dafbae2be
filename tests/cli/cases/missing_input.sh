"$ZG" summarize no-such.log
