mkdir empty && touch empty/readme.txt
"$ZG" summarize empty
