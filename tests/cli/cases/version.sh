"$ZG" --version | sed -e 's/[0-9][0-9.]*/N/' -e 's/scanner: [a-z0-9]*/scanner: S/'
